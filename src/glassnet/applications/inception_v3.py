"""InceptionV3 (Szegedy et al., 2015), as in ``keras.applications.inception_v3``: Inception
modules of parallel 1x1, factorised 3x3 / 7x7 and pooling branches, concatenated."""

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

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]

BASE = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"
WEIGHT_FILES = (
    WeightsFile(
        BASE + "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
        "9a0d58056eeedaa3f26cb7ebd46da564",
    ),
    WeightsFile(
        BASE + "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "bcbd6486424b2319ff4ef7d526e38f63",
    ),
)


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Convolution (no bias), BatchNormalization (no scale) and ReLU.

    Args:
        x: the input feature map.
        filters: the convolution's filters.
        num_row: the kernel's height.
        num_col: the kernel's width.
        padding: "same" or "valid".
        strides: the convolution's strides.
        name: the ReLU's name; the others get "_conv" and "_bn" after it (None: automatic).

    Example:

    >>> from glassnet import Input
    >>> conv2d_bn(Input((9, 9, 3)), 8, 3, 3, padding="valid", strides=(2, 2)).shape
    (None, 4, 4, 8)
    """
    bn_name = None if name is None else f"{name}_bn"
    conv_name = None if name is None else f"{name}_conv"
    x = layers.Conv2D(
        filters,
        (num_row, num_col),
        strides=strides,
        padding=padding,
        use_bias=False,
        name=conv_name,
    )(x)
    x = layers.BatchNormalization(axis=3, scale=False, name=bn_name)(x)
    return layers.Activation("relu", name=name)(x)


def _average_branch(x, filters):
    branch = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(branch, filters, 1, 1)


def InceptionV3(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="inception_v3",
):
    """The InceptionV3 model (its Args and example: the docstring ``document`` attaches below)."""
    check_weights(name, weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, 299, 75, "channels_last", include_top, weights
    )
    image = image_input(name, input_tensor, input_shape, 299)
    x = conv2d_bn(image, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)

    # mixed 0, 1, 2: 35 x 35 x 256, 288, 288
    for index, pool_filters in enumerate((32, 64, 64)):
        branch1x1 = conv2d_bn(x, 64, 1, 1)
        branch5x5 = conv2d_bn(x, 48, 1, 1)
        branch5x5 = conv2d_bn(branch5x5, 64, 5, 5)
        branch3x3dbl = conv2d_bn(x, 64, 1, 1)
        branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
        branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
        branch_pool = _average_branch(x, pool_filters)
        x = layers.Concatenate(axis=3, name=f"mixed{index}")(
            [branch1x1, branch5x5, branch3x3dbl, branch_pool]
        )

    # mixed 3: 17 x 17 x 768
    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=3, name="mixed3")([branch3x3, branch3x3dbl, branch_pool])

    # mixed 4, 5, 6, 7: 17 x 17 x 768, the 7x7 convolutions factorised into 1x7 and 7x1
    for index, width in zip((4, 5, 6, 7), (128, 160, 160, 192)):
        branch1x1 = conv2d_bn(x, 192, 1, 1)
        branch7x7 = conv2d_bn(x, width, 1, 1)
        branch7x7 = conv2d_bn(branch7x7, width, 1, 7)
        branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
        branch7x7dbl = conv2d_bn(x, width, 1, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 1, 7)
        branch7x7dbl = conv2d_bn(branch7x7dbl, width, 7, 1)
        branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
        branch_pool = _average_branch(x, 192)
        x = layers.Concatenate(axis=3, name=f"mixed{index}")(
            [branch1x1, branch7x7, branch7x7dbl, branch_pool]
        )

    # mixed 8: 8 x 8 x 1280
    branch3x3 = conv2d_bn(x, 192, 1, 1)
    branch3x3 = conv2d_bn(branch3x3, 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.Concatenate(axis=3, name="mixed8")([branch3x3, branch7x7x3, branch_pool])

    # mixed 9, 10: 8 x 8 x 2048
    for i in range(2):
        branch1x1 = conv2d_bn(x, 320, 1, 1)
        branch3x3 = conv2d_bn(x, 384, 1, 1)
        branch3x3_1 = conv2d_bn(branch3x3, 384, 1, 3)
        branch3x3_2 = conv2d_bn(branch3x3, 384, 3, 1)
        branch3x3 = layers.Concatenate(axis=3, name=f"mixed9_{i}")([branch3x3_1, branch3x3_2])
        branch3x3dbl = conv2d_bn(x, 448, 1, 1)
        branch3x3dbl = conv2d_bn(branch3x3dbl, 384, 3, 3)
        branch3x3dbl_1 = conv2d_bn(branch3x3dbl, 384, 1, 3)
        branch3x3dbl_2 = conv2d_bn(branch3x3dbl, 384, 3, 1)
        branch3x3dbl = layers.Concatenate(axis=3)([branch3x3dbl_1, branch3x3dbl_2])
        branch_pool = _average_branch(x, 192)
        x = layers.Concatenate(axis=3, name=f"mixed{9 + i}")(
            [branch1x1, branch3x3, branch3x3dbl, branch_pool]
        )
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
    InceptionV3,
    "InceptionV3 (Szegedy et al., 2015): a convolutional stem and 11 Inception modules.",
    "    >>> model = InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))\n"
    "    >>> model.outputs[0].shape\n"
    "    (None, 1, 1, 2048)",
    preprocessing=" (tf mode: scaled to [-1, 1]); at least 75x75",
)
