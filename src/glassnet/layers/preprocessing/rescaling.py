"""Rescaling: inputs * scale + offset (e.g. pixel values from [0, 255] to [0, 1])."""

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.layer import Layer


class Rescaling(Layer):
    """output = inputs * scale + offset, computed in the layer's dtype.

    Args:
        scale: a number, or one per channel (a list or array broadcast against the last axis).
        offset: a number, or one per channel.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Rescaling
    >>> Rescaling(1 / 127.5, offset=-1.0)(np.array([0, 255], dtype="uint8")).numpy()
    array([-1.,  1.], dtype=float32)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        scale = xp.asarray(self.scale, dtype=self.dtype)
        offset = xp.asarray(self.offset, dtype=self.dtype)
        return ops.add(ops.multiply(ops.cast(inputs, self.dtype), scale), offset)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "scale": _plain(self.scale),
            "offset": _plain(self.offset),
        }


def _plain(value):
    return xp.asarray(value).tolist() if isinstance(value, (xp.ndarray, list, tuple)) else value
