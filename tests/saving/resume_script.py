"""Trains a small model with BackupAndRestore; with KILL_AT=N it kills itself (SIGKILL) after
global batch N. Prints the number of batches this run trained; writes the final weights to OUT
(an .npz) when training completes."""

import os
import signal
import sys

import numpy as np

import glassnet as keras
from glassnet import callbacks, layers

backup_dir, out = sys.argv[1], sys.argv[2]
kill_at = int(os.environ.get("KILL_AT", "-1"))
keras.utils.set_random_seed(7)
rng = np.random.default_rng(0)
x = rng.standard_normal((200, 6)).astype("float32")
y = (x[:, :3].sum(axis=1) > 0).astype("int64")
model = keras.Sequential(
    [
        keras.Input((6,)),
        layers.Dense(16, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(2, activation="softmax"),
    ]
)
model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
seen = []


def maybe_die(batch, logs):
    seen.append(batch)
    if len(seen) == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


model.fit(
    x,
    y,
    epochs=4,
    batch_size=16,
    verbose=0,
    callbacks=[
        callbacks.BackupAndRestore(backup_dir, save_freq=5),
        callbacks.LambdaCallback(on_batch_end=maybe_die),
    ],
)
np.savez(out, *model.get_weights())
print(len(seen))
