"""FeatureSpace against Keras 3.15 on the same columns (tests/fixtures/make_keras_data_fixtures.py),
and the keras.io structured-data recipe: adapt on a dataset, map, build a model on the inputs."""

import importlib.util
import os

import numpy as np
import pytest

import glassnet as keras
from glassnet.utils import Dataset, FeatureSpace

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
_spec = importlib.util.spec_from_file_location(
    "make_keras_data_fixtures", os.path.join(FIXTURES, "make_keras_data_fixtures.py")
)
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


def space_and_data():
    features, specs = make_fixtures.feature_space_data(keras)
    space = FeatureSpace(
        specs,
        output_mode="concat",
        crosses=[FeatureSpace.cross(("city", "rooms"), crossing_dim=8)],
    )
    return space, features


def test_encoding_equals_keras():
    expected = np.load(os.path.join(FIXTURES, "keras_data", "feature_space.npz"))
    space, features = space_and_data()
    space.adapt(dict(features))
    encoded = np.asarray(space(dict(features)))
    assert encoded.shape == expected["encoded"].shape and encoded.dtype == np.float32
    np.testing.assert_allclose(encoded, expected["encoded"], rtol=1e-5, atol=1e-5)
    single = np.asarray(space({k: v[0] for k, v in features.items()}))
    np.testing.assert_allclose(single, expected["single"], rtol=1e-5, atol=1e-5)


def test_the_structured_data_recipe_trains_a_model():
    features, _ = make_fixtures.feature_space_data(keras)
    space = FeatureSpace(
        {
            "age": "float_normalized",
            "city": "string_categorical",
            "rooms": "integer_categorical",
            "income": FeatureSpace.float_discretized(num_bins=3),
        },
        crosses=[FeatureSpace.cross(("city", "rooms"), crossing_dim=8)],
    )
    features = {key: features[key] for key in ("age", "city", "rooms", "income")}
    labels = (features["age"] > 50).astype(np.int64)
    train = Dataset.from_tensor_slices((dict(features), labels)).batch(8)
    space.adapt(train.map(lambda x, y: x))
    preprocessed = train.map(lambda x, y: (space(x), y))
    inputs = space.get_inputs()
    encoded = space.get_encoded_features()
    dense = keras.layers.Dense(1, activation="sigmoid")
    model = keras.Model(inputs, dense(encoded))  # raw features in, as served
    # keras.io builds the training model as Model(encoded, outputs); glassnet's Functional
    # needs an Input, so the training model shares the layer instead
    vector = keras.Input((encoded.shape[-1],))
    training = keras.Model(vector, dense(vector))
    training.compile(keras.optimizers.Adam(0.05), "binary_crossentropy")
    history = training.fit(preprocessed, epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    raw = {k: v[:4, None] for k, v in features.items()}  # (batch, 1) as the Inputs are
    np.testing.assert_allclose(
        model.predict(raw, verbose=0),
        training.predict(np.asarray(space(raw)), verbose=0),
        rtol=1e-5,
    )


def test_dict_output_and_errors():
    space = FeatureSpace(
        {"n": "float", "k": FeatureSpace.integer_categorical(output_mode="int")}, output_mode="dict"
    )
    space.adapt({"n": np.array([1.0, 2.0, 3.0]), "k": np.array([3, 3, 4])})
    out = space({"n": np.array([1.0, 2.0]), "k": np.array([3, 9])})
    assert sorted(out) == ["k", "n"] and np.asarray(out["k"]).ravel().tolist() == [1, 0]
    with pytest.raises(ValueError, match="unknown kind"):
        FeatureSpace({"a": "float_magic"})
    with pytest.raises(ValueError, match="adapt"):
        FeatureSpace({"a": "float_normalized"})({"a": np.ones(2)})
    with pytest.raises(ValueError, match="cannot be concatenated"):
        FeatureSpace({"k": FeatureSpace.integer_categorical(output_mode="int")}).adapt(
            {"k": np.array([1, 2])}
        )
    with pytest.raises(ValueError, match="unknown features"):
        FeatureSpace({"a": "float"}, crosses=[("a", "b")])
