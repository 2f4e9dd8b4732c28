import numpy as np
import pytest

from glassnet import ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
except ImportError:
    torch = None

matmul_torch = torch.matmul if torch else None

CASES = [
    OpCase("matmul_2d", ops.matmul, [normal(3, 4), normal(4, 5)], np.matmul, matmul_torch),
    OpCase(
        "matmul_batched", ops.matmul, [normal(2, 3, 4), normal(2, 4, 5)], np.matmul, matmul_torch
    ),
    OpCase(
        "matmul_batch_broadcast",
        ops.matmul,
        [normal(2, 1, 3, 4), normal(3, 4, 2)],
        np.matmul,
        matmul_torch,
    ),
    OpCase(
        "matmul_batched_by_2d", ops.matmul, [normal(2, 3, 4), normal(4, 5)], np.matmul, matmul_torch
    ),
    OpCase("matmul_vector_left", ops.matmul, [normal(4), normal(4, 5)], np.matmul, matmul_torch),
    OpCase("matmul_vector_right", ops.matmul, [normal(3, 4), normal(4)], np.matmul, matmul_torch),
    OpCase("matmul_vector_vector", ops.matmul, [normal(4), normal(4)], np.matmul, matmul_torch),
]


test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_misaligned_shapes_name_both():
    with pytest.raises(
        ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) are not aligned.*3.*4"
    ):
        ops.matmul(np.zeros((2, 3)), np.zeros((4, 5)))


EINSUM_CASES = [
    OpCase(
        "einsum_matmul",
        lambda a, b: ops.einsum("ij,jk->ik", a, b),
        [normal(3, 4), normal(4, 2)],
        lambda a, b: np.einsum("ij,jk->ik", a, b),
        lambda a, b: torch.einsum("ij,jk->ik", a, b),
    ),
    OpCase(
        "einsum_attention_scores",
        lambda q, k: ops.einsum("bqd,bkd->bqk", q, k),
        [normal(2, 3, 4), normal(2, 5, 4)],
        lambda q, k: np.einsum("bqd,bkd->bqk", q, k),
        lambda q, k: torch.einsum("bqd,bkd->bqk", q, k),
    ),
    OpCase(
        "einsum_sum_only_in_one_operand",
        lambda a, b: ops.einsum("ij,k->jk", a, b),
        [normal(3, 4), normal(2)],
        lambda a, b: np.einsum("ij,k->jk", a, b),
        lambda a, b: torch.einsum("ij,k->jk", a, b),
    ),
    OpCase(
        "einsum_implicit",
        lambda a, b: ops.einsum("ij,jk", a, b),
        [normal(3, 4), normal(4, 2)],
        lambda a, b: np.einsum("ij,jk", a, b),
        lambda a, b: torch.einsum("ij,jk", a, b),
    ),
]


test_einsum_forward, test_einsum_float32, test_einsum_gradcheck, test_einsum_torch = standard_tests(
    EINSUM_CASES
)


def test_einsum_refuses_ellipsis_and_diagonals():
    with pytest.raises(ValueError, match="ellipsis"):
        ops.einsum("...ij->...ji", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="repeated index"):
        ops.einsum("ii->i", np.zeros((2, 2)))
