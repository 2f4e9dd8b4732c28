"""Layers that accept strings: NumPy arrays of ``str``/``bytes``/``object`` reach ``call`` as
NumPy arrays (``Layer.__call__`` passes them through; numbers still arrive as Tensors)."""

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
    TextVectorization): string arrays reach ``call`` as NumPy arrays, and integer inputs are
    tokens or ids, never cast to floats.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import StringLookup
    >>> StringLookup(vocabulary=["a", "b"])(np.array(["b", "z"])).numpy().tolist()
    [2, 0]
    """

    casts_integer_inputs = False
