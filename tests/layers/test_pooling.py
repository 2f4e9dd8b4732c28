"""Pooling layers: the 3-D and adaptive ones against PyTorch, symbolic shapes, masks, configs."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = F = None

rng = np.random.default_rng(0)
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


@needs_torch
@pytest.mark.parametrize(
    "layer,function,shape",
    [
        (layers.AdaptiveAveragePooling1D(3), lambda x: F.adaptive_avg_pool1d(x, 3), (2, 7, 2)),
        (layers.AdaptiveMaxPooling1D(4), lambda x: F.adaptive_max_pool1d(x, 4), (2, 7, 2)),
        (
            layers.AdaptiveAveragePooling2D((3, 2)),
            lambda x: F.adaptive_avg_pool2d(x, (3, 2)),
            (2, 7, 5, 2),
        ),
        (layers.AdaptiveMaxPooling2D(3), lambda x: F.adaptive_max_pool2d(x, 3), (2, 7, 5, 2)),
        (
            layers.AdaptiveAveragePooling3D((2, 3, 2)),
            lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2)),
            (1, 5, 7, 4, 2),
        ),
        (layers.AdaptiveMaxPooling3D(2), lambda x: F.adaptive_max_pool3d(x, 2), (1, 5, 4, 3, 2)),
        (
            layers.MaxPooling3D(2, strides=(1, 2, 2)),
            lambda x: F.max_pool3d(x, 2, (1, 2, 2)),
            (1, 4, 5, 4, 2),
        ),
        (layers.AveragePooling3D(2), lambda x: F.avg_pool3d(x, 2), (1, 4, 5, 4, 2)),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, layers.Layer) else "",
)
def test_pooling_layers_equal_pytorch_forward_and_gradients(float64, layer, function, shape):
    x = rng.standard_normal(shape)
    ours = keras.Tensor(x, requires_grad=True)
    theirs = torch.tensor(x).movedim(-1, 1).requires_grad_()
    out = layer(ours)
    expected = function(theirs).movedim(1, -1)
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = np.random.default_rng(1).standard_normal(out.shape)
    (out * keras.Tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.movedim(1, -1).numpy(), rtol=1e-10)


def test_symbolic_shapes():
    assert layers.MaxPooling3D(2)(keras.Input((None, 8, 8, 3))).shape == (None, None, 4, 4, 3)
    assert layers.AdaptiveAveragePooling2D((3, 5))(keras.Input((None, None, 4))).shape == (
        None,
        3,
        5,
        4,
    )
    assert layers.GlobalMaxPooling3D(keepdims=True)(keras.Input((4, 4, 4, 2))).shape == (
        None,
        1,
        1,
        1,
        2,
    )
    assert layers.AveragePooling1D(3, padding="same")(keras.Input((None, 4))).shape == (
        None,
        None,
        4,
    )


def test_global_average_pooling1d_mask_channels_first():
    x = np.array([[[1.0, 3.0, 9.0]]])  # (batch, features, steps)
    mask = np.array([[True, True, False]])
    layer = layers.GlobalAveragePooling1D(data_format="channels_first")
    assert layer(x, mask=mask).data.tolist() == [[2.0]]


def test_adaptive_pooling_arguments():
    with pytest.raises(ValueError, match="AdaptiveAveragePooling2D output_size"):
        layers.AdaptiveAveragePooling2D((2, 3, 4))
    with pytest.raises(TypeError, match="output_size must be an int"):
        layers.AdaptiveMaxPooling1D("2")
    layer = layers.AdaptiveMaxPooling1D(2)
    assert layer.get_config()["output_size"] == (2,)
