"""The folder loaders, timeseries windows, split_dataset and the dataset object, against
Keras 3.15's results (tests/fixtures/make_keras_data_fixtures.py) where Keras is the reference."""

import importlib.util
import json
import os
import warnings
import wave

import numpy as np
import pytest

import glassnet as keras
from glassnet.utils import (
    Dataset,
    audio_dataset_from_directory,
    image_dataset_from_directory,
    split_dataset,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures")
_spec = importlib.util.spec_from_file_location(
    "make_keras_data_fixtures", os.path.join(FIXTURES, "make_keras_data_fixtures.py")
)
make_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_fixtures)


@pytest.fixture
def image_folder(tmp_path):
    """A copy of the PNGs Keras read when it wrote the fixtures (tests may add files to it)."""
    import shutil

    return shutil.copytree(os.path.join(FIXTURES, "keras_data", "images"), tmp_path / "images")


def keras_file(name):
    return os.path.join(FIXTURES, "keras_data", name)


# -- images ----------------------------------------------------------------
@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("rgb_bilinear", dict(color_mode="rgb", interpolation="bilinear")),
        ("grayscale_nearest", dict(color_mode="grayscale", interpolation="nearest")),
        ("rgba_bilinear", dict(color_mode="rgba", interpolation="bilinear")),
        ("rgb_crop", dict(color_mode="rgb", crop_to_aspect_ratio=True)),
        ("rgb_pad", dict(color_mode="rgb", pad_to_aspect_ratio=True)),
    ],
)
def test_image_dataset_equals_keras_for_mixed_sizes_and_modes(image_folder, name, kwargs):
    expected = np.load(keras_file("image_dataset.npz"))
    data = image_dataset_from_directory(
        image_folder, image_size=(4, 6), batch_size=None, shuffle=False, verbose=False, **kwargs
    )
    pairs = list(data)
    images = np.stack([x for x, _ in pairs])
    labels = np.stack([y for _, y in pairs])
    assert images.dtype == np.float32 and labels.dtype == np.int32
    keras_images = expected[f"{name}_x"].astype(np.float32)
    if name.startswith("rgba"):
        # bees/b2.png is a 4-bit palette PNG without a transparency chunk: TensorFlow's decoder
        # fills its alpha with 15 (the 4-bit maximum); glassnet gives 255, opaque, as the PNG
        # standard says. Every other value is Keras's.
        palette = data.file_paths.index(os.path.join(image_folder, "bees", "b2.png"))
        assert (keras_images[palette, ..., 3] == 15).all() and (
            images[palette, ..., 3] == 255
        ).all()
        keras_images[palette, ..., 3] = 255
    np.testing.assert_allclose(images, keras_images, atol=1e-3)
    np.testing.assert_array_equal(labels, expected[f"{name}_y"])
    assert data.class_names == ["ants", "bees"]


def test_file_order_and_validation_split_equal_keras_for_a_seed(image_folder):
    with open(keras_file("file_order.json")) as handle:
        expected = json.load(handle)
    for seed in (1, 7):
        for subset in ("training", "validation"):
            data = image_dataset_from_directory(
                image_folder, seed=seed, validation_split=0.34, subset=subset, verbose=False
            )
            got = [os.path.relpath(p, image_folder) for p in data.file_paths]
            assert got == expected[f"{seed}_{subset}"]
        train, validation = image_dataset_from_directory(
            image_folder, seed=seed, validation_split=0.34, subset="both", verbose=False
        )
        assert len(train.file_paths) == 4 and len(validation.file_paths) == 2
        assert not set(train.file_paths) & set(validation.file_paths)


def test_batches_label_modes_and_the_tutorial_calls(image_folder):
    data = image_dataset_from_directory(
        image_folder,
        image_size=(8, 8),
        batch_size=4,
        label_mode="categorical",
        seed=0,
        verbose=False,
    )
    assert len(data) == 2
    for images, labels in data.take(1):
        assert images.shape == (4, 8, 8, 3) and labels.shape == (4, 2)
        assert labels.dtype == np.float32 and set(labels.sum(axis=1)) == {1.0}
    binary = image_dataset_from_directory(
        image_folder, image_size=(8, 8), label_mode="binary", shuffle=False, verbose=False
    )
    np.testing.assert_array_equal(next(iter(binary))[1][:, 0], [0, 0, 0, 1, 1, 1])
    only_images = image_dataset_from_directory(
        image_folder, image_size=(8, 8), labels=None, shuffle=False, verbose=False
    )
    assert next(iter(only_images)).shape == (6, 8, 8, 3) and only_images.class_names is None
    augmented = data.map(lambda x, y: (x / 255.0, y), num_parallel_calls=Dataset.AUTOTUNE)
    pipeline = augmented.cache().shuffle(8).prefetch(Dataset.AUTOTUNE)
    first = [x.max() for x, _ in pipeline]
    assert len(first) == 2 and max(first) <= 1.0
    assert sum(1 for _ in data.unbatch()) == 6
    assert len(list(data.unbatch().batch(5))) == 2
    assert len(list(data.repeat(3))) == 6


def test_a_model_trains_from_a_folder_of_images(image_folder):
    data = image_dataset_from_directory(
        image_folder, image_size=(8, 8), batch_size=2, seed=1, verbose=False
    )
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Flatten(),
            keras.layers.Dense(len(data.class_names), activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(data, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3 and np.isfinite(history.history["loss"]).all()
    assert model.predict(data, verbose=0).shape == (6, 2)


def test_a_corrupt_image_is_refused_with_its_name(image_folder):
    bad = os.path.join(image_folder, "bees", "broken.png")
    with open(bad, "wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n not really a png")
    data = image_dataset_from_directory(image_folder, image_size=(4, 4), verbose=False, seed=0)
    with pytest.raises(ValueError, match="broken.png"):
        list(data)


def test_jpeg_gif_and_bmp_files_are_read(tmp_path):
    from PIL import Image

    os.makedirs(tmp_path / "c")
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
    for extension in ("jpg", "jpeg", "bmp", "gif", "txt"):
        Image.fromarray(pixels).save(tmp_path / "c" / f"x.{extension}", format=None) if (
            extension != "txt"
        ) else (tmp_path / "c" / "x.txt").write_text("not an image")
    data = image_dataset_from_directory(tmp_path, image_size=(6, 5), shuffle=False, verbose=False)
    images, labels = next(iter(data))
    assert images.shape == (4, 6, 5, 3)  # the .txt file is not an image
    bmp = data.file_paths.index(str(tmp_path / "c" / "x.bmp"))
    np.testing.assert_array_equal(images[bmp], pixels)  # lossless


def test_bad_loader_arguments_are_refused(image_folder, tmp_path):
    with pytest.raises(ValueError, match="seed"):
        image_dataset_from_directory(image_folder, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="subset"):
        image_dataset_from_directory(image_folder, validation_split=0.2, seed=1)
    with pytest.raises(ValueError, match="color_mode"):
        image_dataset_from_directory(image_folder, color_mode="cmyk")
    with pytest.raises(ValueError, match="class_names"):
        image_dataset_from_directory(image_folder, class_names=["ants", "wasps"])
    with pytest.raises(ValueError, match="no images found"):
        os.makedirs(tmp_path / "empty" / "a")
        image_dataset_from_directory(tmp_path / "empty", verbose=False)
    with pytest.raises(ValueError, match="does not exist"):
        image_dataset_from_directory(tmp_path / "missing")
    three = tmp_path / "three"
    for name in "abc":
        os.makedirs(three / name)
        keras.utils.save_img(str(three / name / "x.png"), np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="exactly 2 classes"):
        image_dataset_from_directory(three, label_mode="binary", verbose=False)


# -- text ----------------------------------------------------------------
def test_text_files_in_several_encodings(tmp_path):
    texts = {
        ("neg", "1.txt"): ("bad café".encode("utf-8"), "bad café"),
        ("neg", "2.txt"): (b"\xef\xbb\xbfterrible", "terrible"),
        ("pos", "3.txt"): ("good naïve".encode("utf-16"), "good naïve"),
        ("pos", "4.txt"): ("fine façade".encode("latin-1"), "fine façade"),
    }
    for (folder, name), (raw, _) in texts.items():
        os.makedirs(tmp_path / folder, exist_ok=True)
        (tmp_path / folder / name).write_bytes(raw)
    data = text_dataset_from_directory(tmp_path, shuffle=False, verbose=False, batch_size=8)
    strings, labels = next(iter(data))
    assert strings.tolist() == [text for _, text in texts.values()]
    assert labels.tolist() == [0, 0, 1, 1] and data.class_names == ["neg", "pos"]
    short = text_dataset_from_directory(
        tmp_path, shuffle=False, verbose=False, max_length=4, batch_size=None
    )
    assert [s for s, _ in short][0] == "bad "
    vectorize = keras.layers.TextVectorization(max_tokens=20, output_mode="multi_hot")
    vectorize.adapt(data.map(lambda x, y: x))
    assert "good" in vectorize.get_vocabulary()


# -- audio ----------------------------------------------------------------
def write_wav(path, samples, rate=8000, width=2):
    samples = np.asarray(samples, dtype=np.float64)
    samples = samples[:, None] if samples.ndim == 1 else samples
    scale = {1: 127, 2: 32767, 4: 2**31 - 1}[width]
    values = np.round(samples * scale).astype({1: np.int16, 2: "<i2", 4: "<i4"}[width])
    if width == 1:
        values = (values + 128).astype(np.uint8)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[1])
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(values.tobytes())


def test_wav_files_padded_to_the_longest_clip_of_each_batch(tmp_path):
    os.makedirs(tmp_path / "up")
    os.makedirs(tmp_path / "down")
    write_wav(tmp_path / "up" / "a.wav", [0.5, -0.5, 0.25])
    write_wav(tmp_path / "down" / "b.wav", [0.1] * 5, width=4)
    write_wav(tmp_path / "down" / "c.wav", [1.0, 0.0], width=1)
    data = audio_dataset_from_directory(tmp_path, shuffle=False, verbose=False, batch_size=3)
    audio, labels = next(iter(data))
    assert audio.shape == (3, 5, 1) and audio.dtype == np.float32
    assert labels.tolist() == [0, 0, 1] and data.class_names == ["down", "up"]
    np.testing.assert_allclose(audio[0, :, 0], [0.1] * 5, atol=1e-6)
    np.testing.assert_allclose(audio[1, :, 0], [127 / 128, 0, 0, 0, 0], atol=1e-6)
    np.testing.assert_allclose(audio[2, :, 0], [0.5, -0.5, 0.25, 0, 0], atol=1e-4)
    fixed = audio_dataset_from_directory(
        tmp_path, shuffle=False, verbose=False, output_sequence_length=4, sampling_rate=16000
    )
    assert next(iter(fixed))[0].shape == (3, 4, 1)
    stereo = tmp_path / "stereo"
    os.makedirs(stereo / "s")
    write_wav(stereo / "s" / "x.wav", np.array([[0.5, -0.5], [0.25, 0.0]]))
    clip = next(iter(audio_dataset_from_directory(stereo, verbose=False, batch_size=None)))[0]
    np.testing.assert_allclose(clip, [[0.5, -0.5], [0.25, 0.0]], atol=1e-4)
    (stereo / "s" / "bad.wav").write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(ValueError, match="bad.wav"):
        list(audio_dataset_from_directory(stereo, verbose=False))


# -- time series, splits ----------------------------------------------------------------
@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("plain", dict(sequence_length=4)),
        ("strided", dict(sequence_length=3, sequence_stride=2, sampling_rate=2)),
        ("bounded", dict(sequence_length=4, sampling_rate=2, start_index=1, end_index=18)),
    ],
)
def test_timeseries_windows_equal_keras(name, kwargs):
    expected = np.load(keras_file("timeseries.npz"))
    data = np.arange(40).reshape(20, 2)
    batches = list(timeseries_dataset_from_array(data, np.arange(20) * 10, batch_size=3, **kwargs))
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), expected[f"{name}_x"])
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), expected[f"{name}_y"])
    assert [len(b[0]) for b in batches] == expected[f"{name}_batch_sizes"].tolist()


def test_timeseries_shuffles_windows_and_trains_a_model():
    data = np.sin(np.arange(200) / 5)[:, None].astype(np.float32)
    windows = timeseries_dataset_from_array(
        data[:-5], data[5:, 0], sequence_length=5, batch_size=16, shuffle=True, seed=3
    )
    first = np.concatenate([x[:, 0, 0] for x, _ in windows])
    assert sorted(first.tolist()) == sorted(data[:191, 0].tolist())
    model = keras.Sequential([keras.Input((5, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    assert np.isfinite(model.fit(windows, epochs=2, verbose=0).history["loss"]).all()
    with pytest.raises(ValueError, match="sequence_stride"):
        timeseries_dataset_from_array(data, None, 3, sequence_stride=0)


def test_split_dataset_of_arrays_tuples_and_datasets():
    x, y = np.arange(10), np.arange(10) * 2
    left, right = split_dataset((x, y), left_size=0.6, shuffle=True, seed=1)
    lefts, rights = [int(a) for a, _ in left], [int(a) for a, _ in right]
    assert len(lefts) == 6 and len(rights) == 4 and sorted(lefts + rights) == list(range(10))
    assert all(int(b) == 2 * int(a) for a, b in left)
    left, right = split_dataset(Dataset.range(7), right_size=2)
    assert [int(v) for v in right] == [5, 6] and len(left) == 5
    with pytest.raises(ValueError, match="left_size"):
        split_dataset(x, left_size=1.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        split_dataset(x, left_size=3, right_size=3)
    assert any("neither side" in str(w.message) for w in caught)


def test_dataset_methods_behave_as_tf_data():
    data = Dataset.from_tensor_slices({"a": np.arange(6), "b": np.arange(6) * 10})
    batches = list(data.batch(4, drop_remainder=True))
    assert len(batches) == 1 and batches[0]["b"].tolist() == [0, 10, 20, 30]
    assert [int(v) for v in Dataset.range(10).filter(lambda v: v % 3 == 0)] == [0, 3, 6, 9]
    assert [int(v) for v in Dataset.range(3).concatenate(Dataset.range(2))] == [0, 1, 2, 0, 1]
    assert Dataset.range(5).repeat().cardinality() == Dataset.INFINITE
    assert [int(v) for v in Dataset.range(5).repeat().take(7)] == [0, 1, 2, 3, 4, 0, 1]
    assert [int(v) for v in Dataset.range(5).skip(3)] == [3, 4]
    zipped = Dataset.zip((Dataset.range(3), Dataset.range(3).map(lambda v: v * 2)))
    assert [(int(a), int(b)) for a, b in zipped] == [(0, 0), (1, 2), (2, 4)]
    shuffled = Dataset.range(50).shuffle(10, seed=2, reshuffle_each_iteration=False)
    assert [int(v) for v in shuffled] == [int(v) for v in shuffled] != list(range(50))
    reshuffled = Dataset.range(50).shuffle(50, seed=2)
    assert [int(v) for v in reshuffled] != [int(v) for v in reshuffled]
    calls = []
    cached = Dataset.range(3).map(lambda v: calls.append(1) or v).cache()
    list(cached), list(cached)
    assert len(calls) == 3
    with pytest.raises(TypeError, match="unknown or infinite"):
        len(Dataset.range(3).filter(lambda v: True))
