"""trace(): the hand-worked 2-2-1 sigmoid example computed independently in plain NumPy; the
numbers it shows equal the engine's gradients for every weighted layer type, activation and loss;
looking leaves the model, its optimizer, metrics and the random generator exactly as they were."""

import re

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.inspect import textbook_example, trace
from glassnet.inspect.trace import format_array, weight_names


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


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)  # float32 model, float64 by hand


def test_trace_matches_the_hand_computed_example():
    expected = by_hand()
    model, x, y = textbook_example()
    t = trace(model, x, y)
    hidden, output = t.layers
    close(hidden.z, expected["z1"]), close(hidden.a, expected["a1"])
    close(output.z, expected["z2"]), close(output.a, expected["a2"])
    assert t.loss == pytest.approx(expected["loss"], rel=1e-6)
    close(output.dL_da, expected["dL_da2"]), close(output.dL_dz, expected["dL_dz2"])
    close(output.gradients["kernel"], expected["dW2"])
    close(output.gradients["bias"], expected["db2"])
    close(hidden.dL_da, expected["dL_da1"]), close(hidden.dL_dz, expected["dL_dz1"])
    close(hidden.gradients["kernel"], expected["dW1"])
    close(hidden.gradients["bias"], expected["db1"])
    close(hidden.weights_after["kernel"], expected["W1_new"])
    close(output.weights_after["bias"], expected["b2_new"])
    close(output.updates["kernel"], expected["W2_new"] - np.array([[0.40], [0.45]]))


def test_trace_leaves_the_model_unchanged_unless_asked():
    model, x, y = textbook_example()
    model.compile(keras.optimizers.Adam(0.1), "mse", metrics=["mae"])
    model.fit(x, y, epochs=2, verbose=0)  # optimizer slots and metric states exist
    weights = [w.copy() for w in model.get_weights()]
    slots = {
        id(v): {k: a.copy() for k, a in model.optimizer.state_of(v).items()}
        for v in model.trainable_weights
    }
    iterations = int(model.optimizer.iterations)
    metric_states = [[a.copy() for a in m.state()] for m in model.metrics]
    rng_draw = keras.backend.get_generator().bit_generator.state
    before = model.evaluate(x, y, verbose=0, return_dict=True)

    t = trace(model, x, y)

    for a, b in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(model.optimizer.iterations) == iterations
    for v in model.trainable_weights:
        for name, array in model.optimizer.state_of(v).items():
            np.testing.assert_array_equal(array, slots[id(v)][name])
    assert keras.backend.get_generator().bit_generator.state == rng_draw
    assert model.evaluate(x, y, verbose=0, return_dict=True) == before
    assert not t.applied
    # the update it shows is the one a real step makes
    t_applied = trace(model, x, y, apply=True)
    assert t_applied.applied and int(model.optimizer.iterations) == iterations + 1
    for layer, record in zip(model.layers, t.layers):
        for name, after in record.weights_after.items():
            np.testing.assert_allclose(getattr(layer, name).data, after, rtol=1e-6)
    del metric_states


def test_trace_text_is_the_worked_example():
    model, x, y = textbook_example()
    text = str(trace(model, x, y))
    for line in (
        "z1 = a0 @ W1 + b1 = [[0.3775, 0.3925]]",
        "a1 = sigmoid(z1) = [[0.5933, 0.5969]]",
        "a2 = sigmoid(z2) = [[0.7514]]",
        "dL/dz2 = dL/da2 * sigmoid'(z2)",
        "Update (SGD, learning rate 0.5; not applied: the model is unchanged)",
        "hidden/kernel: new = kernel - 0.5 * dL/dkernel = [[0.1493, 0.2493],",
    ):
        assert line in text, line
    assert "None" not in text


def test_values_are_shown_with_significant_digits_and_aligned_rows():
    assert format_array(np.array([0.001337, 1e-6, -2.5e-9, 12345.0])) == (
        "[0.001337, 1e-06, -2.5e-09, 1.234e+04]"
    )
    prefix = "    dL/dkernel = "
    text = format_array(np.arange(6.0).reshape(3, 2) * 1e-7, prefix=prefix)
    rows = text.split("\n")
    assert rows[0] == "[[0, 1e-07],"
    assert rows[1] == " " * (len(prefix) + 1) + "[2e-07, 3e-07],"


def test_softmax_cross_entropy_shows_the_true_gradients():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(5, activation="relu"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    y = np.array([2, 0])
    t = trace(model, x, y)
    out = t.layers[-1]
    p = out.a
    onehot = np.eye(3)[y]
    close(out.dL_da, -onehot / p / len(y))  # dL/da = -y / p (mean over the batch)
    close(out.dL_dz, (p - onehot) / len(y))  # dL/dz = p - y
    text = str(t)
    assert "dL/dz2 = J_softmax(z2)^T dL/da2 = a2 - y" in text
    assert "softmax'(z2)" not in text
    assert "adam_step" not in text and "dense_1/kernel: step = " in text


WEIGHTED_LAYERS = {
    "dense": lambda: [layers.Dense(3, activation="tanh")],
    "conv2d": lambda: [layers.Conv2D(2, 2, activation="relu"), layers.Flatten()],
    "conv1d": lambda: [
        layers.Reshape((4, 1)),
        layers.Conv1D(2, 2, activation="sigmoid"),
        layers.Flatten(),
    ],
    "lstm": lambda: [layers.Reshape((2, 2)), layers.LSTM(3)],
    "gru": lambda: [layers.Reshape((2, 2)), layers.GRU(3)],
    "simple_rnn": lambda: [layers.Reshape((2, 2)), layers.SimpleRNN(3)],
    "batchnorm": lambda: [layers.Dense(3), layers.BatchNormalization()],
    "layernorm": lambda: [layers.Dense(3), layers.LayerNormalization()],
    "embedding": lambda: [layers.Embedding(5, 3), layers.Flatten()],
    "conv2d_transpose": lambda: [layers.Conv2DTranspose(2, 2, strides=2, activation="tanh")],
    "depthwise_conv2d": lambda: [layers.DepthwiseConv2D(2, depth_multiplier=2)],
    "separable_conv2d": lambda: [layers.SeparableConv2D(2, 2, activation="relu")],
}
IMAGE_LAYERS = ("conv2d", "conv2d_transpose", "depthwise_conv2d", "separable_conv2d")
ACTIVATIONS = [
    "relu",
    "sigmoid",
    "tanh",
    "elu",
    "selu",
    "gelu",
    "softplus",
    "leaky_relu",
    "silu",
    "softmax",
    "linear",
]
LOSSES = {
    "mse": ("linear", "regression"),
    "mae": ("linear", "regression"),
    "huber": ("linear", "regression"),
    "sparse_categorical_crossentropy": ("softmax", "sparse"),
    "categorical_crossentropy": ("softmax", "onehot"),
    "binary_crossentropy": ("sigmoid", "binary"),
}


def _model(body, activation="linear", units=2, input_shape=(2, 2, 1)):
    return keras.Sequential(
        [
            keras.Input(input_shape),
            *body,
            layers.Flatten(),
            layers.Dense(units, activation=activation),
        ]
    )


def _targets(kind, n, units, rng):
    if kind == "regression":
        return rng.standard_normal((n, units))
    if kind == "sparse":
        return rng.integers(0, units, n)
    if kind == "onehot":
        return np.eye(units)[rng.integers(0, units, n)]
    return rng.integers(0, 2, (n, units)).astype(float)


def assert_trace_equals_autograd(model, x, y):
    """Every number trace shows equals the engine's own gradients for the same step, and the
    model is unchanged afterwards."""
    weights = [w.copy() for w in model.get_weights()]
    t = trace(model, x, y)
    for a, b in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    # the engine's gradients, computed independently (same reference path, same inputs)
    with keras.config.fusion_disabled():
        y_pred = model(x, training=True)
        loss = model.compute_loss(x, y, y_pred, training=True)
    model.zero_grad()
    loss.backward()
    assert t.loss == pytest.approx(float(loss.data), rel=1e-6)
    traced = [layer for layer in model.layers if not isinstance(layer, layers.InputLayer)]
    assert [record.name for record in t.layers] == [layer.name for layer in traced]
    seen_weights = False
    for layer, record in zip(traced, t.layers):
        assert len(record.gradients) == len(layer.trainable_weights)
        for name, v in weight_names(layer):
            np.testing.assert_allclose(record.gradients[name], v.grad, rtol=1e-5, atol=1e-8)
        seen_weights = seen_weights or bool(layer.trainable_weights)
        if seen_weights:  # from the first weighted layer on, a gradient reaches every output
            assert record.dL_da is not None and record.dL_da.shape == record.a.shape
    model.zero_grad()
    return t


@pytest.mark.parametrize("name", sorted(WEIGHTED_LAYERS))
def test_trace_equals_autograd_for_every_weighted_layer(name):
    rng = np.random.default_rng(0)
    if name == "embedding":
        model = keras.Sequential([keras.Input((4,)), *WEIGHTED_LAYERS[name](), layers.Dense(2)])
        x = rng.integers(0, 5, (3, 4))
    elif name in ("dense", "batchnorm", "layernorm"):
        model = keras.Sequential([keras.Input((4,)), *WEIGHTED_LAYERS[name](), layers.Dense(2)])
        x = rng.standard_normal((3, 4))
    elif name in IMAGE_LAYERS:
        model = _model(WEIGHTED_LAYERS[name](), input_shape=(3, 3, 2))
        x = rng.standard_normal((3, 3, 3, 2))
    else:
        model = keras.Sequential([keras.Input((4,)), *WEIGHTED_LAYERS[name](), layers.Dense(2)])
        x = rng.standard_normal((3, 4))
    model.compile(keras.optimizers.Adam(0.01), "mse")
    assert_trace_equals_autograd(model, x, rng.standard_normal((3, 2)))


def test_trace_equals_autograd_through_multi_head_attention():
    rng = np.random.default_rng(0)
    inputs = keras.Input((3, 4))
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=2)(inputs, inputs)
    model = keras.Model(inputs, layers.Dense(2)(layers.Flatten()(attended)))
    model.compile(keras.optimizers.Adam(0.01), "mse")
    t = assert_trace_equals_autograd(
        model, rng.standard_normal((3, 3, 4)), rng.standard_normal((3, 2))
    )
    record = t.layers[[layer.name for layer in t.layers].index(model.layers[1].name)]
    assert len(record.gradients) == 8  # query, key, value, output: kernel and bias each


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_trace_equals_autograd_for_every_activation(activation):
    rng = np.random.default_rng(1)
    model = keras.Sequential(
        [keras.Input((3,)), layers.Dense(4, activation=activation, name="hidden"), layers.Dense(2)]
    )
    model.compile("sgd", "mse")
    t = assert_trace_equals_autograd(
        model, rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    )
    hidden = t.layers[0]
    if activation == "linear":
        assert hidden.z is None  # a = z: nothing separate to show
    else:
        assert hidden.activation == activation
        close(hidden.a, keras.activations.get(activation)(hidden.z).data)
        # dL/dz is what the activation's backward makes of dL/da
        if activation != "softmax":
            z = keras.Tensor(hidden.z.astype(np.float64), requires_grad=True)
            keras.activations.get(activation)(z).backward(hidden.dL_da.astype(np.float64))
            np.testing.assert_allclose(hidden.dL_dz, z.grad, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_trace_equals_autograd_for_every_loss(loss):
    activation, kind = LOSSES[loss]
    rng = np.random.default_rng(2)
    units = 1 if kind == "binary" else 3
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(units, activation=activation),
        ]
    )
    model.compile("sgd", loss)
    y = _targets(kind, 4, units, rng)
    t = assert_trace_equals_autograd(model, rng.standard_normal((4, 3)), y)
    out = t.layers[-1]
    if kind in ("sparse", "onehot"):  # softmax + cross-entropy: dL/dz = (p - y) / batch
        onehot = y if kind == "onehot" else np.eye(units)[y]
        close(out.dL_dz, (out.a - onehot) / 4)
    if kind == "binary":  # sigmoid + binary cross-entropy: dL/dz = (p - y) / batch
        np.testing.assert_allclose(out.dL_dz, (out.a - y) / 4, rtol=1e-4, atol=1e-6)


def test_trace_works_on_functional_and_subclassed_models():
    rng = np.random.default_rng(3)
    inputs = keras.Input((3,))
    outputs = layers.Dense(2, activation="sigmoid")(layers.Dense(4, activation="relu")(inputs))
    functional = keras.Model(inputs, outputs)
    functional.compile("sgd", "mse")
    t = assert_trace_equals_autograd(functional, rng.standard_normal((2, 3)), np.ones((2, 2)))
    assert [r.kind for r in t.layers] == ["Dense", "Dense"]


def test_trace_needs_a_compiled_model():
    with pytest.raises(RuntimeError, match="compile the model first"):
        trace(
            keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]),
            np.zeros((1, 2)),
            np.zeros((1, 1)),
        )


def test_trace_to_dict_is_the_data_behind_the_text():
    model, x, y = textbook_example()
    data = trace(model, x, y).to_dict()
    assert [layer["name"] for layer in data["layers"]] == ["hidden", "output"]
    assert re.match(r"0\.5496", str(data["loss"]))
    assert data["layers"][1]["gradients"]["bias"][0] == pytest.approx(0.277, rel=1e-3)
