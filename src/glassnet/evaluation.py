"""Evaluating a classifier: accuracy, per-class and averaged precision/recall/F1, the confusion
matrix and a printable report, computed by scikit-learn's metrics."""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class EvaluationReport:
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
        width = max(len(n) for n in self.class_names)
        header = " " * (width + 2) + " ".join(f"{n[:6]:>6}" for n in self.class_names)
        rows = "\n".join(
            f"{name:>{width}}  " + " ".join(f"{v:>6d}" for v in row)
            for name, row in zip(self.class_names, self.confusion_matrix)
        )
        return f"{self.text}\nConfusion matrix (rows: true, columns: predicted)\n{header}\n{rows}"

    def to_dict(self):
        return {
            "accuracy": self.accuracy,
            "macro": self.macro,
            "weighted": self.weighted,
            "per_class": {
                n: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
                for n, p, r, f, s in zip(
                    self.class_names, self.precision, self.recall, self.f1, self.support
                )
            },
            "confusion_matrix": self.confusion_matrix.tolist(),
        }


def predicted_classes(probabilities):
    """Class ids from model outputs: argmax of several columns, threshold 0.5 for one."""
    probabilities = np.asarray(probabilities)
    if probabilities.ndim == 1 or probabilities.shape[-1] == 1:
        return (probabilities.reshape(len(probabilities)) > 0.5).astype(np.int64)
    return probabilities.argmax(axis=-1)


def true_classes(y):
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        return y.argmax(axis=-1)
    return y.reshape(len(y)).astype(np.int64)


def classification_report(model, x, y, class_names=None, batch_size=256):
    """Predict ``x`` with ``model`` and compare with ``y`` (class ids or one-hot)."""
    from sklearn import metrics

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
