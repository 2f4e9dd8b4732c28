"""Metrics from confusion counts at thresholds: true/false positives/negatives, precision,
recall, the sensitivity/specificity trade-offs and the area under the ROC or PR curve.

Every count is a weighted sum over all predictions seen: a prediction p counts as positive at
threshold t when p > t, and a label is positive when it is non-zero. Streaming is exact: the
counts of several batches add up to the counts of their concatenation.
"""

import numpy as np

from glassnet.backend import epsilon
from glassnet.losses import squeeze_or_expand_to_same_rank
from glassnet.metrics.metric import Metric, to_array

NEG_INF = -1e10  # the score given to predictions outside the top k (below every threshold)


def parse_thresholds(thresholds, default):
    """A list of floats from a threshold or a list of them, each checked to lie in [0, 1].

    Args:
        thresholds: a float, a sequence of floats, or None.
        default: the single threshold used when ``thresholds`` is None.

    Example:

    >>> parse_thresholds(0.3, default=0.5), parse_thresholds(None, default=0.5)
    ([0.3], [0.5])
    """
    if thresholds is None:
        return [default]
    values = [float(t) for t in np.atleast_1d(np.asarray(thresholds, dtype=np.float64))]
    outside = [t for t in values if not 0 <= t <= 1]
    if outside:
        raise ValueError(f"thresholds must lie in [0, 1], got {outside}")
    return values


def evenly_spaced(thresholds):
    """Whether thresholds are i / (n - 1) for i = 0..n-1 (n >= 3), as Keras tests it.

    Args:
        thresholds: a sequence of floats.

    Example:

    >>> evenly_spaced([0.0, 0.5, 1.0]), evenly_spaced([0.0, 0.4, 1.0])
    (True, False)
    """
    count = len(thresholds)
    if count < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(count) / (count - 1), atol=epsilon()))


def divide_no_nan(numerator, denominator):
    """numerator / denominator, 0 where the denominator is 0.

    Args:
        numerator: numbers or an array.
        denominator: numbers or an array, broadcastable against the numerator.

    Example:

    >>> divide_no_nan([1, 2], [2, 0])
    array([0.5, 0. ])
    """
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)


def _keep_top_k(scores, k):
    # scores outside each row's k largest drop below every threshold
    top = np.argsort(-scores, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(scores.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, scores, NEG_INF)


def confusion_counts(
    y_true,
    y_pred,
    thresholds,
    sample_weight=None,
    top_k=None,
    class_id=None,
    multi_label=False,
    label_weights=None,
    clip_predictions=False,
):
    """Weighted true/false positive/negative counts of one batch at each threshold.

    Args:
        y_true: labels (non-zero means positive), shape like y_pred.
        y_pred: scores, usually probabilities.
        thresholds: sequence of floats.
        sample_weight: None, or weights broadcastable to y_pred (one per sample, or per entry).
        top_k: only each row's k largest scores can be positive.
        class_id: only this column of (batch, classes) inputs counts.
        multi_label: keep the last axis of (batch, labels) inputs apart (counts per label).
        label_weights: per-column weights (not with multi_label).
        clip_predictions: clip scores to [0, 1] first (Keras does, for evenly spaced thresholds).

    Returns:
        dict "tp", "fp", "tn", "fn" -> float64 arrays (thresholds,), or (thresholds, labels)
        with multi_label.

    Example:

    >>> counts = confusion_counts([1, 0, 1], [0.8, 0.6, 0.3], thresholds=[0.5])
    >>> {key: counts[key].tolist() for key in ("tp", "fp", "tn", "fn")}
    {'tp': [1.0], 'fp': [1.0], 'tn': [0.0], 'fn': [1.0]}
    """
    y_pred = to_array(y_pred).astype(np.float64)
    y_true = to_array(y_true)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    weight = None
    if sample_weight is not None:
        weight = np.expand_dims(to_array(sample_weight).astype(np.float64), -1)
        _, weight = squeeze_or_expand_to_same_rank(y_true, weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _keep_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                f"class_id={class_id} needs (num_samples, num_classes) predictions, got shape "
                f"{y_pred.shape}"
            )
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        if weight is not None and weight.ndim == y_pred.ndim and weight.shape[-1] > 1:
            weight = weight[..., class_id, None]
    if clip_predictions:
        y_pred = np.clip(y_pred, 0.0, 1.0)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"labels of shape {y_true.shape} do not match predictions of shape {y_pred.shape}"
        )
    positive = y_true.astype(bool)
    weights = np.ones(y_pred.shape)
    if weight is not None:
        weights = weights * np.broadcast_to(weight, y_pred.shape)
    if label_weights is not None:
        weights = weights * np.broadcast_to(np.asarray(label_weights, np.float64), y_pred.shape)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    positive_weights, negative_weights = weights * positive, weights * ~positive
    if multi_label:  # (thresholds, samples, labels) comparisons, summed over the samples
        above = y_pred[None] > thresholds[:, None, None]
        tp = np.einsum("tnl,nl->tl", above, positive_weights)
        fp = np.einsum("tnl,nl->tl", above, negative_weights)
        all_positive, all_negative = positive_weights.sum(0), negative_weights.sum(0)
    else:  # every entry is one prediction
        above = y_pred.reshape(1, -1) > thresholds[:, None]
        tp = above @ positive_weights.reshape(-1)
        fp = above @ negative_weights.reshape(-1)
        all_positive, all_negative = positive_weights.sum(), negative_weights.sum()
    return {"tp": tp, "fp": fp, "fn": all_positive - tp, "tn": all_negative - fp}


class _ConfusionMatrixConditionCount(Metric):
    """One confusion count ("tp", "fp", "tn" or "fn") at each threshold."""

    def __init__(self, condition, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._condition = condition
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, 0.5)
        self._evenly_spaced = evenly_spaced(self.thresholds)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", dtype="float64", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
            clip_predictions=self._evenly_spaced,
        )
        self.accumulator.assign_add(counts[self._condition])

    def result(self):
        values = self.accumulator.data
        return float(values[0]) if len(self.thresholds) == 1 else values.copy()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted positive (score > threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5); with a list the
            result has one count per threshold.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.TruePositives()([0, 1, 1, 1], [1, 0, 1, 1])
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("tp", thresholds, name=name, dtype=dtype)


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted positive (score > threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.FalsePositives()([0, 1, 0, 0], [0, 0, 1, 1])
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("fp", thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of negative labels predicted negative (score <= threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0])
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("tn", thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted negative (score <= threshold).

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5).
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0])
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__("fn", thresholds, name=name, dtype=dtype)


class _PrecisionOrRecall(Metric):
    """TP over TP + ``other`` ("fp": precision, "fn": recall) at each threshold."""

    def __init__(self, other, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._other = other
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        self._evenly_spaced = evenly_spaced(self.thresholds)
        count = len(self.thresholds)
        self.true_positives = self.add_variable(
            shape=(count,), initializer="zeros", dtype="float64", name="true_positives"
        )
        other_name = "false_positives" if other == "fp" else "false_negatives"
        setattr(
            self,
            other_name,
            self.add_variable(
                shape=(count,), initializer="zeros", dtype="float64", name=other_name
            ),
        )
        self._other_variable = getattr(self, other_name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
            top_k=self.top_k,
            class_id=self.class_id,
            clip_predictions=self._evenly_spaced,
        )
        self.true_positives.assign_add(counts["tp"])
        self._other_variable.assign_add(counts[self._other])

    def result(self):
        tp = self.true_positives.data
        value = divide_no_nan(tp, tp + self._other_variable.data)
        return float(value[0]) if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionOrRecall):
    """TP / (TP + FP): the share of positive predictions that are right.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5; with ``top_k`` every
            top-k prediction counts).
        top_k: only each row's k largest scores count as positive.
        class_id: compute for this column of (batch, classes) inputs only.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.Precision()([0, 1, 1, 1], [1, 0, 1, 1])
    0.6666666666666666
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__("fp", thresholds, top_k, class_id, name=name or "precision", dtype=dtype)


class Recall(_PrecisionOrRecall):
    """TP / (TP + FN): the share of positive labels that are found.

    Args:
        thresholds: a float or a list of floats in [0, 1] (default 0.5; with ``top_k`` every
            top-k prediction counts).
        top_k: only each row's k largest scores count as positive.
        class_id: compute for this column of (batch, classes) inputs only.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.Recall()([0, 1, 1, 1], [1, 0, 1, 1])
    0.6666666666666666
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__("fn", thresholds, top_k, class_id, name=name or "recall", dtype=dtype)


class _SensitivitySpecificityBase(Metric):
    """All four counts at ``num_thresholds`` evenly spaced thresholds in [0, 1]; subclasses
    pick the best value of one rate where another meets ``value``."""

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if num_thresholds <= 0:
            raise ValueError(
                f"{type(self).__name__}: num_thresholds must be an integer > 0, got "
                f"{num_thresholds}"
            )
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds, self._evenly_spaced = [0.5], False
        else:
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds, self._evenly_spaced = [0.0] + inner + [1.0], True
        for variable in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(
                self,
                variable,
                self.add_variable(
                    shape=(len(self.thresholds),),
                    initializer="zeros",
                    dtype="float64",
                    name=variable,
                ),
            )

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
            class_id=self.class_id,
            clip_predictions=self._evenly_spaced,
        )
        self.true_positives.assign_add(counts["tp"])
        self.false_positives.assign_add(counts["fp"])
        self.true_negatives.assign_add(counts["tn"])
        self.false_negatives.assign_add(counts["fn"])

    def _rates(self):
        tp, fp = self.true_positives.data, self.false_positives.data
        tn, fn = self.true_negatives.data, self.false_negatives.data
        return {
            "sensitivity": divide_no_nan(tp, tp + fn),  # = recall
            "specificity": divide_no_nan(tn, tn + fp),
            "precision": divide_no_nan(tp, tp + fp),
        }

    def _best_where_at_least(self, constrained, dependent):
        # the largest value of `dependent` over thresholds where `constrained` >= self.value
        feasible = constrained >= self.value
        return float(np.max(np.where(feasible, dependent, 0.0), initial=0.0))

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}


class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    """The best sensitivity (recall) over thresholds whose specificity is >= ``specificity``.

    Args:
        specificity: in [0, 1].
        num_thresholds: how many evenly spaced thresholds in [0, 1] are tried.
        class_id: compute for this column of (batch, classes) inputs only.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.SensitivityAtSpecificity(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    0.5
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= specificity <= 1:
            raise ValueError(
                f"SensitivityAtSpecificity: specificity must lie in [0, 1], got {specificity}"
            )
        self.specificity, self.num_thresholds = specificity, num_thresholds
        super().__init__(specificity, num_thresholds, class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "specificity": self.specificity,
        }


class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    """The best specificity over thresholds whose sensitivity is >= ``sensitivity``.

    Args:
        sensitivity: in [0, 1].
        num_thresholds: how many evenly spaced thresholds in [0, 1] are tried.
        class_id: compute for this column of (batch, classes) inputs only.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.SpecificityAtSensitivity(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    0.6666666666666666
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= sensitivity <= 1:
            raise ValueError(
                f"SpecificityAtSensitivity: sensitivity must lie in [0, 1], got {sensitivity}"
            )
        self.sensitivity, self.num_thresholds = sensitivity, num_thresholds
        super().__init__(sensitivity, num_thresholds, class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "sensitivity": self.sensitivity,
        }


class PrecisionAtRecall(_SensitivitySpecificityBase):
    """The best precision over thresholds whose recall is >= ``recall``.

    Args:
        recall: in [0, 1].
        num_thresholds: how many evenly spaced thresholds in [0, 1] are tried.
        class_id: compute for this column of (batch, classes) inputs only.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.PrecisionAtRecall(0.5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    0.5
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= recall <= 1:
            raise ValueError(f"PrecisionAtRecall: recall must lie in [0, 1], got {recall}")
        self.recall, self.num_thresholds = recall, num_thresholds
        super().__init__(recall, num_thresholds, class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["sensitivity"], rates["precision"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "recall": self.recall,
        }


class RecallAtPrecision(_SensitivitySpecificityBase):
    """The best recall over thresholds whose precision is >= ``precision``.

    Args:
        precision: in [0, 1].
        num_thresholds: how many evenly spaced thresholds in [0, 1] are tried.
        class_id: compute for this column of (batch, classes) inputs only.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.RecallAtPrecision(0.8)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    0.5
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= precision <= 1:
            raise ValueError(f"RecallAtPrecision: precision must lie in [0, 1], got {precision}")
        self.precision, self.num_thresholds = precision, num_thresholds
        super().__init__(precision, num_thresholds, class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._best_where_at_least(rates["precision"], rates["sensitivity"])

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "precision": self.precision,
        }


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, by a Riemann sum over the confusion
    counts at ``num_thresholds`` thresholds.

    Args:
        num_thresholds: how many thresholds (evenly spaced in [0, 1], plus one just below 0
            and one just above 1).
        curve: "ROC" (true positive rate against false positive rate), "PR" (precision
            against recall) or "PRGAIN" (precision gain against recall gain).
        summation_method: "interpolation" (trapezoids; for PR, Davis & Goadrich's
            interpolation), "minoring" (the lower of the two heights) or "majoring" (the
            higher).
        name: the metric's name.
        dtype: the metric's dtype.
        thresholds: explicit thresholds in [0, 1] instead of evenly spaced ones.
        multi_label: treat the last axis of (batch, labels) inputs as separate binary problems
            and average their AUCs (else every entry is one prediction of one problem).
        num_labels: the number of labels, when known in advance (multi_label only).
        label_weights: per-label weights: of the averaged AUCs with multi_label, else of the
            entries of each column.
        from_logits: whether predictions are logits (a sigmoid is applied first).

    Example:

    >>> from glassnet import metrics
    >>> metrics.AUC(num_thresholds=3)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    0.75
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        super().__init__(name=name or "auc", dtype=dtype)
        if str(curve).lower() not in _CURVES:
            raise ValueError(f"AUC: curve must be 'ROC', 'PR' or 'PRGAIN', got {curve!r}")
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(
                f"AUC: summation_method must be one of {list(_SUMMATIONS)}, got "
                f"{summation_method!r}"
            )
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._evenly_spaced = evenly_spaced([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"AUC: num_thresholds must be an integer > 1, got {num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly_spaced = True
        # just outside [0, 1] at the ends, so scores of exactly 0 and 1 fall inside the curve
        self._thresholds = np.array([0.0 - epsilon()] + inner + [1.0 + epsilon()])
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else np.asarray(label_weights, dtype=np.float64)
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build(num_labels)
        else:
            if num_labels:
                raise ValueError("AUC: num_labels is only needed when multi_label=True")
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, including the two just outside [0, 1]."""
        return list(self._thresholds)

    def _build(self, num_labels):
        shape = (self.num_thresholds, num_labels) if self.multi_label else (self.num_thresholds,)
        for variable in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(
                self,
                variable,
                self.add_variable(shape=shape, initializer="zeros", dtype="float64", name=variable),
            )
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = to_array(y_pred).astype(np.float64)
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(
                    f"AUC '{self.name}': multi_label needs (batch, labels) predictions, got "
                    f"shape {y_pred.shape}"
                )
            self._build(y_pred.shape[1])
        if self._from_logits:
            y_pred = 0.5 * (1.0 + np.tanh(0.5 * y_pred))  # the sigmoid, without overflow
        counts = confusion_counts(
            y_true,
            y_pred,
            self._thresholds,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            clip_predictions=self._evenly_spaced,
        )
        self.true_positives.assign_add(counts["tp"])
        self.false_positives.assign_add(counts["fp"])
        self.true_negatives.assign_add(counts["tn"])
        self.false_negatives.assign_add(counts["fn"])

    def _average_labels(self, per_label):
        if self.label_weights is None:
            return float(np.mean(per_label))
        return float(
            divide_no_nan(np.sum(per_label * self.label_weights), self.label_weights.sum())
        )

    def interpolate_pr_auc(self):
        """Area under the PR curve, interpolating precision between thresholds as Davis &
        Goadrich (2006) do: along each segment TP grows linearly with the predicted positives
        P = TP + FP, so precision = slope + intercept / P and the area has a closed form."""
        tp, fp, fn = self.true_positives.data, self.false_positives.data, self.false_negatives.data
        predicted = tp + fp
        delta_tp = tp[:-1] - tp[1:]
        delta_predicted = predicted[:-1] - predicted[1:]
        slope = divide_no_nan(delta_tp, np.maximum(delta_predicted, 0))
        intercept = tp[1:] - slope * predicted[1:]
        both_positive = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = np.where(
            both_positive,
            divide_no_nan(predicted[:-1], np.maximum(predicted[1:], 0)),
            1.0,
        )
        with np.errstate(divide="ignore"):
            log_ratio = np.log(ratio)
        increments = divide_no_nan(
            slope * (delta_tp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0)
        )
        if self.multi_label:
            return self._average_labels(np.sum(increments, axis=0))
        return float(np.sum(increments))

    def result(self):
        if not self._built:
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives.data, self.false_positives.data
        tn, fn = self.true_negatives.data, self.false_negatives.data
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # precision-recall gain (Flach & Kull, 2015)
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = np.where(tp == 0, 0.0, 1.0 - scale * divide_no_nan(fn, tp))
            precision_gain = np.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
            x, y = np.maximum(recall_gain, 0.0), precision_gain
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        areas = (x[:-1] - x[1:]) * heights  # thresholds ascend, so x descends
        if self.multi_label:
            return self._average_labels(np.sum(areas, axis=0))
        return float(np.sum(areas))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
