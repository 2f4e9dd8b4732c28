"""keras.preprocessing: the same functions under Keras's module names, and the image helpers."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import preprocessing
from glassnet.preprocessing import image, sequence


def test_the_keras_names_are_the_utils_functions():
    assert preprocessing.image_dataset_from_directory is keras.utils.image_dataset_from_directory
    assert preprocessing.text_dataset_from_directory is keras.utils.text_dataset_from_directory
    assert preprocessing.timeseries_dataset_from_array is (
        keras.utils.timeseries_dataset_from_array
    )
    assert sequence.pad_sequences is keras.utils.pad_sequences
    assert image.load_img is keras.utils.load_img


def test_save_load_round_trip_modes_and_sizes(tmp_path):
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (6, 8, 3)).astype(np.float32)
    path = tmp_path / "x.png"
    image.save_img(path, pixels, scale=False)
    loaded = image.load_img(path)
    assert loaded.size == (8, 6) and loaded.mode == "RGB"
    np.testing.assert_array_equal(image.img_to_array(loaded), pixels)
    gray = image.img_to_array(image.load_img(path, color_mode="grayscale"))
    assert gray.shape == (6, 8, 1)
    rgba = image.img_to_array(image.load_img(path, color_mode="rgba"), data_format="channels_first")
    assert rgba.shape == (4, 6, 8) and (rgba[3] == 255).all()
    small = image.load_img(path, target_size=(3, 4), interpolation="bilinear")
    assert small.size == (4, 3)
    cropped = image.load_img(path, target_size=(4, 4), keep_aspect_ratio=True)
    assert cropped.size == (4, 4)
    scaled = image.img_to_array(image.array_to_img(np.linspace(0, 1, 12).reshape(2, 2, 3)))
    assert scaled.min() == 0 and scaled.max() == 255
    image.save_img(tmp_path / "y.jpg", np.zeros((4, 4, 4)))  # alpha dropped for JPEG
    assert image.load_img(tmp_path / "y.jpg").mode == "RGB"


def test_smart_resize_crops_the_centre_as_keras():
    wide = np.zeros((10, 20, 1), dtype=np.float32)
    wide[:, 5:15] = 1.0  # the centre 10x10 window is all ones
    np.testing.assert_allclose(image.smart_resize(wide, (5, 5)), np.ones((5, 5, 1)))
    batch = np.stack([wide, wide])
    assert image.smart_resize(batch, (4, 4)).shape == (2, 4, 4, 1)
    with pytest.raises(ValueError, match="3-D or 4-D"):
        image.smart_resize(np.zeros((3, 3)), (2, 2))


def test_bad_image_arguments():
    with pytest.raises(ValueError, match="color_mode"):
        image.load_img("x.png", color_mode="cmyk")
    with pytest.raises(ValueError, match="1, 3 or 4 channels"):
        image.array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="file path"):
        image.load_img(42)
