"""Normalization, Discretization, CategoryEncoding and Rescaling against Keras 3.15."""

import numpy as np
import pytest

from glassnet import Tensor, gradcheck, layers
from tests.layers.preprocessing.keras_fixtures import assert_matches, load

KERAS, META = load("numeric_layers")


def test_normalization_adapt_on_an_array_matches_keras():
    x = KERAS["x"]
    layer = layers.Normalization()
    layer.adapt(x)
    assert_matches(layer(x), KERAS["normalization/adapted"])
    assert_matches(layer.weights[0], KERAS["normalization/mean"])
    assert_matches(layer.weights[1], KERAS["normalization/variance"])
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert int(layer.weights[2].numpy()) == 6 and layer.trainable_weights == []


def test_normalization_adapt_on_batches_pools_exactly():
    x = KERAS["x"]
    layer = layers.Normalization()
    layer.adapt([x[:2], x[2:5], (x[5:], np.zeros(1))])  # (x, y) batches use x
    assert_matches(layer.weights[0], KERAS["normalization/batched_mean"])
    assert_matches(layer.weights[1], KERAS["normalization/batched_variance"])
    generator = (batch for batch in (x[:3], x[3:]))
    again = layers.Normalization()
    again.adapt(generator)
    np.testing.assert_allclose(again.weights[1].numpy(), x.var(axis=0), rtol=1e-5)


@pytest.mark.parametrize(
    "axis, key", [((1, -1), "normalization/two_axes"), (None, "normalization/no_axis")]
)
def test_normalization_axes_match_keras(axis, key):
    images = KERAS["images"]
    layer = layers.Normalization(axis=axis)
    layer.adapt(images)
    assert_matches(layer(images), KERAS[key])


def test_normalization_given_statistics_and_invert_match_keras():
    x = KERAS["x"]
    given = layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 4.0, 9.0, 0.25])
    assert_matches(given(x), KERAS["normalization/given"])
    inverse = layers.Normalization(mean=2.0, variance=3.0, invert=True)
    assert_matches(inverse(x), KERAS["normalization/invert"])
    forward = layers.Normalization(mean=2.0, variance=3.0)
    np.testing.assert_allclose(inverse(forward(x)).numpy(), x, rtol=1e-5)


def test_normalization_config_round_trip_and_gradient(float64):
    config = layers.Normalization(axis=(1, 2), mean=1.0, variance=2.0).get_config()
    keras_config = META["normalization_config"]
    for key in ("axis", "invert", "mean", "variance"):
        assert list(np.atleast_1d(config[key])) == list(np.atleast_1d(keras_config[key]))
    clone = layers.Normalization.from_config(config)
    x = np.random.default_rng(0).random((2, 3, 4))
    np.testing.assert_allclose(clone(x).numpy(), (x - 1.0) / np.sqrt(2.0))
    layer = layers.Normalization(mean=[0.5, 1.0, 2.0], variance=[1.0, 2.0, 3.0])
    assert gradcheck(lambda t: layer(t), np.random.default_rng(1).random((2, 3)))


def test_normalization_errors_name_the_layer():
    with pytest.raises(ValueError, match="Normalization: give both mean and variance"):
        layers.Normalization(mean=1.0)
    layer = layers.Normalization(name="norm")
    layer.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match="Normalization 'norm': built for inputs of shape"):
        layer.adapt(np.ones((4, 5)))


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_modes_match_keras(mode):
    values = KERAS["values"]
    layer = layers.Discretization(bin_boundaries=[-1.0, 0.0, 0.5], output_mode=mode)
    source = values[:, :1] if mode == "one_hot" else values
    assert_matches(layer(source), KERAS[f"discretization/{mode}"])


def test_discretization_adapt_matches_keras_quantiles():
    values = KERAS["values"]
    layer = layers.Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(values)
    np.testing.assert_allclose(layer.bin_boundaries, META["discretization_boundaries"], rtol=1e-6)
    assert_matches(layer(values), KERAS["discretization/adapted"])
    batched = layers.Discretization(num_bins=5, epsilon=0.05)
    batched.adapt([values[:20], values[20:]])
    expected = META["discretization_boundaries_batched"]
    np.testing.assert_allclose(batched.bin_boundaries, expected, rtol=1e-6)
    big = layers.Discretization(num_bins=8)
    big.adapt(KERAS["discretization/big"])
    np.testing.assert_allclose(big.bin_boundaries, META["discretization_boundaries_big"], rtol=1e-6)


def test_discretization_config_and_state_round_trip():
    layer = layers.Discretization(num_bins=3, epsilon=0.1)
    layer.adapt(np.arange(30.0))
    clone = layers.Discretization.from_config(layer.get_config())
    assert clone.bin_boundaries == layer.bin_boundaries
    store = {}
    layer.save_own_variables(store)
    fresh = layers.Discretization(num_bins=3, epsilon=0.1)
    fresh.load_own_variables(store)
    fresh.finalize_state()
    assert fresh.bin_boundaries == layer.bin_boundaries
    assert layer.compute_output_shape((None, 4)) == (None, 4)
    counts = layers.Discretization(bin_boundaries=[0.0], output_mode="count")
    assert counts.compute_output_shape((None, 4)) == (None, 2)


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding_matches_keras(mode):
    ids = KERAS["ids"]
    layer = layers.CategoryEncoding(num_tokens=6, output_mode=mode)
    source = ids[:, :1] if mode == "one_hot" else ids
    assert_matches(layer(source), KERAS[f"category/{mode}"])
    assert_matches(layer(ids[:, 0]), KERAS[f"category/{mode}_1d"])
    assert layer.compute_output_shape(source.shape) == KERAS[f"category/{mode}"].shape


def test_category_encoding_count_weights_and_config():
    ids, weights = KERAS["ids"], KERAS["category/weights"]
    layer = layers.CategoryEncoding(num_tokens=6, output_mode="count")
    assert_matches(layer(ids, count_weights=weights), KERAS["category/weighted"])
    config = layers.CategoryEncoding(num_tokens=6).get_config()
    assert {k: config[k] for k in ("num_tokens", "output_mode")} == {
        k: META["category_config"][k] for k in ("num_tokens", "output_mode")
    }
    with pytest.raises(ValueError, match="count_weights is only used"):
        layers.CategoryEncoding(3, output_mode="one_hot")(np.array([0]), count_weights=np.ones(1))


def test_rescaling_matches_keras_and_is_differentiable(float64):
    images = KERAS["images"]
    assert_matches(
        layers.Rescaling(1 / 255.0, offset=-0.5, dtype="float32")(images * 255), KERAS["rescaled"]
    )
    per_channel = layers.Rescaling([0.5, 2.0], offset=[1.0, 0.0], dtype="float32")
    assert_matches(per_channel(images), KERAS["rescaled_channels"])
    config = per_channel.get_config()
    assert config["scale"] == [0.5, 2.0] and config["offset"] == [1.0, 0.0]
    layer = layers.Rescaling(2.0, offset=1.0)
    assert gradcheck(lambda t: layer(t), np.random.default_rng(0).random((2, 3)))


def test_rescaling_casts_integer_images():
    out = layers.Rescaling(1 / 255.0)(np.array([[0, 255]], dtype="uint8"))
    assert out.dtype == np.float32 and isinstance(out, Tensor)
    np.testing.assert_allclose(out.numpy(), [[0.0, 1.0]])
