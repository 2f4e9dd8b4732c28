"""Regression metrics: error means (the losses of the same names), cosine similarity, and the
coefficient of determination R2 from streamed sums."""

import warnings

import numpy as np

from glassnet import losses
from glassnet.losses import squeeze_or_expand_to_same_rank
from glassnet.metrics.metric import Metric, to_array
from glassnet.metrics.reduction_metrics import Mean, MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """Mean of squared errors (``losses.mean_squared_error``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.MeanSquaredError()([[1.0], [2.0]], [[2.0], [4.0]])
    2.5
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of absolute errors (``losses.mean_absolute_error``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.MeanAbsoluteError()([[1.0], [2.0]], [[2.0], [4.0]])
    1.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean absolute percentage error (``losses.mean_absolute_percentage_error``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.MeanAbsolutePercentageError()([[2.0], [4.0]], [[1.0], [5.0]])
    37.5
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean squared logarithmic error (``losses.mean_squared_logarithmic_error``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> import math
    >>> from glassnet import metrics
    >>> round(metrics.MeanSquaredLogarithmicError()([[0.0]], [[math.e - 1]]), 5)
    1.0
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """Square root of the mean of squared errors over every entry seen.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.RootMeanSquaredError()([[1.0], [2.0]], [[2.0], [5.0]])
    2.23606797749979
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = squeeze_or_expand_to_same_rank(to_array(y_true), to_array(y_pred))
        super().update_state(np.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))


def cosine_similarity(y_true, y_pred, axis=-1):
    """The cosine of the angle between y_true and y_pred along ``axis`` (1 is best).

    Args:
        y_true: the targets.
        y_pred: the predictions, of the same shape.
        axis: the axis along which the cosine is taken (the last by default).

    Example:

    >>> from glassnet import metrics
    >>> metrics.regression_metrics.cosine_similarity([[1.0, 0.0]], [[1.0, 1.0]]).round(6).tolist()
    [0.707107]
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(
        to_array(y_true).astype(np.float64), to_array(y_pred).astype(np.float64)
    )

    def unit(x):  # zero vectors stay zero, as Keras's normalize leaves them
        norm = np.linalg.norm(x, axis=axis, keepdims=True)
        return x / np.where(norm == 0, 1.0, norm)

    return np.sum(unit(y_true) * unit(y_pred), axis=axis)


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions along ``axis``.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.
        axis: the axis the cosine is taken along.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]), 6)
    0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """Mean of log(cosh(error)) (``losses.log_cosh``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.LogCoshError()([[0.0]], [[1.0]]), 6)
    0.433781
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class R2Score(Metric):
    """Coefficient of determination, 1 - residual sum of squares / total sum of squares,
    from sums streamed over the batches (weighted by ``sample_weight``).

    Args:
        class_aggregation: how the per-output scores combine: "uniform_average" (their mean),
            "variance_weighted_average" (weighted by each output's variance) or None (one score
            per output).
        num_regressors: when > 0, the adjusted R2 for a model with that many regressors.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> r2 = metrics.R2Score()
    >>> round(r2([[1.0], [2.0], [3.0]], [[1.0], [2.0], [2.0]]), 4)  # 1 - 1/2
    0.5
    """

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(
                f"R2Score: class_aggregation must be None, 'uniform_average' or "
                f"'variance_weighted_average', got {class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be >= 0, got {num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(
            shape=(), initializer="zeros", dtype="float64", name="num_samples"
        )
        self._built = False

    def _build(self, outputs):
        def zeros(name):
            return self.add_variable(
                shape=(outputs,), initializer="zeros", dtype="float64", name=name
            )

        self.squared_sum = zeros("squared_sum")
        self.sum = zeros("sum")
        self.total_mse = zeros("residual")
        self.count = zeros("count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = squeeze_or_expand_to_same_rank(
            to_array(y_true).astype(np.float64), to_array(y_pred).astype(np.float64)
        )
        if y_true.ndim != 2 or y_pred.ndim != 2:
            raise ValueError(
                f"R2Score '{self.name}': expects 2D inputs (batch_size, output_dim), got "
                f"y_true {y_true.shape} and y_pred {y_pred.shape}"
            )
        if not self._built:
            self._build(y_pred.shape[-1])
        weight = np.ones(()) if sample_weight is None else to_array(sample_weight)
        weight = weight.astype(np.float64)
        if weight.ndim == 1:
            weight = weight[:, None]
        weight = np.broadcast_to(weight, y_true.shape)
        self.sum.assign_add(np.sum(y_true * weight, axis=0))
        self.squared_sum.assign_add(np.sum(y_true * y_true * weight, axis=0))
        self.total_mse.assign_add(np.sum((y_true - y_pred) ** 2 * weight, axis=0))
        self.count.assign_add(np.sum(weight, axis=0))
        self.num_samples.assign_add(y_true.size)  # Keras counts entries, not rows

    def result(self):
        if not self._built:
            return 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum.data / self.count.data
            total = self.squared_sum.data - self.sum.data * mean
            raw_scores = 1 - self.total_mse.data / total
        raw_scores = np.where(np.isinf(raw_scores), 0.0, raw_scores)
        if self.class_aggregation == "uniform_average":
            score = np.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = np.sum(total * raw_scores) / np.sum(total)
        else:
            score = raw_scores
        samples = float(self.num_samples.data)
        if self.num_regressors:
            if self.num_regressors >= samples - 1:
                warnings.warn(
                    f"R2Score '{self.name}': {self.num_regressors} regressors for {samples:g} "
                    "samples: the adjusted R2 is undefined, giving the plain R2",
                    stacklevel=2,
                )
            else:
                score = 1 - (1 - score) * (samples - 1) / (samples - self.num_regressors - 1)
        return float(score) if np.ndim(score) == 0 else score

    def get_config(self):
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
