"""Losses with Keras's names: classes (``SparseCategoricalCrossentropy(from_logits=True)``),
functions (``losses.mean_squared_error``, per-sample values) and strings for ``compile``."""

from glassnet.losses.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    CosineSimilarity,
    Hinge,
    Huber,
    KLDivergence,
    LogCosh,
    Loss,
    LossFunctionWrapper,
    MeanAbsoluteError,
    MeanSquaredError,
    SparseCategoricalCrossentropy,
    SquaredHinge,
    binary_crossentropy,
    categorical_crossentropy,
    cosine_similarity,
    deserialize,
    get,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
    squared_hinge,
)

mse, mae, kld, logcosh = mean_squared_error, mean_absolute_error, kl_divergence, log_cosh
