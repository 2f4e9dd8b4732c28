"""InceptionResNetV2 (Szegedy et al., 2016), as in ``keras.applications.inception_resnet_v2``:
Inception branches whose concatenation, projected by a 1x1 convolution and scaled down, is added
to the block's input."""

from glassnet import layers, ops
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

__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]

BASE_WEIGHT_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/"
)
WEIGHT_FILES = (
    WeightsFile(
        BASE_WEIGHT_URL + "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
        "e693bd0210a403b3192acc6073ad2e96",
    ),
    WeightsFile(
        BASE_WEIGHT_URL + "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "d19885ff4a710c122648d3b5c3b684e4",
    ),
)


class CustomScaleLayer(layers.Layer):
    """inputs[0] + scale * inputs[1]: the residual of an Inception-ResNet block, scaled.

    Args:
        scale: the factor on the residual branch.
        **kwargs: the base ``Layer`` arguments.

    Example:

    >>> import numpy as np
    >>> CustomScaleLayer(0.5)([np.ones((1, 2)), np.ones((1, 2))])
    Tensor([[1.5, 1.5]], dtype=float32)
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return ops.add(inputs[0], ops.multiply(inputs[1], self.scale))

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def conv2d_bn(
    x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None
):
    """Convolution, then (without bias) BatchNormalization without scale, then ``activation``.

    Args:
        x: the input feature map.
        filters: the convolution's filters.
        kernel_size: an int or a (height, width) pair.
        strides: the convolution's stride.
        padding: "same" or "valid".
        activation: the activation after the normalization, or None.
        use_bias: give the convolution a bias and leave out the BatchNormalization.
        name: the convolution's name; the others get "_bn" and "_ac" after it (None: automatic).

    Example:

    >>> from glassnet import Input
    >>> conv2d_bn(Input((9, 9, 3)), 8, 3, strides=2, padding="valid").shape
    (None, 4, 4, 8)
    """
    x = layers.Conv2D(
        filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name
    )(x)
    if not use_bias:
        bn_name = None if name is None else f"{name}_bn"
        x = layers.BatchNormalization(axis=3, scale=False, name=bn_name)(x)
    if activation is not None:
        ac_name = None if name is None else f"{name}_ac"
        x = layers.Activation(activation, name=ac_name)(x)
    return x


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """One Inception-ResNet block: 'block35' (35x35 grid), 'block17' or 'block8'.

    Args:
        x: the input feature map.
        scale: the factor on the residual branch before it is added.
        block_type: "block35", "block17" or "block8".
        block_idx: the block's number, for its layer names ("block35_1_...").
        activation: the activation after the addition, or None.

    Example:

    >>> from glassnet import Input
    >>> inception_resnet_block(Input((5, 5, 32)), 0.17, "block35", 1).shape
    (None, 5, 5, 32)
    """
    if block_type == "block35":
        branch_0 = conv2d_bn(x, 32, 1)
        branch_1 = conv2d_bn(x, 32, 1)
        branch_1 = conv2d_bn(branch_1, 32, 3)
        branch_2 = conv2d_bn(x, 32, 1)
        branch_2 = conv2d_bn(branch_2, 48, 3)
        branch_2 = conv2d_bn(branch_2, 64, 3)
        branches = [branch_0, branch_1, branch_2]
    elif block_type == "block17":
        branch_0 = conv2d_bn(x, 192, 1)
        branch_1 = conv2d_bn(x, 128, 1)
        branch_1 = conv2d_bn(branch_1, 160, [1, 7])
        branch_1 = conv2d_bn(branch_1, 192, [7, 1])
        branches = [branch_0, branch_1]
    elif block_type == "block8":
        branch_0 = conv2d_bn(x, 192, 1)
        branch_1 = conv2d_bn(x, 192, 1)
        branch_1 = conv2d_bn(branch_1, 224, [1, 3])
        branch_1 = conv2d_bn(branch_1, 256, [3, 1])
        branches = [branch_0, branch_1]
    else:
        raise ValueError(
            "inception_resnet_block: block_type must be 'block35', 'block17' or 'block8', got "
            f"{block_type!r}"
        )
    block_name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=3, name=f"{block_name}_mixed")(branches)
    up = conv2d_bn(mixed, x.shape[3], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def InceptionResNetV2(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="inception_resnet_v2",
):
    """The InceptionResNetV2 model (Args and example: the docstring ``document`` attaches below)."""
    check_weights(name, weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, 299, 75, "channels_last", include_top, weights
    )
    image = image_input(name, input_tensor, input_shape, 299)
    x = conv2d_bn(image, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    # mixed 5b (Inception-A): 35 x 35 x 320
    branch_0 = conv2d_bn(x, 96, 1)
    branch_1 = conv2d_bn(x, 48, 1)
    branch_1 = conv2d_bn(branch_1, 64, 5)
    branch_2 = conv2d_bn(x, 64, 1)
    branch_2 = conv2d_bn(branch_2, 96, 3)
    branch_2 = conv2d_bn(branch_2, 96, 3)
    branch_pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    branch_pool = conv2d_bn(branch_pool, 64, 1)
    x = layers.Concatenate(axis=3, name="mixed_5b")([branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)

    # mixed 6a (Reduction-A): 17 x 17 x 1088
    branch_0 = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(x, 256, 1)
    branch_1 = conv2d_bn(branch_1, 256, 3)
    branch_1 = conv2d_bn(branch_1, 384, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=3, name="mixed_6a")([branch_0, branch_1, branch_pool])
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)

    # mixed 7a (Reduction-B): 8 x 8 x 2080
    branch_0 = conv2d_bn(x, 256, 1)
    branch_0 = conv2d_bn(branch_0, 384, 3, strides=2, padding="valid")
    branch_1 = conv2d_bn(x, 256, 1)
    branch_1 = conv2d_bn(branch_1, 288, 3, strides=2, padding="valid")
    branch_2 = conv2d_bn(x, 256, 1)
    branch_2 = conv2d_bn(branch_2, 288, 3)
    branch_2 = conv2d_bn(branch_2, 320, 3, strides=2, padding="valid")
    branch_pool = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=3, name="mixed_7a")([branch_0, branch_1, branch_2, branch_pool])
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
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
    InceptionResNetV2,
    "InceptionResNetV2 (Szegedy et al., 2016): 40 Inception-ResNet blocks in 3 grid sizes.",
    "    >>> model = InceptionResNetV2(weights=None, include_top=False, "
    "input_shape=(75, 75, 3))\n"
    "    >>> model.outputs[0].shape\n"
    "    (None, 1, 1, 1536)",
    preprocessing=" (tf mode: scaled to [-1, 1]); at least 75x75",
)
