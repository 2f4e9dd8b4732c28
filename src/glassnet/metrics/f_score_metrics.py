"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged."""

import numpy as np

from glassnet.backend import epsilon
from glassnet.metrics.metric import Metric, to_array


class FBetaScore(Metric):
    """F-beta score, (1 + beta^2) P R / (beta^2 P + R), for multi-class or multi-label
    problems with (batch, classes) one-hot (or multi-hot) labels.

    Args:
        average: None (one score per class), "micro" (from counts summed over the classes),
            "macro" (the mean of the per-class scores) or "weighted" (their mean weighted by
            each class's number of true instances).
        beta: a float > 0; recall counts beta times as much as precision.
        threshold: predictions above it count as positive; None: each row's largest
            prediction counts (ties all count).
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import metrics
    >>> f = metrics.FBetaScore(beta=2.0, threshold=0.5)
    >>> np.round(f([[1, 1, 0], [0, 1, 1]], [[0.9, 0.2, 0.1], [0.1, 0.8, 0.9]]), 4).tolist()
    [1.0, 0.5556, 1.0]
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                f"{type(self).__name__}: average must be None, 'micro', 'macro' or 'weighted', "
                f"got {average!r}"
            )
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"{type(self).__name__}: beta must be a float > 0, got {beta!r}")
        if threshold is not None and (not isinstance(threshold, float) or not 0 < threshold <= 1):
            raise ValueError(
                f"{type(self).__name__}: threshold must be a float in (0, 1], got {threshold!r}"
            )
        self.average, self.beta, self.threshold = average, beta, threshold
        self.axis = None if average == "micro" else 0  # what update_state sums over
        self._built = False

    def _build(self, num_classes):
        shape = () if self.average == "micro" else (num_classes,)
        for variable in (
            "true_positives",
            "false_positives",
            "false_negatives",
            "intermediate_weights",
        ):
            setattr(
                self,
                variable,
                self.add_variable(shape=shape, initializer="zeros", dtype="float64", name=variable),
            )
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = to_array(y_true).astype(np.float64)
        y_pred = to_array(y_pred).astype(np.float64)
        if y_true.ndim != 2 or y_pred.ndim != 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expects 2D inputs (batch_size, "
                f"output_dim), got y_true {y_true.shape} and y_pred {y_pred.shape}"
            )
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.threshold is None:
            row_max = np.max(y_pred, axis=-1, keepdims=True)
            predicted = (y_pred >= row_max) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(np.float64)
        weight = 1.0 if sample_weight is None else to_array(sample_weight).astype(np.float64)
        weight = np.reshape(weight, (-1, 1)) if np.ndim(weight) == 1 else weight

        def weighted_sum(values):
            return np.sum(values * weight, axis=self.axis)

        self.true_positives.assign_add(weighted_sum(predicted * y_true))
        self.false_positives.assign_add(weighted_sum(predicted * (1 - y_true)))
        self.false_negatives.assign_add(weighted_sum((1 - predicted) * y_true))
        self.intermediate_weights.assign_add(weighted_sum(y_true))

    def result(self):
        if not self._built:
            return 0.0
        tp, fp = self.true_positives.data, self.false_positives.data
        fn = self.false_negatives.data
        eps = epsilon()
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        beta_squared = self.beta**2
        score = (1 + beta_squared) * precision * recall / (beta_squared * precision + recall + eps)
        if self.average == "weighted":
            weights = self.intermediate_weights.data
            return float(np.sum(score * weights / (np.sum(weights) + eps)))
        if self.average is not None:
            return float(np.mean(score))
        return score

    def get_config(self):
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """F1 score, 2 P R / (P + R): FBetaScore with beta = 1.

    Args:
        average: None, "micro", "macro" or "weighted" (see FBetaScore).
        threshold: predictions above it count as positive; None: each row's largest counts.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> f1 = metrics.F1Score(average="macro", threshold=0.5)
    >>> round(f1([[1, 1, 0], [0, 1, 1]], [[0.9, 0.2, 0.1], [0.1, 0.8, 0.9]]), 4)
    0.8889
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
