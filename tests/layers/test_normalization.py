import numpy as np
import pytest

from glassnet import layers
from tests.layers.helpers import layer_gradcheck

rng = np.random.default_rng(0)


def test_batchnorm_counts_four_weights_per_feature_two_trainable():
    bn = layers.BatchNormalization()
    bn(np.ones((2, 5), dtype=np.float32))
    assert bn.count_params() == 20
    assert [w.name for w in bn.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in bn.non_trainable_weights] == ["moving_mean", "moving_variance"]


def test_batchnorm_training_uses_batch_statistics_and_updates_moving_ones():
    bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    x = rng.normal(3.0, 2.0, (64, 4)).astype(np.float32)
    out = bn(x, training=True).data
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-3), rtol=1e-4)
    np.testing.assert_allclose(bn.moving_mean.data, 0.1 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_variance.data, 0.9 + 0.1 * x.var(axis=0), rtol=1e-5)


def test_batchnorm_inference_uses_moving_statistics():
    bn = layers.BatchNormalization()
    x = rng.normal(3.0, 2.0, (8, 4)).astype(np.float32)
    bn(x)
    bn.moving_mean.assign(np.full(4, 1.0))
    bn.moving_variance.assign(np.full(4, 4.0))
    np.testing.assert_allclose(bn(x).data, (x - 1.0) / np.sqrt(4.0 + 1e-3), rtol=1e-5)
    before = bn.moving_mean.data.copy()
    bn(x)  # inference leaves the statistics alone
    np.testing.assert_array_equal(bn.moving_mean.data, before)


def test_batchnorm_on_images_normalises_per_channel():
    bn = layers.BatchNormalization()
    x = rng.normal(0, 1, (4, 5, 5, 3)).astype(np.float32) * np.array([1, 10, 100], dtype=np.float32)
    out = bn(x, training=True).data
    np.testing.assert_allclose(out.reshape(-1, 3).std(axis=0), 1, rtol=1e-2)
    assert bn.gamma.shape == (3,)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradients(float64, training):
    bn = layers.BatchNormalization(
        gamma_initializer="random_normal", beta_initializer="random_normal"
    )
    x = rng.standard_normal((6, 3))
    bn(x)
    bn.moving_variance.assign(np.full(3, 2.0))
    result = layer_gradcheck(bn, x, ["gamma", "beta"], training=training)
    assert result, result


def test_layer_normalization_gradients_and_values(float64):
    ln = layers.LayerNormalization(
        gamma_initializer="random_normal", beta_initializer="random_normal"
    )
    x = rng.standard_normal((3, 2, 5))
    out = ln(x).data
    expected = (x - x.mean(-1, keepdims=True)) / np.sqrt(
        x.var(-1, keepdims=True) + 1e-3
    ) * ln.gamma.data + ln.beta.data
    np.testing.assert_allclose(out, expected, rtol=1e-10)
    assert layer_gradcheck(ln, x, ["gamma", "beta"])
