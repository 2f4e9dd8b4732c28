"""Rosenblatt's perceptron: a weighted sum, a step, and a learning rule with no gradients at all."""

import numpy as np


class Perceptron:
    """Binary classifier for labels 0/1 that are linearly separable.

    Rule, for each misclassified sample: w <- w + learning_rate * (y - y_hat) * x, b likewise.
    """

    def __init__(self, learning_rate=0.1, epochs=20, seed=0):
        self.learning_rate, self.epochs, self.seed = learning_rate, epochs, seed
        self.weights = self.bias = None
        self.errors = []  # misclassifications per epoch

    def predict(self, X):
        # step activation: 1 if w . x + b >= 0 else 0
        return (np.asarray(X) @ self.weights + self.bias >= 0).astype(int)

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
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
