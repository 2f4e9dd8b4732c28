"""Elementwise mathematical functions: trigonometric, hyperbolic, exponential and logarithmic,
the error function and Bessel's I0, and rounding (keras.ops / keras.ops.numpy names).

Integer and boolean inputs give floatx results, as in Keras; float inputs keep their dtype. Each
differentiable function's backward sits right under its forward, with the derivative in the
comment. Rounding (ceil, trunc) has no gradient and returns Tensors outside the graph.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.cos(np.array([0, 0]))
Tensor([1., 1.], dtype=float32)
"""

import math

from scipy import special as scipy_special

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops import special
from glassnet.ops._helpers import broadcast_call, unbroadcast
from glassnet.ops._promotion import float_operand, promoted, to_dtype, wide_float
from glassnet.ops.operation import keras_op


def _unary(x, op, forward, derivative, wide_int64=False):
    """forward(x) with backward g * derivative(x, y); x is first made a float tensor (int64 a
    float64 one with ``wide_int64``, as Keras does for cbrt, i0, deg2rad, rad2deg)."""
    x = float_operand(x, op, wide_int64)
    with xp.errstate(invalid="ignore", divide="ignore"):  # NaN / inf outside the domain, silently
        out = forward(x.data)

    def backward(grad_output):
        with xp.errstate(invalid="ignore", divide="ignore"):
            return (grad_output * derivative(x.data, out),)

    return from_op(out, (x,), backward)


# -- trigonometric --------------------------------------------------------------------------------
@keras_op
def sin(x):
    """Sine, elementwise (radians).

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.sin([0.0]).data.tolist()
    [0.0]
    """
    return _unary(x, "sin", xp.sin, lambda x, y: xp.cos(x))  # dL/dx = g cos(x)


@keras_op
def cos(x):
    """Cosine, elementwise (radians).

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.cos([0.0]).data.tolist()
    [1.0]
    """
    return _unary(x, "cos", xp.cos, lambda x, y: -xp.sin(x))  # dL/dx = -g sin(x)


@keras_op
def tan(x):
    """Tangent, elementwise (radians).

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.tan([0.0]).data.tolist()
    [0.0]
    """
    return _unary(x, "tan", xp.tan, lambda x, y: 1 + y * y)  # dL/dx = g (1 + tan(x)^2)


@keras_op
def arcsin(x):
    """Inverse sine, elementwise; NaN outside [-1, 1].

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape, in [-pi/2, pi/2].

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.arcsin([1.0]).data[0]), 4)
    1.5708
    """
    # dL/dx = g / sqrt(1 - x^2)
    return _unary(x, "arcsin", xp.arcsin, lambda x, y: 1 / xp.sqrt(1 - x * x))


@keras_op
def arccos(x):
    """Inverse cosine, elementwise; NaN outside [-1, 1].

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape, in [0, pi].

    Example:

    >>> from glassnet import ops
    >>> ops.arccos([1.0]).data.tolist()
    [0.0]
    """
    # dL/dx = -g / sqrt(1 - x^2)
    return _unary(x, "arccos", xp.arccos, lambda x, y: -1 / xp.sqrt(1 - x * x))


@keras_op
def arctan(x):
    """Inverse tangent, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape, in (-pi/2, pi/2).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.arctan([1.0]).data[0]), 4)
    0.7854
    """
    return _unary(x, "arctan", xp.arctan, lambda x, y: 1 / (1 + x * x))  # dL/dx = g / (1 + x^2)


@keras_op
def arctan2(x1, x2):
    """Angle of the point (x2, x1) from the positive x axis: arctan(x1 / x2) in the right quadrant.

    Args:
        x1: y coordinates (tensor).
        x2: x coordinates, broadcastable against x1.

    Returns:
        float tensor in [-pi, pi].

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.arctan2([1.0], [-1.0]).data[0]), 4)
    2.3562
    """
    a, b = promoted(x1, x2, "arctan2", floating=True, weak_scalars=False)
    out = broadcast_call("arctan2", xp.arctan2, a.data, b.data)

    def backward(grad_output):  # dL/dx1 = g x2 / r^2, dL/dx2 = -g x1 / r^2
        scale = grad_output / (a.data * a.data + b.data * b.data)
        return unbroadcast(scale * b.data, a.shape), unbroadcast(-scale * a.data, b.shape)

    return from_op(out, (a, b), backward)


@keras_op
def hypot(x1, x2):
    """sqrt(x1^2 + x2^2), elementwise, without overflow for large inputs.

    Args:
        x1, x2: tensors, broadcastable.

    Returns:
        float tensor (integer inputs give floatx).

    Example:

    >>> from glassnet import ops
    >>> ops.hypot([3.0], [4.0]).data.tolist()
    [5.0]
    """
    a, b = promoted(x1, x2, "hypot", weak_scalars=False)
    a, b = to_dtype(a, wide_float(a.dtype)), to_dtype(b, wide_float(b.dtype))  # int64: float64
    out = broadcast_call("hypot", xp.hypot, a.data, b.data)

    def backward(grad_output):  # dL/dx1 = g x1 / h, dL/dx2 = g x2 / h
        scale = grad_output / out
        return unbroadcast(scale * a.data, a.shape), unbroadcast(scale * b.data, b.shape)

    return from_op(out, (a, b), backward)


@keras_op
def deg2rad(x):
    """Degrees to radians: x * pi / 180.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.deg2rad([180.0]).data[0]), 4)
    3.1416
    """
    factor = math.pi / 180  # dL/dx = g pi / 180
    return _unary(
        x, "deg2rad", xp.deg2rad, lambda x, y: xp.asarray(factor, dtype=x.dtype), wide_int64=True
    )


@keras_op
def rad2deg(x):
    """Radians to degrees: x * 180 / pi.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> import math
    >>> from glassnet import ops
    >>> ops.rad2deg([math.pi]).data.tolist()
    [180.0]
    """
    factor = 180 / math.pi  # dL/dx = g 180 / pi
    return _unary(
        x, "rad2deg", xp.rad2deg, lambda x, y: xp.asarray(factor, dtype=x.dtype), wide_int64=True
    )


# -- hyperbolic -----------------------------------------------------------------------------------
@keras_op
def sinh(x):
    """Hyperbolic sine, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.sinh([0.0]).data.tolist()
    [0.0]
    """
    return _unary(x, "sinh", xp.sinh, lambda x, y: xp.cosh(x))  # dL/dx = g cosh(x)


@keras_op
def cosh(x):
    """Hyperbolic cosine, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.cosh([0.0]).data.tolist()
    [1.0]
    """
    return _unary(x, "cosh", xp.cosh, lambda x, y: xp.sinh(x))  # dL/dx = g sinh(x)


@keras_op
def arcsinh(x):
    """Inverse hyperbolic sine, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.arcsinh([0.0]).data.tolist()
    [0.0]
    """
    # dL/dx = g / sqrt(x^2 + 1)
    return _unary(x, "arcsinh", xp.arcsinh, lambda x, y: 1 / xp.sqrt(x * x + 1))


@keras_op
def arccosh(x):
    """Inverse hyperbolic cosine, elementwise; NaN below 1.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.arccosh([1.0]).data.tolist()
    [0.0]
    """
    # dL/dx = g / sqrt(x^2 - 1)
    return _unary(x, "arccosh", xp.arccosh, lambda x, y: 1 / xp.sqrt(x * x - 1))


@keras_op
def arctanh(x):
    """Inverse hyperbolic tangent, elementwise; NaN outside [-1, 1].

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.arctanh([0.0]).data.tolist()
    [0.0]
    """
    # dL/dx = g / (1 - x^2)
    return _unary(x, "arctanh", xp.arctanh, lambda x, y: 1 / (1 - x * x))


# -- exponential and logarithmic ------------------------------------------------------------------
@keras_op
def exp2(x):
    """2 ** x, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.exp2([3]).data.tolist()
    [8.0]
    """
    return _unary(x, "exp2", xp.exp2, lambda x, y: y * math.log(2))  # dL/dx = g 2^x ln 2


@keras_op
def expm1(x):
    """exp(x) - 1, accurate for small x.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.expm1([0.0]).data.tolist()
    [0.0]
    """
    return _unary(x, "expm1", xp.expm1, lambda x, y: y + 1)  # dL/dx = g exp(x)


@keras_op
def log1p(x):
    """log(1 + x), accurate for small x.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.log1p([0.0]).data.tolist()
    [0.0]
    """
    return _unary(x, "log1p", xp.log1p, lambda x, y: 1 / (1 + x))  # dL/dx = g / (1 + x)


@keras_op
def log2(x):
    """Base-2 logarithm, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.log2([8]).data.tolist()
    [3.0]
    """
    return _unary(x, "log2", xp.log2, lambda x, y: 1 / (x * math.log(2)))  # dL/dx = g / (x ln 2)


@keras_op
def log10(x):
    """Base-10 logarithm, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.log10([100]).data.round(4).tolist()
    [2.0]
    """
    # dL/dx = g / (x ln 10)
    return _unary(x, "log10", xp.log10, lambda x, y: 1 / (x * math.log(10)))


@keras_op
def logaddexp(x1, x2):
    """log(exp(x1) + exp(x2)), elementwise, without overflow.

    Args:
        x1, x2: tensors, broadcastable.

    Returns:
        float tensor.

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.logaddexp([0.0], [0.0]).data[0]), 4)
    0.6931
    """
    a, b = promoted(x1, x2, "logaddexp", floating=True, weak_scalars=False)
    out = broadcast_call("logaddexp", xp.logaddexp, a.data, b.data)

    def backward(grad_output):  # dL/dx1 = g exp(x1 - y), dL/dx2 = g exp(x2 - y)
        return (
            unbroadcast(grad_output * xp.exp(a.data - out), a.shape),
            unbroadcast(grad_output * xp.exp(b.data - out), b.shape),
        )

    return from_op(out, (a, b), backward)


@keras_op
def logaddexp2(x1, x2):
    """log2(2**x1 + 2**x2), elementwise, without overflow.

    Args:
        x1, x2: tensors, broadcastable.

    Returns:
        float tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.logaddexp2([1.0], [1.0]).data.tolist()
    [2.0]
    """
    a, b = promoted(x1, x2, "logaddexp2", floating=True, weak_scalars=False)
    out = broadcast_call("logaddexp2", xp.logaddexp2, a.data, b.data)

    def backward(grad_output):  # dL/dx1 = g 2^(x1 - y), dL/dx2 = g 2^(x2 - y)
        return (
            unbroadcast(grad_output * xp.exp2(a.data - out), a.shape),
            unbroadcast(grad_output * xp.exp2(b.data - out), b.shape),
        )

    return from_op(out, (a, b), backward)


@keras_op
def ldexp(x1, x2):
    """x1 * 2**x2, elementwise, for integer exponents x2.

    Args:
        x1: mantissas (tensor).
        x2: integer exponents, broadcastable against x1.

    Returns:
        float tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.ldexp([3.0], [2]).data.tolist()
    [12.0]
    """
    exponents = as_tensor(x2, where="ldexp")
    if exponents.dtype.kind not in "iu":
        raise TypeError(f"ldexp: the exponents x2 must be integers, got dtype {exponents.dtype}")
    x = float_operand(x1, "ldexp")
    out = broadcast_call("ldexp", xp.ldexp, x.data, exponents.data).astype(x.dtype)

    def backward(grad_output):  # dL/dx1 = g 2^x2
        scale = xp.ldexp(xp.ones((), x.dtype), exponents.data)
        return unbroadcast(grad_output * scale, x.shape), None

    return from_op(out, (x, exponents), backward)


@keras_op
def fabs(x):
    """Absolute value as a float, elementwise (integers and bool become floatx).

    Args:
        x: tensor.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.fabs([-2]).data.tolist()
    [2.0]
    """
    return _unary(x, "fabs", xp.fabs, lambda x, y: xp.sign(x))  # dL/dx = g sign(x)


@keras_op
def cbrt(x):
    """Cube root, elementwise (negative for negative x).

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.cbrt([-8.0]).data.tolist()
    [-2.0]
    """
    # dL/dx = g / (3 y^2)
    return _unary(x, "cbrt", xp.cbrt, lambda x, y: 1 / (3 * y * y), wide_int64=True)


@keras_op
def rsqrt(x):
    """1 / sqrt(x), elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.rsqrt([4.0]).data.tolist()
    [0.5]
    """
    return _unary(
        x, "rsqrt", lambda x: 1 / xp.sqrt(x), lambda x, y: -0.5 * y**3
    )  # dL/dx = -g y^3/2


@keras_op
def sinc(x):
    """Normalised sinc: sin(pi x) / (pi x), and 1 at 0.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.sinc([0.0]).data.tolist()
    [1.0]
    """

    def derivative(x, y):  # dL/dx = g (cos(pi x) - sinc(x)) / x, and 0 at x = 0
        safe = xp.where(x == 0, 1, x)
        return xp.where(x == 0, 0, (xp.cos(math.pi * x) - y) / safe)

    return _unary(x, "sinc", xp.sinc, derivative)


# -- special functions ----------------------------------------------------------------------------
@keras_op
def erf(x):
    """Gauss's error function, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape, in (-1, 1).

    Example:

    >>> from glassnet import ops
    >>> ops.erf([0.0]).data.tolist()
    [0.0]
    """
    scale = 2 / math.sqrt(math.pi)  # dL/dx = g 2/sqrt(pi) exp(-x^2)
    return _unary(x, "erf", special.erf, lambda x, y: scale * xp.exp(-x * x))


@keras_op
def erfc(x):
    """Complementary error function 1 - erf(x), accurate where it is tiny.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape, in (0, 2).

    Example:

    >>> from glassnet import ops
    >>> ops.erfc([0.0]).data.tolist()
    [1.0]
    """
    scale = -2 / math.sqrt(math.pi)  # dL/dx = -g 2/sqrt(pi) exp(-x^2)
    return _unary(x, "erfc", special.erfc, lambda x, y: scale * xp.exp(-x * x))


@keras_op
def erfinv(x):
    """Inverse error function: the y with erf(y) = x, for x in (-1, 1).

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.erfinv([0.0]).data.tolist()
    [0.0]
    """
    scale = math.sqrt(math.pi) / 2  # dL/dx = g sqrt(pi)/2 exp(y^2)
    return _unary(
        x,
        "erfinv",
        lambda x: scipy_special.erfinv(x).astype(x.dtype),
        lambda x, y: scale * xp.exp(y * y),
    )


@keras_op
def i0(x):
    """Modified Bessel function of the first kind, order 0, elementwise.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.i0([0.0]).data.round(4).tolist()
    [1.0]
    """
    # dL/dx = g I1(x)
    return _unary(
        x,
        "i0",
        lambda x: xp.i0(x).astype(x.dtype),
        lambda x, y: scipy_special.i1(x).astype(x.dtype),
        wide_int64=True,
    )


# -- rounding (no gradient) -----------------------------------------------------------------------
@keras_op
def ceil(x):
    """Smallest integer value >= x, elementwise (no gradient).

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        float tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.ceil([1.2, -1.2]).data.tolist()
    [2.0, -1.0]
    """
    return Tensor(xp.ceil(float_operand(x, "ceil").data))


@keras_op
def trunc(x):
    """x rounded toward zero, elementwise (no gradient); integers are returned unchanged.

    Args:
        x: tensor.

    Returns:
        tensor of x's shape and dtype.

    Example:

    >>> from glassnet import ops
    >>> ops.trunc([1.7, -1.7]).data.tolist()
    [1.0, -1.0]
    """
    x = as_tensor(x, where="trunc")
    return Tensor(xp.trunc(x.data) if x.dtype.kind in "fc" else x.data.copy())


# -- complex numbers ------------------------------------------------------------------------------
# A complex tensor's gradient is dL/d(re) + i dL/d(im), as PyTorch stores it.
@keras_op
def real(x):
    """The real part, elementwise (x itself for real tensors).

    Args:
        x: tensor.

    Returns:
        real tensor; differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.real([1 + 2j]).data.tolist()
    [1.0]
    """
    x = as_tensor(x, where="real")

    def backward(grad_output):  # dL/dz = g
        return (grad_output.astype(x.dtype),)

    return from_op(xp.real(x.data).copy(), (x,), backward)


@keras_op
def imag(x):
    """The imaginary part, elementwise (zeros for real tensors).

    Args:
        x: tensor.

    Returns:
        real tensor; differentiable for complex x.

    Example:

    >>> from glassnet import ops
    >>> ops.imag([1 + 2j]).data.tolist()
    [2.0]
    """
    x = as_tensor(x, where="imag")
    if x.dtype.kind != "c":
        return Tensor(xp.zeros_like(x.data))

    def backward(grad_output):  # dL/dz = i g
        return (1j * grad_output,)

    return from_op(xp.imag(x.data).copy(), (x,), backward)


@keras_op
def conjugate(x):
    """Complex conjugate, elementwise (x itself for real tensors).

    Args:
        x: tensor.

    Returns:
        tensor of x's dtype; differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.conjugate([1 + 2j]).data.tolist()
    [(1-2j)]
    """
    x = as_tensor(x, where="conjugate")

    def backward(grad_output):  # dL/dz = conj(g)
        return (xp.conj(grad_output),)

    return from_op(xp.conjugate(x.data), (x,), backward)


@keras_op
def conj(x):
    """Complex conjugate; the same as ``conjugate``.

    Args:
        x: tensor; real values come back unchanged.

    Example:

    >>> from glassnet import ops
    >>> ops.conj([2j]).data.tolist()
    [-2j]
    """
    return conjugate(x)


@keras_op
def angle(x):
    """The argument (phase) of complex values, in (-pi, pi]; 0 or pi for real ones.

    Args:
        x: tensor; integers and bool become floatx.

    Returns:
        real float tensor; differentiable for complex x (real x: gradient 0).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.angle([1j]).data[0]), 4)
    1.5708
    """
    x = float_operand(x, "angle")

    def backward(grad_output):  # angle = atan2(b, a): dL/dz = g i z / |z|^2 (0 for real z)
        if x.dtype.kind != "c":
            return (xp.zeros_like(x.data),)
        squared = xp.abs(x.data) ** 2
        return (grad_output * 1j * x.data / xp.where(squared == 0, 1, squared),)

    return from_op(xp.angle(x.data).astype(x.data.real.dtype), (x,), backward)


@keras_op
def view_as_complex(x):
    """A complex tensor from real pairs: (..., 2) -> (...), x[..., 0] + i x[..., 1].

    Args:
        x: float32 or float64 tensor whose last axis has size 2.

    Returns:
        complex64 or complex128 tensor; differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.view_as_complex([[1.0, 2.0]]).data.tolist()
    [(1+2j)]
    """
    x = as_tensor(x, where="view_as_complex")
    if x.ndim == 0 or x.shape[-1] != 2 or x.dtype not in (xp.float32, xp.float64):
        raise ValueError(
            f"view_as_complex: expected a float32/float64 tensor (..., 2), got {x.shape} {x.dtype}"
        )
    complex_dtype = xp.complex64 if x.dtype == xp.float32 else xp.complex128

    def backward(grad_output):  # (dL/da, dL/db) from dL/dz = dL/da + i dL/db
        return (xp.stack([grad_output.real, grad_output.imag], axis=-1).astype(x.dtype),)

    return from_op((x.data[..., 0] + 1j * x.data[..., 1]).astype(complex_dtype), (x,), backward)


@keras_op
def view_as_real(x):
    """Real pairs from a complex tensor: (...) -> (..., 2) holding the real and imaginary parts.

    Args:
        x: complex tensor.

    Returns:
        float tensor (..., 2); differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.view_as_real([1 + 2j]).data.tolist()
    [[1.0, 2.0]]
    """
    x = as_tensor(x, where="view_as_real")
    if x.dtype.kind != "c":
        raise ValueError(f"view_as_real: expected a complex tensor, got dtype {x.dtype}")
    out = xp.stack([x.data.real, x.data.imag], axis=-1)

    def backward(grad_output):  # dL/dz = dL/da + i dL/db
        return (grad_output[..., 0] + 1j * grad_output[..., 1],)

    return from_op(out, (x,), backward)
