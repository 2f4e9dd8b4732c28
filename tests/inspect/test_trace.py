"""trace() reproduces the hand-worked 2-2-1 sigmoid example; the expected numbers are computed here
independently, in plain NumPy, equation by equation."""

import numpy as np
import pytest

from glassnet.inspect import textbook_example, trace


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def by_hand():
    x, t, lr = np.array([[0.05, 0.10]]), np.array([[0.01]]), 0.5
    W1, b1 = np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([0.35, 0.35])
    W2, b2 = np.array([[0.40], [0.45]]), np.array([0.60])
    z1 = x @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ W2 + b2
    a2 = sigmoid(z2)
    loss = np.mean((a2 - t) ** 2)  # Keras's mse: mean over outputs and batch
    dL_da2 = 2 * (a2 - t) / a2.size
    dL_dz2 = dL_da2 * a2 * (1 - a2)
    dW2, db2 = a1.T @ dL_dz2, dL_dz2.sum(0)
    dL_da1 = dL_dz2 @ W2.T
    dL_dz1 = dL_da1 * a1 * (1 - a1)
    dW1, db1 = x.T @ dL_dz1, dL_dz1.sum(0)
    return dict(
        z1=z1,
        a1=a1,
        z2=z2,
        a2=a2,
        loss=loss,
        dL_da2=dL_da2,
        dL_dz2=dL_dz2,
        dW2=dW2,
        db2=db2,
        dL_da1=dL_da1,
        dL_dz1=dL_dz1,
        dW1=dW1,
        db1=db1,
        W1_new=W1 - lr * dW1,
        b1_new=b1 - lr * db1,
        W2_new=W2 - lr * dW2,
        b2_new=b2 - lr * db2,
    )


def test_trace_matches_the_hand_computed_example():
    expected = by_hand()
    model, x, y = textbook_example()
    t = trace(model, x, y)
    hidden, output = t.layers
    close = lambda a, b: np.testing.assert_allclose(
        a, b, rtol=1e-6, atol=1e-9
    )  # float32 model vs float64 hand arithmetic
    (
        close(hidden.z, expected["z1"]),
        close(hidden.a, expected["a1"]),
        close(output.z, expected["z2"]),
        close(output.a, expected["a2"]),
    )
    assert t.loss == pytest.approx(expected["loss"], rel=1e-6)
    close(output.dL_da, expected["dL_da2"]), close(output.dL_dz, expected["dL_dz2"])
    (
        close(output.gradients["kernel"], expected["dW2"]),
        close(output.gradients["bias"], expected["db2"]),
    )
    close(hidden.dL_da, expected["dL_da1"]), close(hidden.dL_dz, expected["dL_dz1"])
    (
        close(hidden.gradients["kernel"], expected["dW1"]),
        close(hidden.gradients["bias"], expected["db1"]),
    )
    (
        close(hidden.weights_after["kernel"], expected["W1_new"]),
        close(output.weights_after["bias"], expected["b2_new"]),
    )
    close(model.layers[1].kernel.data, expected["W2_new"])  # the step was really taken


def test_trace_text_is_the_worked_example():
    model, x, y = textbook_example()
    text = str(trace(model, x, y))
    for line in (
        "z1 = a0 @ W1 + b1 = [[0.3775, 0.3925]]",
        "a1 = sigmoid(z1) = [[0.5933, 0.5969]]",
        "a2 = sigmoid(z2) = [[0.7514]]",
        "dL/dz2 = dL/da2 * sigmoid'(z2)",
        "Update (SGD, learning rate 0.5)",
    ):
        assert line in text


def test_trace_needs_a_compiled_sequential_model():
    import glassnet as keras

    inputs = keras.Input((2,))
    with pytest.raises(TypeError, match="needs a Sequential model"):
        trace(
            keras.Model(inputs, keras.layers.Dense(1)(inputs)), np.zeros((1, 2)), np.zeros((1, 1))
        )
    with pytest.raises(RuntimeError, match="compile the model first"):
        trace(
            keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]),
            np.zeros((1, 2)),
            np.zeros((1, 1)),
        )
