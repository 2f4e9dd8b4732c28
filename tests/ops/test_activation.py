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
