"""keras.backend.result_type, is_float_dtype, is_int_dtype: equal to Keras 3.15's answers on every
pair of dtypes (fixture written by tests/fixtures/make_keras_backend_fixtures.py)."""

import json
import os

import numpy as np
import pytest

from glassnet import backend

with open(
    os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_backend", "dtypes.json")
) as f:
    KERAS = json.load(f)
PYTHON_TYPES = {"int": int, "float": float}


def arguments(key):
    return [PYTHON_TYPES.get(name, name) for name in key.split(",")]


def answer(*dtypes):
    try:
        return backend.result_type(*dtypes)
    except ValueError:
        return "error"


@pytest.mark.parametrize(
    "group", ["result_type_pairs", "result_type_triples", "result_type_single"]
)
def test_result_type_equals_keras(group):
    wrong = {
        key: (answer(*arguments(key)), expected)
        for key, expected in KERAS[group].items()
        if answer(*arguments(key)) != expected
    }
    assert wrong == {}


def test_result_type_details():
    assert backend.result_type() == KERAS["result_type_empty"] == "float32"
    assert backend.result_type(np.dtype("int16"), None) == "float32"  # None is floatx
    assert backend.result_type(np.float64, int) == "float64"


def test_is_float_and_is_int_equal_keras():
    for name, (is_float, is_int) in KERAS["float_int"].items():
        assert (backend.is_float_dtype(name), backend.is_int_dtype(name)) == (is_float, is_int)
    assert backend.is_float_dtype(np.float16) and backend.is_int_dtype(np.dtype("uint32"))
    assert backend.is_float_dtype(float) and backend.is_int_dtype(int)
