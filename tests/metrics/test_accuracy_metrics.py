"""Accuracy at the decision threshold itself: Keras counts a probability equal to the threshold
as class 0 (``y_pred > threshold``), in the metric, the function and compile's "accuracy"
(issue 16: "binary accuracy at exactly 0.5")."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import metrics


def test_binary_accuracy_counts_exactly_the_threshold_as_zero():
    # Keras 3.15: BinaryAccuracy()([1, 0, 1, 0], [0.5, 0.5, 0.51, 0.49]) == 0.75
    assert metrics.BinaryAccuracy()([1, 0, 1, 0], [0.5, 0.5, 0.51, 0.49]) == pytest.approx(0.75)
    # Keras 3.15: binary_accuracy([1., 0.], [0.5, 0.5]) == [0., 1.]
    assert metrics.binary_accuracy([[1.0], [0.0]], [[0.5], [0.5]]).tolist() == [0.0, 1.0]
    assert metrics.BinaryAccuracy(threshold=0.7)([1, 0], [0.7, 0.7]) == pytest.approx(0.5)


def test_compiled_accuracy_of_a_sigmoid_that_says_one_half():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.zeros((3, 1), "float32"), np.zeros(1, "float32")])  # p = 0.5 exactly
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    y = np.array([1, 1, 1, 0], "float32")
    result = model.evaluate(np.ones((4, 3), "float32"), y, verbose=0, return_dict=True)
    assert result["accuracy"] == pytest.approx(0.25)  # only the label 0 is right
