import numpy as np
import pytest

from glassnet import Tensor, ops

VALUES = np.array([-np.inf, -2.0, -0.0, 0.0, 1.5, np.inf, np.nan])


@pytest.mark.parametrize(
    "name, reference",
    [
        ("isinf", np.isinf),
        ("isposinf", np.isposinf),
        ("isneginf", np.isneginf),
        ("isnan", np.isnan),
        ("isfinite", np.isfinite),
        ("signbit", np.signbit),
        ("isreal", np.isreal),
    ],
)
def test_predicates_match_numpy_and_give_bool(name, reference):
    out = getattr(ops, name)(Tensor(VALUES))
    assert out.dtype == bool and not out.requires_grad
    np.testing.assert_array_equal(out.data, reference(VALUES))


def test_logical_xor_isin_isclose_allclose():
    a, b = np.array([True, True, False]), np.array([True, False, False])
    np.testing.assert_array_equal(ops.logical_xor(a, b).data, np.logical_xor(a, b))
    np.testing.assert_array_equal(ops.isin([[1, 5], [3, 2]], [2, 3]).data, [[0, 0], [1, 1]])
    np.testing.assert_array_equal(ops.isin([1, 5], [5], invert=True).data, [True, False])
    x, y = np.array([1.0, 1.0, np.nan]), np.array([1.0 + 1e-9, 1.01, np.nan])
    np.testing.assert_array_equal(ops.isclose(x, y).data, np.isclose(x, y))
    np.testing.assert_array_equal(ops.isclose(x, y, equal_nan=True).data, [True, False, True])
    np.testing.assert_array_equal(ops.isclose(x, y, rtol=0.1).data, np.isclose(x, y, rtol=0.1))
    assert ops.allclose(x[:1], y[:1]).dtype == bool and bool(ops.allclose(x[:1], y[:1]))
    assert not bool(ops.allclose(x, y))
    assert ops.isreal(np.array([1 + 0j, 1j])).data.tolist() == [True, False]
