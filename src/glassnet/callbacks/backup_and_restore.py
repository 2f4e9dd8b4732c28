"""BackupAndRestore: resume a killed training run where it stopped.

Example:

>>> import glassnet as keras
>>> keras.callbacks.BackupAndRestore("backup", save_freq=10).save_freq
10
"""

import json
import os
import shutil

import numpy as np

from glassnet.backend import random as random_module
from glassnet.callbacks.callback import Callback
from glassnet.distribution import is_chief
from glassnet.saving.native import load_model


class BackupAndRestore(Callback):
    """Back up training so that a run killed at any point resumes where it was.

    Restarted with the same command, the run ends with the same weights as an uninterrupted
    one. The backup (in ``backup_dir``) holds the model and optimizer state, the epoch and batch
    reached, the shuffling order of the current epoch and the random generator's state. It is
    written atomically; with DataParallel only the chief process writes.

    Args:
        backup_dir: the directory of the backup.
        save_freq: "epoch" (back up at the end of every epoch) or a number of batches.
        delete_checkpoint: delete the backup when training finishes without an error.

    Raises:
        ValueError: for a ``save_freq`` that is neither "epoch" nor a positive integer.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> directory = os.path.join(tempfile.mkdtemp(), "backup")
    >>> backup = BackupAndRestore(directory, delete_checkpoint=False)
    >>> _ = model.fit(np.ones((4, 1)), np.ones((4, 1)), epochs=2, verbose=0, callbacks=[backup])
    >>> sorted(os.listdir(directory))
    ['model.glassnet', 'training_state.json']
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(
                "BackupAndRestore: save_freq must be 'epoch' or a positive number of batches, "
                f"got {save_freq!r}"
            )
        self.backup_dir, self.save_freq, self.delete_checkpoint = (
            os.fspath(backup_dir),
            save_freq,
            delete_checkpoint,
        )
        self._epoch = 0
        self._batches_done = 0

    @property
    def _model_path(self):
        return os.path.join(self.backup_dir, "model.glassnet")

    @property
    def _state_path(self):
        return os.path.join(self.backup_dir, "training_state.json")

    def on_train_begin(self, logs=None):
        """Restore the backup, when there is one, and tell ``fit`` where to resume."""
        if not os.path.exists(self._state_path):
            return
        with open(self._state_path) as handle:
            state = json.load(handle)
        restored = load_model(self._model_path)
        self.model.set_weights(restored.get_weights())
        source, target = restored.optimizer, self.model.optimizer
        target.iterations = source.iterations
        for mine, theirs in zip(self.model.trainable_weights, restored.trainable_weights):
            target._state[id(mine)] = {
                slot: array.copy() for slot, array in source.state_of(theirs).items()
            }
        random_module.get_generator().bit_generator.state = state["rng_state"]
        order = (
            np.load(os.path.join(self.backup_dir, "order.npy"), allow_pickle=False)
            if state["order"]
            else None
        )
        self.model._resume = {"epoch": state["epoch"], "batch": state["batch"], "order": order}

    def on_epoch_begin(self, epoch, logs=None):
        """Note the epoch and restart the count of its batches."""
        self._epoch, self._batches_done = epoch, 0

    def on_train_batch_end(self, batch, logs=None):
        """Back up every ``save_freq`` batches (when ``save_freq`` is a number)."""
        self._batches_done = batch + 1
        if self.save_freq != "epoch" and self._batches_done % self.save_freq == 0:
            self._backup(self._epoch, self._batches_done)

    def on_epoch_end(self, epoch, logs=None):
        """Back up at the end of the epoch, unless a batch backup just did."""
        if self.save_freq == "epoch" or self._batches_done % self.save_freq:
            self._backup(epoch + 1, 0)

    def _backup(self, epoch, batch):
        if not is_chief():  # every process holds the same state: one writes it
            return
        os.makedirs(self.backup_dir, exist_ok=True)
        self.model.save(self._model_path)
        order = getattr(self.model, "_epoch_order", None)
        if batch and order is not None:
            with open(os.path.join(self.backup_dir, "order.npy.tmp"), "wb") as handle:
                np.save(handle, order, allow_pickle=False)
            os.replace(
                os.path.join(self.backup_dir, "order.npy.tmp"),
                os.path.join(self.backup_dir, "order.npy"),
            )
        state = {
            "epoch": epoch,
            "batch": batch,
            "order": bool(batch and order is not None),
            "rng_state": random_module.get_generator().bit_generator.state,
        }
        temporary = self._state_path + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(state, handle, default=int)
            handle.flush()
            os.fsync(handle.fileno())
        # the state file is written last: it marks a complete backup
        os.replace(temporary, self._state_path)

    def on_train_end(self, logs=None):
        """Delete the backup (with ``delete_checkpoint``) after a run without an error."""
        if (
            self.delete_checkpoint
            and is_chief()
            and not self.model.stop_training_by_error
            and os.path.isdir(self.backup_dir)
        ):
            shutil.rmtree(self.backup_dir)
