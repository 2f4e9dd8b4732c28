"""Layers that mix images of a batch with each other: MixUp and CutMix."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    batch_size_of,
    images_of,
)
from glassnet.layers.preprocessing.image_preprocessing.pixel_ops import _box_masks


class MixUp(BaseImagePreprocessingLayer):
    """Blend each image (and its label) with another image of the batch: w x + (1 - w) x',
    with w drawn from Beta(alpha, alpha) per image and x' a random permutation of the batch.

    Args:
        alpha: the Beta distribution's parameter (small alpha: mostly one image).
        data_format, seed: as in the other layers.

    Labels (one-hot or soft) are mixed with the same weights: pass
    ``{"images": x, "labels": y}``.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import MixUp
    >>> out = MixUp(seed=0)({"images": np.ones((4, 2, 2, 1)), "labels": np.eye(4)}, training=True)
    >>> np.allclose(out["labels"].numpy().sum(axis=1), 1.0)
    True
    """

    _USE_BASE_FACTOR = False

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.alpha = alpha
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        batch = batch_size_of(images_of(data))
        rng = self._rng(seed)
        permutation = rng.permutation(batch).astype(xp.int64)
        weights = rng.beta(self.alpha, self.alpha, size=batch).astype(self.dtype)
        return {"mix_weight": weights, "permutation_order": permutation}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        weights = xp.asarray(transformation["mix_weight"], dtype=self.dtype).reshape(-1, 1, 1, 1)
        partners = ops.take(images, xp.asarray(transformation["permutation_order"]), axis=0)
        return ops.add(ops.multiply(weights, images), ops.multiply(1.0 - weights, partners))

    def transform_labels(self, labels, transformation, training=True):
        if not training:
            return labels
        weights = xp.asarray(transformation["mix_weight"]).reshape(-1, 1)
        partners = ops.take(labels, xp.asarray(transformation["permutation_order"]), axis=0)
        labels = ops.cast(labels, weights.dtype)
        return ops.add(ops.multiply(weights, labels), ops.multiply(1.0 - weights, partners))

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        order = xp.asarray(transformation["permutation_order"])
        boxes, labels = bounding_boxes["boxes"], bounding_boxes["labels"]
        return {
            "boxes": xp.concatenate([boxes, boxes[order]], axis=1),
            "labels": xp.concatenate([labels, labels[order]], axis=1),
        }

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}


class CutMix(BaseImagePreprocessingLayer):
    """Paste a random rectangle from another image of the batch into each image; labels mix
    by the pasted area.

    Args:
        factor: the Beta parameter's range: alpha is drawn from it and the kept fraction from
            Beta(alpha, alpha).
        seed, data_format: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import CutMix
    >>> images = np.stack([np.zeros((6, 6, 1)), np.ones((6, 6, 1))])
    >>> out = CutMix(seed=2)({"images": images, "labels": np.eye(2)}, training=True)
    >>> np.allclose(out["labels"].numpy().sum(axis=1), 1.0)
    True
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.seed = seed

    def _bounds(self, rng, batch, length, ratio):
        size = (ratio * length).astype(self.dtype)
        start = rng.uniform(0.0, 1.0, size=batch).astype(self.dtype) * (length - size)
        return start, start + size

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        if len(images.shape) == 3:
            return None
        batch = images.shape[0]
        height, width = self._image_size(images)
        rng = self._rng(seed)
        alpha = rng.uniform(self.factor[0], self.factor[1]) + 1e-6
        kept = rng.beta(alpha, alpha, size=batch).astype(self.dtype)
        ratio = xp.sqrt(1.0 - kept)
        x0, x1 = self._bounds(rng, batch, width, ratio)
        y0, y1 = self._bounds(rng, batch, height, ratio)
        masks = _box_masks(tuple(images.shape), self.data_format, x0, x1, y0, y1)
        weights = (1.0 - (x1 - x0) * (y1 - y0) / (width * height)).reshape(-1, 1, 1, 1)
        permutation = rng.permutation(batch).astype(xp.int32)
        return {
            "permutation_order": permutation,
            "batch_masks": masks,
            "mix_weight": weights.astype(self.dtype),
        }

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.dtype)
        if not training or transformation is None:
            return images
        partners = ops.take(images, xp.asarray(transformation["permutation_order"]), axis=0)
        return ops.where(xp.asarray(transformation["batch_masks"], dtype=bool), partners, images)

    def transform_labels(self, labels, transformation, training=True):
        if not training or transformation is None:
            return labels
        weights = xp.asarray(transformation["mix_weight"]).reshape(-1, 1)
        partners = ops.take(labels, xp.asarray(transformation["permutation_order"]), axis=0)
        labels = ops.cast(labels, weights.dtype)
        return ops.add(ops.multiply(weights, labels), ops.multiply(1.0 - weights, partners))

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}
