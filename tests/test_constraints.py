"""Constraints: values against Keras, dtypes, the optimizer applying them, names, configs."""

import json
import os

import numpy as np
import pytest

import glassnet as keras
from glassnet import constraints

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_optimizers")
FIXTURE = np.load(os.path.join(HERE, "regularizers_constraints.npz"))


@pytest.mark.parametrize("axis", [0, 1])
def test_norm_constraints_equal_keras(axis):
    w = FIXTURE["w"]
    np.testing.assert_allclose(
        constraints.MinMaxNorm(min_value=0.5, max_value=1.2, rate=0.7, axis=axis)(w),
        FIXTURE[f"min_max_norm_axis{axis}"],
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        constraints.MaxNorm(1.0, axis=axis)(w), FIXTURE[f"max_norm_axis{axis}"], rtol=1e-12
    )
    np.testing.assert_allclose(
        constraints.UnitNorm(axis=axis)(w), FIXTURE[f"unit_norm_axis{axis}"], rtol=1e-12
    )
    np.testing.assert_array_equal(constraints.NonNeg()(w), FIXTURE["non_neg"])


def test_min_max_norm_moves_norms_into_the_range():
    w = np.array([[0.1, 3.0, 0.8], [0.0, 4.0, 0.0]])
    norms = np.linalg.norm(constraints.MinMaxNorm(0.5, 2.0)(w), axis=0)
    np.testing.assert_allclose(norms, [0.5, 2.0, 0.8], rtol=1e-6)
    half = np.linalg.norm(constraints.MinMaxNorm(0.5, 2.0, rate=0.5)(w), axis=0)
    np.testing.assert_allclose(half, [0.3, 3.5, 0.8], rtol=1e-6)  # half way to the bounds


@pytest.mark.parametrize(
    "constraint",
    [
        constraints.MaxNorm(1.0),
        constraints.MinMaxNorm(0.5, 1.0),
        constraints.NonNeg(),
        constraints.UnitNorm(axis=1),
    ],
    ids=lambda c: type(c).__name__,
)
def test_float32_stays_float32(constraint):
    w = np.random.default_rng(0).standard_normal((3, 2)).astype("float32")
    assert constraint(w).dtype == np.float32


def test_the_optimizer_applies_a_min_max_norm_kernel_constraint_during_fit():
    keras.utils.set_random_seed(0)
    layer = keras.layers.Dense(
        3, kernel_constraint=constraints.MinMaxNorm(min_value=0.5, max_value=0.8)
    )
    model = keras.Sequential([keras.Input((4,)), layer])
    model.compile(keras.optimizers.SGD(0.5), "mse")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)), 5 * rng.standard_normal((16, 3))
    model.fit(x.astype("float32"), y.astype("float32"), epochs=2, verbose=0)
    norms = np.linalg.norm(layer.kernel.data, axis=0)
    assert np.all((norms >= 0.5 - 1e-5) & (norms <= 0.8 + 1e-5))


@pytest.mark.parametrize(
    "constraint",
    [
        constraints.MaxNorm(3.0, axis=1),
        constraints.MinMaxNorm(0.1, 0.9, 0.5, [0, 1]),
        constraints.NonNeg(),
        constraints.UnitNorm(axis=-1),
    ],
    ids=lambda c: type(c).__name__,
)
def test_serialize_deserialize_round_trip(constraint):
    spec = json.loads(json.dumps(constraints.serialize(constraint)))
    assert spec["module"] == "keras.constraints"
    rebuilt = constraints.deserialize(spec)
    assert type(rebuilt) is type(constraint) and rebuilt.get_config() == constraint.get_config()


def test_names_and_get():
    assert constraints.min_max_norm is constraints.MinMaxNorm
    assert constraints.max_norm is constraints.MaxNorm
    assert isinstance(constraints.get("min_max_norm"), constraints.MinMaxNorm)
    assert isinstance(constraints.get("UnitNorm"), constraints.UnitNorm)
    assert constraints.get(None) is None
    assert repr(constraints.MinMaxNorm()) == (
        "MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0)"
    )
    with pytest.raises(ValueError, match="Did you mean 'non_neg'"):
        constraints.get("non_negative")
