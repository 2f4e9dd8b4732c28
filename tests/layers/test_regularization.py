"""Noise and dropout layers: identity in inference, the statistics of their noise while training,
seeds, whole-channel dropout; ActivityRegularization's penalty reaches the training loss."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

rng = np.random.default_rng(0)


@pytest.mark.parametrize(
    "layer",
    [
        layers.GaussianNoise(0.3),
        layers.GaussianDropout(0.3),
        layers.AlphaDropout(0.3),
        layers.SpatialDropout1D(0.3),
        layers.ActivityRegularization(l1=0.1),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_identity_in_inference(layer):
    x = rng.standard_normal((4, 5, 3)).astype("float32")
    np.testing.assert_array_equal(layer(x).data, x)
    assert layer.compute_output_shape((None, 5, 3)) == (None, 5, 3)


def test_gaussian_noise_and_dropout_statistics():
    x = np.ones((200, 100), "float32")
    noise = layers.GaussianNoise(0.2)(x, training=True).data - 1
    assert abs(noise.mean()) < 0.01 and abs(noise.std() - 0.2) < 0.01
    factor = layers.GaussianDropout(0.2)(x, training=True).data
    assert abs(factor.mean() - 1) < 0.01 and abs(factor.std() - np.sqrt(0.2 / 0.8)) < 0.01


def test_alpha_dropout_keeps_mean_and_variance_of_selu_activations():
    x = rng.standard_normal(100_000).astype("float32")
    out = layers.AlphaDropout(0.1)(x, training=True).data
    assert abs(out.mean()) < 0.02 and abs(out.var() - 1) < 0.02
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - 0.1) * (1 + 0.1 * alpha_p**2)) ** -0.5
    dropped = np.isclose(out, a * alpha_p - a * alpha_p * 0.1)  # SELU's saturation, corrected
    assert 0.09 < dropped.mean() < 0.11


def test_seeded_layers_repeat_their_noise():
    x = np.ones((3, 4), "float32")
    a = layers.GaussianNoise(0.5, seed=3)(x, training=True).data
    b = layers.GaussianNoise(0.5, seed=3)(x, training=True).data
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "layer,shape,kept",
    [
        (layers.SpatialDropout1D(0.5), (8, 6, 10), (1,)),
        (layers.SpatialDropout2D(0.5), (8, 4, 4, 10), (1, 2)),
        (layers.SpatialDropout3D(0.5, data_format="channels_first"), (8, 10, 3, 3, 3), (2, 3, 4)),
    ],
    ids=["1D", "2D", "3D-channels_first"],
)
def test_spatial_dropout_drops_whole_channels(layer, shape, kept):
    out = layer(np.ones(shape, "float32"), training=True).data
    first = out[
        (slice(None),)
        + tuple(slice(None) if a not in kept else slice(0, 1) for a in range(1, len(shape)))
    ]
    np.testing.assert_array_equal(out, np.broadcast_to(first, shape))
    assert set(np.unique(out)) <= {0.0, 2.0} and 0.3 < (out == 0).mean() < 0.7


def test_activity_regularization_adds_its_penalty_to_the_training_loss():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(2, kernel_initializer="ones"),
            layers.ActivityRegularization(l2=0.5),
        ]
    )
    x = np.ones((4, 3), "float32")
    y = np.zeros((4, 2), "float32")
    model.compile("sgd", "mse")
    loss = model.evaluate(x, y, verbose=0)
    # mse of outputs 3.0 is 9, plus 0.5 * sum(3^2 * 8 entries) / 4 samples = 9
    assert loss == pytest.approx(18.0, rel=1e-5)
