"""keras.Function: a recorded graph replayed on data (structures, shared layers, ops and layers
mixed), differentiable, and refusing graphs that need an input it was not given."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import Tensor, ops


def test_function_replays_layers_and_ops():
    keras.utils.set_random_seed(0)
    x = keras.Input((3,))
    dense = keras.layers.Dense(2)
    y = ops.tanh(dense(x)) + dense(x * 2.0)  # a shared layer, called twice
    fn = keras.Function(x, {"y": y, "relu": ops.relu(y)})
    data = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    out = fn(data)
    expected = np.tanh(dense(data).data) + dense(data * 2.0).data
    np.testing.assert_allclose(out["y"].data, expected, rtol=1e-6)
    np.testing.assert_allclose(out["relu"].data, np.maximum(expected, 0), rtol=1e-6)
    assert dense in fn.operations and len(fn.operations) >= 4


def test_function_takes_structures_and_is_differentiable():
    a, b = keras.Input((2,)), keras.Input((2,))
    fn = keras.Function([a, b], ops.sum(a * b, axis=1))
    u = Tensor(np.array([[1.0, 2.0]]), requires_grad=True)
    v = Tensor(np.array([[3.0, 4.0]]), requires_grad=True)
    fn([u, v]).sum().backward()
    assert u.grad.tolist() == [[3.0, 4.0]] and v.grad.tolist() == [[1.0, 2.0]]
    with pytest.raises(ValueError, match="expected 2 inputs, got 1"):
        fn([u])


def test_function_on_symbolic_inputs_records_again():
    x = keras.Input((2,))
    fn = keras.Function(x, ops.exp(x))
    y = fn(keras.Input((2,)))
    assert keras.backend.is_keras_tensor(y) and y.shape == (None, 2)
    assert fn.compute_output_spec(keras.Input((2,))).shape == (None, 2)


def test_function_needs_every_input():
    a, b = keras.Input((2,)), keras.Input((2,))
    with pytest.raises(ValueError, match="not one of the inputs"):
        keras.Function(a, a + b)
    with pytest.raises(TypeError, match="expected symbolic tensors"):
        keras.Function(np.ones(2), a)
