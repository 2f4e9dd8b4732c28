"""Keras-written .keras models made of the new layers (3-D convolutions and pools, group/RMS/unit
normalisation, cropping/padding/upsampling, transposed/separable/depthwise 1-D convolutions,
GRU(reset_after=False)...) load in glassnet and predict what Keras predicted."""

import pathlib

import numpy as np
import pytest

import glassnet as keras

HERE = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "keras_layers"
pytest.importorskip("h5py", reason="reading .keras files needs h5py")


@pytest.mark.parametrize("name", ["volumes", "sequences"])
def test_keras_file_predicts_as_keras(name):
    arrays = np.load(HERE / "keras_files.npz")
    model = keras.models.load_model(HERE / f"{name}.keras")
    prediction = model.predict(arrays[f"{name}/x"], verbose=0)
    np.testing.assert_allclose(prediction, arrays[f"{name}/y"], rtol=1e-5, atol=1e-5)
