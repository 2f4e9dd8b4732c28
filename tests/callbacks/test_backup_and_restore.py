"""BackupAndRestore in one process: a run stopped by an error resumes from its backup and ends
with the weights of an uninterrupted run; the backup is kept or deleted as documented."""

import os

import numpy as np
import pytest

import glassnet as keras
from glassnet import callbacks, layers


class Interrupt(Exception):
    pass


def train(backup, stop_at_batch=None, epochs=3, save_freq="epoch", delete_checkpoint=True):
    """Fit a small model from a fixed start; with ``stop_at_batch``, raise after that many
    batches in all. Returns (model, number of batches this call trained)."""
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 4)).astype("float32")
    y = (x[:, :2].sum(axis=1) > 0).astype("int64")
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.Adam(0.02), "sparse_categorical_crossentropy")
    seen = []

    def count(batch, logs):
        seen.append(batch)
        if len(seen) == stop_at_batch:
            raise Interrupt

    model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=8,
        verbose=0,
        callbacks=[
            callbacks.BackupAndRestore(
                backup, save_freq=save_freq, delete_checkpoint=delete_checkpoint
            ),
            callbacks.LambdaCallback(on_train_batch_end=count),
        ],
    )
    return model, len(seen)


@pytest.mark.parametrize(
    "save_freq, stop_at, trained_after",
    [
        # 5 batches per epoch; stopped at batch 14 (epoch 3, batch 4)
        ("epoch", 14, 5),  # the backup at the end of epoch 2: epoch 3 runs again
        (3, 14, 2),  # backups after batches 3, 5 (epoch end), 8, 10, 13: 2 batches left
    ],
)
def test_a_run_stopped_by_an_error_resumes_and_ends_as_an_uninterrupted_one(
    tmp_path, save_freq, stop_at, trained_after
):
    reference, total = train(tmp_path / "reference", save_freq=save_freq)
    assert total == 15
    with pytest.raises(Interrupt):
        train(tmp_path / "backup", stop_at_batch=stop_at, save_freq=save_freq)
    assert (tmp_path / "backup" / "training_state.json").exists()
    resumed, trained = train(tmp_path / "backup", save_freq=save_freq)
    assert trained == trained_after
    for ours, theirs in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    assert resumed.optimizer.iterations == reference.optimizer.iterations == 15
    assert not (tmp_path / "backup").exists()


def test_the_backup_is_kept_with_delete_checkpoint_false(tmp_path):
    train(tmp_path / "backup", epochs=1, delete_checkpoint=False)
    assert sorted(os.listdir(tmp_path / "backup")) == ["model.glassnet", "training_state.json"]
    # a finished backup: the next run trains nothing more
    _, trained = train(tmp_path / "backup", epochs=1, delete_checkpoint=False)
    assert trained == 0
