"""Fashion-MNIST MLP 784-256-128-10 (ReLU, softmax), Adam 1e-3, batch 128: glassnet vs PyTorch.

    GLASSNET_DATA=../shared/datasets python benchmarks/fashion_mnist_mlp.py [--epochs 10] [--seed 0]

Prints test accuracy after every epoch and the epoch time of each library (same data, same
threads, same recipe; each library's own Adam defaults). Training time excludes evaluation.
"""

import argparse
import os
import statistics
import time

import numpy as np

import glassnet as keras
from common import print_accuracy_table
from glassnet.layers import Dense


def load():
    (x, y), (xt, yt) = keras.datasets.fashion_mnist.load_data()
    return (x.reshape(-1, 784).astype(np.float32) / 255, y.astype(np.int64)), (
        xt.reshape(-1, 784).astype(np.float32) / 255,
        yt.astype(np.int64),
    )


def run_glassnet(train, test, epochs, batch_size, seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((784,)),
            Dense(256, activation="relu"),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    times, accuracies = [], []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(*train, batch_size=batch_size, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
        accuracies.append(
            model.evaluate(*test, batch_size=1024, verbose=0, return_dict=True)["accuracy"]
        )
    return times, accuracies


def run_torch(train, test, epochs, batch_size, seed, threads):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    model = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x, y = torch.from_numpy(train[0]), torch.from_numpy(train[1])
    xt, yt = torch.from_numpy(test[0]), torch.from_numpy(test[1])
    generator = torch.Generator().manual_seed(seed)
    times, accuracies = [], []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for i in range(0, len(x), batch_size):
            index = order[i : i + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - start)
        model.eval()
        with torch.no_grad():
            accuracies.append(float((model(xt).argmax(1) == yt).float().mean()))
    return times, accuracies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    threads = int(os.environ.get("OMP_NUM_THREADS", os.cpu_count()))
    train, test = load()
    results = {"glassnet": run_glassnet(train, test, args.epochs, args.batch_size, args.seed)}
    try:
        import torch

        results[f"torch {torch.__version__}"] = run_torch(
            train, test, args.epochs, args.batch_size, args.seed, threads
        )
    except ImportError:
        print("(PyTorch not installed: its column is skipped)")
    print(
        f"Fashion-MNIST MLP 784-256-128-10, Adam 1e-3, batch {args.batch_size}, "
        f"{threads} threads, seed {args.seed}"
    )
    print_accuracy_table(results, args.epochs)
    for n in results:
        times = results[n][0]
        print(
            f"{n}: median epoch time {statistics.median(times):.2f} s, "
            f"final test accuracy {results[n][1][-1]:.4f}"
        )


if __name__ == "__main__":
    main()
