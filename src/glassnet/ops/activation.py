"""Activation functions: one table, used by the activation ops and by every op that applies an
activation inside itself (dense, conv2d, the recurrent ops).

Each entry of ``ACTIVATIONS`` is an ``ActivationSpec``: the function on arrays and its derivative,
written from the output y where the math allows (``from_output``), which lets fused ops apply the
activation in place on their own buffer and still differentiate it. All are stable for |x| up to
1e4: no overflow warnings, no NaN or inf.

The output of every activation op remembers what it was applied to: ``a.activation`` is the name
and ``a.pre_activation`` the input z, so the glass box can show z, and a cross-entropy can be
computed from a softmax's logits (see ``glassnet.models.fusion``).

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> a = ops.relu(np.array([-1.0, 2.0]))
>>> a.data.tolist(), a.activation, a.pre_activation.data.tolist()
([0.0, 2.0], 'relu', [-1.0, 2.0])
"""

import math
from dataclasses import dataclass
from typing import Callable

from scipy import special as scipy_special

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import compiled, xp
from glassnet.ops._helpers import (
    ONE,
    SHIFT_KERNEL_MAX_ROW,
    ZERO,
    kernel_arrays,
    minus_row_max,
    positive_part,
    sum_along,
)
from glassnet.ops.operation import keras_op
from glassnet.ops.special import erfc


@dataclass(frozen=True)
class ActivationSpec:
    """An elementwise activation y = f(z) and its derivative.

    Args:
        name: Keras's name for it.
        forward: array -> new array, f(z).
        derivative: (z, y) -> dy/dz elementwise; z is None when ``from_output`` (only y needed).
        from_output: the derivative needs only y, so f may overwrite z (fused ops do).
        forward_inplace: array -> None, writes f(z) into z; None where there is no in-place form.
        monotone: f never decreases (it then commutes with max pooling).
        compiled_chain: the name of a compiled kernel (``glassnet.backend.compiled``) that does
            ``chain`` from y in one pass, ``kernel(grad, y, out)`` on flat arrays; None if none.
        compiled_bias: the name of a compiled kernel that does ``apply_inplace(z, bias)`` in one
            pass, ``kernel(z, bias)`` on (rows, units) and (units,); None if none.

    Example:

    >>> import numpy as np
    >>> double = ActivationSpec("double", lambda z: 2 * z, lambda z, y: 2.0, True)
    >>> z = np.array([1.0, -3.0])
    >>> y = double.forward(z)
    >>> y, double.chain(np.ones(2), None, y)
    (array([ 2., -6.]), array([2., 2.]))
    """

    name: str
    forward: Callable
    derivative: Callable
    from_output: bool
    forward_inplace: Callable = None
    monotone: bool = False
    compiled_chain: str = None
    compiled_bias: str = None

    def chain(self, grad_output, z, y):
        """dL/dz = dL/dy * f'(z), computed from y alone when ``from_output``."""
        if (
            self.compiled_chain is not None
            and getattr(grad_output, "size", 0) >= KERNEL_MIN_SIZE  # (first: small ones leave)
            and _kernel_operands(grad_output, y)
        ):
            kernel = compiled.get(self.compiled_chain)
            if kernel is not None:
                out = xp.empty_like(grad_output)
                kernel(grad_output.reshape(-1), y.reshape(-1), out.reshape(-1))
                return out
        return grad_output * self.derivative(None if self.from_output else z, y)

    def apply_inplace(self, z, bias=None):
        """f(z + bias), written into z where possible; returns the array holding the result.

        Args:
            z: the pre-activation array (changed in place).
            bias: None, or an array added to z first (``z += bias``, broadcast on the last axis).
        """
        if bias is not None:
            if self.compiled_bias is not None and _bias_kernel_operands(z, bias):
                kernel = compiled.get(self.compiled_bias)
                if kernel is not None:
                    kernel(z if z.ndim == 2 else z.reshape(-1, z.shape[-1]), bias)
                    return z
            z += bias
        if self.forward_inplace is not None:
            self.forward_inplace(z)
            return z
        return self.forward(z)


# A compiled kernel's call and checks cost about a microsecond; below this many elements NumPy's
# own loops are as fast, and the reference path runs.
KERNEL_MIN_SIZE = 1024


def _kernel_operands(*arrays):
    """Whether a compiled activation kernel can take these arrays (``kernel_arrays``), the first
    large enough, and all of one shape."""
    first = arrays[0]
    if type(first) is not xp.ndarray or first.size < KERNEL_MIN_SIZE:
        return False
    return kernel_arrays(*arrays) and all(a.shape == first.shape for a in arrays)


_FLOAT32, _FLOAT64 = xp.dtype(xp.float32), xp.dtype(xp.float64)


def _rows_operand(x):
    """Whether a compiled kernel can take x's rows as they are: ``kernel_arrays(x)`` with the
    dtype compared by identity (a one-sample softmax runs this; a float32 of another byte order
    takes the NumPy lines)."""
    if type(x) is not xp.ndarray:
        return False
    dtype = x.dtype
    return (dtype is _FLOAT32 or dtype is _FLOAT64) and x.size != 0 and x.flags.c_contiguous


def _bias_kernel_operands(z, bias):
    """Whether a compiled bias kernel (``compiled_bias``) can take z (..., units) and bias
    (units,): what ``kernel_arrays`` asks, written out with the dtypes compared by identity.

    At any size: the kernel's call costs 0.2 us against NumPy's two passes' 1.8 us on one row of
    256, and these checks 0.4 us (``kernel_arrays`` and the generic ones took 1.2, so one-sample
    calls used to stay on NumPy). A dtype equal but not identical to float32's or float64's
    (another byte order) takes the NumPy lines.
    """
    return (
        _rows_operand(z)
        and type(bias) is xp.ndarray
        and bias.dtype is z.dtype
        and bias.shape == z.shape[-1:]
        and bias.flags.c_contiguous
    )


@compiled.register("relu_chain")
def relu_chain_loop(grad, y, out):
    """ReLU's backward from its output in one pass, out = grad * (y > 0): the compiled sibling
    of ``grad * (y > 0)``, with the same bits (a product by 1 or 0, so NaN and -0.0 as NumPy's).

    Args:
        grad, y, out: 1-D arrays of one float dtype and one size; out is written.

    Example:

    >>> import numpy as np
    >>> out = np.empty(3)
    >>> relu_chain_loop(np.array([1.0, 2.0, -3.0]), np.array([0.0, 5.0, 1.0]), out)
    >>> out
    array([ 0.,  2., -3.])
    """
    for i in range(grad.size):
        out[i] = grad[i] * (1.0 if y[i] > 0 else 0.0)


@compiled.register("relu_add_bias")
def relu_add_bias_loop(z, bias):
    """max(z + bias, 0) written into z in one pass: the compiled sibling of ``z += bias`` then
    ReLU's in-place forward, with NumPy's rounding and NumPy's maximum (NaN stays NaN, -0.0
    becomes 0.0, as ``positive_part`` gives).

    Args:
        z: (rows, units) array, changed in place.
        bias: (units,) array of z's dtype.

    Example:

    >>> import numpy as np
    >>> z = np.array([[1.0, -2.0]])
    >>> relu_add_bias_loop(z, np.array([0.5, 1.0]))
    >>> z
    array([[1.5, 0. ]])
    """
    rows, units = z.shape
    for i in range(rows):
        for j in range(units):
            value = z[i, j] + bias[j]
            z[i, j] = value if value > 0 or value != value else 0.0


def sigmoid_array(z):
    """1 / (1 + exp(-z)) on an array (SciPy's expit: one pass, accurate in both tails).

    Args:
        z: a NumPy array (or scalar); integers give float64, floats keep their dtype.

    Example:

    >>> import numpy as np
    >>> sigmoid_array(np.array([0.0, 2.0]))
    array([0.5       , 0.88079708])
    >>> sigmoid_array(np.array([0.0, 2.0], dtype="float16"))
    array([0.5  , 0.881], dtype=float16)
    """
    if getattr(z, "dtype", None) == _FLOAT16:  # SciPy has no float16 loop: it would give float64
        return scipy_special.expit(z, dtype=xp.float32).astype(_FLOAT16)
    return scipy_special.expit(z)


_FLOAT16 = xp.dtype(xp.float16)


def _relu_inplace(z):
    positive_part(z, out=z)


def _tanh_inplace(z):
    xp.tanh(z, out=z)


def _sigmoid_inplace(z):
    scipy_special.expit(z, out=z)


def _identity(z):
    return z


def _ones(z, y):
    return xp.ones_like(y)


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805
_HARD_SIGMOID_SLOPE = 1 / 6


def _elu_forward(alpha):
    return lambda z: xp.where(z > 0, z, alpha * xp.expm1(xp.minimum(z, 0))).astype(z.dtype)


def _elu_derivative(alpha):  # y' = 1 for z > 0, alpha e^z = y + alpha below
    return lambda z, y: xp.where(y > 0, 1, y + alpha).astype(y.dtype)


def _leaky_forward(slope):
    return lambda z: xp.where(z > 0, z, slope * z).astype(z.dtype)


def _leaky_derivative(slope):
    return lambda z, y: xp.where(y > 0, 1, slope).astype(y.dtype)


def _gelu_tanh(z):
    c = math.sqrt(2 / math.pi)
    return (0.5 * z * (1 + xp.tanh(c * (z + 0.044715 * z**3)))).astype(z.dtype)


def _gelu_tanh_derivative(z, y):  # (1 + t)/2 + z/2 (1 - t^2) c (1 + 3 * 0.044715 z^2)
    c = math.sqrt(2 / math.pi)
    t = xp.tanh(c * (z + 0.044715 * z**3))
    return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * 0.044715 * z * z)


def _gelu_exact(z):
    return (z * 0.5 * erfc(-z / math.sqrt(2))).astype(z.dtype)


def _gelu_exact_derivative(z, y):  # Phi(z) + z phi(z)
    cdf = 0.5 * erfc(-z / math.sqrt(2))
    return cdf + z * xp.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


def _silu_derivative(z, y):  # s + z s (1 - s)
    s = sigmoid_array(z)
    return s * (1 + z * (1 - s))


def _hard_silu_derivative(z, y):  # hard_sigmoid(z) + z / 6 on (-3, 3)
    inside = (z > -3) & (z < 3)
    return xp.clip(z / 6 + 0.5, 0, 1) + xp.where(inside, z / 6, 0)


def _celu_forward(alpha):  # max(z, 0) + alpha * expm1(min(z, 0) / alpha)
    return lambda z: (xp.maximum(z, 0) + alpha * xp.expm1(xp.minimum(z, 0) / alpha)).astype(
        z.dtype, copy=False
    )


def _celu_derivative(alpha):  # y' = 1 for z > 0, e^(z / alpha) = y / alpha + 1 below
    return lambda z, y: xp.where(y > 0, 1, y / alpha + 1).astype(y.dtype)


def _shrink_derivative(z, y):  # hard and soft shrink pass the gradient wherever y != 0
    return (y != 0).astype(y.dtype)


def _hard_shrink_forward(threshold):
    return lambda z: xp.where(xp.abs(z) > threshold, z, 0).astype(z.dtype, copy=False)


def _soft_shrink_forward(threshold):
    def forward(z):
        shrunk = xp.where(z > threshold, z - threshold, xp.where(z < -threshold, z + threshold, 0))
        return shrunk.astype(z.dtype, copy=False)

    return forward


def _squareplus_forward(b):
    return lambda z: ((z + xp.sqrt(z * z + b)) / 2).astype(z.dtype, copy=False)


def _squareplus_derivative(b):  # y' = (1 + z / sqrt(z^2 + b)) / 2
    return lambda z, y: 0.5 * (1 + z / xp.sqrt(z * z + b))


def _threshold_forward(threshold, default_value):
    return lambda z: xp.where(z > threshold, z, default_value).astype(z.dtype, copy=False)


def _threshold_derivative(threshold):
    return lambda z, y: (z > threshold).astype(y.dtype)


def _log_sigmoid(z):  # -softplus(-z) = min(z, 0) - log(1 + e^-|z|)
    return (xp.minimum(z, 0) - xp.log1p(xp.exp(-xp.abs(z)))).astype(z.dtype, copy=False)


def _sparse_plus(z):  # 0 below -1, (z + 1)^2 / 4 on (-1, 1), z above 1
    inside = 0.25 * (z + 1) ** 2
    return xp.where(z <= -1, 0, xp.where(z < 1, inside, z)).astype(z.dtype, copy=False)


def _mish(z):  # z tanh(softplus(z))
    return (z * xp.tanh(xp.logaddexp(0, z))).astype(z.dtype, copy=False)


def _mish_derivative(z, y):  # tanh(sp) + z (1 - tanh(sp)^2) sigmoid(z)
    t = xp.tanh(xp.logaddexp(0, z))
    return t + z * (1 - t * t) * sigmoid_array(z)


def _tanh_shrink_derivative(z, y):  # d(z - tanh z)/dz = tanh(z)^2
    return xp.tanh(z) ** 2


ACTIVATIONS = {
    spec.name: spec
    for spec in (
        ActivationSpec("linear", _identity, _ones, True, lambda z: None, monotone=True),
        ActivationSpec(
            "relu",
            positive_part,
            # dy/dz = 1 where y > 0; the float mask, as a product by a bool array (mixed dtypes)
            # is slower, 1.3 against 1.0 us on 4 x 4 (ZERO: see TypedConstant)
            lambda z, y: xp.greater(y, ZERO[y.dtype]).astype(y.dtype),
            True,
            _relu_inplace,
            monotone=True,
            compiled_chain="relu_chain",
            compiled_bias="relu_add_bias",
        ),
        ActivationSpec(
            "relu6",
            lambda z: xp.clip(z, 0, 6).astype(z.dtype, copy=False),
            lambda z, y: ((y > 0) & (y < 6)).astype(y.dtype),
            True,
            lambda z: xp.clip(z, 0, 6, out=z),
            monotone=True,
        ),
        ActivationSpec(
            "sigmoid",
            sigmoid_array,
            lambda z, y: y * (ONE[y.dtype] - y),
            True,
            _sigmoid_inplace,
            monotone=True,
        ),
        ActivationSpec(
            "tanh", xp.tanh, lambda z, y: ONE[y.dtype] - y * y, True, _tanh_inplace, monotone=True
        ),
        ActivationSpec(
            "hard_sigmoid",  # relu6(z + 3) / 6, Keras 3's and PyTorch's
            lambda z: xp.clip(z * _HARD_SIGMOID_SLOPE + 0.5, 0, 1).astype(z.dtype, copy=False),
            lambda z, y: (((y > 0) & (y < 1)) * _HARD_SIGMOID_SLOPE).astype(y.dtype),
            True,
            monotone=True,
        ),
        ActivationSpec("elu", _elu_forward(1.0), _elu_derivative(1.0), True, monotone=True),
        ActivationSpec(
            "selu",
            lambda z: (SELU_SCALE * _elu_forward(SELU_ALPHA)(z)).astype(z.dtype),
            lambda z, y: SELU_SCALE * _elu_derivative(SELU_ALPHA)(None, y / SELU_SCALE),
            True,
            monotone=True,
        ),
        ActivationSpec(
            "softplus",  # log(1 + e^z) as logaddexp(0, z); y' = sigmoid(z) = 1 - e^-y
            lambda z: xp.logaddexp(0, z).astype(z.dtype, copy=False),
            lambda z, y: -xp.expm1(-y),
            True,
            monotone=True,
        ),
        ActivationSpec(
            "softsign",  # z / (1 + |z|); y' = 1 / (1 + |z|)^2 = (1 - |y|)^2
            lambda z: z / (1 + xp.abs(z)),
            lambda z, y: (1 - xp.abs(y)) ** 2,
            True,
            monotone=True,
        ),
        ActivationSpec(
            "leaky_relu", _leaky_forward(0.2), _leaky_derivative(0.2), True, monotone=True
        ),
        ActivationSpec(
            "exponential", xp.exp, lambda z, y: y, True, lambda z: xp.exp(z, out=z), True
        ),
        ActivationSpec("gelu", _gelu_exact, _gelu_exact_derivative, False),
        ActivationSpec("gelu_tanh", _gelu_tanh, _gelu_tanh_derivative, False),
        ActivationSpec(
            "silu", lambda z: (z * sigmoid_array(z)).astype(z.dtype), _silu_derivative, False
        ),
        ActivationSpec(
            "hard_silu",
            lambda z: (z * xp.clip(z / 6 + 0.5, 0, 1)).astype(z.dtype),
            _hard_silu_derivative,
            False,
        ),
        ActivationSpec("celu", _celu_forward(1.0), _celu_derivative(1.0), True, monotone=True),
        ActivationSpec(
            "hard_tanh",  # clip(z, -1, 1); y' = 1 inside
            lambda z: xp.clip(z, -1, 1).astype(z.dtype, copy=False),
            lambda z, y: (xp.abs(y) < 1).astype(y.dtype),
            True,
            lambda z: xp.clip(z, -1, 1, out=z),
            monotone=True,
        ),
        ActivationSpec(
            "hard_shrink", _hard_shrink_forward(0.5), _shrink_derivative, True, monotone=True
        ),
        ActivationSpec(
            "soft_shrink", _soft_shrink_forward(0.5), _shrink_derivative, True, monotone=True
        ),
        ActivationSpec(
            "log_sigmoid",  # y' = sigmoid(-z) = 1 - e^y
            _log_sigmoid,
            lambda z, y: -xp.expm1(y),
            True,
            monotone=True,
        ),
        ActivationSpec(
            "sparse_plus",  # y' = (z + 1) / 2 = sqrt(y) on (-1, 1), 0 below, 1 above
            _sparse_plus,
            lambda z, y: xp.minimum(xp.sqrt(y), 1),
            True,
            monotone=True,
        ),
        ActivationSpec(
            "sparse_sigmoid",  # clip((z + 1) / 2, 0, 1); y' = 1/2 where 0 < y < 1
            lambda z: xp.clip(0.5 * (z + 1), 0, 1).astype(z.dtype, copy=False),
            lambda z, y: (((y > 0) & (y < 1)) * 0.5).astype(y.dtype),
            True,
            monotone=True,
        ),
        ActivationSpec(
            "squareplus",
            _squareplus_forward(4.0),
            _squareplus_derivative(4.0),
            False,
            monotone=True,
        ),
        ActivationSpec(
            "tanh_shrink",
            lambda z: (z - xp.tanh(z)).astype(z.dtype, copy=False),
            _tanh_shrink_derivative,
            False,
            monotone=True,
        ),
        ActivationSpec("mish", _mish, _mish_derivative, False),
    )
}


def get_spec(name, where="activation"):
    """The table entry for ``name``, or a ValueError listing the names there are.

    Args:
        name: a key of ``ACTIVATIONS`` ("relu", "tanh", "gelu_tanh", ...).
        where: the caller's name, for the error message; default "activation".

    Example:

    >>> get_spec("tanh").from_output
    True
    """
    spec = ACTIVATIONS.get(name)
    if spec is None:
        raise ValueError(f"{where}: unknown activation {name!r}; known: {sorted(ACTIVATIONS)}")
    return spec


def spec_inside_op(name, where):
    """The table entry for an activation that an op (dense, conv2d...) applies inside itself.

    Only activations whose derivative can be written from their output qualify: the op keeps
    y, not z.

    Args:
        name: a key of ``ACTIVATIONS``.
        where: the op's name, for the error message.

    Raises:
        ValueError: for an unknown name, or one whose derivative needs the input.

    Example:

    >>> spec_inside_op("relu", "dense").name
    'relu'
    >>> try:
    ...     spec_inside_op("gelu", "dense")
    ... except ValueError as error:
    ...     print(str(error)[:46])
    dense: activation 'gelu' cannot run inside the
    """
    spec = get_spec(name, where)
    if not spec.from_output:
        raise ValueError(
            f"{where}: activation {name!r} cannot run inside the op (its derivative needs the "
            f"input); apply it after the op with activation='linear'"
        )
    return spec


def fusable(name):
    """True when ``name`` can run inside dense/conv/recurrent ops (its derivative needs only y).

    Args:
        name: an activation name; names not in ``ACTIVATIONS`` give False.

    Example:

    >>> fusable("relu"), fusable("gelu"), fusable("softmax")
    (True, False, False)
    """
    spec = ACTIVATIONS.get(name)
    return spec is not None and spec.from_output


def apply_activation(spec, x, where=None):
    """The activation op for any spec: y = f(x), with dL/dx = dL/dy * f'(x) as its backward.

    Args:
        spec: an ActivationSpec (from ``ACTIVATIONS`` or made for a parameter value).
        x: tensor or array.
        where: the name used in error messages (default: the spec's).

    Returns:
        Tensor y whose ``activation`` is the spec's name and ``pre_activation`` is x.

    Example:

    >>> import numpy as np
    >>> y = apply_activation(ACTIVATIONS["relu"], np.array([-1.0, 2.0]))
    >>> y.data.tolist(), y.activation, y.pre_activation.data.tolist()
    ([0.0, 2.0], 'relu', [-1.0, 2.0])
    """
    if type(x) is not Tensor:
        x = as_tensor(x, where=where or spec.name)
    out = spec.forward(x.data)

    def backward(grad_output):  # dL/dx = dL/dy * f'(x)
        return (spec.chain(grad_output, x.data, out),)

    result = from_op(out, (x,), backward)
    result.activation, result.pre_activation = spec.name, x
    return result


@keras_op
def relu(x):
    """max(x, 0).

    Args:
        x: tensor.

    Returns:
        tensor of x's shape and dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.relu(np.array([-2.0, 3.0])).data.tolist()
    [0.0, 3.0]
    """
    return apply_activation(ACTIVATIONS["relu"], x)


@keras_op
def relu6(x):
    """min(max(x, 0), 6).

    Args:
        x: tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.relu6([-1.0, 3.0, 9.0]).data.tolist()
    [0.0, 3.0, 6.0]
    """
    return apply_activation(ACTIVATIONS["relu6"], x)


@keras_op
def sigmoid(x):
    """1 / (1 + exp(-x)).

    Args:
        x: tensor (floats; the result has x's shape).

    Example:

    >>> from glassnet import ops
    >>> float(ops.sigmoid(0.0).data)
    0.5
    """
    return apply_activation(ACTIVATIONS["sigmoid"], x)


@keras_op
def tanh(x):
    """Hyperbolic tangent.

    Args:
        x: tensor (floats; the result has x's shape).

    Example:

    >>> from glassnet import ops
    >>> float(ops.tanh(0.0).data)
    0.0
    """
    return apply_activation(ACTIVATIONS["tanh"], x)


@keras_op
def leaky_relu(x, negative_slope=0.2, alpha=None):
    """x for x > 0, ``negative_slope * x`` below (Keras 3's default slope 0.2).

    Args:
        x: tensor.
        negative_slope: slope for negative inputs.
        alpha: the older name of ``negative_slope`` (wins when given).

    Example:

    >>> from glassnet import ops
    >>> ops.leaky_relu([-10.0, 1.0]).data.tolist()
    [-2.0, 1.0]
    """
    slope = float(negative_slope if alpha is None else alpha)
    spec = ACTIVATIONS["leaky_relu"]
    if slope != 0.2:
        spec = ActivationSpec("leaky_relu", _leaky_forward(slope), _leaky_derivative(slope), True)
    return apply_activation(spec, x)


@keras_op
def elu(x, alpha=1.0):
    """x for x > 0, alpha * (exp(x) - 1) below.

    Args:
        x: tensor (floats).
        alpha: the scale of the negative side, which tends to -alpha; default 1.0.

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.elu(-1.0).data), 4)
    -0.6321
    """
    spec = ACTIVATIONS["elu"]
    if alpha != 1.0:
        spec = ActivationSpec("elu", _elu_forward(alpha), _elu_derivative(alpha), True)
    return apply_activation(spec, x)


@keras_op
def selu(x):
    """scale * elu(x, alpha) with the self-normalising constants (1.0507, 1.6733).

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.selu(1.0).data), 4)
    1.0507
    """
    return apply_activation(ACTIVATIONS["selu"], x)


@keras_op
def gelu(x, approximate=True):
    """Gaussian error linear unit x * Phi(x).

    Args:
        x: tensor.
        approximate: True (keras.ops's default) uses the tanh formula; False the exact one
            with erfc (the default of keras.activations.gelu).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.gelu(1.0, approximate=False).data), 4)
    0.8413
    """
    return apply_activation(ACTIVATIONS["gelu_tanh" if approximate else "gelu"], x, "gelu")


@keras_op
def silu(x):
    """x * sigmoid(x) (also called swish).

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.silu(1.0).data), 4)
    0.7311
    """
    return apply_activation(ACTIVATIONS["silu"], x)


swish = silu


@keras_op
def softplus(x):
    """log(1 + exp(x)), computed so it never overflows.

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.softplus(0.0).data), 4)
    0.6931
    """
    return apply_activation(ACTIVATIONS["softplus"], x)


@keras_op
def softsign(x):
    """x / (1 + |x|).

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> ops.softsign([1.0, -3.0]).data.tolist()
    [0.5, -0.75]
    """
    return apply_activation(ACTIVATIONS["softsign"], x)


@keras_op
def hard_sigmoid(x):
    """relu6(x + 3) / 6, the piecewise-linear sigmoid of Keras 3 and PyTorch.

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> ops.hard_sigmoid([-4.0, 0.0, 4.0]).data.tolist()
    [0.0, 0.5, 1.0]
    """
    return apply_activation(ACTIVATIONS["hard_sigmoid"], x)


@keras_op
def hard_silu(x):
    """x * hard_sigmoid(x) (hard swish).

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> ops.hard_silu([-4.0, 0.0, 4.0]).data.tolist()
    [-0.0, 0.0, 4.0]
    """
    return apply_activation(ACTIVATIONS["hard_silu"], x)


hard_swish = hard_silu


def _softmax_backward_kernel(grad_output, out):
    """The compiled ``softmax_backward_rows`` when it can take these rows (float32/float64,
    C-contiguous, one dtype, at least one value), else None."""
    if grad_output.shape != out.shape or not kernel_arrays(out, grad_output):
        return None
    return compiled.get("softmax_backward_rows")


@compiled.register("softmax_backward_rows", reassociate=True)
def softmax_backward_rows(grad, y, out):
    """softmax's backward for each row in one pass: out = (g - sum(g * y)) * y, the compiled
    sibling of the einsum, subtraction and product in ``softmax``'s backward (same steps; the
    row's dot product added as vector lanes, the reference's in einsum's order).

    Args:
        grad: (rows, width) dL/dy, C-contiguous.
        y: (rows, width) the softmax's output.
        out: (rows, width) output: dL/dx.

    Example:

    >>> import numpy as np
    >>> out = np.empty((1, 2))
    >>> softmax_backward_rows(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]), out)
    >>> out  # (1 - 0.5) * 0.5 and (0 - 0.5) * 0.5
    array([[ 0.25, -0.25]])
    """
    rows, width = y.shape
    for row in range(rows):
        dot = grad[row, 0] * y[row, 0]
        for j in range(1, width):
            dot += grad[row, j] * y[row, j]
        for j in range(width):
            out[row, j] = (grad[row, j] - dot) * y[row, j]


def softmax_array(x, axis=-1):
    """The forward arithmetic of ``softmax`` on an array (shared with the fusion pass's
    tape-free inference chain, so both give the same bits).

    The reference is NumPy's lines: exp(x - max), then divided by its row sums. Rows along the
    last axis of at most ``SHIFT_KERNEL_MAX_ROW`` values of a C-contiguous float32/float64 array
    take the compiled sibling: the shift in one pass (``subtract_row_max``), NumPy's own exp in
    place, and the sum and division in one pass (``divide_by_row_sum``). The shift and exp give
    the reference's bits; the sum adds in another order, so the last bit may differ. Every row
    of a given width takes the same path whatever the batch, so a sample's probabilities do not
    depend on its batch. One row of 10 classes: 5.3 -> 2.5 us.

    Args:
        x: a float NumPy array.
        axis: the axis the probabilities sum to 1 along; default the last.

    Returns:
        A new array of x's shape and dtype.

    Example:

    >>> import numpy as np
    >>> softmax_array(np.array([0.0, 0.0]))
    array([0.5, 0.5])
    """
    ndim = x.ndim
    width = x.shape[-1] if ndim else 0
    if 0 < width <= SHIFT_KERNEL_MAX_ROW and (axis == -1 or axis == ndim - 1) and _rows_operand(x):
        shift = compiled.get("subtract_row_max")
        if shift is not None:
            rows = x if ndim == 2 else x.reshape(-1, width)
            e = xp.empty_like(rows)
            shift(rows, e)
            xp.exp(e, out=e)
            compiled.get("divide_by_row_sum")(e)
            return e if ndim == 2 else e.reshape(x.shape)
    e = xp.exp(minus_row_max(x, axis))
    e /= sum_along(e, axis)
    return e


@compiled.register("divide_by_row_sum", reassociate=True)
def divide_by_row_sum(e):
    """e /= e.sum(axis=1, keepdims=True) for each row in one pass: the compiled sibling of
    softmax's normalisation (the row's sum added as vector lanes, the reference's by BLAS).

    Args:
        e: (rows, width) array, changed in place.

    Example:

    >>> import numpy as np
    >>> e = np.array([[1.0, 3.0], [2.0, 2.0]])
    >>> divide_by_row_sum(e)
    >>> e
    array([[0.25, 0.75],
           [0.5 , 0.5 ]])
    """
    rows, width = e.shape
    for row in range(rows):
        total = e[row, 0]
        for j in range(1, width):
            total += e[row, j]
        for j in range(width):
            e[row, j] = e[row, j] / total


@keras_op
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, shifted by the maximum so it never overflows.

    Args:
        x: tensor.
        axis: the axis the probabilities sum to 1 along.

    Returns:
        tensor of x's shape; its ``pre_activation`` holds x (the logits).

    Example:

    >>> from glassnet import ops
    >>> ops.softmax([0.0, 0.0]).data.tolist()
    [0.5, 0.5]
    """
    x = as_tensor(x, where="softmax")
    out = softmax_array(x.data, axis)

    def backward(grad_output):  # dL/dx = y * (g - sum(g * y))
        if axis in (-1, x.ndim - 1):  # the row sums as dot products: no g * y temporary
            # rows read along memory: a gradient that arrives transposed is copied once rather
            # than walked across 3 times
            grad_output = xp.ascontiguousarray(grad_output)
            kernel = _softmax_backward_kernel(grad_output, out)
            if kernel is not None:
                grad = xp.empty_like(out)
                width = out.shape[-1]
                kernel(
                    grad_output.reshape(-1, width), out.reshape(-1, width), grad.reshape(-1, width)
                )
                return (grad,)
            dot = xp.einsum("...i,...i->...", grad_output, out)[..., None]
        else:
            dot = xp.sum(grad_output * out, axis=axis, keepdims=True)
        grad = grad_output - dot
        grad *= out
        return (grad,)

    result = from_op(out, (x,), backward)
    if axis == -1 or axis == x.ndim - 1:
        result.activation, result.pre_activation = "softmax", x
    return result


@keras_op
def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``.

    Args:
        x: tensor (floats).
        axis: the axis to normalise along; default the last.

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.log_softmax([0.0, 0.0]).data[0]), 4)
    -0.6931
    """
    x = as_tensor(x, where="log_softmax")
    shifted = minus_row_max(x.data, axis)
    out = shifted - xp.log(sum_along(xp.exp(shifted), axis))

    def backward(grad_output):  # dL/dx = g - softmax(x) * sum(g)
        return (grad_output - xp.exp(out) * xp.sum(grad_output, axis=axis, keepdims=True),)

    return from_op(out, (x,), backward)


def _spec_for(name, default, make, *values):
    """The table's spec when ``values`` are the defaults, else one made for these values."""
    return ACTIVATIONS[name] if values == default else make(*values)


@keras_op
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: max(x, 0) + alpha * (exp(min(x, 0) / alpha) - 1).

    Args:
        x: tensor.
        alpha: the value the negative side tends to is -alpha; must not be 0.

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.celu(-1.0, alpha=2.0).data), 4)
    -0.7869
    """
    alpha = float(alpha)
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (the function divides by it)")
    spec = _spec_for(
        "celu",
        (1.0,),
        lambda a: ActivationSpec("celu", _celu_forward(a), _celu_derivative(a), True),
        alpha,
    )
    return apply_activation(spec, x)


@keras_op
def hard_tanh(x):
    """clip(x, -1, 1).

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> ops.hard_tanh([-3.0, 0.5, 2.0]).data.tolist()
    [-1.0, 0.5, 1.0]
    """
    return apply_activation(ACTIVATIONS["hard_tanh"], x)


@keras_op
def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0.

    Args:
        x: tensor (floats).
        threshold: the magnitude x must exceed to pass; default 0.5.

    Example:

    >>> from glassnet import ops
    >>> ops.hard_shrink([-1.0, 0.25, 0.75]).data.tolist()
    [-1.0, 0.0, 0.75]
    """
    spec = _spec_for(
        "hard_shrink",
        (0.5,),
        lambda t: ActivationSpec("hard_shrink", _hard_shrink_forward(t), _shrink_derivative, True),
        float(threshold),
    )
    return apply_activation(spec, x)


@keras_op
def soft_shrink(x, threshold=0.5):
    """x - threshold above threshold, x + threshold below -threshold, 0 between.

    Args:
        x: tensor (floats).
        threshold: the width of the zero band on each side of 0; default 0.5.

    Example:

    >>> from glassnet import ops
    >>> ops.soft_shrink([-1.0, 0.2, 1.5]).data.tolist()
    [-0.5, 0.0, 1.0]
    """
    spec = _spec_for(
        "soft_shrink",
        (0.5,),
        lambda t: ActivationSpec("soft_shrink", _soft_shrink_forward(t), _shrink_derivative, True),
        float(threshold),
    )
    return apply_activation(spec, x)


@keras_op
def threshold(x, threshold, default_value):
    """x where x > threshold, else ``default_value``.

    Args:
        x: tensor.
        threshold: the value x must exceed to pass.
        default_value: what replaces the others.

    Example:

    >>> from glassnet import ops
    >>> ops.threshold([0.5, 2.0], 1.0, -1.0).data.tolist()
    [-1.0, 2.0]
    """
    threshold, default_value = float(threshold), float(default_value)
    spec = ActivationSpec(
        "threshold",
        _threshold_forward(threshold, default_value),
        _threshold_derivative(threshold),
        False,
    )
    return apply_activation(spec, x)


@keras_op
def log_sigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), computed without overflow.

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.log_sigmoid(0.0).data), 4)
    -0.6931
    """
    return apply_activation(ACTIVATIONS["log_sigmoid"], x)


@keras_op
def sparse_plus(x):
    """0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1 (a smooth-ish ReLU).

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> ops.sparse_plus([-2.0, 0.0, 3.0]).data.tolist()
    [0.0, 0.25, 3.0]
    """
    return apply_activation(ACTIVATIONS["sparse_plus"], x)


@keras_op
def sparse_sigmoid(x):
    """0 for x <= -1, (x + 1) / 2 between, 1 for x >= 1.

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> ops.sparse_sigmoid([-2.0, 0.0, 3.0]).data.tolist()
    [0.0, 0.5, 1.0]
    """
    return apply_activation(ACTIVATIONS["sparse_sigmoid"], x)


@keras_op
def squareplus(x, b=4):
    """(x + sqrt(x^2 + b)) / 2, a smooth ReLU.

    Args:
        x: tensor.
        b: the smoothness; 0 gives ReLU.

    Example:

    >>> from glassnet import ops
    >>> float(ops.squareplus(0.0).data)
    1.0
    """
    spec = _spec_for(
        "squareplus",
        (4.0,),
        lambda b_: ActivationSpec(
            "squareplus", _squareplus_forward(b_), _squareplus_derivative(b_), False
        ),
        float(b),
    )
    return apply_activation(spec, x)


@keras_op
def tanh_shrink(x):
    """x - tanh(x).

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> float(ops.tanh_shrink(0.0).data)
    0.0
    """
    return apply_activation(ACTIVATIONS["tanh_shrink"], x)


@keras_op
def mish(x):
    """x * tanh(softplus(x)) (Misra, 2019); ``keras.activations.mish``.

    Args:
        x: tensor (floats).

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.activation.mish(1.0).data), 4)
    0.8651
    """
    return apply_activation(ACTIVATIONS["mish"], x)


@keras_op
def glu(x, axis=-1):
    """Gated linear unit: split x in two halves a, b along ``axis``; a * sigmoid(b).

    Args:
        x: tensor whose size along ``axis`` is even.
        axis: the axis to split.

    Returns:
        tensor with half of x's size along ``axis``.

    Example:

    >>> from glassnet import ops
    >>> ops.glu([2.0, 0.0]).data.tolist()
    [1.0]
    """
    x = as_tensor(x, where="glu")
    if x.ndim == 0 or x.shape[axis] % 2:
        raise ValueError(f"glu: the size of x along axis {axis} must be even, got shape {x.shape}")
    a, b = xp.split(x.data, 2, axis=axis)
    gate = sigmoid_array(b)
    out = (a * gate).astype(x.dtype, copy=False)

    def backward(grad_output):  # dL/da = g s, dL/db = g a s (1 - s)
        grad_a = grad_output * gate
        grad_b = grad_output * a * gate * (1 - gate)
        return (xp.concatenate([grad_a, grad_b], axis=axis),)

    return from_op(out, (x,), backward)


@keras_op
def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex (Martins & Astudillo, 2016):
    like softmax, but exact zeros for the low entries.

    Args:
        x: tensor of scores.
        axis: the axis the outputs sum to 1 along.

    Returns:
        tensor of x's shape, non-negative, summing to 1 along ``axis``.

    Example:

    >>> from glassnet import ops
    >>> ops.sparsemax([1.0, 0.0, -1.0]).data.tolist()
    [1.0, 0.0, 0.0]
    """
    x = as_tensor(x, where="sparsemax")
    z = xp.moveaxis(x.data, axis, -1)
    ranked = -xp.sort(-z, axis=-1)  # descending
    k = xp.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cumulative = xp.cumsum(ranked, axis=-1)
    in_support = 1 + k * ranked > cumulative
    support_size = xp.sum(in_support, axis=-1, keepdims=True)
    tau = (xp.take_along_axis(cumulative, support_size - 1, axis=-1) - 1) / support_size
    out = xp.moveaxis(xp.maximum(z - tau, 0), -1, axis).astype(x.dtype, copy=False)

    def backward(grad_output):  # dL/dx = s * (g - sum(g s) / |s|), s the support (y > 0)
        support = (out > 0).astype(out.dtype)
        count = xp.sum(support, axis=axis, keepdims=True)
        mean_on_support = xp.sum(grad_output * support, axis=axis, keepdims=True) / count
        return (support * (grad_output - mean_on_support),)

    return from_op(out, (x,), backward)
