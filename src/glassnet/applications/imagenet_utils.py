"""What every ImageNet model shares: the pixel preprocessing modes, decoding the 1000 class scores
into names, and the input-shape rules of Keras's applications.

The class index (``imagenet_class_index.json``) is fetched like the weight files: from
``$GLASSNET_DATA/applications/``, the cache, or Keras's published address, checked against its
published hash before it is read.
"""

import json
import warnings

import numpy as np

from glassnet import activations, ops
from glassnet.applications._weights import WeightsFile, weights_path
from glassnet.autograd.tensor import Tensor

CLASS_INDEX_FILE = WeightsFile(
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
    "c2c37ea517e94d9795004a39431a14cb",
)
_class_index = None  # {"0": ["n01440764", "tench"], ...} once read

_MEANS = {"caffe": (103.939, 116.779, 123.68), "torch": (0.485, 0.456, 0.406)}
_STDS = {"torch": (0.229, 0.224, 0.225)}


def preprocess_input(x, data_format=None, mode="caffe"):
    """Scale a batch of RGB images in [0, 255] the way an ImageNet model was trained.

    Args:
        x: (batch, height, width, 3) or (height, width, 3) float array or Tensor, values in
            [0, 255]. A float NumPy array is modified in place, as in Keras (pass a copy to
            keep it); integer arrays are converted to float32 first.
        data_format: "channels_last" (default) or "channels_first".
        mode: "caffe" (RGB -> BGR, then subtract the ImageNet mean per channel), "tf" (scale to
            [-1, 1]) or "torch" (scale to [0, 1], then standardise per channel).

    Returns:
        The preprocessed batch, float32 for integer input.

    Example:

    >>> import numpy as np
    >>> from glassnet.applications import imagenet_utils
    >>> imagenet_utils.preprocess_input(np.full((1, 1, 3), 255.0), mode="tf")
    array([[[1., 1., 1.]]])
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(f"preprocess_input: mode must be 'caffe', 'tf' or 'torch', got {mode!r}")
    data_format = data_format or "channels_last"
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "preprocess_input: data_format must be 'channels_first' or 'channels_last', "
            f"got {data_format!r}"
        )
    if isinstance(x, Tensor):
        return _preprocess_tensor(x, data_format, mode)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype("float32")
    channel_axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
    else:
        x = np.flip(x, axis=channel_axis)  # RGB -> BGR
    shape = [1] * x.ndim
    shape[channel_axis] = 3
    x -= np.reshape(_MEANS[mode], shape).astype(x.dtype)
    if mode == "torch":
        x /= np.reshape(_STDS[mode], shape).astype(x.dtype)
    return x


def _preprocess_tensor(x, data_format, mode):
    channel_axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
    if mode == "tf":
        return ops.subtract(ops.divide(x, 127.5), 1.0)
    if mode == "torch":
        x = ops.divide(x, 255.0)
    else:
        x = ops.flip(x, axis=channel_axis)
    shape = [1] * x.ndim
    shape[channel_axis] = 3
    x = ops.subtract(x, np.reshape(_MEANS[mode], shape).astype(x.dtype))
    if mode == "torch":
        x = ops.divide(x, np.reshape(_STDS[mode], shape).astype(x.dtype))
    return x


def _read_class_index():
    global _class_index
    if _class_index is None:
        with open(weights_path(CLASS_INDEX_FILE)) as handle:
            index = json.load(handle)
        if (
            not isinstance(index, dict)
            or sorted(index, key=int) != [str(i) for i in range(1000)]
            or not all(isinstance(v, list) and len(v) == 2 for v in index.values())
        ):
            raise ValueError(
                "decode_predictions: the ImageNet class index is not 1000 entries "
                "'0'..'999' -> [wordnet id, name]"
            )
        _class_index = index
    return _class_index


def decode_predictions(preds, top=5):
    """The ``top`` best ImageNet classes of each prediction, as (wordnet id, name, score).

    Args:
        preds: (batch, 1000) scores, an array or Tensor.
        top: how many classes to return per sample.

    Returns:
        One list per sample of ``top`` tuples (class id, class name, score), best first.

    Example:

    >>> import numpy as np
    >>> from glassnet.applications import imagenet_utils
    >>> imagenet_utils.decode_predictions(np.zeros((1, 10)))
    Traceback (most recent call last):
    ...
    ValueError: decode_predictions expects ImageNet scores of shape (samples, 1000), got (1, 10)
    """
    preds = np.asarray(preds.data if isinstance(preds, Tensor) else preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "decode_predictions expects ImageNet scores of shape (samples, 1000), got "
            f"{preds.shape}"
        )
    index = _read_class_index()
    results = []
    for pred in preds:
        best = np.argsort(pred)[-top:][::-1]
        results.append([(*index[str(i)], pred[i]) for i in best])
    return results


# -- the input-shape rules of Keras's applications ------------------------------------------------
def obtain_input_shape(
    input_shape, default_size, min_size, data_format, require_flatten, weights=None
):
    """The model's input shape (without the batch axis): ``input_shape`` checked, or the default.

    Args:
        input_shape: None or a 3-tuple (height, width, channels) for channels_last.
        default_size: the image size the published weights were trained at.
        min_size: the smallest height and width the architecture can take.
        data_format: "channels_last" or "channels_first".
        require_flatten: whether the model ends in a classifier that needs a fixed size.
        weights: None, "imagenet" or a file path.

    Returns:
        A 3-tuple; None marks a size the model does not fix.

    Example:

    >>> obtain_input_shape(None, 224, 32, "channels_last", require_flatten=False)
    (None, None, 3)
    """
    channels_last = data_format != "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[-1] if channels_last else input_shape[0]
        if channels not in (1, 3):
            warnings.warn(
                f"This model usually expects 1 or 3 input channels, got input_shape={input_shape}",
                stacklevel=3,
            )
        default_shape = (
            (default_size, default_size, channels)
            if channels_last
            else (channels, default_size, default_size)
        )
    else:
        default_shape = (default_size, default_size, 3) if channels_last else (3, 224, 224)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                f"With include_top=True and weights='imagenet', input_shape must be "
                f"{default_shape}, got {input_shape}"
            )
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(f"input_shape must be a tuple of three integers, got {input_shape}")
        channels = input_shape[-1] if channels_last else input_shape[0]
        sizes = input_shape[:2] if channels_last else input_shape[1:]
        if channels != 3 and weights == "imagenet":
            raise ValueError(
                f"With weights='imagenet' the input must have 3 channels, got input_shape="
                f"{input_shape}"
            )
        if any(size is not None and size < min_size for size in sizes):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}, got input_shape={input_shape}"
            )
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (None, None, 3) if channels_last else (3, None, None)
    if require_flatten and None in input_shape:
        raise ValueError(
            f"With include_top=True the input shape must be fully known, got {input_shape}"
        )
    return input_shape


def correct_pad(inputs, kernel_size):
    """((top, bottom), (left, right)) zero padding that makes a strided 'valid' convolution of
    ``kernel_size`` behave like TensorFlow's 'same' on ``inputs`` (batch, height, width, c).

    Args:
        inputs: a 4-D channels-last SymbolicTensor (or anything with such a ``shape``).
        kernel_size: an int or a (height, width) pair.

    Example:

    >>> from glassnet import Input
    >>> correct_pad(Input((32, 32, 3)), 3)
    ((0, 1), (0, 1))
    """
    size = inputs.shape[1:3]
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel[0] // 2, kernel[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Refuse a classifier activation other than softmax or None with pretrained weights.

    Args:
        classifier_activation: the activation asked for (a name, a function or None).
        weights: the weights asked for; None (random) allows any activation.

    Example:

    >>> validate_activation("softmax", "imagenet")
    >>> validate_activation("relu", None)
    """
    if weights is None:
        return
    allowed = (activations.get("softmax"), activations.get(None))
    if activations.get(classifier_activation) not in allowed:
        raise ValueError(
            "With pretrained weights and include_top=True, classifier_activation must be None "
            f"or 'softmax', got {classifier_activation!r}"
        )
