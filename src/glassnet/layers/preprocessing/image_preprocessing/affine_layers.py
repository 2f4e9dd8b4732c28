"""The random geometric layers built on ``ops.image.affine_transform``: RandomRotation,
RandomZoom, RandomTranslation and RandomShear."""

from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing import bounding_boxes as bb
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    batch_size_of,
    image_axes,
    images_of,
)
from glassnet.ops import image as image_ops

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


class _AffineLayer(BaseImagePreprocessingLayer):
    """Shared: fill/interpolation checks and the warp of images by a (batch, 8) transform."""

    def _check_modes(self, fill_mode, interpolation):
        if fill_mode not in FILL_MODES:
            raise NotImplementedError(
                f"{type(self).__name__}: fill_mode must be one of {FILL_MODES}, got {fill_mode!r}"
            )
        if interpolation not in INTERPOLATIONS:
            raise NotImplementedError(
                f"{type(self).__name__}: interpolation must be one of {INTERPOLATIONS}, got "
                f"{interpolation!r}"
            )

    def _warp(self, images, transform, interpolation):
        return image_ops.affine_transform(
            images,
            transform,
            interpolation=interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    @staticmethod
    def _apply_to_point(x, y, transform):
        a0, a1, a2, b0, b1, b2, c0, c1 = (transform[:, i : i + 1] for i in range(8))
        k = c0 * x + c1 * y + 1
        return (a0 * x + a1 * y + a2) / k, (b0 * x + b1 * y + b2) / k

    def _input_size(self, transformation):
        shape = transformation["input_shape"]
        h_axis, w_axis, _ = image_axes(self.data_format, len(shape))
        return shape[h_axis], shape[w_axis]


def _factor_pair(factor, name, where, low, high, low_open=False):
    message = (
        f"{where}: {name} must be a number or a pair of numbers in "
        f"{'(' if low_open else '['}{low}, {high}], got {factor!r}"
    )

    def check(value):
        if value > high or value < low or (low_open and value == low):
            raise ValueError(message)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(message)
        check(factor[0])
        check(factor[1])
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)):
        check(factor)
        return (-abs(factor), abs(factor))
    raise ValueError(message)


def _shear_pair(factor, name):
    """A number f in [0, 1] means (-f, f); a pair is taken as the (low, high) range itself, so
    the pair get_config() returns (e.g. (-0.3, 0.3)) is accepted back."""
    if isinstance(factor, (tuple, list)):
        return _factor_pair(factor, name, "RandomShear", -1.0, 1.0)
    return _factor_pair(factor, name, "RandomShear", 0.0, 1.0)


class RandomRotation(_AffineLayer):
    """Rotate each image by a random angle about its centre during training.

    Args:
        factor: a fraction of a full turn: f means angles in [-f * 360, f * 360] degrees; a
            pair (low, high) gives [low * 360, high * 360].
        fill_mode: "reflect", "wrap", "constant" or "nearest": what shows outside the input.
        interpolation: "bilinear" or "nearest".
        seed: an int for repeatable draws.
        fill_value: the value outside the input with fill_mode="constant".
        data_format: "channels_last" or "channels_first".

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomRotation
    >>> x = np.random.default_rng(0).random((2, 5, 5, 1)).astype("float32")
    >>> bool((RandomRotation(0.2, seed=1)(x, training=False).numpy() == x).all())
    True
    """

    def __init__(
        self,
        factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self._check_modes(fill_mode, interpolation)
        self.seed = seed
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        batch = batch_size_of(images)
        height, width = self._image_size(images)
        angle = self._rng(seed).uniform(self.factor[0] * 360.0, self.factor[1] * 360.0, size=batch)
        zeros, ones = xp.zeros(batch), xp.ones(batch)
        matrix = self._compute_affine_matrix(
            0.5, 0.5, angle, zeros, zeros, ones, zeros, zeros, height, width
        )
        return {
            "angle": angle.astype("float32"),
            "rotation_matrix": matrix,
            "image_height": height,
            "image_width": width,
            "batch_size": batch,
        }

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        return self._warp(images, transformation["rotation_matrix"], interpolation)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = transformation["image_height"], transformation["image_width"]
        return bb.warp_boxes(
            bounding_boxes,
            transformation["rotation_matrix"],
            height,
            width,
            self.bounding_box_format,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }


class RandomZoom(_AffineLayer):
    """Zoom each image in or out by a random factor about its centre during training.

    Args:
        height_factor: f or (low, high), in (-1, 1]: the image height is scaled by a factor
            drawn from [1 + low, 1 + high] (positive zooms out, negative zooms in).
        width_factor: the same for the width; None keeps the aspect ratio.
        fill_mode, interpolation, seed, fill_value, data_format: as in RandomRotation.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomZoom
    >>> RandomZoom(0.3, seed=1)(np.zeros((2, 6, 6, 3), "float32"), training=True).shape
    (2, 6, 6, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor,
        width_factor=None,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        where = "RandomZoom"
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _factor_pair(
            height_factor, "height_factor", where, -1.0, 1.0, low_open=True
        )
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = _factor_pair(
                width_factor, "width_factor", where, -1.0, 1.0, low_open=True
            )
        self._check_modes(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        shape = (batch_size_of(images), 1)
        rng = self._rng(seed)
        height_zoom = rng.uniform(1.0 + self.height_lower, 1.0 + self.height_upper, size=shape)
        if self.width_factor is not None:
            width_zoom = rng.uniform(1.0 + self.width_lower, 1.0 + self.width_upper, size=shape)
        else:
            width_zoom = height_zoom
        return {
            "height_zoom": height_zoom.astype("float32"),
            "width_zoom": width_zoom.astype("float32"),
            "input_shape": tuple(images.shape),
        }

    def _zoom_matrix(self, transformation, height, width):
        zoom_x = xp.asarray(transformation["width_zoom"], dtype=xp.float32).reshape(-1, 1)
        zoom_y = xp.asarray(transformation["height_zoom"], dtype=xp.float32).reshape(-1, 1)
        x_offset = (xp.float32(width) - 1.0) / 2.0 * (1.0 - zoom_x)
        y_offset = (xp.float32(height) - 1.0) / 2.0 * (1.0 - zoom_y)
        zeros = xp.zeros_like(zoom_x)
        return xp.concatenate(
            [zoom_x, zeros, x_offset, zeros, zoom_y, y_offset, zeros, zeros], axis=1
        ).astype(xp.float32)

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        height, width = self._image_size(images)
        return self._warp(images, self._zoom_matrix(transformation, height, width), interpolation)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = self._input_size(transformation)
        boxes = bb.convert_format(bounding_boxes, self.bounding_box_format, "xyxy", height, width)
        transform = self._zoom_matrix(transformation, height, width)
        w_start, h_start = self._apply_to_point(0, 0, transform)
        w_end, h_end = self._apply_to_point(width, height, transform)
        xyxy = boxes["boxes"]
        cropped = xp.stack(
            [
                xp.clip(xyxy[..., 0], w_start, w_end) - w_start,
                xp.clip(xyxy[..., 1], h_start, h_end) - h_start,
                xp.clip(xyxy[..., 2], w_start, w_end) - w_start,
                xp.clip(xyxy[..., 3], h_start, h_end) - h_start,
            ],
            axis=-1,
        )
        new_height, new_width = (h_end - h_start)[..., None], (w_end - w_start)[..., None]
        relative = cropped / xp.concatenate([new_width, new_height, new_width, new_height], -1)
        relative = bb.clip_to_image_size(
            {**boxes, "boxes": relative}, bounding_box_format="rel_xyxy"
        )
        return bb.convert_format(relative, "rel_xyxy", self.bounding_box_format, height, width)

    def get_config(self):
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }


class RandomTranslation(_AffineLayer):
    """Shift each image by a random fraction of its size during training.

    Args:
        height_factor: f or (low, high) in [-1, 1]: the vertical shift is drawn from
            [low, high] times the height (positive moves the content down).
        width_factor: the same horizontally (positive moves right).
        fill_mode, interpolation, seed, fill_value, data_format: as in RandomRotation.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomTranslation
    >>> layer = RandomTranslation((0.5, 0.5), 0.0, fill_mode="constant", interpolation="nearest")
    >>> layer(np.arange(4.0).reshape(1, 4, 1, 1), training=True).numpy().ravel()
    array([0., 0., 0., 1.], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode="reflect",
        interpolation="bilinear",
        seed=None,
        fill_value=0.0,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        where = "RandomTranslation"
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _factor_pair(
            height_factor, "height_factor", where, -1.0, 1.0
        )
        self.width_factor = width_factor
        self.width_lower, self.width_upper = _factor_pair(
            width_factor, "width_factor", where, -1.0, 1.0
        )
        self._check_modes(fill_mode, interpolation)
        self.fill_mode = fill_mode
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
        shift_y = rng.uniform(self.height_lower, self.height_upper, size=(batch, 1)) * height
        shift_x = rng.uniform(self.width_lower, self.width_upper, size=(batch, 1)) * width
        translations = xp.concatenate([shift_x, shift_y], axis=1).astype("float32")
        return {"translations": translations, "input_shape": tuple(images.shape)}

    @staticmethod
    def _translation_matrix(translations):
        translations = xp.asarray(translations, dtype=xp.float32)
        ones, zeros = xp.ones((len(translations), 1)), xp.zeros((len(translations), 1))
        return xp.concatenate(
            [ones, zeros, -translations[:, 0:1], zeros, ones, -translations[:, 1:], zeros, zeros],
            axis=1,
        ).astype(xp.float32)

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        matrix = self._translation_matrix(transformation["translations"])
        return self._warp(images, matrix, interpolation)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = self._input_size(transformation)
        boxes = bb.convert_format(bounding_boxes, self.bounding_box_format, "xyxy", height, width)
        shift = xp.asarray(transformation["translations"], dtype="float32")[:, None, :]
        moved = boxes["boxes"] + xp.concatenate([shift, shift], axis=-1)
        boxes = bb.clip_to_image_size({**boxes, "boxes": moved}, height, width)
        return bb.convert_format(boxes, "xyxy", self.bounding_box_format, height, width)

    def get_config(self):
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }


class RandomShear(_AffineLayer):
    """Shear each image by random amounts along x and y during training.

    Args:
        x_factor, y_factor: f or (low, high) in [0, 1]: the shear coefficient's magnitude is
            drawn from that range (a number f means [-f, f]); one random sign per image.
        interpolation, fill_mode, fill_value, data_format, seed: as in RandomRotation.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomShear
    >>> RandomShear(0.3, 0.2, seed=0)(np.ones((2, 5, 5, 1), "float32"), training=True).shape
    (2, 5, 5, 1)
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        x_factor=0.0,
        y_factor=0.0,
        interpolation="bilinear",
        fill_mode="reflect",
        fill_value=0.0,
        data_format=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = _shear_pair(x_factor, "x_factor")
        self.y_factor = _shear_pair(y_factor, "y_factor")
        self._check_modes(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        batch = batch_size_of(images)
        rng = self._rng(seed)
        sign = xp.where(rng.uniform(size=(batch, 1)) > 0.5, -1.0, 1.0)
        shear_y = rng.uniform(self.y_factor[0], self.y_factor[1], size=(batch, 1))
        shear_x = rng.uniform(self.x_factor[0], self.x_factor[1], size=(batch, 1))
        shear = (xp.concatenate([shear_x, shear_y], axis=1) * sign).astype(self.dtype)
        return {"shear_factor": shear, "input_shape": tuple(images.shape)}

    @staticmethod
    def _shear_matrix(shear):
        shear = xp.asarray(shear, dtype=xp.float32)
        ones, zeros = xp.ones(len(shear)), xp.zeros(len(shear))
        return xp.stack(
            [ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros], axis=1
        ).astype(xp.float32)

    def _transform_images(self, images, transformation, interpolation):
        if transformation is None:
            return images
        matrix = self._shear_matrix(transformation["shear_factor"])
        return self._warp(images, matrix, interpolation)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training or transformation is None:
            return bounding_boxes
        height, width = self._input_size(transformation)
        matrix = self._shear_matrix(transformation["shear_factor"])
        return bb.warp_boxes(bounding_boxes, matrix, height, width, self.bounding_box_format)

    def get_config(self):
        return {
            **super().get_config(),
            "x_factor": self.x_factor,
            "y_factor": self.y_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }
