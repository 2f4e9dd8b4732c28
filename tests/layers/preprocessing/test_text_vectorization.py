"""TextVectorization against Keras 3.15 on one corpus, every output mode and text option."""

import numpy as np
import pytest

from glassnet import layers
from tests.layers.preprocessing.keras_fixtures import assert_matches, load

KERAS, META = load("text_vectorization")
CORPUS, QUERIES = np.array(META["corpus"]), np.array(META["queries"])
CASES = {
    "int": {},
    "int_length": {"output_sequence_length": 5},
    "int_max_tokens": {"max_tokens": 6, "output_sequence_length": 4},
    "multi_hot": {"output_mode": "multi_hot"},
    "count": {"output_mode": "count"},
    "tf_idf": {"output_mode": "tf_idf"},
    "one_hot_whole": {"output_mode": "one_hot", "split": None},
    "bigrams": {"ngrams": 2},
    "ngram_tuple": {"ngrams": (1, 3), "output_mode": "count"},
    "lower": {"standardize": "lower"},
    "strip": {"standardize": "strip_punctuation"},
    "raw": {"standardize": None},
    "characters": {"split": "character", "output_sequence_length": 12},
    "padded_counts": {"output_mode": "count", "max_tokens": 30, "pad_to_max_tokens": True},
    "whole_strings": {"split": None},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_vocabulary_and_outputs_match_keras(name):
    kwargs = CASES[name]
    layer = layers.TextVectorization(**kwargs)
    layer.adapt(CORPUS)
    assert layer.get_vocabulary() == META[f"{name}/vocabulary"]
    source = QUERIES[:, None] if "split" in kwargs and kwargs["split"] is None else QUERIES
    assert_matches(layer(source), KERAS[name])
    if name == "tf_idf":
        np.testing.assert_allclose(layer._lookup_layer.idf_weights, KERAS["tf_idf/idf"], rtol=1e-6)
    config, keras_config = layer.get_config(), META[f"{name}/config"]
    for key, value in keras_config.items():
        if key not in ("name", "dtype", "trainable"):
            expected = tuple(value) if key == "ngrams" and isinstance(value, list) else value
            assert config[key] == expected, key


def test_adapt_on_batches_and_given_vocabularies_match_keras():
    layer = layers.TextVectorization(output_sequence_length=3)
    layer.adapt(iter([CORPUS[:3], CORPUS[3:]]))
    assert layer.get_vocabulary() == META["batched/vocabulary"]
    vocabulary = ["fox", "dog", "lazy", "the"]
    given = layers.TextVectorization(vocabulary=vocabulary, output_sequence_length=6)
    assert given.get_vocabulary() == META["given_vocabulary/vocabulary"]
    assert_matches(given(QUERIES), KERAS["given_vocabulary"])
    weighted = layers.TextVectorization(
        output_mode="tf_idf", vocabulary=vocabulary, idf_weights=[0.5, 1.0, 1.5, 2.0]
    )
    assert_matches(weighted(QUERIES), KERAS["given_tf_idf"])


def test_bytes_and_object_inputs_and_shapes():
    layer = layers.TextVectorization(output_sequence_length=4)
    layer.adapt(CORPUS)
    expected = layer(QUERIES).numpy()
    np.testing.assert_array_equal(layer(QUERIES.astype(object)).numpy(), expected)
    encoded = np.array([q.encode("utf-8") for q in QUERIES])
    np.testing.assert_array_equal(layer(encoded).numpy(), expected)
    np.testing.assert_array_equal(layer(QUERIES[:, None]).numpy(), expected)
    assert layer.compute_output_shape((None,)) == (None, 4)
    counts = layers.TextVectorization(output_mode="count", max_tokens=9, pad_to_max_tokens=True)
    assert counts.compute_output_shape((None,)) == (None, 9)


def test_callable_standardize_and_split():
    layer = layers.TextVectorization(
        standardize=lambda texts: np.char.upper(texts.astype(str)),
        split=lambda texts: [text.split("-") for text in texts],
    )
    layer.adapt(np.array(["a-b-b", "c-b"]))
    assert layer.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    np.testing.assert_array_equal(layer(np.array(["b-a-z"])).numpy(), [[2, 4, 1]])
    with pytest.raises(ValueError, match="callable cannot be restored"):
        layers.TextVectorization.from_config(layer.get_config())


def test_config_and_assets_round_trip(tmp_path):
    layer = layers.TextVectorization(max_tokens=12, ngrams=2, output_mode="tf_idf")
    layer.adapt(CORPUS)
    store = {}
    layer.save_own_variables(store)
    layer.save_assets(str(tmp_path))
    restored = layers.TextVectorization.from_config(layer.get_config())
    restored.load_own_variables(store)
    restored.load_assets(str(tmp_path))
    assert restored.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_allclose(restored(QUERIES).numpy(), layer(QUERIES).numpy())


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match="TextVectorization: output_sequence_length is only used"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    layer = layers.TextVectorization(name="tv")
    layer.adapt(CORPUS)
    with pytest.raises(ValueError, match="TextVectorization 'tv': to split strings"):
        layer(np.array([["a", "b"]]))
