"""ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., 2016: identity mappings, pre-activation
blocks), as in ``keras.applications.resnet_v2``."""

from glassnet.applications import imagenet_utils
from glassnet.applications._docs import document
from glassnet.applications.resnet import ResNet, stack_residual_blocks_v2


def _resnet_v2(depths, weights_name):
    def stack_fn(x):
        x = stack_residual_blocks_v2(x, 64, depths[0], name="conv2")
        x = stack_residual_blocks_v2(x, 128, depths[1], name="conv3")
        x = stack_residual_blocks_v2(x, 256, depths[2], name="conv4")
        return stack_residual_blocks_v2(x, 512, depths[3], stride1=1, name="conv5")

    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=weights_name,
    ):
        return ResNet(
            stack_fn,
            preact=True,
            use_bias=True,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            name=name,
            weights_name=weights_name,
        )

    return constructor


def _make(constructor_name, depths, weights_name, depth):
    constructor = _resnet_v2(depths, weights_name)
    constructor.__name__ = constructor.__qualname__ = constructor_name
    example = (
        "    >>> from glassnet.applications import resnet_v2\n"
        f"    >>> model = resnet_v2.{constructor_name}(weights=None, input_shape=(32, 32, 3))\n"
        "    >>> model.outputs[0].shape\n"
        "    (None, 1000)"
    )
    return document(
        constructor,
        f"ResNet{depth}V2 (He et al., 2016): pre-activation bottleneck blocks in 4 stages.",
        example,
        preprocessing=" (tf mode: scaled to [-1, 1])",
    )


ResNet50V2 = _make("ResNet50V2", [3, 4, 6, 3], "resnet50v2", 50)
ResNet101V2 = _make("ResNet101V2", [3, 4, 23, 3], "resnet101v2", 101)
ResNet152V2 = _make("ResNet152V2", [3, 8, 36, 3], "resnet152v2", 152)


def preprocess_input(x, data_format=None):
    """ImageNet 'tf' preprocessing: pixels scaled from [0, 255] to [-1, 1].

    Args:
        x: images with values in [0, 255] (see imagenet_utils.preprocess_input).
        data_format: "channels_last" (default) or "channels_first".

    Returns:
        The preprocessed images.

    Example:

    >>> import numpy as np
    >>> preprocess_input(np.array([[[0.0, 127.5, 255.0]]]))
    array([[[-1.,  0.,  1.]]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
