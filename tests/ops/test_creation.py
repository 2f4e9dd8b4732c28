import numpy as np
import pytest

import glassnet as keras
from glassnet import ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
except ImportError:
    torch = None


def test_keras_ops_names_are_functions_not_modules():
    # a submodule named like a keras.ops function once shadowed it (ops.shape was the module)
    for name in (
        "shape",
        "arange",
        "einsum",
        "matmul",
        "softmax",
        "one_hot",
        "argmax",
        "cast",
        "convert_to_tensor",
    ):
        assert callable(getattr(ops, name)), name
    assert ops.shape(np.zeros((2, 3))) == (2, 3)


def test_creation_ops():
    assert ops.arange(0, 5).data.tolist() == [0, 1, 2, 3, 4] and ops.arange(0, 5).dtype == np.int32
    assert ops.arange(0.0, 1.0, 0.5).dtype == np.float32
    assert ops.zeros((2, 2)).dtype == np.float32 and ops.ones((3,), dtype="int32").dtype == np.int32
    assert ops.convert_to_tensor([1.0, 2.0]).dtype == np.float32
    np.testing.assert_array_equal(ops.triu(np.ones((3, 3)), k=1).data, np.triu(np.ones((3, 3)), 1))
    np.testing.assert_array_equal(ops.equal(np.array([1, 2]), 2).data, [False, True])
    assert ops.argmax(np.array([[1, 5, 2]]), axis=-1).data.tolist() == [1]


def test_ops_record_nodes_on_symbolic_inputs():
    inputs = keras.Input((4,))
    out = ops.softmax(ops.matmul(inputs, np.eye(4, dtype=np.float32) * 2.0))
    model = keras.Model(inputs, out)
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    e = np.exp(2 * x - (2 * x).max(1, keepdims=True))
    np.testing.assert_allclose(model.predict(x, verbose=0), e / e.sum(1, keepdims=True), rtol=1e-6)


def test_keras_creation_dtypes():
    assert ops.arange(5).dtype == np.int32 and ops.arange(1.0, 2.0, 0.25).dtype == np.float32
    assert ops.arange(2, 11, 3).data.tolist() == [2, 5, 8]
    assert ops.linspace(0, 1, 5).dtype == np.float32
    assert ops.linspace(np.array([0.0]), np.array([1.0]), 3).dtype == np.float64
    assert ops.eye(3, 4, k=1).data.tolist() == np.eye(3, 4, 1).tolist()
    assert ops.identity(2, dtype="int32").dtype == np.int32
    assert ops.full_like(np.zeros(2, dtype="int8"), 7).dtype == np.int8
    assert ops.empty((2, 3)).shape == (2, 3) and ops.empty_like(np.zeros((2, 1))).shape == (2, 1)
    assert ops.size(np.zeros((3, 4))).dtype == np.int32 and int(ops.size(np.zeros((3, 4)))) == 12
    assert ops.array([1.0, 2.0]).dtype == np.float32
    assert ops.floor(np.array([1, 2])).dtype == np.float32


def test_spaced_values_match_numpy():
    np.testing.assert_allclose(ops.linspace(0.0, 2.0, 4, endpoint=False).data, [0, 0.5, 1, 1.5])
    samples, step = ops.linspace(0.0, 1.0, 5, retstep=True)
    assert step.item() == 0.25 and samples.shape == (5,)
    np.testing.assert_allclose(
        ops.linspace(np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3, axis=1).data,
        np.linspace([0.0, 1.0], [1.0, 3.0], 3, axis=1),
    )
    np.testing.assert_allclose(ops.logspace(0, 3, 4, base=2).data, [1, 2, 4, 8])
    np.testing.assert_allclose(ops.geomspace(1, 1000, 4).data, [1, 10, 100, 1000], rtol=1e-6)
    np.testing.assert_array_equal(ops.tri(3, 4, -1).data, np.tri(3, 4, -1))


CREATION_CASES = [
    OpCase("copy", ops.copy, [normal(2, 3)], np.copy, lambda x: x.clone()),
    OpCase(
        "vander",
        lambda x: ops.vander(x, 4),
        [normal(3)],
        lambda x: np.vander(x, 4),
        lambda x: torch.linalg.vander(x, N=4).flip(-1),
    ),
    OpCase(
        "vander_increasing",
        lambda x: ops.vander(x, increasing=True),
        [normal(3)],
        lambda x: np.vander(x, increasing=True),
        lambda x: torch.linalg.vander(x),
    ),
    OpCase(
        "meshgrid_xy",
        lambda a, b: ops.stack(ops.meshgrid(a, b * 2.0)),
        [normal(3), normal(2)],
        lambda a, b: np.stack(np.meshgrid(a, b * 2.0)),
        lambda a, b: torch.stack(torch.meshgrid(a, b * 2.0, indexing="xy")),
    ),
    OpCase(
        "meshgrid_ij_three",
        lambda a, b, c: ops.stack(ops.meshgrid(a, b, c * 3.0, indexing="ij")),
        [normal(2), normal(3), normal(4)],
        lambda a, b, c: np.stack(np.meshgrid(a, b, c * 3.0, indexing="ij")),
        lambda a, b, c: torch.stack(torch.meshgrid(a, b, c * 3.0, indexing="ij")),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CREATION_CASES)


TRIANGLE_CASES = [
    OpCase(
        "tril",
        lambda x: ops.tril(x, k=-1),
        [normal(2, 3, 4)],
        lambda x: np.tril(x, -1),
        lambda x: torch.tril(x, -1),
    ),
    OpCase(
        "triu",
        lambda x: ops.triu(x, k=1),
        [normal(3, 4)],
        lambda x: np.triu(x, 1),
        lambda x: torch.triu(x, 1),
    ),
]

(
    test_triangle_forward,
    test_triangle_float32,
    test_triangle_gradcheck,
    test_triangle_torch,
) = standard_tests(TRIANGLE_CASES)


def test_keras_sparse_and_ragged_options_accept_dense_and_refuse_the_rest():
    assert ops.convert_to_tensor([1.0], sparse=False, ragged=False).data.tolist() == [1.0]
    assert ops.one_hot([1], 2, sparse=False).data.tolist() == [[0.0, 1.0]]
    for option in ("sparse", "ragged"):
        with pytest.raises(ValueError, match=f"convert_to_tensor: glassnet has no {option}"):
            ops.convert_to_tensor([1.0], **{option: True})
    with pytest.raises(ValueError, match="one_hot: glassnet has no sparse tensors"):
        ops.one_hot([1], 2, sparse=True)
