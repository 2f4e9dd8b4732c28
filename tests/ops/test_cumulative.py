import numpy as np
import pytest

from glassnet import Tensor, ops
from tests.ops.harness import OpCase, normal, standard_tests, uniform

try:
    import torch
except ImportError:
    torch = None


def with_zeros(*shape):
    def make(rng):
        x = rng.uniform(0.5, 1.5, shape) * rng.choice([-1, 1], shape)
        x.flat[[1, 6]] = 0.0  # two zeros in the first row
        return x

    return make


def with_nans(*shape):
    def make(rng):
        x = rng.standard_normal(shape)
        x.flat[[2, 5]] = np.nan
        return x

    return make


X_POSITIONS = np.array([0.0, 0.5, 1.5, 1.75, 3.0])

CASES = [
    OpCase(
        "cumsum_axis",
        lambda x: ops.cumsum(x, axis=1),
        [normal(3, 4)],
        lambda x: np.cumsum(x, 1),
        lambda x: torch.cumsum(x, 1),
    ),
    OpCase(
        "cumsum_flat",
        ops.cumsum,
        [normal(3, 4)],
        lambda x: np.cumsum(x),
        lambda x: torch.cumsum(x.reshape(-1), 0),
    ),
    OpCase(
        "cumprod",
        lambda x: ops.cumprod(x, axis=-1),
        [uniform(0.5, 1.5, 3, 4)],
        lambda x: np.cumprod(x, -1),
        lambda x: torch.cumprod(x, -1),
    ),
    OpCase(
        "cumprod_with_zeros",
        lambda x: ops.cumprod(x, axis=1),
        [with_zeros(2, 5)],
        lambda x: np.cumprod(x, 1),
        lambda x: torch.cumprod(x, 1),
    ),
    OpCase(
        "nancumsum",
        lambda x: ops.nancumsum(x, axis=0),
        [with_nans(3, 4)],
        lambda x: np.nancumsum(x, 0),
        lambda x: torch.cumsum(torch.nan_to_num(x, nan=0.0), 0),
    ),
    OpCase(
        "nancumprod",
        lambda x: ops.nancumprod(x, axis=1),
        [with_nans(3, 4)],
        lambda x: np.nancumprod(x, 1),
        lambda x: torch.cumprod(torch.where(torch.isnan(x), 1.0, x), 1),
    ),
    OpCase(
        "diff",
        lambda x: ops.diff(x, n=2, axis=0),
        [normal(5, 3)],
        lambda x: np.diff(x, n=2, axis=0),
        lambda x: torch.diff(x, n=2, dim=0),
    ),
    OpCase(
        "trapezoid_dx",
        lambda y: ops.trapezoid(y, dx=0.5),
        [normal(3, 5)],
        lambda y: np.trapezoid(y, dx=0.5),
        lambda y: torch.trapezoid(y, dx=0.5),
    ),
    OpCase(
        "trapezoid_x",
        lambda y: ops.trapezoid(y, x=X_POSITIONS),
        [normal(3, 5)],
        lambda y: np.trapezoid(y, x=X_POSITIONS),
        lambda y: torch.trapezoid(y, torch.tensor(X_POSITIONS)),
    ),
    OpCase(
        "trapezoid_both",
        lambda y, x: ops.trapezoid(y, x=x, axis=0),
        [normal(4, 2), uniform(0.0, 3.0, 4, 2)],
        lambda y, x: np.trapezoid(y, x=x, axis=0),
        lambda y, x: torch.trapezoid(y, x, dim=0),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_keras_dtypes():
    assert ops.cumsum(np.array([True, False, True])).dtype == np.int32
    assert ops.cumsum(np.array([1, 2], dtype="int8")).dtype == np.int8
    assert ops.cumprod(np.array([1, 2], dtype="int8"), dtype="float32").dtype == np.float32
    assert ops.trapezoid(np.array([1, 2, 3])).dtype == np.float32
    np.testing.assert_array_equal(ops.diff(np.array([True, True, False])).data, [False, True])


def test_cumprod_gradient_with_several_zeros_equals_the_exact_one():
    x = Tensor(np.array([2.0, 0.0, 3.0, 0.0, 5.0]), requires_grad=True)
    ops.cumprod(x).sum().backward()
    # d/dx_i of sum_j prod_{k<=j} x_k, written out
    expected = [1.0, 2.0 + 6.0, 0.0, 0.0, 0.0]
    np.testing.assert_array_equal(x.grad, expected)


def test_bad_axis_and_order_are_named():
    with pytest.raises(ValueError, match="cumsum: axis 2 is out of range"):
        ops.cumsum(np.zeros((2, 2)), axis=2)
    with pytest.raises(ValueError, match="diff: the order n must be non-negative"):
        ops.diff(np.zeros(3), n=-1)


def test_cumprod_gradient_of_all_zeros_is_exact():
    x = Tensor(np.zeros((2, 3)), requires_grad=True)
    ops.cumprod(x, axis=1).sum().backward()
    # d/dx_0 (x0 + x0 x1 + x0 x1 x2) = 1 + x1 + x1 x2 = 1; the others carry a factor x0 = 0
    np.testing.assert_array_equal(x.grad, [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
