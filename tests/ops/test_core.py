"""Core ops: scatter and slice updates, segment reductions, saturate_cast, unstack, is_tensor, dtype
(the Keras 3.15 fixtures in test_nn.py cover them too)."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import Tensor, gradcheck, ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
except ImportError:
    torch = None

IDS = np.array([2, 0, 2, 1, 0, 2])
SCATTER_INDEX = np.array([[0, 1], [2, 0], [0, 1], [1, 1]])


def np_segment(data, ids, count, ufunc, empty):
    out = np.full((count,) + data.shape[1:], empty, dtype=data.dtype)
    ufunc.at(out, ids, data)
    return out


def torch_segment(reduce, empty):
    def ref(data, ids):
        index = ids.reshape(-1, *([1] * (data.ndim - 1))).expand_as(data)
        start = torch.full((int(ids.max()) + 1, *data.shape[1:]), empty, dtype=data.dtype)
        return start.scatter_reduce(0, index, data, reduce, include_self=False)

    return ref


def torch_scatter(indices, values):
    return torch.zeros(3, 2, dtype=values.dtype).index_put(tuple(indices.T), values, True)


def torch_slice_update(x, updates):
    out = x.clone()
    out[1:3, 2:5] = updates
    return out


def np_slice_update(x, updates):
    out = x.copy()
    out[1:3, 2:5] = updates
    return out


def np_scatter_update(x, updates):
    out = x.copy()
    out[[3, 0]] = updates
    return out


def torch_scatter_update(x, updates):
    return x.index_put((torch.tensor([3, 0]),), updates)


LOWEST = np.finfo(np.float64).min
CASES = [
    OpCase(
        "segment_sum",
        lambda d, i: ops.segment_sum(d, i),
        [normal(6, 3), lambda rng: IDS],
        lambda d, i: np_segment(d, i, 3, np.add, 0.0),
        lambda d, i: torch.zeros(3, 3, dtype=d.dtype).index_add(0, i, d),
    ),
    OpCase(
        "segment_max",
        lambda d, i: ops.segment_max(d, i),
        [normal(6, 3), lambda rng: IDS],
        lambda d, i: np_segment(d, i, 3, np.maximum, LOWEST),
        torch_segment("amax", LOWEST) if torch else None,
    ),
    OpCase(
        "segment_min",
        lambda d, i: ops.segment_min(d, i),
        [normal(6, 3), lambda rng: IDS],
        lambda d, i: np_segment(d, i, 3, np.minimum, -LOWEST),
        torch_segment("amin", -LOWEST) if torch else None,
    ),
    OpCase(
        "segment_prod",
        lambda d, i: ops.segment_prod(d, i),
        [normal(6, 3), lambda rng: IDS],
        lambda d, i: np_segment(d, i, 3, np.multiply, 1.0),
        torch_segment("prod", 1.0) if torch else None,
    ),
    OpCase(
        "segment_prod_with_zeros",
        lambda d, i: ops.segment_prod(d, i),
        [
            lambda rng: np.array([[0.0, 2.0], [3.0, 0.0], [0.0, 5.0], [1.5, -2.0]]),
            lambda rng: np.array([0, 0, 0, 1]),
        ],
        lambda d, i: np_segment(d, i, 2, np.multiply, 1.0),
    ),  # fmt: skip
    OpCase(
        "scatter",
        lambda i, v: ops.scatter(i, v, (3, 2)),
        [lambda rng: SCATTER_INDEX, normal(4)],
        None,
        torch_scatter if torch else None,
    ),
    OpCase(
        "scatter_update",
        lambda x, u: ops.scatter_update(x, np.array([[3], [0]]), u),
        [normal(4, 3), normal(2, 3)],
        np_scatter_update,
        torch_scatter_update if torch else None,
    ),
    OpCase(
        "scatter_update_add",
        lambda x, u: ops.scatter_update(x, np.array([[3], [0], [3]]), u, reduction="add"),
        [normal(4, 3), normal(3, 3)],
        None,
        lambda x, u: x.index_put((torch.tensor([3, 0, 3]),), u, True),
    ),
    OpCase(
        "scatter_update_mul",
        lambda x, u: ops.scatter_update(x, np.array([[3], [0], [3]]), u, reduction="mul"),
        [normal(4, 3), normal(3, 3)],
    ),
    OpCase(
        "scatter_update_max",
        lambda x, u: ops.scatter_update(x, np.array([[3], [0]]), u, reduction="max"),
        [normal(4, 3), normal(2, 3)],
    ),
    OpCase(
        "slice",
        lambda x: ops.slice(x, (1, 0, 2), (2, 3, 2)),
        [normal(4, 3, 5)],
        lambda x: x[1:3, 0:3, 2:4],
        lambda x: x[1:3, 0:3, 2:4],
    ),
    OpCase(
        "slice_update",
        lambda x, u: ops.slice_update(x, (1, 2), u),
        [normal(4, 6), normal(2, 3)],
        np_slice_update,
        torch_slice_update if torch else None,
    ),
    OpCase(
        "unstack_axis1",
        lambda x: ops.unstack(x, axis=1)[2],
        [normal(3, 4, 2)],
        lambda x: x[:, 2],
        lambda x: torch.unbind(x, 1)[2],
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_scatter_adds_repeated_indices_and_places_rows():
    out = ops.scatter(SCATTER_INDEX, np.array([1.0, 2.0, 3.0, 4.0]), (3, 2))
    assert out.data.tolist() == [[0.0, 4.0], [0.0, 4.0], [2.0, 0.0]]
    rows = ops.scatter(np.array([[1]]), np.array([[5.0, 6.0]]), (2, 2))
    assert rows.data.tolist() == [[0.0, 0.0], [5.0, 6.0]]


def test_scatter_update_leaves_its_input_alone():
    x = np.zeros(3)
    ops.scatter_update(x, np.array([[0]]), np.array([1.0]))
    assert x.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="reduction must be None or one of"):
        ops.scatter_update(x, np.array([[0]]), np.array([1.0]), reduction="mean")


def test_segment_ops_drop_negative_ids_and_fill_empty_segments():
    data = np.array([1.0, 2.0, 3.0, 4.0], dtype="float32")
    ids = np.array([0, -1, 2, 0])
    assert ops.segment_sum(data, ids, num_segments=4).data.tolist() == [5.0, 0.0, 3.0, 0.0]
    maxima = ops.segment_max(data, ids, num_segments=3).data
    assert maxima.tolist()[::2] == [4.0, 3.0] and maxima[1] == np.finfo(np.float32).min
    assert ops.segment_min(np.array([3, 1, 2]), np.array([0, 0, 2])).data.tolist() == [
        1,
        np.iinfo(np.int64).max,
        2,
    ]
    with pytest.raises(ValueError, match="one id per row"):
        ops.segment_sum(data, np.array([0, 1]))


def test_segment_max_shares_the_gradient_between_ties():
    x = Tensor(np.array([2.0, 2.0, 1.0]), requires_grad=True)
    ops.segment_max(x, np.array([0, 0, 0])).sum().backward()
    assert x.grad.tolist() == [0.5, 0.5, 0.0]


def test_segment_prod_gradient_with_two_zeros_is_zero():
    x = np.array([0.0, 0.0, 3.0])
    assert gradcheck(lambda t: ops.segment_prod(t, np.array([0, 0, 0])), x)
    t = Tensor(x, requires_grad=True)
    ops.segment_prod(t, np.array([0, 0, 0])).sum().backward()
    assert t.grad.tolist() == [0.0, 0.0, 0.0]


def test_slice_errors_and_sizes_to_the_end():
    x = np.arange(12).reshape(3, 4)
    assert ops.slice(x, (1, 1), (-1, 2)).data.tolist() == [[5, 6], [9, 10]]
    with pytest.raises(ValueError, match="does not fit"):
        ops.slice(x, (2, 0), (2, 2))
    with pytest.raises(ValueError, match="one entry per axis"):
        ops.slice_update(x, (0,), np.ones((1, 1)))


def test_saturate_cast_clips_to_the_target_range():
    x = np.array([-1.0, 0.6, 254.6, 300.0, np.inf])
    assert ops.saturate_cast(x, "uint8").data.tolist() == [0, 0, 254, 255, 255]
    assert ops.saturate_cast(x, "uint8").dtype == np.uint8
    big = ops.saturate_cast(np.array([3e10, -3e10], dtype="float32"), "int32").data
    assert big.tolist() == [2147483520, -2147483648]  # float32 cannot hold 2**31 - 1
    halves = ops.saturate_cast(np.array([1e6, -1e6]), "float16").data
    assert halves.tolist() == [65504.0, -65504.0]
    assert ops.saturate_cast(np.array([-3, 300]), "uint8").data.tolist() == [0, 255]


def test_saturate_cast_float_gradient_passes_inside_the_range():
    x = Tensor(np.array([1.0, 1e6]), requires_grad=True)
    ops.saturate_cast(x, "float16").sum().backward()
    assert x.grad.tolist() == [1.0, 0.0]


def test_is_tensor_dtype_unstack():
    assert ops.is_tensor(Tensor(1.0)) and ops.is_tensor(keras.Input((2,)))
    assert not ops.is_tensor(np.ones(2)) and not ops.is_tensor([1.0])
    assert ops.dtype(Tensor(np.ones(2, "float32"))) == "float32"
    assert ops.dtype([1, 2]) == "int64" and ops.dtype(np.array([True])) == "bool"
    parts = ops.unstack(np.arange(6).reshape(2, 3), num=2)
    assert [p.data.tolist() for p in parts] == [[0, 1, 2], [3, 4, 5]]
    with pytest.raises(ValueError, match="num=3"):
        ops.unstack(np.zeros((2, 3)), num=3)
