"""The Loss base class and Keras 3's reduction: per-sample losses, weighted, then reduced.

``loss(y_true, y_pred, sample_weight)`` calls ``call(y_true, y_pred)`` for per-sample values,
multiplies them by ``sample_weight`` and reduces them by ``reduction``:

- "sum_over_batch_size" (the default) and "mean": the sum divided by the number of values;
- "mean_with_sample_weight": the sum divided by the sum of the weights;
- "sum": the sum; "none" or None: the weighted values themselves.

Everything is composed from ``glassnet.ops``, so the result is differentiable.
"""

from glassnet import ops
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import floatx, standardize_dtype, xp
from glassnet.backend.naming import snake_case

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction, where="Loss"):
    """``reduction`` if it is one of Keras's, else a ValueError listing them.

    Args:
        reduction: "sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none" or
            None.
        where: the caller's name, for the error message.

    Example:

    >>> standardize_reduction("sum")
    'sum'
    >>> standardize_reduction("avg", where="MyLoss")
    Traceback (most recent call last):
    ...
    ValueError: MyLoss: reduction must be one of [...], got 'avg'
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"{where}: reduction must be one of {list(REDUCTIONS)}, got {reduction!r}")
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rule for labels against predictions whose rank differs by one through a final
    axis of size 1: (n,) against (n, 1) becomes (n, 1) against (n, 1) (or (n,) against (n,)
    when ``expand_rank_1`` is False); (n, k, 1) against (n, k) loses its last axis.

    Works on Tensors (through ops, so gradients flow) and on NumPy arrays.

    Args:
        x1: a Tensor or array (the labels).
        x2: a Tensor or array (the predictions).
        expand_rank_1: whether a rank-1 input gains an axis (True) or the other loses one.

    Returns:
        (x1, x2), reshaped where the rule applies, else as given.

    Example:

    >>> import numpy as np
    >>> a, b = squeeze_or_expand_to_same_rank(np.zeros(3), np.zeros((3, 1)))
    >>> a.shape, b.shape
    ((3, 1), (3, 1))
    """

    def expand(x):
        return ops.expand_dims(x, -1) if isinstance(x, Tensor) else xp.expand_dims(x, -1)

    def squeeze(x):
        return ops.squeeze(x, -1) if isinstance(x, Tensor) else xp.squeeze(x, -1)

    rank1, rank2 = xp.ndim(x1), xp.ndim(x2)
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = expand(x2)
        else:
            x1 = squeeze(x1)
    if rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = expand(x1)
        else:
            x2 = squeeze(x2)
    return x1, x2


def _mask_as_weights(mask, sample_weight, reduction, dtype):
    # for the averaging reductions a masked-out value must also leave the count, so the kept
    # ones are scaled by total / kept (Keras's rule)
    mask = xp.asarray(mask, dtype=bool)
    if reduction in ("mean", "sum_over_batch_size"):
        kept = mask.sum()
        scale = mask.size / kept if kept else 0.0
        weights = xp.where(mask, scale, 0.0).astype(dtype)
    else:
        weights = mask.astype(dtype)
    if sample_weight is None:
        return weights
    weights, sample_weight = squeeze_or_expand_to_same_rank(weights, sample_weight)
    return weights * sample_weight


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", where="loss"
):
    """Weight per-sample ``values`` (a Tensor) and reduce them to what a loss returns.

    Args:
        values: Tensor of per-sample (or per-element) losses.
        sample_weight: None, or weights of shape (batch,) or of ``values``' shape.
        mask: None, or booleans of ``values``' shape: False entries drop out of the reduction.
        reduction: one of Keras's reductions (see the module docstring).
        where: the loss's name, for error messages.

    Returns:
        Tensor: a scalar, or the weighted values for reduction "none"/None.

    Example:

    >>> import numpy as np
    >>> from glassnet import Tensor
    >>> values = Tensor(np.array([1.0, 2.0, 3.0]))
    >>> float(reduce_weighted_values(values, np.array([1.0, 0.0, 1.0]), reduction="sum"))
    4.0
    """
    standardize_reduction(reduction, where)
    values = as_tensor(values, where=where)
    weight = None
    if sample_weight is not None:
        weight = xp.asarray(getattr(sample_weight, "data", sample_weight), dtype=values.dtype)
    if mask is not None:
        weight = _mask_as_weights(mask, weight, reduction, values.dtype)
    if weight is not None:
        values, weight = squeeze_or_expand_to_same_rank(values, weight)
        if weight.ndim and values.ndim and weight.shape[0] != values.shape[0]:
            raise ValueError(
                f"{where}: sample_weight has {weight.shape[0]} entries for a batch of "
                f"{values.shape[0]}"
            )
        if 0 < weight.ndim < values.ndim:  # (batch,) weights against (batch, steps) losses
            weight = weight.reshape(weight.shape + (1,) * (values.ndim - weight.ndim))
        values = ops.multiply(values, weight)
    if reduction is None or reduction == "none" or values.shape in ((), (0,)):
        return values
    if (
        weight is None
        and reduction != "sum"
        and values.size
        and values.dtype in (xp.float32, xp.float64)
    ):
        return ops.mean(values)  # the same bits as sum / size for these dtypes, in one op
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weight is not None:
        divisor = float(xp.sum(weight))
    else:
        divisor = float(values.size)
    return ops.divide(total, divisor) if divisor else ops.multiply(total, 0.0)


class Loss:
    """Base class of losses: ``loss(y_true, y_pred, sample_weight=None)`` -> a scalar Tensor.

    Subclasses implement ``call(y_true, y_pred)``, returning per-sample losses as a Tensor
    (composed from ``glassnet.ops``, so they are differentiable).

    Args:
        name: the loss's name (default: the class name in snake_case).
        reduction: "sum_over_batch_size" (default), "sum", "mean", "mean_with_sample_weight",
            "none" or None; see ``glassnet.losses.loss``.
        dtype: the float dtype inputs are cast to. None keeps the predictions' float dtype
            (so float64 inputs stay float64); ``loss.dtype`` then reports floatx, as Keras's.

    Example:

    >>> import numpy as np
    >>> from glassnet import losses, ops
    >>> class MeanCubedError(losses.Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ops.mean(ops.abs(y_pred - y_true) ** 3, axis=-1)
    >>> float(MeanCubedError()(np.array([[0.0, 0.0]]), np.array([[1.0, 2.0]])))
    4.5
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction, type(self).__name__)
        self._dtype = None if dtype is None else standardize_dtype(dtype)

    @property
    def dtype(self):
        """The dtype inputs are cast to (floatx unless one was given)."""
        return floatx() if self._dtype is None else self._dtype.name

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = as_tensor(y_pred, where=self.name)
        if self._dtype is not None and y_pred.dtype != self._dtype:
            y_pred = ops.cast(y_pred, self._dtype)
        elif y_pred.dtype.kind != "f":
            y_pred = ops.cast(y_pred, floatx())
        y_true = as_tensor(y_true, like=y_pred, where=self.name)
        if y_true.dtype.kind == "f" and y_true.dtype != y_pred.dtype:
            y_true = ops.cast(y_true, y_pred.dtype)
        values = self.call(y_true, y_pred)
        mask = self._mask(y_true, y_pred, values)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.name)

    def call(self, y_true, y_pred):
        """Per-sample losses (a Tensor) for the batch; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define call(y_true, y_pred)")

    def _mask(self, y_true, y_pred, values):
        # booleans of values' shape for losses whose values may drop out (ignore_class, Circle)
        return None

    def get_config(self):
        """The constructor arguments as a dict (Keras's keys)."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        """The loss from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name} reduction={self.reduction}>"
