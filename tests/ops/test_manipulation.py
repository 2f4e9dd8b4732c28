import numpy as np
import pytest

from glassnet import Tensor, ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

GATHER = np.array([0, 2, 2, 1])  # repeated index: its gradient must add up
MASK = np.random.default_rng(3).random((3, 4)) > 0.4


def weighted_pieces(pieces):
    # give each piece its own scale so a mixed-up gradient would show
    return [p * float(i + 1) for i, p in enumerate(pieces)]


CASES = [
    OpCase(
        "reshape",
        lambda x: ops.reshape(x, (4, -1)),
        [normal(2, 3, 4)],
        lambda x: x.reshape(4, -1),
        lambda x: x.reshape(4, -1),
    ),
    OpCase(
        "transpose_default",
        ops.transpose,
        [normal(2, 3, 4)],
        np.transpose,
        lambda x: x.permute(2, 1, 0),
    ),
    OpCase(
        "transpose_axes",
        lambda x: ops.transpose(x, (1, 2, 0)),
        [normal(2, 3, 4)],
        lambda x: x.transpose(1, 2, 0),
        lambda x: x.permute(1, 2, 0),
    ),
    OpCase(
        "broadcast_to",
        lambda x: ops.broadcast_to(x, (2, 3, 4)),
        [normal(3, 1)],
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        lambda x: torch.broadcast_to(x, (2, 3, 4)),
    ),
    OpCase(
        "expand_dims",
        lambda x: ops.expand_dims(x, 1),
        [normal(3, 4)],
        lambda x: np.expand_dims(x, 1),
        lambda x: x.unsqueeze(1),
    ),
    OpCase(
        "squeeze_axis",
        lambda x: ops.squeeze(x, 1),
        [normal(3, 1, 4)],
        lambda x: np.squeeze(x, 1),
        lambda x: x.squeeze(1),
    ),
    OpCase("squeeze_all", ops.squeeze, [normal(1, 3, 1)], np.squeeze, lambda x: x.squeeze()),
    OpCase(
        "concatenate",
        lambda a, b, c: ops.concatenate([a, b * 2.0, c], axis=1),
        [normal(2, 3), normal(2, 1), normal(2, 2)],
        lambda a, b, c: np.concatenate([a, b * 2, c], axis=1),
        lambda a, b, c: torch.cat([a, b * 2.0, c], 1),
    ),
    OpCase(
        "stack",
        lambda a, b: ops.stack([a, b * 3.0], axis=1),
        [normal(2, 3), normal(2, 3)],
        lambda a, b: np.stack([a, b * 3], axis=1),
        lambda a, b: torch.stack([a, b * 3.0], 1),
    ),
    OpCase(
        "split_sections",
        lambda x: ops.concatenate(weighted_pieces(ops.split(x, 3, axis=1)), axis=1),
        [normal(2, 6)],
        lambda x: np.concatenate(weighted_pieces(np.split(x, 3, axis=1)), axis=1),
        lambda x: torch.cat(weighted_pieces(torch.tensor_split(x, 3, dim=1)), 1),
    ),
    OpCase(
        "split_indices",
        lambda x: ops.concatenate(weighted_pieces(ops.split(x, [1, 4], axis=0)), axis=0),
        [normal(5, 2)],
        lambda x: np.concatenate(weighted_pieces(np.split(x, [1, 4], axis=0))),
        lambda x: torch.cat(weighted_pieces(torch.tensor_split(x, [1, 4], dim=0))),
    ),
    OpCase(
        "getitem_slice",
        lambda x: x[1:, ::2],
        [normal(4, 5)],
        lambda x: x[1:, ::2],
        lambda x: x[1:, ::2],
    ),
    OpCase(
        "getitem_int_and_newaxis",
        lambda x: x[1, None, :, -1],
        [normal(3, 4, 5)],
        lambda x: x[1, None, :, -1],
        lambda x: x[1, None, :, -1],
    ),
    OpCase(
        "getitem_gather_repeated",
        lambda x: x[GATHER],
        [normal(3, 4)],
        lambda x: x[GATHER],
        lambda x: x[torch.tensor(GATHER)],
    ),
    OpCase(
        "getitem_bool_mask",
        lambda x: x[MASK],
        [normal(3, 4)],
        lambda x: x[MASK],
        lambda x: x[torch.tensor(MASK)],
    ),
    OpCase(
        "take_axis1",
        lambda x: ops.take(x, GATHER, axis=1),
        [normal(2, 3)],
        lambda x: np.take(x, GATHER, axis=1),
        lambda x: torch.index_select(x, 1, torch.tensor(GATHER)),
    ),
    OpCase(
        "pad",
        lambda x: ops.pad(x, ((1, 2), (0, 3))),
        [normal(2, 3)],
        lambda x: np.pad(x, ((1, 2), (0, 3))),
        lambda x: F.pad(x, (0, 3, 1, 2)),
    ),
    OpCase(
        "flatten",
        ops.flatten,
        [normal(2, 3, 4)],
        lambda x: x.reshape(2, -1),
        lambda x: torch.flatten(x, 1),
    ),
]


test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_gather_gradient_adds_repeated_rows():
    x = Tensor(np.zeros((3, 2)), requires_grad=True)
    x[GATHER].sum().backward()
    np.testing.assert_array_equal(x.grad, [[1, 1], [1, 1], [2, 2]])


def test_errors_name_the_op_and_shapes():
    with pytest.raises(
        ValueError,
        match=r"reshape: cannot reshape an input of shape \(2, 3\) \(6 values\) into \(4,\)",
    ):
        ops.reshape(np.zeros((2, 3)), (4,))
    with pytest.raises(
        ValueError,
        match=r"concatenate: shapes \[\(2, 3\), \(3, 3\)\] must match on every axis but 1",
    ):
        ops.concatenate([np.zeros((2, 3)), np.zeros((3, 3))], axis=1)
    with pytest.raises(ValueError, match="stack: all tensors must have the same shape"):
        ops.stack([np.zeros(2), np.zeros(3)])
    with pytest.raises(ValueError, match=r"squeeze: axis 0 of shape \(2, 1\) has size 2"):
        ops.squeeze(np.zeros((2, 1)), 0)
    with pytest.raises(
        ValueError, match="split: axis 0 of size 5 cannot be cut into 2 equal sections"
    ):
        ops.split(np.zeros(5), 2)
    with pytest.raises(IndexError, match="take: indices must lie in"):
        ops.take(np.zeros((2, 3)), [3], axis=1)


# -- more NumPy-style manipulation ---------------------------------------------------------------
ALONG = np.array([[0, 3], [1, 1], [2, 0]])


def pad_case(mode, widths):
    return OpCase(
        f"pad_{mode}",
        lambda x: ops.pad(x, widths, mode=mode),
        [normal(3, 4)],
        lambda x: np.pad(x, widths, mode=mode),
    )


MORE_CASES = [
    OpCase(
        "flip",
        lambda x: ops.flip(x, axis=(0, 2)),
        [normal(2, 3, 4)],
        lambda x: np.flip(x, (0, 2)),
        lambda x: torch.flip(x, (0, 2)),
    ),
    OpCase("fliplr", ops.fliplr, [normal(3, 4)], np.fliplr, lambda x: torch.fliplr(x)),
    OpCase("flipud", ops.flipud, [normal(3, 4)], np.flipud, lambda x: torch.flipud(x)),
    OpCase(
        "roll_axis",
        lambda x: ops.roll(x, 2, axis=1),
        [normal(3, 4)],
        lambda x: np.roll(x, 2, axis=1),
        lambda x: torch.roll(x, 2, 1),
    ),
    OpCase(
        "roll_flat",
        lambda x: ops.roll(x, -5),
        [normal(3, 4)],
        lambda x: np.roll(x, -5),
        lambda x: torch.roll(x, -5),
    ),
    OpCase(
        "rot90",
        lambda x: ops.rot90(x, k=3, axes=(1, 2)),
        [normal(2, 3, 4)],
        lambda x: np.rot90(x, 3, (1, 2)),
        lambda x: torch.rot90(x, 3, (1, 2)),
    ),
    OpCase(
        "repeat_counts",
        lambda x: ops.repeat(x, [1, 0, 2], axis=0),
        [normal(3, 2)],
        lambda x: np.repeat(x, [1, 0, 2], axis=0),
        lambda x: torch.repeat_interleave(x, torch.tensor([1, 0, 2]), dim=0),
    ),
    OpCase(
        "repeat_flat",
        lambda x: ops.repeat(x, 2),
        [normal(2, 3)],
        lambda x: np.repeat(x, 2),
        lambda x: torch.repeat_interleave(x.reshape(-1), 2),
    ),
    OpCase(
        "tile",
        lambda x: ops.tile(x, (2, 1, 3)),
        [normal(3, 2)],
        lambda x: np.tile(x, (2, 1, 3)),
        lambda x: torch.tile(x, (2, 1, 3)),
    ),
    OpCase(
        "append",
        lambda a, b: ops.append(a, b, axis=1),
        [normal(2, 3), normal(2, 1)],
        lambda a, b: np.append(a, b, axis=1),
        lambda a, b: torch.cat([a, b], 1),
    ),
    OpCase(
        "array_split",
        lambda x: ops.concatenate(weighted_pieces(ops.array_split(x, 3, axis=1)), axis=1),
        [normal(2, 7)],
        lambda x: np.concatenate(weighted_pieces(np.array_split(x, 3, axis=1)), axis=1),
    ),
    OpCase(
        "hstack",
        lambda a, b: ops.hstack([a, b]),
        [normal(2, 3), normal(2, 2)],
        lambda a, b: np.hstack([a, b]),
        lambda a, b: torch.hstack([a, b]),
    ),
    OpCase(
        "vstack_vectors",
        lambda a, b: ops.vstack([a, b]),
        [normal(3), normal(3)],
        lambda a, b: np.vstack([a, b]),
        lambda a, b: torch.vstack([a, b]),
    ),
    OpCase(
        "dstack",
        lambda a, b: ops.dstack([a, b]),
        [normal(2, 3), normal(2, 3)],
        lambda a, b: np.dstack([a, b]),
        lambda a, b: torch.dstack([a, b]),
    ),
    OpCase(
        "take_along_axis",
        lambda x: ops.take_along_axis(x, ALONG, axis=1),
        [normal(3, 4)],
        lambda x: np.take_along_axis(x, ALONG, axis=1),
        lambda x: torch.take_along_dim(x, torch.tensor(ALONG), dim=1),
    ),
    OpCase(
        "take_along_axis_broadcast",
        lambda x: ops.take_along_axis(x, ALONG[:1], axis=0),
        [normal(4, 2)],
        lambda x: np.take_along_axis(x, ALONG[:1], axis=0),
        lambda x: torch.take_along_dim(x, torch.tensor(ALONG[:1]), dim=0),
    ),
    OpCase(
        "diag_vector",
        lambda x: ops.diag(x, k=-1),
        [normal(3)],
        lambda x: np.diag(x, -1),
        lambda x: torch.diag(x, -1),
    ),
    OpCase(
        "diag_matrix",
        lambda x: ops.diag(x, k=1),
        [normal(3, 4)],
        lambda x: np.diag(x, 1),
        lambda x: torch.diag(x, 1),
    ),
    OpCase(
        "diagflat",
        ops.diagflat,
        [normal(2, 2)],
        np.diagflat,
        lambda x: torch.diagflat(x),
    ),
    OpCase(
        "diagonal",
        lambda x: ops.diagonal(x, offset=-1, axis1=2, axis2=0),
        [normal(3, 2, 4)],
        lambda x: np.diagonal(x, -1, 2, 0),
        lambda x: torch.diagonal(x, -1, 2, 0),
    ),
    OpCase(
        "moveaxis",
        lambda x: ops.moveaxis(x, [0, 1], [-1, 0]),
        [normal(2, 3, 4)],
        lambda x: np.moveaxis(x, [0, 1], [-1, 0]),
        lambda x: torch.movedim(x, (0, 1), (-1, 0)),
    ),
    OpCase("ravel", ops.ravel, [normal(2, 3)], np.ravel, lambda x: torch.ravel(x)),
    pad_case("reflect", ((1, 2), (2, 1))),
    pad_case("symmetric", ((2, 0), (1, 3))),
    pad_case("edge", ((1, 1), (0, 2))),
    pad_case("wrap", ((3, 1), (1, 5))),
]

(
    test_more_forward,
    test_more_float32,
    test_more_gradcheck,
    test_more_torch,
) = standard_tests(MORE_CASES)


def test_splits_indices_and_views():
    x = np.arange(24.0).reshape(2, 3, 4)
    for ours, theirs in (
        (ops.hsplit(x, 3), np.hsplit(x, 3)),
        (ops.vsplit(x, [1]), np.vsplit(x, [1])),
        (ops.dsplit(x, 2), np.dsplit(x, 2)),
        (ops.array_split(x, 2, axis=2), np.array_split(x, 2, axis=2)),
    ):
        assert [p.shape for p in ours] == [p.shape for p in theirs]
        for p, q in zip(ours, theirs):
            np.testing.assert_array_equal(p.data, q)
    rows, cols = ops.nonzero(np.array([[0, 1, 0], [2, 0, 3]]))
    assert (
        rows.dtype == np.int32
        and rows.data.tolist() == [0, 1, 1]
        and cols.data.tolist() == [1, 0, 2]
    )
    unravelled = ops.unravel_index(np.array([1, 5, 7], dtype="int32"), (2, 4))
    assert [t.data.tolist() for t in unravelled] == [[0, 1, 1], [1, 1, 3]]
    assert unravelled[0].dtype == np.int32
    np.testing.assert_array_equal(
        ops.view(np.array([1.0, -2.0], dtype="float32"), "int32").data,
        np.array([1.0, -2.0], dtype="float32").view("int32"),
    )
    assert ops.get_item(x, (1, 2)).data.tolist() == x[1, 2].tolist()


def test_value_pad_modes_and_errors():
    x = np.arange(6.0).reshape(2, 3)
    for mode in ("maximum", "mean", "median", "minimum", "linear_ramp"):
        np.testing.assert_array_equal(ops.pad(x, 1, mode=mode).data, np.pad(x, 1, mode=mode))
    np.testing.assert_array_equal(
        ops.pad(x, 1, constant_values=7.0).data, np.pad(x, 1, constant_values=7.0)
    )
    with pytest.raises(ValueError, match="pad: constant_values can only be given"):
        ops.pad(x, 1, mode="edge", constant_values=1.0)
    with pytest.raises(ValueError, match="pad: unknown mode 'bogus'"):
        ops.pad(x, 1, mode="bogus")
    with pytest.raises(ValueError, match="rot90: expected an input with at least 2 dimensions"):
        ops.rot90(np.zeros(3))


def test_joining_mixed_dtypes_follows_keras_promotion():
    ints, floats = np.array([1, 2], dtype="int32"), np.array([0.5], dtype="float32")
    assert ops.concatenate([ints, floats]).dtype == np.float32
    assert ops.hstack([ints, np.array([3], dtype="int8")]).dtype == np.int32
    assert ops.stack([np.ones(2, dtype="uint8"), np.ones(2, dtype="int8")]).dtype == np.int16
