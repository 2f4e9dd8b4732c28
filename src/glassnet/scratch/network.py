"""A multi-layer network written out by hand: forward pass, backpropagation and gradient descent
with nothing but NumPy matrix products. It exists to be read, and to cross-check the autograd
engine (with the same weights, both give the same gradients to 1e-10)."""

import math

import numpy as np


def sigmoid(z):
    """1 / (1 + e^-z), computed without overflow for large |z|.

    Args:
        z: an array (any shape).

    Example:

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0]))
    array([0.5, 1. , 0. ])
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


ACTIVATIONS = {
    # name: (f(z), f'(z) written with z and a = f(z))
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(z.dtype)),
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "sigmoid": (sigmoid, lambda z, a: a * (1 - a)),
}


def _positive_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= 1


class NeuralNetwork:
    """A fully connected network trained by hand-written backpropagation.

    Hidden layers use ``activation``; the output is a sigmoid for one unit (binary
    cross-entropy, labels 0 and 1) or a softmax for several (categorical cross-entropy, labels
    0 to units - 1). Weights W[layer]: (n_in, n_out), He-initialised for ReLU, Xavier (Glorot)
    otherwise; biases zero.

    Args:
        layer_sizes: units per layer, inputs first, e.g. [2, 8, 8, 1].
        activation: "relu", "tanh" or "sigmoid" for the hidden layers.
        learning_rate: the gradient-descent step.
        seed: seeds the initial weights and the shuffling.

    Example:

    >>> net = NeuralNetwork([2, 4, 1], seed=0)
    >>> net.predict_proba(np.zeros((3, 2))).shape
    (3, 1)
    """

    def __init__(self, layer_sizes, activation="relu", learning_rate=0.1, seed=0):
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"NeuralNetwork: activation must be one of {sorted(ACTIVATIONS)}, got "
                f"{activation!r}"
            )
        sizes = list(layer_sizes)
        if len(sizes) < 2 or not all(_positive_int(n) for n in sizes):
            raise ValueError(
                f"NeuralNetwork: layer_sizes must be at least two whole numbers >= 1 (inputs, "
                f"..., outputs), got {layer_sizes!r}"
            )
        if not isinstance(learning_rate, (int, float)) or not (
            math.isfinite(learning_rate) and learning_rate > 0
        ):
            raise ValueError(
                f"NeuralNetwork: learning_rate must be a finite number > 0, got {learning_rate!r}"
            )
        self.sizes, self.activation, self.learning_rate = sizes, activation, learning_rate
        self.rng = np.random.default_rng(seed)
        self.W, self.b = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            he, xavier = np.sqrt(2.0 / n_in), np.sqrt(2.0 / (n_in + n_out))
            scale = he if activation == "relu" else xavier
            self.W.append(self.rng.normal(0.0, scale, (n_in, n_out)))
            self.b.append(np.zeros(n_out))

    @property
    def binary(self):
        """Whether the output is one sigmoid unit (two classes)."""
        return self.sizes[-1] == 1

    def forward(self, X):
        """Returns the activations a[0] = X, a[1], ..., a[L] and pre-activations z[1..L]."""
        f = ACTIVATIONS[self.activation][0]
        a, zs = [np.asarray(X, dtype=float)], []
        for layer, (W, b) in enumerate(zip(self.W, self.b)):
            z = a[-1] @ W + b  # z = a_prev W + b
            zs.append(z)
            if layer < len(self.W) - 1:
                a.append(f(z))  # hidden: a = f(z)
            elif self.binary:
                a.append(sigmoid(z))  # output: probability of class 1
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                a.append(e / e.sum(axis=1, keepdims=True))  # output: softmax probabilities
        return a, zs

    def loss(self, probabilities, y):
        """The mean cross-entropy of the output ``probabilities`` for labels ``y``."""
        eps = 1e-12
        if self.binary:
            p = probabilities[:, 0]
            # binary cross-entropy
            return float(-np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
        # categorical cross-entropy
        return float(-np.mean(np.log(probabilities[np.arange(len(y)), y] + eps)))

    def check_data(self, X, y, where):
        """X as float (n, inputs) and y as int (n,), or a ValueError naming what does not fit
        this network: the number of inputs, or labels that its outputs cannot represent.

        Example:

        >>> NeuralNetwork([2, 1]).check_data([[0, 1]], [2], "train")
        Traceback (most recent call last):
        ...
        ValueError: NeuralNetwork.train: y holds the labels 2, but one output unit holds two \
classes (0 and 1); for 3 classes give the last layer 3 units (a softmax)
        """
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"NeuralNetwork.{where}: X must have shape (samples, {self.sizes[0]}), got "
                f"{X.shape}"
            )
        y = np.asarray(y)
        if y.size != len(X):
            raise ValueError(
                f"NeuralNetwork.{where}: y must hold one label per sample ({len(X)}), got "
                f"shape {y.shape}"
            )
        as_float = y.reshape(-1).astype(float)
        if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
            raise ValueError(f"NeuralNetwork.{where}: y must hold whole-number class ids")
        y = as_float.astype(int)
        classes = 2 if self.binary else self.sizes[-1]
        if y.size and (y.min() < 0 or y.max() >= classes):
            found = np.unique(y)
            shown = ", ".join(str(v) for v in found[:10]) + (", ..." if len(found) > 10 else "")
            if self.binary:
                remedy = (
                    f"one output unit holds two classes (0 and 1); for {y.max() + 1} classes "
                    f"give the last layer {y.max() + 1} units (a softmax)"
                )
            else:
                remedy = f"labels must be 0 to {classes - 1}, one per output unit"
            raise ValueError(f"NeuralNetwork.{where}: y holds the labels {shown}, but {remedy}")
        return X, y

    def gradients(self, X, y):
        """Backpropagation: (dL/dW list, dL/db list, loss) for the mean loss over the batch."""
        X, y = self.check_data(X, y, "gradients")
        a, zs = self.forward(X)
        n = len(y)
        target = y[:, None].astype(float) if self.binary else np.eye(self.sizes[-1])[y]
        # output: dL/dz = (p - y) / n, for sigmoid+BCE and softmax+CE alike
        delta = (a[-1] - target) / n
        dW, db = [None] * len(self.W), [None] * len(self.W)
        derivative = ACTIVATIONS[self.activation][1]
        for layer in reversed(range(len(self.W))):
            dW[layer] = a[layer].T @ delta  # dL/dW = a_prev^T dL/dz
            db[layer] = delta.sum(axis=0)  # dL/db = sum of dL/dz over the batch
            if layer > 0:
                # dL/dz_prev = (dL/dz W^T) * f'(z_prev)
                delta = (delta @ self.W[layer].T) * derivative(zs[layer - 1], a[layer])
        return dW, db, self.loss(a[-1], y)

    def train(self, X, y, epochs=100, batch_size=32):
        """Mini-batch gradient descent with shuffling; returns the mean loss of each epoch."""
        if not _positive_int(epochs) or not _positive_int(batch_size):
            raise ValueError(
                f"NeuralNetwork.train: epochs and batch_size must be whole numbers >= 1, got "
                f"{epochs!r} and {batch_size!r}"
            )
        X, y = self.check_data(X, y, "train")
        if not len(X):
            raise ValueError("NeuralNetwork.train: X holds no samples")
        losses = []
        for _ in range(epochs):
            order = self.rng.permutation(len(X))
            total = 0.0
            for start in range(0, len(X), batch_size):
                index = order[start : start + batch_size]
                dW, db, loss = self.gradients(X[index], y[index])
                for layer in range(len(self.W)):
                    # W <- W - learning_rate * dL/dW
                    self.W[layer] -= self.learning_rate * dW[layer]
                    self.b[layer] -= self.learning_rate * db[layer]
                total += loss * len(index)
            losses.append(total / len(X))
        return losses

    def predict_proba(self, X):
        """The output probabilities: (n, 1) for one unit, (n, classes) for a softmax."""
        return self.forward(X)[0][-1]

    def predict(self, X):
        """Class ids: probability > 0.5 for one unit, the largest probability otherwise."""
        p = self.predict_proba(X)
        return (p[:, 0] > 0.5).astype(int) if self.binary else p.argmax(axis=1)
