"""Accuracy metrics: per-sample hit (1) or miss (0), averaged over everything seen."""

import numpy as np

from glassnet.losses import squeeze_or_expand_to_same_rank
from glassnet.metrics.metric import to_array
from glassnet.metrics.reduction_metrics import MeanMetricWrapper


def accuracy(y_true, y_pred):
    """1 where y_pred equals y_true exactly, else 0 (elementwise).

    Args:
        y_true: the labels, any shape.
        y_pred: the predicted values, of the same shape (or one more/less final axis of 1).

    Example:

    >>> from glassnet import metrics
    >>> metrics.accuracy_metrics.accuracy([1, 2, 3], [1, 2, 4]).tolist()
    [1.0, 1.0, 0.0]
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_array(y_true), to_array(y_pred))
    return (y_true == y_pred).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Share of the entries of the last axis where (y_pred > threshold) equals the 0/1 label.

    Args:
        y_true: 0/1 labels, (batch, ..., d).
        y_pred: predicted probabilities (or scores), of the same shape.
        threshold: predictions above it count as 1 (0.5 by default).

    Example:

    >>> from glassnet import metrics
    >>> metrics.binary_accuracy([[1], [0]], [[0.7], [0.6]]).tolist()
    [1.0, 0.0]
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(to_array(y_true), to_array(y_pred))
    return np.mean(y_true == (y_pred > threshold), axis=-1).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    """1 where the largest prediction is at the one-hot label's class, else 0.

    Args:
        y_true: one-hot labels, (batch, ..., classes).
        y_pred: scores per class, of the same shape.

    Example:

    >>> from glassnet import metrics
    >>> metrics.categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]).tolist()
    [1.0, 0.0]
    """
    hits = np.argmax(to_array(y_true), axis=-1) == np.argmax(to_array(y_pred), axis=-1)
    return hits.astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """1 where the largest prediction is at the integer label, else 0.

    Args:
        y_true: integer labels, (batch, ...) or (batch, ..., 1).
        y_pred: scores per class, (batch, ..., classes).

    Example:

    >>> from glassnet import metrics
    >>> metrics.sparse_categorical_accuracy([1, 1], [[0.2, 0.8], [0.3, 0.7]]).tolist()
    [1.0, 1.0]
    """
    y_true, y_pred = to_array(y_true), to_array(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return (y_true.astype(np.int64) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def _in_top_k(labels, y_pred, k):
    # a label is a hit if its score is among the k largest (ties broken by position)
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    return np.any(top == labels[..., None], axis=-1).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1 where the one-hot label's class is among the k largest predictions.

    Args:
        y_true: one-hot labels, (batch, classes).
        y_pred: scores per class, of the same shape.
        k: how many of the best classes count (5 by default).

    Example:

    >>> from glassnet import metrics
    >>> metrics.top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.3, 0.2]], k=2).tolist()
    [0.0]
    """
    return _in_top_k(np.argmax(to_array(y_true), axis=-1), to_array(y_pred), k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1 where the integer label is among the k largest predictions.

    Args:
        y_true: integer labels.
        y_pred: scores per class, or with ``from_sorted_ids`` the class ids already sorted by
            score (best first).
        k: how many of the best classes count.
        from_sorted_ids: y_pred holds sorted class ids rather than scores.

    Example:

    >>> from glassnet import metrics
    >>> metrics.sparse_top_k_categorical_accuracy([1], [[0.5, 0.3, 0.2]], k=2).tolist()
    [1.0]
    """
    y_true, y_pred = to_array(y_true), to_array(y_pred)
    if y_true.ndim == y_pred.ndim:
        y_true = y_true[..., 0]
    labels = y_true.astype(np.int64)
    if from_sorted_ids:
        return np.any(y_pred[..., :k] == labels[..., None], axis=-1).astype(np.float32)
    return _in_top_k(labels, y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) matches the 0/1 labels.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.
        threshold: the probability above which a prediction counts as 1.

    Example:

    >>> from glassnet import metrics
    >>> metrics.BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the largest prediction is the one-hot label's class.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the largest prediction is at the integer label.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the k largest predictions.

    Args:
        k: how many of the best classes count.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metric = metrics.TopKCategoricalAccuracy(k=1)
    >>> metric([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k largest predictions.

    Args:
        k: how many of the best classes count.
        name: the metric's name.
        dtype: the metric's dtype.
        from_sorted_ids: y_pred holds class ids sorted by score rather than the scores.

    Example:

    >>> from glassnet import metrics
    >>> metrics.SparseTopKCategoricalAccuracy(k=1)([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    0.5
    """

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )

    def get_config(self):
        config = super().get_config()
        if not config["from_sorted_ids"]:
            del config["from_sorted_ids"]
        return config
