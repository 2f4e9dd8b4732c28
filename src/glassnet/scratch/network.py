"""A multi-layer network written out by hand: forward pass, backpropagation and gradient descent with
nothing but NumPy matrix products. It exists to be read, and to cross-check the autograd engine
(with the same weights, both give the same gradients to 1e-10)."""

import numpy as np


def sigmoid(z):
    e = np.exp(-np.abs(z))  # stable for large |z|
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


ACTIVATIONS = {
    # name: (f(z), f'(z) written with z and a = f(z))
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(z.dtype)),
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "sigmoid": (sigmoid, lambda z, a: a * (1 - a)),
}


class NeuralNetwork:
    """layer_sizes: e.g. [2, 8, 8, 1]. Hidden layers use ``activation``; the output is a sigmoid for one
    unit (binary cross-entropy) or a softmax for several (categorical cross-entropy).

    Weights W[l]: (n_in, n_out), He-initialised for ReLU, Xavier (Glorot) otherwise; biases zero.
    """

    def __init__(self, layer_sizes, activation="relu", learning_rate=0.1, seed=0):
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"NeuralNetwork: activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}"
            )
        self.sizes, self.activation, self.learning_rate = (
            list(layer_sizes),
            activation,
            learning_rate,
        )
        self.rng = np.random.default_rng(seed)
        self.W, self.b = [], []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            scale = (
                np.sqrt(2.0 / n_in) if activation == "relu" else np.sqrt(2.0 / (n_in + n_out))
            )  # He / Xavier
            self.W.append(self.rng.normal(0.0, scale, (n_in, n_out)))
            self.b.append(np.zeros(n_out))

    @property
    def binary(self):
        return self.sizes[-1] == 1

    def forward(self, X):
        """Returns the activations a[0] = X, a[1], ..., a[L] and pre-activations z[1..L]."""
        f = ACTIVATIONS[self.activation][0]
        a, zs = [np.asarray(X, dtype=float)], []
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            z = a[-1] @ W + b  # z = a_prev W + b
            zs.append(z)
            if l < len(self.W) - 1:
                a.append(f(z))  # hidden: a = f(z)
            elif self.binary:
                a.append(sigmoid(z))  # output: probability of class 1
            else:
                e = np.exp(z - z.max(axis=1, keepdims=True))
                a.append(e / e.sum(axis=1, keepdims=True))  # output: softmax probabilities
        return a, zs

    def loss(self, probabilities, y):
        eps = 1e-12
        if self.binary:
            p = probabilities[:, 0]
            return float(
                -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
            )  # binary cross-entropy
        return float(
            -np.mean(np.log(probabilities[np.arange(len(y)), y] + eps))
        )  # categorical cross-entropy

    def gradients(self, X, y):
        """Backpropagation: (dL/dW list, dL/db list, loss) for the mean loss over the batch."""
        y = np.asarray(y).astype(int).reshape(-1)
        a, zs = self.forward(X)
        n = len(y)
        target = y[:, None].astype(float) if self.binary else np.eye(self.sizes[-1])[y]
        delta = (
            a[-1] - target
        ) / n  # output: dL/dz = (p - y) / n, for sigmoid+BCE and softmax+CE alike
        dW, db = [None] * len(self.W), [None] * len(self.W)
        derivative = ACTIVATIONS[self.activation][1]
        for l in reversed(range(len(self.W))):
            dW[l] = a[l].T @ delta  # dL/dW = a_prev^T dL/dz
            db[l] = delta.sum(axis=0)  # dL/db = sum of dL/dz over the batch
            if l > 0:
                delta = (delta @ self.W[l].T) * derivative(
                    zs[l - 1], a[l]
                )  # dL/dz_prev = (dL/dz W^T) * f'(z_prev)
        return dW, db, self.loss(a[-1], y)

    def train(self, X, y, epochs=100, batch_size=32):
        """Mini-batch gradient descent with shuffling; returns the mean loss of each epoch."""
        X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int).reshape(-1)
        losses = []
        for _ in range(epochs):
            order = self.rng.permutation(len(X))
            total = 0.0
            for start in range(0, len(X), batch_size):
                index = order[start : start + batch_size]
                dW, db, loss = self.gradients(X[index], y[index])
                for l in range(len(self.W)):
                    self.W[l] -= self.learning_rate * dW[l]  # W <- W - learning_rate * dL/dW
                    self.b[l] -= self.learning_rate * db[l]
                total += loss * len(index)
            losses.append(total / len(X))
        return losses

    def predict_proba(self, X):
        return self.forward(X)[0][-1]

    def predict(self, X):
        p = self.predict_proba(X)
        return (p[:, 0] > 0.5).astype(int) if self.binary else p.argmax(axis=1)
