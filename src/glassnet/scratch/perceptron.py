"""Rosenblatt's perceptron: a weighted sum, a step, and a learning rule with no gradients at all."""

import numpy as np


class Perceptron:
    """Binary classifier for labels 0/1 that are linearly separable.

    Rule, for each misclassified sample: w <- w + learning_rate * (y - y_hat) * x, b likewise.

    Args:
        learning_rate: the size of each correction.
        epochs: passes over the data at most (it stops early once no sample is wrong).
        seed: seeds the order of the samples.

    Example:

    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> Perceptron().fit(X, [0, 1]).predict(X)
    array([0, 1])
    """

    def __init__(self, learning_rate=0.1, epochs=20, seed=0):
        self.learning_rate, self.epochs, self.seed = learning_rate, epochs, seed
        self.weights = self.bias = None
        self.errors = []  # misclassifications per epoch

    def predict(self, X):
        """0 or 1 for each row of ``X``."""
        # step activation: 1 if w . x + b >= 0 else 0
        return (np.asarray(X) @ self.weights + self.bias >= 0).astype(int)

    def fit(self, X, y):
        """Learn from ``X`` (n, features) and labels ``y`` (n,) of 0 and 1; returns self."""
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if X.ndim != 2 or y.shape != (len(X),):
            raise ValueError(
                f"Perceptron.fit: X must be (samples, features) and y one label per sample, "
                f"got {X.shape} and {y.shape}"
            )
        if not np.isin(y, (0, 1)).all():
            raise ValueError(
                f"Perceptron.fit: y must hold the labels 0 and 1 (a perceptron separates two "
                f"classes), got {np.unique(y)[:10].tolist()}"
            )
        y = y.astype(int)
        rng = np.random.default_rng(self.seed)
        self.weights, self.bias = np.zeros(X.shape[1]), 0.0
        self.errors = []
        for _ in range(self.epochs):
            mistakes = 0
            for i in rng.permutation(len(X)):  # the rule is per sample: this loop is the algorithm
                update = self.learning_rate * (y[i] - self.predict(X[i : i + 1])[0])
                self.weights += update * X[i]
                self.bias += update
                mistakes += int(update != 0)
            self.errors.append(mistakes)
            if mistakes == 0:
                break
        return self
