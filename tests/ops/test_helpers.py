import numpy as np
import pytest

from glassnet.ops import _helpers
from glassnet.ops._helpers import (
    broadcast_view,
    max_along,
    minus_row_max,
    product_over_rows,
    restore_reduced,
    sum_along,
    sum_columns,
)


@pytest.mark.parametrize(
    "array,shape",
    [
        (np.array(2.5, dtype="float32"), (3, 4)),
        (np.arange(3.0).reshape(3, 1), (3, 5)),
        (np.arange(3.0), (2, 3)),
        (np.arange(6.0).reshape(2, 3).T, (3, 2)),  # not contiguous
        (np.arange(4.0).reshape(1, 4, 1), (2, 4, 3)),
        (np.ones((0, 1)), (0, 4)),
        (np.ones(1), (2, 0)),
        (np.ones((2, 3)), (2, 3)),
        (np.full((1, 1), 4.0, dtype="float32"), (3, 1, 2)),  # one element: every stride 0
    ],
)
def test_broadcast_view_is_what_numpy_broadcast_to_gives(array, shape):
    view, expected = broadcast_view(array, shape), np.broadcast_to(array, shape)
    assert view.shape == expected.shape and view.dtype == expected.dtype
    np.testing.assert_array_equal(view, expected)
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[...] = 0


@pytest.mark.parametrize(
    "array,shape", [(np.ones(3), (4,)), (np.ones((2, 3)), (3,)), (np.ones((1, 1, 1)), (2, 2))]
)
def test_broadcast_view_refuses_shapes_that_do_not_broadcast(array, shape):
    with pytest.raises(ValueError, match="broadcast_view"):
        broadcast_view(array, shape)


@pytest.mark.parametrize("shape", [(4, 4), (1, 256), (64, 64), (128, 256), (2, 3, 700)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_positive_part_is_numpys_maximum_with_zero_for_small_and_large_arrays(shape, dtype):
    # below 4096 elements against the scalar 0, from there against a row of zeros
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    x.flat[:4] = [np.nan, -0.0, np.inf, -np.inf]
    expected = np.maximum(x, np.zeros((), dtype=dtype))
    out = _helpers.positive_part(x)
    assert out.dtype == x.dtype
    np.testing.assert_array_equal(out, expected)
    assert not np.signbit(out).any()  # -0.0 becomes 0.0 on both paths
    _helpers.positive_part(x, out=x)
    np.testing.assert_array_equal(x, expected)


@pytest.mark.parametrize("axes", [(0,), (1,), (0, 2), (0, 1, 2), ()])
def test_restore_reduced_puts_the_axes_back_as_expand_dims_does(axes):
    x = np.arange(24.0).reshape(2, 3, 4)
    reduced = x.sum(axis=axes)
    assert (
        restore_reduced(reduced, axes, keepdims=False).shape == np.expand_dims(reduced, axes).shape
    )
    assert restore_reduced(reduced, axes, keepdims=True) is reduced


def test_broadcast_view_of_a_scalar_array_to_no_axes_is_that_scalar():
    view = broadcast_view(np.array(1.5), ())
    assert view.shape == () and float(view) == 1.5


@pytest.mark.parametrize(
    "rows,columns,n",
    [
        (86528, 9, 32),  # the tutorial CNN's first kernel gradient: chunked
        (12000, 9, 3),  # chunks of 5461 rows, the last one shorter
        (6000, 16, 8),  # the most columns that are chunked: chunks of 2730 rows
        (3000, 17, 8),  # one more: a single product
        (100, 9, 32),  # fewer rows than one chunk: a single product
    ],
)
def test_product_over_rows_is_the_transposed_product(rows, columns, n):
    rng = np.random.default_rng(0)
    tall, other = rng.standard_normal((rows, columns)), rng.standard_normal((rows, n))
    result = product_over_rows(tall, other)
    assert result.shape == (columns, n) and result.dtype == np.float64
    np.testing.assert_allclose(result, tall.T @ other, rtol=1e-10, atol=1e-10)


def test_product_over_rows_adds_every_chunk_once(monkeypatch):
    """Four chunks of 256 rows, the last one short: a chunk left out or added twice changes
    the (exact, integer) sums."""
    monkeypatch.setattr(_helpers, "_ROW_CHUNK_FLOATS", 1)  # the smallest chunk, 256 rows
    rows = 3 * 256 + 7
    tall = np.stack([np.ones(rows), np.arange(rows) % 3], axis=1)
    other = np.arange(rows, dtype=np.float64)[:, None]
    np.testing.assert_array_equal(product_over_rows(tall, other), tall.T @ other)


def test_product_over_rows_keeps_float32():
    rng = np.random.default_rng(1)
    tall = rng.standard_normal((20000, 9)).astype(np.float32)
    other = rng.standard_normal((20000, 32)).astype(np.float32)
    result = product_over_rows(tall, other)
    assert result.dtype == np.float32
    exact = tall.astype(np.float64).T @ other.astype(np.float64)
    np.testing.assert_allclose(result, exact, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize(
    "shape",
    [(128, 10), (3, 7, 5), (16, 32), (15, 2), (1000, 1), (4, 33), (2, 3), (8, 0), (5,)],
    ids=lambda shape: "x".join(map(str, shape)),
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_max_along_is_numpys_max_with_the_axis_kept(shape, dtype):
    """The same values, shape and dtype as ``x.max(axis=-1, keepdims=True)``, NaN and infinities
    included, whether the transposed copy runs (narrow rows, enough of them) or NumPy's own."""
    rng = np.random.default_rng(4)
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    if dtype != np.int32 and x.size:
        x.flat[::13], x.flat[1::17], x.flat[2::19] = np.nan, np.inf, -np.inf
    for array in (x, x[..., ::-1]):  # contiguous, and a reversed view
        if array.shape[-1] == 0:
            with pytest.raises(ValueError):
                max_along(array)
            continue
        got, expected = max_along(array), array.max(axis=-1, keepdims=True)
        assert got.shape == expected.shape and got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def _shift_spy(monkeypatch):
    """The names of the compiled kernels ``minus_row_max`` runs."""
    calls = []
    real_get = _helpers.compiled.get

    def spy(name):
        kernel = real_get(name)
        return None if kernel is None else (lambda *a: (calls.append(name), kernel(*a))[1])

    monkeypatch.setattr(_helpers.compiled, "get", spy)
    return calls


@pytest.mark.filterwarnings("ignore:invalid value encountered in subtract")
@pytest.mark.parametrize(
    "shape",
    [(128, 10), (3, 7, 5), (16, 64), (9, 33), (4, 40), (1000, 1), (2, 256), (1, 10), (5,)],
    ids=lambda shape: "x".join(map(str, shape)),
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_minus_row_max_gives_numpys_bits(shape, dtype, monkeypatch):
    """x - max(x) along the last axis, by the compiled kernel when numba is there: the NumPy
    lines' values, shape and dtype, with NaN, both infinities and -0.0 in the rows (a NaN
    anywhere makes its row NaN) and rows shorter than, equal to and longer than the 16 lanes."""
    calls = _shift_spy(monkeypatch)
    rng = np.random.default_rng(6)
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    rows = x.reshape(-1, x.shape[-1])  # a view: what is set in it is set in x
    rows[0::4, -1] = np.nan  # a NaN in the last place, after every lane has its maximum
    rows[1::4, ::3], rows[1::4, 1::5] = np.inf, -0.0
    rows[2::4, ::2] = -np.inf
    rows[3::4, -1] = 1e6  # the row's largest value in the last place (a partial lane group)
    rows[3::4, 0] = -0.0
    got = minus_row_max(x)
    expected = x - x.max(axis=-1, keepdims=True)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    assert calls == (["subtract_row_max"] if _helpers.compiled.numba_available() else [])


def test_minus_row_max_steps_aside_for_what_numpy_must_do(monkeypatch):
    """Long rows, another axis, float16, integers, a non-contiguous view, a subclass and no
    values run ``x - max_along(x)``, with its results."""
    calls = _shift_spy(monkeypatch)
    rng = np.random.default_rng(7)
    x = rng.standard_normal((6, 300))
    cases = [
        (x, -1),  # rows longer than SHIFT_KERNEL_MAX_ROW: NumPy's loops are as fast
        (x[:, :40], -1),
        (x[:, :40], 0),
        (x[:, :40].astype(np.float16), -1),
        (np.arange(12).reshape(3, 4), -1),
        (np.ma.masked_array(x[:, :40].copy()), -1),
        (np.zeros((0, 5)), -1),
    ]
    for array, axis in cases:
        got = minus_row_max(array, axis)
        expected = array - array.max(axis=axis, keepdims=True)
        assert type(got) is type(expected) and got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    assert calls == []


def test_max_along_another_axis_is_numpys(monkeypatch):
    x = np.random.default_rng(5).standard_normal((40, 6, 3))
    np.testing.assert_array_equal(max_along(x, 1), x.max(axis=1, keepdims=True))
    transposed = []
    monkeypatch.setattr(
        _helpers.xp, "ascontiguousarray", lambda a: transposed.append(a.shape) or np.array(a)
    )
    max_along(x, -1)
    assert transposed == [(3, 240)]  # the narrow last axis: one copy, rows as columns


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(2048, 64), (128, 10), (1, 7), (5, 0), (0, 3)])
def test_sum_columns_is_as_accurate_as_numpys_sum(shape, dtype):
    """The row sums of BLAS's product with ones: the additions come in another order than
    NumPy's, so the test holds both to the float64 sum, NumPy's own error being the measure."""
    rng = np.random.default_rng(6)
    matrix = (rng.standard_normal(shape) * rng.uniform(0.5, 50, (shape[0], 1))).astype(dtype)
    got = sum_columns(matrix)
    assert got.shape == (shape[0],) and got.dtype == dtype
    exact = matrix.astype(np.float64).sum(axis=1)
    numpy_error = np.abs(matrix.sum(axis=1) - exact).max(initial=0.0)
    tolerance = np.finfo(dtype).eps * np.abs(matrix).sum(axis=1).max(initial=0.0)
    assert np.abs(got - exact).max(initial=0.0) <= max(2 * numpy_error, tolerance)


def test_sum_columns_leaves_other_dtypes_to_numpy():
    for matrix in (np.arange(12).reshape(3, 4), np.full((3, 700), 0.1, dtype=np.float16)):
        got = sum_columns(matrix)
        assert got.dtype == matrix.sum(axis=1).dtype
        np.testing.assert_array_equal(got, matrix.sum(axis=1))  # float16 sums in float32


@pytest.mark.parametrize(
    "shape,axis,by_blas",
    [
        ((64, 3, 5), -1, True),
        ((64, 3, 5), 2, True),
        ((1, 5), -1, True),  # one row too: the same rounding whatever the batch
        ((64, 3, 5), 1, False),
        ((6,), 0, True),  # a vector is one row
    ],
)
def test_sum_along_keeps_the_axis_as_numpy_does(shape, axis, by_blas, monkeypatch):
    calls = []
    monkeypatch.setattr(_helpers, "sum_columns", lambda m: calls.append(m.shape) or m.sum(1))
    x = np.random.default_rng(7).standard_normal(shape).astype(np.float32)
    got, expected = sum_along(x, axis), x.sum(axis=axis, keepdims=True)
    assert bool(calls) == by_blas
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_sum_along_gives_a_row_the_same_bits_in_any_batch():
    """What predict relies on for a softmax: row i's sum does not depend on the rows around it."""
    x = np.random.default_rng(8).standard_normal((70, 10)).astype(np.float32)
    whole = sum_along(x)
    for rows in (slice(0, 1), slice(3, 8), slice(0, 32), slice(32, 64), slice(64, 70)):
        np.testing.assert_array_equal(sum_along(x[rows]), whole[rows])


def test_ones_vector_is_shared_read_only_and_fresh_beyond_the_cached_length():
    ones = _helpers.ones_vector(10, np.dtype("float64"))
    assert ones is _helpers.ones_vector(10, np.dtype("float64"))  # made once
    assert ones.dtype == np.float64 and ones.tolist() == [1.0] * 10
    with pytest.raises(ValueError):  # no caller can change what the next one receives
        ones[0] = 2.0
    assert _helpers.ones_vector(10, np.dtype("float32")).dtype == np.float32
    long = _helpers.ones_vector(_helpers.ONES_VECTOR_MAX_CACHED + 1, np.dtype("float32"))
    assert long is not _helpers.ones_vector(
        _helpers.ONES_VECTOR_MAX_CACHED + 1, np.dtype("float32")
    )
    assert long.sum() == _helpers.ONES_VECTOR_MAX_CACHED + 1


def test_typed_constants_are_one_shared_read_only_0d_array_per_dtype():
    for dtype in ("float16", "float32", "float64", "int8", ">f4"):
        one = _helpers.ONE[np.dtype(dtype)]
        assert one.shape == () and one.dtype == np.dtype(dtype) and one == 1
        assert _helpers.ONE[np.dtype(dtype)] is one  # made once
        assert not one.flags.writeable
    assert _helpers.ZERO[np.dtype("float32")] == 0
    with pytest.raises(ValueError, match="read-only"):
        _helpers.ZERO[np.dtype("float32")][...] = 5
