"""State beyond weights in both formats: adapted vocabularies (assets), tf-idf weights and
statistics survive .glassnet and .keras round trips; files with hostile asset paths, oversized
assets, links out of the HDF5 file or a Lambda layer are refused with a ModelFileError."""

import io
import json
import zipfile

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.saving import ModelFileError, layer_state, load_model
from tests.saving.archives import rewrite

h5py = pytest.importorskip("h5py", reason="h5py not installed: .keras tests skipped")
rng = np.random.default_rng(0)
CORPUS = np.array(
    [
        "the cat sat on the mat",
        "a dog ran in the park",
        "the cat chased the dog",
        "birds sing in the park",
        "a cat and a bird",
        "the dog sleeps",
    ]
)
LABELS = np.array([0, 1, 0, 1, 0, 1])


def text_classifier():
    vectorize = layers.TextVectorization(max_tokens=40, output_sequence_length=6)
    vectorize.adapt(CORPUS)
    model = keras.Sequential(
        [
            keras.Input((), dtype="string"),
            vectorize,
            layers.Embedding(40, 4),
            layers.GlobalAveragePooling1D(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(CORPUS, LABELS, epochs=2, batch_size=3, verbose=0)
    return model


@pytest.mark.parametrize("extension", [".glassnet", ".keras"])
def test_a_text_model_predicts_the_same_on_raw_strings_after_a_round_trip(tmp_path, extension):
    model = text_classifier()
    path = tmp_path / f"text{extension}"
    model.save(path)
    restored = load_model(path)
    texts = np.array(["the cat ran", "unknown words only", "a bird in the park"])
    np.testing.assert_array_equal(
        restored.predict(texts, verbose=0), model.predict(texts, verbose=0)
    )
    assert restored.layers[0].get_vocabulary() == model.layers[0].get_vocabulary()
    assert restored.layers[0].get_config()["vocabulary"] is None  # it came from the assets


def test_the_glassnet_file_holds_vocabularies_and_state_as_members(tmp_path):
    lookup = layers.StringLookup(output_mode="tf_idf")
    lookup.adapt(np.array([["a", "b", "b"], ["c", "a", "d"]]))
    model = keras.Sequential([keras.Input((3,), dtype="string"), lookup])
    model.save(tmp_path / "m.glassnet")
    with zipfile.ZipFile(tmp_path / "m.glassnet") as archive:
        names = sorted(archive.namelist())
        config = json.loads(archive.read("config.json"))
        vocabulary = archive.read("assets/0001/vocabulary.txt").decode()
    assert names == [
        "assets/0001/vocabulary.txt",
        "config.json",
        "state/0001/idf_weights.npy",
    ]
    assert config["format_version"] == 2
    assert config["state"] == [
        {
            "index": 1,
            "path": "layers/string_lookup",
            "class_name": "StringLookup",
            "keys": ["idf_weights"],
            "assets": ["vocabulary.txt"],
        }
    ]
    assert vocabulary.splitlines() == lookup.get_vocabulary()


def stateful_models():
    """Models whose state is not all in weights: (model, inputs)."""
    tf_idf = layers.TextVectorization(output_mode="tf_idf", ngrams=2, max_tokens=25)
    tf_idf.adapt(CORPUS)
    integers = layers.IntegerLookup(output_mode="count", mask_token=0)
    integers.adapt(np.array([[3, 5, 0], [5, 9, 9], [12, 3, 3]]))
    strings = layers.StringLookup(output_mode="tf_idf", num_oov_indices=2)
    strings.adapt(np.array([["x", "y", "y"], ["z", "x", "w"]]))
    norm = layers.Normalization(axis=(1, 2))
    norm.adapt(rng.standard_normal((30, 2, 3)) * 3 + 2)
    bins = layers.Discretization(num_bins=5)
    bins.adapt(rng.standard_normal(200))
    return {
        "text_tf_idf": (
            keras.Sequential([keras.Input((), dtype="string"), tf_idf]),
            np.array(["the cat sat", "a bird and a dog in the park"]),
        ),
        "integer_count": (
            keras.Sequential([keras.Input((3,), dtype="int64"), integers]),
            np.array([[3, 3, 0], [7, 9, 12]]),
        ),
        "string_tf_idf": (
            keras.Sequential([keras.Input((3,), dtype="string"), strings]),
            np.array([["x", "w", "q"], ["y", "y", "z"]]),
        ),
        "normalization": (
            keras.Sequential([keras.Input((2, 3)), norm]),
            rng.standard_normal((4, 2, 3)).astype("float32"),
        ),
        "discretization": (
            keras.Sequential([keras.Input((1,)), bins]),
            rng.standard_normal((8, 1)).astype("float32"),
        ),
    }


@pytest.mark.parametrize("extension", [".glassnet", ".keras"])
@pytest.mark.parametrize("name", sorted(stateful_models()))
def test_vocabularies_statistics_and_tf_idf_weights_round_trip(tmp_path, name, extension):
    model, x = stateful_models()[name]
    path = tmp_path / f"{name}{extension}"
    model.save(path)
    restored = load_model(path)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    original, again = model.layers[0], restored.layers[0]
    if hasattr(original, "get_vocabulary"):
        assert again.get_vocabulary() == original.get_vocabulary()
    lookup = getattr(original, "_lookup_layer", original)
    if getattr(lookup, "idf_weights", None) is not None:
        np.testing.assert_array_equal(
            getattr(again, "_lookup_layer", again).idf_weights, lookup.idf_weights
        )
    if name == "discretization":
        assert again.bin_boundaries == original.bin_boundaries
        if extension == ".glassnet":  # the summary too, so adapt() can continue
            np.testing.assert_array_equal(again.summary, original.summary)


# -- hostile files -------------------------------------------------------------------------------
def vocabulary_files(tmp_path):
    lookup = layers.StringLookup()
    lookup.adapt(np.array(["a", "b", "b"]))
    model = keras.Sequential([keras.Input((1,), dtype="string"), lookup])
    model.save(tmp_path / "v.glassnet")
    model.save(tmp_path / "v.keras")
    return {".glassnet": tmp_path / "v.glassnet", ".keras": tmp_path / "v.keras"}


@pytest.mark.parametrize("extension", [".glassnet", ".keras"])
@pytest.mark.parametrize(
    "member", ["../x", "assets/../../x", "assets/0001/../../x", "assets/0001/.hidden", "/abs"]
)
def test_hostile_asset_paths_are_refused(tmp_path, extension, member):
    source = vocabulary_files(tmp_path)[extension]
    bad = rewrite(source, tmp_path / f"bad{extension}", lambda m: m.__setitem__(member, b"x"))
    with pytest.raises(ModelFileError, match="unexpected member"):
        load_model(bad)


@pytest.mark.parametrize("extension", [".glassnet", ".keras"])
def test_an_oversized_asset_is_refused_before_it_is_read(tmp_path, extension, monkeypatch):
    source = vocabulary_files(tmp_path)[extension]
    monkeypatch.setattr(layer_state, "MAX_ASSET_BYTES", 8)
    with pytest.raises(ModelFileError, match="vocabulary.txt' declares 9 bytes, over the limit"):
        load_model(source)


@pytest.mark.parametrize("extension", [".glassnet", ".keras"])
def test_assets_over_the_total_limit_are_refused(tmp_path, extension, monkeypatch):
    source = vocabulary_files(tmp_path)[extension]
    monkeypatch.setattr(layer_state, "MAX_ASSETS_TOTAL_BYTES", 8)
    with pytest.raises(ModelFileError, match="the assets declare 9 bytes together"):
        load_model(source)


def test_a_missing_asset_is_refused(tmp_path):
    source = vocabulary_files(tmp_path)[".keras"]

    def drop_vocabulary(members):
        del members["assets/layers/string_lookup/vocabulary.txt"]
        members["assets/layers/other/notes.txt"] = b"x"

    bad = rewrite(source, tmp_path / "bad.keras", drop_vocabulary)
    with pytest.raises(ModelFileError, match="assets of StringLookup .* cannot be loaded"):
        load_model(bad)


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda m: m.__setitem__("state/0001/idf_weights.npy", b"\x93NUMPY"), "missing or unexp"),
        (lambda m: m.pop("assets/0001/vocabulary.txt"), "missing or unexpected"),
        (lambda m: m.__setitem__("assets/0007/vocabulary.txt", b"a"), "missing or unexpected"),
    ],
)
def test_glassnet_state_members_must_match_the_manifest(tmp_path, change, message):
    source = vocabulary_files(tmp_path)[".glassnet"]
    bad = rewrite(source, tmp_path / "bad.glassnet", change)
    with pytest.raises(ModelFileError, match=message):
        load_model(bad)


def test_state_for_another_layer_is_refused(tmp_path):
    source = vocabulary_files(tmp_path)[".glassnet"]

    def retarget(members):
        config = json.loads(members["config.json"])
        config["state"][0]["class_name"] = "IntegerLookup"
        members["config.json"] = json.dumps(config).encode()

    bad = rewrite(source, tmp_path / "bad.glassnet", retarget)
    with pytest.raises(ModelFileError, match="state of a IntegerLookup"):
        load_model(bad)


def _edit_weights(edit):
    def change(members):
        buffer = io.BytesIO(members["model.weights.h5"])
        with h5py.File(buffer, "a") as h5:
            edit(h5)
        members["model.weights.h5"] = buffer.getvalue()

    return change


def _soft_link(h5):
    del h5["layers/dense/vars/0"]
    h5["layers/dense/vars/0"] = h5py.SoftLink("/layers/dense/vars/1")


def _external_link(h5):
    del h5["layers/dense/vars"]
    h5["layers/dense/vars"] = h5py.ExternalLink("/etc/hostname", "/vars")


@pytest.mark.parametrize(
    "edit,message",
    [
        (_soft_link, "links '0' elsewhere"),
        (_external_link, "links 'vars' elsewhere"),
        (lambda h5: h5["layers/dense/vars"].create_dataset("9", data=[1.0]), "holds 3 arrays"),
        (
            lambda h5: (
                h5["layers/dense/vars"].__delitem__("1"),
                h5["layers/dense/vars"].create_dataset("1", data=np.array([b"ab", b"cd"])),
            ),
            "not a numeric dtype",
        ),
    ],
)
def test_hostile_weights_files_are_refused(tmp_path, edit, message):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    bad = rewrite(tmp_path / "m.keras", tmp_path / "bad.keras", _edit_weights(edit))
    with pytest.raises(ModelFileError, match=message):
        load_model(bad)


def _doubled(x):
    return x * 2.0


def test_a_glassnet_file_with_a_lambda_loads_only_with_safe_mode_off(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Lambda(_doubled), layers.Dense(1)])
    model.save(tmp_path / "lambda.glassnet")
    with pytest.raises(ModelFileError, match="refusing to load a Lambda layer in safe mode"):
        load_model(tmp_path / "lambda.glassnet", custom_objects={"_doubled": _doubled})
    restored = load_model(
        tmp_path / "lambda.glassnet", custom_objects={"_doubled": _doubled}, safe_mode=False
    )
    x = rng.standard_normal((2, 3)).astype("float32")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    assert keras.config.in_safe_mode()


def test_deserialize_keras_object_takes_safe_mode_as_keras_does():
    config = keras.saving.serialize_keras_object(layers.Lambda(_doubled))
    with pytest.raises(ValueError, match="refusing to load a Lambda layer in safe mode"):
        keras.saving.deserialize_keras_object(config, {"_doubled": _doubled})
    layer = keras.saving.deserialize_keras_object(config, {"_doubled": _doubled}, safe_mode=False)
    assert layer.function is _doubled and keras.config.in_safe_mode()
