"""Keras's losses: per-sample functions (``losses.mean_squared_error``) and Loss classes
(``losses.MeanSquaredError()``) that reduce them over the batch.

Every function is composed from ``glassnet.ops``, so each loss is differentiable through the
tape; the formulas, constants (``epsilon()``) and defaults are Keras 3's.
"""

from glassnet import ops
from glassnet.autograd.tensor import as_tensor
from glassnet.backend import epsilon, floatx, xp
from glassnet.backend.naming import lookup
from glassnet.losses.loss import Loss, squeeze_or_expand_to_same_rank
from glassnet.ops.ctc import ctc_loss

# stands in for -inf inside a logsumexp: the terms vanish just the same, and a row with no
# terms at all still has a finite logsumexp, so its gradient is 0 instead of NaN
_LOG_ZERO = -1e30


def _pair(y_true, y_pred, same_rank=True):
    """Tensors for the labels and predictions; labels in the predictions' float dtype."""
    y_pred = as_tensor(y_pred)
    if y_pred.dtype.kind != "f":
        y_pred = ops.cast(y_pred, floatx())
    y_true = as_tensor(y_true, like=y_pred)
    if y_true.dtype != y_pred.dtype:
        y_true = ops.cast(y_true, y_pred.dtype)
    if same_rank:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def _labels(value):
    """Integer class ids as a NumPy array (float labels that are whole numbers are accepted)."""
    array = xp.asarray(getattr(value, "data", value))
    return array.astype(xp.int64) if array.dtype.kind in "fb" else array


# -- regression ---------------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """Mean of (y_true - y_pred)^2 over the last axis.

    Args:
        y_true: targets, shape (batch, d0, ..., dN).
        y_pred: predictions, same shape.

    Returns:
        Tensor (batch, d0, ..., dN-1).

    Example:

    >>> from glassnet import losses
    >>> losses.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).data.tolist()
    [0.5]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean_squared_error(y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    """Mean of |y_true - y_pred| over the last axis.

    Args:
        y_true: the targets, (batch, ..., d).
        y_pred: the predictions, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> losses.mean_absolute_error([[0.0, 1.0]], [[2.0, 1.0]]).data.tolist()
    [1.0]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|(y_true - y_pred) / max(|y_true|, epsilon)|) over the last axis.

    Args:
        y_true: the targets, (batch, ..., d).
        y_pred: the predictions, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> losses.mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]]).data.tolist()
    [37.5]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    relative = ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.abs(y_true), epsilon()))
    return ops.multiply(ops.mean(ops.abs(relative), axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of (log(1 + y_pred) - log(1 + y_true))^2 over the last axis (values below epsilon
    are raised to it first).

    Args:
        y_true: the targets, (batch, ..., d).
        y_pred: the predictions, of the same shape.

    Example:

    >>> import math
    >>> from glassnet import losses
    >>> value = losses.mean_squared_logarithmic_error([[0.0]], [[math.e - 1]])
    >>> round(float(value.data[0]), 5)
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred)
    log_pred = ops.log(ops.add(ops.maximum(y_pred, epsilon()), 1.0))
    log_true = ops.log(ops.add(ops.maximum(y_true, epsilon()), 1.0))
    return ops.mean(ops.square(ops.subtract(log_pred, log_true)), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Minus the cosine of the angle between y_true and y_pred along ``axis`` (-1 is best).

    Args:
        y_true: the targets.
        y_pred: the predictions, of the same shape.
        axis: the axis along which the cosine is taken (the last by default).

    Example:

    >>> from glassnet import losses
    >>> losses.cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]]).data.tolist()
    [-1.0]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.cosine_similarity(y_true, y_pred, axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Mean over the last axis of 0.5 e^2 where |e| <= delta, else delta (|e| - 0.5 delta).

    Args:
        y_true: the targets, (batch, ..., d).
        y_pred: the predictions, of the same shape.
        delta: where the loss turns from quadratic to linear (1.0 by default).

    Example:

    >>> from glassnet import losses
    >>> losses.huber([[0.0, 0.0]], [[0.5, 3.0]]).data.tolist()
    [1.3125]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.huber(y_true, y_pred, delta=delta)


def log_cosh(y_true, y_pred):
    """Mean of log(cosh(y_pred - y_true)) over the last axis.

    Args:
        y_true: the targets, (batch, ..., d).
        y_pred: the predictions, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.log_cosh([[0.0]], [[1.0]]).data[0]), 6)
    0.433781
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.log_cosh(y_true, y_pred)


# -- probabilistic ------------------------------------------------------------------------------
def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [epsilon, 1].

    Args:
        y_true: the target distributions, (batch, ..., classes).
        y_pred: the predicted distributions, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).data[0]), 6)
    0.143841
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return ops.kl_divergence(y_true, y_pred)


def poisson(y_true, y_pred):
    """Mean of y_pred - y_true * log(y_pred + epsilon) over the last axis.

    Args:
        y_true: the observed counts, (batch, ..., d).
        y_pred: the predicted rates, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.poisson([[1.0]], [[1.0]]).data[0]), 6)
    1.0
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    log_pred = ops.log(ops.add(y_pred, epsilon()))
    return ops.mean(ops.subtract(y_pred, ops.multiply(y_true, log_pred)), axis=-1)


def _smooth(y_true, label_smoothing, classes):
    # move label_smoothing of the mass from the labels to a uniform spread over the classes
    return ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / classes)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over ``axis``.

    Args:
        y_true: 0/1 (or soft) targets.
        y_pred: probabilities, or logits when ``from_logits``.
        from_logits: whether y_pred are logits.
        label_smoothing: in [0, 1]; targets become y * (1 - s) + s / 2.
        axis: the axis the mean is taken over.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.binary_crossentropy([[1.0, 0.0]], [[0.8, 0.2]]).data[0]), 4)
    0.2231
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    if label_smoothing:
        y_true = _smooth(y_true, label_smoothing, 2)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary cross-entropy scaled by (1 - p_t)^gamma, so easy examples count less (Lin et al.,
    2017), averaged over ``axis``.

    Args:
        y_true, y_pred, from_logits, label_smoothing, axis: as for ``binary_crossentropy``.
        apply_class_balancing: also weight positives by alpha and negatives by 1 - alpha.
        alpha: the positives' weight when class balancing.
        gamma: the focusing exponent (0 gives the plain cross-entropy).

    Example:

    >>> from glassnet import losses
    >>> value = losses.binary_focal_crossentropy([[1.0]], [[0.5]], gamma=1.0)
    >>> round(float(value.data[0]), 4)  # 0.5 * log 2
    0.3466
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    if label_smoothing:
        y_true = _smooth(y_true, label_smoothing, 2)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    cross_entropy = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    # p_t: the probability given to the true class
    p_t = ops.add(
        ops.multiply(y_true, y_pred),
        ops.multiply(ops.subtract(1.0, y_true), ops.subtract(1.0, y_pred)),
    )
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), cross_entropy)
    if apply_class_balancing:
        balance = ops.add(
            ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1.0, y_true), 1.0 - alpha)
        )
        focal = ops.multiply(balance, focal)
    return ops.mean(focal, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """-sum(y_true * log(p)) over ``axis`` for one-hot (or soft) targets.

    Args:
        y_true: one-hot targets, the shape of y_pred (integer labels need
            ``sparse_categorical_crossentropy``).
        y_pred: probabilities, or logits when ``from_logits``.
        from_logits: whether y_pred are logits.
        label_smoothing: in [0, 1]; targets become y * (1 - s) + s / num_classes.
        axis: the class axis.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.categorical_crossentropy([[0, 1.0]], [[0.5, 0.5]]).data[0]), 6)
    0.693147
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    if y_true.shape != y_pred.shape:
        hint = (
            " (integer labels need sparse_categorical_crossentropy)"
            if y_true.ndim < y_pred.ndim or y_true.shape[-1] == 1
            else ""
        )
        raise ValueError(
            f"categorical_crossentropy: one-hot labels of shape {y_true.shape} do not match "
            f"predictions of shape {y_pred.shape}{hint}"
        )
    if label_smoothing:
        y_true = _smooth(y_true, label_smoothing, y_pred.shape[axis])
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical cross-entropy with each class's term scaled by alpha * (1 - p)^gamma.

    Args:
        y_true, y_pred, from_logits, label_smoothing, axis: as for
            ``categorical_crossentropy``.
        alpha: the weight of every term.
        gamma: the focusing exponent.

    Example:

    >>> from glassnet import losses
    >>> value = losses.categorical_focal_crossentropy([[0, 1.0]], [[0.5, 0.5]], alpha=1.0)
    >>> round(float(value.data[0]), 6)  # 0.5^2 * log 2
    0.173287
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    if label_smoothing:
        y_true = _smooth(y_true, label_smoothing, y_pred.shape[-1])
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=axis)
    probabilities = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    probabilities = ops.clip(probabilities, epsilon(), 1.0 - epsilon())
    cross_entropy = ops.negative(ops.multiply(y_true, ops.log(probabilities)))
    modulation = ops.multiply(ops.power(ops.subtract(1.0, probabilities), gamma), alpha)
    return ops.sum(ops.multiply(modulation, cross_entropy), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """-log(p[label]) for integer labels.

    Args:
        y_true: integer class ids, shape (batch, ...) or (batch, ..., 1).
        y_pred: probabilities or logits with the classes along ``axis``.
        from_logits: whether y_pred are logits.
        ignore_class: a label value whose entries get loss 0 (the SparseCategoricalCrossentropy
            class also leaves them out of the mean), e.g. a padding id in segmentation.
        axis: the class axis.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.sparse_categorical_crossentropy([1], [[0.5, 0.5]]).data[0]), 6)
    0.693147
    """
    y_pred = as_tensor(y_pred)
    labels = _labels(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[axis] == 1:
        labels = xp.squeeze(labels, axis=axis)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(
            labels, y_pred, from_logits=from_logits, axis=axis
        )
    valid = labels != ignore_class
    values = ops.sparse_categorical_crossentropy(
        xp.where(valid, labels, 0), y_pred, from_logits=from_logits, axis=axis
    )
    return ops.where(valid, values, 0.0)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """(1 - p^q) / q with p the probability of the true class (Zhang & Sabuncu, 2018): between
    the cross-entropy (q -> 0) and the mean absolute error (q = 1), robust to noisy labels.

    Args:
        y_true: integer class ids, shape (batch,).
        y_pred: probabilities, shape (batch, num_classes).
        q: in (0, 1).

    Example:

    >>> from glassnet import losses
    >>> value = losses.categorical_generalized_cross_entropy([0], [[0.25, 0.75]], q=0.5)
    >>> float(value.data[0])
    1.0
    """
    y_pred = as_tensor(y_pred)
    labels = _labels(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    one_hot = ops.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype)
    probability = ops.sum(ops.multiply(y_pred, one_hot), axis=-1)
    return ops.divide(ops.subtract(1.0, ops.power(probability, q)), q)


# -- hinge --------------------------------------------------------------------------------------
def hinge(y_true, y_pred):
    """Mean of max(1 - y_true * y_pred, 0) over the last axis; 0/1 labels become -1/1.

    Args:
        y_true: the labels, -1/1 or 0/1, (batch, ..., d).
        y_pred: the predicted scores, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> losses.hinge([[1.0, 0.0]], [[0.5, -2.0]]).data.tolist()
    [0.25]
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return ops.hinge(y_true, y_pred)


def squared_hinge(y_true, y_pred):
    """Mean of max(1 - y_true * y_pred, 0)^2 over the last axis; 0/1 labels become -1/1.

    Args:
        y_true: the labels, -1/1 or 0/1, (batch, ..., d).
        y_pred: the predicted scores, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> losses.squared_hinge([[1.0, 0.0]], [[0.5, -2.0]]).data.tolist()
    [0.125]
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return ops.squared_hinge(y_true, y_pred)


def categorical_hinge(y_true, y_pred):
    """max(max over wrong classes of y_pred - y_pred[true class] + 1, 0), one-hot targets.

    Args:
        y_true: one-hot targets, (batch, ..., classes).
        y_pred: the predicted scores, of the same shape.

    Example:

    >>> from glassnet import losses
    >>> losses.categorical_hinge([[0.0, 1.0]], [[0.25, 0.75]]).data.tolist()
    [0.5]
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    positive = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    negative = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(negative, positive), 1.0), 0.0)


# -- segmentation -------------------------------------------------------------------------------
def dice(y_true, y_pred, axis=None):
    """1 - 2|y_true . y_pred| / (|y_true| + |y_pred|), sums taken over ``axis``.

    Args:
        y_true: 0/1 masks.
        y_pred: predicted probabilities, same shape.
        axis: the axes to sum over; None sums everything (one value for the batch).

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.dice([[1.0, 0.0]], [[1.0, 1.0]]).data), 6)  # 1 - 2/3
    0.333333
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    intersection = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    total = ops.add(ops.add(ops.sum(y_true, axis=axis), ops.sum(y_pred, axis=axis)), epsilon())
    return ops.subtract(1.0, ops.divide(ops.multiply(intersection, 2.0), total))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """1 - TP / (TP + alpha FN + beta FP) with soft counts over ``axis`` (alpha = beta = 0.5 is
    the Dice loss); alpha weights the missed positives, beta the false alarms.

    Args:
        y_true: 0/1 masks.
        y_pred: predicted probabilities, same shape.
        alpha: weight of the false negatives.
        beta: weight of the false positives.
        axis: the axes to sum over; None sums everything.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.tversky([[1.0, 0.0]], [[1.0, 1.0]], alpha=0.5, beta=0.5).data), 6)
    0.333333
    """
    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    true_positives = ops.sum(ops.multiply(y_true, y_pred), axis=axis)
    # Keras's naming: "fp" sums (1 - y_pred) * y_true and is weighted by alpha
    missed = ops.sum(ops.multiply(ops.subtract(1.0, y_pred), y_true), axis=axis)
    false_alarms = ops.sum(ops.multiply(y_pred, ops.subtract(1.0, y_true)), axis=axis)
    denominator = ops.add(
        ops.add(true_positives, ops.multiply(missed, alpha)),
        ops.add(ops.multiply(false_alarms, beta), epsilon()),
    )
    return ops.subtract(1.0, ops.divide(true_positives, denominator))


# -- similarity ---------------------------------------------------------------------------------
def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Circle loss (Sun et al., 2020) on L2-normalised embeddings: pulls pairs with the same
    label together and pushes other pairs apart, each pair weighted by how far it is from its
    optimum.

    Args:
        y_true: integer labels, shape (batch,).
        y_pred: L2-normalised embeddings, shape (batch, dim).
        ref_labels: labels of the reference embeddings (default: y_true).
        ref_embeddings: the embeddings compared with (default: y_pred itself).
        remove_diagonal: leave out each embedding's pair with itself.
        gamma: the scale.
        margin: the relaxation margin.

    Returns:
        Tensor (batch,): 0 where an embedding has no positive or no negative pair.

    Example:

    >>> import numpy as np
    >>> from glassnet import losses
    >>> embeddings = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    >>> values = losses.circle(np.array([0, 0, 1, 1]), embeddings, gamma=1.0)
    >>> np.round(values.data, 4).tolist()
    [0.897, 0.897, 0.897, 0.897]
    """
    y_pred = as_tensor(y_pred)
    labels = _labels(y_true).reshape(-1)
    references = y_pred if ref_embeddings is None else as_tensor(ref_embeddings, like=y_pred)
    reference_labels = labels if ref_labels is None else _labels(ref_labels).reshape(-1)
    distances = ops.maximum(ops.subtract(1.0, ops.matmul(y_pred, ops.transpose(references))), 0.0)
    positive = labels[:, None] == reference_labels[None, :]
    negative = ~positive
    if remove_diagonal:
        positive &= ~xp.eye(len(labels), len(reference_labels), dtype=bool)
    positive_weights = ops.maximum(
        ops.multiply(ops.add(distances, margin), positive.astype(y_pred.dtype)), 0.0
    )
    negative_weights = ops.maximum(
        ops.multiply(ops.subtract(1.0 + margin, distances), negative.astype(y_pred.dtype)), 0.0
    )
    positive_terms = ops.multiply(
        ops.multiply(positive_weights, ops.subtract(margin, distances)), -float(gamma)
    )
    negative_terms = ops.multiply(
        ops.multiply(negative_weights, ops.subtract(1.0 - margin, distances)), float(gamma)
    )
    positive_loss = ops.logsumexp(ops.where(positive, positive_terms, _LOG_ZERO), axis=1)
    negative_loss = ops.logsumexp(ops.where(negative, negative_terms, _LOG_ZERO), axis=1)
    return ops.softplus(ops.add(positive_loss, negative_loss))


# -- sequences ----------------------------------------------------------------------------------
def ctc(y_true, y_pred):
    """The CTC loss of each sequence, with label 0 as the blank and as the padding of y_true.

    Args:
        y_true: (batch, max_label_length) integer labels, padded with 0.
        y_pred: (batch, max_time, num_classes) logits; every step counts.

    Example:

    >>> import numpy as np
    >>> from glassnet import losses
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.9, 0.1]]]))
    >>> round(float(losses.ctc(np.array([[1, 0]]), logits).data[0]), 4)
    0.0943
    """
    y_pred = as_tensor(y_pred)
    labels = _labels(y_true)
    if labels.ndim != 2:
        raise ValueError(
            f"ctc: y_true must be (batch_size, max_length) integer labels, got shape {labels.shape}"
        )
    if y_pred.ndim != 3:
        raise ValueError(
            f"ctc: y_pred must be (batch_size, max_length, num_classes) logits, got shape "
            f"{y_pred.shape}"
        )
    batch, steps = y_pred.shape[:2]
    label_length = xp.sum(labels != 0, axis=-1)
    return ctc_loss(labels, y_pred, label_length, xp.full(batch, steps), mask_index=0)


# -- classes ------------------------------------------------------------------------------------
class LossFunctionWrapper(Loss):
    """A Loss around a function ``fn(y_true, y_pred, **kwargs)`` that gives per-sample values.

    Labels and predictions whose ranks differ by a final axis of size 1 are first brought to
    the same rank (``squeeze_or_expand_to_same_rank``).

    Args:
        fn: the per-sample loss function.
        reduction, name, dtype: as for ``Loss`` (name defaults to the function's name).
        **kwargs: passed to ``fn`` on every call; also readable as attributes and in the config.

    Example:

    >>> import numpy as np
    >>> from glassnet import losses, ops
    >>> def scaled_mae(y_true, y_pred, scale=1.0):
    ...     return ops.mean(ops.abs(y_pred - y_true), axis=-1) * scale
    >>> loss = losses.LossFunctionWrapper(scaled_mae, scale=2.0)
    >>> float(loss(np.zeros((2, 2)), np.ones((2, 2))))
    2.0
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if isinstance(fn, str):  # from a config: only glassnet's own functions, by name
            fn = lookup("loss function", fn, FUNCTIONS)
        super().__init__(
            name=name or getattr(fn, "__name__", "loss"), reduction=reduction, dtype=dtype
        )
        self.fn, self.fn_kwargs = fn, kwargs
        for key, value in kwargs.items():
            setattr(self, key, value)

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def get_config(self):
        config = {**super().get_config(), **self.fn_kwargs}
        if type(self) is LossFunctionWrapper:
            config["fn"] = getattr(self.fn, "__name__", str(self.fn))
        return config

    def __repr__(self):
        return f"<{type(self).__name__}({getattr(self.fn, '__name__', self.fn)}, {self.fn_kwargs})>"


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors (``mean_squared_error``), reduced over the batch.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors (``mean_absolute_error``), reduced over the batch.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.MeanAbsoluteError(reduction="sum")([[0.0], [1.0]], [[2.0], [2.0]]))
    3.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error (``mean_absolute_percentage_error``), over the batch.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.MeanAbsolutePercentageError()([[2.0], [4.0]], [[1.0], [5.0]]))
    37.5
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(
            mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype
        )


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared logarithmic error (``mean_squared_logarithmic_error``), over the batch.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> import math
    >>> from glassnet import losses
    >>> round(float(losses.MeanSquaredLogarithmicError()([[0.0]], [[math.e - 1]])), 5)
    1.0
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(
            mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype
        )


class CosineSimilarity(LossFunctionWrapper):
    """Minus the cosine similarity along ``axis`` (``cosine_similarity``), over the batch.

    Args:
        axis: the axis the cosine is taken along.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.CosineSimilarity()([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]))
    -0.5
    """

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Huber(LossFunctionWrapper):
    """Huber loss (``huber``): quadratic for errors up to ``delta``, linear beyond.

    Args:
        delta: where the quadratic part ends.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.Huber()([[0.0, 0.0]], [[0.5, 3.0]]))
    1.3125
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    """log(cosh(error)) averaged (``log_cosh``): like MSE for small errors, MAE for large.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.LogCosh()([[0.0]], [[1.0]])), 6)
    0.433781
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence of y_pred from y_true (``kl_divergence``).

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 6)
    0.143841
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood up to a constant (``poisson``), for count targets.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.Poisson()([[1.0], [0.0]], [[1.0], [2.0]])), 6)
    1.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (``binary_crossentropy``) for 0/1 targets.

    Args:
        from_logits: whether y_pred are logits rather than probabilities.
        label_smoothing: in [0, 1]; targets become y * (1 - s) + s / 2.
        axis: the axis the per-sample mean is taken over.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.BinaryCrossentropy()([[1.0], [0.0]], [[0.8], [0.2]])), 4)
    0.2231
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Focal binary cross-entropy (``binary_focal_crossentropy``): hard examples weigh more.

    Args:
        apply_class_balancing: weight positives by alpha and negatives by 1 - alpha.
        alpha: the positives' weight when class balancing.
        gamma: the focusing exponent (0 gives BinaryCrossentropy).
        from_logits: whether y_pred are logits.
        label_smoothing: in [0, 1].
        axis: the axis the per-sample mean is taken over.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.BinaryFocalCrossentropy(gamma=1.0)([[1.0]], [[0.5]])), 4)
    0.3466
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy (``categorical_crossentropy``) for one-hot targets.

    Args:
        from_logits: whether y_pred are logits.
        label_smoothing: in [0, 1]; targets become y * (1 - s) + s / num_classes.
        axis: the class axis.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.CategoricalCrossentropy()([[0, 1.0]], [[0.5, 0.5]])), 6)
    0.693147
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Focal categorical cross-entropy (``categorical_focal_crossentropy``), one-hot targets.

    Args:
        alpha: the weight of every term.
        gamma: the focusing exponent.
        from_logits: whether y_pred are logits.
        label_smoothing: in [0, 1].
        axis: the class axis.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> loss = losses.CategoricalFocalCrossentropy(alpha=1.0)
    >>> round(float(loss([[0, 1.0]], [[0.5, 0.5]])), 6)
    0.173287
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer labels (``sparse_categorical_crossentropy``).

    Args:
        from_logits: whether y_pred are logits.
        ignore_class: a label value left out of the loss and of the mean (e.g. padding).
        reduction, name, dtype: as for ``Loss``.
        axis: the class axis.

    Example:

    >>> from glassnet import losses
    >>> loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    >>> round(float(loss([1, -1], [[0.5, 0.5], [0.9, 0.1]])), 6)  # the -1 entry is left out
    0.693147
    """

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

    def call(self, y_true, y_pred):  # labels keep their own rank
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def _mask(self, y_true, y_pred, values):
        if self.fn_kwargs["ignore_class"] is None:
            return None
        labels = _labels(y_true).reshape(values.shape)
        return labels != self.fn_kwargs["ignore_class"]


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy (``categorical_generalized_cross_entropy``) for integer
    labels: robust to noisy labels.

    Args:
        q: in (0, 1); towards 0 it approaches the cross-entropy, at 1 the mean absolute error.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.CategoricalGeneralizedCrossEntropy(q=0.5)([0], [[0.25, 0.75]]))
    1.0
    """

    def __init__(
        self,
        q=0.5,
        reduction="sum_over_batch_size",
        name="categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: q must lie in (0, 1), got {q}")
        super().__init__(
            categorical_generalized_cross_entropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            q=q,
        )


class Hinge(LossFunctionWrapper):
    """Hinge loss (``hinge``) for -1/1 (or 0/1) targets.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.Hinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss (``squared_hinge``) for -1/1 (or 0/1) targets.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.SquaredHinge()([[1.0, 0.0]], [[0.5, -2.0]]))
    0.125
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss (``categorical_hinge``) for one-hot targets.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> from glassnet import losses
    >>> float(losses.CategoricalHinge()([[0.0, 1.0]], [[0.25, 0.75]]))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class Dice(LossFunctionWrapper):
    """Dice loss (``dice``) for segmentation masks.

    Args:
        reduction, name, dtype: as for ``Loss``.
        axis: the axes the overlap is summed over; None: everything, one value per batch.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.Dice()([[1.0, 0.0]], [[1.0, 1.0]])), 6)
    0.333333
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Tversky(LossFunctionWrapper):
    """Tversky loss (``tversky``): Dice with separate weights for misses and false alarms.

    Args:
        alpha: weight of the false negatives.
        beta: weight of the false positives.
        reduction, name, dtype: as for ``Loss``.
        axis: the axes the counts are summed over; None: everything.

    Example:

    >>> from glassnet import losses
    >>> round(float(losses.Tversky(alpha=0.5, beta=0.5)([[1.0, 0.0]], [[1.0, 1.0]])), 6)
    0.333333
    """

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )


class Circle(LossFunctionWrapper):
    """Circle loss (``circle``) for metric learning on L2-normalised embeddings. As in Keras,
    the batch mean is over the embeddings with a non-zero loss.

    Args:
        gamma: the scale.
        margin: the relaxation margin.
        remove_diagonal: leave out each embedding's pair with itself.
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> import numpy as np
    >>> from glassnet import losses
    >>> embeddings = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    >>> round(float(losses.Circle(gamma=1.0)(np.array([0, 0, 1, 1]), embeddings)), 4)
    0.897
    """

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(
            circle,
            reduction=reduction,
            name=name,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
        )

    def _mask(self, y_true, y_pred, values):
        return values.data > 0


class CTC(LossFunctionWrapper):
    """CTC loss (``ctc``) for sequence labelling without alignments; label 0 is the blank.

    Args:
        reduction, name, dtype: as for ``Loss``.

    Example:

    >>> import numpy as np
    >>> from glassnet import losses
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.9, 0.1]]]))
    >>> round(float(losses.CTC()(np.array([[1, 0]]), logits)), 4)
    0.0943
    """

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)

    def call(self, y_true, y_pred):  # labels (batch, length) against logits (batch, time, classes)
        return self.fn(y_true, y_pred)


_BUILTIN_CLASSES = (
    Loss,
    LossFunctionWrapper,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    Huber,
    LogCosh,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
    Circle,
    CTC,
)

CLASSES = {cls.__name__: cls for cls in _BUILTIN_CLASSES}

FUNCTIONS = {
    fn.__name__: fn
    for fn in (
        mean_squared_error,
        mean_absolute_error,
        mean_absolute_percentage_error,
        mean_squared_logarithmic_error,
        cosine_similarity,
        huber,
        log_cosh,
        kl_divergence,
        poisson,
        binary_crossentropy,
        binary_focal_crossentropy,
        categorical_crossentropy,
        categorical_focal_crossentropy,
        sparse_categorical_crossentropy,
        categorical_generalized_cross_entropy,
        hinge,
        squared_hinge,
        categorical_hinge,
        dice,
        tversky,
        circle,
        ctc,
    )
}

# what compile(loss="...") accepts: the function names, Keras's aliases, and the class names
_BY_NAME = {
    name: CLASSES[cls]
    for name, cls in {
        "mean_squared_error": "MeanSquaredError",
        "mse": "MeanSquaredError",
        "mean_absolute_error": "MeanAbsoluteError",
        "mae": "MeanAbsoluteError",
        "mean_absolute_percentage_error": "MeanAbsolutePercentageError",
        "mape": "MeanAbsolutePercentageError",
        "mean_squared_logarithmic_error": "MeanSquaredLogarithmicError",
        "msle": "MeanSquaredLogarithmicError",
        "cosine_similarity": "CosineSimilarity",
        "huber": "Huber",
        "huber_loss": "Huber",
        "log_cosh": "LogCosh",
        "logcosh": "LogCosh",
        "kl_divergence": "KLDivergence",
        "kld": "KLDivergence",
        "kullback_leibler_divergence": "KLDivergence",
        "poisson": "Poisson",
        "binary_crossentropy": "BinaryCrossentropy",
        "bce": "BinaryCrossentropy",
        "binary_focal_crossentropy": "BinaryFocalCrossentropy",
        "categorical_crossentropy": "CategoricalCrossentropy",
        "categorical_focal_crossentropy": "CategoricalFocalCrossentropy",
        "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
        "categorical_generalized_cross_entropy": "CategoricalGeneralizedCrossEntropy",
        "hinge": "Hinge",
        "squared_hinge": "SquaredHinge",
        "categorical_hinge": "CategoricalHinge",
        "dice": "Dice",
        "tversky": "Tversky",
        "circle": "Circle",
        "ctc": "CTC",
    }.items()
}
_BY_NAME.update(
    {name: cls for name, cls in CLASSES.items() if cls not in (Loss, LossFunctionWrapper)}
)


def get(identifier):
    """A Loss from a name ('mse', 'sparse_categorical_crossentropy', 'Huber'), a config dict,
    a Loss (returned as is), a Loss class (instantiated) or a function (wrapped).

    Args:
        identifier: what ``compile(loss=...)`` was given.

    Returns:
        a Loss, or None for None.

    Example:

    >>> from glassnet import losses
    >>> type(losses.get("mse")).__name__
    'MeanSquaredError'
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):  # a built-in name, or a registered class or function
        identifier = lookup("loss", identifier, _BY_NAME)
        if isinstance(identifier, Loss):
            return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        f"Could not interpret loss {identifier!r}: give a name, a Loss or a function "
        "(y_true, y_pred) -> per-sample loss"
    )


def serialize(loss):
    """A Loss or loss function as Keras's config dict (what ``deserialize`` reads back).

    Args:
        loss: a Loss, a loss function, or None.

    Returns:
        dict with "module", "class_name", "config" and "registered_name" (None for None).

    Example:

    >>> from glassnet import losses
    >>> losses.serialize(losses.Huber(delta=2.0))["config"]["delta"]
    2.0
    """
    if loss is None:
        return None
    if isinstance(loss, Loss):
        builtin = CLASSES.get(type(loss).__name__) is type(loss)
        return {
            "module": "keras.losses",
            "class_name": type(loss).__name__,
            "config": loss.get_config(),
            "registered_name": None if builtin else type(loss).__name__,
        }
    if callable(loss):
        name = getattr(loss, "__name__", None)
        builtin = FUNCTIONS.get(name) is loss
        return {
            "module": "keras.losses",
            "class_name": "function",
            "config": name,
            "registered_name": "function" if builtin else name,
        }
    raise TypeError(f"serialize: expected a Loss or a loss function, got {loss!r}")


def deserialize(config, custom_objects=None):
    """A Loss (or loss function) from ``serialize``'s dict or a name. Classes and functions
    come only from glassnet's losses and ``custom_objects``; nothing is imported by name.

    Args:
        config: a dict with "class_name" and "config", or a name.
        custom_objects: optional {name: class or function} for user-defined losses.

    Returns:
        a Loss instance, or a function for a serialized function.

    Example:

    >>> from glassnet import losses
    >>> loss = losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0}})
    >>> loss.fn_kwargs
    {'delta': 2.0}
    """
    custom_objects = custom_objects or {}
    if isinstance(config, str):
        if config in custom_objects:
            return custom_objects[config]
        if config in FUNCTIONS:
            return FUNCTIONS[config]
        return get(config)
    class_name = config["class_name"]
    if class_name == "function":
        name = config["config"]
        return custom_objects.get(name) or lookup("loss function", name, FUNCTIONS)
    cls = custom_objects.get(class_name) or lookup("loss", class_name, CLASSES)
    return cls.from_config(dict(config.get("config", {})))
