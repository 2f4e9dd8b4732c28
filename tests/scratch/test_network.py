import numpy as np
import pytest

import glassnet as keras
from glassnet import datasets, layers
from glassnet.scratch import NeuralNetwork, Perceptron


def autograd_gradients(net, X, y, float64):
    """The same network in glassnet (logits + cross-entropy from logits), with the scratch weights copied in."""
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
        [l.kernel.grad for l in model.layers],
        [l.bias.grad for l in model.layers],
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
