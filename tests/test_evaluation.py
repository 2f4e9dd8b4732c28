import numpy as np
from sklearn import metrics

import glassnet as keras
from glassnet.evaluation import classification_report


class Fixed:
    """A stand-in model that returns fixed probabilities."""

    def __init__(self, probabilities):
        self.probabilities = probabilities

    def predict(self, x, batch_size=None, verbose=0):
        return self.probabilities


def test_report_matches_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 50)
    probabilities = rng.random((50, 3))
    report = classification_report(
        Fixed(probabilities), None, keras.utils.to_categorical(y, 3), ["a", "b", "c"]
    )
    predicted = probabilities.argmax(1)
    assert report.accuracy == metrics.accuracy_score(y, predicted)
    np.testing.assert_array_equal(report.confusion_matrix, metrics.confusion_matrix(y, predicted))
    np.testing.assert_allclose(report.f1, metrics.f1_score(y, predicted, average=None))
    assert report.macro["recall"] == metrics.recall_score(y, predicted, average="macro")
    assert report.weighted["precision"] == metrics.precision_score(y, predicted, average="weighted")
    text = str(report)
    assert "precision" in text and "Confusion matrix" in text and "macro avg" in text
    assert report.to_dict()["per_class"]["b"]["support"] == int((y == 1).sum())


def test_binary_probabilities_use_threshold_half():
    report = classification_report(
        Fixed(np.array([[0.2], [0.7], [0.6]])), None, np.array([0, 1, 0])
    )
    assert report.accuracy == 2 / 3 and report.class_names == ["0", "1"]
