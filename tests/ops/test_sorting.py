import numpy as np
import pytest

from glassnet import Tensor, ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
except ImportError:
    torch = None

CASES = [
    OpCase(
        "sort_last_axis",
        ops.sort,
        [normal(3, 5)],
        lambda x: np.sort(x, -1),
        lambda x: torch.sort(x, -1).values,
    ),
    OpCase(
        "sort_axis0",
        lambda x: ops.sort(x, axis=0),
        [normal(4, 3)],
        lambda x: np.sort(x, 0),
        lambda x: torch.sort(x, 0).values,
    ),
    OpCase(
        "sort_flattened",
        lambda x: ops.sort(x, axis=None),
        [normal(2, 3)],
        lambda x: np.sort(x, axis=None),
        lambda x: torch.sort(x.reshape(-1)).values,
    ),
    OpCase(
        "top_k_values",
        lambda x: ops.top_k(x, 3)[0],
        [normal(2, 6)],
        lambda x: -np.sort(-x, -1)[:, :3],
        lambda x: torch.topk(x, 3).values,
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_index_ops_are_int32_and_match_numpy():
    x = np.random.default_rng(0).standard_normal((3, 5))
    np.testing.assert_array_equal(ops.argsort(x).data, np.argsort(x, -1))
    assert ops.argsort(x).dtype == np.int32 and ops.argsort(x, axis=None).shape == (15,)
    values, indices = ops.top_k(x, 2)
    assert indices.dtype == np.int32
    np.testing.assert_array_equal(np.take_along_axis(x, indices.data, -1), values.data)
    part = ops.argpartition(x, 2).data
    assert part.dtype == np.int32
    ordered = np.take_along_axis(x, part, -1)
    assert np.all(ordered[:, :2] <= ordered[:, 2:3]) and np.all(ordered[:, 3:] >= ordered[:, 2:3])


def test_top_k_takes_the_first_of_equal_values_and_passes_gradients_back():
    x = Tensor(np.array([[1.0, 3.0, 3.0, 2.0]]), requires_grad=True)
    values, indices = ops.top_k(x, 2)
    assert indices.data.tolist() == [[1, 2]]
    (values * Tensor([[10.0, 1.0]])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 10.0, 1.0, 0.0]])


def test_in_top_k_counts_ties_in_favour_of_the_target():
    predictions = np.array([[0.1, 0.5, 0.5, 0.2], [0.9, 0.1, 0.3, np.nan]])
    assert ops.in_top_k([2, 2], predictions, 1).data.tolist() == [True, False]
    assert ops.in_top_k([3, 3], predictions, 4).data.tolist() == [True, False]


def test_searchsorted_and_digitize():
    sequence = np.array([1.0, 2.0, 2.0, 3.0])
    values = np.array([[2.0, 0.5], [3.5, 2.0]])
    for side in ("left", "right"):
        out = ops.searchsorted(sequence, values, side=side)
        assert out.dtype == np.int32
        np.testing.assert_array_equal(out.data, np.searchsorted(sequence, values, side=side))
    with pytest.raises(ValueError, match="searchsorted: sorted_sequence must be 1-D"):
        ops.searchsorted(np.zeros((2, 2)), 1.0)
    bins = [0.0, 1.0, 2.5]
    x = np.array([-1.0, 0.0, 1.2, 2.5, 9.0])
    np.testing.assert_array_equal(ops.digitize(x, bins).data, np.digitize(x, bins))


def test_unique_in_all_its_forms():
    x = np.array([3, 1, 3, 2, 1, 3])
    values, index, inverse, counts = ops.unique(
        x, return_index=True, return_inverse=True, return_counts=True
    )
    np.testing.assert_array_equal(values.data, [1, 2, 3])
    np.testing.assert_array_equal(index.data, [1, 3, 0])
    np.testing.assert_array_equal(values.data[inverse.data], x)
    np.testing.assert_array_equal(counts.data, [2, 1, 3])
    assert index.dtype == inverse.dtype == counts.dtype == np.int32
    first_seen = ops.unique(x, sorted=False, return_inverse=True)
    np.testing.assert_array_equal(first_seen[0].data, [3, 1, 2])
    np.testing.assert_array_equal(first_seen[0].data[first_seen[1].data], x)
    padded = ops.unique(x, size=5, fill_value=-1, return_counts=True)
    np.testing.assert_array_equal(padded[0].data, [1, 2, 3, -1, -1])
    np.testing.assert_array_equal(padded[1].data, [2, 1, 3, 0, 0])
    np.testing.assert_array_equal(ops.unique(x, size=2).data, [1, 2])
    rows = ops.unique(np.array([[1, 2], [0, 5], [1, 2]]), axis=0)
    np.testing.assert_array_equal(rows.data, [[0, 5], [1, 2]])
