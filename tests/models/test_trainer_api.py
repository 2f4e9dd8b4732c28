"""Trainer's public contract beyond the numbers: the order of the callback hooks in fit, the
validation batch size, what an uncompiled model reports, state trees, compile configs with
custom functions, and the silence of processes other than the chief."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import callbacks


def small_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.01), "mse")
    return model


def data(n=8):
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, 3)).astype("float32"), rng.standard_normal((n, 1)).astype(
        "float32"
    )


class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def __getattribute__(self, name):
        if name.startswith("on_"):
            return lambda *args, **kwargs: self.events.append(
                (name, args[0]) if args and isinstance(args[0], int) else name
            )
        return super().__getattribute__(name)


def test_fit_calls_the_hooks_in_kerass_order():
    x, y = data(8)
    recorder = Recorder()
    small_model().fit(
        x, y, epochs=1, batch_size=4, validation_data=data(4), verbose=0, callbacks=[recorder]
    )
    assert recorder.events == [
        "on_train_begin",
        ("on_epoch_begin", 0),
        ("on_train_batch_begin", 0),
        ("on_train_batch_end", 0),
        ("on_train_batch_begin", 1),
        ("on_train_batch_end", 1),
        "on_test_begin",
        ("on_test_batch_begin", 0),
        ("on_test_batch_end", 0),
        "on_test_end",
        ("on_epoch_end", 0),
        "on_train_end",
    ]


@pytest.mark.parametrize("validation_batch_size, batches", [(None, 3), (2, 5)])
def test_validation_batches_are_fits_batch_size_unless_given(validation_batch_size, batches):
    x, y = data(8)
    seen = []
    count = callbacks.LambdaCallback(on_test_batch_end=lambda batch, logs: seen.append(batch))
    small_model().fit(
        x,
        y,
        epochs=1,
        batch_size=4,
        validation_data=data(10),
        validation_batch_size=validation_batch_size,
        verbose=0,
        callbacks=[count],
    )
    assert len(seen) == batches


def test_an_uncompiled_model_has_no_loss_and_a_compiled_one_reports_it():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    assert model.loss is None and not model.compiled
    model.compile("sgd", "mae")
    assert model.loss == "mae"


def test_set_state_tree_refuses_a_variable_the_model_lacks():
    model = small_model()
    tree = model.get_state_tree()
    kernel_path = model.trainable_weights[0].path
    tree["trainable_variables"][kernel_path] = np.full((3, 1), 0.5, "float32")
    model.set_state_tree(tree)
    np.testing.assert_array_equal(model.trainable_weights[0].data, np.full((3, 1), 0.5))
    tree["trainable_variables"]["elsewhere/kernel"] = np.zeros((3, 1), "float32")
    with pytest.raises(ValueError, match="has no variable elsewhere/kernel"):
        model.set_state_tree(tree)


def doubled_error(y_true, y_pred):
    return keras.ops.mean(2.0 * keras.ops.abs(y_true - y_pred), axis=-1)


def test_compile_config_with_a_custom_loss_function_needs_it_in_custom_objects():
    model = small_model()
    model.compile("sgd", doubled_error)
    config = model.get_compile_config()
    x, y = data(8)
    twin = small_model()
    twin.compile_from_config(config, custom_objects={"doubled_error": doubled_error})
    assert twin.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    with pytest.raises(LookupError, match="'doubled_error' is not in custom_objects"):
        small_model().compile_from_config(config)


def test_only_the_chief_process_prints_progress(monkeypatch, capsys):
    from glassnet.models import trainer

    class SecondProcess:
        """A process other than the chief (alone, so nothing is really sharded or averaged)."""

        rank, size = 1, 1

        def broadcast_model(self, model):
            pass

        def average_gradients(self, grads, local_count, global_count):
            return grads

    monkeypatch.setattr(trainer, "distribution", lambda: SecondProcess())
    x, y = data(8)
    small_model().fit(x, y, epochs=1, verbose=1)
    assert capsys.readouterr().out == ""
    monkeypatch.undo()
    small_model().fit(x, y, epochs=1, verbose=1)
    assert "Epoch 1/1" in capsys.readouterr().out


def test_compute_loss_hears_whether_the_step_trains():
    seen = []

    class Flagged(keras.Sequential):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            seen.append(training)
            return super().compute_loss(x, y, y_pred, sample_weight, training=training)

    model = Flagged([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = data(8)
    model.fit(x, y, epochs=1, batch_size=8, validation_data=data(4), verbose=0)
    assert seen == [True, False]  # the training batch, then the validation batch
    model.evaluate(x, y, batch_size=8, verbose=0)
    assert seen == [True, False, False]
