"""Metrics that average a probabilistic loss over everything seen: cross-entropies, KL
divergence, Poisson. Each is the loss function of the same name in ``glassnet.losses``."""

from glassnet import losses
from glassnet.metrics.reduction_metrics import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """Mean Kullback-Leibler divergence (``losses.kl_divergence``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]]), 6)
    0.143841
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Mean Poisson loss (``losses.poisson``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.Poisson()([[1.0], [0.0]], [[1.0], [2.0]]), 6)
    1.5
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy (``losses.binary_crossentropy``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.
        from_logits: whether y_pred are logits.
        label_smoothing: in [0, 1].

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.BinaryCrossentropy()([[1.0], [0.0]], [[0.8], [0.2]]), 4)
    0.2231
    """

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            losses.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy (``losses.categorical_crossentropy``), one-hot labels.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.
        from_logits: whether y_pred are logits.
        label_smoothing: in [0, 1].
        axis: the class axis.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.CategoricalCrossentropy()([[0, 1.0]], [[0.5, 0.5]]), 4)
    0.6931
    """

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            losses.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean cross-entropy for integer labels (``losses.sparse_categorical_crossentropy``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.
        from_logits: whether y_pred are logits.
        axis: the class axis.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.SparseCategoricalCrossentropy()([1], [[0.5, 0.5]]), 4)
    0.6931
    """

    def __init__(
        self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, axis=-1
    ):
        super().__init__(
            losses.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            axis=axis,
        )
