"""Trains the MLP for a few steps, single-process or under mpiexec (then with DataParallel).

    python mpi_script.py MODE OUT [--optimizer adam|sgd] [--dtype float32|float64]

MODE: train (write final weights and History), raise (process 1 raises mid-epoch),
backup (BackupAndRestore, with KILL_AT=n: the chief kills the job after global batch n).
"""

import argparse
import json
import os
import signal

import numpy as np

import glassnet as keras
from glassnet import callbacks, layers
from glassnet.distribution.data_parallel import launched_under_mpi

parser = argparse.ArgumentParser()
parser.add_argument("mode")
parser.add_argument("out")
parser.add_argument("--optimizer", default="adam")
parser.add_argument("--dtype", default="float32")
parser.add_argument("--batchnorm", choices=("none", "local", "synchronized"), default="none")
args = parser.parse_args()

keras.backend.set_floatx(args.dtype)
rank = 0
if launched_under_mpi():
    strategy = keras.distribution.DataParallel()
    keras.distribution.set_distribution(strategy)
    rank = strategy.rank
keras.utils.set_random_seed(3)
rng = np.random.default_rng(0)
x = rng.standard_normal((320, 10)).astype(args.dtype)
y = rng.integers(0, 3, 320)
hidden = (
    [layers.Dense(16)]
    + (
        [layers.BatchNormalization(synchronized=args.batchnorm == "synchronized")]
        if args.batchnorm != "none"
        else []
    )
    + [layers.Activation("relu")]
)
model = keras.Sequential([keras.Input((10,)), *hidden, layers.Dense(3, activation="softmax")])
optimizer = (
    keras.optimizers.Adam(0.01)
    if args.optimizer == "adam"
    else keras.optimizers.SGD(0.1, momentum=0.9)
)
model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
extra = []
if args.mode == "raise":

    def explode(batch, logs):
        if rank == 1 and batch == 3:
            raise RuntimeError("a deliberate failure in process 1")

    extra.append(callbacks.LambdaCallback(on_batch_end=explode))
if args.mode == "backup":
    seen = []
    kill_at = int(os.environ.get("KILL_AT", "-1"))

    def die(batch, logs):
        seen.append(batch)
        if len(seen) == kill_at and rank == 0:
            os.kill(os.getpid(), signal.SIGKILL)

    extra += [
        callbacks.BackupAndRestore(args.out + ".backup", save_freq=2),
        callbacks.LambdaCallback(on_batch_end=die),
    ]
extra.append(callbacks.CSVLogger(f"{args.out}.rank{rank}.csv"))
history = model.fit(x, y, batch_size=64, epochs=3, verbose=0, callbacks=extra)
with open(f"{args.out}.rank{rank}.json", "w") as handle:
    json.dump(
        {"history": history.history, "weights": [w.tolist() for w in model.get_weights()]}, handle
    )
