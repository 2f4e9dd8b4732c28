"""Contracts of the training loop that a one-line bug would break silently (issue 16, "tests
that would notice a broken library"): evaluation and validation run in inference mode (Dropout
off, BatchNormalization's moving statistics untouched), weighted metrics use the sample
weights, and validation_split keeps the validation part's sample weights."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

rng = np.random.default_rng(0)
X = rng.standard_normal((64, 4)).astype("float32")
Y = rng.standard_normal((64, 1)).astype("float32")
W = rng.uniform(0.0, 2.0, 64).astype("float32")


def dropout_batchnorm_model(seed=0, **compile_arguments):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(8),
            layers.Dropout(0.5),
            layers.BatchNormalization(momentum=0.5),
            layers.Dense(1),
        ]
    )
    model.compile(keras.optimizers.SGD(0.05), "mse", **compile_arguments)
    return model


def moving_statistics(model):
    batchnorm = model.layers[2]
    return batchnorm.moving_mean.data.copy(), batchnorm.moving_variance.data.copy()


def test_evaluate_and_predict_are_inference():
    model = dropout_batchnorm_model()
    model.fit(X, Y, epochs=1, batch_size=16, verbose=0)  # moving statistics away from 0 and 1
    weights = [w.copy() for w in model.get_weights()]
    inference = model(X, training=False).data
    first = model.evaluate(X, Y, batch_size=16, verbose=0)
    second = model.evaluate(X, Y, batch_size=16, verbose=0)
    assert first == second == pytest.approx(float(np.mean((inference - Y) ** 2)), rel=1e-6)
    np.testing.assert_allclose(model.predict(X, batch_size=16, verbose=0), inference, rtol=1e-6)
    for before, after in zip(weights, model.get_weights()):  # moving statistics included
        np.testing.assert_array_equal(before, after)
    assert not np.allclose(model(X, training=True).data, inference)  # the layers do matter


def test_validation_during_fit_is_inference_and_changes_nothing():
    plain = dropout_batchnorm_model()
    plain.fit(X[:48], Y[:48], epochs=2, batch_size=16, verbose=0)
    validated = dropout_batchnorm_model()
    history = validated.fit(
        X[:48], Y[:48], epochs=2, batch_size=16, verbose=0, validation_data=(X[48:], Y[48:])
    )
    # validating draws no dropout masks and moves no statistics: the second epoch is the same
    for a, b in zip(plain.get_weights(), validated.get_weights()):
        np.testing.assert_array_equal(a, b)
    after = validated.evaluate(X[48:], Y[48:], batch_size=16, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(after, rel=1e-6)
    mean, variance = moving_statistics(validated)
    assert not np.allclose(mean, 0) and not np.allclose(variance, 1)  # training did move them


def test_weighted_metrics_use_the_sample_weights():
    model = dropout_batchnorm_model(weighted_metrics=["mae"])
    prediction = model.predict(X, verbose=0)
    result = model.evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True)
    error = np.abs(prediction - Y)[:, 0]
    assert result["mae"] == pytest.approx(np.average(error, weights=W), rel=1e-5)
    assert result["mae"] != pytest.approx(error.mean(), rel=1e-3)
    # the loss is Keras's sum over the batch of weight x loss, divided by the batch size
    squared = ((prediction - Y) ** 2)[:, 0]
    assert result["loss"] == pytest.approx(np.sum(W * squared) / len(W), rel=1e-5)
    unweighted = dropout_batchnorm_model(metrics=["mae"])
    result = unweighted.evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True)
    assert result["mae"] == pytest.approx(error.mean(), rel=1e-5)


def test_the_same_metric_weighted_and_not_is_logged_twice():
    model = dropout_batchnorm_model(metrics=["mae"], weighted_metrics=["mae"])
    prediction = model.predict(X, verbose=0)
    result = model.evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True)
    error = np.abs(prediction - Y)[:, 0]
    assert result["mae"] == pytest.approx(error.mean(), rel=1e-5)
    assert result["weighted_mae"] == pytest.approx(np.average(error, weights=W), rel=1e-5)


def test_validation_split_keeps_the_validation_sample_weights():
    weights = W.copy()
    weights[48:56] = 0.0  # half of the validation rows count for nothing
    model = dropout_batchnorm_model(weighted_metrics=["mae"])
    history = model.fit(
        X, Y, sample_weight=weights, validation_split=0.25, epochs=1, batch_size=16, verbose=0
    )
    # Keras validates on the last 25% of the rows, before any shuffling, with their weights
    expected = model.evaluate(
        X[48:], Y[48:], sample_weight=weights[48:], batch_size=16, verbose=0, return_dict=True
    )
    assert history.history["val_loss"][0] == pytest.approx(expected["loss"], rel=1e-6)
    assert history.history["val_mae"][0] == pytest.approx(expected["mae"], rel=1e-6)
    unweighted = model.evaluate(X[48:], Y[48:], batch_size=16, verbose=0)
    assert history.history["val_loss"][0] != pytest.approx(unweighted, rel=1e-3)
