"""The base of the image preprocessing and augmentation layers.

A layer draws a *transformation* (a dict of arrays: which images flip, by how much to rotate...)
with ``get_random_transformation(data, training, seed)`` and applies it with
``transform_images`` (and ``transform_labels``, ``transform_bounding_boxes``,
``transform_segmentation_masks`` for dict inputs). The split is Keras's: a transformation drawn
once is applied consistently to an image, its masks and its boxes.

Random layers are active only when ``training`` is true; in inference (``predict``, or
``training=False``) they return their inputs. Each layer owns a NumPy generator seeded by
``seed`` (or, without one, by glassnet's shared generator, so ``utils.set_random_seed`` makes
runs repeat).
"""

import math

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.layer import Layer
from glassnet.layers.preprocessing.image_preprocessing import bounding_boxes as boxes_module
from glassnet.ops.image import random_generator, standardize_data_format


def to_numpy(value):
    """The array behind ``value``: a Tensor's data, or ``value`` converted with ``xp.asarray``.

    Args:
        value: a Tensor, an array or a nested list of numbers.

    Example:

    >>> to_numpy([1, 2])
    array([1, 2])
    """
    return value.data if isinstance(value, Tensor) else xp.asarray(value)


def image_axes(data_format, rank):
    """(height axis, width axis, channel axis) of images of ``rank`` (3 or 4).

    Args:
        data_format: "channels_last" or "channels_first".
        rank: 3 for one image, 4 for a batch.

    Example:

    >>> image_axes("channels_last", 4), image_axes("channels_first", 3)
    ((1, 2, 3), (1, 2, 0))
    """
    if data_format == "channels_first":
        return rank - 2, rank - 1, rank - 3
    return rank - 3, rank - 2, rank - 1


class BaseImagePreprocessingLayer(Layer):
    """Shared machinery of the image layers: factor parsing, value ranges, seeding, and
    ``call`` on images or on dicts of images, labels, bounding boxes and segmentation masks.

    Args:
        factor: the strength of a random change, a number or a (lower, upper) pair within the
            layer's bounds (only layers that use the base factor accept it).
        bounding_box_format: the format of ``bounding_boxes['boxes']`` in dict inputs ("xyxy",
            "rel_xyxy", "xywh", "center_xywh", "yxyx"...).
        data_format: "channels_last" or "channels_first".
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example (a subclass; in inference a random layer returns its input):

    >>> import numpy as np
    >>> from glassnet import layers
    >>> flip = layers.RandomFlip("horizontal", seed=0)
    >>> isinstance(flip, BaseImagePreprocessingLayer)
    True
    >>> flip(np.arange(3.0).reshape(1, 1, 3, 1), training=False).numpy().ravel()
    array([0., 1., 2.], dtype=float32)
    """

    casts_integer_inputs = False  # uint8 images keep their dtype until a layer casts them

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = standardize_data_format(data_format, type(self).__name__)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(
                f"{type(self).__name__}: this layer takes no factor argument, got {factor!r}"
            )
        self._generator = None

    # -- arguments -------------------------------------------------------------------------
    def _set_factor(self, factor):
        low, high = self._FACTOR_BOUNDS
        message = (
            f"{type(self).__name__}: factor must be a number or a pair of numbers in "
            f"[{low}, {high}], got {factor!r}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(message)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float)):
            if factor < low or factor > high:
                raise ValueError(message)
            factor = abs(factor)
            lower, upper = max(-factor, low), factor
        else:
            raise ValueError(message)
        self.factor = (lower, upper)

    def _set_value_range(self, value_range):
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                f"{type(self).__name__}: value_range must be a pair of numbers, got {value_range!r}"
            )
        self.value_range = sorted(value_range)

    # -- randomness ------------------------------------------------------------------------
    def _rng(self, seed=None):
        """The generator for one draw: ``seed`` if given, else the layer's own."""
        if seed is not None:
            return random_generator(seed)
        if self._generator is None:
            self._generator = random_generator(getattr(self, "seed", None))
        return self._generator

    def get_random_transformation(self, data, training=True, seed=None):
        """The transformation to apply to ``data`` (None: nothing random to draw)."""
        return None

    # -- applying --------------------------------------------------------------------------
    def _transform_images(self, images, transformation, interpolation):
        raise NotImplementedError(f"{type(self).__name__} defines no image transform")

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.dtype)
        if training:
            images = self._transform_images(
                images, transformation, getattr(self, "interpolation", None)
            )
        return images

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        raise NotImplementedError(
            f"{type(self).__name__}: glassnet does not transform bounding boxes for this layer"
        )

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        if training:
            return self._transform_images(segmentation_masks, transformation, "nearest")
        return segmentation_masks

    def _batched(self, images):
        if images.ndim not in (3, 4):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expected images of rank 3 (one image) or 4 "
                f"(a batch), got shape {images.shape}"
            )
        return images.ndim == 4

    def call(self, data, training=True):
        training = bool(training)
        if isinstance(data, dict):
            return self._call_on_dict(dict(data), training)
        images = data if isinstance(data, Tensor) else Tensor(xp.asarray(data))
        batched = self._batched(images)
        if not batched:  # one image is drawn for and transformed as a batch of one
            images = ops.expand_dims(images, 0)
        transformation = self.get_random_transformation(images, training=training)
        out = self.transform_images(images, transformation, training=training)
        return out if batched else ops.squeeze(out, 0)

    def _call_on_dict(self, data, training):
        def as_tensor(value):
            return value if isinstance(value, Tensor) else Tensor(xp.asarray(value))

        images = as_tensor(data["images"])
        batched = self._batched(images)

        def batch(value):
            return value if batched else ops.expand_dims(value, 0)

        def unbatch(value):
            return value if batched else ops.squeeze(value, 0)

        images = batch(images)
        drawn_from = {**data, "images": images}
        if "labels" in data:
            drawn_from["labels"] = batch(as_tensor(data["labels"]))
        transformation = self.get_random_transformation(drawn_from, training=training)
        data["images"] = unbatch(self.transform_images(images, transformation, training=training))
        if "bounding_boxes" in data:
            if not self.bounding_box_format:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the input has 'bounding_boxes' but the "
                    "layer has no bounding_box_format; pass e.g. bounding_box_format='xyxy'"
                )
            boxes = boxes_module.densify(data["bounding_boxes"], batched)
            out = self.transform_bounding_boxes(boxes, transformation, training=training)
            data["bounding_boxes"] = out if batched else boxes_module.unbatch(out)
        if "labels" in data:
            labels = self.transform_labels(drawn_from["labels"], transformation, training=training)
            data["labels"] = unbatch(labels)
        if "segmentation_masks" in data:
            masks = batch(as_tensor(data["segmentation_masks"]))
            masks = self.transform_segmentation_masks(masks, transformation, training=training)
            data["segmentation_masks"] = unbatch(masks)
        return data

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config

    # -- helpers the layers share ------------------------------------------------------------
    def _transform_value_range(self, images, original_range, target_range, dtype="float32"):
        """Map values linearly from ``original_range`` to ``target_range``."""
        if original_range[0] == target_range[0] and original_range[1] == target_range[1]:
            return images
        images = ops.cast(images, dtype)
        low, high = (float(v) for v in original_range)
        target_low, target_high = (float(v) for v in target_range)
        unit = ops.divide(ops.subtract(images, low), high - low)
        return ops.add(ops.multiply(unit, target_high - target_low), target_low)

    def _image_size(self, images):
        """(height, width) of an image or a batch."""
        h_axis, w_axis, _ = image_axes(self.data_format, len(images.shape))
        return images.shape[h_axis], images.shape[w_axis]

    @staticmethod
    def _compute_affine_matrix(
        center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y, height, width
    ):
        """(batch, 8) transforms: rotation by ``angle`` degrees about the centre (fractions of
        the image), then shear (degrees), scale and translation (pixels), in the output ->
        input direction ``affine_transform`` reads."""
        to_radians = math.pi / 180.0
        angle = xp.asarray(angle, dtype=xp.float64) * to_radians
        shear_x = xp.tan(xp.asarray(shear_x, dtype=xp.float64) * to_radians)
        shear_y = xp.tan(xp.asarray(shear_y, dtype=xp.float64) * to_radians)
        cx, cy = center_x * (width - 1), center_y * (height - 1)
        cos, sin = xp.cos(angle), xp.sin(angle)
        a0 = scale * (cos + shear_x * sin)
        a1 = scale * (-sin + shear_x * cos)
        a2 = translate_x + cx - cx * a0 - cy * a1
        b0 = scale * (shear_y * cos + sin)
        b1 = scale * (shear_y * -sin + cos)
        b2 = translate_y + cy - cx * b0 - cy * b1
        zeros = xp.zeros_like(a0)
        return xp.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1).astype(xp.float32)


def batch_size_of(images):
    """The number of images: the first dimension of a batch (rank 4), 1 for a single image.

    Args:
        images: an array or Tensor of rank 3 or 4.

    Example:

    >>> import numpy as np
    >>> batch_size_of(np.zeros((2, 8, 8, 3))), batch_size_of(np.zeros((8, 8, 3)))
    (2, 1)
    """
    return images.shape[0] if len(images.shape) == 4 else 1


def images_of(data):
    """The images of a layer's input: ``data["images"]`` for a dict input, else ``data`` itself.

    Args:
        data: images, or a dict with an "images" entry (and labels, boxes, masks).

    Example:

    >>> images_of({"images": "the images", "labels": 3})
    'the images'
    """
    return data["images"] if isinstance(data, dict) else data


def saturate_cast(values, dtype):
    """Float values into ``dtype``: integer dtypes round and clip to their range.

    Args:
        values: a Tensor.
        dtype: the target dtype (name or NumPy dtype).

    Returns:
        A Tensor of ``dtype`` (``values`` itself when it has that dtype already).

    Example:

    >>> import numpy as np
    >>> saturate_cast(Tensor(np.array([-3.6, 2.4, 300.0])), "uint8")
    Tensor([  0,   2, 255], dtype=uint8)
    """
    dtype = xp.dtype(dtype)
    if values.dtype == dtype:
        return values
    if dtype.kind in "iu":
        info = xp.iinfo(dtype)
        return Tensor(xp.clip(xp.round(values.data), info.min, info.max).astype(dtype))
    return ops.cast(values, dtype)
