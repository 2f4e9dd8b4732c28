import numpy as np
import pytest

from glassnet import ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
except ImportError:
    torch = None

Q = np.array([0.1, 0.5, 0.85])


def with_nans(*shape):
    def make(rng):
        x = rng.standard_normal(shape)
        x.flat[[1, 7, 8]] = np.nan
        return x

    return make


def quantile_case(method):
    return OpCase(
        f"quantile_{method}",
        lambda x: ops.quantile(x, Q, axis=1, method=method),
        [normal(3, 6)],
        lambda x: np.quantile(x, Q, axis=1, method=method),
        lambda x: torch.quantile(x, torch.tensor(Q), dim=1, interpolation=method),
    )


CASES = [quantile_case(m) for m in ("linear", "lower", "higher", "midpoint", "nearest")] + [
    OpCase(
        "quantile_all_keepdims",
        lambda x: ops.quantile(x, 0.3, keepdims=True),
        [normal(3, 4)],
        lambda x: np.quantile(x, 0.3, keepdims=True),
        lambda x: torch.quantile(x.reshape(-1), 0.3).reshape(1, 1),
    ),
    OpCase(
        "quantile_two_axes",
        lambda x: ops.quantile(x, Q, axis=(0, 2)),
        [normal(3, 2, 4)],
        lambda x: np.quantile(x, Q, axis=(0, 2)),
        lambda x: torch.quantile(x.permute(1, 0, 2).reshape(2, -1), torch.tensor(Q), dim=1),
    ),
    OpCase(
        "percentile",
        lambda x: ops.percentile(x, 30.0, axis=0),
        [normal(5, 3)],
        lambda x: np.percentile(x, 30.0, axis=0),
        lambda x: torch.quantile(x, 0.3, dim=0),
    ),
    OpCase(
        "median_even",
        lambda x: ops.median(x, axis=-1),
        [normal(3, 4)],
        lambda x: np.median(x, -1),
        lambda x: torch.quantile(x, 0.5, dim=-1),
    ),
    OpCase(
        "nanquantile",
        lambda x: ops.nanquantile(x, Q, axis=1),
        [with_nans(3, 5)],
        lambda x: np.nanquantile(x, Q, axis=1),
        lambda x: torch.nanquantile(x, torch.tensor(Q), dim=1),
    ),
    OpCase(
        "nanmedian",
        lambda x: ops.nanmedian(x, axis=0),
        [with_nans(4, 3)],
        lambda x: np.nanmedian(x, 0),
        lambda x: torch.nanquantile(x, 0.5, dim=0),
    ),
    OpCase(
        "nanpercentile",
        lambda x: ops.nanpercentile(x, [20.0, 60.0]),
        [with_nans(3, 4)],
        lambda x: np.nanpercentile(x, [20.0, 60.0]),
        lambda x: torch.nanquantile(x.reshape(-1), torch.tensor([0.2, 0.6], dtype=x.dtype)),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_nan_handling():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    out = ops.quantile(x, 0.5, axis=1).data
    assert np.isnan(out).all()
    np.testing.assert_array_equal(ops.nanmedian(x, axis=1).data, [2.0, np.nan])


def test_integer_input_gives_floatx_and_bad_arguments_are_named():
    assert ops.median(np.array([1, 4, 2])).dtype == np.float32
    with pytest.raises(ValueError, match="quantile: quantiles must lie in"):
        ops.quantile(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="quantile: method must be one of"):
        ops.quantile(np.ones(3), 0.5, method="cubic")
