"""Making tensors and asking about them (keras.ops names); none of these have a gradient.

This module defines all, any and round (keras.ops names), so the builtins are reached as builtins.*.
"""

import builtins

from glassnet.autograd.tensor import Tensor, as_tensor, to_array
from glassnet.backend import standardize_dtype, xp


def convert_to_tensor(x, dtype=None):
    """x as a Tensor (a Tensor passes through unless a different dtype is asked for)."""
    if isinstance(x, Tensor) and (dtype is None or x.dtype == xp.dtype(dtype)):
        return x
    return Tensor(to_array(getattr(x, "data", x), dtype=dtype))


def convert_to_numpy(x):
    return xp.asarray(getattr(x, "data", x))


def shape(x):
    """The shape as a tuple of ints."""
    return tuple(getattr(x, "shape", xp.shape(x)))


def ndim(x):
    return len(shape(x))


def arange(start, stop=None, step=1, dtype=None):
    if dtype is None:
        values = [v for v in (start, stop, step) if v is not None]
        dtype = "int32" if builtins.all(isinstance(v, int) for v in values) else None
    return Tensor(
        xp.arange(
            start,
            stop,
            step,
            dtype=standardize_dtype(dtype) if dtype is not None else standardize_dtype(None),
        )
    )


def zeros(shape, dtype=None):
    return Tensor(xp.zeros(shape, dtype=standardize_dtype(dtype)))


def ones(shape, dtype=None):
    return Tensor(xp.ones(shape, dtype=standardize_dtype(dtype)))


def full(shape, fill_value, dtype=None):
    return Tensor(xp.full(shape, fill_value, dtype=standardize_dtype(dtype)))


def zeros_like(x, dtype=None):
    return Tensor(xp.zeros(shape(x), dtype=dtype or getattr(x, "dtype", None)))


def ones_like(x, dtype=None):
    return Tensor(xp.ones(shape(x), dtype=dtype or getattr(x, "dtype", None)))


def eye(n, m=None, dtype=None):
    return Tensor(xp.eye(n, m, dtype=standardize_dtype(dtype)))


def tril(x, k=0):
    return Tensor(xp.tril(as_tensor(x).data, k))


def triu(x, k=0):
    return Tensor(xp.triu(as_tensor(x).data, k))


def _compare(fn):
    def compare(x1, x2):
        return Tensor(fn(getattr(x1, "data", x1), getattr(x2, "data", x2)))

    compare.__name__ = fn.__name__
    return compare


equal, not_equal = _compare(xp.equal), _compare(xp.not_equal)
greater, greater_equal = _compare(xp.greater), _compare(xp.greater_equal)
less, less_equal = _compare(xp.less), _compare(xp.less_equal)
logical_and, logical_or = _compare(xp.logical_and), _compare(xp.logical_or)


def logical_not(x):
    return Tensor(xp.logical_not(getattr(x, "data", x)))


def isnan(x):
    return Tensor(xp.isnan(getattr(x, "data", x)))


def isfinite(x):
    return Tensor(xp.isfinite(getattr(x, "data", x)))


def sign(x):
    return Tensor(xp.sign(getattr(x, "data", x)))


def floor(x):
    return Tensor(xp.floor(getattr(x, "data", x)))


def round(x, decimals=0):
    return Tensor(xp.round(getattr(x, "data", x), decimals))


def all(x, axis=None, keepdims=False):
    return Tensor(xp.all(getattr(x, "data", x), axis=axis, keepdims=keepdims))


def any(x, axis=None, keepdims=False):
    return Tensor(xp.any(getattr(x, "data", x), axis=axis, keepdims=keepdims))
