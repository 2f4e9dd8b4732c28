"""VGG19 (Simonyan and Zisserman, 2014), as in ``keras.applications.vgg19``."""

from glassnet.applications._common import WeightsFile
from glassnet.applications._docs import document
from glassnet.applications.vgg16 import BASE, decode_predictions, preprocess_input, vgg

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]

WEIGHT_FILES = (
    WeightsFile(
        BASE + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels.h5",
        "cbe5617147190e668d6c5d5026f83318",
    ),
    WeightsFile(
        BASE + "vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "253f8cb515780f3b799900260a226db6",
    ),
)


def VGG19(
    include_top=True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    name="vgg19",
):
    """The VGG19 model (its Args and example: the docstring ``document`` attaches below)."""
    return vgg(
        [2, 2, 4, 4, 4],
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
    VGG19,
    "VGG19: 16 convolutions in 5 blocks, then 3 Dense layers (144 million parameters).",
    "    >>> model = VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))\n"
    "    >>> model.count_params()\n"
    "    20024384",
    preprocessing=" (caffe mode: BGR, ImageNet mean subtracted)",
)
