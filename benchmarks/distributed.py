"""One process with 2 threads vs mpiexec -n 2 with 1 thread each: epoch time and Allreduce time
per step.

    GLASSNET_DATA=../shared/datasets python benchmarks/distributed.py [--cnn-steps 100]

Needs ``pip install "glassnet[mpi]"``. The MLP is 784-256-128-10 at global batch 128 (a full epoch),
the CNN the tutorial one at global batch 128 (--cnn-steps steps); Adam 1e-3 for both.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np


def worker(model_name, steps):
    import glassnet as keras
    from glassnet import layers
    from glassnet.distribution.data_parallel import launched_under_mpi

    strategy = None
    if launched_under_mpi():
        strategy = keras.distribution.DataParallel()
        keras.distribution.set_distribution(strategy)
    keras.utils.set_random_seed(0)
    (x, y), _ = keras.datasets.fashion_mnist.load_data()
    if model_name == "mlp":
        x = (x.reshape(len(x), -1) / 255).astype(np.float32)
        model = keras.Sequential(
            [
                keras.Input((784,)),
                layers.Dense(256, activation="relu"),
                layers.Dense(128, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
    else:
        x = (x[: 128 * steps, ..., None] / 255).astype(np.float32)
        y = y[: 128 * steps]
        model = keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(),
                layers.Flatten(),
                layers.Dense(64, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    model.fit(x[: 128 * 5], y[: 128 * 5], batch_size=128, verbose=0)  # warm-up
    if strategy is not None:
        strategy.allreduce_seconds = strategy.allreduce_calls = 0
    start = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    if strategy is None or strategy.rank == 0:
        per_step = (
            strategy.allreduce_seconds / max(strategy.allreduce_calls, 1) if strategy else 0.0
        )
        print(
            json.dumps(
                {"seconds": seconds, "steps": -(-len(x) // 128), "allreduce_ms": per_step * 1e3}
            )
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cnn-steps", type=int, default=100)
    parser.add_argument("--worker", nargs=2)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker[0], int(args.worker[1]))
    mpiexec = shutil.which(
        "mpiexec", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    )
    if mpiexec is None:
        sys.exit('mpiexec not found: pip install "glassnet[mpi]"')
    me = [sys.executable, os.path.abspath(__file__), "--worker"]
    print("| model | setup | time | per step | Allreduce per step |")
    print("|---|---|---|---|---|")
    for model in ("mlp", "cnn"):
        for label, command, threads in (
            ("1 process x 2 threads", me, "2"),
            ("mpiexec -n 2 x 1 thread", [mpiexec, "-n", "2", *me], "1"),
        ):
            out = subprocess.run(
                [*command, model, str(args.cnn_steps)],
                capture_output=True,
                text=True,
                env={**os.environ, "OMP_NUM_THREADS": threads},
            )
            if out.returncode != 0:
                sys.exit(out.stderr)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            unit = "epoch" if model == "mlp" else f"{r['steps']} steps"
            row = (
                f"| {model} | {label} | {r['seconds']:.2f} s / {unit} "
                f"| {r['seconds'] / r['steps'] * 1e3:.1f} ms | "
            )
            allreduce = f"{r['allreduce_ms']:.2f} ms |" if r["allreduce_ms"] else "- |"
            print(row + allreduce, flush=True)


if __name__ == "__main__":
    main()
