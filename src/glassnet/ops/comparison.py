"""Comparisons and logical functions (keras.ops names): boolean results, no gradient.

Example:

>>> from glassnet import ops
>>> ops.greater([1, 5], 3).data.tolist()
[False, True]
"""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.ops._promotion import array_of
from glassnet.ops.operation import keras_op


def _values(x):
    return array_of(x)


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
    """x1 != x2, elementwise (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable against each other.

    Example:

    >>> from glassnet import ops
    >>> ops.not_equal([1, 2], 2).data.tolist()
    [True, False]
    """
    return Tensor(xp.not_equal(_values(x1), _values(x2)))


@keras_op
def greater(x1, x2):
    """x1 > x2, elementwise (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable against each other.

    Example:

    >>> from glassnet import ops
    >>> ops.greater([1, 5], 3).data.tolist()
    [False, True]
    """
    return Tensor(xp.greater(_values(x1), _values(x2)))


@keras_op
def greater_equal(x1, x2):
    """x1 >= x2, elementwise (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable against each other.

    Example:

    >>> from glassnet import ops
    >>> ops.greater_equal([1, 3], 3).data.tolist()
    [False, True]
    """
    return Tensor(xp.greater_equal(_values(x1), _values(x2)))


@keras_op
def less(x1, x2):
    """x1 < x2, elementwise (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable against each other.

    Example:

    >>> from glassnet import ops
    >>> ops.less([1, 5], 3).data.tolist()
    [True, False]
    """
    return Tensor(xp.less(_values(x1), _values(x2)))


@keras_op
def less_equal(x1, x2):
    """x1 <= x2, elementwise (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable against each other.

    Example:

    >>> from glassnet import ops
    >>> ops.less_equal([3, 5], 3).data.tolist()
    [True, False]
    """
    return Tensor(xp.less_equal(_values(x1), _values(x2)))


@keras_op
def logical_and(x1, x2):
    """Elementwise AND of the truth values (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; nonzero values count as true.

    Example:

    >>> from glassnet import ops
    >>> ops.logical_and([1, 0], [2, 2]).data.tolist()
    [True, False]
    """
    return Tensor(xp.logical_and(_values(x1), _values(x2)))


@keras_op
def logical_or(x1, x2):
    """Elementwise OR of the truth values (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; nonzero values count as true.

    Example:

    >>> from glassnet import ops
    >>> ops.logical_or([True, False], False).data.tolist()
    [True, False]
    """
    return Tensor(xp.logical_or(_values(x1), _values(x2)))


@keras_op
def logical_not(x):
    """Elementwise NOT of the truth values (bool Tensor).

    Args:
        x: tensor, array or number; nonzero values count as true.

    Example:

    >>> from glassnet import ops
    >>> ops.logical_not([0, 3]).data.tolist()
    [True, False]
    """
    return Tensor(xp.logical_not(_values(x)))


@keras_op
def isnan(x):
    """True where x is NaN (bool Tensor).

    Args:
        x: tensor, array or number.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.isnan([1.0, np.nan]).data.tolist()
    [False, True]
    """
    return Tensor(xp.isnan(_values(x)))


@keras_op
def isfinite(x):
    """True where x is neither NaN nor infinite (bool Tensor).

    Args:
        x: tensor, array or number.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.isfinite([1.0, np.inf, np.nan]).data.tolist()
    [True, False, False]
    """
    return Tensor(xp.isfinite(_values(x)))


@keras_op
def all(x, axis=None, keepdims=False):
    """Whether every element along ``axis`` is true (bool Tensor).

    Args:
        x: tensor, array or nested list; nonzero values count as true.
        axis: int or tuple of ints to reduce over; None (the default) reduces over all axes.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.all([[True, False], [True, True]], axis=1).data.tolist()
    [False, True]
    """
    return Tensor(xp.all(_values(x), axis=axis, keepdims=keepdims))


@keras_op
def any(x, axis=None, keepdims=False):
    """Whether some element along ``axis`` is true (bool Tensor).

    Args:
        x: tensor, array or nested list; nonzero values count as true.
        axis: int or tuple of ints to reduce over; None (the default) reduces over all axes.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.any([[True, False], [False, False]], axis=1, keepdims=True).data.tolist()
    [[True], [False]]
    """
    return Tensor(xp.any(_values(x), axis=axis, keepdims=keepdims))


@keras_op
def logical_xor(x1, x2):
    """Elementwise exclusive OR of the truth values (bool Tensor).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; nonzero values count as true.

    Example:

    >>> from glassnet import ops
    >>> ops.logical_xor([True, True], [True, False]).data.tolist()
    [False, True]
    """
    return Tensor(xp.logical_xor(_values(x1), _values(x2)))


@keras_op
def isinf(x):
    """True where x is +inf or -inf (bool Tensor).

    Args:
        x: tensor, array or number.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.isinf([1.0, -np.inf]).data.tolist()
    [False, True]
    """
    return Tensor(xp.isinf(_values(x)))


@keras_op
def isposinf(x):
    """True where x is +inf (bool Tensor).

    Args:
        x: tensor, array or number.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.isposinf([np.inf, -np.inf]).data.tolist()
    [True, False]
    """
    return Tensor(xp.isposinf(xp.asarray(_values(x))))


@keras_op
def isneginf(x):
    """True where x is -inf (bool Tensor).

    Args:
        x: tensor, array or number.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.isneginf([np.inf, -np.inf]).data.tolist()
    [False, True]
    """
    return Tensor(xp.isneginf(xp.asarray(_values(x))))


@keras_op
def isreal(x):
    """True where x has no imaginary part (always, for real dtypes) (bool Tensor).

    Args:
        x: tensor, array or number.

    Example:

    >>> from glassnet import ops
    >>> ops.isreal([1 + 0j, 1j]).data.tolist()
    [True, False]
    """
    return Tensor(xp.asarray(xp.isreal(_values(x))))


@keras_op
def signbit(x):
    """True where the sign bit is set: negative numbers and -0.0 (bool Tensor).

    Args:
        x: tensor, array or number.

    Example:

    >>> from glassnet import ops
    >>> ops.signbit([-0.0, 0.0, -2.0]).data.tolist()
    [True, False, True]
    """
    return Tensor(xp.signbit(_values(x)))


@keras_op
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """True where |x1 - x2| <= atol + rtol * |x2|, elementwise (bool Tensor).

    Args:
        x1, x2: tensors, broadcastable.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: count NaN as equal to NaN.

    Example:

    >>> from glassnet import ops
    >>> ops.isclose([1.0, 1.0], [1.0 + 1e-9, 1.1]).data.tolist()
    [True, False]
    """
    return Tensor(xp.isclose(_values(x1), _values(x2), rtol=rtol, atol=atol, equal_nan=equal_nan))


@keras_op
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether ``isclose`` holds everywhere (a 0-d bool Tensor).

    Args:
        x1, x2: tensors, broadcastable.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: count NaN as equal to NaN.

    Example:

    >>> from glassnet import ops
    >>> bool(ops.allclose([1.0, 2.0], [1.0, 2.0 + 1e-9]))
    True
    """
    return Tensor(
        xp.asarray(xp.allclose(_values(x1), _values(x2), rtol=rtol, atol=atol, equal_nan=equal_nan))
    )


@keras_op
def isin(x1, x2, assume_unique=False, invert=False):
    """True where an element of x1 occurs anywhere in x2 (False with ``invert=True``).

    Args:
        x1: tensor.
        x2: the values to look for (any shape).
        assume_unique: both hold unique values (a hint; the result is the same).
        invert: return the opposite.

    Returns:
        bool Tensor of x1's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.isin([1, 2, 3], [3, 1]).data.tolist()
    [True, False, True]
    """
    return Tensor(xp.isin(_values(x1), _values(x2), assume_unique=assume_unique, invert=invert))
