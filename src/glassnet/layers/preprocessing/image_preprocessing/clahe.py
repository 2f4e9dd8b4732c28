"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE): histogram equalization per tile, with
each histogram clipped and the tiles' mappings blended bilinearly."""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing.base import (
    BaseImagePreprocessingLayer,
    to_numpy,
)


class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """Contrast-limited adaptive histogram equalization of each channel.

    The image (in the [0, 255] scale) is split into ``tile_grid_size`` tiles (padded by
    mirroring to a whole number of tiles); each tile's 256-bin histogram is clipped at
    ``clip_limit`` times the mean bin count, the excess spread evenly over all bins, and its
    cumulative sum normalised into a mapping. Each pixel's output blends the mappings of the
    four nearest tile centres bilinearly. Deterministic; applied in training and inference.

    Args:
        value_range: the pixel range.
        clip_limit: the histogram clip, in multiples of the mean bin count (<= 0: no clip).
        tile_grid_size: (rows, columns) of tiles.
        data_format: "channels_last" or "channels_first".

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import ContrastLimitedAdaptiveHistogramEqualization
    >>> x = np.random.default_rng(0).uniform(0, 255, (1, 16, 16, 1))
    >>> layer = ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
    >>> layer(x).shape
    (1, 16, 16, 1)
    """

    _USE_BASE_FACTOR = False

    def __init__(
        self,
        value_range=(0, 255),
        clip_limit=4.0,
        tile_grid_size=(8, 8),
        data_format=None,
        **kwargs,
    ):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tuple(tile_grid_size)

    def transform_images(self, images, transformation=None, training=True):
        values = to_numpy(images)
        original_dtype = values.dtype
        if self.data_format == "channels_first":
            values = xp.moveaxis(values, -3, -1)
        low, high = (float(v) for v in self.value_range)
        scaled = ((values.astype(xp.float32) - low) / (high - low) * 255.0).astype(xp.float32)
        equalized = self._clahe(scaled)
        result = (equalized / 255.0 * (high - low) + low).astype(xp.float32)
        if self.data_format == "channels_first":
            result = xp.moveaxis(result, -1, -3)
        # histogram mappings have no gradient: the result is a new tensor
        return Tensor(result.astype(original_dtype))

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return segmentation_masks

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        return bounding_boxes

    def _clahe(self, images):
        batch, height, width, channels = images.shape
        rows, cols = self.tile_grid_size
        tile_h, tile_w = -(-height // rows), -(-width // cols)
        pad_h, pad_w = tile_h * rows - height, tile_w * cols - width
        padded = xp.pad(images, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="symmetric")
        tiles = padded.reshape(batch, rows, tile_h, cols, tile_w, channels)
        tiles = tiles.transpose(0, 1, 3, 5, 2, 4).reshape(
            batch, rows, cols, channels, tile_h * tile_w
        )
        levels = xp.clip(tiles.astype(xp.int32), 0, 255)
        # one 256-bin histogram per (image, tile row, tile column, channel): a single bincount
        # of (histogram number * 256 + level)
        histogram_number = xp.arange(batch * rows * cols * channels).reshape(levels.shape[:-1])
        codes = histogram_number[..., None] * 256 + levels
        counts = xp.bincount(codes.ravel(), minlength=histogram_number.size * 256)
        histograms = counts.reshape(batch, rows, cols, channels, 256).astype(xp.float32)
        if self.clip_limit > 0:
            limit = xp.float32(self.clip_limit * (tile_h * tile_w) / 256.0)
            clipped = xp.clip(histograms, 0, limit)
            excess = (histograms - clipped).sum(axis=-1, keepdims=True)
            histograms = clipped + excess / 256.0
        cdf = xp.cumsum(histograms, axis=-1)
        cdf_min = cdf.min(axis=-1, keepdims=True)
        denominator = xp.float32(tile_h * tile_w) - cdf_min
        denominator = xp.where(denominator == 0, 1.0, denominator)
        mappings = xp.clip((cdf - cdf_min) * 255.0 / denominator, 0, 255).astype(xp.float32)
        # a border of copied tiles, so pixels near the edge blend with themselves
        mappings = xp.concatenate([mappings[:, :1], mappings, mappings[:, -1:]], axis=1)
        mappings = xp.concatenate([mappings[:, :, :1], mappings, mappings[:, :, -1:]], axis=2)
        y = (xp.arange(tile_h * rows, dtype=xp.float32) - tile_h / 2.0) / tile_h + 1.0
        x = (xp.arange(tile_w * cols, dtype=xp.float32) - tile_w / 2.0) / tile_w + 1.0
        y0, x0 = xp.floor(y), xp.floor(x)
        wy, wx = (y - y0)[None, :, None, None], (x - x0)[None, None, :, None]
        y0i, y1i = (xp.clip(v, 0, rows + 1).astype(int) for v in (y0, y0 + 1))
        x0i, x1i = (xp.clip(v, 0, cols + 1).astype(int) for v in (x0, x0 + 1))
        pixels = xp.clip(padded, 0, 255).astype(xp.int32)
        b = xp.arange(batch)[:, None, None, None]
        c = xp.arange(channels)[None, None, None, :]

        def read(ty, tx):
            return mappings[b, ty[None, :, None, None], tx[None, None, :, None], c, pixels]

        top = read(y0i, x0i) * (1.0 - wx) + read(y0i, x1i) * wx
        bottom = read(y1i, x0i) * (1.0 - wx) + read(y1i, x1i) * wx
        result = top * (1.0 - wy) + bottom * wy
        return result[:, :height, :width, :]

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
        }
