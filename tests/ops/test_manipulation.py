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
