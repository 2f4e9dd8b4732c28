"""MobileNet (Howard et al., 2017), as in ``keras.applications.mobilenet``: 13 depthwise-separable
blocks, thinned by ``alpha`` and ``depth_multiplier``."""

import warnings

from glassnet import layers
from glassnet.applications import imagenet_utils
from glassnet.applications._common import (
    WeightsFile,
    check_weights,
    finish_model,
    image_input,
    load_weights,
    pooled,
)
from glassnet.applications._docs import document

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
ALPHA_TEXT = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
# (pointwise filters, strides) of blocks 1..13
BLOCKS = [
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
]


def MobileNet(
    input_shape=None,
    alpha=1.0,
    depth_multiplier=1,
    dropout=1e-3,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name=None,
):
    """The MobileNet model (its Args and example: the docstring ``document`` attaches below)."""
    where = name or "MobileNet"
    check_weights(where, weights, include_top, classes)
    rows = None if input_shape is None else input_shape[0]
    cols = None if input_shape is None else input_shape[1]
    default_size = rows if rows == cols and rows in (128, 160, 192, 224) else 224
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, 32, "channels_last", include_top, weights
    )
    rows, cols = input_shape[0], input_shape[1]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(
                f"{where}: with weights='imagenet', depth_multiplier must be 1, got "
                f"{depth_multiplier}"
            )
        if alpha not in ALPHA_TEXT:
            raise ValueError(
                f"{where}: with weights='imagenet', alpha must be 0.25, 0.5, 0.75 or 1.0, "
                f"got {alpha}"
            )
        if rows != cols or rows not in (128, 160, 192, 224):
            rows = 224
            warnings.warn(
                f"{where}: input_shape is undefined, not square or not 128, 160, 192 or 224; "
                "the weights for 224x224 inputs are loaded",
                stacklevel=2,
            )
    image = image_input(where, input_tensor, input_shape)
    x = _conv_block(image, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(BLOCKS, 1):
        x = _depthwise_conv_block(
            x, filters, alpha, depth_multiplier, strides=(stride, stride), block_id=block_id
        )
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, layers)
    model = finish_model(input_tensor, image, x, name or f"mobilenet_{alpha:0.2f}_{rows}")
    spec = None
    if weights == "imagenet":
        suffix = "" if include_top else "_no_top"
        spec = WeightsFile(f"{BASE_WEIGHT_PATH}mobilenet_{ALPHA_TEXT[alpha]}_{rows}_tf{suffix}.h5")
    return load_weights(model, weights, spec)


document(
    MobileNet,
    "MobileNet (Howard et al., 2017): a 3x3 convolution and 13 depthwise-separable blocks.",
    "    >>> model = MobileNet(weights=None, alpha=0.25, input_shape=(32, 32, 3), classes=10)\n"
    "    >>> model.outputs[0].shape\n"
    "    (None, 10)",
    extra=(
        "        alpha: width multiplier: each layer has alpha times the paper's filters "
        "(0.25, 0.5,\n"
        "            0.75 or 1.0 with ImageNet weights).\n"
        "        depth_multiplier: channels each depthwise convolution makes per input "
        "channel.\n"
        "        dropout: dropout rate before the classifier.\n"
    ),
    preprocessing=" (tf mode: scaled to [-1, 1])",
)


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    filters = int(filters * alpha)
    x = layers.Conv2D(
        filters, kernel, padding="same", use_bias=False, strides=strides, name="conv1"
    )(inputs)
    x = layers.BatchNormalization(axis=-1, name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(
    inputs, pointwise_conv_filters, alpha, depth_multiplier=1, strides=(1, 1), block_id=1
):
    pointwise_conv_filters = int(pointwise_conv_filters * alpha)
    if strides == (1, 1):
        x = inputs
    else:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(inputs)
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding="same" if strides == (1, 1) else "valid",
        depth_multiplier=depth_multiplier,
        strides=strides,
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=-1, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(
        pointwise_conv_filters,
        (1, 1),
        padding="same",
        use_bias=False,
        strides=(1, 1),
        name=f"conv_pw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=-1, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


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
