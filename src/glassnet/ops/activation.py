"""Activation functions, each with its derivative beside it. All are stable for |x| up to 1e4:
no overflow warnings, no NaN or inf (exponentials only ever see non-positive arguments)."""

import math

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import positive_part
from glassnet.ops.special import erfc


def stable_sigmoid(x):
    """1 / (1 + exp(-x)) on an array, via exp(-|x|) so nothing overflows."""
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid(x):
    """1 / (1 + exp(-x))."""
    x = as_tensor(x, where="sigmoid")
    out = stable_sigmoid(x.data)

    def backward(grad_output):  # dL/dx = g * y (1 - y)
        return (grad_output * out * (1 - out),)

    return from_op(out, (x,), backward)


def tanh(x):
    """Hyperbolic tangent."""
    x = as_tensor(x, where="tanh")
    out = xp.tanh(x.data)

    def backward(grad_output):  # dL/dx = g * (1 - y^2)
        return (grad_output * (1 - out * out),)

    return from_op(out, (x,), backward)


def relu(x):
    """max(x, 0)."""
    x = as_tensor(x, where="relu")
    out = positive_part(x.data)

    def backward(grad_output):  # dL/dx = g where x > 0
        return (grad_output * (x.data > 0),)

    return from_op(out, (x,), backward)


def relu6(x):
    """min(max(x, 0), 6)."""
    x = as_tensor(x, where="relu6")
    out = xp.clip(x.data, 0, 6).astype(x.dtype, copy=False)

    def backward(grad_output):  # dL/dx = g where 0 < x < 6
        return (grad_output * ((x.data > 0) & (x.data < 6)),)

    return from_op(out, (x,), backward)


def leaky_relu(x, negative_slope=0.2, alpha=None):
    """x for x >= 0, negative_slope * x below (Keras 3's ops default slope 0.2; ``alpha`` is the older name)."""
    slope = negative_slope if alpha is None else alpha
    x = as_tensor(x, where="leaky_relu")
    positive = x.data > 0
    out = xp.where(positive, x.data, slope * x.data).astype(x.dtype, copy=False)

    def backward(grad_output):  # dL/dx = g where x > 0, slope * g elsewhere
        return (xp.where(positive, grad_output, slope * grad_output),)

    return from_op(out, (x,), backward)


def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below."""
    x = as_tensor(x, where="elu")
    positive = x.data > 0
    negative_part = alpha * xp.expm1(xp.minimum(x.data, 0))
    out = xp.where(positive, x.data, negative_part).astype(x.dtype, copy=False)

    def backward(grad_output):  # dL/dx = g for x > 0, g * alpha * exp(x) = g * (y + alpha) below
        return (xp.where(positive, grad_output, grad_output * (negative_part + alpha)),)

    return from_op(out, (x,), backward)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(x):
    """scale * elu(x, alpha) with the self-normalising constants."""
    from glassnet.ops.elementwise import multiply

    return multiply(elu(x, SELU_ALPHA), SELU_SCALE)


def gelu(x, approximate=True):
    """Gaussian error linear unit x * Phi(x). ``approximate=True`` (keras.ops's default) uses the tanh
    formula; False the exact one with erfc (the default of keras.activations.gelu)."""
    x = as_tensor(x, where="gelu")
    v = x.data
    if approximate:
        c = math.sqrt(2 / math.pi)
        t = xp.tanh(c * (v + 0.044715 * v**3))
        out = 0.5 * v * (1 + t)

        def backward(grad_output):  # d/dx = (1 + t)/2 + x/2 (1 - t^2) c (1 + 3 * 0.044715 x^2)
            return (
                grad_output
                * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)),
            )

    else:
        cdf = 0.5 * erfc(-v / math.sqrt(2))  # Phi(x), accurate where it is tiny
        out = v * cdf

        def backward(grad_output):  # d/dx = Phi(x) + x * phi(x)
            pdf = xp.exp(-0.5 * v * v) / math.sqrt(2 * math.pi)
            return (grad_output * (cdf + v * pdf),)

    return from_op(out.astype(x.dtype, copy=False), (x,), backward)


def silu(x):
    """x * sigmoid(x) (also called swish)."""
    x = as_tensor(x, where="silu")
    s = stable_sigmoid(x.data)
    out = x.data * s

    def backward(grad_output):  # d/dx = s + x s (1 - s)
        return (grad_output * (s * (1 + x.data * (1 - s))),)

    return from_op(out, (x,), backward)


swish = silu


def softplus(x):
    """log(1 + exp(x)), as logaddexp(0, x) so it never overflows."""
    x = as_tensor(x, where="softplus")
    out = xp.logaddexp(0, x.data).astype(x.dtype, copy=False)

    def backward(grad_output):  # d/dx = sigmoid(x)
        return (grad_output * stable_sigmoid(x.data),)

    return from_op(out, (x,), backward)


def softsign(x):
    """x / (1 + |x|)."""
    x = as_tensor(x, where="softsign")
    denominator = 1 + xp.abs(x.data)

    def backward(grad_output):  # d/dx = 1 / (1 + |x|)^2
        return (grad_output / (denominator * denominator),)

    return from_op(x.data / denominator, (x,), backward)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, the piecewise-linear sigmoid of Keras 3 and PyTorch."""
    x = as_tensor(x, where="hard_sigmoid")
    out = xp.clip(x.data / 6 + 0.5, 0, 1).astype(x.dtype, copy=False)

    def backward(grad_output):  # d/dx = 1/6 where -3 < x < 3
        return (grad_output * (((x.data > -3) & (x.data < 3)) / 6).astype(grad_output.dtype),)

    return from_op(out, (x,), backward)


def hard_silu(x):
    """x * hard_sigmoid(x) (hard swish)."""
    from glassnet.ops.elementwise import multiply

    x = as_tensor(x, where="hard_silu")
    return multiply(x, hard_sigmoid(x))


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, shifted by the maximum so it never overflows."""
    x = as_tensor(x, where="softmax")
    e = xp.exp(x.data - xp.max(x.data, axis=axis, keepdims=True))
    out = e / xp.sum(e, axis=axis, keepdims=True)

    def backward(grad_output):  # dL/dx = y * (g - sum(g * y))
        return (out * (grad_output - xp.sum(grad_output * out, axis=axis, keepdims=True)),)

    return from_op(out, (x,), backward)


def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``."""
    x = as_tensor(x, where="log_softmax")
    shifted = x.data - xp.max(x.data, axis=axis, keepdims=True)
    out = shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))

    def backward(grad_output):  # dL/dx = g - softmax(x) * sum(g)
        return (grad_output - xp.exp(out) * xp.sum(grad_output, axis=axis, keepdims=True),)

    return from_op(out, (x,), backward)
