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


# -- GroupNormalization, RMSNormalization, UnitNormalization, SpectralNormalization ----------------
try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = F = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def compare_with_torch(layer, x, torch_fn, weight_names):
    """Forward and gradients (input and the named weights) against a PyTorch function of the
    input (channels_last) and the weights."""
    ours = keras_tensor(x)
    out = layer(ours)
    theirs = torch.tensor(x, requires_grad=True)
    weights = [torch.tensor(getattr(layer, n).data, requires_grad=True) for n in weight_names]
    expected = torch_fn(theirs, *weights)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-9, atol=1e-12)
    g = np.random.default_rng(3).standard_normal(out.shape)
    for n in weight_names:
        getattr(layer, n).grad = None
    (out * keras_tensor(g, grad=False)).sum().backward()
    (expected * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-8, atol=1e-10)
    for n, w in zip(weight_names, weights):
        np.testing.assert_allclose(getattr(layer, n).grad, w.grad.numpy(), rtol=1e-8, atol=1e-10)


def keras_tensor(array, grad=True):
    from glassnet import Tensor

    return Tensor(np.asarray(array, dtype=np.float64), requires_grad=grad)


@needs_torch
def test_group_normalization_equals_pytorch(float64):
    layer = layers.GroupNormalization(
        groups=3, epsilon=1e-5, gamma_initializer="random_normal", beta_initializer="random_normal"
    )
    x = rng.standard_normal((2, 4, 5, 6))
    layer(x)

    def reference(t, gamma, beta):
        return F.group_norm(t.permute(0, 3, 1, 2), 3, gamma, beta, 1e-5).permute(0, 2, 3, 1)

    compare_with_torch(layer, x, reference, ["gamma", "beta"])


@needs_torch
def test_rms_normalization_equals_pytorch(float64):
    layer = layers.RMSNormalization(axis=[1, 2], epsilon=1e-4)
    x = rng.standard_normal((3, 4, 5))
    layer(x)
    layer.scale.assign(rng.standard_normal((4, 5)))

    def reference(t, scale):
        return F.rms_norm(t, (4, 5), scale, 1e-4)

    compare_with_torch(layer, x, reference, ["scale"])


@pytest.mark.parametrize(
    "make,names",
    [
        (lambda: layers.GroupNormalization(groups=2, axis=1), ["gamma", "beta"]),
        (lambda: layers.GroupNormalization(groups=-1), ["gamma", "beta"]),
        (lambda: layers.RMSNormalization(), ["scale"]),
        (lambda: layers.UnitNormalization(axis=[1, 2]), []),
        (lambda: layers.LayerNormalization(rms_scaling=True), ["gamma"]),
    ],
    ids=["GroupNorm-axis1", "InstanceNorm", "RMSNorm", "UnitNorm", "LayerNorm-rms_scaling"],
)
def test_new_normalization_gradients(float64, make, names):
    layer = make()
    x = rng.standard_normal((2, 4, 3))
    layer(x)
    for name in names:
        getattr(layer, name).assign(rng.standard_normal(getattr(layer, name).shape))
    assert layer_gradcheck(layer, x, names)


def test_unit_normalization_values_and_zero_vector():
    out = layers.UnitNormalization()(np.array([[3.0, 4.0], [0.0, 0.0]])).data
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)


def test_group_normalization_checks_groups():
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match=r"groups \(3\) must divide the 4 channels"):
        layers.GroupNormalization(groups=3)(np.zeros((1, 4)))


def test_frozen_batch_normalization_normalises_with_moving_statistics_in_fit():
    """trainable=False puts BatchNormalization in inference mode even under fit, as in Keras 3
    (transfer learning): its moving statistics are left alone."""
    import glassnet as keras

    base = layers.BatchNormalization()
    model = keras.Sequential([keras.Input((3,)), base, layers.Dense(1)])
    base.trainable = False
    before = [w.copy() for w in base.get_weights()]
    model.compile("sgd", "mse")
    x = rng.normal(5.0, 2.0, (32, 3)).astype("float32")
    model.fit(x, np.ones((32, 1), "float32"), epochs=1, verbose=0)
    for a, b in zip(before, base.get_weights()):
        np.testing.assert_array_equal(a, b)
    out = base(x, training=True).data
    np.testing.assert_allclose(out, x / np.sqrt(1 + 1e-3), rtol=1e-5)


def test_spectral_normalization_brings_the_largest_singular_value_to_one():
    sn = layers.SpectralNormalization(layers.Dense(4), power_iterations=5)
    x = rng.standard_normal((2, 6)).astype("float32")
    sn(x)
    sn.layer.kernel.assign(rng.standard_normal((6, 4)) * 3)
    for _ in range(5):
        sn(x, training=True)
    sigma = np.linalg.svd(sn.layer.kernel.data, compute_uv=False)[0]
    assert abs(sigma - 1) < 1e-4
    inference = sn(x).data
    np.testing.assert_array_equal(inference, sn.layer(x).data)  # inference leaves the kernel
    assert [w.name for w in sn.weights] == ["kernel", "vector_u", "bias"]
    assert [w.name for w in sn.trainable_weights] == ["kernel", "bias"]


def test_spectral_normalization_needs_a_kernel():
    with pytest.raises(ValueError, match="neither a kernel nor embeddings"):
        layers.SpectralNormalization(layers.Activation("relu"))(np.ones((1, 2)))
