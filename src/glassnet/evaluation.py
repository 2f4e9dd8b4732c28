"""Evaluating a classifier: accuracy, per-class and averaged precision/recall/F1, the confusion
matrix and a printable report, computed by scikit-learn's metrics.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="sigmoid",
...                           kernel_initializer="ones", bias_initializer="zeros")])
>>> report = classification_report(model, np.array([[-1.0], [2.0], [3.0]]), np.array([0, 1, 0]))
>>> report.accuracy, report.confusion_matrix.tolist()
(0.666..., [[1, 1], [0, 1]])
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class EvaluationReport:
    """What ``classification_report`` found: the scores, per class and averaged.

    Printing it shows scikit-learn's text report followed by the confusion matrix.

    Args:
        accuracy: the fraction of samples classified correctly.
        precision: per-class precision, (classes,).
        recall: per-class recall, (classes,).
        f1: per-class F1 score, (classes,).
        support: how many samples of each class there are, (classes,).
        macro: {"precision", "recall", "f1"} averaged over classes.
        weighted: the same, each class weighted by its support.
        confusion_matrix: (classes, classes) counts; rows the true class, columns the predicted.
        class_names: one name per class.
        text: scikit-learn's printable report.

    Example:

    >>> import numpy as np
    >>> report = EvaluationReport(
    ...     accuracy=1.0, precision=np.ones(2), recall=np.ones(2), f1=np.ones(2),
    ...     support=np.array([1, 1]), macro={}, weighted={},
    ...     confusion_matrix=np.eye(2, dtype=int), class_names=["no", "yes"], text="")
    >>> report.to_dict()["per_class"]["yes"]["support"]
    1
    """

    accuracy: float
    precision: np.ndarray  # per class
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray
    macro: dict  # {"precision", "recall", "f1"}
    weighted: dict
    confusion_matrix: np.ndarray  # rows: true class, columns: predicted class
    class_names: list
    text: str = field(repr=False)

    def __str__(self):
        width = max(len(name) for name in self.class_names)
        header = " " * (width + 2) + " ".join(f"{name[:6]:>6}" for name in self.class_names)
        rows = "\n".join(
            f"{name:>{width}}  " + " ".join(f"{count:>6d}" for count in row)
            for name, row in zip(self.class_names, self.confusion_matrix)
        )
        return f"{self.text}\nConfusion matrix (rows: true, columns: predicted)\n{header}\n{rows}"

    def to_dict(self):
        """The report as plain Python values (JSON-ready), scores per class by name.

        Returns:
            {"accuracy", "macro", "weighted", "per_class", "confusion_matrix"}.
        """
        return {
            "accuracy": self.accuracy,
            "macro": self.macro,
            "weighted": self.weighted,
            "per_class": {
                name: {
                    "precision": float(precision),
                    "recall": float(recall),
                    "f1": float(f1),
                    "support": int(support),
                }
                for name, precision, recall, f1, support in zip(
                    self.class_names, self.precision, self.recall, self.f1, self.support
                )
            },
            "confusion_matrix": self.confusion_matrix.tolist(),
        }


def predicted_classes(probabilities):
    """Class ids from a classifier's outputs.

    Args:
        probabilities: (n, classes) scores, whose argmax is taken, or (n,) / (n, 1)
            probabilities of class 1, thresholded at 0.5.

    Returns:
        (n,) int64 class ids.

    Example:

    >>> import numpy as np
    >>> predicted_classes(np.array([[0.2, 0.8], [0.9, 0.1]])).tolist()
    [1, 0]
    >>> predicted_classes(np.array([[0.3], [0.7]])).tolist()
    [0, 1]
    """
    probabilities = np.asarray(probabilities)
    if probabilities.ndim == 1 or probabilities.shape[-1] == 1:
        return (probabilities.reshape(len(probabilities)) > 0.5).astype(np.int64)
    return probabilities.argmax(axis=-1)


def true_classes(y):
    """Class ids from labels given as ids or one-hot rows.

    Args:
        y: (n,) or (n, 1) class ids, or (n, classes) one-hot (or probability) rows.

    Returns:
        (n,) class ids (int64 for id labels).

    Example:

    >>> import numpy as np
    >>> true_classes(np.array([[0, 1], [1, 0]])).tolist()
    [1, 0]
    >>> true_classes([[2], [0]]).tolist()
    [2, 0]
    """
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        return y.argmax(axis=-1)
    return y.reshape(len(y)).astype(np.int64)


def classification_report(model, x, y, class_names=None, batch_size=256):
    """Predict ``x`` with ``model`` and score the predictions against ``y``.

    Args:
        model: a classifier (softmax over classes, or one sigmoid unit).
        x: the inputs.
        y: the true labels, class ids or one-hot.
        class_names: one name per class (default: the class ids as text).
        batch_size: samples per prediction batch.

    Returns:
        An ``EvaluationReport``.

    Raises:
        ValueError: when fewer ``class_names`` are given than there are classes.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Softmax()])
    >>> x, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 0])
    >>> report = classification_report(model, x, y, class_names=["a", "b"])
    >>> report.accuracy, report.recall.tolist()
    (0.5, [0.5, 0.0])
    """
    y_true = true_classes(y)
    y_pred = predicted_classes(model.predict(x, batch_size=batch_size, verbose=0))
    n_classes = int(max(y_true.max(), y_pred.max()) + 1)
    if class_names is None:
        class_names = [str(i) for i in range(n_classes)]
    elif len(class_names) < n_classes:
        raise ValueError(
            f"classification_report: {len(class_names)} class names for {n_classes} classes"
        )
    labels = list(range(len(class_names)))
    from sklearn import metrics  # here, not at import: scikit-learn takes about 1 s to import

    precision, recall, f1, support = metrics.precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    averaged = {
        avg: dict(
            zip(
                ("precision", "recall", "f1"),
                metrics.precision_recall_fscore_support(
                    y_true, y_pred, labels=labels, average=avg, zero_division=0
                )[:3],
            )
        )
        for avg in ("macro", "weighted")
    }
    return EvaluationReport(
        accuracy=float(metrics.accuracy_score(y_true, y_pred)),
        precision=precision,
        recall=recall,
        f1=f1,
        support=support,
        macro={k: float(v) for k, v in averaged["macro"].items()},
        weighted={k: float(v) for k, v in averaged["weighted"].items()},
        confusion_matrix=metrics.confusion_matrix(y_true, y_pred, labels=labels),
        class_names=list(class_names),
        text=metrics.classification_report(
            y_true, y_pred, labels=labels, target_names=list(class_names), zero_division=0, digits=4
        ),
    )
