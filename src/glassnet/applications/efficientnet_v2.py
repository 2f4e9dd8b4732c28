"""EfficientNetV2 B0-B3, S, M and L (Tan and Le, 2021), as in
``keras.applications.efficientnet_v2``: Fused-MBConv blocks early (one full convolution instead
of expansion + depthwise), MBConv blocks later. The input scaling is built into the model, so
``preprocess_input`` passes images through; the models take pixels in [0, 255]."""

import copy
import math

from glassnet import initializers, layers
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

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}


def _stages(*rows):
    """Block arguments from rows (conv_type, expand_ratio, input_filters, output_filters,
    num_repeat, se_ratio, strides); conv_type 1 is Fused-MBConv, 0 MBConv; kernels are 3x3."""
    names = (
        "conv_type",
        "expand_ratio",
        "input_filters",
        "output_filters",
        "num_repeat",
        "se_ratio",
        "strides",
    )
    return [dict(zip(names, row), kernel_size=3) for row in rows]


_B = _stages(
    (1, 1, 32, 16, 1, 0, 1),
    (1, 4, 16, 32, 2, 0, 2),
    (1, 4, 32, 48, 2, 0, 2),
    (0, 4, 48, 96, 3, 0.25, 2),
    (0, 6, 96, 112, 5, 0.25, 1),
    (0, 6, 112, 192, 8, 0.25, 2),
)
DEFAULT_BLOCKS_ARGS = {
    "efficientnetv2-s": _stages(
        (1, 1, 24, 24, 2, 0, 1),
        (1, 4, 24, 48, 4, 0, 2),
        (1, 4, 48, 64, 4, 0, 2),
        (0, 4, 64, 128, 6, 0.25, 2),
        (0, 6, 128, 160, 9, 0.25, 1),
        (0, 6, 160, 256, 15, 0.25, 2),
    ),
    "efficientnetv2-m": _stages(
        (1, 1, 24, 24, 3, 0, 1),
        (1, 4, 24, 48, 5, 0, 2),
        (1, 4, 48, 80, 5, 0, 2),
        (0, 4, 80, 160, 7, 0.25, 2),
        (0, 6, 160, 176, 14, 0.25, 1),
        (0, 6, 176, 304, 18, 0.25, 2),
        (0, 6, 304, 512, 5, 0.25, 1),
    ),
    "efficientnetv2-l": _stages(
        (1, 1, 32, 32, 4, 0, 1),
        (1, 4, 32, 64, 7, 0, 2),
        (1, 4, 64, 96, 7, 0, 2),
        (0, 4, 96, 192, 10, 0.25, 2),
        (0, 6, 192, 224, 19, 0.25, 1),
        (0, 6, 224, 384, 25, 0.25, 2),
        (0, 6, 384, 640, 7, 0.25, 1),
    ),
    "efficientnetv2-b0": _B,
    "efficientnetv2-b1": _B,
    "efficientnetv2-b2": _B,
    "efficientnetv2-b3": _B,
}
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """``filters`` scaled by the width coefficient, rounded to a multiple of the divisor.

    Args:
        filters: the unscaled number of filters.
        width_coefficient: the scaling factor.
        min_depth: the least result, or None for ``depth_divisor``.
        depth_divisor: the result is a multiple of it.

    Example:

    >>> round_filters(32, 1.1, 8, 8)
    32
    """
    filters *= width_coefficient
    minimum_depth = min_depth or depth_divisor
    return int(
        max(minimum_depth, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor)
    )


def round_repeats(repeats, depth_coefficient):
    """``repeats`` scaled by the depth coefficient, rounded up.

    Args:
        repeats: the unscaled number of blocks.
        depth_coefficient: the scaling factor.

    Example:

    >>> round_repeats(3, 1.1)
    4
    """
    return int(math.ceil(depth_coefficient * repeats))


def _squeeze_excite(x, filters, input_filters, se_ratio, activation, name):
    filters_se = max(1, int(input_filters * se_ratio))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((1, 1, filters), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(
        filters_se,
        1,
        padding="same",
        activation=activation,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_reduce",
    )(se)
    se = layers.Conv2D(
        filters,
        1,
        padding="same",
        activation="sigmoid",
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}se_expand",
    )(se)
    return layers.Multiply(name=f"{name}se_excite")([x, se])


def _conv_bn(x, filters, kernel_size, strides, bn_momentum, name, activation=None):
    x = layers.Conv2D(
        filters,
        kernel_size=kernel_size,
        strides=strides,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name=f"{name}_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=f"{name}_activation")(x)
    return x


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = layers.Dropout(
                survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop"
            )(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


def MBConvBlock(
    input_filters,
    output_filters,
    expand_ratio=1,
    kernel_size=3,
    strides=1,
    se_ratio=0.0,
    bn_momentum=0.9,
    activation="swish",
    survival_probability=0.8,
    name=None,
):
    """A function applying one MBConv block: 1x1 expansion, depthwise convolution,
    squeeze-and-excite, 1x1 projection, residual connection when the shapes allow it.

    Args:
        input_filters: the input's channels.
        output_filters: the output's channels.
        expand_ratio: the expansion of the channels (1 for none).
        kernel_size: the side of the (depthwise) kernel.
        strides: the stride (1 or 2).
        se_ratio: the squeeze-and-excite width as a fraction of input_filters; 0 means none.
        bn_momentum: the BatchNormalization momentum.
        activation: the activation of the convolutions ("swish").
        survival_probability: despite Keras's name, the drop rate of the per-sample Dropout on
            the residual branch (0 for none).
        name: the prefix of the layer names ("block0" when None).

    Returns:
        A function from a SymbolicTensor to the block's output.

    Example:

    >>> from glassnet import Input
    >>> MBConvBlock(16, 16, expand_ratio=4, se_ratio=0.25, name="b_")(Input((8, 8, 16))).shape
    (None, 8, 8, 16)
    """
    name = name or "block0"

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv_bn(x, filters, 1, 1, bn_momentum, f"{name}expand", activation)
        x = layers.DepthwiseConv2D(
            kernel_size=kernel_size,
            strides=strides,
            depthwise_initializer=CONV_KERNEL_INITIALIZER,
            padding="same",
            use_bias=False,
            name=f"{name}dwconv2",
        )(x)
        x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name=f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
        x = _conv_bn(x, output_filters, 1, 1, bn_momentum, f"{name}project")
        return _residual(
            x, inputs, strides, input_filters, output_filters, survival_probability, name
        )

    return apply


def FusedMBConvBlock(
    input_filters,
    output_filters,
    expand_ratio=1,
    kernel_size=3,
    strides=1,
    se_ratio=0.0,
    bn_momentum=0.9,
    activation="swish",
    survival_probability=0.8,
    name=None,
):
    """A function applying one Fused-MBConv block: a full kernel_size convolution expands (or,
    with expand_ratio 1, is the whole block), optional squeeze-and-excite, 1x1 projection.

    Args:
        input_filters: the input's channels.
        output_filters: the output's channels.
        expand_ratio: the expansion of the channels (1 for none).
        kernel_size: the side of the (depthwise) kernel.
        strides: the stride (1 or 2).
        se_ratio: the squeeze-and-excite width as a fraction of input_filters; 0 means none.
        bn_momentum: the BatchNormalization momentum.
        activation: the activation of the convolutions ("swish").
        survival_probability: despite Keras's name, the drop rate of the per-sample Dropout on
            the residual branch (0 for none).
        name: the prefix of the layer names ("block0" when None).

    Returns:
        A function from a SymbolicTensor to the block's output.

    Example:

    >>> from glassnet import Input
    >>> FusedMBConvBlock(16, 24, expand_ratio=4, strides=2, name="f_")(Input((8, 8, 16))).shape
    (None, 4, 4, 24)
    """
    name = name or "block0"

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = _conv_bn(x, filters, kernel_size, strides, bn_momentum, f"{name}expand", activation)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
        x = _conv_bn(
            x,
            output_filters,
            1 if expand_ratio != 1 else kernel_size,
            1 if expand_ratio != 1 else strides,
            bn_momentum,
            f"{name}project",
            activation if expand_ratio == 1 else None,
        )
        return _residual(
            x, inputs, strides, input_filters, output_filters, survival_probability, name
        )

    return apply


def EfficientNetV2(
    width_coefficient,
    depth_coefficient,
    default_size,
    dropout_rate=0.2,
    drop_connect_rate=0.2,
    depth_divisor=8,
    min_depth=8,
    bn_momentum=0.9,
    activation="swish",
    blocks_args="default",
    name="efficientnetv2",
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    include_preprocessing=True,
    weights_name=None,
):
    """An EfficientNetV2 scaled by ``width_coefficient`` and ``depth_coefficient``;
    ``blocks_args`` "default" takes the stages of the variant named by ``name``.

    Args:
        width_coefficient: the factor on every layer's filters.
        depth_coefficient: the factor on every stage's number of blocks.
        default_size: the image side the model is made for when input_shape is None.
        dropout_rate: the dropout before the classifier.
        drop_connect_rate: the largest per-sample dropout of residual branches; block b of n
            gets b / n of it.
        depth_divisor: filter counts are rounded to multiples of it.
        min_depth: the least filter count.
        bn_momentum: the BatchNormalization momentum.
        activation: the activation of the convolutions ("swish").
        blocks_args: a list of stage settings (dicts), or "default" for the stages of name.
        name: the model's name (a key of DEFAULT_BLOCKS_ARGS with blocks_args="default").
        include_top: whether to end with the classifier (global pooling and a Dense layer).
        weights: None (random initialization), "imagenet" (Keras's published weights) or the
            path of a weights file.
        input_tensor: a SymbolicTensor (from ``glassnet.Input``) to use as the image input, or
            None for a new Input.
        input_shape: (height, width, channels) of the images, or None for the default size.
        pooling: with include_top=False, None (the last 4-D feature map), "avg" or "max".
        classes: the number of classes of the classifier (1000 with ImageNet weights).
        classifier_activation: the classifier's activation ("softmax"; None gives logits).
        include_preprocessing: begin with the variant's rescaling of [0, 255] pixels.
        weights_name: the variant whose ImageNet weights weights loads; None for a custom
            configuration.

    Example:

    >>> stages = DEFAULT_BLOCKS_ARGS["efficientnetv2-b0"][:2]
    >>> model = EfficientNetV2(0.5, 0.5, 64, blocks_args=stages, weights=None,
    ...                        input_shape=(32, 32, 3), classes=3)
    >>> model.outputs[0].shape
    (None, 3)
    """
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS[name]
    check_weights(name, weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, 32, "channels_last", include_top, weights
    )
    image = image_input(name, input_tensor, input_shape, default_size)
    x = image
    if include_preprocessing:
        if name.split("-")[-1].startswith("b") and input_shape[2] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(
                mean=[0.485, 0.456, 0.406],
                variance=[0.229**2, 0.224**2, 0.225**2],
                axis=3,
            )(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def filters_of(filters):
        return round_filters(filters, width_coefficient, min_depth, depth_divisor)

    x = layers.Conv2D(
        filters=filters_of(blocks_args[0]["input_filters"]),
        kernel_size=3,
        strides=2,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name="stem_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError(f"{name}: every stage's num_repeat must be > 0, got {args}")
        args["input_filters"] = filters_of(args["input_filters"])
        args["output_filters"] = filters_of(args["output_filters"])
        make_block = FusedMBConvBlock if args.pop("conv_type") == 1 else MBConvBlock
        repeats = round_repeats(args.pop("num_repeat"), depth_coefficient)
        for j in range(repeats):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = make_block(
                activation=activation,
                bn_momentum=bn_momentum,
                survival_probability=drop_connect_rate * b / blocks,
                name=f"block{i + 1}{chr(j + 97)}_",
                **args,
            )(x)
            b += 1
    x = layers.Conv2D(
        filters=filters_of(1280),
        kernel_size=1,
        strides=1,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name="top_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, momentum=bn_momentum, name="top_bn")(x)
    x = layers.Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(
            classes,
            activation=classifier_activation,
            kernel_initializer=DENSE_KERNEL_INITIALIZER,
            bias_initializer=initializers.Constant(0.0),
            name="predictions",
        )(x)
    else:
        x = pooled(x, pooling, layers, "avg_pool", "max_pool")
    model = finish_model(input_tensor, image, x, name)
    spec = None
    if weights == "imagenet":
        suffix = ".h5" if include_top else "_notop.h5"
        spec = WeightsFile(
            f"{BASE_WEIGHTS_PATH}efficientnetv2-{weights_name.lstrip('-')}{suffix}",
            WEIGHTS_HASHES[weights_name][0 if include_top else 1],
        )
    return load_weights(model, weights, spec)


# constructor -> (width, depth, default size, key of the weights)
VARIANTS = {
    "EfficientNetV2B0": (1.0, 1.0, 224, "b0"),
    "EfficientNetV2B1": (1.0, 1.1, 240, "b1"),
    "EfficientNetV2B2": (1.1, 1.2, 260, "b2"),
    "EfficientNetV2B3": (1.2, 1.4, 300, "b3"),
    "EfficientNetV2S": (1.0, 1.0, 384, "-s"),
    "EfficientNetV2M": (1.0, 1.0, 480, "-m"),
    "EfficientNetV2L": (1.0, 1.0, 480, "-l"),
}


def _make(constructor_name):
    width, depth, size, weights_name = VARIANTS[constructor_name]
    variant = f"efficientnetv2{weights_name if weights_name[0] == '-' else '-' + weights_name}"

    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        include_preprocessing=True,
        name=variant,
    ):
        return EfficientNetV2(
            width_coefficient=width,
            depth_coefficient=depth,
            default_size=size,
            blocks_args=DEFAULT_BLOCKS_ARGS[variant],
            name=name,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            include_preprocessing=include_preprocessing,
            weights_name=weights_name,
        )

    constructor.__name__ = constructor.__qualname__ = constructor_name
    return document(
        constructor,
        f"{constructor_name} (Tan and Le, 2021): width x{width}, depth x{depth}, trained on "
        f"{size}x{size} images.",
        "    >>> from glassnet.applications import efficientnet_v2\n"
        f"    >>> model = efficientnet_v2.{constructor_name}(weights=None, "
        "input_shape=(32, 32, 3),\n"
        "    ...                                     classes=10)\n"
        "    >>> model.outputs[0].shape\n"
        "    (None, 10)",
        extra=(
            "        include_preprocessing: start with the input scaling (Rescaling, and for "
            "B0-B3\n"
            "            Normalization), so that the model takes pixels in [0, 255].\n"
        ),
        preprocessing=" (which passes them through: the model takes pixels in [0, 255])",
    )


EfficientNetV2B0 = _make("EfficientNetV2B0")
EfficientNetV2B1 = _make("EfficientNetV2B1")
EfficientNetV2B2 = _make("EfficientNetV2B2")
EfficientNetV2B3 = _make("EfficientNetV2B3")
EfficientNetV2S = _make("EfficientNetV2S")
EfficientNetV2M = _make("EfficientNetV2M")
EfficientNetV2L = _make("EfficientNetV2L")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: EfficientNetV2 models rescale their input themselves.

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
