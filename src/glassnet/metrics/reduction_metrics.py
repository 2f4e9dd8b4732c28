"""Sum, Mean and MeanMetricWrapper: the metrics that accumulate per-sample values.

Values are first reduced to one per sample (Keras's rule): with sample weights of rank k, the
values are averaged (Sum: summed) over their axes past k, multiplied by the weights, and then,
like the weights, reduced over every axis but the first.
"""

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.losses import squeeze_or_expand_to_same_rank
from glassnet.metrics.metric import Metric, to_array


def reduce_to_samplewise_values(values, sample_weight, reduce_fn):
    """(per-sample values, per-sample weights or None) for Sum and Mean.

    Args:
        values: array of values, first axis the batch.
        sample_weight: None or weights broadcastable to the values.
        reduce_fn: ``np.mean`` (Mean) or ``np.sum`` (Sum), applied over the trailing axes.

    Returns:
        (values, weights) as float64 arrays.

    Example:

    >>> import numpy as np
    >>> values, weights = reduce_to_samplewise_values(
    ...     np.array([[1.0, 3.0], [2.0, 2.0]]), np.array([1.0, 0.5]), np.mean
    ... )
    >>> values.tolist(), weights.tolist()
    ([2.0, 1.0], [1.0, 0.5])
    """
    values = to_array(values).astype(np.float64)
    weights = None
    if sample_weight is not None:
        weights = to_array(sample_weight).astype(np.float64)
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        if values.ndim > weights.ndim:
            values = reduce_fn(values, axis=tuple(range(weights.ndim, values.ndim)))
        weights = np.broadcast_to(weights, values.shape)
        values = values * weights
        if weights.ndim > 1:
            weights = reduce_fn(weights, axis=tuple(range(1, weights.ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, weights


class Sum(Metric):
    """The (weighted) sum of every value given to ``update_state(values, sample_weight)``.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> total = metrics.Sum()
    >>> total.update_state([1.0, 3.0, 5.0], sample_weight=[1.0, 0.0, 1.0])
    >>> total.result()
    6.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype="float64", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, np.sum)
        self.total.assign_add(values.sum())

    def result(self):
        return float(self.total.data)


class Mean(Metric):
    """The (weighted) mean of the values given to ``update_state(values, sample_weight)``:
    total / count, where count is the number of samples (or the sum of their weights).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> mean = metrics.Mean()
    >>> mean.update_state([1.0, 3.0, 5.0], sample_weight=[1.0, 0.0, 1.0])
    >>> mean.result()
    3.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype="float64", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype="float64", name="count")

    def update_state(self, values, sample_weight=None):
        values, weights = reduce_to_samplewise_values(values, sample_weight, np.mean)
        self.total.assign_add(values.sum())
        if weights is not None:
            self.count.assign_add(weights.sum())
        else:
            self.count.assign_add(values.shape[0] if values.ndim else 1)

    def add(self, value, weight=1.0):
        """``update_state([value], [weight])`` for one number, without building arrays (the
        training loop's running loss, once per step)."""
        # item arithmetic on the 0-d arrays: a fraction of the cost of an in-place ufunc
        self.total.data[()] += float(value) * weight
        self.count.data[()] += weight

    def result(self):
        count = float(self.count.data)
        return float(self.total.data) / count if count else 0.0


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` (per-sample values) over everything seen.

    Args:
        fn: a function of (y_true, y_pred) giving one value per sample; glassnet's metric and
            loss functions, or your own (on arrays or Tensors).
        name: the metric's name (default: the function's name).
        dtype: the metric's dtype.
        **kwargs: passed to ``fn``.

    Example:

    >>> import numpy as np
    >>> from glassnet import metrics
    >>> def absolute_error(y_true, y_pred):
    ...     return np.abs(y_true - y_pred).mean(axis=-1)
    >>> metric = metrics.MeanMetricWrapper(absolute_error)
    >>> metric.update_state(np.array([[1.0], [2.0]]), np.array([[1.5], [4.0]]))
    >>> metric.result()
    1.25
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "mean_metric_wrapper"), dtype=dtype)
        self.fn, self.fn_kwargs = fn, kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        with no_grad():  # loss functions run on Tensors; a metric never needs their graph
            values = self.fn(to_array(y_true), to_array(y_pred), **self.fn_kwargs)
        super().update_state(to_array(values), sample_weight)

    def get_config(self):
        config = {**super().get_config(), **self.fn_kwargs}
        if type(self) is MeanMetricWrapper:
            config["fn"] = getattr(self.fn, "__name__", str(self.fn))
        return config
