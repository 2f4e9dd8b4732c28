"""Raw ops calls recorded in a functional graph keep their constant arguments through saving."""

import numpy as np

import glassnet as keras
from glassnet.models import graph_codec


def test_a_numpy_array_constant_is_encoded_as_its_values():
    # an ndarray's own .data is its raw buffer (a memoryview): the array itself must be encoded
    encoded = graph_codec.encode(np.array([[1.0, 2.0]], dtype="float32"), refs={})
    assert encoded == {"__array__": {"dtype": "float32", "shape": [1, 2], "data": [1.0, 2.0]}}


def test_a_model_multiplying_by_a_numpy_constant_saves_and_loads(tmp_path):
    inputs = keras.Input((3,))
    scale = np.array([1.0, 2.0, 3.0], dtype="float32")
    outputs = keras.ops.multiply(keras.layers.Dense(3)(inputs), scale)
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
