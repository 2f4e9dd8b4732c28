"""Metrics with Keras's names: stateful objects fed batch by batch (``metrics.AUC()``), the
per-sample functions (``metrics.binary_accuracy``, and the losses Keras also exports here),
and the names ``compile(metrics=[...])`` accepts."""

from glassnet.backend.naming import lookup, snake_case
from glassnet.losses.losses import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from glassnet.metrics import (
    accuracy_metrics,
    confusion_metrics,
    correlation_metrics,
    f_score_metrics,
    hinge_metrics,
    iou_metrics,
    probabilistic_metrics,
    reduction_metrics,
    regression_metrics,
)
from glassnet.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from glassnet.metrics.confusion_metrics import (
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from glassnet.metrics.correlation_metrics import (
    ConcordanceCorrelation,
    PearsonCorrelation,
    concordance_correlation,
    pearson_correlation,
)
from glassnet.metrics.f_score_metrics import F1Score, FBetaScore
from glassnet.metrics.hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from glassnet.metrics.iou_metrics import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from glassnet.metrics.metric import Metric
from glassnet.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from glassnet.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from glassnet.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)

CLASSES = {
    cls.__name__: cls
    for cls in (
        Metric,
        Mean,
        Sum,
        MeanMetricWrapper,
        MeanSquaredError,
        RootMeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        CosineSimilarity,
        LogCoshError,
        R2Score,
        AUC,
        FalseNegatives,
        FalsePositives,
        Precision,
        PrecisionAtRecall,
        Recall,
        RecallAtPrecision,
        SensitivityAtSpecificity,
        SpecificityAtSensitivity,
        TrueNegatives,
        TruePositives,
        ConcordanceCorrelation,
        PearsonCorrelation,
        Hinge,
        SquaredHinge,
        CategoricalHinge,
        KLDivergence,
        Poisson,
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        Accuracy,
        BinaryAccuracy,
        CategoricalAccuracy,
        SparseCategoricalAccuracy,
        TopKCategoricalAccuracy,
        SparseTopKCategoricalAccuracy,
        F1Score,
        FBetaScore,
        IoU,
        BinaryIoU,
        MeanIoU,
        OneHotIoU,
        OneHotMeanIoU,
    )
}

FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        binary_accuracy,
        categorical_accuracy,
        sparse_categorical_accuracy,
        top_k_categorical_accuracy,
        sparse_top_k_categorical_accuracy,
        pearson_correlation,
        concordance_correlation,
        binary_crossentropy,
        binary_focal_crossentropy,
        categorical_crossentropy,
        categorical_focal_crossentropy,
        sparse_categorical_crossentropy,
        categorical_hinge,
        hinge,
        squared_hinge,
        huber,
        kl_divergence,
        log_cosh,
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_squared_error,
        mean_squared_logarithmic_error,
        poisson,
        accuracy_metrics.accuracy,
        regression_metrics.cosine_similarity,
    )
}

# what compile(metrics=[...]) accepts by name: class names, their snake_case forms, aliases
_BY_NAME = {
    **{snake_case(name): cls for name, cls in CLASSES.items() if cls not in (Metric, Mean, Sum)},
    **{name: cls for name, cls in CLASSES.items() if cls is not Metric},
    "mean": Mean,
    "sum": Sum,
    "bce": BinaryCrossentropy,
    "mse": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "rmse": RootMeanSquaredError,
}
del _BY_NAME["mean_metric_wrapper"], _BY_NAME["MeanMetricWrapper"]


def resolve_accuracy(name, y_true_shape, y_pred_shape):
    """'accuracy'/'acc' -> binary, sparse categorical or categorical accuracy, by Keras's rule
    on the shapes of labels and predictions.

    Args:
        name: the name the user wrote (the metric is reported under it).
        y_true_shape: shape of the labels.
        y_pred_shape: shape of the predictions.

    Returns:
        a BinaryAccuracy, SparseCategoricalAccuracy or CategoricalAccuracy named ``name``.

    Example:

    >>> from glassnet import metrics
    >>> type(metrics.resolve_accuracy("acc", (32,), (32, 10))).__name__
    'SparseCategoricalAccuracy'
    """
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
    """A Metric from a name ('auc', 'F1Score', 'mae'), a config dict, a Metric (returned as
    is), a Metric class (instantiated) or a function of (y_true, y_pred) (averaged).

    A metric made from a name reports under that name, as in Keras's ``fit`` history.
    'accuracy' depends on the shapes of the data: use ``resolve_accuracy``.

    Args:
        identifier: what ``compile(metrics=[...])`` was given.

    Returns:
        a Metric.

    Example:

    >>> from glassnet import metrics
    >>> metric = metrics.get("mae")
    >>> type(metric).__name__, metric.name
    ('MeanAbsoluteError', 'mae')
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = lookup("metric", identifier, {**_BY_NAME, "accuracy": None, "acc": None})
        if cls is None:
            raise ValueError(
                "'accuracy' is resolved from the shapes of labels and predictions: use "
                "resolve_accuracy"
            )
        metric = cls()
        metric.name = identifier  # the history key is the name the user wrote, as in Keras
        return metric
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        f"Could not interpret metric {identifier!r}: give a name, a Metric or a function "
        "(y_true, y_pred) -> values"
    )


def serialize(metric):
    """A Metric or metric function as Keras's config dict (what ``deserialize`` reads back).

    Args:
        metric: a Metric or a function.

    Returns:
        dict with "module", "class_name", "config" and "registered_name".

    Example:

    >>> from glassnet import metrics
    >>> metrics.serialize(metrics.AUC(curve="PR"))["config"]["curve"]
    'PR'
    """
    if isinstance(metric, Metric):
        builtin = CLASSES.get(type(metric).__name__) is type(metric)
        return {
            "module": "keras.metrics",
            "class_name": type(metric).__name__,
            "config": metric.get_config(),
            "registered_name": None if builtin else type(metric).__name__,
        }
    if callable(metric):
        name = getattr(metric, "__name__", None)
        return {
            "module": "keras.metrics",
            "class_name": "function",
            "config": name,
            "registered_name": "function" if FUNCTIONS.get(name) is metric else name,
        }
    raise TypeError(f"serialize: expected a Metric or a metric function, got {metric!r}")


def deserialize(config, custom_objects=None):
    """A Metric (or function) from ``serialize``'s dict or a name. Classes and functions come
    only from glassnet's metrics and ``custom_objects``; nothing is imported by name.

    Args:
        config: a dict with "class_name" and "config", or a name.
        custom_objects: optional {name: class or function} for user-defined metrics.

    Returns:
        a Metric, or a function for a serialized function.

    Example:

    >>> from glassnet import metrics
    >>> metric = metrics.deserialize({"class_name": "F1Score", "config": {"average": "macro"}})
    >>> metric.average
    'macro'
    """
    custom_objects = custom_objects or {}
    functions = {**FUNCTIONS, **custom_objects}
    if isinstance(config, str):
        return functions[config] if config in functions else get(config)
    class_name = config["class_name"]
    if class_name == "function":
        return lookup("metric function", config["config"], functions)
    cls = custom_objects.get(class_name) or lookup("metric", class_name, CLASSES)
    arguments = dict(config.get("config", {}))
    if isinstance(arguments.get("fn"), str):  # a MeanMetricWrapper: its function by name
        arguments["fn"] = lookup("metric function", arguments["fn"], functions)
    return cls.from_config(arguments)


__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "accuracy_metrics",
    "confusion_metrics",
    "correlation_metrics",
    "f_score_metrics",
    "hinge_metrics",
    "iou_metrics",
    "probabilistic_metrics",
    "reduction_metrics",
    "regression_metrics",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
    "AUC",
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "PrecisionAtRecall",
    "Recall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    "TrueNegatives",
    "TruePositives",
    "ConcordanceCorrelation",
    "PearsonCorrelation",
    "concordance_correlation",
    "pearson_correlation",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "CosineSimilarity",
    "LogCoshError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "R2Score",
    "RootMeanSquaredError",
    "F1Score",
    "FBetaScore",
    "CategoricalHinge",
    "Hinge",
    "SquaredHinge",
    "BinaryIoU",
    "IoU",
    "MeanIoU",
    "OneHotIoU",
    "OneHotMeanIoU",
    "Metric",
    "Mean",
    "MeanMetricWrapper",
    "Sum",
    "get",
    "serialize",
    "deserialize",
    "resolve_accuracy",
]
