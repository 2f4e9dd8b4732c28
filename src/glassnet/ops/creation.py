"""Making tensors and asking about them (keras.ops names); none of these have a gradient.
Comparisons and logical functions are in ``comparison.py``.

This module defines all, any and round (keras.ops names), so the builtins are reached as builtins.*.
"""

import builtins

from glassnet.autograd.tensor import Tensor, as_tensor, to_array
from glassnet.backend import standardize_dtype, xp
from glassnet.ops.operation import keras_op


@keras_op
def convert_to_tensor(x, dtype=None):
    """x as a Tensor (a Tensor passes through unless a different dtype is asked for)."""
    if isinstance(x, Tensor) and (dtype is None or x.dtype == xp.dtype(dtype)):
        return x
    return Tensor(to_array(getattr(x, "data", x), dtype=dtype))


@keras_op
def convert_to_numpy(x):
    return xp.asarray(getattr(x, "data", x))


@keras_op
def shape(x):
    """The shape as a tuple of ints."""
    return tuple(getattr(x, "shape", xp.shape(x)))


@keras_op
def ndim(x):
    return len(shape(x))


@keras_op
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


@keras_op
def zeros(shape, dtype=None):
    return Tensor(xp.zeros(shape, dtype=standardize_dtype(dtype)))


@keras_op
def ones(shape, dtype=None):
    return Tensor(xp.ones(shape, dtype=standardize_dtype(dtype)))


@keras_op
def full(shape, fill_value, dtype=None):
    return Tensor(xp.full(shape, fill_value, dtype=standardize_dtype(dtype)))


@keras_op
def zeros_like(x, dtype=None):
    return Tensor(xp.zeros(shape(x), dtype=dtype or getattr(x, "dtype", None)))


@keras_op
def ones_like(x, dtype=None):
    return Tensor(xp.ones(shape(x), dtype=dtype or getattr(x, "dtype", None)))


@keras_op
def eye(n, m=None, dtype=None):
    return Tensor(xp.eye(n, m, dtype=standardize_dtype(dtype)))


@keras_op
def tril(x, k=0):
    return Tensor(xp.tril(as_tensor(x).data, k))


@keras_op
def triu(x, k=0):
    return Tensor(xp.triu(as_tensor(x).data, k))


@keras_op
def sign(x):
    return Tensor(xp.sign(getattr(x, "data", x)))


@keras_op
def floor(x):
    return Tensor(xp.floor(getattr(x, "data", x)))


@keras_op
def round(x, decimals=0):
    return Tensor(xp.round(getattr(x, "data", x), decimals))
