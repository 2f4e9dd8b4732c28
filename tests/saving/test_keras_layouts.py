"""Every layer class Keras can save, in a small model (tests/fixtures/keras_saving_models.py):
glassnet's .keras file has the layout Keras 3.15 gives the same model (HDF5 groups, datasets
with their shapes, assets; recorded by make_keras_saving_fixtures.py), and the model comes back
from .keras and .glassnet files predicting what it predicted."""

import json
import lzma

import numpy as np
import pytest

import glassnet as keras
from glassnet.saving import load_model
from glassnet.saving.layer_state import walk
from tests.fixtures.keras_saving_models import layer_models
from tests.saving.test_keras_interchange import FIXTURES, layout

LAYOUTS = json.loads(lzma.decompress((FIXTURES / "layer_layouts.json.xz").read_bytes()))
MODELS = layer_models(keras)


def predict(model, inputs):
    return np.asarray(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))


def test_the_table_has_every_layer_class_keras_saves():
    assert sorted(MODELS) == sorted(LAYOUTS)
    builtin = {
        name
        for name in dir(keras.layers)
        if isinstance(getattr(keras.layers, name), type)
        and issubclass(getattr(keras.layers, name), keras.layers.Layer)
    }
    standalone_not = {"InputLayer", "Layer", "Wrapper", "Lambda", "MaxNumBoundingBoxes"}
    covered = {type(entry.obj).__name__ for make, _ in MODELS.values() for entry in walk(make())}
    aliases = {name for name in builtin if getattr(keras.layers, name).__name__ != name}
    cells = {"GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"}  # inside RNN
    adapted = {"Discretization", "IntegerLookup", "StringLookup", "TextVectorization"}
    assert builtin - aliases - standalone_not - cells - adapted <= covered  # adapted: in
    assert cells <= covered  # test_keras_interchange.py, with their state
    assert cells <= covered


@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_layout_and_round_trips(tmp_path, name):
    make, inputs = MODELS[name]
    model = make()
    expected = predict(model, inputs)
    model.save(tmp_path / "m.keras")
    if "error" in LAYOUTS[name]:  # Keras cannot save this model itself
        assert name == "Equalization", LAYOUTS[name]["error"]
    else:
        assert layout(tmp_path / "m.keras") == LAYOUTS[name]
    for path in (tmp_path / "m.keras", tmp_path / "m.glassnet"):
        if path.suffix == ".glassnet":
            model.save(path)
        np.testing.assert_array_equal(predict(load_model(path), inputs), expected)
