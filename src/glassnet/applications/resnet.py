"""ResNet50, ResNet101 and ResNet152 (He et al., 2015), as in ``keras.applications.resnet``.

The residual blocks here also serve ``resnet_v2`` (pre-activation blocks)."""

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

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
EPSILON = 1.001e-5


def imagenet_file(weights_name, include_top):
    """The published weights of ``weights_name`` ('resnet50', 'resnet50v2'...).

    Args:
        weights_name: the variant's name in Keras's file names.
        include_top: whether the file holds the classifier's weights too.

    Example:

    >>> imagenet_file("resnet50", include_top=False).name
    'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5'
    """
    suffix = "" if include_top else "_notop"
    file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return WeightsFile(BASE_WEIGHTS_PATH + file_name, WEIGHTS_HASHES[weights_name][1 - include_top])


def ResNet(
    stack_fn,
    preact,
    use_bias,
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="resnet",
    weights_name=None,
):
    """A ResNet (v1, or v2 with ``preact=True``) whose residual stages ``stack_fn`` builds.

    Args:
        stack_fn: function (feature map) -> feature map adding the residual stages.
        preact: True for ResNetV2's pre-activation (BatchNorm and ReLU before each conv).
        use_bias: whether the stem convolution has a bias.
        weights_name: key of WEIGHTS_HASHES for weights="imagenet".
        (the other arguments: see ResNet50)

    Returns:
        A functional Model.

    Example:

    >>> from glassnet.applications import resnet
    >>> stages = lambda x: resnet.stack_residual_blocks_v1(x, 8, 1, stride1=1, name="conv2")
    >>> model = resnet.ResNet(stages, False, True, weights=None, input_shape=(32, 32, 3),
    ...                       classes=3)
    >>> model.outputs[0].shape
    (None, 3)
    """
    where = name
    check_weights(where, weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, 224, 32, "channels_last", require_flatten=include_top, weights=weights
    )
    image = image_input(where, input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(image)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, layers, "avg_pool", "max_pool")
    model = finish_model(input_tensor, image, x, name)
    if weights == "imagenet" and weights_name not in WEIGHTS_HASHES:
        return model
    spec = imagenet_file(weights_name, include_top) if weights == "imagenet" else None
    return load_weights(model, weights, spec)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A bottleneck block: 1x1 -> kernel_size -> 1x1 (4 * filters) convolutions, plus the
    shortcut (a strided 1x1 convolution, or the input itself).

    Args:
        x: the input feature map, (batch, height, width, channels).
        filters: the bottleneck's width; the block outputs 4 * filters channels.
        kernel_size: the side of the middle convolution.
        stride: the block's stride.
        conv_shortcut: project the shortcut with a 1x1 convolution (True) or use the input.
        name: the prefix of the layer names.

    Example:

    >>> from glassnet import Input
    >>> residual_block_v1(Input((8, 8, 16)), 4, stride=2, name="b").shape
    (None, 4, 4, 16)
    """
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v1 blocks; the first strides by ``stride1`` and projects the shortcut.

    Args:
        x: the input feature map.
        filters: the bottleneck width of every block.
        blocks: the number of blocks.
        stride1: the first block's stride.
        name: the prefix of the layer names ("conv2" gives "conv2_block1_...").

    Example:

    >>> from glassnet import Input
    >>> stack_residual_blocks_v1(Input((8, 8, 16)), 4, 2, name="conv2").shape
    (None, 4, 4, 16)
    """
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A pre-activation bottleneck block (ResNetV2): BatchNorm and ReLU come before each conv,
    and the stride sits on the 3x3 convolution.

    Args:
        x: the input feature map, (batch, height, width, channels).
        filters: the bottleneck's width; the block outputs 4 * filters channels.
        kernel_size: the side of the middle convolution.
        stride: the block's stride.
        conv_shortcut: project the shortcut with a 1x1 convolution (True), or use the input
            (max-pooled when strided).
        name: the prefix of the layer names.

    Example:

    >>> from glassnet import Input
    >>> residual_block_v2(Input((8, 8, 16)), 4, stride=2, name="b").shape
    (None, 4, 4, 16)
    """
    preact = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(
        x
    )
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v2 blocks; the first projects the shortcut, the last strides by ``stride1``.

    Args:
        x: the input feature map.
        filters: the bottleneck width of every block.
        blocks: the number of blocks.
        stride1: the last block's stride.
        name: the prefix of the layer names ("conv2" gives "conv2_block1_...").

    Example:

    >>> from glassnet import Input
    >>> stack_residual_blocks_v2(Input((8, 8, 16)), 4, 2, name="conv2").shape
    (None, 4, 4, 16)
    """
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def _resnet_v1(depths, weights_name):
    def stack_fn(x):
        x = stack_residual_blocks_v1(x, 64, depths[0], stride1=1, name="conv2")
        x = stack_residual_blocks_v1(x, 128, depths[1], name="conv3")
        x = stack_residual_blocks_v1(x, 256, depths[2], name="conv4")
        return stack_residual_blocks_v1(x, 512, depths[3], name="conv5")

    def constructor(
        include_top=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=weights_name,
    ):
        return ResNet(
            stack_fn,
            preact=False,
            use_bias=True,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            name=name,
            weights_name=weights_name,
        )

    return constructor


def _example(constructor):
    return (
        "    >>> from glassnet.applications import resnet\n"
        f"    >>> model = resnet.{constructor}(weights=None, input_shape=(32, 32, 3))\n"
        "    >>> model.outputs[0].shape\n"
        "    (None, 1000)"
    )


_SUMMARY = "ResNet{depth} (He et al., 2015): {blocks} bottleneck blocks in 4 stages."
ResNet50 = document(
    _resnet_v1([3, 4, 6, 3], "resnet50"),
    _SUMMARY.format(depth=50, blocks=16),
    _example("ResNet50"),
    preprocessing=" (caffe mode: BGR, ImageNet mean subtracted)",
)
ResNet50.__name__ = ResNet50.__qualname__ = "ResNet50"
ResNet101 = document(
    _resnet_v1([3, 4, 23, 3], "resnet101"),
    _SUMMARY.format(depth=101, blocks=33),
    _example("ResNet101"),
    preprocessing=" (caffe mode: BGR, ImageNet mean subtracted)",
)
ResNet101.__name__ = ResNet101.__qualname__ = "ResNet101"
ResNet152 = document(
    _resnet_v1([3, 8, 36, 3], "resnet152"),
    _SUMMARY.format(depth=152, blocks=50),
    _example("ResNet152"),
    preprocessing=" (caffe mode: BGR, ImageNet mean subtracted)",
)
ResNet152.__name__ = ResNet152.__qualname__ = "ResNet152"


def preprocess_input(x, data_format=None):
    """ImageNet 'caffe' preprocessing: RGB -> BGR, then the ImageNet mean subtracted.

    Args:
        x: images with values in [0, 255] (see imagenet_utils.preprocess_input).
        data_format: "channels_last" (default) or "channels_first".

    Returns:
        The preprocessed images.

    Example:

    >>> import numpy as np
    >>> preprocess_input(np.zeros((1, 1, 3)))
    array([[[-103.939, -116.779, -123.68 ]]])
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each row of ``preds`` (see imagenet_utils).

    Args:
        preds: (batch, 1000) ImageNet scores.
        top: how many classes to return per sample.
    """
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
