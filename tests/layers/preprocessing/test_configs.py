"""Every preprocessing layer survives serialize_layer -> deserialize_layer with the same
config and the same outputs."""

import numpy as np
import pytest

from glassnet import layers
from glassnet.layers import deserialize_layer, serialize_layer

IMAGES = np.random.default_rng(0).uniform(0, 255, (2, 6, 6, 3)).astype("float32")
TEXT = np.array(["the cat", "a dog and a cat"])

LAYERS = {
    "Normalization": (
        lambda: layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 2.0, 3.0]),
        IMAGES,
    ),
    "Discretization": (
        lambda: layers.Discretization(bin_boundaries=[50.0, 150.0], output_mode="one_hot"),
        IMAGES,
    ),
    "Rescaling": (lambda: layers.Rescaling(0.5, offset=1.0), IMAGES),
    "CategoryEncoding": (
        lambda: layers.CategoryEncoding(5, output_mode="count"),
        np.array([[1, 2, 2]]),
    ),
    "Hashing": (
        lambda: layers.Hashing(num_bins=4, salt=3, output_mode="multi_hot"),
        np.array([["a", "b"]]),
    ),
    "HashedCrossing": (
        lambda: layers.HashedCrossing(num_bins=9),
        [np.array(["a", "b"]), np.array([1, 2])],
    ),
    "StringLookup": (
        lambda: layers.StringLookup(vocabulary=["cat", "dog"], mask_token=""),
        np.array(["dog", ""]),
    ),
    "IntegerLookup": (
        lambda: layers.IntegerLookup(vocabulary=[7, 9], output_mode="one_hot"),
        np.array([9, 3]),
    ),
    "TextVectorization": (
        lambda: layers.TextVectorization(vocabulary=["cat", "a"], ngrams=2),
        TEXT,
    ),
    "MelSpectrogram": (
        lambda: layers.MelSpectrogram(fft_length=32, sequence_stride=16, num_mel_bins=4),
        np.ones((1, 64)),
    ),
    "STFTSpectrogram": (
        lambda: layers.STFTSpectrogram(frame_length=8, frame_step=4),
        np.ones((1, 32, 2), "float32"),
    ),
    "Pipeline": (lambda: layers.Pipeline([layers.Rescaling(2.0), layers.Resizing(3, 3)]), IMAGES),
    "Resizing": (lambda: layers.Resizing(3, 4, interpolation="lanczos3", antialias=True), IMAGES),
    "CenterCrop": (lambda: layers.CenterCrop(4, 4), IMAGES),
    "AutoContrast": (lambda: layers.AutoContrast(value_range=(0, 255)), IMAGES),
    "ContrastLimitedAdaptiveHistogramEqualization": (
        lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2)),
        IMAGES,
    ),
    "MaxNumBoundingBoxes": (
        lambda: layers.MaxNumBoundingBoxes(3, bounding_box_format="xyxy"),
        IMAGES,
    ),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_serialize_and_deserialize(name):
    make, inputs = LAYERS[name]
    layer = make()
    expected = layer(inputs)
    restored = deserialize_layer(serialize_layer(layer))
    assert type(restored) is type(layer)
    assert restored.get_config() == layer.get_config()
    np.testing.assert_allclose(
        np.asarray(restored(inputs).numpy(), float), np.asarray(expected.numpy(), float)
    )
