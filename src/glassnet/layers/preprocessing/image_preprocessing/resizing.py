"""Resizing and CenterCrop: deterministic size changes, applied in training and inference."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing import bounding_boxes as bb
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    image_axes,
)
from glassnet.ops import image as image_ops


def _resized_shape(input_shape, height, width, data_format):
    shape = list(input_shape)
    h_axis, w_axis, _ = image_axes(data_format, len(shape))
    shape[h_axis], shape[w_axis] = height, width
    return tuple(shape)


class Resizing(BaseImagePreprocessingLayer):
    """Resize images to (height, width) (see ``ops.image.resize`` for the interpolations).

    Args:
        height, width: the output size.
        interpolation: "bilinear", "nearest", "bicubic", "area", "lanczos3" or "lanczos5".
        crop_to_aspect_ratio: crop the largest centred window of the target aspect ratio first.
        pad_to_aspect_ratio: pad evenly to the target aspect ratio first (with fill_value).
        fill_mode: "constant" only.
        fill_value: the padding value.
        antialias: widen the kernel when downsampling.
        data_format: "channels_last" or "channels_first".

    Integer images keep their dtype (values rounded); segmentation masks are resized with
    "nearest"; bounding boxes move with the image.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Resizing
    >>> Resizing(2, 3)(np.zeros((4, 8, 8, 3), "float32")).shape
    (4, 2, 3, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height,
        width,
        interpolation="bilinear",
        crop_to_aspect_ratio=False,
        pad_to_aspect_ratio=False,
        fill_mode="constant",
        fill_value=0.0,
        antialias=False,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def _resize(self, images, interpolation):
        return image_ops.resize(
            images,
            (self.height, self.width),
            interpolation=interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return self._image_size(images)

    def transform_images(self, images, transformation=None, training=True):
        return self._resize(images, self.interpolation)

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return self._resize(segmentation_masks, "nearest")

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        input_height, input_width = transformation
        boxes = xp.asarray(bounding_boxes["boxes"])
        empty = (boxes == -1).all(axis=-1) | (boxes == 0).all(axis=-1)
        xyxy = bb.convert_format(boxes, self.bounding_box_format, "xyxy", input_height, input_width)
        x1, y1, x2, y2 = (xyxy[..., i] for i in range(4))
        height_ratio, width_ratio = self.height / input_height, self.width / input_width
        if self.pad_to_aspect_ratio:
            ratio = min(height_ratio, width_ratio)
            y_offset = (self.height - input_height * ratio) // 2
            x_offset = (self.width - input_width * ratio) // 2
            moved = [
                x1 * ratio + x_offset,
                y1 * ratio + y_offset,
                x2 * ratio + x_offset,
                y2 * ratio + y_offset,
            ]
        elif self.crop_to_aspect_ratio:
            source, target = input_width / input_height, self.width / self.height
            new_width = self.height * source if source > target else self.width
            new_height = self.height if source > target else self.width / source
            scale_x, scale_y = new_width / input_width, new_height / input_height
            left, top = (new_width - self.width) // 2, (new_height - self.height) // 2
            moved = [
                x1 * scale_x - left,
                y1 * scale_y - top,
                x2 * scale_x - left,
                y2 * scale_y - top,
            ]
        else:
            moved = [x1 * width_ratio, y1 * height_ratio, x2 * width_ratio, y2 * height_ratio]
        result = {**bounding_boxes, "boxes": xp.stack(moved, axis=-1).astype("float32")}
        result = bb.clip_to_image_size(result, self.height, self.width)
        result["boxes"] = xp.where(empty[..., None], 0.0, result["boxes"]).astype("float32")
        return bb.convert_format(result, "xyxy", self.bounding_box_format, self.height, self.width)

    def compute_output_shape(self, input_shape):
        return _resized_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }


class CenterCrop(BaseImagePreprocessingLayer):
    """Crop the central (height, width) window; images smaller than that are first cropped to
    the target aspect ratio and resized (bilinear) instead.

    Args:
        height: the height of the crop, in pixels.
        width: the width of the crop, in pixels.
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        **kwargs: the base Layer arguments.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import CenterCrop
    >>> CenterCrop(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0].numpy()
    array([[ 5.,  6.],
           [ 9., 10.]], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def get_random_transformation(self, data, training=True, seed=None):
        images = data["images"] if isinstance(data, dict) else data
        return {"input_shape": tuple(images.shape)}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.dtype)
        height, width = self._image_size(images)
        h_diff, w_diff = height - self.height, width - self.width
        if h_diff >= 0 and w_diff >= 0:
            h_axis, w_axis, _ = image_axes(self.data_format, images.ndim)
            index = [slice(None)] * images.ndim
            index[h_axis] = slice(h_diff // 2, h_diff // 2 + self.height)
            index[w_axis] = slice(w_diff // 2, w_diff // 2 + self.width)
            return ops.getitem(images, tuple(index))
        return image_ops.resize(
            images,
            (self.height, self.width),
            crop_to_aspect_ratio=True,
            data_format=self.data_format,
        )

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return self.transform_images(segmentation_masks, transformation, training)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        shape = transformation["input_shape"]
        h_axis, w_axis, _ = image_axes(self.data_format, len(shape))
        height, width = shape[h_axis], shape[w_axis]
        boxes = bb.convert_format(bounding_boxes, self.bounding_box_format, "xyxy", height, width)
        if height >= self.height and width >= self.width:
            top, left = int((height - self.height) / 2), int((width - self.width) / 2)
            crop_height, crop_width = self.height, self.width
        else:
            crop_height = max(min(height, int(float(width * self.height) / self.width)), 1)
            crop_width = max(min(width, int(float(height * self.width) / self.height)), 1)
            top, left = int(float(height - crop_height) / 2), int(float(width - crop_width) / 2)
        xyxy = boxes["boxes"]
        clipped = xp.stack(
            [
                xp.clip(xyxy[..., 0], left, left + crop_width) - left,
                xp.clip(xyxy[..., 1], top, top + crop_height) - top,
                xp.clip(xyxy[..., 2], left, left + crop_width) - left,
                xp.clip(xyxy[..., 3], top, top + crop_height) - top,
            ],
            axis=-1,
        )
        boxes = {**boxes, "boxes": clipped.astype("float32")}
        if not (height >= self.height and width >= self.width):
            boxes = bb.convert_format(boxes, "xyxy", "rel_xyxy", crop_height, crop_width)
            boxes = bb.convert_format(boxes, "rel_xyxy", "xyxy", self.height, self.width)
        boxes = bb.clip_to_image_size(boxes, self.height, self.width)
        return bb.convert_format(boxes, "xyxy", self.bounding_box_format, self.height, self.width)

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                f"CenterCrop '{self.name}': expected an input shape of rank 3 or 4, got "
                f"{input_shape}"
            )
        return _resized_shape(input_shape, self.height, self.width, self.data_format)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
