"""MobileNetV3Small and MobileNetV3Large (Howard et al., 2019), as in
``keras.applications``: inverted residual blocks with squeeze-and-excite and hard-swish, the input
scaling built into the model (a Rescaling layer), so ``preprocess_input`` passes images through.

As in Keras, ``keras.applications.mobilenet_v3`` itself holds only preprocess_input and
decode_predictions; the constructors live in ``keras.applications``.
"""

import warnings

from glassnet import layers
from glassnet.applications import imagenet_utils
from glassnet.applications._common import (
    WeightsFile,
    check_weights,
    finish_model,
    image_input,
    load_weights,
)
from glassnet.applications._docs import document

__all__ = ["decode_predictions", "preprocess_input"]

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
WEIGHTS_HASHES = {
    "large_224_0.75_float": (
        "765b44a33ad4005b3ac83185abf1d0eb",
        "40af19a13ebea4e2ee0c676887f69a2e",
    ),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": (
        "675e7b876c45c57e9e63e6d90a36599c",
        "ec5221f64a2f6d1ef965a614bdae7973",
    ),
    "small_224_0.75_float": (
        "cb65d4e5be93758266aa0a7f2c6708b7",
        "ebdb5cc8e0b497cd13a7c275d475c819",
    ),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": (
        "99cd97fb2fcdad2bf028eb838de69e37",
        "cde8136e733e811080d9fcd8a252f7e4",
    ),
}

# (expansion, filters, kernel ('k': 5, or 3 when minimalistic), stride, squeeze-excite,
#  activation ('relu', or 'hs': hard-swish, ReLU when minimalistic)) of each block
SMALL_BLOCKS = [
    (1, 16, 3, 2, True, "relu"),
    (72.0 / 16, 24, 3, 2, False, "relu"),
    (88.0 / 24, 24, 3, 1, False, "relu"),
    (4, 40, "k", 2, True, "hs"),
    (6, 40, "k", 1, True, "hs"),
    (6, 40, "k", 1, True, "hs"),
    (3, 48, "k", 1, True, "hs"),
    (3, 48, "k", 1, True, "hs"),
    (6, 96, "k", 2, True, "hs"),
    (6, 96, "k", 1, True, "hs"),
    (6, 96, "k", 1, True, "hs"),
]
LARGE_BLOCKS = [
    (1, 16, 3, 1, False, "relu"),
    (4, 24, 3, 2, False, "relu"),
    (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "hs"),
    (2.5, 80, 3, 1, False, "hs"),
    (2.3, 80, 3, 1, False, "hs"),
    (2.3, 80, 3, 1, False, "hs"),
    (6, 112, 3, 1, True, "hs"),
    (6, 112, 3, 1, True, "hs"),
    (6, 160, "k", 2, True, "hs"),
    (6, 160, "k", 1, True, "hs"),
    (6, 160, "k", 1, True, "hs"),
]


def relu(x):
    """A ReLU layer applied to ``x`` (the activation of MobileNetV3's "re" blocks).

    Args:
        x: a symbolic tensor.

    Returns:
        The symbolic output of a new ``layers.ReLU()``.
    """
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, written as Keras writes it (two graph operations around a ReLU).

    Args:
        x: a symbolic tensor.

    Returns:
        The symbolic output, in [0, 1].
    """
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    """x * hard_sigmoid(x) as one ``Activation("hard_swish")`` layer (MobileNetV3's "hs" blocks).

    Args:
        x: a symbolic tensor.

    Returns:
        The symbolic output of the new activation layer.
    """
    return layers.Activation("hard_swish")(x)


def _depth(v, divisor=8, min_value=None):
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(
        inputs
    )
    x = layers.Conv2D(
        _depth(filters * se_ratio),
        kernel_size=1,
        padding="same",
        name=f"{prefix}squeeze_excite_conv",
    )(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1"
    )(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[-1]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(
            _depth(infilters * expansion),
            kernel_size=1,
            padding="same",
            use_bias=False,
            name=f"{prefix}expand",
        )(x)
        x = layers.BatchNormalization(
            axis=-1, epsilon=1e-3, momentum=0.999, name=f"{prefix}expand_bn"
        )(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad"
        )(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=stride,
        padding="same" if stride == 1 else "valid",
        use_bias=False,
        name=f"{prefix}depthwise",
    )(x)
    x = layers.BatchNormalization(
        axis=-1, epsilon=1e-3, momentum=0.999, name=f"{prefix}depthwise_bn"
    )(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(
        filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project"
    )(x)
    x = layers.BatchNormalization(
        axis=-1, epsilon=1e-3, momentum=0.999, name=f"{prefix}project_bn"
    )(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def MobileNetV3(
    blocks,
    last_point_ch,
    input_shape=None,
    alpha=1.0,
    model_type="large",
    minimalistic=False,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    classes=1000,
    pooling=None,
    dropout_rate=0.2,
    classifier_activation="softmax",
    include_preprocessing=True,
    name=None,
):
    """A MobileNetV3 made of ``blocks`` (see SMALL_BLOCKS) and a ``last_point_ch``-wide head.

    Args:
        blocks: the inverted residual blocks, one (expansion, filters, kernel, stride,
            squeeze-excite, activation) tuple each.
        last_point_ch: the width of the head's 1x1 convolution before the classifier.
        input_shape: (height, width, 3) of the images (at least 32x32), or None.
        alpha: the width multiplier of every block's filters.
        model_type: "large" or "small": which published weights weights loads.
        minimalistic: 3x3 kernels, ReLU and no squeeze-and-excite everywhere.
        include_top: whether to end with the classifier.
        weights: None (random initialization), "imagenet" (Keras's published weights) or the
            path of a weights file.
        input_tensor: a SymbolicTensor to use as the image input, or None for a new Input.
        classes: the number of classes of the classifier (1000 with ImageNet weights).
        pooling: with include_top=False, None (the last 4-D feature map), "avg" or "max".
        dropout_rate: the dropout before the classifier.
        classifier_activation: the classifier's activation ("softmax"; None gives logits).
        include_preprocessing: begin by rescaling [0, 255] pixels to [-1, 1].
        name: the model's name.

    Example:

    >>> model = MobileNetV3(SMALL_BLOCKS[:2], 32, (32, 32, 3), weights=None, classes=4)
    >>> model.outputs[0].shape
    (None, 4)
    """
    where = name or "MobileNetV3"
    check_weights(where, weights, include_top, classes)
    if input_shape is not None and input_tensor is not None:
        if input_tensor.shape[2] != input_shape[1]:
            raise ValueError(
                f"{where}: input_shape[1] must equal input_tensor.shape[2], got input_shape="
                f"{input_shape}, input_tensor.shape={input_tensor.shape}"
            )
    if input_shape is None and input_tensor is not None:
        input_shape = (input_tensor.shape[2], input_tensor.shape[1], 3)
    if input_shape is None:
        input_shape = (None, None, 3)
    rows, cols = input_shape[0], input_shape[1]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"{where}: input size must be at least 32x32, got {input_shape}")
    if weights == "imagenet":
        if (not minimalistic and alpha not in (0.75, 1.0)) or (minimalistic and alpha != 1.0):
            raise ValueError(
                f"{where}: with weights='imagenet', alpha must be 0.75 or 1.0 (1.0 when "
                f"minimalistic), got {alpha}"
            )
        if rows != cols or rows != 224:
            warnings.warn(
                f"{where}: input_shape is undefined, not square or not 224; the weights for "
                "224x224 inputs are loaded",
                stacklevel=3,
            )
    image = image_input(where, input_tensor, input_shape)
    if minimalistic:
        kernel, activation, se_ratio = 3, relu, None
    else:
        kernel, activation, se_ratio = 5, hard_swish, 0.25
    x = image
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(
        16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv"
    )(x)
    x = layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name="conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, size, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(
            x,
            expansion,
            _depth(filters * alpha),
            kernel if size == "k" else size,
            stride,
            se_ratio if se else None,
            relu if act == "relu" else activation,
            block_id,
        )
    last_conv_ch = _depth(x.shape[-1] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name="conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(
            last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2"
        )(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = finish_model(input_tensor, image, x, name)
    spec = None
    if weights == "imagenet":
        key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
        suffix = "" if include_top else "_no_top_v2"
        spec = WeightsFile(
            f"{BASE_WEIGHT_PATH}weights_mobilenet_v3_{key}{suffix}.h5",
            WEIGHTS_HASHES[key][0 if include_top else 1],
        )
    return load_weights(model, weights, spec)


def _make(constructor_name, blocks, last_point_ch, model_type):
    def constructor(
        input_shape=None,
        alpha=1.0,
        minimalistic=False,
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        classes=1000,
        pooling=None,
        dropout_rate=0.2,
        classifier_activation="softmax",
        include_preprocessing=True,
        name=constructor_name,
    ):
        return MobileNetV3(
            blocks,
            last_point_ch,
            input_shape,
            alpha,
            model_type,
            minimalistic,
            include_top,
            weights,
            input_tensor,
            classes,
            pooling,
            dropout_rate,
            classifier_activation,
            include_preprocessing,
            name=name,
        )

    constructor.__name__ = constructor.__qualname__ = constructor_name
    return document(
        constructor,
        f"{constructor_name} (Howard et al., 2019): {len(blocks)} inverted residual blocks "
        "with squeeze-and-excite and hard-swish.",
        "    >>> from glassnet.applications import MobileNetV3Small\n"
        f"    >>> model = {constructor_name}(weights=None, input_shape=(32, 32, 3), classes=10)\n"
        "    >>> model.outputs[0].shape\n"
        "    (None, 10)",
        extra=(
            "        alpha: width multiplier (0.75 or 1.0 with ImageNet weights).\n"
            "        minimalistic: without squeeze-and-excite, hard-swish and 5x5 kernels.\n"
            "        dropout_rate: dropout before the classifier.\n"
            "        include_preprocessing: start with Rescaling(1 / 127.5, offset=-1), so that\n"
            "            the model takes pixels in [0, 255].\n"
        ),
        preprocessing=" (which passes them through: the model rescales [0, 255] itself)",
    )


MobileNetV3Small = _make("MobileNetV3Small", SMALL_BLOCKS, 1024, "small")
MobileNetV3Large = _make("MobileNetV3Large", LARGE_BLOCKS, 1280, "large")
MobileNetV3Large.__doc__ = MobileNetV3Large.__doc__.replace("MobileNetV3Small", "MobileNetV3Large")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: MobileNetV3 models rescale their input themselves.

    Args:
        x: images, any form.
        data_format: accepted for Keras compatibility.

    Example:

    >>> preprocess_input(255.0)
    255.0
    """
    return x


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
