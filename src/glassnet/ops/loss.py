"""Loss functions as Keras defines them: per-sample values, averaged (or summed) over the last
axis.

y_true: targets; y_pred: predictions of the same shape (sparse forms: integer class ids).
The ``from_logits`` forms of the cross-entropies are single fused ops whose backward is the
textbook one (softmax - one_hot, sigmoid - y); the rarer losses are composed from other ops.

Example:

>>> from glassnet import ops
>>> ops.mean_squared_error([[0.0, 1.0], [2.0, 2.0]], [[1.0, 1.0], [2.0, 0.0]]).data.tolist()
[0.5, 2.0]
"""

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import epsilon, xp
from glassnet.ops import activation, reduction
from glassnet.ops import elementwise as ew
from glassnet.ops._helpers import broadcast_call, minus_row_max, sum_along, unbroadcast
from glassnet.ops.activation import sigmoid_array
from glassnet.ops.encoding import one_hot
from glassnet.ops.operation import keras_op


def _pair(y_true, y_pred, name, same_shape=True):
    y_pred = as_tensor(y_pred, where=name)
    y_true = as_tensor(y_true, like=y_pred, where=name)
    if y_true.dtype != y_pred.dtype and y_pred.dtype.kind == "f":
        y_true = ew.cast(y_true, y_pred.dtype)
    if same_shape and y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; they "
            "must match"
        )
    return y_true, y_pred


@keras_op
def mean_squared_error(y_true, y_pred):
    """mean((y_pred - y_true)^2) over the last axis.

    Args:
        y_true: targets.
        y_pred: predictions, the shape of ``y_true``.

    Returns:
        One value per sample: the shape without its last axis.

    Example:

    >>> from glassnet import ops
    >>> ops.mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).data.tolist()
    [0.5]
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_error")
    diff = y_pred.data - y_true.data
    count = diff.shape[-1] if diff.ndim else 1
    out = xp.mean(diff * diff, axis=-1)

    def backward(grad_output):  # dL/dy_pred = 2 (y_pred - y_true) / n * grad_output
        grad = (2.0 / count) * diff * (grad_output[..., None] if diff.ndim else grad_output)
        return -grad if y_true.requires_grad else None, grad

    return from_op(out, (y_true, y_pred), backward)


@keras_op
def mean_absolute_error(y_true, y_pred):
    """mean(|y_pred - y_true|) over the last axis.

    Args:
        y_true: targets.
        y_pred: predictions, the shape of ``y_true``.

    Returns:
        One value per sample: the shape without its last axis.

    Example:

    >>> from glassnet import ops
    >>> ops.mean_absolute_error([[0.0, 1.0]], [[1.0, 3.0]]).data.tolist()
    [1.5]
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_error")
    return reduction.mean(ew.abs(ew.subtract(y_pred, y_true)), axis=-1)


@keras_op
def huber(y_true, y_pred, delta=1.0):
    """Half the squared error for |error| <= delta, linear beyond; averaged over the last axis.

    Args:
        y_true: targets.
        y_pred: predictions, the shape of ``y_true``.
        delta: where the loss turns from quadratic to linear.

    Returns:
        One value per sample: the shape without its last axis.

    Example:

    >>> from glassnet import ops
    >>> ops.huber([[0.0, 0.0]], [[0.5, 3.0]]).data.tolist()  # (0.125 + 2.5) / 2
    [1.3125]
    """
    y_true, y_pred = _pair(y_true, y_pred, "huber")
    error = ew.abs(ew.subtract(y_pred, y_true))
    quadratic = ew.minimum(error, delta)
    linear = ew.subtract(error, quadratic)
    return reduction.mean(
        ew.add(ew.multiply(ew.square(quadratic), 0.5), ew.multiply(linear, delta)), axis=-1
    )


@keras_op
def log_cosh(y_true, y_pred):
    """log(cosh(y_pred - y_true)), averaged over the last axis.

    Computed as x + softplus(-2x) - log 2, which does not overflow for large errors.

    Args:
        y_true: targets.
        y_pred: predictions, the shape of ``y_true``.

    Returns:
        One value per sample: the shape without its last axis.

    Example:

    >>> from glassnet import ops
    >>> ops.log_cosh([[0.0, 0.0]], [[0.0, 100.0]])  # (0 + 100 - log 2) / 2
    Tensor([49.6534], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "log_cosh")
    x = ew.subtract(y_pred, y_true)
    value = ew.add(x, activation.softplus(ew.multiply(x, -2.0)))
    return reduction.mean(ew.subtract(value, float(xp.log(2.0))), axis=-1)


@keras_op
def binary_crossentropy(y_true, y_pred, from_logits=False):
    """Elementwise binary cross-entropy (keras.ops's form; keras.losses averages it over the
    last axis).

    Args:
        y_true: targets in [0, 1], broadcast against ``y_pred``.
        y_pred: probabilities, clipped to [eps, 1 - eps] as Keras does; or, with
            ``from_logits``, logits.
        from_logits: ``y_pred`` are logits; then computed as max(x, 0) - x*y + log(1 + exp(-|x|)),
            which stays finite for any logit.

    Returns:
        One value per entry, the broadcast shape.

    Example:

    >>> from glassnet import ops
    >>> ops.binary_crossentropy([1.0, 0.0], [0.0, 0.0], from_logits=True)
    Tensor([0.6931, 0.6931], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "binary_crossentropy", same_shape=False)
    if from_logits:
        x, y = y_pred.data, y_true.data
        out = (
            xp.maximum(x, 0)
            - broadcast_call("binary_crossentropy", xp.multiply, x, y)
            + xp.log1p(xp.exp(-xp.abs(x)))
        )

        # dL/dx = (sigmoid(x) - y) grad_output ; dL/dy = -x grad_output
        def backward(grad_output):
            grad_x = (sigmoid_array(x) - y) * grad_output
            return (
                unbroadcast(-x * grad_output, y_true.shape) if y_true.requires_grad else None,
                unbroadcast(grad_x, y_pred.shape),
            )

        return from_op(out.astype(y_pred.dtype, copy=False), (y_true, y_pred), backward)
    eps = epsilon()
    p = ew.clip(y_pred, eps, 1.0 - eps)
    positive = ew.multiply(y_true, ew.log(ew.add(p, eps)))
    negative = ew.multiply(ew.subtract(1.0, y_true), ew.log(ew.add(ew.subtract(1.0, p), eps)))
    return ew.negative(ew.add(positive, negative))


_NORMALIZED_TOLERANCE = 1e-5  # |sum(p) - 1| below which probabilities count as normalised


@keras_op
def categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """-sum(y_true * log(p)) over ``axis`` for one-hot (or soft) targets.

    Args:
        y_true: one-hot or soft targets, the shape of ``y_pred``.
        y_pred: probabilities, rescaled to sum to 1 and clipped to [eps, 1 - eps] as Keras does;
            or, with ``from_logits``, logits.
        from_logits: fuse log_softmax in: the gradient w.r.t. the logits is
            softmax(x) * sum(y) - y.
        axis: the class axis.

    Returns:
        One value per sample: the shape without ``axis``.

    Example:

    >>> from glassnet import ops
    >>> ops.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])
    Tensor([0.6931], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "categorical_crossentropy")
    if y_pred.ndim == 0:
        raise ValueError("categorical_crossentropy: y_pred must have a class axis, got a scalar")
    if not from_logits:
        # Keras rescales each row of probabilities to sum to 1. Rows that already do (a softmax's
        # output, up to rounding) are used as they are: the same value, and the gradient is the
        # textbook -y/p rather than one carrying the rescaling's constant 1/sum(p) term.
        totals = xp.sum(y_pred.data, axis=axis, keepdims=True)
        if not xp.all(xp.abs(totals - 1) <= _NORMALIZED_TOLERANCE):
            y_pred = ew.divide(y_pred, reduction.sum(y_pred, axis=axis, keepdims=True))
        p = ew.clip(y_pred, epsilon(), 1.0 - epsilon())
        return ew.negative(reduction.sum(ew.multiply(y_true, ew.log(p)), axis=axis))
    x, y = y_pred.data, y_true.data
    shifted = minus_row_max(x, axis)
    log_probs = shifted - xp.log(sum_along(xp.exp(shifted), axis))
    out = -xp.sum(y * log_probs, axis=axis)

    def backward(grad_output):
        grad_per_class = xp.expand_dims(grad_output, axis)
        # dL/dx = (softmax(x) * sum(y) - y) grad_output ; dL/dy = -log_softmax(x) grad_output
        grad_x = (xp.exp(log_probs) * xp.sum(y, axis=axis, keepdims=True) - y) * grad_per_class
        return (-log_probs * grad_per_class if y_true.requires_grad else None), grad_x

    return from_op(out, (y_true, y_pred), backward)


def _sparse_labels(y_true, y_pred, name, axis):
    labels = xp.asarray(y_true.data if isinstance(y_true, Tensor) else y_true)
    if labels.ndim == y_pred.ndim and labels.shape[axis] == 1:
        labels = xp.squeeze(labels, axis=axis)  # (batch, 1) labels, as Keras accepts
    if labels.dtype.kind == "f":
        if not xp.all(labels == xp.round(labels)):
            raise ValueError(
                f"{name}: sparse labels must be whole numbers (class ids), got non-integer values"
            )
        labels = labels.astype(xp.int64)
    elif labels.dtype.kind not in "iu":
        raise TypeError(f"{name}: sparse labels must be integers, got dtype {labels.dtype}")
    expected = y_pred.shape[: axis % y_pred.ndim] + y_pred.shape[axis % y_pred.ndim + 1 :]
    if labels.shape != expected:
        raise ValueError(
            f"{name}: labels of shape {labels.shape} do not fit predictions of shape "
            f"{y_pred.shape}; expected labels of shape {expected}"
        )
    classes = y_pred.shape[axis]
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(
            f"{name}: labels must lie in [0, {classes}) for {classes} output classes, got values "
            f"from {labels.min()} to {labels.max()}; check the size of the output layer"
        )
    return labels


@keras_op
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """Categorical cross-entropy with integer class ids as targets.

    Args:
        y_true: class ids, the shape of ``y_pred`` without ``axis`` (or with it of size 1, as
            Keras accepts); floats holding whole numbers are accepted.
        y_pred: probabilities or, with ``from_logits``, logits.
        from_logits: fuse log_softmax in: the gradient w.r.t. the logits is
            softmax(x) - one_hot(y).
        axis: the class axis.

    Returns:
        One value per sample: the shape without ``axis``.

    Raises:
        ValueError: for ids outside [0, classes) or labels of the wrong shape.

    Example:

    >>> from glassnet import ops
    >>> ops.sparse_categorical_crossentropy([1], [[0.0, 0.0]], from_logits=True)
    Tensor([0.6931], dtype=float32)
    """
    y_pred = as_tensor(y_pred, where="sparse_categorical_crossentropy")
    labels = _sparse_labels(y_true, y_pred, "sparse_categorical_crossentropy", axis)
    if not from_logits:
        target = one_hot(labels, y_pred.shape[axis], axis=axis, dtype=y_pred.dtype)
        return categorical_crossentropy(target, y_pred, from_logits=False, axis=axis)
    x = y_pred.data
    shifted = minus_row_max(x, axis)
    if x.ndim == 2 and axis in (-1, 1):
        # (batch, classes), the common case: plain indexing, and exp kept
        rows = xp.arange(x.shape[0])
        exps = xp.exp(shifted)
        totals = sum_along(exps, 1)
        # -log_softmax(x)[y] = log(sum(exp)) - shifted[y]
        out = xp.log(totals[:, 0]) - shifted[rows, labels]

        def backward_rows(grad_output):  # dL/dx = (softmax(x) - one_hot(y)) grad_output
            grad = exps / totals
            grad[rows, labels] -= 1
            grad *= grad_output[:, None]
            return (grad,)

        return from_op(out, (y_pred,), backward_rows)
    log_probs = shifted - xp.log(xp.sum(xp.exp(shifted), axis=axis, keepdims=True))
    picked = xp.expand_dims(labels, axis)
    out = -xp.take_along_axis(log_probs, picked, axis=axis).squeeze(axis)

    def backward(grad_output):  # dL/dx = (softmax(x) - one_hot(y)) grad_output
        grad = xp.exp(log_probs)
        xp.put_along_axis(grad, picked, xp.take_along_axis(grad, picked, axis=axis) - 1, axis=axis)
        return (grad * xp.expand_dims(grad_output, axis),)

    return from_op(out, (y_pred,), backward)


def _hinge_labels(y_true):
    # Keras turns {0, 1} labels into {-1, 1}
    data = y_true.data
    if xp.all((data == 0) | (data == 1)):
        return ew.subtract(ew.multiply(y_true, 2.0), 1.0)
    return y_true


@keras_op
def hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)) over the last axis; 0/1 labels are mapped to -1/1.

    Args:
        y_true: labels, -1/1 or 0/1.
        y_pred: scores, the shape of ``y_true``.

    Returns:
        One value per sample: the shape without its last axis.

    Example:

    >>> from glassnet import ops
    >>> ops.hinge([[1.0, 0.0]], [[0.5, -2.0]]).data.tolist()  # margins 0.5 and 0
    [0.25]
    """
    y_true, y_pred = _pair(y_true, y_pred, "hinge")
    margin = ew.subtract(1.0, ew.multiply(_hinge_labels(y_true), y_pred))
    return reduction.mean(activation.relu(margin), axis=-1)


@keras_op
def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true * y_pred, 0)^2) over the last axis; 0/1 labels are mapped to -1/1.

    Args:
        y_true: labels, -1/1 or 0/1.
        y_pred: scores, the shape of ``y_true``.

    Returns:
        One value per sample: the shape without its last axis.

    Example:

    >>> from glassnet import ops
    >>> ops.squared_hinge([[1.0, 0.0]], [[0.5, -2.0]]).data.tolist()
    [0.125]
    """
    y_true, y_pred = _pair(y_true, y_pred, "squared_hinge")
    margin = ew.subtract(1.0, ew.multiply(_hinge_labels(y_true), y_pred))
    return reduction.mean(ew.square(activation.relu(margin)), axis=-1)


@keras_op
def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [eps, 1].

    Args:
        y_true: the target distribution.
        y_pred: the predicted distribution, the shape of ``y_true``.

    Returns:
        One value per sample: the shape without its last axis.

    Example:

    >>> from glassnet import ops
    >>> ops.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])
    Tensor([0.1438], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred, "kl_divergence")
    clipped_true = ew.clip(y_true, epsilon(), 1.0)
    clipped_pred = ew.clip(y_pred, epsilon(), 1.0)
    return reduction.sum(
        ew.multiply(clipped_true, ew.log(ew.divide(clipped_true, clipped_pred))), axis=-1
    )


@keras_op
def l2_normalize(x, axis=-1, epsilon=1e-12):
    """x / sqrt(max(sum(x^2), epsilon)) along ``axis``.

    Args:
        x: any shape.
        axis: the axis (or axes) whose norm becomes 1.
        epsilon: the floor of the squared norm, so a zero vector stays zero.

    Returns:
        A tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.l2_normalize([3.0, 4.0])
    Tensor([0.6, 0.8], dtype=float32)
    """
    x = as_tensor(x, where="l2_normalize")
    squared_norm = reduction.sum(ew.square(x), axis=axis, keepdims=True)
    return ew.divide(x, ew.sqrt(ew.maximum(squared_norm, epsilon)))


@keras_op
def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred)) over ``axis``.

    Keras's loss form: -1 for vectors pointing the same way (the best), 1 for opposite ones.

    Args:
        y_true: targets.
        y_pred: predictions, the shape of ``y_true``.
        axis: the axis of the vectors.

    Returns:
        One value per sample: the shape without ``axis``.

    Example:

    >>> from glassnet import ops
    >>> ops.cosine_similarity([[1.0, 0.0], [1.0, 0.0]], [[2.0, 0.0], [-1.0, 0.0]]).data.tolist()
    [-1.0, 1.0]
    """
    y_true, y_pred = _pair(y_true, y_pred, "cosine_similarity")
    return ew.negative(
        reduction.sum(
            ew.multiply(l2_normalize(y_true, axis), l2_normalize(y_pred, axis)), axis=axis
        )
    )


# Keras's short names
mse = mean_squared_error
mae = mean_absolute_error
kld = kl_divergence
