"""Layers that change pixel values by fixed rules, randomly parametrised or not:
RandomPosterization, RandomSharpness, RandomGaussianBlur, RandomErasing, Solarization,
AutoContrast, Equalization."""

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    batch_size_of,
    image_axes,
    images_of,
    to_numpy,
)
from glassnet.ops import image as image_ops


class _PixelLayer(BaseImagePreprocessingLayer):
    """Pixel-value layers leave boxes and segmentation masks alone."""

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        return segmentation_masks


def _range_pair(factor, name, where, low=0.0, high=1.0):
    message = (
        f"{where}: {name} must be a number or a pair of numbers in [{low}, {high}], got {factor!r}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > high or factor[1] < low:
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)):
        if factor < low or factor > high:
            raise ValueError(message)
        return (max(-abs(factor), low), abs(factor))
    raise ValueError(message)


class RandomPosterization(_PixelLayer):
    """Keep only the top ``bits`` bits of each 8-bit pixel value, ``bits`` drawn per image.

    Args:
        factor: b or (low, high) in [1, 8]: the number of bits kept is drawn from [low, high)
            (a number b means [1, b)); equal bounds keep exactly that many.
        value_range: the pixel range (values are mapped to [0, 255] and back).
        data_format, seed: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomPosterization
    >>> RandomPosterization((2, 2))(np.array([[[[200.0, 100.0]]]]), training=True).numpy().ravel()
    array([192.,  64.], dtype=float32)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        batch = batch_size_of(images_of(data))
        low, high = int(self.factor[0]), int(self.factor[1])
        if low != high:
            bits = self._rng(seed).integers(low, high, size=batch).astype(xp.uint8)
        else:
            bits = xp.full(batch, low, dtype=xp.uint8)
        return {"shift_factor": (8 - bits).astype(xp.uint8)}

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        shift = xp.asarray(transformation["shift_factor"], dtype=xp.uint8).reshape(-1, 1, 1, 1)
        scaled = self._transform_value_range(images, self.value_range, (0, 255), self.dtype)
        # bit arithmetic has no gradient: the values are rebuilt outside the graph
        pixels = to_numpy(scaled).astype(xp.uint8)
        kept = xp.left_shift(xp.right_shift(pixels, shift), shift)
        out = Tensor(kept.astype(self.dtype))
        return self._transform_value_range(out, (0, 255), self.value_range, self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }


class RandomSharpness(_PixelLayer):
    """Sharpen or blur each image by a random amount: blend with a 3x3 smoothed copy.

    Args:
        factor: f or (low, high) in [0, 1]: a draw d blends as x + (1 - 2d)(smooth(x) - x):
            below 0.5 blurs, above sharpens.
        value_range: outputs are clipped to it.
        data_format, seed: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomSharpness
    >>> x = np.full((1, 3, 3, 1), 50.0)
    >>> RandomSharpness((0.2, 0.2))(x, training=True).numpy()[0, 1, 1, 0]
    np.float32(50.0)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self._set_value_range(value_range)
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        batch = batch_size_of(images_of(data))
        draw = self._rng(seed).uniform(self.factor[0], self.factor[1], size=batch)
        return {"factor": draw.astype(self.dtype)}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.dtype)
        if not training:
            return images
        if self.data_format == "channels_first":
            images = ops.swapaxes(images, -3, -1)
        sharpness = (xp.asarray(transformation["factor"], dtype=images.dtype) * 2).reshape(
            -1, 1, 1, 1
        )
        a, b = 1.0 / 13.0, 5.0 / 13.0
        kernel = xp.array([[a, a, a], [a, b, a], [a, a, a]], dtype=images.dtype)
        kernel = xp.tile(kernel[:, :, None, None], (1, 1, images.shape[-1], 1))
        smoothed = ops.depthwise_conv2d(images, Tensor(kernel), padding="same")
        images = ops.add(images, ops.multiply(1.0 - sharpness, ops.subtract(smoothed, images)))
        images = ops.clip(images, self.value_range[0], self.value_range[1])
        if self.data_format == "channels_first":
            images = ops.swapaxes(images, -3, -1)
        return images

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }


class RandomGaussianBlur(_PixelLayer):
    """Blur each image with a Gaussian kernel, with probability ``factor``.

    Args:
        factor: the probability (or a range it is drawn from) of blurring an image.
        kernel_size: an odd int or a pair of odd ints.
        sigma: s or (low, high): the two sigmas of the batch are drawn from this range.
        value_range: outputs are clipped to it.
        data_format, seed: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomGaussianBlur
    >>> RandomGaussianBlur(seed=0)(np.ones((2, 5, 5, 3)), training=True).shape
    (2, 5, 5, 3)
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        kernel_size=3,
        sigma=1.0,
        value_range=(0, 255),
        data_format=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        if isinstance(kernel_size, (tuple, list)):
            if len(kernel_size) != 2 or kernel_size[0] % 2 == 0 or kernel_size[1] % 2 == 0:
                raise ValueError(f"RandomGaussianBlur: kernel_size must be odd, got {kernel_size}")
            self.kernel_size = tuple(kernel_size)
        elif isinstance(kernel_size, (int, float)) and kernel_size % 2 == 1:
            self.kernel_size = (kernel_size, kernel_size)
        else:
            raise ValueError(f"RandomGaussianBlur: kernel_size must be odd, got {kernel_size}")
        self.sigma = _range_pair(sigma, "sigma", "RandomGaussianBlur")
        self.value_range = value_range
        self.seed = seed

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        batch = batch_size_of(images_of(data))
        rng = self._rng(seed)
        probability = rng.uniform(self.factor[0], self.factor[1], size=batch)
        apply = rng.uniform(0.0, 1.0, size=batch) < probability
        sigma = rng.uniform(self.sigma[0], self.sigma[1], size=2) + 1e-6
        return {"should_apply_blur": apply, "blur_factor": sigma.astype(self.dtype)}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.dtype)
        if not training or transformation is None:
            return images
        blurred = image_ops.gaussian_blur(
            images, self.kernel_size, transformation["blur_factor"], data_format=self.data_format
        )
        apply = xp.asarray(transformation["should_apply_blur"]).reshape(-1, 1, 1, 1)
        images = ops.where(apply, blurred, images)
        return ops.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
            "seed": self.seed,
        }


class RandomErasing(_PixelLayer):
    """Replace a random rectangle of each image (with probability ``factor``) by
    ``fill_value``, or by noise when fill_value is None.

    Args:
        factor: the probability (or a range it is drawn from) of erasing in an image.
        scale: (low, high) in [0, 1]: the rectangle's side fractions are square roots of draws
            from this range.
        fill_value: a number, three numbers (per channel), or None (Gaussian noise scaled by
            value_range[1]); clipped to value_range.
        value_range: the pixel range.
        seed, data_format: as in the other layers.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import RandomErasing
    >>> layer = RandomErasing(factor=(1.0, 1.0), fill_value=0.0, seed=1)
    >>> out = layer(np.full((2, 8, 8, 1), 9.0), training=True)
    >>> bool((out.numpy() == 0).any())
    True
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(
        self,
        factor=1.0,
        scale=(0.02, 0.33),
        fill_value=None,
        value_range=(0, 255),
        seed=None,
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = _range_pair(scale, "scale", "RandomErasing")
        self.fill_value = fill_value
        self.value_range = value_range
        self.seed = seed

    def _bounds(self, rng, batch, length, ratio):
        size = (ratio * length).astype(self.dtype)
        start = rng.uniform(0.0, 1.0, size=batch).astype(self.dtype) * (length - size)
        return start, start + size

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = images_of(data)
        shape = tuple(images.shape)
        batch = batch_size_of(images)
        height, width = self._image_size(images)
        rng = self._rng(seed)
        sides = xp.sqrt(
            rng.uniform(self.scale[0], self.scale[1], size=(batch, 2)).astype(self.dtype)
        )
        x0, x1 = self._bounds(rng, batch, width, sides[:, 0])
        y0, y1 = self._bounds(rng, batch, height, sides[:, 1])
        masks = _box_masks(shape, self.data_format, x0, x1, y0, y1)
        probability = rng.uniform(self.factor[0], self.factor[1], size=batch)
        apply = rng.uniform(0.0, 1.0, size=batch) < probability
        if self.fill_value is None:
            fill = rng.standard_normal(shape).astype(self.dtype) * self.value_range[1]
        elif isinstance(self.fill_value, (tuple, list)):
            if len(self.fill_value) != 3:
                raise ValueError(
                    "RandomErasing: fill_value must be a number or three numbers, got "
                    f"{self.fill_value}"
                )
            fill = xp.broadcast_to(xp.asarray(self.fill_value, self.dtype), shape).copy()
        else:
            fill = xp.full(shape, self.fill_value, dtype=self.dtype)
        fill = xp.clip(fill, self.value_range[0], self.value_range[1])
        return {"apply_erasing": apply, "batch_masks": masks, "fill_value": fill}

    def transform_images(self, images, transformation=None, training=True):
        images = ops.cast(images, self.dtype)
        if not training or transformation is None:
            return images
        masks = xp.asarray(transformation["batch_masks"], dtype=bool)
        fill = xp.asarray(transformation["fill_value"], dtype=self.dtype)
        erased = ops.where(masks, fill, images)
        apply = xp.asarray(transformation["apply_erasing"]).reshape(-1, 1, 1, 1)
        return ops.where(apply, erased, images)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }


def _box_masks(shape, data_format, x0, x1, y0, y1):
    """(B, H, W, C) (or channels_first) booleans: inside [x0, x1) x [y0, y1) of each image."""
    h_axis, w_axis, c_axis = image_axes(data_format, 4)
    height, width, channels = shape[h_axis], shape[w_axis], shape[c_axis]
    rows = xp.arange(height, dtype=x0.dtype)[None, :, None]
    cols = xp.arange(width, dtype=x0.dtype)[None, None, :]
    inside = (cols >= x0[:, None, None]) & (cols < x1[:, None, None])
    inside = inside & (rows >= y0[:, None, None]) & (rows < y1[:, None, None])
    inside = inside[..., None] if data_format == "channels_last" else inside[:, None]
    return xp.repeat(inside, channels, axis=c_axis)


class Solarization(_PixelLayer):
    """Add a random amount to each image's pixels, then invert those at or above a random
    threshold (255 - x), in the [0, 255] scale.

    Args:
        addition_factor: a or (low, high) in [0, 1]: the addition is drawn from
            [low, high * 255] (a number a means [0, a * 255]).
        threshold_factor: the same for the threshold.
        value_range: the pixel range.
        seed: an int for repeatable draws.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Solarization
    >>> Solarization()(np.array([[[[0.0, 100.0, 255.0]]]]), training=True).numpy().ravel()
    array([255., 155.,   0.], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.seed = seed
        self.addition_factor = self._factor(addition_factor, "addition_factor")
        self.threshold_factor = self._factor(threshold_factor, "threshold_factor")
        self._set_value_range(value_range)

    @staticmethod
    def _factor(factor, name):
        message = (
            f"Solarization: {name} must be a number or a pair of numbers in [0, 1], got {factor!r}"
        )
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or not all(0 <= f <= 1 for f in factor):
                raise ValueError(message)
            return tuple(sorted(factor))
        if isinstance(factor, (int, float)):
            if not 0 <= factor <= 1:
                raise ValueError(message)
            return (0, factor)
        raise ValueError(message)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = (batch_size_of(images_of(data)), 1, 1, 1)
        rng = self._rng(seed)
        additions = rng.uniform(self.addition_factor[0], self.addition_factor[1] * 255, size=shape)
        thresholds = rng.uniform(
            self.threshold_factor[0], self.threshold_factor[1] * 255, size=shape
        )
        return {
            "additions": additions.astype(self.dtype),
            "thresholds": thresholds.astype(self.dtype),
        }

    def transform_images(self, images, transformation, training=True):
        images = ops.cast(images, self.dtype)
        if not training or transformation is None:
            return images
        scaled = self._transform_value_range(images, self.value_range, (0, 255), self.dtype)
        additions = xp.asarray(transformation["additions"], dtype=self.dtype)
        thresholds = xp.asarray(transformation["thresholds"], dtype=self.dtype)
        results = ops.clip(ops.add(scaled, additions), 0.0, 255.0)
        results = ops.where(results.data < thresholds, results, ops.subtract(255.0, results))
        return self._transform_value_range(results, (0, 255), self.value_range, self.dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
            "seed": self.seed,
        }


class AutoContrast(_PixelLayer):
    """Stretch each channel of each image so its values span the whole value range.

    Deterministic: applied in training and inference. Channels with a single value stay as
    they are.

    Args:
        value_range: (low, high) of the pixel values, (0, 255) by default.
        **kwargs: the base layer arguments (data_format, name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import AutoContrast
    >>> AutoContrast()(np.array([[[[50.0], [100.0]]]])).numpy().ravel()
    array([  0., 255.], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self._set_value_range(value_range)

    def transform_images(self, images, transformation=None, training=True):
        original = ops.cast(images, self.dtype)
        scaled = self._transform_value_range(original, self.value_range, (0, 255), self.dtype)
        low = ops.min(scaled, axis=(1, 2), keepdims=True)
        high = ops.max(scaled, axis=(1, 2), keepdims=True)
        spread = high.data > low.data
        # a flat channel (high == low) would divide by zero; Keras's NaN there restores it
        scale = ops.divide(255.0, ops.where(spread, ops.subtract(high, low), 1.0))
        stretched = ops.clip(
            ops.subtract(ops.multiply(scaled, scale), ops.multiply(low, scale)), 0.0, 255.0
        )
        results = self._transform_value_range(stretched, (0, 255), self.value_range, self.dtype)
        return ops.where(spread, results, original)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}


class Equalization(_PixelLayer):
    """Histogram equalization of each channel, its histogram taken over the whole batch.

    Deterministic; applied when training (Keras skips it in inference). Pixel values are
    binned into ``bins`` bins of the [0, 255] scale and mapped through the normalised
    cumulative histogram.

    Args:
        value_range: (low, high) of the pixel values, (0, 255) by default.
        bins: the number of histogram bins (256 by default).
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        **kwargs: the base Layer arguments.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Equalization
    >>> x = np.array([[[[10.0], [20.0], [20.0], [30.0]]]])
    >>> Equalization()(x, training=True).numpy().ravel()
    array([  0., 170., 170., 255.], dtype=float32)
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.bins = bins
        self._set_value_range(value_range)

    def _equalize(self, channel):
        low, high = (float(v) for v in self.value_range)
        to_255 = (channel - low) * (255.0 / (high - low))
        binned = ((to_255.astype(xp.float32) * (self.bins - 1)) / xp.float32(255.0)).astype(
            xp.int32
        )
        histogram = xp.bincount(xp.clip(binned, 0, self.bins - 1).ravel(), minlength=self.bins)
        if xp.count_nonzero(histogram) <= 1:
            return channel
        cdf = xp.cumsum(histogram)
        cdf_min = cdf[xp.nonzero(cdf)[0][0]]
        denominator = cdf[-1] - cdf_min
        denominator = denominator if denominator != 0 else 1
        table = xp.clip(xp.round((cdf - cdf_min) * 255 / denominator), 0, 255)
        index = xp.clip(to_255 / 255.0 * (self.bins - 1), 0, self.bins - 1).astype(xp.int32)
        equalized = table[index]
        return equalized * ((high - low) / 255.0) + low

    def transform_images(self, images, transformation=None, training=True):
        if not training:
            return images
        values = to_numpy(ops.cast(images, self.dtype))
        axis = values.ndim - 1 if self.data_format == "channels_last" else values.ndim - 3
        channels = [
            self._equalize(xp.take(values, i, axis=axis)) for i in range(values.shape[axis])
        ]
        # histogram lookups have no gradient: the result is a new tensor
        return Tensor(xp.stack(channels, axis=axis).astype(self.dtype))

    def get_config(self):
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}
