"""NASNetMobile and NASNetLarge (Zoph et al., 2018), as in ``keras.applications.nasnet``: cells
found by architecture search, normal cells keeping the grid and reduction cells halving it."""

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

__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
WEIGHT_FILES = {  # default size -> (with top, without top)
    224: (
        WeightsFile(BASE_WEIGHTS_PATH + "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
        WeightsFile(
            BASE_WEIGHTS_PATH + "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"
        ),
    ),
    331: (
        WeightsFile(BASE_WEIGHTS_PATH + "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
        WeightsFile(
            BASE_WEIGHTS_PATH + "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5"
        ),
    ),
}
MOMENTUM, EPSILON = 0.9997, 1e-3


def _bn(x, name=None):
    return layers.BatchNormalization(axis=-1, momentum=MOMENTUM, epsilon=EPSILON, name=name)(x)


def _conv1x1(x, filters, name):
    return layers.Conv2D(
        filters,
        (1, 1),
        strides=(1, 1),
        padding="same",
        use_bias=False,
        name=name,
        kernel_initializer="he_normal",
    )(x)


def NASNet(
    input_shape=None,
    penultimate_filters=4032,
    num_blocks=6,
    stem_block_filters=96,
    skip_reduction=True,
    filter_multiplier=2,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    default_size=None,
    classifier_activation="softmax",
    name="NASNet",
):
    """A NASNet-A: a stem, then ``num_blocks`` normal cells between reduction cells, three
    times; ``penultimate_filters`` sets the width (see NASNetMobile).

    Args:
        input_shape: (height, width, channels) of the images, or None for the default size.
        penultimate_filters: the filters of the last cells; a multiple of
            24 * filter_multiplier ** 2.
        num_blocks: the normal cells between two reduction cells.
        stem_block_filters: the filters of the stem convolution.
        skip_reduction: which "previous" input the first cell after a reduction gets: True
            (NASNetLarge) the input of the last normal cell before the reduction, False the
            reduction cell's own input.
        filter_multiplier: the widening at each reduction.
        include_top: whether to end with the classifier.
        weights: None (random initialization), "imagenet" (only for the Mobile and Large
            configurations) or the path of a weights file.
        input_tensor: a SymbolicTensor to use as the image input, or None for a new Input.
        pooling: with include_top=False, None (the last 4-D feature map), "avg" or "max".
        classes: the number of classes of the classifier (1000 with ImageNet weights).
        default_size: the image side the model is made for (331 when None); 224 or 331 picks
            the ImageNet weights.
        classifier_activation: the classifier's activation ("softmax"; None gives logits).
        name: the model's name.

    Example:

    >>> model = NASNet((32, 32, 3), penultimate_filters=96, num_blocks=1, stem_block_filters=8,
    ...                weights=None, classes=3)
    >>> model.outputs[0].shape
    (None, 3)
    """
    check_weights(name, weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(
            f"{name}: with weights='imagenet', input_shape must be fully known, got {input_shape}"
        )
    default_size = default_size or 331
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, 32, "channels_last", include_top, weights
    )
    image = image_input(name, input_tensor, input_shape, default_size)
    if penultimate_filters % (24 * (filter_multiplier**2)) != 0:
        raise ValueError(
            f"{name}: penultimate_filters must be a multiple of 24 * filter_multiplier ** 2, "
            f"got {penultimate_filters}"
        )
    filters = penultimate_filters // 24
    x = layers.Conv2D(
        stem_block_filters,
        (3, 3),
        strides=(2, 2),
        padding="valid",
        use_bias=False,
        name="stem_conv1",
        kernel_initializer="he_normal",
    )(image)
    x = _bn(x, "stem_bn1")
    p = None
    x, p = _reduction_a_cell(x, p, filters // (filter_multiplier**2), block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters, block_id=f"{i}")
    x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier, block_id=f"reduce_{num_blocks}")
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = _normal_a_cell(x, p, filters * filter_multiplier, block_id=f"{num_blocks + i + 1}")
    x, p0 = _reduction_a_cell(
        x, p, filters * filter_multiplier**2, block_id=f"reduce_{2 * num_blocks}"
    )
    p = p0 if not skip_reduction else p
    for i in range(num_blocks):
        x, p = _normal_a_cell(
            x, p, filters * filter_multiplier**2, block_id=f"{2 * num_blocks + i + 1}"
        )
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, layers)
    model = finish_model(input_tensor, image, x, name)
    spec = None
    if weights == "imagenet":
        if default_size not in WEIGHT_FILES:
            raise ValueError(
                f"{name}: ImageNet weights exist for NASNetLarge and NASNetMobile only"
            )
        spec = WEIGHT_FILES[default_size][0 if include_top else 1]
    return load_weights(model, weights, spec)


def NASNetMobile(
    input_shape=None,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="nasnet_mobile",
):
    """The NASNetMobile model (its Args and example: the docstring ``document`` attaches below)."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(
        input_shape,
        penultimate_filters=1056,
        num_blocks=4,
        stem_block_filters=32,
        skip_reduction=False,
        filter_multiplier=2,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        pooling=pooling,
        classes=classes,
        default_size=224,
        classifier_activation=classifier_activation,
        name=name,
    )


def NASNetLarge(
    input_shape=None,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="nasnet_large",
):
    """The NASNetLarge model (its Args and example: the docstring ``document`` attaches below)."""
    return NASNet(
        input_shape,
        penultimate_filters=4032,
        num_blocks=6,
        stem_block_filters=96,
        skip_reduction=True,
        filter_multiplier=2,
        include_top=include_top,
        weights=weights,
        input_tensor=input_tensor,
        pooling=pooling,
        classes=classes,
        default_size=331,
        classifier_activation=classifier_activation,
        name=name,
    )


document(
    NASNetMobile,
    "NASNetMobile (Zoph et al., 2018): NASNet-A 4 @ 1056, for 224x224 images.",
    "    >>> model = NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)\n"
    "    >>> model.outputs[0].shape\n"
    "    (None, 10)",
    preprocessing=" (tf mode: scaled to [-1, 1])",
)
document(
    NASNetLarge,
    "NASNetLarge (Zoph et al., 2018): NASNet-A 6 @ 4032, for 331x331 images.",
    "    >>> model = NASNetLarge(weights=None, input_shape=(32, 32, 3), classes=10)\n"
    "    >>> model.outputs[0].shape\n"
    "    (None, 10)",
    preprocessing=" (tf mode: scaled to [-1, 1])",
)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    x = layers.Activation("relu")(ip)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(
            padding=imagenet_utils.correct_pad(x, kernel_size),
            name=f"separable_conv_1_pad_{block_id}",
        )(x)
        conv_pad = "valid"
    else:
        conv_pad = "same"
    x = layers.SeparableConv2D(
        filters,
        kernel_size,
        strides=strides,
        name=f"separable_conv_1_{block_id}",
        padding=conv_pad,
        use_bias=False,
    )(x)
    x = _bn(x, f"separable_conv_1_bn_{block_id}")
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(
        filters, kernel_size, name=f"separable_conv_2_{block_id}", padding="same", use_bias=False
    )(x)
    return _bn(x, f"separable_conv_2_bn_{block_id}")


def _adjust_block(p, ip, filters, block_id=None):
    """Match the previous cell's output ``p`` to ``ip``'s grid and ``filters`` channels."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}"
        )(p)
        p1 = layers.Conv2D(
            filters // 2,
            (1, 1),
            padding="same",
            use_bias=False,
            name=f"adjust_conv_1_{block_id}",
            kernel_initializer="he_normal",
        )(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D(
            (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}"
        )(p2)
        p2 = layers.Conv2D(
            filters // 2,
            (1, 1),
            padding="same",
            use_bias=False,
            name=f"adjust_conv_2_{block_id}",
            kernel_initializer="he_normal",
        )(p2)
        p = layers.Concatenate(axis=-1)([p1, p2])
        return _bn(p, f"adjust_bn_{block_id}")
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
        return _bn(p, f"adjust_bn_{block_id}")
    return p


def _normal_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(h, filters, f"normal_conv_1_{block_id}")
    h = _bn(h, f"normal_bn_1_{block_id}")
    x1_1 = _separable_conv_block(
        h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}"
    )
    x1_2 = _separable_conv_block(p, filters, block_id=f"normal_right1_{block_id}")
    x1 = layers.Add(name=f"normal_add_1_{block_id}")([x1_1, x1_2])
    x2_1 = _separable_conv_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
    x2_2 = _separable_conv_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
    x2 = layers.Add(name=f"normal_add_2_{block_id}")([x2_1, x2_2])
    x3 = layers.AveragePooling2D(
        (3, 3), strides=(1, 1), padding="same", name=f"normal_left3_{block_id}"
    )(h)
    x3 = layers.Add(name=f"normal_add_3_{block_id}")([x3, p])
    x4_1 = layers.AveragePooling2D(
        (3, 3), strides=(1, 1), padding="same", name=f"normal_left4_{block_id}"
    )(p)
    x4_2 = layers.AveragePooling2D(
        (3, 3), strides=(1, 1), padding="same", name=f"normal_right4_{block_id}"
    )(p)
    x4 = layers.Add(name=f"normal_add_4_{block_id}")([x4_1, x4_2])
    x5 = _separable_conv_block(h, filters, block_id=f"normal_left5_{block_id}")
    x5 = layers.Add(name=f"normal_add_5_{block_id}")([x5, h])
    x = layers.Concatenate(axis=-1, name=f"normal_concat_{block_id}")([p, x1, x2, x3, x4, x5])
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(h, filters, f"reduction_conv_1_{block_id}")
    h = _bn(h, f"reduction_bn_1_{block_id}")
    h3 = layers.ZeroPadding2D(
        padding=imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}"
    )(h)
    x1_1 = _separable_conv_block(
        h, filters, (5, 5), strides=(2, 2), block_id=f"reduction_left1_{block_id}"
    )
    x1_2 = _separable_conv_block(
        p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right1_{block_id}"
    )
    x1 = layers.Add(name=f"reduction_add_1_{block_id}")([x1_1, x1_2])
    x2_1 = layers.MaxPooling2D(
        (3, 3), strides=(2, 2), padding="valid", name=f"reduction_left2_{block_id}"
    )(h3)
    x2_2 = _separable_conv_block(
        p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right2_{block_id}"
    )
    x2 = layers.Add(name=f"reduction_add_2_{block_id}")([x2_1, x2_2])
    x3_1 = layers.AveragePooling2D(
        (3, 3), strides=(2, 2), padding="valid", name=f"reduction_left3_{block_id}"
    )(h3)
    x3_2 = _separable_conv_block(
        p, filters, (5, 5), strides=(2, 2), block_id=f"reduction_right3_{block_id}"
    )
    x3 = layers.Add(name=f"reduction_add3_{block_id}")([x3_1, x3_2])
    x4 = layers.AveragePooling2D(
        (3, 3), strides=(1, 1), padding="same", name=f"reduction_left4_{block_id}"
    )(x1)
    x4 = layers.Add()([x2, x4])
    x5_1 = _separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5_2 = layers.MaxPooling2D(
        (3, 3), strides=(2, 2), padding="valid", name=f"reduction_right5_{block_id}"
    )(h3)
    x5 = layers.Add(name=f"reduction_add4_{block_id}")([x5_1, x5_2])
    x = layers.Concatenate(axis=-1, name=f"reduction_concat_{block_id}")([x2, x3, x4, x5])
    return x, ip
