"""moments, normalize (L^p), rms_normalization, layer_normalization, psnr: NumPy forward,
float32 in float32 out, float64 gradchecks, torch.nn.functional where it has them."""

import numpy as np
import pytest

from glassnet import Tensor, ops
from glassnet.ops import nn, normalization
from tests.ops.harness import OpCase, normal, standard_tests, uniform

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = F = None

EPS = 1e-7  # keras.config.epsilon()


def np_layer_norm(x, gamma, beta, axes, eps=1e-3):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


CASES = [
    OpCase(
        "moments_mean",
        lambda x: ops.moments(x, axes=[0, 2])[0],
        [normal(3, 4, 5)],
        lambda x: x.mean(axis=(0, 2)),
        lambda x: torch.var_mean(x, dim=(0, 2), correction=0)[1],
    ),
    OpCase(
        "moments_variance",
        lambda x: ops.moments(x, axes=1, keepdims=True)[1],
        [normal(3, 4, 5)],
        lambda x: x.var(axis=1, keepdims=True),
        lambda x: torch.var_mean(x, dim=1, keepdim=True, correction=0)[0],
    ),
    OpCase(
        "normalize_l2",
        nn.normalize,
        [normal(4, 5)],
        lambda x: x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), EPS),
        lambda x: F.normalize(x, p=2, dim=-1, eps=EPS),
    ),
    OpCase(
        "normalize_l1_axis0",
        lambda x: nn.normalize(x, axis=0, order=1),
        [normal(4, 5)],
        lambda x: x / np.abs(x).sum(axis=0, keepdims=True),
        lambda x: F.normalize(x, p=1, dim=0, eps=EPS),
    ),
    OpCase(
        "normalize_l3",
        lambda x: nn.normalize(x, order=3),
        [normal(4, 5)],
        lambda x: x / (np.abs(x) ** 3).sum(axis=-1, keepdims=True) ** (1 / 3),
        lambda x: F.normalize(x, p=3, dim=-1, eps=EPS),
    ),
    OpCase(
        "rms_normalization",
        lambda x, s: ops.rms_normalization(x, s),
        [normal(3, 6), uniform(0.5, 2, 6)],
        lambda x, s: x / np.sqrt((x * x).mean(-1, keepdims=True) + EPS) * s,
        lambda x, s: F.rms_norm(x, (6,), s, EPS),
    ),
    OpCase(
        "rms_normalization_axes",
        lambda x: ops.rms_normalization(x, axis=(1, 2), epsilon=1e-3),
        [normal(2, 3, 4)],
        lambda x: x / np.sqrt((x * x).mean((1, 2), keepdims=True) + 1e-3),
        lambda x: F.rms_norm(x, (3, 4), None, 1e-3),
    ),
    OpCase(
        "layer_normalization",
        lambda x, g, b: ops.layer_normalization(x, g, b, epsilon=1e-3),
        [normal(3, 6), uniform(0.5, 2, 6), normal(6)],
        lambda x, g, b: np_layer_norm(x, g, b, -1),
        lambda x, g, b: F.layer_norm(x, (6,), g, b, 1e-3),
    ),
    OpCase(
        "layer_normalization_leading_axes",
        lambda x, g, b: ops.layer_normalization(x, g, b, axis=[0, 1], epsilon=1e-3),
        [normal(3, 4, 2), uniform(0.5, 2, 3, 4), normal(3, 4)],
        lambda x, g, b: np_layer_norm(x, g[..., None], b[..., None], (0, 1)),
    ),
    OpCase(
        "layer_normalization_rms_scaling",
        lambda x, g: ops.layer_normalization(x, g, rms_scaling=True),
        [normal(3, 6), uniform(0.5, 2, 6)],
        lambda x, g: x / np.sqrt(x.var(-1, keepdims=True) + EPS) * g,
    ),
    OpCase(
        "psnr",
        lambda a, b: ops.psnr(a, b, 2.0),
        [uniform(0, 2, 2, 4, 4, 3), uniform(0, 2, 2, 4, 4, 3)],
        lambda a, b: 20 * np.log10(2.0) - 10 * np.log10(np.mean((a - b) ** 2)),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_normalize_clamps_tiny_norms_at_epsilon():
    x = Tensor(np.array([[0.0, 0.0], [3e-9, 4e-9]]), requires_grad=True)
    out = nn.normalize(x)
    np.testing.assert_allclose(out.data, [[0.0, 0.0], [3e-2, 4e-2]], rtol=1e-9)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 2), 1 / EPS), rtol=1e-9)
    assert nn.normalize(np.array([3.0, 4.0]), epsilon=10.0).data.tolist() == [0.3, 0.4]
    with pytest.raises(ValueError, match="order must be an int >= 1"):
        nn.normalize(np.ones(2), order=0)


def test_float16_statistics_are_taken_in_float32():
    x = np.full(4096, 100.0, dtype="float16")
    mean, variance = ops.moments(x, axes=0)
    assert mean.dtype == np.float16 and float(mean.data) == 100.0 and float(variance.data) == 0.0
    assert ops.layer_normalization(x.reshape(2, -1)).dtype == np.float16


def test_flat_ops_normalize_is_keras_lp_normalization():
    # keras.ops.normalize(x, axis=-1, order=2) is the L^p one; the normalization layers' fused
    # batch-statistics op is glassnet.ops.normalization.normalize
    assert ops.normalize is ops.nn.normalize
    np.testing.assert_allclose(ops.normalize(np.array([[3.0, 4.0]])).data, [[0.6, 0.8]])
    np.testing.assert_allclose(
        ops.normalize(np.array([[3.0, -4.0]]), order=1).data, [[3 / 7, -4 / 7]]
    )
    out, mean, _ = normalization.normalize(np.array([[1.0], [3.0]]), axes=(0,), epsilon=0.0)
    assert out.data.ravel().tolist() == [-1.0, 1.0] and mean.ravel().tolist() == [2.0]


def test_psnr_refuses_different_shapes():
    with pytest.raises(ValueError, match="psnr: x1 and x2 must have the same shape"):
        ops.psnr(np.ones((2, 2)), np.ones(4), 1.0)
