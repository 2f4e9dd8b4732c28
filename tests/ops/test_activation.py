import math
import warnings

import numpy as np
import pytest

from glassnet import Tensor, ops
from tests.ops.harness import OpCase, away_from, normal, standard_tests

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

erf = np.vectorize(math.erf)  # reference only: the op itself never loops over elements


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805

CASES = [
    OpCase(
        "sigmoid",
        ops.sigmoid,
        [normal(3, 4, scale=3)],
        lambda x: 1 / (1 + np.exp(-x)),
        torch.sigmoid if torch else None,
    ),
    OpCase("tanh", ops.tanh, [normal(3, 4)], np.tanh, torch.tanh if torch else None),
    OpCase(
        "relu",
        ops.relu,
        [away_from(0, 3, 4)],
        lambda x: np.maximum(x, 0),
        torch.relu if torch else None,
    ),
    OpCase(
        "relu6",
        ops.relu6,
        [away_from([0, 6], 4, 5, low=-3, high=9)],
        lambda x: np.clip(x, 0, 6),
        F.relu6 if torch else None,
    ),
    OpCase(
        "leaky_relu",
        ops.leaky_relu,
        [away_from(0, 3, 4)],
        lambda x: np.where(x > 0, x, 0.2 * x),
        lambda x: F.leaky_relu(x, 0.2),
    ),
    OpCase(
        "leaky_relu_alpha",
        lambda x: ops.leaky_relu(x, alpha=0.3),
        [away_from(0, 3, 4)],
        lambda x: np.where(x > 0, x, 0.3 * x),
        lambda x: F.leaky_relu(x, 0.3),
    ),
    OpCase(
        "elu",
        ops.elu,
        [away_from(0, 3, 4)],
        lambda x: np.where(x > 0, x, np.exp(x) - 1),
        F.elu if torch else None,
    ),
    OpCase(
        "elu_alpha",
        lambda x: ops.elu(x, alpha=0.5),
        [away_from(0, 3, 4)],
        lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1)),
        lambda x: F.elu(x, 0.5),
    ),
    OpCase(
        "selu",
        ops.selu,
        [away_from(0, 3, 4)],
        lambda x: SELU_S * np.where(x > 0, x, SELU_A * (np.exp(x) - 1)),
        F.selu if torch else None,
    ),
    OpCase(
        "gelu_tanh",
        ops.gelu,
        [normal(3, 4, scale=2)],
        np_gelu_tanh,
        lambda x: F.gelu(x, approximate="tanh"),
    ),
    OpCase(
        "gelu_exact",
        lambda x: ops.gelu(x, approximate=False),
        [normal(3, 4, scale=2)],
        lambda x: 0.5 * x * (1 + erf(x / np.sqrt(2))),
        lambda x: F.gelu(x),
    ),
    OpCase(
        "silu",
        ops.silu,
        [normal(3, 4, scale=2)],
        lambda x: x / (1 + np.exp(-x)),
        F.silu if torch else None,
    ),
    OpCase(
        "softplus",
        ops.softplus,
        [normal(3, 4, scale=3)],
        lambda x: np.log1p(np.exp(x)),
        F.softplus if torch else None,
    ),
    OpCase(
        "softsign",
        ops.softsign,
        [away_from(0, 3, 4)],
        lambda x: x / (1 + np.abs(x)),
        F.softsign if torch else None,
    ),
    OpCase(
        "hard_sigmoid",
        ops.hard_sigmoid,
        [away_from([-3, 3], 4, 5, low=-5, high=5)],
        lambda x: np.clip(x / 6 + 0.5, 0, 1),
        F.hardsigmoid if torch else None,
    ),
    OpCase(
        "softmax", ops.softmax, [normal(3, 5, scale=3)], np_softmax, lambda x: torch.softmax(x, -1)
    ),
    OpCase(
        "softmax_axis0",
        lambda x: ops.softmax(x, axis=0),
        [normal(3, 5)],
        lambda x: np_softmax(x, 0),
        lambda x: torch.softmax(x, 0),
    ),
    OpCase(
        "log_softmax",
        ops.log_softmax,
        [normal(3, 5, scale=3)],
        lambda x: np.log(np_softmax(x)),
        lambda x: torch.log_softmax(x, -1),
    ),
]


def np_softplus(x):
    return np.logaddexp(0, x)


def np_sparsemax(z):
    """Sparsemax along the last axis from its definition: the threshold tau with
    sum(max(z - tau, 0)) = 1, found from the sorted values (Martins & Astudillo, 2016, eq. 2)."""
    ranked = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    cumulative = np.cumsum(ranked, axis=-1)
    support = (1 + k * ranked > cumulative).sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, axis=-1) - 1) / support
    return np.maximum(z - tau, 0)


def np_glu(x, axis=-1):
    a, b = np.split(x, 2, axis=axis)
    return a / (1 + np.exp(-b))


CASES += [
    OpCase(
        "celu",
        ops.celu,
        [away_from(0, 3, 4)],
        lambda x: np.maximum(x, 0) + np.minimum(0, np.expm1(x)),
        F.celu if torch else None,
    ),
    OpCase(
        "celu_alpha",
        lambda x: ops.celu(x, alpha=0.5),
        [away_from(0, 3, 4)],
        lambda x: np.maximum(x, 0) + 0.5 * np.minimum(0, np.expm1(x / 0.5)),
        lambda x: F.celu(x, 0.5),
    ),
    OpCase(
        "hard_tanh",
        ops.hard_tanh,
        [away_from([-1, 1], 4, 5)],
        lambda x: np.clip(x, -1, 1),
        F.hardtanh if torch else None,
    ),
    OpCase(
        "hard_shrink",
        ops.hard_shrink,
        [away_from([-0.5, 0.5], 4, 5)],
        lambda x: np.where(np.abs(x) > 0.5, x, 0),
        F.hardshrink if torch else None,
    ),
    OpCase(
        "hard_shrink_threshold",
        lambda x: ops.hard_shrink(x, threshold=1.0),
        [away_from([-1, 1], 4, 5)],
        lambda x: np.where(np.abs(x) > 1.0, x, 0),
        lambda x: F.hardshrink(x, 1.0),
    ),
    OpCase(
        "soft_shrink",
        ops.soft_shrink,
        [away_from([-0.5, 0.5], 4, 5)],
        lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0),
        F.softshrink if torch else None,
    ),
    OpCase(
        "soft_shrink_threshold",
        lambda x: ops.soft_shrink(x, threshold=1.5),
        [away_from([-1.5, 1.5], 4, 5)],
        lambda x: np.sign(x) * np.maximum(np.abs(x) - 1.5, 0),
        lambda x: F.softshrink(x, 1.5),
    ),
    OpCase(
        "log_sigmoid",
        ops.log_sigmoid,
        [normal(3, 4, scale=4)],
        lambda x: -np_softplus(-x),
        F.logsigmoid if torch else None,
    ),
    OpCase(
        "tanh_shrink",
        ops.tanh_shrink,
        [normal(3, 4, scale=2)],
        lambda x: x - np.tanh(x),
        F.tanhshrink if torch else None,
    ),
    OpCase(
        "threshold",
        lambda x: ops.threshold(x, 0.3, -2.0),
        [away_from(0.3, 4, 5)],
        lambda x: np.where(x > 0.3, x, -2.0),
        lambda x: F.threshold(x, 0.3, -2.0),
    ),
    OpCase(
        "mish",
        ops.activation.mish,
        [normal(3, 4, scale=3)],
        lambda x: x * np.tanh(np_softplus(x)),
        F.mish if torch else None,
    ),
    OpCase(
        "sparse_plus",
        ops.sparse_plus,
        [away_from([-1, 1], 4, 5)],
        lambda x: np.where(x <= -1, 0, np.where(x < 1, (x + 1) ** 2 / 4, x)),
    ),
    OpCase(
        "sparse_sigmoid",
        ops.sparse_sigmoid,
        [away_from([-1, 1], 4, 5)],
        lambda x: np.clip((x + 1) / 2, 0, 1),
    ),
    OpCase(
        "squareplus",
        ops.squareplus,
        [normal(3, 4, scale=3)],
        lambda x: (x + np.sqrt(x * x + 4)) / 2,
    ),
    OpCase(
        "squareplus_b",
        lambda x: ops.squareplus(x, b=0.5),
        [normal(3, 4, scale=3)],
        lambda x: (x + np.sqrt(x * x + 0.5)) / 2,
    ),
    OpCase("glu", ops.glu, [normal(3, 6)], np_glu, lambda x: F.glu(x, -1)),
    OpCase(
        "glu_axis0",
        lambda x: ops.glu(x, axis=0),
        [normal(4, 3)],
        lambda x: np_glu(x, 0),
        lambda x: F.glu(x, 0),
    ),
    OpCase("sparsemax", ops.sparsemax, [normal(4, 6, scale=2)], np_sparsemax),
    OpCase(
        "sparsemax_axis0",
        lambda x: ops.sparsemax(x, axis=0),
        [normal(5, 3, scale=2)],
        lambda x: np_sparsemax(x.T).T,
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


ALL = [
    ops.sigmoid,
    ops.tanh,
    ops.relu,
    ops.relu6,
    ops.leaky_relu,
    ops.elu,
    ops.selu,
    ops.gelu,
    lambda x: ops.gelu(x, approximate=False),
    ops.silu,
    ops.softplus,
    ops.softsign,
    ops.hard_sigmoid,
    ops.softmax,
    ops.log_softmax,
    ops.celu,
    ops.hard_tanh,
    ops.hard_shrink,
    ops.soft_shrink,
    ops.log_sigmoid,
    ops.tanh_shrink,
    lambda x: ops.threshold(x, 0.0, 1.0),
    ops.activation.mish,
    ops.sparse_plus,
    ops.sparse_sigmoid,
    ops.squareplus,
    ops.sparsemax,
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ALL)
def test_stable_for_huge_inputs(activation, dtype):
    x = Tensor(
        np.array([[-1e4, -50.0, -1.0, 0.0, 1.0, 50.0, 1e4]], dtype=dtype), requires_grad=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow/invalid warning fails the test
        out = activation(x)
        out.sum().backward()
    assert out.dtype == dtype
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(x.grad))


def test_saturated_values_are_exact_limits():
    x = np.array([-1e4, 1e4])
    np.testing.assert_array_equal(ops.sigmoid(x).data, [0.0, 1.0])
    np.testing.assert_array_equal(ops.softplus(x).data, [0.0, 1e4])
    np.testing.assert_allclose(ops.log_softmax(np.array([0.0, 1e4])).data, [-1e4, 0.0])


def test_new_activations_are_table_entries_usable_inside_dense():
    from glassnet.ops.activation import ACTIVATIONS, fusable

    for name in (
        "celu", "hard_tanh", "hard_shrink", "soft_shrink", "log_sigmoid", "sparse_plus",
        "sparse_sigmoid", "squareplus", "tanh_shrink", "mish",
    ):  # fmt: skip
        assert name in ACTIVATIONS
    assert fusable("celu") and fusable("log_sigmoid") and not fusable("mish")


def test_sparsemax_has_exact_zeros_and_sums_to_one():
    out = ops.sparsemax(np.array([[3.0, 1.0, -2.0], [0.1, 0.2, 0.3]])).data
    np.testing.assert_allclose(out.sum(-1), 1.0)
    assert out[0].tolist() == [1.0, 0.0, 0.0]


def test_glu_refuses_an_odd_axis():
    with pytest.raises(ValueError, match="glu: the size of x along axis -1 must be even"):
        ops.glu(np.ones((2, 3)))


def test_celu_refuses_alpha_zero():
    with pytest.raises(ValueError, match="celu: alpha"):
        ops.celu(np.ones(2), alpha=0)


NEW_FUSABLE = [
    "celu", "hard_tanh", "hard_shrink", "soft_shrink", "log_sigmoid", "sparse_plus",
    "sparse_sigmoid",
]  # fmt: skip


@pytest.mark.parametrize("name", NEW_FUSABLE)
def test_fused_inside_dense_equals_the_separate_op(name):
    from glassnet.ops.activation import ACTIVATIONS, apply_activation

    rng = np.random.default_rng(4)
    x, w, b = rng.uniform(-2, 2, (6, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)
    weights = rng.standard_normal((6, 5))

    def run(fused):
        tensors = [Tensor(a, requires_grad=True) for a in (x, w, b)]
        if fused:
            out = ops.dense(*tensors, activation=name)
        else:
            out = apply_activation(ACTIVATIONS[name], ops.dense(*tensors))
        (out * Tensor(weights)).sum().backward()
        return [out.data] + [t.grad for t in tensors]

    for got, expected in zip(run(True), run(False)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_monotone_flag_is_true_exactly_for_the_nondecreasing_activations():
    # the flag lets max pooling run before the activation (models/fusion.py); a wrong True
    # changes results, a wrong False loses the fusion
    from glassnet.ops.activation import ACTIVATIONS

    z = np.linspace(-12.0, 12.0, 4001)
    for name, spec in ACTIVATIONS.items():
        nondecreasing = bool(np.all(np.diff(spec.forward(z.copy())) >= -1e-12))
        assert spec.monotone == nondecreasing, name


@pytest.mark.parametrize("axis", [-1, 1])
def test_softmax_gradient_for_a_transposed_incoming_gradient(axis):
    """The backward takes the row sums as dot products along memory; a gradient that arrives
    transposed (as einsum leaves attention's) gives the same result as its contiguous copy,
    and both equal y * (g - sum(g * y))."""
    rng = np.random.default_rng(0)
    x = Tensor(rng.standard_normal((2, 3, 5)), requires_grad=True)
    transposed = rng.standard_normal((2, 5, 3)).transpose(0, 2, 1)  # shape (2, 3, 5), strided
    assert not transposed.flags.c_contiguous
    grads = []
    for incoming in (transposed, np.ascontiguousarray(transposed)):
        y = ops.softmax(x, axis=axis)
        y.backward(incoming)
        grads.append(x.grad)
        x.grad = None
    p = y.data
    expected = p * (transposed - np.sum(transposed * p, axis=axis, keepdims=True))
    np.testing.assert_allclose(grads[0], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grads[1], expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_small_backward_steps_are_the_formulas_with_python_numbers(name, dtype):
    # the derivatives write 1 and 0 as 0-d arrays of y's dtype (TypedConstant), which NumPy
    # computes with as it does with the Python numbers: the same bits, NaN and -0.0 included
    from glassnet.ops.activation import ACTIVATIONS

    rng = np.random.default_rng(3)
    z = rng.standard_normal((5, 7)).astype(dtype)
    z.flat[:4] = [np.nan, -0.0, np.inf, -np.inf]
    spec = ACTIVATIONS[name]
    y = spec.forward(z)
    grad = rng.standard_normal(y.shape).astype(dtype)
    grad.flat[4:6] = [np.inf, -0.0]
    formulas = {
        "relu": lambda: grad * (y > 0),
        "tanh": lambda: grad * (1 - y * y),
        "sigmoid": lambda: grad * (y * (1 - y)),
    }
    with np.errstate(invalid="ignore"):  # (inf * 0 where the mask is 0, as NumPy's)
        out, expected = spec.chain(grad, z, y), formulas[name]()
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, expected)
    assert (np.signbit(out) == np.signbit(expected)).all()


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_every_activation_keeps_the_dtype_forward_and_backward(dtype):
    # SciPy's expit has no float16 loop: sigmoid gave float64, and silu's and mish's derivatives
    from glassnet.ops.activation import ACTIVATIONS

    z = np.linspace(-3.0, 3.0, 12).astype(dtype)
    for name, spec in ACTIVATIONS.items():
        y = spec.forward(z)
        assert y.dtype == z.dtype, name
        assert spec.chain(np.ones_like(y), z, y).dtype == z.dtype, name
    x = Tensor(z, requires_grad=True)
    out = ops.sigmoid(x)
    assert out.dtype == z.dtype
    np.testing.assert_allclose(out.data, 1 / (1 + np.exp(-z.astype("float64"))), rtol=1e-3)
