"""Keras 3 .keras files both ways. The fixtures were written by Keras 3.15 itself
(tests/fixtures/make_keras_fixtures.py regenerates them), so this suite needs no TensorFlow."""

import json
import pathlib
import zipfile

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.saving import ModelFileError, load_model
from tests.saving.archives import rewrite
from tests.saving.real_keras import require_keras, run_keras

pytest.importorskip(
    "h5py", reason='h5py not installed (pip install "glassnet[keras]"): .keras tests skipped'
)
FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "keras"
NAMES = ["mlp", "cnn", "rnn"]


@pytest.mark.parametrize("name", NAMES)
def test_files_written_by_keras_load_and_predict_the_same(name):
    model = load_model(FIXTURES / f"{name}.keras")
    data = np.load(FIXTURES / f"{name}.npz")
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y"], rtol=1e-5, atol=1e-6)


def test_structure_and_compile_settings_come_across():
    model = load_model(FIXTURES / "mlp.keras")
    assert [type(layer).__name__ for layer in model.layers] == [
        "Dense",
        "BatchNormalization",
        "Dropout",
        "Dense",
    ]
    assert model.compiled and isinstance(model.optimizer, keras.optimizers.Adam)
    cnn = load_model(FIXTURES / "cnn.keras")
    assert isinstance(cnn, keras.models.Functional) and cnn.input_names == ["image"]


@pytest.mark.parametrize("name", NAMES)
def test_glassnet_writes_keras_files_that_read_back(tmp_path, name):
    model = load_model(FIXTURES / f"{name}.keras")
    model.save(tmp_path / f"{name}.keras")
    again = load_model(tmp_path / f"{name}.keras")
    x = np.load(FIXTURES / f"{name}.npz")["x"]
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    with zipfile.ZipFile(tmp_path / f"{name}.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]


KERAS_READS = """
import sys
import numpy as np
import keras
model = keras.saving.load_model(sys.argv[1])
np.save(sys.argv[3], np.asarray(model.predict(np.load(sys.argv[2]), verbose=0)))
print(keras.__version__, keras.backend.backend())
"""


def test_keras_loads_glassnet_files(tmp_path):
    """Real Keras 3 reads a .keras file glassnet wrote and predicts the same. It runs in a
    subprocess (Keras picks its backend once per process, and glassnet is imported as keras
    here) with the interpreter tests/saving/real_keras.py finds; any backend will do, the file
    format is the same for all. CI sets GLASSNET_REQUIRE_KERAS=1 so that a missing Keras fails
    instead of skipping."""
    require_keras("Keras reads glassnet's files")
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(4, activation="relu"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.save(tmp_path / "g.keras")
    x = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    done = run_keras(
        ["-c", KERAS_READS, str(tmp_path / "g.keras"), str(tmp_path / "x.npy"),
         str(tmp_path / "theirs.npy")],
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[0].startswith("3.")  # "3.15.1 tensorflow"
    theirs = np.load(tmp_path / "theirs.npy")
    np.testing.assert_allclose(theirs, model.predict(x, verbose=0), rtol=1e-5)


def test_checkpoint_to_keras_and_weights_h5(tmp_path):
    x = np.random.default_rng(0).standard_normal((16, 4)).astype("float32")
    y = (x.sum(1) > 0).astype("int64")
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(6, activation="relu"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(
        x,
        y,
        epochs=2,
        verbose=0,
        callbacks=[
            keras.callbacks.ModelCheckpoint(
                tmp_path / "best.keras", monitor="loss", save_best_only=True
            )
        ],
    )
    np.testing.assert_allclose(
        load_model(tmp_path / "best.keras").predict(x, verbose=0),
        model.predict(x, verbose=0),
        rtol=1e-6,
    )
    model.save_weights(tmp_path / "m.weights.h5")
    other = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(6, activation="relu"),
            layers.Dense(2, activation="softmax"),
        ]
    )
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def edit_config(edit):
    def change(members):
        config = json.loads(members["config.json"])
        edit(config)
        members["config.json"] = json.dumps(config).encode()

    return change


@pytest.mark.parametrize(
    "case,change,message",
    [
        (
            "lambda layer",
            edit_config(
                lambda c: c["config"]["layers"].insert(
                    1, {"class_name": "Lambda", "config": {"function": "os.system"}}
                )
            ),
            "Lambda layer",
        ),
        (
            "unknown class",
            edit_config(
                lambda c: c["config"]["layers"][1].__setitem__("class_name", "subprocess.Popen")
            ),
            "does not have",
        ),
        (
            "unsupported option",
            edit_config(lambda c: c["config"]["layers"][2]["config"].__setitem__("renorm", True)),
            "renorm=True",
        ),
        ("traversal member", lambda m: m.__setitem__("../evil", b"x"), "unexpected member"),
        (
            "truncated weights",
            lambda m: m.__setitem__("model.weights.h5", m["model.weights.h5"][:200]),
            "not a readable HDF5 file",
        ),
    ],
)
def test_unsafe_or_broken_keras_files_are_refused(tmp_path, case, change, message):
    bad = rewrite(FIXTURES / "mlp.keras", tmp_path / "bad.keras", change)
    with pytest.raises(ModelFileError, match=message):
        load_model(bad)


def test_legacy_keras_2_h5_weights_load_through_load_weights():
    # written by Keras's own legacy HDF5 code (layer_names / weight_names attributes), see
    # make_keras_fixtures.py
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(8, activation="relu"),
            layers.BatchNormalization(),
            layers.Dropout(0.2),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.load_weights(FIXTURES / "mlp_legacy.h5")
    data = np.load(FIXTURES / "mlp.npz")
    np.testing.assert_allclose(model.predict(data["x"], verbose=0), data["y"], rtol=1e-5, atol=1e-6)
    wrong = keras.Sequential([keras.Input((4,)), layers.Dense(8)])
    with pytest.raises(
        ModelFileError, match="the legacy weights file has 3 layers with weights, the model has 1"
    ):
        wrong.load_weights(FIXTURES / "mlp_legacy.h5")


@pytest.mark.parametrize("include_optimizer", [True, False])
def test_model_save_passes_include_optimizer_to_keras_files(tmp_path, include_optimizer):
    import h5py

    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile("adam", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    path = tmp_path / "model.keras"
    model.save(path, include_optimizer=include_optimizer)
    with zipfile.ZipFile(path) as archive:
        (tmp_path / "weights.h5").write_bytes(archive.read("model.weights.h5"))
    with h5py.File(tmp_path / "weights.h5", "r") as weights:
        assert ("optimizer" in weights) is include_optimizer
    restored = load_model(path)
    np.testing.assert_array_equal(
        restored.predict(np.ones((1, 3)), verbose=0), model.predict(np.ones((1, 3)), verbose=0)
    )
