"""keras.utils's non-data names: Config, standardize_dtype, is_keras_tensor, get_source_inputs,
Progbar and the interactive-logging switches, and the registry names re-exported."""

import io
import json
import logging

import numpy as np
import pytest

import glassnet as keras
from glassnet import config, saving, utils


def test_config_reads_writes_and_freezes():
    settings = utils.Config(learning_rate=0.1)
    settings.momentum = 0.9
    settings["seed"] = 3
    assert settings.learning_rate == 0.1 and settings["momentum"] == 0.9
    assert list(settings) == ["learning_rate", "momentum", "seed"] and len(settings) == 3
    assert "seed" in settings and settings.get("missing", 7) == 7
    assert json.loads(settings.to_json()) == {"learning_rate": 0.1, "momentum": 0.9, "seed": 3}
    copy = settings.as_dict()
    copy["seed"] = 99
    assert settings.seed == 3  # as_dict is a copy
    settings.freeze()
    assert settings.frozen
    for change in (
        lambda: setattr(settings, "seed", 4),
        lambda: settings.__setitem__("seed", 4),
        lambda: settings.pop("seed"),
        lambda: settings.update(seed=4),
        lambda: settings.__delitem__("seed"),
    ):
        with pytest.raises(ValueError, match="frozen"):
            change()
    assert settings.seed == 3
    settings.unfreeze()
    settings.update(seed=5)
    assert settings.pop("seed") == 5
    with pytest.raises(AttributeError, match="no entry 'seed'"):
        settings.seed


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, "float32"),
        ("float64", "float64"),
        (np.float16, "float16"),
        (np.dtype("int8"), "int8"),
        (int, "int32"),
        (float, "float32"),
        (bool, "bool"),
        (str, "string"),
        ("int", "int32"),
        (np.zeros(2, dtype="uint16").dtype, "uint16"),
        (keras.Variable(np.zeros(2, "float64")).dtype, "float64"),
    ],
)
def test_standardize_dtype_matches_keras(given, expected):
    # expected: keras.utils.standardize_dtype in Keras 3.15 with a non-TensorFlow backend
    assert utils.standardize_dtype(given) == expected


def test_standardize_dtype_refuses_unknown_names():
    with pytest.raises(ValueError, match="'float' is not a dtype Keras knows"):
        utils.standardize_dtype("float")


def test_is_keras_tensor():
    x = keras.Input((3,))
    assert utils.is_keras_tensor(x) and utils.is_keras_tensor(keras.layers.Dense(2)(x))
    assert not utils.is_keras_tensor(np.ones(3))
    assert not utils.is_keras_tensor(keras.ops.convert_to_tensor(np.ones(3)))


def test_get_source_inputs_walks_back_to_the_inputs():
    a, b, c = keras.Input((2,), name="a"), keras.Input((2,), name="b"), keras.Input((2,), name="c")
    shared = keras.layers.Dense(2)
    left = shared(b)
    total = keras.layers.Add()([left, shared(a), keras.layers.Dense(2)(left)])
    sources = utils.get_source_inputs(total)
    assert [t.name for t in sources] == ["b", "a"]  # each once, in the order first met
    assert utils.get_source_inputs(c) == [c]
    array = np.ones(2)
    assert utils.get_source_inputs(array) is array


def test_progbar_averages_unless_stateful():
    stream = io.StringIO()
    bar = utils.Progbar(3, verbose=2, stateful_metrics=["acc"], stream=stream)
    bar.update(1, [("loss", 3.0), ("acc", 0.1)])
    bar.add(2, [("loss", 0.0), ("acc", 0.7)])  # two steps at 0.0: (3 + 0 + 0) / 3
    line = stream.getvalue()
    assert line.startswith("3/3 - ") and line.endswith("\n") and line.count("\n") == 1
    assert "loss: 1.0000" in line and "acc: 0.7000" in line


def test_progbar_draws_a_bar_with_unknown_target_too():
    stream = io.StringIO()
    bar = utils.Progbar(None, verbose=1, interval=0, stream=stream, unit_name="batch")
    bar.update(5, [("loss", 2.0)])
    assert (
        stream.getvalue().startswith("\r5/Unknown") and "/batch - loss: 2.0000" in stream.getvalue()
    )
    stream = io.StringIO()
    bar = utils.Progbar(4, verbose=1, width=4, stream=stream)
    bar.update(4, {"loss": 0.5})
    assert "4/4 \u2501\u2501\u2501\u2501 " in stream.getvalue() and stream.getvalue().endswith("\n")


def test_interactive_logging_switch_moves_output_to_the_log(capsys, caplog):
    assert utils.is_interactive_logging_enabled is config.is_interactive_logging_enabled
    x, y = np.ones((8, 2), "float32"), np.ones((8, 1), "float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    utils.disable_interactive_logging()
    try:
        assert not utils.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="glassnet"):
            model.fit(x, y, epochs=2, batch_size=4, verbose=1)
            bar = utils.Progbar(2, verbose=1)
            bar.update(1, [("loss", 1.0)])
            bar.update(2, [("loss", 1.0)])
    finally:
        utils.enable_interactive_logging()
    printed = capsys.readouterr().out
    assert "Epoch" not in printed and "\r" not in printed
    logged = [record.getMessage() for record in caplog.records]
    assert logged[0] == "Epoch 1/2" and "Epoch 2/2" in logged
    assert sum(message.startswith("2/2 ") for message in logged) == 3  # 2 epochs + the bar
    model.fit(x, y, epochs=1, batch_size=4, verbose=1)
    assert "Epoch 1/1" in capsys.readouterr().out


def test_registry_and_data_names_are_the_same_objects():
    assert utils.register_keras_serializable is saving.register_keras_serializable
    assert utils.custom_object_scope is saving.CustomObjectScope
    assert utils.serialize_keras_object is saving.serialize_keras_object
    assert utils.get_registered_object is saving.get_registered_object
    batch = utils.pack_x_y_sample_weight(np.ones(2), np.zeros(2))
    x, y, weights = utils.unpack_x_y_sample_weight(batch)
    assert weights is None and y.tolist() == [0.0, 0.0]
    assert utils.Progbar is keras.callbacks.progbar.Progbar
