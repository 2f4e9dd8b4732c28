"""The tutorial CNN on Fashion-MNIST, glassnet vs PyTorch (and Keras): accuracy per epoch and
epoch time.

    GLASSNET_DATA=../shared/datasets python benchmarks/fashion_mnist_cnn.py [--epochs 15]
        [--batchnorm] [--libraries glassnet,torch,keras] [--schedule cosine] [--init torch]

Model: Conv2D 32 3x3 relu -> MaxPool 2 -> Conv2D 64 3x3 relu -> MaxPool 2 -> Flatten ->
Dense 64 relu -> Dense 10 (121,930 parameters); --batchnorm adds BatchNormalization after each
conv and Dropout (--dropout, default 0.3) before the classifier, after the Dense(64) layer or, with
--dropout-after flatten, right after Flatten. Adam 1e-3, batch 128, same seed and threads for
every library; --schedule cosine decays the learning rate from 1e-3 to 0 over all the steps
(Keras's CosineDecay, PyTorch's CosineAnnealingLR stepped per batch). glassnet and Keras 3 build
the model with the same code (only the module differs); Keras runs where tensorflow is installed.
"""

import argparse
import os
import statistics
import time

import numpy as np

import glassnet
from common import print_accuracy_table


def load():
    (x, y), (xt, yt) = glassnet.datasets.fashion_mnist.load_data()
    return ((x[..., None] / 255).astype(np.float32), y.astype(np.int64)), (
        (xt[..., None] / 255).astype(np.float32),
        yt.astype(np.int64),
    )


def keras_api_model(keras, batchnorm, dropout=0.3, after="dense", init="keras"):
    """The model in Keras's API: ``keras`` is glassnet or Keras 3 itself.

    init="torch" gives every Conv2D and Dense PyTorch's default initialisation instead of Keras's
    (Glorot-uniform kernels, zero biases): kernels and biases uniform in +-1/sqrt(fan_in).
    """
    layers = keras.layers

    def weights(fan_in):
        if init == "keras":
            return {}
        bound = fan_in**-0.5
        return {
            "kernel_initializer": keras.initializers.VarianceScaling(1 / 3, "fan_in", "uniform"),
            "bias_initializer": keras.initializers.RandomUniform(-bound, bound),
        }

    stack = [
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation=None if batchnorm else "relu", **weights(9)),
    ]
    if batchnorm:
        stack += [layers.BatchNormalization(), layers.Activation("relu")]
    stack += [
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation=None if batchnorm else "relu", **weights(9 * 32)),
    ]
    if batchnorm:
        stack += [layers.BatchNormalization(), layers.Activation("relu")]
    stack += [layers.MaxPooling2D(), layers.Flatten()]
    if batchnorm and after == "flatten":
        stack += [layers.Dropout(dropout)]
    stack += [layers.Dense(64, activation="relu", **weights(1600))]
    if batchnorm and after == "dense":
        stack += [layers.Dropout(dropout)]
    stack += [layers.Dense(10, activation="softmax", **weights(64))]
    return keras.Sequential(stack)


STEPS_PER_EPOCH = 469  # 60,000 / 128, rounded up


def run_keras_api(
    keras,
    name,
    train,
    test,
    epochs,
    batchnorm,
    seed,
    dropout=0.3,
    after="dense",
    schedule="constant",
    init="keras",
):
    keras.utils.set_random_seed(seed)
    model = keras_api_model(keras, batchnorm, dropout, after, init)
    rate = (
        1e-3
        if schedule == "constant"
        else keras.optimizers.schedules.CosineDecay(1e-3, epochs * STEPS_PER_EPOCH)
    )
    model.compile(
        keras.optimizers.Adam(rate), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    times, accuracies = [], []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(*train, batch_size=128, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
        accuracies.append(
            model.evaluate(*test, batch_size=500, verbose=0, return_dict=True)["accuracy"]
        )
        print(
            f"  {name} epoch {len(times)}: {times[-1]:.1f} s, test accuracy {accuracies[-1]:.4f}",
            flush=True,
        )
    return times, accuracies


def run_torch(
    train, test, epochs, batchnorm, seed, threads, dropout=0.3, after="dense", schedule="constant"
):
    import torch
    from torch import nn

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    blocks = (
        [nn.Conv2d(1, 32, 3)]
        + ([nn.BatchNorm2d(32, eps=1e-3, momentum=0.01)] if batchnorm else [])
        + [nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3)]
    )
    blocks += ([nn.BatchNorm2d(64, eps=1e-3, momentum=0.01)] if batchnorm else []) + [
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
    ]
    blocks += ([nn.Dropout(dropout)] if batchnorm and after == "flatten" else []) + [
        nn.Linear(1600, 64),
        nn.ReLU(),
    ]
    blocks += ([nn.Dropout(dropout)] if batchnorm and after == "dense" else []) + [
        nn.Linear(64, 10)
    ]
    model = nn.Sequential(*blocks)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = (
        torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * STEPS_PER_EPOCH)
        if schedule == "cosine"
        else None
    )
    x, y = torch.from_numpy(train[0]).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(train[1])
    xt, yt = torch.from_numpy(test[0]).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(test[1])
    generator = torch.Generator().manual_seed(seed)
    times, accuracies = [], []
    for _ in range(epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for i in range(0, len(x), 128):
            index = order[i : i + 128]
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[index]), y[index]).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
        times.append(time.perf_counter() - start)
        model.eval()
        with torch.no_grad():
            accuracies.append(
                float(
                    sum(
                        (model(xt[i : i + 500]).argmax(1) == yt[i : i + 500]).sum()
                        for i in range(0, len(xt), 500)
                    )
                    / len(xt)
                )
            )
        print(
            f"  torch epoch {len(times)}: {times[-1]:.1f} s, test accuracy {accuracies[-1]:.4f}",
            flush=True,
        )
    return times, accuracies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batchnorm", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--dropout-after", choices=("dense", "flatten"), default="dense")
    parser.add_argument(
        "--libraries",
        default="glassnet,torch,keras",
        help="comma-separated; absent ones are skipped",
    )
    parser.add_argument("--schedule", choices=("constant", "cosine"), default="constant")
    parser.add_argument(
        "--init",
        choices=("keras", "torch"),
        default="keras",
        help="initialisation of the Keras-API models (PyTorch's model always uses its own)",
    )
    args = parser.parse_args()
    threads = int(os.environ.get("OMP_NUM_THREADS", os.cpu_count()))
    train, test = load()
    options = (args.epochs, args.batchnorm, args.seed)
    recipe = (args.dropout, args.dropout_after, args.schedule)
    results = {}
    for library in args.libraries.split(","):
        if library == "glassnet":
            results["glassnet"] = run_keras_api(
                glassnet, "glassnet", train, test, *options, *recipe, args.init
            )
        elif library == "torch":
            try:
                import torch
            except ImportError:
                print("(PyTorch not installed: its column is skipped)")
                continue
            results[f"torch {torch.__version__}"] = run_torch(
                train, test, *options, threads, *recipe
            )
        elif library == "keras":
            try:
                import tensorflow as tf
            except ImportError:
                print("(tensorflow not installed: the Keras column is skipped)")
                continue
            import keras

            tf.config.threading.set_intra_op_parallelism_threads(threads)
            tf.config.threading.set_inter_op_parallelism_threads(1)
            results[f"keras {keras.__version__}"] = run_keras_api(
                keras, "keras", train, test, *options, *recipe, args.init
            )
        else:
            parser.error(f"unknown library {library!r}; use glassnet, torch or keras")
    variant = (
        f"with BatchNormalization + Dropout({args.dropout}) after {args.dropout_after}"
        if args.batchnorm
        else "plain"
    )
    rate = "1e-3" if args.schedule == "constant" else "1e-3 cosine-decayed to 0"
    print(
        f"Fashion-MNIST tutorial CNN ({variant}), Adam {rate}, batch 128, {threads} threads, "
        f"seed {args.seed}, {args.init} initialisation"
    )
    print_accuracy_table(results, args.epochs)
    for n in results:
        times = results[n][0]
        print(
            f"{n}: median epoch time {statistics.median(times):.1f} s "
            f"({statistics.median(times) / STEPS_PER_EPOCH * 1000:.0f} ms/step)"
        )


if __name__ == "__main__":
    main()
