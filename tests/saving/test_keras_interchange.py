""".keras files both ways for the layers Keras nests and the preprocessing layers with state.

Keras 3.15 wrote the files of tests/fixtures/keras_saving (make_keras_saving_fixtures.py): one
small model per nested kind (attention projections, wrappers, RNN cells, ConvLSTM cells, models
inside models) and per preprocessing layer with state (statistics, vocabularies, tf-idf
weights). glassnet loads each and predicts Keras's values; the files glassnet writes have
Keras's layout (the same HDF5 groups, datasets and assets); and real Keras, when an interpreter
has it (tests/saving/real_keras.py), loads glassnet's files and predicts glassnet's values.
"""

import io
import json
import lzma
import pathlib
import zipfile

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.saving import ModelFileError, load_model
from tests.fixtures.keras_saving_models import KERAS_CANNOT_RELOAD, layer_models
from tests.saving.real_keras import keras_interpreter, run_keras

h5py = pytest.importorskip(
    "h5py", reason='h5py not installed (pip install "glassnet[keras]"): .keras tests skipped'
)
FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "keras_saving"
NAMES = sorted(p.name[: -len(".keras.xz")] for p in FIXTURES.glob("*.keras.xz"))
PREDICTIONS = np.load(FIXTURES / "predictions.npz")
LAYOUTS = json.loads((FIXTURES / "layouts.json").read_text())
READER = pathlib.Path(__file__).with_name("keras_reader.py")
TOLERANCE = 1e-5


@keras.saving.register_keras_serializable(package="glassnet_fixtures")
class MinimalRNNCell(layers.Layer):
    """The generator's cell (keras.io's guide): h = x W + h_prev U."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel"
        )

    def call(self, inputs, states):
        output = keras.ops.matmul(inputs, self.kernel) + keras.ops.matmul(
            states[0], self.recurrent_kernel
        )
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def unpack(name, folder):
    path = folder / f"{name}.keras"
    path.write_bytes(lzma.decompress((FIXTURES / f"{name}.keras.xz").read_bytes()))
    return path


def inputs_of(name):
    keys = sorted(k for k in PREDICTIONS.files if k.startswith(f"{name}/x"))
    return [PREDICTIONS[k] for k in keys]


def predict(model, inputs):
    return np.asarray(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))


def layout(path):
    """The generator's ``layout``: HDF5 groups, datasets (path -> shape) and asset members."""
    groups, datasets = [], {}

    def note(name, node):
        if isinstance(node, h5py.Dataset):
            datasets[name] = list(node.shape)
        else:
            groups.append(name)

    with zipfile.ZipFile(path) as archive:
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
            h5.visititems(note)
        assets = sorted(n for n in archive.namelist() if n.startswith("assets/"))
    return {"groups": sorted(groups), "datasets": datasets, "assets": assets}


def test_every_kind_has_a_fixture():
    assert set(NAMES) == set(LAYOUTS) and len(NAMES) == 20


@pytest.mark.parametrize("name", NAMES)
def test_keras_files_load_and_predict_keras_values(tmp_path, name):
    model = load_model(unpack(name, tmp_path))
    np.testing.assert_allclose(
        predict(model, inputs_of(name)),
        PREDICTIONS[f"{name}/y"],
        rtol=TOLERANCE,
        atol=TOLERANCE,
    )


@pytest.mark.parametrize("name", NAMES)
def test_glassnet_writes_keras_layout_and_reads_it_back(tmp_path, name):
    model = load_model(unpack(name, tmp_path))
    model.save(tmp_path / "again.keras")
    assert layout(tmp_path / "again.keras") == LAYOUTS[name]
    again = load_model(tmp_path / "again.keras")
    np.testing.assert_array_equal(predict(again, inputs_of(name)), predict(model, inputs_of(name)))


@pytest.mark.parametrize("name", NAMES)
def test_glassnet_files_keep_the_same_state(tmp_path, name):
    model = load_model(unpack(name, tmp_path))
    model.save(tmp_path / "m.glassnet")
    again = load_model(tmp_path / "m.glassnet")
    np.testing.assert_array_equal(predict(again, inputs_of(name)), predict(model, inputs_of(name)))


def test_nested_layer_weights_load_through_load_weights(tmp_path):
    """Model.load_weights reads a .keras file's weights (and a .weights.h5) into a model built
    in code: a Bidirectional pair of RNNs and a model nesting a Sequential and a functional
    model."""
    bidirectional = keras.Sequential(
        [
            keras.Input((5, 3)),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
            layers.Bidirectional(layers.GRU(2), backward_layer=layers.GRU(3, go_backwards=True)),
        ]
    )
    bidirectional.load_weights(unpack("bidirectional", tmp_path))
    np.testing.assert_allclose(
        predict(bidirectional, inputs_of("bidirectional")),
        PREDICTIONS["bidirectional/y"],
        rtol=TOLERANCE,
        atol=TOLERANCE,
    )
    nested = _nested_models()
    nested.load_weights(unpack("nested_models", tmp_path))
    nested.save_weights(tmp_path / "nested.weights.h5")
    other = _nested_models()
    other.load_weights(tmp_path / "nested.weights.h5")
    for model in (nested, other):
        np.testing.assert_allclose(
            predict(model, inputs_of("nested_models")),
            PREDICTIONS["nested_models/y"],
            rtol=TOLERANCE,
            atol=TOLERANCE,
        )


# -- the same models built by glassnet, read by real Keras -----------------------------------
rng = np.random.default_rng(0)
CORPUS = np.array(
    [
        "The cat sat on the mat.",
        "A dog ran in the park!",
        "the cat and the dog",
        "Birds sing; cats sleep.",
        "a quick brown fox",
        "The park was quiet",
    ]
)


def normal(*shape):
    return rng.standard_normal(shape).astype("float32")


def sequential(input_shape, *stack, dtype=None):
    return keras.Sequential([keras.Input(input_shape, dtype=dtype), *stack])


def _nested_models():
    stem = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(3)], name="stem")
    inner_inputs = keras.Input((3,))
    inner = keras.Model(inner_inputs, layers.Dense(2)(inner_inputs), name="head")
    inputs = keras.Input((5,))
    outputs = inner(layers.Dense(3)(stem(inputs)))
    return keras.Model(inputs, outputs)


def _text_vectorization(**kwargs):
    vectorize = layers.TextVectorization(**kwargs)
    vectorize.adapt(CORPUS)
    return vectorize


def glassnet_models():
    """name -> (model, inputs): the generator's models, built and adapted by glassnet."""
    query, value = keras.Input((4, 6)), keras.Input((5, 6))
    attention = keras.Model(
        [query, value], layers.MultiHeadAttention(2, 3, value_dim=2, use_gate=True)(query, value)
    )
    tokens = keras.Input((5, 8))
    grouped = keras.Model(
        tokens, layers.GroupQueryAttention(4, 2, 2, use_gate=True)(tokens, tokens)
    )
    norm = layers.Normalization()
    norm.adapt(normal(20, 3) * 4 + 1)
    lookup = layers.StringLookup(num_oov_indices=2, mask_token="")
    lookup.adapt(np.array([["a", "b"], ["b", "c"], ["c", "c"]]))
    tf_idf = layers.StringLookup(output_mode="tf_idf")
    tf_idf.adapt(np.array([["a", "b", "b"], ["c", "a", "d"], ["d", "d", "d"]]))
    integers = layers.IntegerLookup(output_mode="multi_hot")
    integers.adapt(np.array([[3, 5], [5, 9], [9, 9], [12, 3]]))
    bins = layers.Discretization(num_bins=4, output_mode="one_hot")
    bins.adapt(normal(50))
    spectral = sequential((4,), layers.SpectralNormalization(layers.Dense(3)), layers.Dense(2))
    spectral(normal(5, 4), training=True)
    texts = np.array(["the cat and the bird", "a dog in the park"])
    return {
        "multi_head_attention": (attention, [normal(3, 4, 6), normal(3, 5, 6)]),
        "grouped_query_attention": (grouped, [normal(3, 5, 8)]),
        "bidirectional": (
            sequential(
                (5, 3),
                layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
                layers.Bidirectional(
                    layers.GRU(2), backward_layer=layers.GRU(3, go_backwards=True)
                ),
            ),
            [normal(3, 5, 3)],
        ),
        "time_distributed": (
            sequential(
                (3, 6, 6, 2),
                layers.TimeDistributed(layers.Conv2D(2, 3)),
                layers.TimeDistributed(layers.Flatten()),
                layers.TimeDistributed(layers.Dense(2)),
            ),
            [normal(2, 3, 6, 6, 2)],
        ),
        "rnn_cells": (
            sequential(
                (5, 3),
                layers.RNN(layers.LSTMCell(4), return_sequences=True),
                layers.RNN(layers.GRUCell(3, reset_after=False), return_sequences=True),
                layers.RNN(layers.SimpleRNNCell(2)),
            ),
            [normal(3, 5, 3)],
        ),
        "stacked_cells": (
            sequential(
                (5, 3),
                layers.RNN(
                    layers.StackedRNNCells([layers.LSTMCell(4), layers.GRUCell(2)]),
                    return_sequences=True,
                ),
                layers.RNN([layers.SimpleRNNCell(3), layers.SimpleRNNCell(2)]),
            ),
            [normal(3, 5, 3)],
        ),
        "user_cell": (sequential((5, 3), layers.RNN(MinimalRNNCell(4))), [normal(3, 5, 3)]),
        "conv_lstm1d": (
            sequential((3, 6, 2), layers.ConvLSTM1D(2, 3, padding="same")),
            [normal(2, 3, 6, 2)],
        ),
        "conv_lstm2d": (
            sequential((3, 5, 5, 2), layers.ConvLSTM2D(2, 3, return_sequences=True)),
            [normal(2, 3, 5, 5, 2)],
        ),
        "conv_lstm3d": (
            sequential((2, 4, 4, 4, 1), layers.ConvLSTM3D(2, 2)),
            [normal(2, 2, 4, 4, 4, 1)],
        ),
        "spectral_normalization": (spectral, [normal(5, 4)]),
        "nested_models": (_nested_models(), [normal(4, 5)]),
        "normalization": (sequential((3,), norm, layers.Dense(2)), [normal(5, 3)]),
        "string_lookup": (
            sequential((2,), lookup, dtype="string"),
            [np.array([["a", "c"], ["", "zzz"], ["b", "b"]])],
        ),
        "string_lookup_tf_idf": (
            sequential((3,), tf_idf, dtype="string"),
            [np.array([["a", "b", "x"], ["d", "d", "c"]])],
        ),
        "integer_lookup": (
            sequential((2,), integers, dtype="int64"),
            [np.array([[3, 9], [7, 12], [5, 5]])],
        ),
        "text_vectorization": (
            sequential((), _text_vectorization(output_sequence_length=6), dtype="string"),
            [np.array(["the cat sat", "A bird ran in a quiet park today"])],
        ),
        "text_vectorization_tf_idf": (
            sequential(
                (),
                _text_vectorization(output_mode="tf_idf", ngrams=2, max_tokens=20),
                dtype="string",
            ),
            [np.array(["the cat sat", "the dog and the bird"])],
        ),
        "text_classifier": (
            sequential(
                (),
                _text_vectorization(max_tokens=30, output_sequence_length=5),
                layers.Embedding(30, 4),
                layers.GlobalAveragePooling1D(),
                layers.Dense(2, activation="softmax"),
                dtype="string",
            ),
            [texts],
        ),
        "discretization": (sequential((1,), bins), [normal(6, 1)]),
    }


LEGACY = sorted(p.name[: -len("_legacy.h5.xz")] for p in FIXTURES.glob("*_legacy.h5.xz"))


@pytest.mark.parametrize("name", LEGACY)
def test_keras_2_weights_of_nested_layers_load_by_layer_order(tmp_path, name):
    """Keras 2's HDF5 layout (written by Keras's legacy code): each layer's weights, nested
    ones included, trainable first; glassnet's model of the same kind takes them in order."""
    assert len(LEGACY) == 7
    model, _ = glassnet_models()[name]
    path = tmp_path / f"{name}_legacy.h5"
    path.write_bytes(lzma.decompress((FIXTURES / f"{name}_legacy.h5.xz").read_bytes()))
    model.load_weights(path)
    np.testing.assert_allclose(
        predict(model, inputs_of(name)),
        PREDICTIONS[f"{name}/y"],
        rtol=TOLERANCE,
        atol=TOLERANCE,
    )


def test_glassnet_builds_every_fixture_kind():
    assert sorted(glassnet_models()) == NAMES


# session-scoped: made once per process even when pytest-xdist (--dist loadfile) interleaves
# this module with others
@pytest.fixture(scope="session")
def keras_reads_glassnet_files(tmp_path_factory):
    """Real Keras's predictions on glassnet's files, in one subprocess: each Keras fixture as
    glassnet loaded and rewrote it ("keras-NAME"), each model glassnet built ("glassnet-NAME")
    and each model of the layer table ("layer-NAME"), with the values glassnet predicts."""
    if keras_interpreter() is None:
        run_keras([], cwd=".")  # skips, or fails under GLASSNET_REQUIRE_KERAS=1
    folder = tmp_path_factory.mktemp("keras_reads")
    arrays, expected = {}, {}
    for name in NAMES:
        model = load_model(unpack(name, folder))
        path = folder / f"keras-{name}-again.keras"
        model.save(path)
        arrays[f"keras-{name}/path"] = np.array(str(path))
        for i, x in enumerate(inputs_of(name)):
            arrays[f"keras-{name}/x{i}"] = x
        expected[f"keras-{name}"] = PREDICTIONS[f"{name}/y"]
    built = [(f"glassnet-{name}", model, x) for name, (model, x) in glassnet_models().items()]
    built += [
        (f"layer-{name}", make(), x)
        for name, (make, x) in layer_models(keras).items()
        if name not in KERAS_CANNOT_RELOAD
    ]
    for key, model, inputs in built:
        path = folder / f"{key}.keras"
        model.save(path)
        arrays[f"{key}/path"] = np.array(str(path))
        for i, x in enumerate(inputs):
            arrays[f"{key}/x{i}"] = x
        expected[key] = predict(model, inputs)
    np.savez(folder / "inputs.npz", **arrays)
    done = run_keras([str(READER), str(folder / "inputs.npz"), str(folder / "out.npz")], folder)
    assert done.returncode == 0, done.stderr[-3000:]
    return np.load(folder / "out.npz"), expected


@pytest.mark.parametrize("origin", ["keras", "glassnet"])
@pytest.mark.parametrize("name", NAMES)
def test_keras_loads_glassnet_files(keras_reads_glassnet_files, origin, name):
    theirs, expected = keras_reads_glassnet_files
    key = f"{origin}-{name}"
    if f"{key}/skip" in theirs.files:
        pytest.skip(f"Keras needs TensorFlow for this file: {str(theirs[f'{key}/skip'])[-200:]}")
    if name in TENSORFLOW_VALUES and str(theirs["__backend__"]) != "tensorflow":
        pytest.skip(f"Keras computes {name} differently on {theirs['__backend__']}")
    assert f"{key}/error" not in theirs.files, str(theirs.get(f"{key}/error"))
    np.testing.assert_allclose(theirs[f"{key}/y"], expected[key], rtol=TOLERANCE, atol=TOLERANCE)


# Keras's own results depend on its backend here; glassnet follows TensorFlow's
TENSORFLOW_VALUES = ("ContrastLimitedAdaptiveHistogramEqualization",)
LAYER_NAMES = sorted(set(layer_models(keras)) - set(KERAS_CANNOT_RELOAD))


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_keras_loads_glassnet_files_of_every_layer(keras_reads_glassnet_files, name):
    test_keras_loads_glassnet_files(keras_reads_glassnet_files, "layer", name)


# -- safety -------------------------------------------------------------------------------------
def test_a_keras_file_with_a_lambda_loads_only_outside_safe_mode(tmp_path):
    model = keras.Sequential([keras.Input((3,)), layers.Lambda(_doubled), layers.Dense(1)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ModelFileError, match="holds a Lambda layer .* safe_mode=False"):
        load_model(path, custom_objects={"_doubled": _doubled})
    restored = load_model(path, custom_objects={"_doubled": _doubled}, safe_mode=False)
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(predict(restored, [x]), predict(model, [x]))
    assert keras.config.in_safe_mode()  # the scope ends with the load
    with pytest.raises(ModelFileError, match="not in custom_objects"):
        load_model(path, safe_mode=False)  # the function never comes from the file


def _doubled(x):
    return x * 2.0


def test_unsafe_deserialization_switch_and_its_scope(tmp_path, monkeypatch):
    from glassnet.backend import config as backend_config
    from glassnet.saving.serialization_lib import SafeModeScope

    model = keras.Sequential([keras.Input((3,)), layers.Lambda(_doubled)])
    model.save(tmp_path / "lambda.glassnet")
    monkeypatch.setattr(backend_config, "_SAFE_MODE", True)
    keras.config.enable_unsafe_deserialization()
    restored = load_model(tmp_path / "lambda.glassnet", custom_objects={"_doubled": _doubled})
    assert restored.layers[0].function is _doubled
    with SafeModeScope(True):  # Keras's scope: safe mode again, for a block
        with pytest.raises(ModelFileError, match="refusing to load a Lambda layer"):
            load_model(tmp_path / "lambda.glassnet", custom_objects={"_doubled": _doubled})
    assert not keras.config.in_safe_mode()
