import csv
import math
import os

import numpy as np
import pytest

import glassnet as keras
from glassnet import callbacks, layers


class FakeModel:
    """Just what the callbacks touch: weights, an optimizer and the stop flag."""

    def __init__(self):
        self.weights = 0
        self.stop_training = False
        self.optimizer = keras.optimizers.SGD(0.4)

    def get_weights(self):
        return self.weights

    def set_weights(self, weights):
        self.weights = weights


def drive(callback, values, key="val_loss"):
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    epochs = 0
    for epoch, value in enumerate(values):
        model.weights = epoch  # "weights" = the epoch they come from
        callback.on_epoch_end(epoch, {key: value})
        epochs += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return model, epochs


def test_early_stopping_stops_after_patience_and_restores_best():
    model, epochs = drive(
        callbacks.EarlyStopping(patience=2, restore_best_weights=True),
        [3.0, 2.0, 2.5, 2.6, 2.7, 1.0],
    )
    assert epochs == 4  # best at epoch 1, two epochs without improvement, stop at epoch 3
    assert model.weights == 1


def test_early_stopping_min_delta_mode_baseline_and_warmup():
    _, epochs = drive(callbacks.EarlyStopping(patience=1, min_delta=0.5), [3.0, 2.8, 2.7, 2.6])
    assert epochs == 2  # 2.8 is not an improvement by more than 0.5
    _, epochs = drive(
        callbacks.EarlyStopping(monitor="val_accuracy", patience=1),
        [0.5, 0.6, 0.55, 0.7],
        key="val_accuracy",
    )
    assert epochs == 3  # 'auto' mode maximises accuracies
    # without a baseline the counter restarts at the first epoch; with one it only restarts on
    # beating it
    _, epochs = drive(callbacks.EarlyStopping(patience=2), [2.0, 2.1, 2.2, 2.3])
    assert epochs == 3
    _, epochs = drive(callbacks.EarlyStopping(patience=2, baseline=1.0), [2.0, 2.1, 2.2, 2.3])
    assert epochs == 2
    _, epochs = drive(
        callbacks.EarlyStopping(patience=0, start_from_epoch=3), [5.0, 6.0, 7.0, 8.0, 9.0]
    )
    assert (
        epochs == 5
    )  # epochs 0-2 are not counted; epoch 4 is the first without improvement after 3


def test_reduce_lr_on_plateau_halves_after_patience_flat_epochs():
    callback = callbacks.ReduceLROnPlateau(factor=0.5, patience=2, monitor="loss")
    model, _ = drive(callback, [1.0, 1.0, 1.0], key="loss")
    assert model.optimizer.learning_rate == pytest.approx(0.2)
    drive_more = [1.0, 1.0]  # two more flat epochs: halved again
    for epoch, value in enumerate(drive_more, start=3):
        callback.on_epoch_end(epoch, {"loss": value})
    assert model.optimizer.learning_rate == pytest.approx(0.1)


def test_reduce_lr_respects_cooldown_and_min_lr():
    callback = callbacks.ReduceLROnPlateau(
        factor=0.1, patience=1, cooldown=2, min_lr=0.01, monitor="loss"
    )
    model, _ = drive(callback, [1.0] * 8, key="loss")
    assert model.optimizer.learning_rate == pytest.approx(0.01)


def xy(n=64):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    return x, (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)


def model_for_fit(lr=0.01):
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(4, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(keras.optimizers.Adam(lr), "binary_crossentropy", metrics=["accuracy"])
    return model


def test_reduce_lr_logs_learning_rate_in_history():
    x, y = xy()
    history = model_for_fit().fit(
        x, y, epochs=3, verbose=0, callbacks=[callbacks.ReduceLROnPlateau(monitor="loss")]
    )
    assert history.history["learning_rate"] == pytest.approx([0.01] * 3)


def test_learning_rate_scheduler():
    x, y = xy()
    model = model_for_fit()
    history = model.fit(
        x,
        y,
        epochs=3,
        verbose=0,
        callbacks=[callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))],
    )
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


def test_terminate_on_nan():
    x, y = xy()
    model = model_for_fit()
    batches = []

    def poison(batch, logs):  # a weight turns NaN at the 3rd batch of the 2nd epoch
        batches.append(batch)
        if len(batches) == 8 + 3:
            model.layers[0].kernel.data[0, 0] = np.nan

    history = model.fit(
        x,
        y,
        epochs=50,
        batch_size=8,
        verbose=0,
        callbacks=[callbacks.LambdaCallback(on_batch_begin=poison), callbacks.TerminateOnNaN()],
    )
    assert len(batches) == 11 and len(history.history["loss"]) == 2
    assert not math.isfinite(history.history["loss"][-1])


def test_early_stopping_inside_fit_restores_best_weights():
    x, y = xy()
    model = model_for_fit(lr=0.05)
    seen = {}
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.__setitem__(
            epoch, (logs["val_loss"], model.get_weights())
        )
    )
    stopper = callbacks.EarlyStopping(
        patience=1, restore_best_weights=True, min_delta=10.0
    )  # no epoch can improve by 10
    model.fit(x, y, epochs=10, validation_split=0.25, verbose=0, callbacks=[record, stopper])
    assert len(seen) == 2  # epoch 0 sets the best; epoch 1 is not better by 10 -> stop
    for a, b in zip(model.get_weights(), seen[0][1]):
        np.testing.assert_array_equal(a, b)


def test_csv_logger(tmp_path):
    x, y = xy()
    path = tmp_path / "log.csv"
    model_for_fit().fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    rows = list(csv.DictReader(open(path)))
    assert [r["epoch"] for r in rows] == ["0", "1"] and set(rows[0]) == {
        "epoch",
        "loss",
        "accuracy",
    }


def test_model_checkpoint_best_only_weights(tmp_path):
    x, y = xy()
    model = model_for_fit()
    path = tmp_path / "best.weights.npz"
    checkpoint = callbacks.ModelCheckpoint(
        path, monitor="loss", save_best_only=True, save_weights_only=True
    )
    model.fit(x, y, epochs=3, verbose=0, callbacks=[checkpoint])
    assert path.exists() and checkpoint.best == pytest.approx(min(model.history.history["loss"]))
    per_epoch = callbacks.ModelCheckpoint(
        str(tmp_path / "ep{epoch:02d}.weights.npz"), save_weights_only=True
    )
    model.fit(x, y, epochs=2, verbose=0, callbacks=[per_epoch])
    assert (tmp_path / "ep01.weights.npz").exists() and (tmp_path / "ep02.weights.npz").exists()


def test_lambda_callback_hooks_run_in_fit():
    x, y = xy()
    events = []
    hooks = callbacks.LambdaCallback(
        on_train_begin=lambda logs: events.append("begin"),
        on_epoch_end=lambda e, logs: events.append(e),
        on_train_end=lambda logs: events.append("end"),
    )
    model_for_fit().fit(x, y, epochs=2, verbose=0, callbacks=[hooks])
    assert events == ["begin", 0, 1, "end"]


def test_terminate_on_nan_with_raise_error_stops_at_once_without_on_train_end():
    x, y = xy()
    model = model_for_fit()
    ended = []

    def poison(batch, logs):
        if batch == 2:
            model.layers[0].kernel.data[0, 0] = np.nan

    watch = callbacks.LambdaCallback(on_batch_begin=poison, on_train_end=ended.append)
    with pytest.raises(RuntimeError, match="TerminateOnNaN: loss nan at batch 2"):
        model.fit(
            x,
            y,
            epochs=3,
            batch_size=8,
            verbose=0,
            callbacks=[watch, callbacks.TerminateOnNaN(raise_error=True)],
        )
    assert ended == []
    assert callbacks.TerminateOnNaN().raise_error is False


def test_a_callback_overriding_the_old_batch_hooks_is_called_for_training_batches():
    class OldStyle(callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.events = []

        def on_batch_begin(self, batch, logs=None):
            self.events.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            self.events.append(("end", batch))

    x, y = xy(16)
    old = OldStyle()
    model_for_fit().fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[old])
    assert old.events == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]


def test_fresh_callbacks_observe_no_model_yet(tmp_path):
    made = [
        callbacks.History(),
        callbacks.LambdaCallback(),
        callbacks.LearningRateScheduler(lambda epoch, rate: rate),
        callbacks.EarlyStopping(),
        callbacks.ReduceLROnPlateau(),
        callbacks.CSVLogger(tmp_path / "log.csv"),
        callbacks.ModelCheckpoint(tmp_path / "m.glassnet"),
        callbacks.TerminateOnNaN(),
    ]
    for callback in made:
        assert callback.model is None, type(callback).__name__


def test_csv_logger_writes_each_row_as_its_epoch_ends_and_closes_the_file(tmp_path):
    x, y = xy()
    path = tmp_path / "log.csv"
    rows_seen = []
    peek = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: rows_seen.append(len(path.read_text().splitlines()))
    )
    logger = callbacks.CSVLogger(path)  # kept alive: its file must be closed by fit, not by gc
    model_for_fit().fit(x, y, epochs=3, verbose=0, callbacks=[logger, peek])
    assert rows_seen == [2, 3, 4]  # the header, then one row per finished epoch
    if os.path.isdir("/proc/self/fd"):  # no descriptor of the log left open after fit
        open_files = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
        assert str(path.resolve()) not in open_files


def test_early_stopping_reports_the_epoch_it_stopped_at(capsys):
    stopper = callbacks.EarlyStopping(patience=2, verbose=1)
    _, epochs = drive(stopper, [3.0, 2.0, 2.5, 2.6, 2.7, 1.0])
    assert epochs == 4 and stopper.stopped_epoch == 3
    assert "Epoch 4: early stopping" in capsys.readouterr().out
    patient = callbacks.EarlyStopping(patience=5, verbose=1)
    _, epochs = drive(patient, [3.0, 2.0, 2.5])
    assert epochs == 3 and patient.stopped_epoch == 0
    assert "early stopping" not in capsys.readouterr().out


def test_early_stopping_counts_from_zero_when_the_baseline_is_never_beaten():
    # wait: 1 after epoch 0 (an improvement, but not on the baseline), 2, then 3 = patience
    _, epochs = drive(callbacks.EarlyStopping(patience=3, baseline=0.1), [1.0, 1.1, 1.2, 1.3])
    assert epochs == 3


def test_model_checkpoint_every_n_batches(tmp_path):
    x, y = xy(40)
    model = model_for_fit()
    saved = []
    model.save_weights = lambda path, **options: saved.append(os.path.basename(path))
    checkpoint = callbacks.ModelCheckpoint(
        str(tmp_path / "ep{epoch}.weights.npz"), save_weights_only=True, save_freq=4
    )
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[checkpoint])
    # 5 batches per epoch: batches 4 (epoch 1) and 8 (epoch 2)
    assert saved == ["ep1.weights.npz", "ep2.weights.npz"]


def test_reduce_lr_on_plateau_starts_afresh_in_each_fit():
    callback = callbacks.ReduceLROnPlateau(factor=0.5, patience=2, monitor="loss")
    model, _ = drive(callback, [1.0, 1.0], key="loss")  # one epoch without improvement
    assert model.optimizer.learning_rate == pytest.approx(0.4)
    callback.on_train_begin()  # a second fit: no waiting carried over, no best value either
    for epoch, value in enumerate([5.0, 5.0]):
        callback.on_epoch_end(epoch, {"loss": value})
    assert model.optimizer.learning_rate == pytest.approx(0.4)
    callback.on_epoch_end(2, {"loss": 5.0})
    assert model.optimizer.learning_rate == pytest.approx(0.2)


def test_lambda_callback_takes_every_hook_and_refuses_misspelt_ones():
    x, y = xy(16)
    events = []
    hooks = callbacks.LambdaCallback(
        lambda epoch, logs: events.append(("epoch", epoch)),  # on_epoch_begin, as in Keras
        on_test_batch_end=lambda batch, logs: events.append(("test", batch)),
        on_predict_end=lambda logs: events.append("predicted"),
        on_batch_end=lambda batch, logs: events.append(("batch", batch)),
    )
    model = model_for_fit()
    model.fit(x, y, epochs=1, batch_size=8, validation_split=0.5, verbose=0, callbacks=[hooks])
    model.predict(x, verbose=0, callbacks=[hooks])
    assert events == [("epoch", 0), ("batch", 0), ("test", 0), "predicted"]
    with pytest.raises(TypeError, match=r"unknown hook\(s\) \['on_epoch_ends'\]"):
        callbacks.LambdaCallback(on_epoch_ends=print)
