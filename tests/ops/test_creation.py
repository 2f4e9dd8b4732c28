import numpy as np

import glassnet as keras
from glassnet import ops


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
