"""RandomCrop: a random (height, width) window of each batch during training."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing import bounding_boxes as bb
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    image_axes,
    images_of,
)
from glassnet.ops import image as image_ops


class RandomCrop(BaseImagePreprocessingLayer):
    """Crop a random (height, width) window (the same for the whole batch) during training.

    Images not larger than the target in both dimensions are instead cropped to the target
    aspect ratio around their centre and resized. As in Keras 3.15, inference (training=False)
    returns the inputs unchanged.

    Args:
        height, width: the crop size.
        seed: an int for repeatable draws.
        data_format: "channels_last" or "channels_first".

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomCrop
    >>> RandomCrop(3, 4, seed=0)(np.zeros((2, 6, 8, 3), "float32"), training=True).shape
    (2, 3, 4, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        images = images_of(data)
        height, width = self._image_size(images)
        if training and height > self.height and width > self.width:
            rng = self._rng(seed)
            top = int(rng.uniform(0, height - self.height + 1))
            left = int(rng.uniform(0, width - self.width + 1))
            return (top, left)
        crop_height = max(min(height, int(float(width * self.height) / self.width)), 1)
        crop_width = max(min(width, int(float(height * self.width) / self.height)), 1)
        return (int(float(height - crop_height) / 2), int(float(width - crop_width) / 2))

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        top, left = transformation
        h_axis, w_axis, _ = image_axes(self.data_format, images.ndim)
        index = [slice(None)] * images.ndim
        index[h_axis] = slice(top, top + self.height)
        index[w_axis] = slice(left, left + self.width)
        images = ops.getitem(images, tuple(index))
        if self._image_size(images) != (self.height, self.width):
            images = image_ops.resize(
                images, (self.height, self.width), data_format=self.data_format
            )
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        top, left = transformation
        boxes = bb.convert_format(
            bounding_boxes, self.bounding_box_format, "xyxy", self.height, self.width
        )
        shift = xp.asarray([left, top, left, top], dtype=boxes["boxes"].dtype)
        moved = (boxes["boxes"] - shift).clip(min=0)
        return bb.convert_format(
            {**boxes, "boxes": moved}, "xyxy", self.bounding_box_format, self.height, self.width
        )

    def compute_output_shape(self, input_shape, *args, **kwargs):
        shape = list(input_shape)
        h_axis, w_axis, _ = image_axes(self.data_format, len(shape))
        shape[h_axis], shape[w_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "seed": self.seed,
        }
