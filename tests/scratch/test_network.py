import numpy as np
import pytest

import glassnet as keras
from glassnet import datasets, layers
from glassnet.scratch import NeuralNetwork, Perceptron


def autograd_gradients(net, X, y, float64):
    """The same network in glassnet (logits + cross-entropy from logits), with the scratch
    weights copied in."""
    hidden = [layers.Dense(n, activation=net.activation) for n in net.sizes[1:-1]]
    model = keras.Sequential([keras.Input((net.sizes[0],)), *hidden, layers.Dense(net.sizes[-1])])
    for layer, W, b in zip(model.layers, net.W, net.b):
        layer.set_weights([W, b])
    model.compile(
        "sgd",
        keras.losses.get(
            {
                "class_name": "BinaryCrossentropy"
                if net.binary
                else "SparseCategoricalCrossentropy",
                "config": {"from_logits": True},
            }
        ),
    )
    target = y[:, None].astype(float) if net.binary else y
    value = model.compute_loss(y=target, y_pred=model(X))
    value.backward()
    return (
        [layer.kernel.grad for layer in model.layers],
        [layer.bias.grad for layer in model.layers],
        float(value.data),
    )


@pytest.mark.parametrize(
    "activation,sizes", [("relu", [4, 6, 5, 1]), ("tanh", [4, 7, 3]), ("sigmoid", [4, 5, 5, 1])]
)
def test_scratch_gradients_equal_autograd(float64, activation, sizes):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((16, 4))
    y = rng.integers(0, sizes[-1] if sizes[-1] > 1 else 2, 16)
    net = NeuralNetwork(sizes, activation=activation, seed=1)
    dW, db, loss = net.gradients(X, y)
    aW, ab, aloss = autograd_gradients(net, X, y, float64)
    assert loss == pytest.approx(aloss, rel=1e-10)
    for ours, theirs in zip(dW + db, aW + ab):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_initialisation_follows_the_activation():
    relu = NeuralNetwork([400, 300, 1], activation="relu", seed=0)
    tanh = NeuralNetwork([400, 300, 1], activation="tanh", seed=0)
    assert relu.W[0].std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)  # He
    assert tanh.W[0].std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)  # Xavier


def test_scratch_network_learns_moons():
    (x, y), (xt, yt) = datasets.load_2d("moons", n_samples=400)
    net = NeuralNetwork([2, 16, 16, 1], activation="relu", learning_rate=0.5, seed=0)
    losses = net.train(x, y, epochs=60, batch_size=32)
    assert losses[-1] < 0.3 * losses[0]
    assert (net.predict(xt) == yt).mean() > 0.95
    assert net.predict_proba(xt).shape == (len(xt), 1)


def test_scratch_softmax_network_on_three_blobs():
    from sklearn.preprocessing import StandardScaler

    (x, y), (xt, yt) = datasets.load_2d("blobs", n_samples=300)
    scaler = StandardScaler().fit(
        x
    )  # tanh units need inputs of unit scale, as tutorials do before training
    x, xt = scaler.transform(x), scaler.transform(xt)
    net = NeuralNetwork([2, 8, 3], activation="tanh", learning_rate=0.2, seed=0)
    net.train(x, y, epochs=40)
    from sklearn.linear_model import LogisticRegression

    baseline = (
        LogisticRegression().fit(x, y).score(xt, yt)
    )  # the blobs overlap a little: compare with a well-kept linear model
    assert (net.predict(xt) == yt).mean() >= baseline - 0.02
    np.testing.assert_allclose(net.predict_proba(xt).sum(axis=1), 1.0)


def test_perceptron_learns_a_linearly_separable_problem():
    (x, y), (xt, yt) = datasets.load_2d("linear", n_samples=200)
    p = Perceptron(learning_rate=0.1, epochs=50).fit(x, y)
    assert (p.predict(xt) == yt).mean() > 0.9
    assert p.errors[-1] <= p.errors[0]


def test_one_output_unit_refuses_three_classes():
    (x, y), _ = datasets.load_2d("blobs", n_samples=60)  # labels 0, 1, 2
    net = NeuralNetwork([2, 4, 1], seed=0)
    before = [w.copy() for w in net.W]
    with pytest.raises(ValueError, match=r"labels 0, 1, 2, but one output unit holds two classes"):
        net.train(x, y, epochs=1)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.W))  # nothing trained
    with pytest.raises(ValueError, match="give the last layer 3 units"):
        net.gradients(x, y)


@pytest.mark.parametrize(
    "sizes,X,y,message",
    [
        ([2, 3], np.zeros((4, 2)), [0, 1, 2, 3], r"labels must be 0 to 2"),
        ([2, 3], np.zeros((2, 2)), [-1, 0], r"labels -1, 0"),
        ([2, 1], np.zeros((2, 2)), [0.5, 1], "whole-number class ids"),
        ([2, 1], np.zeros((2, 3)), [0, 1], r"X must have shape \(samples, 2\), got \(2, 3\)"),
        ([2, 1], np.zeros((3, 2)), [0, 1], r"one label per sample \(3\)"),
    ],
)
def test_data_that_does_not_fit_the_network_is_refused(sizes, X, y, message):
    with pytest.raises(ValueError, match=message):
        NeuralNetwork(sizes).train(X, y, epochs=1)


@pytest.mark.parametrize(
    "arguments,message",
    [
        (dict(layer_sizes=[2]), "at least two whole numbers"),
        (dict(layer_sizes=[2, 0, 1]), "at least two whole numbers"),
        (dict(layer_sizes=[2, 1], learning_rate=float("nan")), "finite number > 0"),
        (dict(layer_sizes=[2, 1], learning_rate=-0.1), "finite number > 0"),
        (dict(layer_sizes=[2, 1], activation="gelu"), "activation must be one of"),
    ],
)
def test_bad_settings_are_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        NeuralNetwork(**arguments)
    with pytest.raises(ValueError, match="whole numbers >= 1"):
        NeuralNetwork([2, 1]).train(np.zeros((2, 2)), [0, 1], epochs=0)


def test_perceptron_refuses_more_than_two_classes():
    (x, y), _ = datasets.load_2d("blobs", n_samples=60)
    with pytest.raises(ValueError, match=r"labels 0 and 1 .* got \[0, 1, 2\]"):
        Perceptron().fit(x, y)
