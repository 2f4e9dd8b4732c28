"""Comparisons and logical functions (keras.ops names): boolean results, no gradient.

Example:

>>> from glassnet import ops
>>> ops.greater([1, 5], 3).data.tolist()
[False, True]
"""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.ops.operation import keras_op


def _values(x):
    return getattr(x, "data", x)


@keras_op
def equal(x1, x2):
    """x1 == x2, elementwise with broadcasting.

    Args:
        x1, x2: tensors, arrays or numbers.

    Returns:
        bool Tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.equal([1, 2], 2).data.tolist()
    [False, True]
    """
    return Tensor(xp.equal(_values(x1), _values(x2)))


@keras_op
def not_equal(x1, x2):
    """x1 != x2, elementwise (bool Tensor)."""
    return Tensor(xp.not_equal(_values(x1), _values(x2)))


@keras_op
def greater(x1, x2):
    """x1 > x2, elementwise (bool Tensor)."""
    return Tensor(xp.greater(_values(x1), _values(x2)))


@keras_op
def greater_equal(x1, x2):
    """x1 >= x2, elementwise (bool Tensor)."""
    return Tensor(xp.greater_equal(_values(x1), _values(x2)))


@keras_op
def less(x1, x2):
    """x1 < x2, elementwise (bool Tensor)."""
    return Tensor(xp.less(_values(x1), _values(x2)))


@keras_op
def less_equal(x1, x2):
    """x1 <= x2, elementwise (bool Tensor)."""
    return Tensor(xp.less_equal(_values(x1), _values(x2)))


@keras_op
def logical_and(x1, x2):
    """Elementwise AND of the truth values (bool Tensor)."""
    return Tensor(xp.logical_and(_values(x1), _values(x2)))


@keras_op
def logical_or(x1, x2):
    """Elementwise OR of the truth values (bool Tensor)."""
    return Tensor(xp.logical_or(_values(x1), _values(x2)))


@keras_op
def logical_not(x):
    """Elementwise NOT of the truth values (bool Tensor)."""
    return Tensor(xp.logical_not(_values(x)))


@keras_op
def isnan(x):
    """True where x is NaN (bool Tensor).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.isnan([1.0, np.nan]).data.tolist()
    [False, True]
    """
    return Tensor(xp.isnan(_values(x)))


@keras_op
def isfinite(x):
    """True where x is neither NaN nor infinite (bool Tensor)."""
    return Tensor(xp.isfinite(_values(x)))


@keras_op
def all(x, axis=None, keepdims=False):
    """Whether every element along ``axis`` is true (bool Tensor)."""
    return Tensor(xp.all(_values(x), axis=axis, keepdims=keepdims))


@keras_op
def any(x, axis=None, keepdims=False):
    """Whether some element along ``axis`` is true (bool Tensor)."""
    return Tensor(xp.any(_values(x), axis=axis, keepdims=keepdims))
