"""Layers that accept strings: NumPy arrays of ``str``/``bytes``/``object`` reach ``call`` as
NumPy arrays (numbers still arrive as Tensors, as for every layer)."""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.layer import Layer


def holds_text(value):
    """True for strings, arrays of strings/bytes/objects, and lists or tuples holding any."""
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, xp.ndarray):
        return value.dtype.kind in "OUS"
    if isinstance(value, (list, tuple)):
        return any(holds_text(v) for v in value)
    return False


def as_array(value):
    """A Tensor's data, or the value as a NumPy array (text stays text)."""
    if isinstance(value, Tensor):
        return value.data
    return xp.asarray(value)


def as_text(array, encoding="utf-8"):
    """An array of Python ``str`` (object dtype): bytes are decoded with ``encoding``."""
    array = xp.asarray(array, dtype=object)
    flat = [v.decode(encoding) if isinstance(v, bytes) else str(v) for v in array.ravel()]
    out = xp.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(array.shape)


class TextInputLayer(Layer):
    """Base of the layers that take strings (Hashing, HashedCrossing, the lookups,
    TextVectorization).

    ``Layer.__call__`` turns its inputs into numeric Tensors and refuses strings; calls whose
    input holds text are made here instead: the layer is built from the input's shape and
    ``call`` receives the NumPy array. Numeric inputs take the ordinary path.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import StringLookup
    >>> StringLookup(vocabulary=["a", "b"])(np.array(["b", "z"])).numpy().tolist()
    [2, 0]
    """

    casts_integer_inputs = False  # integer inputs are ids or tokens, never cast to floats

    def __call__(self, *args, **kwargs):
        if args and holds_text(args[0]):
            return self._call_on_text(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def _call_on_text(self, inputs, *args, **kwargs):
        kwargs.pop("training", None)
        kwargs.pop("mask", None)
        if isinstance(inputs, (list, tuple)) and any(
            isinstance(v, (xp.ndarray, Tensor, list, tuple)) for v in inputs
        ):
            inputs = [as_array(v) for v in inputs]  # several inputs (HashedCrossing)
            shape = [tuple(v.shape) for v in inputs]
        else:
            inputs = as_array(inputs)
            shape = tuple(inputs.shape)
        if not self.built:
            self._maybe_build(shape)
        return self.call(inputs, *args, **kwargs)
