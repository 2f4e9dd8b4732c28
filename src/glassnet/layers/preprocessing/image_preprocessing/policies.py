"""Augmentation policies that chain other layers: AugMix and RandAugment."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing.affine_layers import (
    RandomRotation,
    RandomShear,
    RandomTranslation,
)
from glassnet.layers.preprocessing.image_preprocessing.base import BaseImagePreprocessingLayer
from glassnet.layers.preprocessing.image_preprocessing.color import (
    RandomBrightness,
    RandomColorDegeneration,
    RandomContrast,
)
from glassnet.layers.preprocessing.image_preprocessing.pixel_ops import (
    AutoContrast,
    Equalization,
    RandomPosterization,
    RandomSharpness,
    Solarization,
)

AUGMENT_LAYERS = [
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
]
AUGMENT_LAYERS_ALL = AUGMENT_LAYERS + [
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
]


def _make_augmenters(owner, names, interpolation, data_format):
    """Create the named augmentation layers on ``owner`` with its factor and value range."""
    factor, value_range, seed = owner.factor, owner.value_range, owner.seed
    common = {"data_format": data_format}
    makers = {
        "random_shear": lambda: RandomShear(
            factor, factor, interpolation=interpolation, seed=seed, **common
        ),
        "random_translation": lambda: RandomTranslation(
            factor, factor, interpolation=interpolation, seed=seed, **common
        ),
        "random_rotation": lambda: RandomRotation(
            factor, interpolation=interpolation, seed=seed, **common
        ),
        "solarization": lambda: Solarization(
            factor, factor, value_range=value_range, seed=seed, **common
        ),
        "random_posterization": lambda: RandomPosterization(
            max(1, int(8 * factor[1])), value_range=value_range, seed=seed, **common
        ),
        "auto_contrast": lambda: AutoContrast(value_range=value_range, **common),
        "equalization": lambda: Equalization(value_range=value_range, **common),
        "random_brightness": lambda: RandomBrightness(
            factor, value_range=value_range, seed=seed, **common
        ),
        "random_color_degeneration": lambda: RandomColorDegeneration(
            factor, value_range=value_range, seed=seed, **common
        ),
        "random_contrast": lambda: RandomContrast(
            factor, value_range=value_range, seed=seed, **common
        ),
        "random_sharpness": lambda: RandomSharpness(
            factor, value_range=value_range, seed=seed, **common
        ),
    }
    for name in names:
        setattr(owner, name, makers[name]())


class AugMix(BaseImagePreprocessingLayer):
    """AugMix: mix the image with ``num_chains`` chains of up to ``chain_depth`` random
    augmentations, with Dirichlet chain weights and a Beta(alpha, alpha) share for the original.

    Args:
        value_range: the pixel range.
        num_chains, chain_depth: how many chains, and how many operations each may apply
            (each step picks an operation or none).
        factor: the strength of every operation, f or (low, high) in [0, 1].
        alpha: the Dirichlet and Beta parameter.
        all_ops: include brightness, colour, contrast and sharpness operations.
        interpolation: for the geometric operations.
        seed, data_format: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import AugMix
    >>> x = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3))
    >>> out = AugMix(seed=0)(x, training=True).numpy()
    >>> out.shape, bool(out.min() >= 0 and out.max() <= 255)
    ((2, 8, 8, 3), True)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        value_range=(0, 255),
        num_chains=3,
        chain_depth=3,
        factor=0.3,
        alpha=1.0,
        all_ops=True,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self._set_factor(factor)
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.seed = seed
        self._augment_layers = AUGMENT_LAYERS_ALL if all_ops else AUGMENT_LAYERS
        _make_augmenters(self, self._augment_layers, interpolation, data_format)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        rng = self._rng(seed)
        gamma = rng.gamma(self.alpha, size=self.num_chains)
        chain_weights = gamma / gamma.sum()
        weight_sample = rng.beta(self.alpha, self.alpha)
        choices = self._augment_layers + [None]
        chains = []
        for _ in range(self.num_chains):
            steps = []
            for _ in range(self.chain_depth):
                name = choices[int(rng.integers(len(choices)))]
                if name is not None:
                    layer = getattr(self, name)
                    steps.append(
                        {
                            "layer_name": name,
                            "transformation": layer.get_random_transformation(data, seed=rng),
                        }
                    )
            chains.append(steps)
        return {
            "chain_mixing_weights": chain_weights.astype(self.dtype),
            "weight_sample": float(weight_sample),
            "chain_transforms": chains,
        }

    def _mix(self, values, transformation, apply):
        weights = xp.asarray(transformation["chain_mixing_weights"], dtype=self.dtype)
        share = transformation["weight_sample"]
        mixed = None
        for weight, chain in zip(weights, transformation["chain_transforms"]):
            augmented = values
            for step in chain:
                augmented = apply(
                    getattr(self, step["layer_name"]), augmented, step["transformation"]
                )
            term = ops.multiply(augmented, float(weight))
            mixed = term if mixed is None else ops.add(mixed, term)
        if mixed is None:
            mixed = ops.multiply(values, 0.0)
        return ops.add(ops.multiply(values, share), ops.multiply(mixed, 1.0 - share))

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.dtype)
        if not training:
            return images
        mixed = self._mix(images, transformation, lambda layer, x, t: layer.transform_images(x, t))
        return ops.cast(ops.clip(mixed, self.value_range[0], self.value_range[1]), self.dtype)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training:
            return segmentation_masks
        return self._mix(
            ops.cast(segmentation_masks, self.dtype),
            transformation,
            lambda layer, x, t: layer.transform_segmentation_masks(x, t),
        )

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }


class RandAugment(BaseImagePreprocessingLayer):
    """RandAugment: apply ``num_ops`` operations, each picked at random (per batch) from
    shear, translation, rotation, brightness, colour, contrast, sharpness, posterization,
    solarization, auto-contrast and equalization, all with strength ``factor``.

    Args:
        value_range: the pixel range.
        num_ops: operations applied in turn.
        factor: the operations' strength, f or (low, high) in [0, 1].
        interpolation: for the geometric operations.
        seed, data_format: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandAugment
    >>> x = np.random.default_rng(0).uniform(0, 255, (2, 8, 8, 3))
    >>> RandAugment(seed=0)(x, training=True).shape
    (2, 8, 8, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _AUGMENT_LAYERS = [
        "random_shear",
        "random_translation",
        "random_rotation",
        "random_brightness",
        "random_color_degeneration",
        "random_contrast",
        "random_sharpness",
        "random_posterization",
        "solarization",
        "auto_contrast",
        "equalization",
    ]

    def __init__(
        self,
        value_range=(0, 255),
        num_ops=2,
        factor=0.5,
        interpolation="bilinear",
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self._set_factor(factor)
        self.interpolation = interpolation
        self.seed = seed
        _make_augmenters(self, self._AUGMENT_LAYERS, interpolation, data_format)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        rng = self._rng(seed)
        chosen = rng.integers(0, len(self._AUGMENT_LAYERS), size=self.num_ops)
        transforms = {
            name: getattr(self, name).get_random_transformation(data, training=training, seed=rng)
            for name in self._AUGMENT_LAYERS
        }
        return {"transforms": transforms, "layer_idxes": chosen}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.dtype)
        if not training:
            return images
        for index in transformation["layer_idxes"]:
            name = self._AUGMENT_LAYERS[int(index)]
            images = getattr(self, name).transform_images(
                images, transformation["transforms"][name]
            )
        return ops.cast(images, self.dtype)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        for index in transformation["layer_idxes"]:
            name = self._AUGMENT_LAYERS[int(index)]
            layer = getattr(self, name)
            layer.bounding_box_format = self.bounding_box_format
            bounding_boxes = layer.transform_bounding_boxes(
                bounding_boxes, transformation["transforms"][name]
            )
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if not training:
            return segmentation_masks
        for index in transformation["layer_idxes"]:
            name = self._AUGMENT_LAYERS[int(index)]
            layer = getattr(self, name)
            segmentation_masks = layer.transform_segmentation_masks(
                segmentation_masks, transformation["transforms"][name]
            )
        return segmentation_masks

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }
