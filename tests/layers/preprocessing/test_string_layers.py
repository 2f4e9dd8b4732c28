"""StringLookup, IntegerLookup, Hashing and HashedCrossing against Keras 3.15."""

import numpy as np
import pytest

from glassnet import layers
from glassnet.layers.preprocessing.string_hashing import fingerprint64, siphash
from tests.layers.preprocessing.keras_fixtures import assert_matches, load

KERAS, META = load("string_layers")
WORDS = np.array(META["words"])
QUERIES = np.array(META["queries"])
STRING_CASES = {
    "default": {},
    "mask": {"mask_token": ""},
    "two_oov": {"num_oov_indices": 2},
    "max_tokens": {"max_tokens": 3},
    "multi_hot": {"output_mode": "multi_hot"},
    "one_hot": {"output_mode": "one_hot"},
    "count": {"output_mode": "count"},
    "tf_idf": {"output_mode": "tf_idf"},
    "padded": {"output_mode": "count", "max_tokens": 8, "pad_to_max_tokens": True},
    "salted": {"num_oov_indices": 3, "salt": 7},
}


@pytest.mark.parametrize("name", sorted(STRING_CASES))
def test_string_lookup_vocabulary_and_outputs_match_keras(name):
    layer = layers.StringLookup(**STRING_CASES[name])
    layer.adapt(WORDS)
    assert layer.get_vocabulary() == META[f"string_lookup/{name}/vocabulary"]
    source = QUERIES[:, :1] if name == "one_hot" else QUERIES
    out = layer(source)
    assert_matches(out, KERAS[f"string_lookup/{name}"])
    if name == "tf_idf":
        np.testing.assert_allclose(layer.idf_weights, KERAS["string_lookup/tf_idf/idf"], rtol=1e-6)
    if name != "one_hot":
        assert layer.compute_output_shape(QUERIES.shape) == out.shape


def test_string_lookup_invert_and_config_match_keras():
    layer = layers.StringLookup(vocabulary=["a", "b", "c"], invert=True)
    assert layer(np.array([[0, 1], [3, 7]])).ravel().tolist() == META["string_lookup/invert"]
    config = layers.StringLookup(
        vocabulary=["a", "b"], mask_token="", num_oov_indices=2
    ).get_config()
    keras_config = META["string_lookup/config"]
    assert {k: v for k, v in config.items() if k not in ("name", "dtype")} == {
        k: v for k, v in keras_config.items() if k not in ("name", "dtype")
    }
    clone = layers.StringLookup.from_config(config)
    assert clone.get_vocabulary() == ["", "[UNK]", "[UNK]", "a", "b"]


def test_lookup_vocabulary_round_trips_through_assets(tmp_path):
    layer = layers.StringLookup(output_mode="tf_idf")
    layer.adapt(WORDS[WORDS != ""])  # a vocabulary file cannot end with an empty token
    store = {}
    layer.save_own_variables(store)
    layer.save_assets(str(tmp_path))
    restored = layers.StringLookup.from_config(layer.get_config())
    restored.load_own_variables(store)
    restored.load_assets(str(tmp_path))
    assert restored.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_array_equal(restored(QUERIES).numpy(), layer(QUERIES).numpy())


def test_lookup_with_special_tokens_in_the_given_vocabulary():
    layer = layers.StringLookup(vocabulary=["", "[UNK]", "x", "y"], mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]", "x", "y"]
    np.testing.assert_array_equal(layer(np.array(["y", "", "q"])).numpy(), [3, 0, 1])


def test_lookup_errors_name_the_layer():
    strict = layers.StringLookup(vocabulary=["a"], num_oov_indices=0, name="strict")
    with pytest.raises(ValueError, match="StringLookup 'strict': with num_oov_indices=0.*'zz'"):
        strict(np.array(["a", "zz"]))
    with pytest.raises(ValueError, match="repeats"):
        layers.StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="invert=True needs output_mode='int'"):
        layers.StringLookup(invert=True, output_mode="count")


INTEGER_CASES = {
    "default": {},
    "mask": {"mask_token": 0},
    "floormod": {"num_oov_indices": 3},
    "farmhash": {"num_oov_indices": 3, "oov_method": "farmhash"},
    "count": {"output_mode": "count"},
    "tf_idf": {"output_mode": "tf_idf"},
}


@pytest.mark.parametrize("name", sorted(INTEGER_CASES))
def test_integer_lookup_matches_keras(name):
    layer = layers.IntegerLookup(**INTEGER_CASES[name])
    layer.adapt(KERAS["ints"])
    assert layer.get_vocabulary() == META[f"integer_lookup/{name}/vocabulary"]
    assert_matches(layer(KERAS["int_queries"]), KERAS[f"integer_lookup/{name}"])


def test_integer_lookup_invert_matches_keras():
    layer = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True)
    assert_matches(layer(np.array([[0, 1], [4, 9]])), KERAS["integer_lookup/invert"])


HASH_CASES = {
    "fast": {"num_bins": 7},
    "mask": {"num_bins": 7, "mask_value": "B"},
    "salt": {"num_bins": 7, "salt": 133},
    "salt_pair": {"num_bins": 1000, "salt": [5, 9]},
    "big": {"num_bins": 2**31 - 1},
}


@pytest.mark.parametrize("name", sorted(HASH_CASES))
def test_hashing_strings_matches_keras(name):
    strings = np.array(META["hashing/strings"])[:, None]
    assert_matches(layers.Hashing(**HASH_CASES[name])(strings), KERAS[f"hashing/{name}/strings"])


def test_hashing_numbers_modes_and_config_match_keras():
    numbers = KERAS["hashing/numbers"]
    assert_matches(layers.Hashing(num_bins=13)(numbers), KERAS["hashing/fast/numbers"])
    assert_matches(
        layers.Hashing(num_bins=13, mask_value=3)(numbers), KERAS["hashing/mask/numbers"]
    )
    strings = np.array(META["hashing/strings"])[:, None]
    for mode in ("one_hot", "multi_hot", "count"):
        assert_matches(
            layers.Hashing(num_bins=5, output_mode=mode)(strings), KERAS[f"hashing/{mode}"]
        )
    rows = strings[:6].reshape(2, 3)
    multi_hot = layers.Hashing(num_bins=5, output_mode="multi_hot")
    assert_matches(multi_hot(rows), KERAS["hashing/multi_hot_rows"])
    config = layers.Hashing(num_bins=3, salt=2).get_config()
    for key in ("num_bins", "salt", "mask_value", "output_mode", "sparse"):
        assert config[key] == META["hashing/config"][key]
    assert layers.Hashing.from_config(config).salt == [2, 2]


def test_hash_functions_reference_values():
    # FarmHash Fingerprint64 and SipHash-2-4 test vectors (the empty input)
    assert fingerprint64(b"") == 0x9AE16A3B2F90404F
    assert siphash((0x0706050403020100, 0x0F0E0D0C0B0A0908), b"") == 0x726FDB47DD0E0E31


def test_hashed_crossing_matches_keras():
    left, right = np.array(META["crossing/left"]), KERAS["crossing/right"]
    assert_matches(layers.HashedCrossing(num_bins=10)([left, right]), KERAS["crossing/int"])
    column = layers.HashedCrossing(num_bins=1000)([left[:, None], right[:, None]])
    assert_matches(column, KERAS["crossing/column"])
    one_hot = layers.HashedCrossing(num_bins=4, output_mode="one_hot")
    assert_matches(one_hot([left, right]), KERAS["crossing/one_hot"])
    crossed = layers.HashedCrossing(num_bins=97)([left, left[::-1]])
    assert_matches(crossed, KERAS["crossing/strings"])
    with pytest.raises(ValueError, match="HashedCrossing '.*': expected a list of at least two"):
        layers.HashedCrossing(num_bins=3)([left])
