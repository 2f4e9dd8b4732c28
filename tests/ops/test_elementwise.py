import numpy as np
import pytest

from glassnet import Tensor, ops
from tests.ops.harness import (
    OpCase,
    away_from,
    normal,
    standard_tests,
    uniform,
)

try:
    import torch
except ImportError:
    torch = None

CONDITION = np.random.default_rng(7).random((3, 4)) > 0.5

CASES = [
    OpCase("add", ops.add, [normal(3, 4), normal(3, 4)], np.add, lambda a, b: a + b),
    OpCase("add_broadcast_row", ops.add, [normal(3, 4), normal(4)], np.add, lambda a, b: a + b),
    OpCase(
        "add_broadcast_both",
        ops.add,
        [normal(3, 1, 4), normal(1, 5, 1)],
        np.add,
        lambda a, b: a + b,
    ),
    OpCase(
        "subtract_broadcast",
        ops.subtract,
        [normal(2, 3, 4), normal(3, 1)],
        np.subtract,
        lambda a, b: a - b,
    ),
    OpCase(
        "multiply_broadcast",
        ops.multiply,
        [normal(3, 4), normal(1, 4)],
        np.multiply,
        lambda a, b: a * b,
    ),
    OpCase(
        "multiply_scalar_tensor",
        ops.multiply,
        [normal(3, 4), normal()],
        np.multiply,
        lambda a, b: a * b,
    ),
    OpCase(
        "divide_broadcast",
        ops.divide,
        [normal(3, 4), uniform(0.5, 2.0, 4)],
        np.divide,
        lambda a, b: a / b,
    ),
    OpCase(
        "power",
        ops.power,
        [uniform(0.5, 2.0, 3, 4), uniform(-1.5, 2.5, 3, 4)],
        np.power,
        lambda a, b: a**b,
    ),
    OpCase(
        "power_broadcast",
        ops.power,
        [uniform(0.5, 2.0, 2, 3), uniform(0.5, 2.0, 3)],
        np.power,
        lambda a, b: a**b,
    ),
    OpCase("negative", ops.negative, [normal(3, 4)], np.negative, lambda a: -a),
    OpCase("exp", ops.exp, [normal(3, 4)], np.exp, torch.exp if torch else None),
    OpCase("log", ops.log, [uniform(0.2, 3.0, 3, 4)], np.log, torch.log if torch else None),
    OpCase("sqrt", ops.sqrt, [uniform(0.2, 3.0, 3, 4)], np.sqrt, torch.sqrt if torch else None),
    OpCase("square", ops.square, [normal(3, 4)], np.square, torch.square if torch else None),
    OpCase("abs", ops.abs, [away_from(0, 3, 4)], np.abs, torch.abs if torch else None),
    OpCase(
        "maximum",
        ops.maximum,
        [normal(3, 4), normal(3, 4)],
        np.maximum,
        torch.maximum if torch else None,
    ),
    OpCase(
        "maximum_broadcast",
        ops.maximum,
        [normal(3, 4), normal(4)],
        np.maximum,
        torch.maximum if torch else None,
    ),
    OpCase(
        "minimum",
        ops.minimum,
        [normal(3, 4), normal(1, 4)],
        np.minimum,
        torch.minimum if torch else None,
    ),
    OpCase(
        "clip",
        lambda x: ops.clip(x, -0.5, 0.7),
        [away_from([-0.5, 0.7], 4, 5)],
        lambda x: np.clip(x, -0.5, 0.7),
        lambda x: torch.clamp(x, -0.5, 0.7),
    ),
    OpCase(
        "where",
        lambda a, b: ops.where(CONDITION, a, b),
        [normal(3, 4), normal(4)],
        lambda a, b: np.where(CONDITION, a, b),
        lambda a, b: torch.where(torch.tensor(CONDITION), a, b),
    ),
]


test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_python_scalars_do_not_upcast_float32():
    x = Tensor(np.ones((2, 2), dtype=np.float32))
    for result in (x * 2.5, 2.5 * x, x + 1, x / 3.0, 1.0 - x, x**2.0, x * np.float64(2.0)):
        assert result.dtype == np.float32


def test_float64_array_follows_numpy_promotion():
    out = Tensor(np.ones(2, dtype=np.float32)) + Tensor(np.ones(2, dtype=np.float64))
    assert out.dtype == np.float64


def test_shape_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(3, 4\) and \(5,\)"):
        ops.add(np.zeros((3, 4)), np.zeros(5))
    with pytest.raises(ValueError, match=r"multiply: .*\(2, 3\) and \(4, 3\)"):
        Tensor(np.zeros((2, 3))) * Tensor(np.zeros((4, 3)))


def test_string_and_object_arrays_are_refused():
    with pytest.raises(TypeError, match="exp: expected a numeric array.*strings"):
        ops.exp(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="Python objects"):
        ops.add(np.array([1, None], dtype=object), 1.0)


def test_maximum_splits_gradient_on_ties():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([1.0, 1.0], requires_grad=True)
    ops.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 0.0])


def test_clip_rejects_inverted_bounds():
    with pytest.raises(ValueError, match="clip: x_min"):
        ops.clip(np.zeros(3), 1.0, 0.0)
