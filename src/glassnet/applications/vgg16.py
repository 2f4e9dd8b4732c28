"""VGG16 (Simonyan and Zisserman, 2014), as in ``keras.applications.vgg16``; VGG19 reuses it."""

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

BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"


def vgg(
    convs_per_block,
    weight_files,
    include_top,
    weights,
    input_tensor,
    input_shape,
    pooling,
    classes,
    classifier_activation,
    name,
):
    """A VGG network: 5 blocks of 3x3 ReLU convolutions (64, 128, 256, 512, 512 filters; as many
    as ``convs_per_block`` says) each ending in 2x2 max pooling, then two 4096-unit Dense layers
    and the classifier. ``weight_files``: (with top, without top) WeightsFiles.

    Args:
        convs_per_block: the number of convolutions in each of the 5 blocks.
        weight_files: (with top, without top) WeightsFiles of the ImageNet weights.
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

    >>> model = vgg([1, 1, 1, 1, 1], None, False, None, None, (32, 32, 3), "avg", 0, None, "v")
    >>> model.outputs[0].shape
    (None, 512)
    """
    check_weights(name, weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, 224, 32, "channels_last", require_flatten=include_top, weights=weights
    )
    image = image_input(name, input_tensor, input_shape)
    x = image
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(
                filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}"
            )(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled(x, pooling, layers)
    model = finish_model(input_tensor, image, x, name)
    spec = weight_files[0 if include_top else 1] if weights == "imagenet" else None
    return load_weights(model, weights, spec)


WEIGHT_FILES = (
    WeightsFile(
        BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
        "64373286793e3c8b2b4e3219cbf3544b",
    ),
    WeightsFile(
        BASE + "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "6d6bbae143d832006294945121d1f1fc",
    ),
)


def VGG16(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="vgg16",
):
    """The VGG16 model (its Args and example: the docstring ``document`` attaches below)."""
    return vgg(
        [2, 2, 3, 3, 3],
        WEIGHT_FILES,
        include_top,
        weights,
        input_tensor,
        input_shape,
        pooling,
        classes,
        classifier_activation,
        name,
    )


document(
    VGG16,
    "VGG16: 13 convolutions in 5 blocks, then 3 Dense layers (138 million parameters).",
    "    >>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))\n"
    "    >>> model.count_params()\n"
    "    14714688",
    preprocessing=" (caffe mode: BGR, ImageNet mean subtracted)",
)


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
    """The ``top`` ImageNet classes of each row of ``preds`` (see imagenet_utils)."""
    return imagenet_utils.decode_predictions(preds, top=top)


decode_predictions.__doc__ = imagenet_utils.decode_predictions.__doc__
