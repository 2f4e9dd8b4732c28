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
        if (-1 not in self.target_shape and known != per_sample) or (-1 in self.target_shape and per_sample % known):
            raise ValueError(f"Reshape '{self.name}': cannot reshape inputs of shape {inputs.shape} ({per_sample} values per sample) to {self.target_shape}")
        return ops.reshape(inputs, (inputs.shape[0], *self.target_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Reorder the non-batch axes; ``dims`` counts from 1, as in Keras: Permute((2, 1))."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)}, got {self.dims}")

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
            raise ValueError(f"RepeatVector '{self.name}': expected 2-D input (batch, features), got shape {inputs.shape}")
        return ops.broadcast_to(ops.expand_dims(inputs, 1), (inputs.shape[0], self.n, inputs.shape[1]))

    def get_config(self):
        return {**super().get_config(), "n": self.n}
