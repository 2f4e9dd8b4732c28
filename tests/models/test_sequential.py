import numpy as np
import pytest

import glassnet as keras
from glassnet.layers import BatchNormalization, Dense, Dropout, Flatten


def test_builds_at_once_when_input_shape_is_known():
    model = keras.Sequential(
        [Dense(4, activation="relu", input_shape=(2,)), Dense(1, activation="sigmoid")]
    )
    assert model.built and model.count_params() == 17
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]


def test_input_in_the_list_and_add_pop():
    model = keras.Sequential([keras.Input((3,))])
    model.add(Dense(5))
    model.add(Dense(2))
    assert model.count_params() == (3 * 5 + 5) + (5 * 2 + 2)
    popped = model.pop()
    assert popped.name == "dense_1" and len(model.layers) == 1
    assert model.predict(np.ones((4, 3)), verbose=0).shape == (4, 5)


def test_builds_lazily_from_data():
    model = keras.Sequential([Dense(3), Dense(1)])
    assert not model.built
    assert model.predict(np.ones((2, 7)), verbose=0).shape == (2, 1)
    assert model.layers[0].kernel.shape == (7, 3)


def test_predict_on_empty_model_is_a_clear_error():
    with pytest.raises(ValueError, match="Sequential model 'sequential' has no layers"):
        keras.Sequential().predict(np.ones((2, 3)), verbose=0)


def test_summary_before_build_is_a_clear_error():
    with pytest.raises(ValueError, match="has not been built yet"):
        keras.Sequential([Dense(3)]).summary()


def test_config_round_trip_gives_same_architecture():
    model = keras.Sequential(
        [
            keras.Input((4,)),
            Dense(8, activation="relu"),
            BatchNormalization(),
            Dropout(0.2),
            Dense(3, activation="softmax"),
        ]
    )
    clone = keras.Sequential.from_config(model.get_config())
    assert [type(layer).__name__ for layer in clone.layers] == [
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
    ]
    assert clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_unknown_layer_class_in_config():
    with pytest.raises(ValueError, match="Unknown layer class 'Dence'. Did you mean 'Dense'"):
        keras.Sequential.from_config({"layers": [{"class_name": "Dence", "config": {}}]})


def test_flatten_then_dense_on_images():
    model = keras.Sequential([keras.Input((28, 28)), Flatten(), Dense(10, activation="softmax")])
    out = model.predict(np.zeros((3, 28, 28), dtype=np.float32), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-6)


def test_a_sequential_without_an_input_builds_on_its_first_call():
    model = keras.Sequential([Dense(2, kernel_initializer="ones"), Dense(1)])
    assert not model.built
    out = model(np.ones((3, 5), "float32"))
    assert out.shape == (3, 1)
    assert [w.shape for w in model.weights] == [(5, 2), (2,), (2, 1), (1,)]


def test_call_on_an_unbuilt_sequential_builds_it_first():
    model = keras.Sequential([Dense(2, kernel_initializer="ones")])
    out = model.call(keras.ops.convert_to_tensor(np.ones((3, 4), "float32")))
    assert model.built and [w.shape for w in model.weights] == [(4, 2), (2,)]
    np.testing.assert_array_equal(out.data, np.full((3, 2), 4.0))
