"""Regularizers: values against Keras and a float64 transcription, gradients, names, configs."""

import json
import os

import numpy as np
import pytest

import glassnet as keras
from glassnet import Variable, regularizers

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_optimizers")
FIXTURE = np.load(os.path.join(HERE, "regularizers_constraints.npz"))


def orthogonal_penalty(w, factor, mode):
    # factor * mean over pairs i != j of |cos(row_i, row_j)|, zero rows contributing nothing
    vectors = w if mode == "rows" else w.T
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, 1e-7)
    cosines = np.abs(unit @ unit.T)
    n = len(vectors)
    return factor * (cosines.sum() - np.trace(cosines)) / (n * (n - 1))


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer_equals_keras_and_the_formula(mode):
    w = FIXTURE["w"]
    penalty = regularizers.OrthogonalRegularizer(factor=0.3, mode=mode)
    # Keras keeps the factor in float32, so its fixture was computed in float32
    got32 = float(penalty(w.astype("float32")).data)
    assert got32 == pytest.approx(float(FIXTURE[f"orthogonal_{mode}"]), rel=1e-6)
    got64 = float(penalty(w).data)
    assert got64 == pytest.approx(orthogonal_penalty(w, 0.3, mode), rel=1e-12)


def test_orthogonal_regularizer_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    w = Variable(rng.standard_normal((4, 3)))
    penalty = regularizers.orthogonal_regularizer(factor=0.5, mode="columns")
    penalty(w).backward()
    step, numeric = 1e-6, np.zeros_like(w.data)
    for index in np.ndindex(w.shape):
        shifted = w.data.copy()
        shifted[index] += step
        up = orthogonal_penalty(shifted, 0.5, "columns")
        shifted[index] -= 2 * step
        numeric[index] = (up - orthogonal_penalty(shifted, 0.5, "columns")) / (2 * step)
    np.testing.assert_allclose(w.grad, numeric, rtol=1e-6, atol=1e-9)


def test_l1_l2_values_and_gradients():
    w = Variable(np.array([1.0, -2.0, 0.5]))
    penalty = regularizers.L1L2(l1=0.01, l2=0.02)
    value = penalty(w)
    assert float(value.data) == pytest.approx(0.01 * 3.5 + 0.02 * 5.25, rel=1e-12)
    value.backward()
    np.testing.assert_allclose(w.grad, 0.01 * np.sign(w.data) + 0.04 * w.data, rtol=1e-12)
    assert float(regularizers.L1L2(0.01, 0.02)(FIXTURE["w"]).data) == pytest.approx(
        float(FIXTURE["l1l2"]), rel=1e-12
    )
    assert regularizers.L1L2()(w) == 0.0
    assert float(regularizers.l2(0.5)(np.array([2.0])).data) == 2.0
    assert float(regularizers.l1(0.5)(np.array([-2.0])).data) == 1.0


def test_validation_errors():
    with pytest.raises(ValueError, match="l1 must be a non-negative number"):
        regularizers.L1(-0.1)
    with pytest.raises(ValueError, match="l2 must be a non-negative number"):
        regularizers.L2(float("nan"))
    with pytest.raises(ValueError, match="mode must be 'rows' or 'columns'"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="needs a 2-D weight"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2)))


@pytest.mark.parametrize(
    "regularizer",
    [
        regularizers.L1(0.2),
        regularizers.L2(0.3),
        regularizers.L1L2(0.1, 0.4),
        regularizers.OrthogonalRegularizer(0.05, "columns"),
    ],
    ids=lambda r: type(r).__name__,
)
def test_serialize_deserialize_round_trip(regularizer):
    spec = json.loads(json.dumps(regularizers.serialize(regularizer)))
    assert spec["module"] == "keras.regularizers"
    rebuilt = regularizers.deserialize(spec)
    assert type(rebuilt) is type(regularizer) and rebuilt.get_config() == regularizer.get_config()
    assert type(regularizers.get(spec)) is type(regularizer)


def test_names_and_get():
    assert regularizers.l1 is regularizers.L1 and regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer
    assert isinstance(
        regularizers.get("orthogonal_regularizer"), regularizers.OrthogonalRegularizer
    )
    assert isinstance(regularizers.get("L2"), regularizers.L2)
    assert regularizers.get(None) is None
    with pytest.raises(ValueError, match="Did you mean"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="Unknown regularizer"):
        regularizers.deserialize({"class_name": "Mine", "config": {}})


def test_orthogonal_regularizer_in_training_lowers_the_correlation_of_units():
    rng = np.random.default_rng(0)
    correlated = rng.standard_normal((6, 1)) + 0.3 * rng.standard_normal((6, 6))
    layer = keras.layers.Dense(
        6,
        kernel_initializer=keras.initializers.Constant(correlated),
        kernel_regularizer=regularizers.OrthogonalRegularizer(factor=1.0, mode="columns"),
    )
    model = keras.Sequential([keras.Input((6,)), layer])
    model.compile(keras.optimizers.SGD(0.5), "mse")
    x = np.zeros((8, 6), dtype="float32")
    before = orthogonal_penalty(np.asarray(layer.kernel.data, "float64"), 1.0, "columns")
    model.fit(x, np.zeros((8, 6), dtype="float32"), epochs=20, verbose=0)
    after = orthogonal_penalty(np.asarray(layer.kernel.data, "float64"), 1.0, "columns")
    assert after < 0.5 * before
