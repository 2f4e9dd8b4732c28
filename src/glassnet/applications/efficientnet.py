"""EfficientNetB0 to B7 (Tan and Le, 2019), as in ``keras.applications.efficientnet``: MBConv
blocks (expansion, depthwise convolution, squeeze-and-excite, projection) scaled in width, depth
and resolution. The input scaling is built into the model, so ``preprocess_input`` passes images
through; the models take pixels in [0, 255]."""

import copy
import math

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

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/keras-applications/"
WEIGHTS_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}


def _block_args(kernel_size, repeats, filters_in, filters_out, expand_ratio, strides):
    return dict(
        kernel_size=kernel_size,
        repeats=repeats,
        filters_in=filters_in,
        filters_out=filters_out,
        expand_ratio=expand_ratio,
        id_skip=True,
        strides=strides,
        se_ratio=0.25,
    )


DEFAULT_BLOCKS_ARGS = [
    _block_args(3, 1, 32, 16, 1, 1),
    _block_args(3, 2, 16, 24, 6, 2),
    _block_args(5, 2, 24, 40, 6, 2),
    _block_args(3, 3, 40, 80, 6, 2),
    _block_args(5, 3, 80, 112, 6, 1),
    _block_args(5, 4, 112, 192, 6, 2),
    _block_args(3, 1, 192, 320, 6, 1),
]
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}
IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]


def EfficientNet(
    width_coefficient,
    depth_coefficient,
    default_size,
    dropout_rate=0.2,
    drop_connect_rate=0.2,
    depth_divisor=8,
    activation="swish",
    blocks_args="default",
    name="efficientnet",
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    weights_name=None,
):
    """An EfficientNet scaled by ``width_coefficient`` and ``depth_coefficient``.

    Args:
        width_coefficient: the factor on every layer's filters.
        depth_coefficient: the factor on every stage's number of blocks.
        default_size: the image side the model is made for when input_shape is None.
        dropout_rate: the dropout before the classifier.
        drop_connect_rate: the largest per-sample dropout of residual branches; block b of n
            gets b / n of it.
        depth_divisor: filter counts are rounded to multiples of it.
        activation: the activation of the convolutions ("swish").
        blocks_args: a list of block settings (dicts), or "default" for DEFAULT_BLOCKS_ARGS.
        name: the model's name.
        include_top: whether to end with the classifier (global pooling and a Dense layer).
        weights: None (random initialization), "imagenet" (Keras's published weights) or the
            path of a weights file.
        input_tensor: a SymbolicTensor (from ``glassnet.Input``) to use as the image input, or
            None for a new Input.
        input_shape: (height, width, channels) of the images, or None for the default size.
        pooling: with include_top=False, None (the last 4-D feature map), "avg" or "max".
        classes: the number of classes of the classifier (1000 with ImageNet weights).
        classifier_activation: the classifier's activation ("softmax"; None gives logits).
        weights_name: the variant whose ImageNet weights weights loads ("b0"...); None for
            a custom configuration.

    Example:

    >>> model = EfficientNet(0.25, 0.25, 64, blocks_args=DEFAULT_BLOCKS_ARGS[:2], weights=None,
    ...                      input_shape=(32, 32, 3), classes=3)
    >>> model.outputs[0].shape
    (None, 3)
    """
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS
    check_weights(name, weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, 32, "channels_last", include_top, weights
    )
    image = image_input(name, input_tensor, input_shape, default_size)

    def round_filters(filters, divisor=depth_divisor):
        filters *= width_coefficient
        new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
        if new_filters < 0.9 * filters:
            new_filters += divisor
        return int(new_filters)

    def round_repeats(repeats):
        return int(math.ceil(depth_coefficient * repeats))

    x = layers.Rescaling(1.0 / 255.0)(image)
    x = layers.Normalization(axis=3)(x)
    if weights == "imagenet":
        # the published weights expect the standard deviation divided out once more, as the
        # original models were trained with it
        x = layers.Rescaling([1.0 / math.sqrt(stddev) for stddev in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(
        round_filters(32),
        3,
        strides=2,
        padding="valid",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name="stem_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(round_repeats(args["repeats"]) for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ValueError(f"{name}: every block's repeats must be > 0, got {args['repeats']}")
        args["filters_in"] = round_filters(args["filters_in"])
        args["filters_out"] = round_filters(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"))):
            if j > 0:
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(
                x,
                activation,
                drop_connect_rate * b / blocks,
                name=f"block{i + 1}{chr(j + 97)}_",
                **args,
            )
            b += 1
    x = layers.Conv2D(
        round_filters(1280),
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name="top_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(
            classes,
            activation=classifier_activation,
            kernel_initializer=DENSE_KERNEL_INITIALIZER,
            name="predictions",
        )(x)
    else:
        x = pooled(x, pooling, layers, "avg_pool", "max_pool")
    model = finish_model(input_tensor, image, x, name)
    spec = None
    if weights == "imagenet":
        suffix = ".h5" if include_top else "_notop.h5"
        spec = WeightsFile(
            f"{BASE_WEIGHTS_PATH}efficientnet{weights_name}{suffix}",
            WEIGHTS_HASHES[weights_name][0 if include_top else 1],
        )
    return load_weights(model, weights, spec)


def block(
    inputs,
    activation="swish",
    drop_rate=0.0,
    name="",
    filters_in=32,
    filters_out=16,
    kernel_size=3,
    strides=1,
    expand_ratio=1,
    se_ratio=0.0,
    id_skip=True,
):
    """One MBConv block: 1x1 expansion, depthwise convolution, squeeze-and-excite, 1x1 projection,
    and a residual connection (with dropout of whole samples) when the shapes allow it.

    Args:
        inputs: the input feature map, (batch, height, width, filters_in).
        activation: the activation of the convolutions.
        drop_rate: the per-sample dropout of the residual branch.
        name: the prefix of the layer names.
        filters_in: the input's channels.
        filters_out: the output's channels.
        kernel_size: the depthwise kernel's side.
        strides: the depthwise convolution's stride (1 or 2).
        expand_ratio: the expansion of the channels before the depthwise convolution.
        se_ratio: the squeeze-and-excite width as a fraction of filters_in; 0 means none.
        id_skip: whether to add the residual connection (when strides is 1 and the channels
            match).

    Example:

    >>> from glassnet import Input
    >>> block(Input((8, 8, 16)), filters_in=16, filters_out=24, strides=2, se_ratio=0.25,
    ...       name="b_").shape
    (None, 4, 4, 24)
    """
    filters = filters_in * expand_ratio
    if expand_ratio != 1:
        x = layers.Conv2D(
            filters,
            1,
            padding="same",
            use_bias=False,
            kernel_initializer=CONV_KERNEL_INITIALIZER,
            name=f"{name}expand_conv",
        )(inputs)
        x = layers.BatchNormalization(axis=3, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    else:
        x = inputs
    if strides == 2:
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{name}dwconv_pad"
        )(x)
        conv_pad = "valid"
    else:
        conv_pad = "same"
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=strides,
        padding=conv_pad,
        use_bias=False,
        depthwise_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}dwconv",
    )(x)
    x = layers.BatchNormalization(axis=3, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        filters_se = max(1, int(filters_in * se_ratio))
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
        x = layers.Multiply(name=f"{name}se_excite")([x, se])
    x = layers.Conv2D(
        filters_out,
        1,
        padding="same",
        use_bias=False,
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}project_conv",
    )(x)
    x = layers.BatchNormalization(axis=3, name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.Add(name=f"{name}add")([x, inputs])
    return x


# (width, depth, default size, dropout) of B0..B7
SCALING = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}


def _make(variant):
    width, depth, size, dropout = SCALING[variant]
    constructor_name = f"EfficientNet{variant.upper()}"

    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=f"efficientnet{variant}",
    ):
        return EfficientNet(
            width,
            depth,
            size,
            dropout,
            name=name,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            weights_name=variant,
        )

    constructor.__name__ = constructor.__qualname__ = constructor_name
    return document(
        constructor,
        f"{constructor_name} (Tan and Le, 2019): width x{width}, depth x{depth}, trained on "
        f"{size}x{size} images.",
        "    >>> from glassnet.applications import efficientnet\n"
        f"    >>> model = efficientnet.{constructor_name}(weights=None, input_shape=(32, 32, 3),\n"
        "    ...                                   classes=10)\n"
        "    >>> model.outputs[0].shape\n"
        "    (None, 10)",
        preprocessing=" (which passes them through: the model takes pixels in [0, 255])",
    )


EfficientNetB0 = _make("b0")
EfficientNetB1 = _make("b1")
EfficientNetB2 = _make("b2")
EfficientNetB3 = _make("b3")
EfficientNetB4 = _make("b4")
EfficientNetB5 = _make("b5")
EfficientNetB6 = _make("b6")
EfficientNetB7 = _make("b7")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: EfficientNet models rescale their input themselves.

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
