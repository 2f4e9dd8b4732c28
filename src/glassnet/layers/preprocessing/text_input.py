"""Layers that accept strings: NumPy arrays of ``str``/``bytes``/``object`` reach ``call`` as
NumPy arrays (``Layer.__call__`` passes them through; numbers still arrive as Tensors)."""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.layer import Layer


def holds_text(value):
    """True for strings, arrays of strings/bytes/objects, and lists or tuples holding any.

    Args:
        value: anything.

    Example:

    >>> import numpy as np
    >>> holds_text(["a", 1]), holds_text(np.array([1, 2]))
    (True, False)
    """
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, xp.ndarray):
        return value.dtype.kind in "OUS"
    if isinstance(value, (list, tuple)):
        return any(holds_text(v) for v in value)
    return False


def as_array(value):
    """A Tensor's data, or the value as a NumPy array (text stays text).

    Args:
        value: a Tensor, an array, a list or a scalar.

    Example:

    >>> as_array(["a", "b"])
    array(['a', 'b'], dtype='<U1')
    """
    if isinstance(value, Tensor):
        return value.data
    return xp.asarray(value)


def as_text(array, encoding="utf-8"):
    """An array of Python ``str`` (object dtype): bytes are decoded with ``encoding``.

    Args:
        array: strings or bytes (or other values, converted with ``str``), any shape.
        encoding: how bytes are decoded ("utf-8" by default).

    Example:

    >>> import numpy as np
    >>> as_text(np.array([b"ab", "c"], dtype=object))
    array(['ab', 'c'], dtype=object)
    """
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
