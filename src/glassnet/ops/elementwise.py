"""Elementwise arithmetic and math: forward and backward side by side.

Each backward receives ``grad_output`` (dL/d(out), the shape of the output) and returns
dL/d(input) for each input, reduced back to that input's shape when it was broadcast.
"""

import math

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import broadcast_call, unbroadcast
from glassnet.ops._promotion import (
    array_of,
    float_operand,
    promoted,
    result_type,
    tensor_and_number,
    wide_float,
)
from glassnet.ops.manipulation import nonzero
from glassnet.ops.operation import keras_op

# The backward of an op with one tensor and a Python number (``tensor_and_number``): the tensor's
# gradient alone, as the general backward computes it for that operand.


def _gradient_as_it_is(grad_output):  # x + c, x - c, c + x
    return (grad_output,)


def _gradient_negated(grad_output):  # c - x
    return (-grad_output,)


def _times(number):  # x * c, c * x
    return lambda grad_output: (grad_output * number,)


def _divided_by(number):  # x / c
    return lambda grad_output: (grad_output / number,)


@keras_op
def add(x1, x2):
    """x1 + x2 with broadcasting.

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; they meet at Keras's common dtype
            (a Python number adopts the other operand's dtype where it can).

    Example:

    >>> from glassnet import ops
    >>> ops.add([1.0, 2.0], 1.0).data.tolist()
    [2.0, 3.0]
    """
    with_number = tensor_and_number(x1, x2)
    if with_number is not None:  # x + 2.0, 2.0 + x
        x, number, number_first = with_number
        out = xp.add(number, x.data) if number_first else xp.add(x.data, number)
        return from_op(out, (x,), _gradient_as_it_is)
    a, b = promoted(x1, x2, "add")
    out = broadcast_call("add", xp.add, a.data, b.data)

    def backward(grad_output):  # dL/da = dL/dout, dL/db = dL/dout
        return (
            unbroadcast(grad_output, a.shape) if a.requires_grad else None,
            unbroadcast(grad_output, b.shape) if b.requires_grad else None,
        )

    return from_op(out, (a, b), backward)


@keras_op
def subtract(x1, x2):
    """x1 - x2 with broadcasting.

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; they meet at Keras's common dtype
            (a Python number adopts the other operand's dtype where it can).

    Example:

    >>> from glassnet import ops
    >>> ops.subtract([[1.0], [2.0]], [1.0, 2.0]).data.tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    """
    with_number = tensor_and_number(x1, x2)
    if with_number is not None:  # x - 2.0, 2.0 - x
        x, number, number_first = with_number
        if number_first:
            return from_op(xp.subtract(number, x.data), (x,), _gradient_negated)
        return from_op(xp.subtract(x.data, number), (x,), _gradient_as_it_is)
    a, b = promoted(x1, x2, "subtract")
    out = broadcast_call("subtract", xp.subtract, a.data, b.data)

    def backward(grad_output):  # dL/da = g, dL/db = -g
        return (
            unbroadcast(grad_output, a.shape) if a.requires_grad else None,
            unbroadcast(-grad_output, b.shape) if b.requires_grad else None,
        )

    return from_op(out, (a, b), backward)


@keras_op
def multiply(x1, x2):
    """x1 * x2 with broadcasting.

    Complex operands are supported; their gradients use the conjugates (PyTorch's convention).

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; they meet at Keras's common dtype
            (a Python number adopts the other operand's dtype where it can).

    Example:

    >>> from glassnet import ops
    >>> ops.multiply([1.0, 2.0], [3.0, 4.0]).data.tolist()
    [3.0, 8.0]
    """
    with_number = tensor_and_number(x1, x2)
    if with_number is not None:  # x * 2.0, 2.0 * x
        x, number, number_first = with_number
        out = xp.multiply(number, x.data) if number_first else xp.multiply(x.data, number)
        return from_op(out, (x,), _times(number))
    a, b = promoted(x1, x2, "multiply")
    out = broadcast_call("multiply", xp.multiply, a.data, b.data)
    if out.dtype.kind == "c":
        return _complex_multiply(a, b, out)

    def backward(grad_output):  # dL/da = g * b, dL/db = g * a
        return (
            unbroadcast(grad_output * b.data, a.shape) if a.requires_grad else None,
            unbroadcast(grad_output * a.data, b.shape) if b.requires_grad else None,
        )

    return from_op(out, (a, b), backward)


def _for_parent(grad, parent):
    """A real parent takes the real part of a complex gradient (dL/d(re))."""
    return grad.real if grad.dtype.kind == "c" and parent.dtype.kind != "c" else grad


def _complex_multiply(a, b, out):
    # a complex gradient is dL/d(re) + i dL/d(im) (PyTorch's convention): dL/da = g * conj(b)
    def backward(grad_output):
        return (
            _for_parent(unbroadcast(grad_output * xp.conj(b.data), a.shape), a),
            _for_parent(unbroadcast(grad_output * xp.conj(a.data), b.shape), b),
        )

    return from_op(out, (a, b), backward)


def _finite_nonzero_number(array):
    """Whether ``array`` is one real number, finite and not 0: dividing by it cannot give the
    divide-by-zero or invalid warnings that ``divide`` silences (entering ``np.errstate`` costs
    about 1 us, as much as the division of a small array)."""
    # (math.fabs: this module defines the op abs)
    return array.ndim == 0 and array.dtype.kind == "f" and 0.0 < math.fabs(array) < math.inf


@keras_op
def divide(x1, x2):
    """x1 / x2 with broadcasting (true division).

    Division by zero gives inf or NaN without a warning, as in Keras.

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; integers and bool become floatx.

    Example:

    >>> from glassnet import ops
    >>> ops.divide([1.0, 3.0], [2.0, 0.0]).data.tolist()
    [0.5, inf]
    """
    with_number = tensor_and_number(x1, x2)
    # x / 2.0 (not 2.0 / x, nor x / 0.0, which warns: the general lines below)
    if with_number is not None and not with_number[2] and _finite_nonzero_number(with_number[1]):
        x, number, _ = with_number
        return from_op(xp.true_divide(x.data, number), (x,), _divided_by(number))
    a, b = promoted(x1, x2, "divide", floating=True)
    if _finite_nonzero_number(b.data):  # (x / 3.0): no division by zero, no inf / inf
        out = xp.true_divide(a.data, b.data)
    else:
        with xp.errstate(divide="ignore", invalid="ignore"):  # x / 0 is inf or NaN, as in Keras
            out = broadcast_call("divide", xp.true_divide, a.data, b.data)

    def backward(grad_output):  # dL/da = g / b, dL/db = -g * a / b^2 = -g * out / b
        if out.dtype.kind == "c":  # conjugates, as for multiply
            grad_a = unbroadcast(grad_output / xp.conj(b.data), a.shape)
            grad_b = unbroadcast(-grad_output * xp.conj(out / b.data), b.shape)
            return _for_parent(grad_a, a), _for_parent(grad_b, b)
        grad_b = None
        if b.requires_grad:
            grad_b = unbroadcast(-grad_output * out / b.data, b.shape)
        return unbroadcast(grad_output / b.data, a.shape) if a.requires_grad else None, grad_b

    return from_op(out, (a, b), backward)


@keras_op
def power(x1, x2):
    """x1 ** x2 with broadcasting.

    Args:
        x1: the bases (tensor, array or number).
        x2: the exponents, broadcastable against x1.

    Example:

    >>> from glassnet import ops
    >>> ops.power([2.0, 3.0], 2.0).data.tolist()
    [4.0, 9.0]
    """
    a, b = promoted(x1, x2, "power")
    out = broadcast_call("power", xp.power, a.data, b.data)

    def backward(grad_output):  # dL/da = g * b * a^(b-1), dL/db = g * out * log(a)
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = unbroadcast(grad_output * b.data * xp.power(a.data, b.data - 1), a.shape)
        if b.requires_grad:
            grad_b = unbroadcast(grad_output * out * xp.log(a.data), b.shape)
        return grad_a, grad_b

    return from_op(out, (a, b), backward)


@keras_op
def negative(x):
    """-x.

    Args:
        x: tensor, array or number.

    Example:

    >>> from glassnet import ops
    >>> ops.negative([1.0, -2.0]).data.tolist()
    [-1.0, 2.0]
    """
    x = as_tensor(x, where="negative")

    def backward(grad_output):  # dL/dx = -g
        return (-grad_output,)

    return from_op(xp.negative(x.data), (x,), backward)


@keras_op
def exp(x):
    """e ** x.

    Args:
        x: tensor, array or number; integers and bool become floatx.

    Example:

    >>> from glassnet import ops
    >>> ops.exp([0.0]).data.tolist()
    [1.0]
    """
    x = float_operand(x, "exp")
    out = xp.exp(x.data)

    def backward(grad_output):  # dL/dx = g * exp(x)
        return (grad_output * out,)

    return from_op(out, (x,), backward)


@keras_op
def log(x):
    """Natural logarithm (log(0) is -inf and log of a negative number NaN, without a warning).

    Args:
        x: tensor, array or number; integers and bool become floatx.

    Example:

    >>> from glassnet import ops
    >>> ops.log([1.0, 0.0]).data.tolist()
    [0.0, -inf]
    """
    x = float_operand(x, "log")

    def backward(grad_output):  # dL/dx = g / x
        return (grad_output / x.data,)

    with xp.errstate(divide="ignore", invalid="ignore"):  # log(0) = -inf, log(-1) = NaN
        return from_op(xp.log(x.data), (x,), backward)


@keras_op
def sqrt(x):
    """Square root.

    Args:
        x: tensor, array or number; integers and bool become floatx.

    Example:

    >>> from glassnet import ops
    >>> ops.sqrt([4.0, 9.0]).data.tolist()
    [2.0, 3.0]
    """
    x = float_operand(x, "sqrt")
    out = xp.sqrt(x.data)

    def backward(grad_output):  # dL/dx = g / (2 sqrt(x))
        return (grad_output / (2 * out),)

    return from_op(out, (x,), backward)


@keras_op
def square(x):
    """x * x (bool becomes int32, as in Keras).

    Args:
        x: tensor, array or number.

    Example:

    >>> from glassnet import ops
    >>> ops.square([-3.0, 2.0]).data.tolist()
    [9.0, 4.0]
    """
    x = as_tensor(x, where="square")
    if x.dtype == bool:
        x = Tensor(x.data.astype("int32"))

    def backward(grad_output):  # dL/dx = 2 x g
        return (2 * x.data * grad_output,)

    return from_op(xp.square(x.data), (x,), backward)


@keras_op
def abs(x):
    """|x| (gradient 0 at 0).

    Args:
        x: tensor, array or number.

    Example:

    >>> from glassnet import ops
    >>> ops.abs([-1.5, 2.0]).data.tolist()
    [1.5, 2.0]
    """
    x = as_tensor(x, where="abs")

    def backward(grad_output):  # dL/dx = g * sign(x)
        return (grad_output * xp.sign(x.data),)

    return from_op(xp.abs(x.data), (x,), backward)


def _tie_split(winner, tie, dtype):
    # weight of the first operand: 1 where it wins, 1/2 on ties (as PyTorch does), 0 elsewhere
    weight = winner.astype(dtype)
    weight += 0.5 * tie
    return weight


@keras_op
def maximum(x1, x2):
    """Elementwise larger value; on ties the gradient is shared half and half.

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; they meet at Keras's common dtype
            (a Python number adopts the other operand's dtype where it can).

    Example:

    >>> from glassnet import ops
    >>> ops.maximum([1.0, 5.0], 3.0).data.tolist()
    [3.0, 5.0]
    """
    a, b = promoted(x1, x2, "maximum")
    out = broadcast_call("maximum", xp.maximum, a.data, b.data)

    def backward(grad_output):
        weight = _tie_split(a.data > b.data, a.data == b.data, grad_output.dtype)
        return unbroadcast(grad_output * weight, a.shape), unbroadcast(
            grad_output * (1 - weight), b.shape
        )

    return from_op(out, (a, b), backward)


@keras_op
def minimum(x1, x2):
    """Elementwise smaller value; on ties the gradient is shared half and half.

    Args:
        x1, x2: tensors, arrays or numbers, broadcastable; they meet at Keras's common dtype
            (a Python number adopts the other operand's dtype where it can).

    Example:

    >>> from glassnet import ops
    >>> ops.minimum([1.0, 5.0], 3.0).data.tolist()
    [1.0, 3.0]
    """
    a, b = promoted(x1, x2, "minimum")
    out = broadcast_call("minimum", xp.minimum, a.data, b.data)

    def backward(grad_output):
        weight = _tie_split(a.data < b.data, a.data == b.data, grad_output.dtype)
        return unbroadcast(grad_output * weight, a.shape), unbroadcast(
            grad_output * (1 - weight), b.shape
        )

    return from_op(out, (a, b), backward)


@keras_op
def clip(x, x_min, x_max):
    """Limit values to [x_min, x_max]; the gradient passes where x lies inside (bounds included).

    Args:
        x: tensor, array or number; bool becomes int32, float dtypes are kept.
        x_min: the lower bound (a number, or None for no lower bound); at most ``x_max``.
        x_max: the upper bound (a number, or None for no upper bound).

    Example:

    >>> from glassnet import ops
    >>> ops.clip([-2.0, 0.5, 3.0], 0.0, 1.0).data.tolist()
    [0.0, 0.5, 1.0]
    """
    x = as_tensor(x, where="clip")
    if x.dtype == bool:
        x = Tensor(x.data.astype("int32"))
    if x_min is not None and x_max is not None and x_min > x_max:
        raise ValueError(f"clip: x_min ({x_min}) must not exceed x_max ({x_max})")
    out = xp.clip(x.data, x_min, x_max)
    if x.data.dtype.kind == "f" and out.dtype != x.data.dtype:
        out = out.astype(x.data.dtype)

    def backward(grad_output):  # dL/dx = g where x_min <= x <= x_max, else 0
        inside = xp.ones(x.shape, dtype=bool)
        if x_min is not None:
            inside &= x.data >= x_min
        if x_max is not None:
            inside &= x.data <= x_max
        return (grad_output * inside,)

    return from_op(out, (x,), backward)


@keras_op
def where(condition, x1=None, x2=None):
    """Pick from x1 where ``condition`` is true, else from x2 (condition gets no gradient).

    Args:
        condition: bool tensor (other dtypes are read as truth values).
        x1, x2: tensors broadcastable against ``condition``; both None returns
            ``nonzero(condition)``, the indices where it holds.

    Returns:
        tensor of Keras's common dtype of x1 and x2.

    Example:

    >>> from glassnet import ops
    >>> ops.where([True, False], [1.0, 2.0], 0.0).data.tolist()
    [1.0, 0.0]
    """
    if x1 is None and x2 is None:
        return nonzero.eager(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: pass both x1 and x2, or neither (to get nonzero(condition))")
    condition = xp.asarray(array_of(condition), dtype=bool)
    a, b = promoted(x1, x2, "where")
    out = broadcast_call("where", lambda p, q: xp.where(condition, p, q), a.data, b.data)

    def backward(grad_output):  # dL/da = g where condition, dL/db = g elsewhere
        zero = xp.zeros((), dtype=grad_output.dtype)
        return (
            unbroadcast(xp.where(condition, grad_output, zero), a.shape)
            if a.requires_grad
            else None,
            unbroadcast(xp.where(condition, zero, grad_output), b.shape)
            if b.requires_grad
            else None,
        )

    return from_op(out, (a, b), backward)


@keras_op
def cast(x, dtype):
    """x converted to ``dtype``; the gradient is converted back to x's dtype.

    Args:
        x: tensor, array or number.
        dtype: the target dtype (name or NumPy dtype); floats cast to integers truncate toward 0.

    Example:

    >>> from glassnet import ops
    >>> ops.cast([1.7, -1.7], "int32")
    Tensor([ 1, -1], dtype=int32)
    """
    x = as_tensor(x, where="cast")
    dtype = xp.dtype(dtype)

    def backward(grad_output):
        return (grad_output.astype(x.dtype),)

    return from_op(x.data.astype(dtype, copy=False), (x,), backward)


@keras_op
def reciprocal(x):
    """1 / x, elementwise (integers and bool become floatx).

    Args:
        x: tensor.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.reciprocal([4.0]).data.tolist()
    [0.25]
    """
    x = float_operand(x, "reciprocal")
    out = xp.reciprocal(x.data)

    def backward(grad_output):  # dL/dx = -g / x^2 = -g y^2
        return (-grad_output * out * out,)

    return from_op(out, (x,), backward)


@keras_op
def divide_no_nan(x1, x2):
    """x1 / x2, and 0 wherever x2 is 0 (instead of inf or NaN).

    Args:
        x1, x2: tensors, broadcastable.

    Returns:
        float tensor (integer inputs give floatx).

    Example:

    >>> from glassnet import ops
    >>> ops.divide_no_nan([1.0, 1.0], [2.0, 0.0]).data.tolist()
    [0.5, 0.0]
    """
    a, b = promoted(x1, x2, "divide_no_nan", floating=True)
    zero = b.data == 0
    safe = xp.where(zero, xp.ones((), b.dtype), b.data)
    out = xp.where(
        zero, xp.zeros((), b.dtype), broadcast_call("divide_no_nan", xp.divide, a.data, safe)
    )

    def backward(grad_output):  # dL/da = g / b, dL/db = -g a / b^2; both 0 where b == 0
        kept = xp.where(zero, 0, grad_output)
        return (
            unbroadcast(kept / safe, a.shape) if a.requires_grad else None,
            unbroadcast(-kept * out / safe, b.shape) if b.requires_grad else None,
        )

    return from_op(out, (a, b), backward)


@keras_op
def floor_divide(x1, x2):
    """x1 // x2: the floor of the quotient, elementwise (no gradient).

    Args:
        x1, x2: tensors, broadcastable; integers stay integers.

    Returns:
        tensor of Keras's common dtype of x1 and x2.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.floor_divide(np.array([7, -7]), 2).data.tolist()
    [3, -4]
    """
    a, b = promoted(x1, x2, "floor_divide")
    return Tensor(broadcast_call("floor_divide", xp.floor_divide, a.data, b.data))


@keras_op
def mod(x1, x2):
    """Remainder of x1 / x2 with the sign of x2 (Python's %), elementwise.

    Args:
        x1, x2: tensors, broadcastable; bool becomes int32.

    Returns:
        tensor of Keras's common dtype of x1 and x2.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.mod(np.array([7, -7]), 3).data.tolist()
    [1, 2]
    """
    return _remainder(x1, x2, "mod", xp.mod, xp.floor)


@keras_op
def fmod(x1, x2):
    """Remainder of x1 / x2 with the sign of x1 (C's fmod), elementwise.

    Args:
        x1, x2: tensors, broadcastable; bool becomes int32.

    Returns:
        tensor of Keras's common dtype of x1 and x2.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.fmod(np.array([7, -7]), 3).data.tolist()
    [1, -1]
    """
    return _remainder(x1, x2, "fmod", xp.fmod, xp.trunc)


def _remainder(x1, x2, name, remainder, rounding):
    a, b = promoted(x1, x2, name, weak_scalars=False)
    if a.dtype == bool:
        a, b = Tensor(a.data.astype("int32")), Tensor(b.data.astype("int32"))
    out = broadcast_call(name, remainder, a.data, b.data)

    def backward(grad_output):  # r = a - q b, q = rounding(a / b): dL/da = g, dL/db = -g q
        grad_b = None
        if b.requires_grad:
            grad_b = unbroadcast(-grad_output * rounding(a.data / b.data), b.shape)
        return unbroadcast(grad_output, a.shape), grad_b

    return from_op(out, (a, b), backward)


def _pick(x1, x2, name, pick, first_wins):
    a, b = promoted(x1, x2, name)
    out = broadcast_call(name, pick, a.data, b.data)

    def backward(grad_output):  # g goes to the operand that was picked
        chosen = first_wins(a.data, b.data)
        return (
            unbroadcast(xp.where(chosen, grad_output, 0), a.shape) if a.requires_grad else None,
            unbroadcast(xp.where(chosen, 0, grad_output), b.shape) if b.requires_grad else None,
        )

    return from_op(out, (a, b), backward)


@keras_op
def fmax(x1, x2):
    """Elementwise maximum that ignores NaN (NaN only where both are NaN).

    On ties the gradient goes to x1, as in PyTorch's ``fmax``.

    Args:
        x1, x2: tensors, broadcastable.

    Returns:
        tensor of Keras's common dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.fmax([1.0, np.nan], [np.nan, 2.0]).data.tolist()
    [1.0, 2.0]
    """
    return _pick(x1, x2, "fmax", xp.fmax, lambda a, b: (a >= b) | xp.isnan(b))


@keras_op
def fmin(x1, x2):
    """Elementwise minimum that ignores NaN (NaN only where both are NaN).

    On ties the gradient goes to x1, as in PyTorch's ``fmin``.

    Args:
        x1, x2: tensors, broadcastable.

    Returns:
        tensor of Keras's common dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.fmin([1.0, np.nan], [np.nan, 2.0]).data.tolist()
    [1.0, 2.0]
    """
    return _pick(x1, x2, "fmin", xp.fmin, lambda a, b: (a <= b) | xp.isnan(b))


@keras_op
def heaviside(x1, x2):
    """Step function: 0 where x1 < 0, 1 where x1 > 0, and x2 where x1 == 0 (no gradient).

    Args:
        x1: tensor.
        x2: the value at 0, broadcastable against x1.

    Returns:
        float tensor (integer inputs give floatx).

    Example:

    >>> from glassnet import ops
    >>> ops.heaviside([-1.0, 0.0, 2.0], 0.5).data.tolist()
    [0.0, 0.5, 1.0]
    """
    a, b = promoted(x1, x2, "heaviside", weak_scalars=False)
    dtype = wide_float(result_type(a.dtype, b.dtype))  # Keras: int64 gives float64
    return Tensor(broadcast_call("heaviside", xp.heaviside, a.data, b.data).astype(dtype))


@keras_op
def nextafter(x1, x2):
    """The next representable float after x1 in the direction of x2 (no gradient).

    Args:
        x1, x2: tensors, broadcastable.

    Returns:
        float tensor (integer inputs give floatx).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> bool(ops.nextafter(np.float32(1.0), np.float32(2.0)).data > 1.0)
    True
    """
    a, b = promoted(x1, x2, "nextafter", floating=True, weak_scalars=False)
    return Tensor(broadcast_call("nextafter", xp.nextafter, a.data, b.data))


@keras_op
def select(condlist, choicelist, default=0):
    """Elementwise: the value of the first choice whose condition holds, else ``default``.

    Args:
        condlist: list of bool tensors.
        choicelist: list of tensors, one per condition (broadcastable).
        default: value where no condition holds.

    Returns:
        tensor; differentiable in the choices.

    Example:

    >>> from glassnet import ops
    >>> x = ops.convert_to_tensor([-1.0, 0.0, 2.0])
    >>> ops.select([x < 0, x > 0], [-x, x * 10], default=5.0).data.tolist()
    [1.0, 5.0, 20.0]
    """
    if len(condlist) != len(choicelist) or not condlist:
        raise ValueError(
            f"select: expected as many conditions as choices (at least one), got "
            f"{len(condlist)} and {len(choicelist)}"
        )
    out = default
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        out = where.eager(condition, choice, out)
    return out


@keras_op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """x with NaN, +inf and -inf replaced by finite values (by default 0 and the largest and
    smallest finite numbers of x's dtype).

    Args:
        x: tensor.
        nan: value for NaN.
        posinf: value for +inf (None: the dtype's largest).
        neginf: value for -inf (None: the dtype's smallest).

    Returns:
        tensor of x's dtype; the gradient passes where x was finite.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nan_to_num([np.nan, 1.0, np.inf], posinf=9.0).data.tolist()
    [0.0, 1.0, 9.0]
    """
    x = as_tensor(x, where="nan_to_num")
    out = xp.nan_to_num(x.data, nan=nan, posinf=posinf, neginf=neginf)

    def backward(grad_output):  # dL/dx = g where x is finite, else 0
        return (xp.where(xp.isfinite(x.data), grad_output, 0),)

    return from_op(out, (x,), backward)
