import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as keras
from glassnet import layers, ops
from glassnet.saving import ModelFileError, load_model
from tests.saving.archives import rewrite

rng = np.random.default_rng(0)


def sequential_zoo():
    return keras.Sequential(
        [
            keras.Input((8, 8, 2)),
            layers.Conv2D(4, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.DepthwiseConv2D(3),
            layers.SeparableConv2D(3, 2),
            layers.MaxPooling2D(),
            layers.Conv2DTranspose(2, 2, strides=2),
            layers.AveragePooling2D(),
            layers.ZeroPadding2D(1),
            layers.Cropping2D(1),
            layers.UpSampling2D(),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(6, kernel_regularizer=keras.regularizers.L2(1e-3)),
            layers.PReLU(),
            layers.LeakyReLU(),
            layers.ELU(),
            layers.ReLU(max_value=6.0),
            layers.Reshape((2, 3)),
            layers.Permute((2, 1)),
            layers.LayerNormalization(),
            layers.Flatten(),
            layers.RepeatVector(2),
            layers.Conv1D(3, 2, padding="causal"),
            layers.MaxPooling1D(1),
            layers.SimpleRNN(3, return_sequences=True),
            layers.GRU(3, return_sequences=True),
            layers.Bidirectional(layers.LSTM(2, return_sequences=True)),
            layers.TimeDistributed(layers.Dense(2)),
            layers.GlobalAveragePooling1D(),
            layers.Activation("softmax"),
        ]
    )


def functional_zoo():
    tokens = keras.Input((5,), dtype="int32", name="tokens")
    extra = keras.Input((3,), name="extra")
    x = layers.Embedding(20, 4, mask_zero=True)(tokens)
    x = layers.LSTM(4, return_sequences=True)(x)
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
    x = layers.LayerNormalization()(layers.Add()([x, attention]))
    pooled = layers.GlobalMaxPooling1D()(x)
    merged = layers.Concatenate()([pooled, extra * 2.0, ops.relu(extra)[:, :1]])
    return keras.Model(
        [tokens, extra],
        [
            layers.Dense(1, name="score")(merged),
            layers.Dense(3, activation="softmax", name="kind")(merged),
        ],
    )


def test_sequential_zoo_round_trip_predicts_identically(tmp_path):
    model = sequential_zoo()
    model.compile(
        keras.optimizers.RMSprop(momentum=0.5),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    x, y = rng.standard_normal((8, 8, 8, 2)).astype("float32"), rng.integers(0, 2, 8)
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    path = tmp_path / "zoo.glassnet"
    model.save(path)
    restored = load_model(path)
    assert [type(layer).__name__ for layer in restored.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_functional_zoo_round_trip(tmp_path):
    model = functional_zoo()
    model.compile(
        "adam",
        loss={"score": "mse", "kind": "sparse_categorical_crossentropy"},
        metrics={"kind": ["accuracy"]},
    )
    x = [rng.integers(0, 20, (6, 5)), rng.standard_normal((6, 3)).astype("float32")]
    y = [rng.standard_normal((6, 1)).astype("float32"), rng.integers(0, 3, 6)]
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "f.glassnet")
    restored = load_model(tmp_path / "f.glassnet")
    for a, b in zip(restored.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    keras.utils.set_random_seed(3)
    before = model.fit(x, y, epochs=2, verbose=0, shuffle=False).history
    keras.utils.set_random_seed(3)
    after = restored.fit(x, y, epochs=2, verbose=0, shuffle=False).history
    assert before == after


@pytest.mark.parametrize(
    "optimizer",
    [
        keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        keras.optimizers.RMSprop(centered=True),
        keras.optimizers.Adam(amsgrad=True),
        keras.optimizers.AdamW(),
        keras.optimizers.Adagrad(),
        keras.optimizers.Adadelta(),
        keras.optimizers.Adamax(),
        keras.optimizers.Nadam(),
        keras.optimizers.Adam(
            keras.optimizers.schedules.CosineDecay(0.01, 100, warmup_target=0.02, warmup_steps=5)
        ),
    ],
    ids=lambda o: type(o).__name__,
)
def test_training_continues_identically_for_every_optimizer(tmp_path, optimizer):
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(5, activation="tanh"), layers.Dense(1)]
    )
    model.compile(optimizer, "mse", metrics=["mae"])
    x, y = (
        rng.standard_normal((32, 4)).astype("float32"),
        rng.standard_normal((32, 1)).astype("float32"),
    )
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.save(tmp_path / "m.glassnet")
    restored = load_model(tmp_path / "m.glassnet")
    assert restored.optimizer.iterations == model.optimizer.iterations == 8
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    restored.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)


class Residual(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = layers.Dense(units)

    def call(self, inputs):
        return inputs + self.inner(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Net(keras.Model):
    def __init__(self, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.block = Residual(4)
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.block(inputs))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}


def test_custom_layers_and_models_need_custom_objects(tmp_path):
    model = keras.Sequential([keras.Input((4,)), Residual(4), layers.Dense(1)])
    model.save(tmp_path / "c.glassnet")
    with pytest.raises(ModelFileError, match="Unknown layer class 'Residual'.*custom_objects"):
        load_model(tmp_path / "c.glassnet")
    restored = load_model(tmp_path / "c.glassnet", custom_objects={"Residual": Residual})
    x = rng.standard_normal((3, 4)).astype("float32")
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    net = Net()
    net(x)
    net.save(tmp_path / "n.glassnet")
    with pytest.raises(ModelFileError, match="model class 'Net' is not a glassnet model"):
        load_model(tmp_path / "n.glassnet")
    restored = load_model(
        tmp_path / "n.glassnet", custom_objects={"Net": Net, "Residual": Residual}
    )
    np.testing.assert_array_equal(restored.predict(x, verbose=0), net.predict(x, verbose=0))


def test_weights_only_files_and_json(tmp_path):
    model = functional_zoo()
    model.save_weights(tmp_path / "w.weights.glassnet")
    other = keras.models.model_from_json(model.to_json())
    other.load_weights(tmp_path / "w.weights.glassnet")
    x = [rng.integers(0, 20, (2, 5)), rng.standard_normal((2, 3)).astype("float32")]
    for a, b in zip(other.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    wrong = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    with pytest.raises(ModelFileError, match="the file holds 18 weights, the model has 2"):
        wrong.load_weights(tmp_path / "w.weights.glassnet")
    with pytest.raises(ValueError, match="legacy Keras 2 HDF5 format"):
        model.save(tmp_path / "m.h5")


def test_load_weights_reads_a_whole_model_file_of_a_compiled_model(tmp_path):
    # issue 16 item 7: the optimizer's slots in the file ('optimizer/0000-m.npy') were refused
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    model.compile("adam", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    model.save(tmp_path / "m.glassnet")
    fresh = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    fresh.load_weights(tmp_path / "m.glassnet")
    for loaded, saved in zip(fresh.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(loaded, saved)
    assert fresh.optimizer is None  # only the weights came across


@pytest.mark.parametrize("name", ["m.txt", "m", "m.glassnet.bak"])
def test_save_refuses_a_name_without_a_model_extension(tmp_path, name):
    # issue 16 item 13: Keras 3 refuses these; they were written silently
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    with pytest.raises(ValueError, match=r"Model.save: the file name must end in \.glassnet or "):
        model.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_save_into_a_missing_folder_names_the_folder(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError, match=f"the folder '{missing}' does not exist"):
        model.save(missing / "m.keras")
    assert list(tmp_path.iterdir()) == []


def test_a_crash_mid_save_leaves_the_old_file_intact(tmp_path, monkeypatch):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
    path = tmp_path / "m.glassnet"
    model.save(path)
    original = path.read_bytes()
    model.layers[0].kernel.assign(np.ones((3, 2)))
    from glassnet.saving import archive

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(archive.os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["m.glassnet"]  # no temporary file left behind


# -- malformed and malicious files --------------------------------------------------------
def valid_file(tmp_path):
    model = keras.Sequential(
        [keras.Input((3,)), layers.Dense(2, activation="relu"), layers.Dense(1)]
    )
    model.compile("adam", "mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    path = tmp_path / "valid.glassnet"
    model.save(path)
    return path


class Marker:
    """Unpickling this would create a marker file: the proof that a loader ran code from a file."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def config_of(members):
    return json.loads(members["config.json"])


def set_config(members, config):
    members["config.json"] = json.dumps(config).encode()


def pickled_array(members, marker):
    buffer = io.BytesIO()
    np.save(buffer, np.array([Marker(marker)], dtype=object), allow_pickle=True)
    members["weights/0000.npy"] = buffer.getvalue()


def corpus(tmp_path, marker):
    def edit_config(edit):
        def change(members):
            config = config_of(members)
            edit(config)
            set_config(members, config)

        return change

    def deep(members):
        members["config.json"] = b"[" * 5000 + b"]" * 5000

    return {
        "pickle payload in a weight": lambda m: pickled_array(m, marker),
        "raw pickle as config": lambda m: m.__setitem__(
            "config.json", pickle.dumps(Marker(marker))
        ),
        "path traversal member": lambda m: m.__setitem__("../../evil.npy", b"x"),
        "absolute member name": lambda m: m.__setitem__("/etc/evil", b"x"),
        "unknown layer class": edit_config(
            lambda c: c["model"]["config"]["layers"][0].__setitem__("class_name", "os.system")
        ),
        "import path as class": edit_config(
            lambda c: c["model"].__setitem__("class_name", "subprocess.Popen")
        ),
        "op layer naming a private function": edit_config(
            lambda c: c["model"]["config"]["layers"].insert(
                0, {"class_name": "OpLayer", "config": {"name": "x", "function": "_wrap_public"}}
            )
        ),
        "weight shape mismatch": edit_config(
            lambda c: c["weights"][0].__setitem__("shape", [4, 2])
        ),
        "dtype mismatch": lambda m: m.__setitem__(
            "weights/0000.npy", _npy(np.zeros((3, 2), dtype=np.float64))
        ),
        "missing weight": lambda m: m.pop("weights/0001.npy"),
        "extra weight": lambda m: m.__setitem__(
            "weights/0099.npy", _npy(np.zeros(1, dtype=np.float32))
        ),
        "non-finite weight": lambda m: m.__setitem__(
            "weights/0000.npy", _npy(np.full((3, 2), np.nan, dtype=np.float32))
        ),
        "truncated weight": lambda m: m.__setitem__("weights/0000.npy", m["weights/0000.npy"][:-7]),
        "deeply nested config": deep,
        "config not json": lambda m: m.__setitem__("config.json", b"\xff\xfe not json"),
        "future format": edit_config(lambda c: c.__setitem__("format_version", 99)),
        "not a glassnet config": edit_config(lambda c: c.__setitem__("format", "something-else")),
        "string array": lambda m: m.__setitem__("weights/0000.npy", _npy(np.array(["a", "b"]))),
        "optimizer slot for a missing variable": lambda m: m.__setitem__(
            "optimizer/0042-m.npy", _npy(np.zeros(2, dtype=np.float32))
        ),
    }


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def test_every_malformed_or_malicious_file_is_refused_without_running_code(tmp_path):
    path = valid_file(tmp_path)
    marker = tmp_path / "marker-created-by-file-code"
    for name, change in corpus(tmp_path, str(marker)).items():
        bad = rewrite(path, tmp_path / "bad.glassnet", change)
        with pytest.raises(ModelFileError):
            load_model(bad)
        assert not marker.exists(), f"{name}: loading ran code from the file"


def test_nonfinite_weights_load_when_allowed(tmp_path):
    bad = rewrite(
        valid_file(tmp_path),
        tmp_path / "nan.glassnet",
        lambda m: m.__setitem__(
            "weights/0000.npy", _npy(np.full((3, 2), np.nan, dtype=np.float32))
        ),
    )
    assert np.isnan(load_model(bad, allow_nonfinite=True).layers[0].kernel.data).all()


def test_truncated_and_not_a_zip(tmp_path):
    data = valid_file(tmp_path).read_bytes()
    for i, blob in enumerate((data[: len(data) // 2], b"", b"PK\x03\x04garbage", os.urandom(300))):
        (tmp_path / f"t{i}.glassnet").write_bytes(blob)
        with pytest.raises(ModelFileError):
            load_model(tmp_path / f"t{i}.glassnet")
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "missing.glassnet")


def test_zip_bomb_is_refused_before_decompressing(tmp_path):
    with zipfile.ZipFile(
        tmp_path / "bomb.glassnet", "w", compression=zipfile.ZIP_DEFLATED
    ) as archive:
        archive.writestr("config.json", b" " * (50 * 2**20))  # 50 MB of spaces compress ~1000-fold
    with pytest.raises(ModelFileError, match="zip bomb"):
        load_model(tmp_path / "bomb.glassnet")


_VALID_BLOB = []


def valid_blob(tmp_path):
    if not _VALID_BLOB:
        _VALID_BLOB.append(valid_file(tmp_path).read_bytes())
    return bytearray(_VALID_BLOB[0])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fuzzed_files_raise_only_model_file_error(tmp_path, data):
    blob = valid_blob(tmp_path)
    for _ in range(data.draw(st.integers(1, 8))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        blob = blob[: data.draw(st.integers(0, len(blob)))]
    path = tmp_path / "fuzz.glassnet"
    path.write_bytes(bytes(blob))
    try:
        load_model(path)  # a mutation may leave the file valid: then it simply loads
    except ModelFileError:
        pass
