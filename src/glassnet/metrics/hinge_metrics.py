"""Hinge metrics: the hinge losses of ``glassnet.losses`` averaged over everything seen."""

from glassnet import losses
from glassnet.metrics.reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """Mean hinge loss (``losses.hinge``); 0/1 labels count as -1/1.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.Hinge()([[1.0, 0.0]], [[0.5, -2.0]])
    0.25
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(losses.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Mean squared hinge loss (``losses.squared_hinge``).

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.SquaredHinge()([[1.0, 0.0]], [[0.5, -2.0]])
    0.125
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(losses.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Mean categorical hinge loss (``losses.categorical_hinge``), one-hot labels.

    Args:
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> metrics.CategoricalHinge()([[0.0, 1.0]], [[0.25, 0.75]])
    0.5
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(losses.categorical_hinge, name=name, dtype=dtype)
