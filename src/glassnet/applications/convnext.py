"""ConvNeXtTiny, Small, Base, Large and XLarge (Liu et al., 2022), as in
``keras.applications.convnext``: 7x7 depthwise convolutions, LayerNormalization and inverted
bottleneck MLPs, each block's residual scaled by a learned LayerScale. The input normalisation is
built into the model, so ``preprocess_input`` passes images through (pixels in [0, 255])."""

import numpy as np

from glassnet import initializers, layers, ops
from glassnet.applications import imagenet_utils
from glassnet.applications._common import (
    WeightsFile,
    check_weights,
    finish_model,
    image_input,
    load_weights,
)
from glassnet.applications._docs import document
from glassnet.backend import get_generator
from glassnet.models import Sequential

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
WEIGHTS_HASHES = {
    "convnext_tiny": (
        "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
        "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
    ),
    "convnext_small": (
        "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
        "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
    ),
    "convnext_base": (
        "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
        "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
    ),
    "convnext_large": (
        "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
        "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
    ),
    "convnext_xlarge": (
        "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
    ),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768]},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768]},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024]},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536]},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048]},
}


class StochasticDepth(layers.Layer):
    """Drops a block's whole residual branch per sample with probability ``drop_path_rate``
    while training (scaling the kept ones by 1 / keep probability); the identity in inference.

    Args:
        drop_path_rate: the probability of dropping the branch of a sample, in [0, 1).
        **kwargs: the base ``Layer`` arguments.

    Example:

    >>> import numpy as np
    >>> StochasticDepth(0.5)(np.ones((2, 3)), training=False)
    Tensor([[1., 1., 1.],
            [1., 1., 1.]], dtype=float32)
    """

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        keep_prob = 1 - self.drop_path_rate
        shape = (x.shape[0],) + (1,) * (x.ndim - 1)
        keep = np.floor(keep_prob + get_generator().uniform(0, 1, shape))
        return ops.multiply(x, (keep / keep_prob).astype(x.dtype))

    def get_config(self):
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


class LayerScale(layers.Layer):
    """Multiplies the last axis by a learned vector ``gamma`` (projection_dim,), initialised to
    ``init_values``.

    Args:
        init_values: the initial value of every entry of ``gamma``.
        projection_dim: the size of the last axis (and of ``gamma``).
        **kwargs: the base ``Layer`` arguments.

    Example:

    >>> import numpy as np
    >>> LayerScale(0.5, 2)(np.ones((1, 2))).numpy()
    array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, input_shape):
        self.gamma = self.add_weight(
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
            trainable=True,
        )  # unnamed, as in Keras: its path ends in "variable"

    def call(self, x):
        return ops.multiply(x, self.gamma)

    def get_config(self):
        return {
            **super().get_config(),
            "init_values": self.init_values,
            "projection_dim": self.projection_dim,
        }


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """A function applying one ConvNeXt block: 7x7 depthwise conv, LayerNorm, Dense to 4x the
    width, GELU, Dense back, LayerScale, added to the input.

    Args:
        projection_dim: the block's width (channels in and out).
        drop_path_rate: the StochasticDepth rate of the residual branch; 0 means none.
        layer_scale_init_value: LayerScale's initial value, or None for no LayerScale.
        name: the prefix of the block's layer names.

    Returns:
        A function from a SymbolicTensor to the block's output.

    Example:

    >>> from glassnet import Input
    >>> ConvNeXtBlock(8, name="b")(Input((4, 4, 8))).shape
    (None, 4, 4, 8)
    """

    def apply(inputs):
        x = layers.Conv2D(
            filters=projection_dim,
            kernel_size=7,
            padding="same",
            groups=projection_dim,
            name=f"{name}_depthwise_conv",
        )(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            layer = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            layer = layers.Activation("linear", name=f"{name}_identity")
        return inputs + layer(x)

    return apply


def PreStem(name=None):
    """A function applying the input normalisation: ImageNet mean and variance of [0, 255] pixels.

    Args:
        name: the prefix of the Normalization layer's name.

    Returns:
        A function from a SymbolicTensor to the normalized one.

    Example:

    >>> import numpy as np
    >>> from glassnet import Input
    >>> PreStem(name="p")(Input((4, 4, 3))).shape
    (None, 4, 4, 3)
    """

    def apply(x):
        return layers.Normalization(
            mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
            variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
            name=f"{name}_prestem_normalization",
        )(x)

    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """A function applying the classifier: global average pooling, LayerNorm, Dense.

    Args:
        num_classes: the number of classes (units of the Dense layer).
        classifier_activation: the Dense layer's activation (None gives logits).
        name: the prefix of the head's layer names.

    Returns:
        A function from a 4-D feature map to (batch, num_classes).

    Example:

    >>> from glassnet import Input
    >>> Head(5, name="h")(Input((4, 4, 8))).shape
    (None, 5)
    """

    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(
            num_classes, activation=classifier_activation, name=f"{name}_head_dense"
        )(x)

    return apply


def ConvNeXt(
    depths,
    projection_dims,
    drop_path_rate=0.0,
    layer_scale_init_value=1e-6,
    default_size=224,
    name="convnext",
    include_preprocessing=True,
    include_top=True,
    weights=None,
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes=1000,
    classifier_activation="softmax",
    weights_name=None,
):
    """A ConvNeXt with ``depths[i]`` blocks of width ``projection_dims[i]`` in stage i.

    Args:
        depths: blocks per stage (four stages).
        projection_dims: the width of each stage.
        drop_path_rate: the largest StochasticDepth rate; block i of n gets i / (n - 1) of it.
        layer_scale_init_value: LayerScale's initial value in every block.
        default_size: the image side the model is made for when input_shape is None.
        name: the model's name.
        include_preprocessing: begin with the ImageNet normalization (PreStem) for 3-channel
            inputs.
        include_top: whether to end with the classifier (global pooling and a Dense layer).
        weights: None (random initialization), "imagenet" (Keras's published weights) or the
            path of a weights file.
        input_tensor: a SymbolicTensor (from ``glassnet.Input``) to use as the image input, or
            None for a new Input.
        input_shape: (height, width, channels) of the images, or None for the default size.
        pooling: with include_top=False, None (the last 4-D feature map), "avg" or "max".
        classes: the number of classes of the classifier (1000 with ImageNet weights).
        classifier_activation: the classifier's activation ("softmax"; None gives logits).
        weights_name: the name of the variant whose ImageNet weights weights loads
            ("convnext_tiny"...); None for a custom configuration.

    Example:

    >>> model = ConvNeXt([1, 1, 1, 1], [8, 16, 32, 64], input_shape=(32, 32, 3), classes=3)
    >>> model.outputs[0].shape
    (None, 3)
    """
    check_weights(name, weights, include_top, classes)
    if weights == "imagenet":
        expected = MODEL_CONFIGS[weights_name.split("convnext_")[-1]]
        if (
            list(depths) != expected["depths"]
            or list(projection_dims) != expected["projection_dims"]
        ):
            raise ValueError(
                f"{name}: the ImageNet weights of {weights_name} need depths "
                f"{expected['depths']} and projection_dims {expected['projection_dims']}, got "
                f"{depths} and {projection_dims}"
            )
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size, 32, "channels_last", include_top, weights
    )
    image = image_input(name, input_tensor, input_shape, default_size)
    x = image
    if include_preprocessing and input_shape[2] == 3:
        x = PreStem(name=name)(x)
    stem = Sequential(
        [
            layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
            layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm"),
        ],
        name=f"{name}_stem",
    )
    downsample_layers = [stem]
    for i in range(3):
        downsample_layers.append(
            Sequential(
                [
                    layers.LayerNormalization(
                        epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"
                    ),
                    layers.Conv2D(
                        projection_dims[i + 1],
                        kernel_size=2,
                        strides=2,
                        name=f"{name}_downsampling_conv_{i}",
                    ),
                ],
                name=f"{name}_downsampling_block_{i}",
            )
        )
    depth_drop_rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i in range(4):
        x = downsample_layers[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(
                projection_dim=projection_dims[i],
                drop_path_rate=depth_drop_rates[cur + j],
                layer_scale_init_value=layer_scale_init_value,
                name=f"{name}_stage_{i}_block_{j}",
            )(x)
        cur += depths[i]
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = finish_model(input_tensor, image, x, name)
    spec = None
    if weights == "imagenet":
        suffix = ".h5" if include_top else "_notop.h5"
        spec = WeightsFile(
            f"{BASE_WEIGHTS_PATH}{weights_name}{suffix}",
            WEIGHTS_HASHES[weights_name][0 if include_top else 1],
        )
    return load_weights(model, weights, spec)


def _make(variant):
    constructor_name = f"ConvNeXt{variant.capitalize() if variant != 'xlarge' else 'XLarge'}"
    weights_name = f"convnext_{variant}"
    config = MODEL_CONFIGS[variant]

    def constructor(
        include_top=True,
        include_preprocessing=True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes=1000,
        classifier_activation="softmax",
        name=weights_name,
    ):
        return ConvNeXt(
            depths=config["depths"],
            projection_dims=config["projection_dims"],
            drop_path_rate=0.0,
            layer_scale_init_value=1e-6,
            default_size=224,
            name=name,
            include_preprocessing=include_preprocessing,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            weights_name=weights_name,
        )

    constructor.__name__ = constructor.__qualname__ = constructor_name
    # the doctests build Tiny only: the larger variants take 3-15 s each (50M-350M weights)
    skip = "" if variant == "tiny" else "  # doctest: +SKIP"
    return document(
        constructor,
        f"{constructor_name} (Liu et al., 2022): stages of {config['depths']} ConvNeXt blocks, "
        f"widths {config['projection_dims']}.",
        "    >>> from glassnet.applications import convnext\n"
        f"    >>> model = convnext.{constructor_name}(weights=None, input_shape=(32, 32, 3),"
        f"{skip}\n"
        "    ...                                 classes=10)\n"
        f"    >>> model.outputs[0].shape{skip}\n"
        "    (None, 10)",
        extra=(
            "        include_preprocessing: start with a Normalization by the ImageNet mean and\n"
            "            variance, so that the model takes pixels in [0, 255].\n"
        ),
        preprocessing=" (which passes them through: the model takes pixels in [0, 255])",
    )


ConvNeXtTiny = _make("tiny")
ConvNeXtSmall = _make("small")
ConvNeXtBase = _make("base")
ConvNeXtLarge = _make("large")
ConvNeXtXLarge = _make("xlarge")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: ConvNeXt models normalise their input themselves.

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
