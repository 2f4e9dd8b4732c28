"""Running totals and differences along an axis: cumsum, cumprod, their NaN-skipping forms, diff
and the trapezoid rule.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.cumsum(np.array([1, 2, 3]))
Tensor([1, 3, 6], dtype=int64)
"""

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._promotion import float_operand, promoted, result_type, to_dtype
from glassnet.ops.elementwise import add, divide, multiply, subtract, where
from glassnet.ops.manipulation import getitem, reshape
from glassnet.ops.operation import keras_op
from glassnet.ops.reduction import sum as reduce_sum


def _scan_input(x, axis, dtype, op):
    """x (flattened when axis is None), the axis, and Keras's result dtype (bool -> int32)."""
    x = as_tensor(x, where=op)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    if not -max(x.ndim, 1) <= axis < max(x.ndim, 1):
        raise ValueError(f"{op}: axis {axis} is out of range for shape {x.shape}")
    dtype = result_type(x.dtype if dtype is None else dtype)
    if dtype.kind == "b":
        dtype = xp.dtype("int32")
    return x, axis % max(x.ndim, 1), dtype


def _reverse_cumsum(array, axis):
    return xp.flip(xp.cumsum(xp.flip(array, axis), axis=axis), axis)


@keras_op
def cumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` (None: of the flattened x).

    Args:
        x: tensor.
        axis: int or None.
        dtype: accumulation and result dtype (default x's; bool gives int32).

    Returns:
        tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.cumsum([[1.0, 2.0], [3.0, 4.0]], axis=1).data.tolist()
    [[1.0, 3.0], [3.0, 7.0]]
    """
    x, axis, dtype = _scan_input(x, axis, dtype, "cumsum")
    out = xp.cumsum(x.data, axis=axis, dtype=dtype)

    def backward(grad_output):  # dL/dx_i = sum_{j >= i} g_j
        return (_reverse_cumsum(grad_output, axis),)

    return from_op(out, (x,), backward)


def _cumprod_grad(data, out, grad_output, axis):
    """dL/dx_i = sum_{j >= i} g_j prod_{k <= j, k != i} x_k, exact when some x are zero."""
    if xp.all(data != 0):  # then prod_{k <= j, k != i} x_k = y_j / x_i
        return _reverse_cumsum(grad_output * out, axis) / data
    # prod_{k < i} x_k times S_i, with S_i = g_i + x_{i+1} S_{i+1} (a loop along the axis)
    data, grad_output = xp.moveaxis(data, axis, 0), xp.moveaxis(grad_output, axis, 0)
    before = xp.cumprod(xp.concatenate([xp.ones_like(data[:1]), data[:-1]]), axis=0)
    running = xp.zeros_like(grad_output)
    carry = xp.zeros_like(grad_output[0])
    for i in range(data.shape[0] - 1, -1, -1):
        carry = grad_output[i] + (data[i + 1] * carry if i + 1 < data.shape[0] else 0)
        running[i] = carry
    return xp.moveaxis(before * running, 0, axis)


@keras_op
def cumprod(x, axis=None, dtype=None):
    """Running product along ``axis`` (None: of the flattened x).

    Args:
        x: tensor.
        axis: int or None.
        dtype: accumulation and result dtype (default x's; bool gives int32).

    Returns:
        tensor; its gradient is exact also where x holds zeros.

    Example:

    >>> from glassnet import ops
    >>> ops.cumprod([1.0, 2.0, 3.0]).data.tolist()
    [1.0, 2.0, 6.0]
    """
    x, axis, dtype = _scan_input(x, axis, dtype, "cumprod")
    out = xp.cumprod(x.data, axis=axis, dtype=dtype)

    def backward(grad_output):
        return (_cumprod_grad(x.data, out, grad_output, axis),)

    return from_op(out, (x,), backward)


def _nan_replaced(x, axis, value, op):
    x = as_tensor(x, where=op)
    if x.dtype.kind not in "fc":
        return x
    return where(xp.isnan(x.data), xp.asarray(value, dtype=x.dtype), x)


@keras_op
def nancumsum(x, axis=None, dtype=None):
    """Running sum that counts NaN as 0 (their gradient is 0).

    Args:
        x: tensor.
        axis: int or None (flattened).
        dtype: result dtype (default x's; bool gives int32).

    Returns:
        tensor.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nancumsum([1.0, np.nan, 2.0]).data.tolist()
    [1.0, 1.0, 3.0]
    """
    return cumsum(_nan_replaced(x, axis, 0, "nancumsum"), axis=axis, dtype=dtype)


@keras_op
def nancumprod(x, axis=None, dtype=None):
    """Running product that counts NaN as 1 (their gradient is 0).

    Args:
        x: tensor.
        axis: int or None (flattened).
        dtype: result dtype (default x's; bool gives int32).

    Returns:
        tensor.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nancumprod([2.0, np.nan, 3.0]).data.tolist()
    [2.0, 2.0, 6.0]
    """
    return cumprod(_nan_replaced(x, axis, 1, "nancumprod"), axis=axis, dtype=dtype)


def _slice_along(x, axis, start, stop):
    return getitem(x, (slice(None),) * axis + (slice(start, stop),))


@keras_op
def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``: a[1:] - a[:-1], applied n times.

    Args:
        a: tensor.
        n: how many times to difference (0 returns a).
        axis: int.

    Returns:
        tensor with ``n`` fewer entries along ``axis``.

    Example:

    >>> from glassnet import ops
    >>> ops.diff([1, 4, 9, 16]).data.tolist()
    [3, 5, 7]
    """
    out = as_tensor(a, where="diff")
    if out.ndim == 0:
        raise ValueError("diff: expected an input with at least 1 dimension, got a scalar")
    if n < 0:
        raise ValueError(f"diff: the order n must be non-negative, got {n}")
    axis %= out.ndim
    for _ in range(n):
        later, earlier = _slice_along(out, axis, 1, None), _slice_along(out, axis, None, -1)
        if out.dtype == bool:  # a change of a truth value (NumPy's and Keras's rule)
            out = Tensor(later.data != earlier.data)
        else:
            out = subtract(later, earlier)
    return out


@keras_op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integral of y along ``axis`` by the trapezoid rule: sum of (y[i] + y[i+1]) / 2 * step.

    Args:
        y: sampled values.
        x: sample positions along ``axis`` (1-D, or y's shape); None uses the spacing ``dx``.
        dx: spacing when x is None.
        axis: int.

    Returns:
        float tensor; differentiable in y and x.

    Example:

    >>> from glassnet import ops
    >>> ops.trapezoid([1.0, 2.0, 3.0]).data.tolist()
    4.0
    """
    y = float_operand(y, "trapezoid")
    axis %= max(y.ndim, 1)
    heights = add(_slice_along(y, axis, 1, None), _slice_along(y, axis, None, -1))
    if x is None:
        widths = dx
    else:
        positions = to_dtype(float_operand(x, "trapezoid"), y.dtype)  # the result follows y
        if positions.ndim == 1 and y.ndim > 1:
            positions = reshape(positions, [-1 if a == axis else 1 for a in range(y.ndim)])
        widths = diff(positions, axis=axis if positions.ndim > 1 else -1)
    heights, widths = promoted(heights, widths, "trapezoid", floating=True)
    return divide(reduce_sum(multiply(heights, widths), axis=axis), 2.0)
