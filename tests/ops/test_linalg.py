import numpy as np
import pytest

from glassnet import ops
from tests.ops.harness import OpCase, check_against_torch, check_float32_stays_float32, check_forward, check_gradients, normal, parametrize

try:
    import torch
except ImportError:
    torch = None

matmul_torch = torch.matmul if torch else None

CASES = [
    OpCase("matmul_2d", ops.matmul, [normal(3, 4), normal(4, 5)], np.matmul, matmul_torch),
    OpCase("matmul_batched", ops.matmul, [normal(2, 3, 4), normal(2, 4, 5)], np.matmul, matmul_torch),
    OpCase("matmul_batch_broadcast", ops.matmul, [normal(2, 1, 3, 4), normal(3, 4, 2)], np.matmul, matmul_torch),
    OpCase("matmul_batched_by_2d", ops.matmul, [normal(2, 3, 4), normal(4, 5)], np.matmul, matmul_torch),
    OpCase("matmul_vector_left", ops.matmul, [normal(4), normal(4, 5)], np.matmul, matmul_torch),
    OpCase("matmul_vector_right", ops.matmul, [normal(3, 4), normal(4)], np.matmul, matmul_torch),
    OpCase("matmul_vector_vector", ops.matmul, [normal(4), normal(4)], np.matmul, matmul_torch),
]


@parametrize(CASES)
def test_forward(case):
    check_forward(case)


@parametrize(CASES)
def test_float32(case):
    check_float32_stays_float32(case)


@parametrize(CASES)
def test_gradcheck(case):
    check_gradients(case)


@parametrize(CASES)
def test_torch(case):
    check_against_torch(case)


def test_misaligned_shapes_name_both():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) are not aligned.*3.*4"):
        ops.matmul(np.zeros((2, 3)), np.zeros((4, 5)))
