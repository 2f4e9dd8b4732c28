"""Turning class ids into vectors.

Example:

>>> from glassnet import ops
>>> ops.one_hot([0, 2], 3).data.tolist()
[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
"""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import standardize_dtype, xp
from glassnet.ops.operation import keras_op


@keras_op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer class ids (any shape) -> one-hot vectors along a new ``axis``.

    Ids outside [0, num_classes) are refused rather than silently turned into zero rows. The
    result has no gradient.

    Args:
        x: integer class ids (floats holding whole numbers are accepted), any shape.
        num_classes: the length of each vector.
        axis: where the new axis goes (default: last).
        dtype: the result's dtype (default: floatx).
        sparse: Keras's option for a sparse result; glassnet's tensors are dense, so only
            False is accepted.

    Returns:
        A tensor of shape ``x.shape`` with ``num_classes`` inserted at ``axis``.

    Raises:
        TypeError: for ids that are not integers.
        ValueError: for ids outside [0, num_classes), or ``sparse=True``.

    Example:

    >>> from glassnet import ops
    >>> ops.one_hot([1, 0], 2, axis=0, dtype="int32").data.tolist()
    [[0, 1], [1, 0]]
    """
    if sparse:
        raise ValueError("one_hot: glassnet has no sparse tensors; use sparse=False")
    labels = xp.asarray(x.data if isinstance(x, Tensor) else x)
    if labels.dtype.kind == "f" and xp.all(labels == xp.round(labels)):
        labels = labels.astype(xp.int64)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer class ids, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"one_hot: class ids must lie in [0, {num_classes}), got values from {labels.min()} "
            f"to {labels.max()}"
        )
    out = (labels[..., None] == xp.arange(num_classes)).astype(standardize_dtype(dtype))
    if axis != -1 and axis != labels.ndim:
        out = xp.moveaxis(out, -1, axis)
    return Tensor(out)
