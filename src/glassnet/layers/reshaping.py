"""Layers that change the shape, not the values: Flatten, Reshape, Permute, RepeatVector."""

import math

from glassnet import ops
from glassnet.layers.layer import Layer


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def call(self, inputs):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = ops.transpose(inputs, (0, *range(2, inputs.ndim), 1))
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """(batch, ...) -> (batch, *target_shape); one entry may be -1."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, inputs):
        per_sample = math.prod(inputs.shape[1:])
        known = math.prod(n for n in self.target_shape if n != -1)
        if (-1 not in self.target_shape and known != per_sample) or (
            -1 in self.target_shape and per_sample % known
        ):
            raise ValueError(
                f"Reshape '{self.name}': cannot reshape inputs of shape {inputs.shape} ({per_sample} values per sample) to {self.target_shape}"
            )
        return ops.reshape(inputs, (inputs.shape[0], *self.target_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Reorder the non-batch axes; ``dims`` counts from 1, as in Keras: Permute((2, 1))."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {self.dims}"
            )

    def call(self, inputs):
        return ops.transpose(inputs, (0, *self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features)."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(
                f"RepeatVector '{self.name}': expected 2-D input (batch, features), got shape {inputs.shape}"
            )
        return ops.broadcast_to(
            ops.expand_dims(inputs, 1), (inputs.shape[0], self.n, inputs.shape[1])
        )

    def get_config(self):
        return {**super().get_config(), "n": self.n}


def _pairs(value, name):
    if isinstance(value, int):
        return ((value, value), (value, value))
    value = tuple(value)
    if all(isinstance(v, int) for v in value):
        return ((value[0], value[0]), (value[1], value[1]))
    return tuple(tuple(v) for v in value)


class ZeroPadding2D(Layer):
    """Pad height and width with zeros: padding=1, (1, 2) or ((top, bottom), (left, right))."""

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding, self.data_format = (
            _pairs(padding, "ZeroPadding2D padding"),
            data_format or "channels_last",
        )

    def call(self, inputs):
        spatial = (
            [(0, 0), *self.padding, (0, 0)]
            if self.data_format == "channels_last"
            else [(0, 0), (0, 0), *self.padding]
        )
        return ops.pad(inputs, spatial)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class Cropping2D(Layer):
    """Remove rows and columns at the borders: cropping=((top, bottom), (left, right))."""

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping, self.data_format = (
            _pairs(cropping, "Cropping2D cropping"),
            data_format or "channels_last",
        )

    def call(self, inputs):
        (top, bottom), (left, right) = self.cropping
        h, w = (
            (inputs.shape[1], inputs.shape[2])
            if self.data_format == "channels_last"
            else (inputs.shape[2], inputs.shape[3])
        )
        if top + bottom >= h or left + right >= w:
            raise ValueError(
                f"Cropping2D '{self.name}': cropping {self.cropping} removes everything from a {h}x{w} input"
            )
        rows, cols = slice(top, h - bottom), slice(left, w - right)
        return (
            inputs[:, rows, cols, :]
            if self.data_format == "channels_last"
            else inputs[:, :, rows, cols]
        )

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class UpSampling2D(Layer):
    """Repeat rows and columns: size=(2, 2) doubles height and width (nearest neighbour)."""

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        if interpolation != "nearest":
            raise ValueError(
                f"UpSampling2D: only interpolation='nearest' is available, got {interpolation!r}"
            )
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.data_format, self.interpolation = data_format or "channels_last", interpolation

    def call(self, inputs):
        x = inputs if self.data_format == "channels_last" else ops.transpose(inputs, (0, 2, 3, 1))
        n, h, w, c = x.shape
        sh, sw = self.size
        x = ops.broadcast_to(ops.reshape(x, (n, h, 1, w, 1, c)), (n, h, sh, w, sw, c))
        x = ops.reshape(x, (n, h * sh, w * sw, c))
        return x if self.data_format == "channels_last" else ops.transpose(x, (0, 3, 1, 2))

    def get_config(self):
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }
