"""Cropping, zero padding and upsampling in 1, 2 and 3 dimensions: values, gradients, shapes."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from tests.layers.helpers import layer_gradcheck

rng = np.random.default_rng(0)


def test_values_by_hand():
    x = np.arange(6.0).reshape(1, 6, 1)
    assert layers.Cropping1D((1, 2))(x).data.ravel().tolist() == [1.0, 2.0, 3.0]
    assert layers.ZeroPadding1D(1)(x[:, :2]).data.ravel().tolist() == [0.0, 0.0, 1.0, 0.0]
    assert layers.UpSampling1D(2)(x[:, :2]).data.ravel().tolist() == [0.0, 0.0, 1.0, 1.0]
    volume = np.arange(8.0).reshape(1, 2, 2, 2, 1)
    up = layers.UpSampling3D((1, 1, 2))(volume).data[0, ..., 0]
    np.testing.assert_array_equal(up, np.repeat(volume[0, ..., 0], 2, axis=2))
    padded = layers.ZeroPadding3D(((1, 0), (0, 0), (0, 1)))(volume).data[0, ..., 0]
    assert padded.shape == (3, 2, 3) and padded[0].sum() == 0 and padded[1:, :, :2].sum() == 28
    cropped = layers.Cropping3D(((1, 0), (0, 1), (0, 0)))(volume).data[0, ..., 0]
    np.testing.assert_array_equal(cropped, volume[0, 1:, :1, :, 0])


@pytest.mark.parametrize(
    "layer,shape",
    [
        (layers.Cropping3D(1, data_format="channels_first"), (1, 2, 4, 4, 3)),
        (layers.ZeroPadding3D((1, 2, 0)), (1, 2, 2, 2, 2)),
        (layers.UpSampling3D(2), (1, 2, 2, 2, 1)),
        (layers.UpSampling2D(2, interpolation="bilinear"), (2, 3, 3, 2)),
        (layers.UpSampling2D((1, 3), interpolation="bicubic"), (1, 2, 3, 1)),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, layers.Layer) else "",
)
def test_gradients(float64, layer, shape):
    x = rng.standard_normal(shape)
    assert layer_gradcheck(layer, x, [])


def test_symbolic_shapes_and_errors():
    x = keras.Input((None, 5, 6, 2))
    assert layers.Cropping3D(1)(x).shape == (None, None, 3, 4, 2)
    assert layers.ZeroPadding1D((1, 2))(keras.Input((None, 3))).shape == (None, None, 3)
    assert layers.UpSampling2D(3, interpolation="bilinear")(keras.Input((4, 5, 1))).shape == (
        None,
        12,
        15,
        1,
    )
    with pytest.raises(ValueError, match="Cropping1D 'crop': cropping .* removes every cell"):
        layers.Cropping1D(2, name="crop")(np.zeros((1, 4, 1)))
    with pytest.raises(ValueError, match="UpSampling2D: interpolation must be one of"):
        layers.UpSampling2D(interpolation="cubic")
    with pytest.raises(ValueError, match="UpSampling1D: size must be a positive integer"):
        layers.UpSampling1D((2,))
