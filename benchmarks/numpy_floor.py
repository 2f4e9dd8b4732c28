"""The floor for any NumPy library: the Fashion-MNIST MLP's training step written by hand in NumPy.

    GLASSNET_DATA=../shared/datasets python benchmarks/numpy_floor.py

The same model, batch, loss and Adam as benchmarks/run.py's mlp_train_128 case, with no framework
at all: three GEMMs forward, five backward, ReLU masks, softmax cross-entropy and an in-place Adam.
Prints the epoch time of this loop and of glassnet's ``fit`` on the same data, alternating. Whatever
glassnet spends above this line is framework overhead; what stays below PyTorch's time is NumPy's.
"""

import math
import statistics
import time

import numpy as np

import glassnet as keras
from glassnet import layers

SIZES = (784, 256, 128, 10)
BATCH = 128


def numpy_epoch(x, y, rng, state):
    """One epoch of plain NumPy training; ``state`` holds weights, biases and Adam's moments."""
    weights, biases, m, v, scratch = (
        state["w"],
        state["b"],
        state["m"],
        state["v"],
        state["scratch"],
    )
    params = weights + biases
    order = rng.permutation(len(x))
    for start in range(0, len(x), BATCH):
        index = order[start : start + BATCH]
        xb, yb = x[index], y[index]
        h1 = xb @ weights[0] + biases[0]
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ weights[1] + biases[1]
        np.maximum(h2, 0, out=h2)
        z = h2 @ weights[2] + biases[2]
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(len(yb)), yb] -= 1  # dL/dz of the mean cross-entropy, times the batch size
        p /= len(yb)
        d2 = (p @ weights[2].T) * (h2 > 0)
        d1 = (d2 @ weights[1].T) * (h1 > 0)
        grads = [xb.T @ d1, h1.T @ d2, h2.T @ p, d1.sum(0), d2.sum(0), p.sum(0)]
        state["t"] += 1
        alpha = 1e-3 * math.sqrt(1 - 0.999 ** state["t"]) / (1 - 0.9 ** state["t"])
        for w, g, mw, vw, tmp in zip(params, grads, m, v, scratch):
            np.subtract(g, mw, out=tmp)
            tmp *= 0.1
            mw += tmp
            np.multiply(g, g, out=tmp)
            tmp -= vw
            tmp *= 0.001
            vw += tmp
            np.sqrt(vw, out=tmp)
            tmp += 1e-7
            np.divide(mw, tmp, out=tmp)
            tmp *= alpha
            w -= tmp


def main():
    (x, y), _ = keras.datasets.fashion_mnist.load_data()
    x, y = (x.reshape(len(x), -1) / np.float32(255)).astype(np.float32), y.astype(np.int64)
    rng = np.random.default_rng(0)
    weights = [
        (rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32)
        for a, b in zip(SIZES[:-1], SIZES[1:])
    ]
    biases = [np.zeros(b, np.float32) for b in SIZES[1:]]
    params = weights + biases
    state = {
        "w": weights,
        "b": biases,
        "m": [np.zeros_like(p) for p in params],
        "v": [np.zeros_like(p) for p in params],
        "scratch": [np.empty_like(p) for p in params],
        "t": 0,
    }
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((784,)),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    numpy_epoch(x[:2560], y[:2560], rng, state)  # warm-up
    model.fit(x[:2560], y[:2560], batch_size=BATCH, verbose=0)
    times = {"plain NumPy": [], "glassnet fit": []}
    for _ in range(5):
        start = time.perf_counter()
        numpy_epoch(x, y, rng, state)
        times["plain NumPy"].append(time.perf_counter() - start)
        start = time.perf_counter()
        model.fit(x, y, batch_size=BATCH, verbose=0)
        times["glassnet fit"].append(time.perf_counter() - start)
    for name, samples in times.items():
        print(
            f"{name}: {statistics.median(samples) * 1000:.0f} ms/epoch "
            f"(median of 5; all: {', '.join(f'{s * 1000:.0f}' for s in samples)})"
        )


if __name__ == "__main__":
    main()
