"""Metric objects: ``update_state(y_true, y_pred, sample_weight)`` per batch, ``result()`` at any time.

They need no gradients, so they compute in plain NumPy on the arrays.
"""

import numpy as np

from glassnet import ops
from glassnet.autograd.grad_mode import no_grad
from glassnet.utils.lookup import lookup, snake_case


def _array(x):
    return np.asarray(getattr(x, "data", x))


class Metric:
    def __init__(self, name=None, dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reset_state()

    def reset_state(self):
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name}

    def state(self):
        """The arrays whose elementwise sum over data shards gives the state of the whole data set."""
        raise NotImplementedError(f"{type(self).__name__} cannot be combined across processes")

    def set_state(self, arrays):
        raise NotImplementedError(f"{type(self).__name__} cannot be combined across processes")

    def __call__(self, y_true, y_pred, sample_weight=None):
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """Weighted mean of the values given to update_state(values, sample_weight)."""

    def reset_state(self):
        self.total, self.count = 0.0, 0.0

    def update_state(self, values, sample_weight=None):
        values = _array(values).astype(np.float64)
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += values.size
        else:
            weight = np.broadcast_to(
                _array(sample_weight).reshape(
                    _array(sample_weight).shape + (1,) * (values.ndim - _array(sample_weight).ndim)
                ),
                values.shape,
            )
            self.total += float((values * weight).sum())
            self.count += float(weight.sum())

    def add(self, value, weight=1.0):
        """update_state([value], [weight]) for one number, without building arrays (the training
        loop's running loss, once per step)."""
        self.total += float(value) * weight
        self.count += float(weight)

    def result(self):
        return self.total / self.count if self.count else 0.0

    def state(self):
        return [np.array([self.total, self.count])]

    def set_state(self, arrays):
        self.total, self.count = (float(v) for v in arrays[0])


class Sum(Metric):
    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values = _array(values)
        self.total += float(
            (values * (1 if sample_weight is None else _array(sample_weight))).sum()
        )

    def result(self):
        return self.total

    def state(self):
        return [np.array([self.total])]

    def set_state(self, arrays):
        self.total = float(arrays[0][0])


class MeanMetricWrapper(Mean):
    """Averages ``fn(y_true, y_pred)`` (per-sample values) over everything seen."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self.fn, self.fn_kwargs = fn, kwargs
        super().__init__(name=name or fn.__name__)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(
            self.fn(_array(y_true), _array(y_pred), **self.fn_kwargs), sample_weight
        )

    def get_config(self):
        return {"name": self.name, **self.fn_kwargs}


# -- per-sample functions on arrays ----------------------------------------------------------------
def _match_rank(y_true, y_pred):
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true[..., None]
    elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true


def accuracy(y_true, y_pred):
    y_true = _match_rank(_array(y_true), _array(y_pred))
    return (y_true == _array(y_pred)).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_pred = _array(y_pred)
    y_true = _match_rank(_array(y_true), y_pred)
    return np.mean(y_true == (y_pred > threshold), axis=-1).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    return (np.argmax(_array(y_true), axis=-1) == np.argmax(_array(y_pred), axis=-1)).astype(
        np.float32
    )


def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.ndim == y_pred.ndim:
        y_true = y_true[..., 0]
    return (y_true.astype(np.int64) == np.argmax(y_pred, axis=-1)).astype(np.float32)


def _in_top_k(labels, y_pred, k):
    # a label counts as hit if its score is among the k largest (ties broken by position, like argsort)
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    return np.any(top == labels[..., None], axis=-1).astype(np.float32)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    return _in_top_k(np.argmax(_array(y_true), axis=-1), _array(y_pred), k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.ndim == y_pred.ndim:
        y_true = y_true[..., 0]
    return _in_top_k(y_true.astype(np.int64), y_pred, k)


def _loss_values(fn):
    def values(y_true, y_pred, **kwargs):
        with no_grad():
            return fn(y_true, y_pred, **kwargs).data

    values.__name__ = fn.__name__
    return values


def _mse(y_true, y_pred):
    y_pred = _array(y_pred)
    return np.mean(np.square(y_pred - _match_rank(_array(y_true), y_pred)), axis=-1)


def _mae(y_true, y_pred):
    y_pred = _array(y_pred)
    return np.mean(np.abs(y_pred - _match_rank(_array(y_true), y_pred)), axis=-1)


# -- classes -----------------------------------------------------------------------------------------
class Accuracy(MeanMetricWrapper):
    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name)


class BinaryAccuracy(MeanMetricWrapper):
    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, k=k)


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(_mse, name=name)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(_mae, name=name)


class RootMeanSquaredError(Mean):
    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _array(y_pred)
        super().update_state(np.square(y_pred - _match_rank(_array(y_true), y_pred)), sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))


class BinaryCrossentropy(MeanMetricWrapper):
    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0.0
    ):
        from glassnet.losses import binary_crossentropy

        super().__init__(
            _loss_values(binary_crossentropy),
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    def __init__(
        self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0.0
    ):
        from glassnet.losses import categorical_crossentropy

        super().__init__(
            _loss_values(categorical_crossentropy),
            name=name,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False):
        super().__init__(
            _loss_values(ops.sparse_categorical_crossentropy), name=name, from_logits=from_logits
        )


class _Confusion(Metric):
    """Counts of true/false positives/negatives at one or more thresholds (binary problems)."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        self.thresholds = np.atleast_1d(0.5 if thresholds is None else thresholds).astype(
            np.float64
        )
        super().__init__(name=name)

    def reset_state(self):
        n = len(self.thresholds)
        self.tp, self.fp, self.tn, self.fn = (np.zeros(n) for _ in range(4))

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = _array(y_pred).astype(np.float64)
        y_true = _match_rank(_array(y_true), y_pred).astype(bool).reshape(-1)
        if y_true.size != y_pred.size:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': needs one probability per label (a binary problem), got "
                f"{y_true.size} labels and predictions of shape {y_pred.shape}; for several classes use accuracy metrics"
            )
        y_pred = y_pred.reshape(-1)
        weight = (
            np.ones_like(y_pred)
            if sample_weight is None
            else np.broadcast_to(
                _array(sample_weight).reshape(-1, *([1] * (_array(y_pred).ndim - 1))),
                _array(y_pred).shape,
            ).reshape(-1)
        )
        predicted = y_pred[None, :] > self.thresholds[:, None]  # (thresholds, samples)
        self.tp += (predicted & y_true) @ weight
        self.fp += (predicted & ~y_true) @ weight
        self.fn += (~predicted & y_true) @ weight
        self.tn += (~predicted & ~y_true) @ weight

    def state(self):
        return [self.tp, self.fp, self.tn, self.fn]

    def set_state(self, arrays):
        self.tp, self.fp, self.tn, self.fn = (np.array(a, dtype=np.float64) for a in arrays)

    def get_config(self):
        return {"name": self.name, "thresholds": self.thresholds.tolist()}


class Precision(_Confusion):
    """TP / (TP + FP) at the threshold (default 0.5)."""

    def __init__(self, thresholds=None, name="precision", dtype=None):
        super().__init__(thresholds, name)

    def result(self):
        value = self.tp / np.maximum(self.tp + self.fp, 1e-12)
        return float(value[0]) if value.size == 1 else value


class Recall(_Confusion):
    """TP / (TP + FN) at the threshold (default 0.5)."""

    def __init__(self, thresholds=None, name="recall", dtype=None):
        super().__init__(thresholds, name)

    def result(self):
        value = self.tp / np.maximum(self.tp + self.fn, 1e-12)
        return float(value[0]) if value.size == 1 else value


class AUC(_Confusion):
    """Area under the ROC (or precision-recall) curve, from counts at ``num_thresholds`` evenly spaced thresholds."""

    def __init__(self, num_thresholds=200, curve="ROC", name="auc", dtype=None):
        epsilon = 1e-7
        inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        self.curve, self.num_thresholds = curve.upper(), num_thresholds
        super().__init__([0.0 - epsilon] + inner + [1.0 + epsilon], name)

    def result(self):
        tpr = self.tp / np.maximum(self.tp + self.fn, 1e-12)
        if self.curve == "PR":
            precision = self.tp / np.maximum(self.tp + self.fp, 1e-12)
            return float(np.sum((tpr[:-1] - tpr[1:]) * (precision[:-1] + precision[1:]) / 2))
        fpr = self.fp / np.maximum(self.fp + self.tn, 1e-12)
        return float(
            np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2)
        )  # trapezoids, thresholds ascending

    def get_config(self):
        return {"name": self.name, "num_thresholds": self.num_thresholds, "curve": self.curve}


_BY_NAME = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "top_k_categorical_accuracy": TopKCategoricalAccuracy,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "root_mean_squared_error": RootMeanSquaredError,
    "rmse": RootMeanSquaredError,
    "precision": Precision,
    "recall": Recall,
    "auc": AUC,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}


def resolve_accuracy(name, y_true_shape, y_pred_shape):
    """'accuracy'/'acc' -> binary, sparse categorical or categorical accuracy, by Keras's rule on the shapes."""
    is_binary = y_pred_shape[-1] == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape[-1] == 1 and y_pred_shape[-1] > 1
    )
    if is_binary:
        return BinaryAccuracy(name=name)
    if is_sparse:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get(identifier):
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        cls = lookup("metric", identifier, {**_BY_NAME, "accuracy": None, "acc": None})
        if cls is None:
            raise ValueError(
                "'accuracy' is resolved from the shapes of labels and predictions: use resolve_accuracy"
            )
        metric = cls()
        metric.name = identifier  # the history key is the name the user wrote, as in Keras
        return metric
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        f"Could not interpret metric {identifier!r}: give a name, a Metric or a function (y_true, y_pred) -> values"
    )


def deserialize(config):
    """A Metric from {'class_name': ..., 'config': ...}, with the class taken from glassnet's metrics only."""
    classes = {cls.__name__: cls for cls in set(_BY_NAME.values()) | {Accuracy}}
    return lookup("metric", config["class_name"], classes)(**config.get("config", {}))
