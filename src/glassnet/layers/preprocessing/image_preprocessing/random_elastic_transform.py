"""RandomElasticTransform: smooth random local deformations (``ops.image.elastic_transform``)."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    batch_size_of,
    images_of,
)
from glassnet.ops import image as image_ops


class RandomElasticTransform(BaseImagePreprocessingLayer):
    """Deform images elastically during training, each with probability ``factor``.

    The displacement field is Gaussian noise blurred with sigma = 0.05 * min(H, W) * s and
    scaled by alpha = 0.1 * max(H, W) * s, where the strength s is drawn from ``scale``.

    Args:
        factor: the probability (or a range it is drawn from) of deforming an image.
        scale: the strength s, a number in [0, 1] or a (low, high) range.
        interpolation: "bilinear" or "nearest".
        fill_mode: "constant", "nearest", "wrap", "mirror" or "reflect".
        fill_value: the value outside the image with fill_mode="constant".
        value_range: the outputs are clipped to this range.
        seed, data_format: as in the other random layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomElasticTransform
    >>> x = np.full((2, 8, 8, 1), 100.0, "float32")
    >>> round(float(RandomElasticTransform(seed=0)(x, training=True).numpy().max()), 3)
    100.0
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        saved_factor = self.factor
        self._set_factor(scale)
        self.scale, self.factor = self.factor, saved_factor
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(
                "RandomElasticTransform: interpolation must be 'nearest' or 'bilinear', got "
                f"{interpolation!r}"
            )
        if fill_mode not in image_ops.MAP_COORDINATES_FILL_MODES:
            raise NotImplementedError(
                f"RandomElasticTransform: fill_mode must be one of "
                f"{image_ops.MAP_COORDINATES_FILL_MODES}, got {fill_mode!r}"
            )
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        batch = batch_size_of(images_of(data))
        rng = self._rng(seed)
        probability = rng.uniform(self.factor[0], self.factor[1], size=batch)
        apply = rng.uniform(0.0, 1.0, size=batch) < probability
        strength = float(rng.uniform(self.scale[0], self.scale[1]))
        return {
            "apply_transform": apply,
            "distortion_factor": strength,
            "seed": int(rng.integers(2**31)),
        }

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        height, width = self._image_size(images)
        strength = transformation["distortion_factor"]
        alpha = max(height, width) * 0.1 * strength
        sigma = min(height, width) * 0.05 * strength
        deformed = image_ops.elastic_transform(
            images,
            alpha=alpha,
            sigma=sigma,
            interpolation=interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            seed=transformation["seed"],
            data_format=self.data_format,
        )
        apply = xp.asarray(transformation["apply_transform"]).reshape(-1, 1, 1, 1)
        images = ops.where(apply, deformed, images)
        return ops.cast(ops.clip(images, self.value_range[0], self.value_range[1]), self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }
