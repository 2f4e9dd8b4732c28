import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from glassnet import Tensor, ops
from tests.ops.harness import OpCase, normal, standard_tests, uniform

try:
    import torch
except ImportError:
    torch = None


def torch_amax(axis, keepdims=False):
    return lambda x: torch.amax(
        x, dim=axis if axis is not None else tuple(range(x.ndim)), keepdim=keepdims
    )


def torch_amin(axis, keepdims=False):
    return lambda x: torch.amin(
        x, dim=axis if axis is not None else tuple(range(x.ndim)), keepdim=keepdims
    )


def _reduction_case(name, op_name, shape, axis, keepdims=False):
    """An OpCase for a reduction that glassnet, NumPy and PyTorch all spell ``op_name``."""
    torch_op = None
    if torch is not None:
        torch_op = lambda x: getattr(torch, op_name)(x, axis, keepdim=keepdims)  # noqa: E731
    return OpCase(
        name,
        lambda x: getattr(ops, op_name)(x, axis=axis, keepdims=keepdims),
        [normal(*shape)],
        lambda x: getattr(np, op_name)(x, axis=axis, keepdims=keepdims),
        torch_op,
    )


CASES = [
    OpCase("sum_all", ops.sum, [normal(3, 4)], np.sum, torch.sum if torch else None),
    _reduction_case("sum_axis0", "sum", (3, 4), 0),
    _reduction_case("sum_axes_keepdims", "sum", (2, 3, 4), (0, 2), keepdims=True),
    # one output element of a partial reduction: the backward's one-element path
    _reduction_case("sum_one_element_left", "sum", (1, 5), 1),
    OpCase("mean_all", ops.mean, [normal(3, 4)], np.mean, torch.mean if torch else None),
    _reduction_case("mean_one_element_left_keepdims", "mean", (3, 1, 4), (0, 2), keepdims=True),
    _reduction_case("mean_negative_axis", "mean", (2, 3, 4), -1),
    OpCase("max_all", ops.max, [normal(3, 4)], np.max, torch_amax(None)),
    OpCase(
        "max_axis1_keepdims",
        lambda x: ops.max(x, axis=1, keepdims=True),
        [normal(3, 4, 2)],
        lambda x: np.max(x, axis=1, keepdims=True),
        torch_amax(1, True),
    ),
    OpCase(
        "min_axis0",
        lambda x: ops.min(x, axis=0),
        [normal(3, 4)],
        lambda x: np.min(x, axis=0),
        torch_amin(0),
    ),
    OpCase("var_all", ops.var, [normal(3, 4)], np.var, lambda x: torch.var(x, correction=0)),
    OpCase(
        "var_axis",
        lambda x: ops.var(x, axis=-1, keepdims=True),
        [normal(3, 5)],
        lambda x: np.var(x, axis=-1, keepdims=True),
        lambda x: torch.var(x, -1, correction=0, keepdim=True),
    ),
    OpCase(
        "std_axis",
        lambda x: ops.std(x, axis=0),
        [normal(4, 3)],
        lambda x: np.std(x, axis=0),
        lambda x: torch.std(x, 0, correction=0),
    ),
    OpCase(
        "logsumexp_all",
        ops.logsumexp,
        [normal(3, 4)],
        lambda x: np.log(np.sum(np.exp(x))),
        lambda x: torch.logsumexp(x, (0, 1)),
    ),
    OpCase(
        "logsumexp_axis",
        lambda x: ops.logsumexp(x, axis=1),
        [normal(3, 4, scale=5)],
        lambda x: np.log(np.sum(np.exp(x), axis=1)),
        lambda x: torch.logsumexp(x, 1),
    ),
]


test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_logsumexp_is_stable_for_huge_values():
    x = Tensor(np.array([[1e4, 1e4 - 1.0], [-1e4, -1e4]], dtype=np.float32), requires_grad=True)
    out = ops.logsumexp(x, axis=1)
    np.testing.assert_allclose(
        out.data, [1e4 + np.log1p(np.exp(-1.0)), -1e4 + np.log(2.0)], rtol=1e-6
    )
    out.sum().backward()
    assert np.all(np.isfinite(x.grad))


def test_max_shares_gradient_between_ties():
    x = Tensor([3.0, 1.0, 3.0], requires_grad=True)
    ops.max(x).backward()
    np.testing.assert_array_equal(x.grad, [0.5, 0.0, 0.5])


def test_bad_axis_is_named():
    with pytest.raises(
        ValueError, match="sum: axis 2 is out of range for an input with 2 dimensions"
    ):
        ops.sum(np.zeros((2, 3)), axis=2)


shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), shape=shapes)
def test_reductions_match_numpy_on_random_shapes_and_axes(data, shape):
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-10, 10)))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1))
    keepdims = data.draw(st.booleans())
    for op, ref in ((ops.sum, np.sum), (ops.mean, np.mean), (ops.max, np.max), (ops.var, np.var)):
        t = Tensor(x, requires_grad=True)
        out = op(t, axis=axis, keepdims=keepdims)
        np.testing.assert_allclose(
            out.data, ref(x, axis=axis, keepdims=keepdims), rtol=1e-10, atol=1e-10
        )
        out.sum().backward()
        assert t.grad.shape == x.shape


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_broadcast_gradients_reduce_to_each_input_shape(data):
    shape_a, shape_b = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=3)
    ).input_shapes
    a = Tensor(np.random.default_rng(0).standard_normal(shape_a), requires_grad=True)
    b = Tensor(np.random.default_rng(1).standard_normal(shape_b), requires_grad=True)
    out = a * b + a
    out.sum().backward()
    ones = np.ones(out.shape)
    # d(sum(a*b + a))/da = sum of (b + 1) over the axes a was broadcast along; likewise for b
    expected_a = np.sum(
        np.broadcast_to(b.data + 1, out.shape) * ones, axis=tuple(range(out.ndim - a.ndim))
    )
    expected_a = np.sum(
        expected_a, axis=tuple(i for i, n in enumerate(shape_a) if n == 1), keepdims=True
    ).reshape(shape_a)
    np.testing.assert_allclose(a.grad, expected_a, rtol=1e-10)
    assert b.grad.shape == tuple(shape_b)


# -- products, NaN-skipping reductions, counts ---------------------------------------------------
def with_nans(*shape):
    def make(rng):
        x = rng.standard_normal(shape)
        x.flat[[1, 6, 7]] = np.nan
        return x

    return make


def with_zero(*shape):
    def make(rng):
        x = rng.uniform(0.5, 1.5, shape)
        x.flat[2] = 0.0
        return x

    return make


MORE_CASES = [
    OpCase(
        "prod_axis",
        lambda x: ops.prod(x, axis=1),
        [normal(3, 4)],
        lambda x: np.prod(x, 1),
        lambda x: torch.prod(x, 1),
    ),
    OpCase(
        "prod_with_a_zero",
        lambda x: ops.prod(x, axis=(0, 1), keepdims=True),
        [with_zero(2, 3)],
        lambda x: np.prod(x, axis=(0, 1), keepdims=True),
        lambda x: torch.prod(x.reshape(-1)).reshape(1, 1),
    ),
    OpCase(
        "max_initial",
        lambda x: ops.max(x, axis=1, initial=0.3),
        [normal(3, 4)],
        lambda x: np.max(x, axis=1, initial=0.3),
    ),
    OpCase(
        "average_weights_1d",
        lambda x, w: ops.average(x, axis=1, weights=w),
        [normal(3, 4), uniform(0.5, 2.0, 4)],
        lambda x, w: np.average(x, axis=1, weights=w),
        lambda x, w: (x * w).sum(1) / w.sum(),
    ),
    OpCase(
        "average_weights_full",
        lambda x, w: ops.average(x, axis=0, weights=w),
        [normal(3, 4), uniform(0.5, 2.0, 3, 4)],
        lambda x, w: np.average(x, axis=0, weights=w),
        lambda x, w: (x * w).sum(0) / w.sum(0),
    ),
    OpCase(
        "ptp",
        lambda x: ops.ptp(x, axis=0),
        [normal(3, 4)],
        lambda x: np.ptp(x, axis=0),
        lambda x: torch.amax(x, 0) - torch.amin(x, 0),
    ),
    OpCase(
        "nansum",
        lambda x: ops.nansum(x, axis=1),
        [with_nans(3, 4)],
        lambda x: np.nansum(x, 1),
        lambda x: torch.nansum(x, 1),
    ),
    OpCase(
        "nanmean",
        lambda x: ops.nanmean(x, axis=1),
        [with_nans(3, 4)],
        lambda x: np.nanmean(x, 1),
        lambda x: torch.nanmean(x, 1),
    ),
    OpCase(
        "nanvar",
        lambda x: ops.nanvar(x, axis=1, keepdims=True),
        [with_nans(3, 4)],
        lambda x: np.nanvar(x, 1, keepdims=True),
    ),
    OpCase("nanstd", ops.nanstd, [with_nans(3, 4)], np.nanstd),
    OpCase(
        "nanmax",
        lambda x: ops.nanmax(x, axis=0),
        [with_nans(3, 4)],
        lambda x: np.nanmax(x, 0),
        lambda x: torch.amax(torch.nan_to_num(x, nan=-torch.inf), 0),
    ),
    OpCase(
        "nanmin",
        lambda x: ops.nanmin(x, axis=1),
        [with_nans(3, 4)],
        lambda x: np.nanmin(x, 1),
        lambda x: torch.amin(torch.nan_to_num(x, nan=torch.inf), 1),
    ),
    OpCase(
        "nanprod",
        lambda x: ops.nanprod(x, axis=1),
        [with_nans(3, 4)],
        lambda x: np.nanprod(x, 1),
        lambda x: torch.prod(torch.nan_to_num(x, nan=1.0), 1),
    ),
]

test_more_forward, test_more_float32, test_more_gradcheck, test_more_torch = standard_tests(
    MORE_CASES
)


def test_keras_reduction_dtypes():
    assert ops.sum(np.ones(3, dtype=bool)).dtype == np.int32
    assert ops.sum(np.ones(3, dtype="int8")).dtype == np.int32
    assert ops.sum(np.ones(3, dtype="uint8")).dtype == np.uint32
    assert ops.prod(np.ones(3, dtype="int16")).dtype == np.int32
    assert ops.mean(np.arange(4)).dtype == np.float32 and ops.var(np.arange(4)).dtype == np.float32
    assert ops.argmax(np.arange(4)).dtype == np.int32
    assert ops.count_nonzero(np.array([[0, 1], [2, 3]]), axis=1).data.tolist() == [1, 2]


def test_argmax_counts_negative_zero_as_smaller():
    assert ops.argmax(np.array([-0.0, 0.0])).item() == 1
    assert ops.argmin(np.array([0.0, -0.0])).item() == 1


def test_nan_arg_reductions_give_minus_one_for_all_nan_rows():
    x = np.array([[np.nan, 2.0, 1.0], [np.nan, np.nan, np.nan]])
    assert ops.nanargmax(x, axis=1).data.tolist() == [1, -1]
    assert ops.nanargmin(x, axis=1).data.tolist() == [2, -1]
    assert np.isnan(ops.nanmax(x, axis=1).data[1])


def test_histogram_and_bincount():
    values = np.array([0.1, 0.2, 0.35, 0.9, 0.5, 0.5])
    counts, edges = ops.histogram(values, bins=4)
    expected_counts, expected_edges = np.histogram(values, bins=4)
    np.testing.assert_array_equal(counts.data, expected_counts)
    np.testing.assert_allclose(edges.data, expected_edges)
    assert counts.dtype == values.dtype
    ids = np.array([0, 1, 1, 3])
    np.testing.assert_array_equal(ops.bincount(ids, minlength=6).data, [1, 2, 0, 1, 0, 0])
    weighted = ops.bincount(ids, weights=np.array([0.5, 1.0, 2.0, 1.5], dtype="float32"))
    assert weighted.dtype == np.float32 and weighted.data.tolist() == [0.5, 3.0, 0.0, 1.5]
    rows = ops.bincount(np.array([[0, 1, 1], [2, 2, 0]]))
    np.testing.assert_array_equal(rows.data, [[1, 2, 0], [1, 0, 2]])
    with pytest.raises(ValueError, match="bincount: values must be non-negative"):
        ops.bincount(np.array([-1, 2]))


def test_mean_of_float16_sums_in_float32_as_keras():
    # the sum of 100 x 1000.0 exceeds float16's range; the mean does not
    x = np.full(100, 1000.0, dtype="float16")
    out = ops.mean(x)
    assert out.dtype == np.float16 and float(out.data) == 1000.0
    np.testing.assert_array_equal(ops.mean(x.reshape(10, 10), axis=1).data, np.full(10, 1000.0))
