"""The playground's settings: checking changes, and the model they describe."""

import numpy as np
import pytest

from glassnet import layers, optimizers, regularizers
from glassnet.playground.settings import DEFAULT_CONFIG, build_model, merge_config


def test_a_change_keeps_the_other_settings():
    config = merge_config(DEFAULT_CONFIG, {"data": {"noise": 25}, "learning_rate": 0.1})
    assert config["data"] == {**DEFAULT_CONFIG["data"], "noise": 25.0}
    assert config["learning_rate"] == 0.1
    assert config["hidden"] == DEFAULT_CONFIG["hidden"]
    assert DEFAULT_CONFIG["data"]["noise"] == 0  # the defaults themselves are untouched


def test_features_keep_the_page_order():
    config = merge_config(DEFAULT_CONFIG, {"features": ["sin(x2)", "x1", "x1*x2"]})
    assert config["features"] == ["x1", "x1*x2", "sin(x2)"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"colour": "red"}, "unknown setting 'colour'"),
        ({"data": {"rows": 3}}, "unknown data setting 'rows'"),
        ({"data": {"name": "iris"}}, "data.name: choose one of moons, circles, spirals"),
        ({"data": {"samples": 5}}, "data.samples: must be between 10 and 2000, got 5"),
        ({"data": {"samples": 20000}}, "must be between 10 and 2000, got 20000"),
        ({"data": {"samples": 100.5}}, "data.samples: expected a whole number"),
        ({"data": {"noise": 60}}, "data.noise: must be between 0 and 50"),
        ({"hidden": [8] * 7}, "at most 6 hidden layers, got 7"),
        ({"hidden": [8, 17]}, "each layer has 1 to 16 neurons, got 17"),
        ({"hidden": [8, 0]}, "each layer has 1 to 16 neurons, got 0"),
        ({"hidden": [True]}, "each layer has 1 to 16 neurons, got True"),
        ({"hidden": "8,8"}, "expected a list of neuron counts"),
        ({"features": []}, "choose at least one input feature"),
        ({"features": ["x3"]}, "unknown \\['x3'\\]"),
        ({"activation": "swish"}, "activation: choose one of tanh, relu"),
        ({"optimizer": "lbfgs"}, "optimizer: choose one of sgd, adam"),
        ({"learning_rate": 0}, "learning_rate: must be between 1e-06 and 10, got 0"),
        ({"learning_rate": "fast"}, "learning_rate: expected a number, got 'fast'"),
        ({"learning_rate": float("nan")}, "learning_rate: must be between"),
        ({"batch_size": 501}, "batch_size: must be between 1 and 500"),
        ({"batch_size": False}, "batch_size: expected a number, got False"),
        ({"dropout": 0.95}, "dropout: must be between 0 and 0.9"),
    ],
)
def test_bad_changes_name_the_setting_and_the_limit(changes, message):
    with pytest.raises(ValueError, match=message):
        merge_config(DEFAULT_CONFIG, changes)


def test_the_model_of_the_settings():
    config = merge_config(
        DEFAULT_CONFIG,
        {
            "hidden": [5, 3],
            "activation": "relu",
            "initializer": "he_normal",
            "regularization": "l1",
            "regularization_rate": 0.01,
            "dropout": 0.2,
            "optimizer": "rmsprop",
            "learning_rate": 0.005,
        },
    )
    model = build_model(config, 3)
    kinds = [(type(layer).__name__, layer.name) for layer in model.layers]
    assert kinds == [
        ("Dense", "hidden_1"),
        ("Dropout", "dropout_1"),
        ("Dense", "hidden_2"),
        ("Dropout", "dropout_2"),
        ("Dense", "output"),
    ]
    dense = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    assert [layer.kernel.shape for layer in dense] == [(3, 5), (5, 3), (3, 1)]
    assert [layer.get_config()["activation"] for layer in dense] == ["relu", "relu", "sigmoid"]
    assert all(isinstance(layer.kernel_regularizer, regularizers.L1) for layer in dense)
    assert dense[0].kernel_regularizer.l1 == pytest.approx(0.01)
    assert model.layers[1].rate == 0.2
    assert isinstance(model.optimizer, optimizers.RMSprop)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.005)
    assert model.get_compile_config()["loss"] == "binary_crossentropy"


def test_the_seed_decides_the_weights():
    first = build_model(DEFAULT_CONFIG, 2).get_weights()
    again = build_model(DEFAULT_CONFIG, 2).get_weights()
    other = build_model(merge_config(DEFAULT_CONFIG, {"seed": 1}), 2).get_weights()
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


def test_no_hidden_layer_is_logistic_regression():
    model = build_model(merge_config(DEFAULT_CONFIG, {"hidden": []}), 2)
    assert [layer.name for layer in model.layers] == ["output"]
