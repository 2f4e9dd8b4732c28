"""Sorting and searching: sort, argsort, argpartition, top_k, in_top_k, searchsorted, digitize,
unique.

Sorted values (``sort``, the values of ``top_k``) are differentiable: each output is a gathered
input, and the gradient goes back to where it came from. Indices, positions and ``unique`` are
int32 Tensors outside the graph, as Keras returns them.

Example:

>>> from glassnet import ops
>>> values, indices = ops.top_k([1.0, 3.0, 2.0], k=2)
>>> values.data.tolist(), indices.data.tolist()
([3.0, 2.0], [1, 2])
"""

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import xp
from glassnet.ops._promotion import array_of
from glassnet.ops.manipulation import reshape, take_along_axis
from glassnet.ops.operation import keras_op


def _raw(x):
    return xp.asarray(array_of(x))


def _stable_argsort(data, axis, descending=False):
    """Indices that sort ``data`` along ``axis``; equal values keep their order (the lower
    index first), also when descending."""
    if descending:
        if data.dtype.kind in "bu":
            data = data.astype(xp.int64)
        data = -data
    return xp.argsort(data, axis=axis, kind="stable")


@keras_op
def sort(x, axis=-1):
    """x sorted in ascending order along ``axis`` (None: the flattened x).

    Args:
        x: tensor.
        axis: int or None.

    Returns:
        tensor; the gradient of each output goes to the input it came from.

    Example:

    >>> from glassnet import ops
    >>> ops.sort([[3, 1, 2]]).data.tolist()
    [[1, 2, 3]]
    """
    x = as_tensor(x, where="sort")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    if x.ndim == 0:
        return x
    return take_along_axis(x, _stable_argsort(x.data, axis), axis=axis)


@keras_op
def argsort(x, axis=-1):
    """Indices that sort x in ascending order along ``axis`` (stable: ties keep their order).

    Args:
        x: tensor.
        axis: int or None (the flattened x).

    Returns:
        int32 tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.argsort([3, 1, 2]).data.tolist()
    [1, 2, 0]
    """
    data = _raw(x)
    if data.ndim == 0:
        return Tensor(xp.zeros(1, dtype="int32"))
    if axis is None:
        data, axis = data.reshape(-1), 0
    return Tensor(_stable_argsort(data, axis).astype("int32"))


@keras_op
def argpartition(x, kth, axis=-1):
    """Indices that partially sort x along ``axis``: the element at position ``kth`` is where a
    full sort would put it, smaller ones before it and larger ones after (in no set order).

    Args:
        x: tensor.
        kth: the position to put in place (or a sequence of positions).
        axis: int or None (the flattened x).

    Returns:
        int32 tensor.

    Example:

    >>> from glassnet import ops
    >>> int(ops.argpartition([3, 4, 2, 1], 1).data[1])
    2
    """
    data = _raw(x)
    if axis is None:
        data, axis = data.reshape(-1), 0
    return Tensor(xp.argpartition(data, kth, axis=axis).astype("int32"))


@keras_op
def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their indices.

    Equal values are taken in order of their index (the lower first), as TensorFlow does.

    Args:
        x: tensor, (..., n).
        k: how many, at most n.
        sorted: return them largest first (they always are here).

    Returns:
        (values, indices): values (..., k) of x's dtype, differentiable; indices (..., k) int32.

    Example:

    >>> from glassnet import ops
    >>> [t.data.tolist() for t in ops.top_k([[1, 5, 3]], 2)]
    [[[5, 3]], [[1, 2]]]
    """
    x = as_tensor(x, where="top_k")
    if x.ndim == 0 or not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k: k must lie in [0, {x.shape[-1] if x.ndim else 0}], got {k}")
    indices = _stable_argsort(x.data, -1, descending=True)[..., :k]
    return take_along_axis(x, indices, axis=-1), Tensor(indices.astype("int32"))


@keras_op
def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions of its row.

    A target counts when fewer than k classes score strictly higher (ties count in its favour);
    a non-finite target score never counts.

    Args:
        targets: (batch,) integer class ids.
        predictions: (batch, classes) scores.
        k: int.

    Returns:
        (batch,) bool tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.in_top_k([1, 0], [[0.1, 0.9, 0.5], [0.1, 0.9, 0.5]], 2).data.tolist()
    [True, False]
    """
    targets, predictions = _raw(targets), _raw(predictions)
    if predictions.ndim != 2 or targets.shape != predictions.shape[:1]:
        raise ValueError(
            f"in_top_k: expected targets (batch,) and predictions (batch, classes), got "
            f"{targets.shape} and {predictions.shape}"
        )
    scores = xp.take_along_axis(predictions, targets[:, None].astype(xp.int64), axis=1)
    higher = (predictions > scores).sum(axis=1)
    return Tensor((higher < k) & xp.isfinite(scores[:, 0]))


@keras_op
def searchsorted(sorted_sequence, values, side="left"):
    """Where ``values`` would go in the 1-D ascending ``sorted_sequence`` to keep it sorted.

    Args:
        sorted_sequence: 1-D ascending tensor.
        values: tensor of any shape.
        side: "left" (first suitable position) or "right" (last).

    Returns:
        int32 tensor of values' shape.

    Example:

    >>> from glassnet import ops
    >>> ops.searchsorted([1, 3, 5], [3, 4], side="right").data.tolist()
    [2, 2]
    """
    sequence = _raw(sorted_sequence)
    if sequence.ndim != 1:
        raise ValueError(
            f"searchsorted: sorted_sequence must be 1-D, got shape {sequence.shape}; apply it per "
            "row with ops.vectorized_map for N-D sequences"
        )
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    return Tensor(xp.searchsorted(sequence, _raw(values), side=side).astype("int32"))


@keras_op
def digitize(x, bins):
    """The index of the bin each value of x falls in: i with bins[i-1] <= x < bins[i].

    Args:
        x: tensor.
        bins: 1-D ascending bin edges.

    Returns:
        int32 tensor of x's shape (0 below the first edge, len(bins) from the last one on).

    Example:

    >>> from glassnet import ops
    >>> ops.digitize([0.5, 1.0, 2.5], [1.0, 2.0]).data.tolist()
    [0, 1, 2]
    """
    return Tensor(xp.digitize(_raw(x), _raw(bins)).astype("int32"))


@keras_op
def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """The distinct values of x (distinct slices along ``axis``), optionally with where each was
    first seen, how to rebuild x from them, and how often each occurs.

    Args:
        x: tensor.
        sorted: ascending order; False keeps the order of first appearance.
        return_index: also return the index of each value's first occurrence.
        return_inverse: also return, for each element of x, the index of its value.
        return_counts: also return how many times each value occurs.
        axis: None (flatten x) or the axis whose slices are compared.
        size: pad (with ``fill_value``, default 0) or cut the result to this many values.
        fill_value: the padding value.

    Returns:
        the values, or a tuple (values, [index], [inverse], [counts]); indices and counts int32.

    Example:

    >>> from glassnet import ops
    >>> values, counts = ops.unique([3, 1, 3, 2], return_counts=True)
    >>> values.data.tolist(), counts.data.tolist()
    ([1, 2, 3], [1, 1, 2])
    """
    data = _raw(x)
    values, first, inverse, counts = xp.unique(
        data, return_index=True, return_inverse=True, return_counts=True, axis=axis
    )
    inverse = inverse.reshape(data.shape if axis is None else (-1,))
    dim = 0 if axis is None else axis % data.ndim
    if not sorted:  # order of first appearance
        order = xp.argsort(first, kind="stable")
        values = xp.take(values, order, axis=dim)
        first, counts = first[order], counts[order]
        inverse = xp.argsort(order)[inverse]
    if size is not None:
        found = values.shape[dim]
        values = xp.take(values, xp.arange(min(found, size)), axis=dim)
        first, counts = first[:size], counts[:size]
        missing = max(0, size - found)
        widths = [(0, missing if a == dim else 0) for a in range(values.ndim)]
        values = xp.pad(values, widths, constant_values=0 if fill_value is None else fill_value)
        first = xp.pad(first, (0, missing), constant_values=1)
        counts = xp.pad(counts, (0, missing), constant_values=0)
    outputs = [Tensor(values)]
    if return_index:
        outputs.append(Tensor(first.astype("int32")))
    if return_inverse:
        outputs.append(Tensor(inverse.astype("int32")))
    if return_counts:
        outputs.append(Tensor(counts.astype("int32")))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)
