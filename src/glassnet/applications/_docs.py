"""The argument descriptions the application constructors share (attached to each docstring)."""

COMMON_ARGS = """
    Args:
        include_top: whether to end with the ImageNet classifier (global pooling and a Dense
            layer of ``classes`` units).
        weights: None (random initialization), "imagenet" (Keras's published weights, found in
            $GLASSNET_DATA/applications/ or the cache, else downloaded and checked against
            Keras's published hash) or the path of a weights file (.weights.h5 or Keras 2 .h5).
        input_tensor: optional symbolic tensor (from ``glassnet.Input``) to use as the image
            input.
        input_shape: (height, width, channels) of the images, when include_top is False or
            weights is not "imagenet"; default: the size the weights were trained at.
        pooling: with include_top=False, None (the last feature map, 4-D), "avg" or "max"
            (global pooling to (batch, channels)).
        classes: number of classes of the classifier (1000 with ImageNet weights).
        classifier_activation: activation of the classifier ("softmax", None for logits, or
            another name when weights are not pretrained).
        name: the model's name.
{extra}
    Returns:
        A functional ``glassnet.Model`` with Keras's layer names, order and weights layout.

    Input: (batch, height, width, 3) float32 images, preprocessed with this family's
    ``preprocess_input``{preprocessing}.

    Example:

{example}
"""


def document(function, summary, example, extra="", preprocessing=""):
    """Give ``function`` the shared constructor docstring.

    Args:
        function: the constructor; its ``__doc__`` is replaced.
        summary: the docstring's first line(s).
        example: the doctest lines, each indented by four spaces.
        extra: Args lines of the constructor's own arguments (indented by eight spaces), or "".
        preprocessing: what ``preprocess_input`` does, appended to the Input paragraph, or "".

    Returns:
        ``function``.

    Example:

    >>> def build():
    ...     pass
    >>> document(build, "A demo.", example="").__doc__.splitlines()[0]
    'A demo.'
    """
    function.__doc__ = (
        summary
        + "\n"
        + COMMON_ARGS.format(extra=extra, example=example, preprocessing=preprocessing)
    )
    return function
