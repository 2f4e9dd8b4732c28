"""RandomFlip: flip each image horizontally and/or vertically with probability 1/2."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing import bounding_boxes as bb
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    batch_size_of,
    image_axes,
    images_of,
)

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


def flip(images, axis):
    """``images`` reversed along ``axis`` (a differentiable ``ops.getitem`` with a -1 step).

    Args:
        images: a Tensor or array.
        axis: the axis to reverse (the width axis flips horizontally).

    Example:

    >>> import numpy as np
    >>> flip(np.arange(3.0, dtype="float32").reshape(1, 3), axis=1)
    Tensor([[2., 1., 0.]], dtype=float32)
    """
    index = [slice(None)] * images.ndim
    index[axis] = slice(None, None, -1)
    return ops.getitem(images, tuple(index))


class RandomFlip(BaseImagePreprocessingLayer):
    """Flip each image (independently, with probability 1/2) during training.

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical" (one coin per image flips
            both axes).
        seed: an int for repeatable draws.
        data_format: "channels_last" or "channels_first".

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomFlip
    >>> x = np.arange(4.0).reshape(1, 1, 4, 1)
    >>> RandomFlip("horizontal", seed=1)(x, training=False).numpy().ravel()
    array([0., 1., 2., 3.], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(
                f"RandomFlip: mode must be '{HORIZONTAL}', '{VERTICAL}' or "
                f"'{HORIZONTAL_AND_VERTICAL}', got {mode!r}"
            )
        self.seed = seed
        self.mode = mode

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        draws = self._rng(seed).uniform(size=(batch_size_of(images), 1, 1, 1))
        return {"flips": draws <= 0.5, "input_shape": tuple(images.shape)}

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.dtype)
        if not training or transformation is None:
            return images
        flips = xp.asarray(transformation["flips"]).reshape(-1, 1, 1, 1)
        h_axis, w_axis, _ = image_axes(self.data_format, 4)
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, flip(images, w_axis), images)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            images = ops.where(flips, flip(images, h_axis), images)
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        flips = xp.asarray(transformation["flips"]).reshape(-1, 1, 1)
        h_axis, w_axis, _ = image_axes(self.data_format, len(transformation["input_shape"]))
        height = transformation["input_shape"][h_axis]
        width = transformation["input_shape"][w_axis]
        relative = bb.convert_format(
            bounding_boxes, self.bounding_box_format, "rel_xyxy", height, width
        )
        boxes = relative["boxes"]
        x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            boxes = xp.where(flips, xp.stack([1 - x2, y1, 1 - x1, y2], axis=-1), boxes)
            x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            boxes = xp.where(flips, xp.stack([x1, 1 - y2, x2, 1 - y1], axis=-1), boxes)
        relative = bb.clip_to_image_size({**relative, "boxes": boxes}, height, width)
        return bb.convert_format(relative, "rel_xyxy", self.bounding_box_format, height, width)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}
