"""Model.compile/fit/evaluate/predict/save... argument defaults equal Keras 3's (fixture written
by real Keras)."""

from tests.keras_defaults import check_defaults

KNOWN = {
    "models.Model.save_weights": "no sharded weight files (max_shard_size) in glassnet",
}


def test_model_method_defaults_equal_keras():
    check_defaults("models", KNOWN)
