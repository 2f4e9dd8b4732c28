"""DenseNet121, DenseNet169 and DenseNet201 (Huang et al., 2017), as in
``keras.applications.densenet``: each layer of a dense block sees the concatenated outputs of all
the layers before it."""

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

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
WEIGHTS_HASHES = {  # blocks -> (name, hash with top, hash without top)
    (6, 12, 24, 16): (
        "densenet121",
        "9d60b8095a5708f2dcce2bca79d332c7",
        "30ee3e1110167f948a6b9946edeeb738",
    ),
    (6, 12, 32, 32): (
        "densenet169",
        "d699b8f76981ab1b30698df4c175e90b",
        "b8c4d4c20dd625c148057b9ff1c1176b",
    ),
    (6, 12, 48, 32): (
        "densenet201",
        "1ceb130c1ea1b78c3bf6114dbdfd8807",
        "c13680b51ded0fb44dff2d8f86ac8bb1",
    ),
}
EPSILON = 1.001e-5


def dense_block(x, blocks, name):
    """``blocks`` conv blocks, each adding 32 channels.

    Args:
        x: the input feature map, (batch, height, width, channels).
        blocks: the number of conv blocks.
        name: the prefix of the layer names.

    Example:

    >>> from glassnet import Input
    >>> dense_block(Input((8, 8, 16)), 2, name="conv2").shape
    (None, 8, 8, 80)
    """
    for i in range(blocks):
        x = conv_block(x, 32, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BatchNorm, ReLU, a 1x1 conv to ``reduction`` times the channels, 2x2 average pooling.

    Args:
        x: the input feature map, (batch, height, width, channels).
        reduction: the fraction of channels kept by the 1x1 conv.
        name: the prefix of the layer names.

    Example:

    >>> from glassnet import Input
    >>> transition_block(Input((8, 8, 16)), 0.5, name="pool2").shape
    (None, 4, 4, 8)
    """
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[3] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 conv (4 * growth_rate) and BN-ReLU-3x3 conv (growth_rate), concatenated
    to the input.

    Args:
        x: the input feature map, (batch, height, width, channels).
        growth_rate: the channels the block adds.
        name: the prefix of the layer names.

    Example:

    >>> from glassnet import Input
    >>> conv_block(Input((8, 8, 16)), 32, name="b").shape
    (None, 8, 8, 48)
    """
    x1 = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_0_bn")(x)
    x1 = layers.Activation("relu", name=f"{name}_0_relu")(x1)
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_1_bn")(x1)
    x1 = layers.Activation("relu", name=f"{name}_1_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=3, name=f"{name}_concat")([x, x1])


def DenseNet(
    blocks,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="densenet",
):
    """A DenseNet with ``blocks`` conv blocks in each of its 4 dense blocks (see DenseNet121).

    Args:
        blocks: the number of conv blocks in each of the 4 dense blocks.
        include_top: whether to end with the classifier (global pooling and a Dense layer).
        weights: None (random initialization), "imagenet" (Keras's published weights) or the
            path of a weights file.
        input_tensor: a SymbolicTensor (from ``glassnet.Input``) to use as the image input, or
            None for a new Input.
        input_shape: (height, width, channels) of the images, or None for the default size.
        pooling: with include_top=False, None (the last 4-D feature map), "avg" or "max".
        classes: the number of classes of the classifier (1000 with ImageNet weights).
        classifier_activation: the classifier's activation ("softmax"; None gives logits).
        name: the model's name.

    Example:

    >>> model = DenseNet([1, 1, 1, 1], weights=None, input_shape=(32, 32, 3), classes=2)
    >>> model.outputs[0].shape
    (None, 2)
    """
    check_weights(name, weights, include_top, classes)
    if weights == "imagenet" and tuple(blocks) not in WEIGHTS_HASHES:
        raise ValueError(f"{name}: no ImageNet weights are published for blocks={blocks}")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, 224, 32, "channels_last", require_flatten=include_top, weights=weights
    )
    image = image_input(name, input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(image)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, 2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, layers, "avg_pool", "max_pool")
    model = finish_model(input_tensor, image, x, name)
    spec = None
    if weights == "imagenet":
        file_name, with_top, without_top = WEIGHTS_HASHES[tuple(blocks)]
        suffix = "" if include_top else "_notop"
        spec = WeightsFile(
            f"{BASE_WEIGHTS_PATH}{file_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5",
            with_top if include_top else without_top,
        )
    return load_weights(model, weights, spec)


def _make(constructor_name, blocks, default_name):
    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=default_name,
    ):
        return DenseNet(
            blocks,
            include_top,
            weights,
            input_tensor,
            input_shape,
            pooling,
            classes,
            classifier_activation,
            name=name,
        )

    constructor.__name__ = constructor.__qualname__ = constructor_name
    return document(
        constructor,
        f"{constructor_name} (Huang et al., 2017): dense blocks of {blocks} conv blocks.",
        "    >>> from glassnet.applications import densenet\n"
        f"    >>> model = densenet.{constructor_name}(weights=None, input_shape=(32, 32, 3))\n"
        "    >>> model.outputs[0].shape\n"
        "    (None, 1000)",
        preprocessing=" (torch mode: scaled to [0, 1], standardised per channel)",
    )


DenseNet121 = _make("DenseNet121", [6, 12, 24, 16], "densenet121")
DenseNet169 = _make("DenseNet169", [6, 12, 32, 32], "densenet169")
DenseNet201 = _make("DenseNet201", [6, 12, 48, 32], "densenet201")


def preprocess_input(x, data_format=None):
    """ImageNet 'torch' preprocessing: pixels scaled to [0, 1], then standardised per channel
    with the ImageNet mean and standard deviation.

    Args:
        x: images with values in [0, 255] (see imagenet_utils.preprocess_input).
        data_format: "channels_last" (default) or "channels_first".

    Returns:
        The preprocessed images.

    Example:

    >>> import numpy as np
    >>> preprocess_input(np.zeros((1, 1, 3))).round(3)
    array([[[-2.118, -2.036, -1.804]]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
