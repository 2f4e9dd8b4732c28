"""Xception (Chollet, 2017), as in ``keras.applications.xception``: depthwise-separable
convolutions throughout, with residual connections."""

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
from glassnet.applications.mobilenet import decode_predictions, preprocess_input

__all__ = ["Xception", "decode_predictions", "preprocess_input"]

BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHT_FILES = (
    WeightsFile(
        BASE + "xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6"
    ),
    WeightsFile(
        BASE + "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "b0042744bf5b25fce3cb969f33bebb97",
    ),
)


def _separable_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=-1, name=f"{name}_bn")(x)


def _entry_block(x, filters, block, first_activation=True, second_filters=None):
    """Two separable convolutions and a strided max pooling, plus a strided 1x1 shortcut."""
    residual = layers.Conv2D(
        second_filters or filters, (1, 1), strides=(2, 2), padding="same", use_bias=False
    )(x)
    residual = layers.BatchNormalization(axis=-1)(residual)
    if first_activation:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _separable_bn(x, filters, f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _separable_bn(x, second_filters or filters, f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.Add()([x, residual])


def Xception(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="xception",
):
    """The Xception model (its Args and example: the docstring ``document`` attaches below)."""
    check_weights(name, weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, 299, 71, "channels_last", include_top, weights
    )
    image = image_input(name, input_tensor, input_shape, 299)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(image)
    x = layers.BatchNormalization(axis=-1, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=-1, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _entry_block(x, 128, 2, first_activation=False)
    x = _entry_block(x, 256, 3)
    x = _entry_block(x, 728, 4)
    for i in range(8):
        residual = x
        prefix = f"block{i + 5}"
        for conv in (1, 2, 3):
            x = layers.Activation("relu", name=f"{prefix}_sepconv{conv}_act")(x)
            x = _separable_bn(x, 728, f"{prefix}_sepconv{conv}")
        x = layers.Add()([x, residual])
    x = _entry_block(x, 728, 13, second_filters=1024)
    x = _separable_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _separable_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, layers)
    model = finish_model(input_tensor, image, x, name)
    spec = WEIGHT_FILES[0 if include_top else 1] if weights == "imagenet" else None
    return load_weights(model, weights, spec)


document(
    Xception,
    "Xception (Chollet, 2017): 36 convolutions, almost all depthwise-separable, in 14 blocks.",
    "    >>> model = Xception(weights=None, include_top=False, input_shape=(71, 71, 3))\n"
    "    >>> model.outputs[0].shape\n"
    "    (None, 3, 3, 2048)",
    preprocessing=" (tf mode: scaled to [-1, 1]); at least 71x71",
)
