"""Correlation metrics: per-sample correlations along an axis, averaged over everything seen
(Keras's definition: the correlation is taken within each sample, not across the batch)."""

import numpy as np

from glassnet.backend import epsilon
from glassnet.losses import squeeze_or_expand_to_same_rank
from glassnet.metrics.metric import to_array
from glassnet.metrics.reduction_metrics import MeanMetricWrapper


def _pair(y_true, y_pred):
    return squeeze_or_expand_to_same_rank(
        to_array(y_true).astype(np.float64), to_array(y_pred).astype(np.float64)
    )


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson's correlation coefficient between y_true and y_pred along ``axis``.

    Args:
        y_true: array (batch, ..., n).
        y_pred: array of the same shape.
        axis: the axis the correlation is taken along.

    Returns:
        array with ``axis`` removed.

    Example:

    >>> from glassnet import metrics
    >>> metrics.pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]]).round(6).tolist()
    [0.993399]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_centred = y_true - np.mean(y_true, axis=axis, keepdims=True)
    pred_centred = y_pred - np.mean(y_pred, axis=axis, keepdims=True)
    true_centred = true_centred / np.std(true_centred, axis=axis, keepdims=True)
    pred_centred = pred_centred / np.std(pred_centred, axis=axis, keepdims=True)
    return np.mean(true_centred * pred_centred, axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation along ``axis``: agreement of y_pred with y_true (1 only
    when they are equal), computed by Keras's formula (whose covariance term centres y_true on
    y_pred's mean).

    Args:
        y_true: array (batch, ..., n).
        y_pred: array of the same shape.
        axis: the axis the coefficient is taken along.

    Returns:
        array with ``axis`` removed.

    Example:

    >>> from glassnet import metrics
    >>> metrics.concordance_correlation([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]).round(6).tolist()
    [1.0]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = np.mean(y_true, axis=axis, keepdims=True)
    pred_mean = np.mean(y_pred, axis=axis, keepdims=True)
    true_var = np.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = np.var(y_pred - pred_mean, axis=axis, keepdims=True)
    covariance = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + np.square(true_mean - pred_mean)
    return np.mean(2 * covariance / (norm + epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """Mean over samples of Pearson's correlation along ``axis`` (``pearson_correlation``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.
        axis: the axis the correlation is taken along.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.PearsonCorrelation()([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]]), 6)
    0.993399
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(MeanMetricWrapper):
    """Mean over samples of the concordance correlation along ``axis``
    (``concordance_correlation``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.
        axis: the axis the coefficient is taken along.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.ConcordanceCorrelation()([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]), 6)
    1.0
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
