"""Random colour changes: brightness, contrast, saturation, hue, colour degeneration,
grayscale, inversion, and RandomColorJitter combining the first four.

Each draws one value per image (``get_random_transformation``) and applies it with
elementwise ops, clipping to ``value_range`` (the range the pixel values live in, (0, 255) by
default) where Keras does.
"""

from glassnet import ops
from glassnet.backend import epsilon, xp
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    batch_size_of,
    image_axes,
    images_of,
)
from glassnet.ops import image as image_ops


class _ColorLayer(BaseImagePreprocessingLayer):
    """Colour layers leave boxes and segmentation masks alone."""

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }


class RandomBrightness(_ColorLayer):
    """Add a random offset to every pixel of each image during training, then clip.

    Args:
        factor: f or (low, high) in [-1, 1]: the offset is drawn from [low, high] times the
            width of value_range (a number f means [-f, f]).
        value_range: the pixel range, (0, 255) by default; outputs are clipped to it.
        seed: an int for repeatable draws.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomBrightness
    >>> layer = RandomBrightness((0.5, 0.5), value_range=(0, 1))
    >>> layer(np.array([[[[0.2, 0.7]]]]), training=True).numpy().ravel()
    array([0.7, 1. ], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.seed = seed
        self._set_value_range(value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = (batch_size_of(images_of(data)), 1, 1, 1)
        if not training:
            return {"rgb_delta": xp.zeros(shape, self.dtype)}
        delta = self._rng(seed).uniform(self.factor[0], self.factor[1], size=shape)
        return {
            "rgb_delta": (delta * (self.value_range[1] - self.value_range[0])).astype(self.dtype)
        }

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        delta = xp.asarray(transformation["rgb_delta"], dtype=images.dtype)
        return ops.clip(ops.add(images, delta), self.value_range[0], self.value_range[1])


class RandomContrast(_ColorLayer):
    """Scale each image's deviations from its per-channel mean by a random factor, then clip.

    Args:
        factor: f or (low, high) in [0, 1]: the contrast factor is drawn from
            [1 - low, 1 + high] (a number f means [1, 1 + f], as Keras 3.15 parses it).
        value_range: outputs are clipped to it.
        seed: an int for repeatable draws.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomContrast
    >>> x = np.array([[[[10.0], [30.0]]]])
    >>> RandomContrast((0.0, 0.0), seed=0)(x, training=True).numpy().ravel()
    array([10., 30.], dtype=float32)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        shape = (batch_size_of(images_of(data)), 1, 1, 1)
        if not training:
            return {"contrast_factor": xp.zeros(shape, self.dtype)}
        draw = self._rng(seed).uniform(1.0 - self.factor[0], 1.0 + self.factor[1], size=shape)
        return {"contrast_factor": draw.astype(self.dtype)}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        factor = xp.asarray(transformation["contrast_factor"], dtype=images.dtype)
        h_axis, w_axis, _ = image_axes(self.data_format, images.ndim)
        mean = ops.mean(ops.mean(images, axis=h_axis, keepdims=True), axis=w_axis, keepdims=True)
        adjusted = ops.add(ops.multiply(ops.subtract(images, mean), factor), mean)
        return ops.clip(adjusted, self.value_range[0], self.value_range[1])


class RandomColorDegeneration(_ColorLayer):
    """Blend each image towards its grayscale version by a random factor, then clip.

    Args:
        factor: f or (low, high) in [0, 1]: 0 keeps the colours, 1 gives grayscale.
        value_range: outputs are clipped to it.
        data_format, seed: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomColorDegeneration
    >>> x = np.array([[[[255.0, 0.0, 0.0]]]])
    >>> RandomColorDegeneration((1.0, 1.0))(x, training=True).numpy().ravel().round(3)
    array([76.22, 76.22, 76.22], dtype=float32)
    """

    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        shape = (batch_size_of(images_of(data)), 1, 1, 1)
        draw = self._rng(seed).uniform(self.factor[0], self.factor[1], size=shape)
        return {"factor": draw.astype(self.dtype)}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        factor = xp.asarray(transformation["factor"], dtype=images.dtype)
        gray = image_ops.rgb_to_grayscale(images, data_format=self.data_format)
        blended = ops.add(images, ops.multiply(factor, ops.subtract(gray, images)))
        return ops.clip(blended, self.value_range[0], self.value_range[1])

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                f"RandomColorDegeneration '{self.name}': expected rank 3 or 4, got {input_shape}"
            )
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError(
                f"RandomColorDegeneration '{self.name}': expected 3 channels, got {channels}"
            )
        return input_shape


def _channel(images, index, data_format):
    axis = images.ndim - 1 if data_format == "channels_last" else images.ndim - 3
    selector = [slice(None)] * images.ndim
    selector[axis] = index
    return ops.getitem(images, tuple(selector)), axis


class RandomSaturation(_ColorLayer):
    """Scale each image's saturation (in HSV) by a random factor.

    Args:
        factor: f or (low, high) in [0, 1]: a draw d becomes the multiplier d / (1 - d), so
            0 gives grayscale, 0.5 leaves the image unchanged and 1 saturates fully.
        value_range: the saturation channel is clipped to it (as Keras does).
        data_format, seed: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomSaturation
    >>> x = np.array([[[[200.0, 100.0, 50.0]]]])
    >>> RandomSaturation((0.0, 0.0))(x, training=True).numpy().ravel()
    array([200., 200., 200.], dtype=float32)
    """

    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        batch = batch_size_of(images_of(data))
        draw = self._rng(seed).uniform(self.factor[0], self.factor[1], size=batch)
        return {"factor": (draw / (1 - draw + epsilon())).astype(self.dtype)}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        factor = xp.asarray(transformation["factor"], dtype=images.dtype).reshape(-1, 1, 1)
        hsv = image_ops.rgb_to_hsv(images, data_format=self.data_format)
        hue, axis = _channel(hsv, 0, self.data_format)
        saturation, _ = _channel(hsv, 1, self.data_format)
        value, _ = _channel(hsv, 2, self.data_format)
        saturation = ops.clip(
            ops.multiply(saturation, factor), self.value_range[0], self.value_range[1]
        )
        return image_ops.hsv_to_rgb(
            ops.stack([hue, saturation, value], axis=axis), self.data_format
        )


class RandomHue(_ColorLayer):
    """Rotate each image's hue by a random amount (up to half a turn each way).

    Args:
        factor: f or (low, high) in [0, 1]: the shift is a draw from [low, high] times 1/2
            turn, with a random sign.
        value_range: the pixel range.
        data_format, seed: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomHue
    >>> x = np.array([[[[0.5, 0.5, 0.5]]]])
    >>> RandomHue(0.5, value_range=(0, 1), seed=0)(x, training=True).numpy().ravel()
    array([0.5, 0.5, 0.5], dtype=float32)
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        batch = batch_size_of(images_of(data))
        rng = self._rng(seed)
        sign = xp.where(rng.uniform(size=batch) > 0.5, -1.0, 1.0)
        amount = rng.uniform(self.factor[0], self.factor[1], size=batch)
        return {"factor": (sign * amount * 0.5).astype(self.dtype)}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        images = self._transform_value_range(images, self.value_range, (0, 1), self.dtype)
        shift = xp.asarray(transformation["factor"], dtype=images.dtype).reshape(-1, 1, 1)
        hsv = image_ops.rgb_to_hsv(images, data_format=self.data_format)
        hue, axis = _channel(hsv, 0, self.data_format)
        hue = ops.add(hue, shift)
        hue = ops.where(hue.data > 1.0, ops.subtract(hue, 1.0), hue)
        hue = ops.where(hue.data < 0.0, ops.add(hue, 1.0), hue)
        saturation, _ = _channel(hsv, 1, self.data_format)
        value, _ = _channel(hsv, 2, self.data_format)
        rgb = image_ops.hsv_to_rgb(ops.stack([hue, saturation, value], axis=axis), self.data_format)
        rgb = ops.clip(rgb, 0.0, 1.0)
        return ops.cast(
            self._transform_value_range(rgb, (0, 1), self.value_range, self.dtype), self.dtype
        )


class RandomGrayscale(_ColorLayer):
    """Turn each image to grayscale (kept with 3 equal channels) with probability ``factor``.

    Args:
        factor: the probability, in [0, 1], that an image is turned to grayscale (0.5).
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        seed: an int for repeatable draws; None uses glassnet's shared generator.
        **kwargs: the base Layer arguments.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomGrayscale
    >>> x = np.array([[[[255.0, 0.0, 0.0]]]])
    >>> RandomGrayscale(factor=1.0)(x, training=True).numpy().ravel().round(3)
    array([76.22, 76.22, 76.22], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"RandomGrayscale: factor must be in [0, 1], got {factor}")
        self.factor = factor
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        batch = batch_size_of(images_of(data))
        draws = self._rng(seed).uniform(0.0, 1.0, size=batch)
        return (draws < self.factor).reshape(-1, 1, 1, 1)

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        if transformation is None:
            transformation = self.get_random_transformation(images)
        gray = image_ops.rgb_to_grayscale(images, data_format=self.data_format)
        return ops.where(xp.asarray(transformation), gray, images)

    def transform_labels(self, labels, transformation=None, training=True):
        return labels

    def get_config(self):
        return {**BaseImagePreprocessingLayer.get_config(self), "factor": self.factor}


class RandomInvert(_ColorLayer):
    """Invert each image (value_range[1] - x) with a probability drawn from ``factor``.

    Args:
        factor: a number f in [0, 1] or a pair (lower, upper): each image's probability of
            inversion is drawn uniformly from [0, f] (or [lower, upper]); 1.0 by default.
        value_range: (low, high) of the pixel values; x becomes high - x.
        seed: an int for repeatable draws; None uses glassnet's shared generator.
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        **kwargs: the base Layer arguments.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomInvert
    >>> RandomInvert(factor=(1.0, 1.0))(np.array([[[[0.0, 255.0]]]]), training=True).numpy().ravel()
    array([255.,   0.], dtype=float32)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        batch = batch_size_of(images_of(data))
        rng = self._rng(seed)
        probability = rng.uniform(self.factor[0], self.factor[1], size=batch)
        return {"apply_inversion": rng.uniform(0.0, 1.0, size=batch) < probability}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        apply = xp.asarray(transformation["apply_inversion"]).reshape(-1, 1, 1, 1)
        return ops.where(apply, ops.subtract(self.value_range[1], images), images)


class RandomColorJitter(_ColorLayer):
    """RandomBrightness, RandomContrast, RandomSaturation and RandomHue in turn (those whose
    factor is given), each with a fresh draw.

    Args:
        value_range: (low, high) of the pixel values, (0, 255) by default.
        brightness_factor: the factor of a RandomBrightness step, or None to skip it.
        contrast_factor: the factor of a RandomContrast step, or None to skip it.
        saturation_factor: the factor of a RandomSaturation step, or None to skip it.
        hue_factor: the factor of a RandomHue step, or None to skip it.
        seed: an int for repeatable draws; None uses glassnet's shared generator.
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        **kwargs: the base Layer arguments.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomColorJitter
    >>> layer = RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, seed=0)
    >>> layer(np.full((2, 4, 4, 3), 100.0), training=True).shape
    (2, 4, 4, 3)
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        value_range=(0, 255),
        brightness_factor=None,
        contrast_factor=None,
        saturation_factor=None,
        hue_factor=None,
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self.seed = seed
        common = {"value_range": value_range, "seed": seed}
        self.random_brightness = (
            RandomBrightness(brightness_factor, **common) if brightness_factor is not None else None
        )
        self.random_contrast = (
            RandomContrast(contrast_factor, **common) if contrast_factor is not None else None
        )
        self.random_saturation = (
            RandomSaturation(saturation_factor, **common) if saturation_factor is not None else None
        )
        self.random_hue = RandomHue(hue_factor, **common) if hue_factor is not None else None

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = ops.cast(images, self.dtype)
        for layer in (
            self.random_brightness,
            self.random_contrast,
            self.random_saturation,
            self.random_hue,
        ):
            if layer is not None:
                drawn = layer.get_random_transformation(images, seed=self._rng())
                images = layer.transform_images(images, drawn)
        return ops.cast(images, self.dtype)

    def get_config(self):
        return {
            **BaseImagePreprocessingLayer.get_config(self),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
            "seed": self.seed,
        }
