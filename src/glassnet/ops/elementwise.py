"""Elementwise arithmetic and math: forward and backward side by side.

Each backward receives ``grad_output`` (dL/d(out), the shape of the output) and returns
dL/d(input) for each input, reduced back to that input's shape when it was broadcast.
"""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import broadcast_call, operands, unbroadcast
from glassnet.ops.operation import keras_op


@keras_op
def add(x1, x2):
    """x1 + x2 with broadcasting."""
    a, b = operands(x1, x2, "add")
    out = broadcast_call("add", xp.add, a.data, b.data)

    def backward(grad_output):  # dL/da = dL/dout, dL/db = dL/dout
        return unbroadcast(grad_output, a.shape), unbroadcast(grad_output, b.shape)

    return from_op(out, (a, b), backward)


@keras_op
def subtract(x1, x2):
    """x1 - x2 with broadcasting."""
    a, b = operands(x1, x2, "subtract")
    out = broadcast_call("subtract", xp.subtract, a.data, b.data)

    def backward(grad_output):  # dL/da = g, dL/db = -g
        return unbroadcast(grad_output, a.shape), unbroadcast(
            -grad_output, b.shape
        ) if b.requires_grad else None

    return from_op(out, (a, b), backward)


@keras_op
def multiply(x1, x2):
    """x1 * x2 with broadcasting."""
    a, b = operands(x1, x2, "multiply")
    out = broadcast_call("multiply", xp.multiply, a.data, b.data)

    def backward(grad_output):  # dL/da = g * b, dL/db = g * a
        return (
            unbroadcast(grad_output * b.data, a.shape) if a.requires_grad else None,
            unbroadcast(grad_output * a.data, b.shape) if b.requires_grad else None,
        )

    return from_op(out, (a, b), backward)


@keras_op
def divide(x1, x2):
    """x1 / x2 with broadcasting (true division)."""
    a, b = operands(x1, x2, "divide")
    out = broadcast_call("divide", xp.true_divide, a.data, b.data)

    def backward(grad_output):  # dL/da = g / b, dL/db = -g * a / b^2 = -g * out / b
        grad_b = None
        if b.requires_grad:
            grad_b = unbroadcast(-grad_output * out / b.data, b.shape)
        return unbroadcast(grad_output / b.data, a.shape) if a.requires_grad else None, grad_b

    return from_op(out, (a, b), backward)


@keras_op
def power(x1, x2):
    """x1 ** x2 with broadcasting."""
    a, b = operands(x1, x2, "power")
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
    """-x."""
    x = as_tensor(x, where="negative")

    def backward(grad_output):  # dL/dx = -g
        return (-grad_output,)

    return from_op(xp.negative(x.data), (x,), backward)


@keras_op
def exp(x):
    """e ** x."""
    x = as_tensor(x, where="exp")
    out = xp.exp(x.data)

    def backward(grad_output):  # dL/dx = g * exp(x)
        return (grad_output * out,)

    return from_op(out, (x,), backward)


@keras_op
def log(x):
    """Natural logarithm."""
    x = as_tensor(x, where="log")

    def backward(grad_output):  # dL/dx = g / x
        return (grad_output / x.data,)

    return from_op(xp.log(x.data), (x,), backward)


@keras_op
def sqrt(x):
    """Square root."""
    x = as_tensor(x, where="sqrt")
    out = xp.sqrt(x.data)

    def backward(grad_output):  # dL/dx = g / (2 sqrt(x))
        return (grad_output / (2 * out),)

    return from_op(out, (x,), backward)


@keras_op
def square(x):
    """x * x."""
    x = as_tensor(x, where="square")

    def backward(grad_output):  # dL/dx = 2 x g
        return (2 * x.data * grad_output,)

    return from_op(xp.square(x.data), (x,), backward)


@keras_op
def abs(x):
    """|x| (gradient 0 at 0)."""
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
    """Elementwise larger value; on ties the gradient is shared half and half."""
    a, b = operands(x1, x2, "maximum")
    out = broadcast_call("maximum", xp.maximum, a.data, b.data)

    def backward(grad_output):
        weight = _tie_split(a.data > b.data, a.data == b.data, grad_output.dtype)
        return unbroadcast(grad_output * weight, a.shape), unbroadcast(
            grad_output * (1 - weight), b.shape
        )

    return from_op(out, (a, b), backward)


@keras_op
def minimum(x1, x2):
    """Elementwise smaller value; on ties the gradient is shared half and half."""
    a, b = operands(x1, x2, "minimum")
    out = broadcast_call("minimum", xp.minimum, a.data, b.data)

    def backward(grad_output):
        weight = _tie_split(a.data < b.data, a.data == b.data, grad_output.dtype)
        return unbroadcast(grad_output * weight, a.shape), unbroadcast(
            grad_output * (1 - weight), b.shape
        )

    return from_op(out, (a, b), backward)


@keras_op
def clip(x, x_min, x_max):
    """Limit values to [x_min, x_max]; the gradient passes where x lies inside (bounds included)."""
    x = as_tensor(x, where="clip")
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
def where(condition, x1, x2):
    """Pick from x1 where ``condition`` is true, else from x2 (condition gets no gradient)."""
    condition = xp.asarray(getattr(condition, "data", condition), dtype=bool)
    a, b = operands(x1, x2, "where")
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
    """x converted to ``dtype``; the gradient is converted back to x's dtype."""
    x = as_tensor(x, where="cast")
    dtype = xp.dtype(dtype)

    def backward(grad_output):
        return (grad_output.astype(x.dtype),)

    return from_op(x.data.astype(dtype, copy=False), (x,), backward)
