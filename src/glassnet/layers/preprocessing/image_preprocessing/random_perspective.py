"""RandomPerspective: move each image's corners by random amounts (a projective warp)."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing import bounding_boxes as bb
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    batch_size_of,
    images_of,
)
from glassnet.ops import image as image_ops


class RandomPerspective(BaseImagePreprocessingLayer):
    """Apply a random perspective change to each image, with probability ``factor``.

    Each corner moves by up to ``scale / 2`` times its own coordinates (the top-left corner
    stays); the image is warped so the original corners land on the moved ones.

    Args:
        factor: the probability (or a (low, high) range it is drawn from) of warping an image.
        scale: in [0, 1]: how far corners move.
        interpolation: "bilinear" or "nearest".
        fill_value: the value of pixels that read outside the image.
        seed, data_format: as in the other random layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomPerspective
    >>> x = np.ones((2, 6, 6, 3), "float32")
    >>> RandomPerspective(scale=0.4, seed=0)(x, training=True).shape
    (2, 6, 6, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation="bilinear",
        fill_value=0.0,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        if scale < 0.0 or scale > 1.0:
            raise ValueError(f"RandomPerspective: scale must be in [0, 1], got {scale}")
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(
                "RandomPerspective: interpolation must be 'nearest' or 'bilinear', got "
                f"{interpolation!r}"
            )
        self.scale = scale
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        batch = batch_size_of(images)
        height, width = self._image_size(images)
        rng = self._rng(seed)
        probability = rng.uniform(self.factor[0], self.factor[1], size=batch)
        apply = rng.uniform(0.0, 1.0, size=batch) < probability
        moves = rng.uniform(-0.5 * self.scale, 0.5 * self.scale, size=(batch, 4, 2))
        corners = [[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]]
        start = xp.repeat(xp.asarray([corners], dtype=self.dtype), batch, axis=0)
        end = (start + start * moves).astype(self.dtype)
        return {
            "apply_perspective": apply,
            "start_points": start,
            "end_points": end,
            "input_shape": tuple(images.shape),
        }

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        warped = image_ops.perspective_transform(
            images,
            transformation["start_points"],
            transformation["end_points"],
            interpolation=interpolation,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )
        apply = xp.asarray(transformation["apply_perspective"]).reshape(-1, 1, 1, 1)
        return ops.where(apply, warped, images)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        shape = transformation["input_shape"]
        height, width = shape[-3], shape[-2]
        if self.data_format == "channels_first":
            height, width = shape[-2], shape[-1]
        transforms = image_ops.compute_homography_matrix(
            transformation["start_points"], transformation["end_points"]
        )
        apply = transformation["apply_perspective"]
        return bb.warp_boxes(
            bounding_boxes, transforms, height, width, self.bounding_box_format, apply
        )

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }
