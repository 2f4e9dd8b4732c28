"""Keras's core ops on tensors: scatter and slice updates, segment reductions, saturating casts,
unstack, and the questions about a tensor (is_tensor, dtype).

Each differentiable op has its backward under its forward. Writing into a copy (scatter_update,
slice_update) sends the output's gradient to the input everywhere except the overwritten cells,
which send theirs to the updates instead.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.segment_sum(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 1])).data.tolist()
[3.0, 3.0]
"""

import builtins
import math

from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops.elementwise import cast, clip
from glassnet.ops.manipulation import getitem
from glassnet.ops.operation import keras_op


def _integer_array(value, name, where):
    array = xp.asarray(getattr(value, "data", value))
    if array.dtype.kind not in "iu":
        raise TypeError(f"{where}: {name} must be integers, got dtype {array.dtype}")
    return array


def _index_tuple(indices, where, ndim):
    """(N, k) integer indices -> the tuple of k index arrays NumPy's fancy indexing takes."""
    if indices.ndim == 0 or indices.shape[-1] > ndim:
        raise ValueError(
            f"{where}: indices need a last axis of at most {ndim} coordinates, "
            f"got shape {indices.shape}"
        )
    return tuple(indices.reshape(-1, indices.shape[-1]).T)


@keras_op
def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (repeats add up).

    Args:
        indices: integers (..., k): each row the coordinates of one slice of the first k axes.
        values: (..., *shape[k:]) the values to place.
        shape: the output shape.

    Returns:
        tensor of ``shape`` and values' dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.scatter(np.array([[0], [2], [0]]), np.array([1.0, 2.0, 3.0]), (4,)).data.tolist()
    [4.0, 0.0, 2.0, 0.0]
    """
    values = as_tensor(values, where="scatter")
    shape = tuple(int(n) for n in shape)
    indices = _integer_array(indices, "indices", "scatter")
    index = _index_tuple(indices, "scatter", len(shape))
    rows = values.data.reshape((-1,) + shape[indices.shape[-1] :])
    out = xp.zeros(shape, dtype=values.dtype)
    xp.add.at(out, index, rows)

    def backward(grad_output):  # dL/dvalues = g gathered at the indices
        return (grad_output[index].reshape(values.shape),)

    return from_op(out, (values,), backward)


_REDUCTIONS = {"add": xp.add, "max": xp.maximum, "min": xp.minimum, "mul": xp.multiply}


@keras_op
def scatter_update(inputs, indices, updates, reduction=None):
    """A copy of ``inputs`` with ``updates`` written at ``indices``.

    Args:
        inputs: the tensor to update (not modified: the result is a new tensor).
        indices: integers (N, k), each row the coordinates of one slice of the first k axes.
        updates: (N, *inputs.shape[k:]).
        reduction: None to overwrite, or "add", "max", "min", "mul" to combine with what is
            there (repeated indices combine too).

    Returns:
        tensor of inputs' shape and dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.scatter_update(np.zeros(3), np.array([[1]]), np.array([5.0])).data.tolist()
    [0.0, 5.0, 0.0]
    """
    x = as_tensor(inputs, where="scatter_update")
    u = as_tensor(updates, like=x, where="scatter_update")
    if reduction is not None and reduction not in _REDUCTIONS:
        raise ValueError(
            f"scatter_update: reduction must be None or one of {sorted(_REDUCTIONS)}, "
            f"got {reduction!r}"
        )
    indices = _integer_array(indices, "indices", "scatter_update")
    index = _index_tuple(indices, "scatter_update", x.ndim)
    rows = u.data.astype(x.dtype, copy=False).reshape((-1,) + x.shape[indices.shape[-1] :])
    out = x.data.copy()
    if reduction is None:
        out[index] = rows
    else:
        _REDUCTIONS[reduction].at(out, index, rows)

    def backward(grad_output):
        if reduction in (None, "add"):
            # overwritten cells give their gradient to the updates only; added ones to both
            grad_x = grad_output.copy()
            if reduction is None:
                grad_x[index] = 0
            grad_u = grad_output[index]
        elif reduction == "mul":  # out = x * prod(u): d/dx = prod(u), d/du_j = x * prod(u != j)
            factor = xp.ones_like(x.data)
            xp.multiply.at(factor, index, rows)
            grad_x = grad_output * factor
            cells = xp.ravel_multi_index(index, x.shape[: len(index)])
            others = _products_of_others(rows, cells, math.prod(x.shape[: len(index)]))
            grad_u = grad_output[index] * x.data[index] * others
        else:  # max / min: the gradient goes to whichever value won
            won_by_update = xp.zeros(x.shape, dtype=bool)
            won_by_update[index] = out[index] == rows
            grad_x = xp.where(won_by_update, 0, grad_output) * (x.data == out)
            grad_u = grad_output[index] * (out[index] == rows)
        return grad_x, grad_u.reshape(u.shape)

    return from_op(out, (x, u), backward)


def _slices(start_indices, sizes, where, shape):
    starts = [int(s) for s in xp.asarray(getattr(start_indices, "data", start_indices)).ravel()]
    if len(starts) != len(shape) or len(sizes) != len(shape):
        raise ValueError(
            f"{where}: start_indices {starts} and sizes {tuple(sizes)} need one entry per axis "
            f"of the input's shape {shape}"
        )
    for start, size, n in zip(starts, sizes, shape):
        if start < 0 or start + size > n:
            raise ValueError(
                f"{where}: a block of sizes {tuple(sizes)} at {starts} does not fit in {shape}"
            )
    return tuple(builtins.slice(s, s + n) for s, n in zip(starts, sizes))


@keras_op
def slice(inputs, start_indices, shape):
    """The block of ``inputs`` of size ``shape`` starting at ``start_indices``.

    Args:
        inputs: tensor.
        start_indices: one start per axis.
        shape: the size of the block along each axis (-1: to the end).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.slice(np.arange(10), [2], [3]).data.tolist()
    [2, 3, 4]
    """
    x = as_tensor(inputs, where="slice")
    starts = [int(s) for s in xp.asarray(getattr(start_indices, "data", start_indices)).ravel()]
    sizes = [n - s if int(size) == -1 else int(size) for size, s, n in zip(shape, starts, x.shape)]
    return getitem(x, _slices(starts, sizes, "slice", x.shape))


@keras_op
def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``.

    Args:
        inputs: tensor.
        start_indices: one non-negative start per axis of ``inputs`` (list, array or tensor).
        updates: tensor of the same rank as ``inputs``; its shape is the size of the block, which
            must fit inside ``inputs``; its values are stored in ``inputs``' dtype.

    Returns:
        a new tensor of ``inputs``' shape and dtype; the gradient of the block goes to
        ``updates``, the rest to ``inputs``.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.slice_update(np.zeros(4), [1], np.array([7.0, 8.0])).data.tolist()
    [0.0, 7.0, 8.0, 0.0]
    """
    x = as_tensor(inputs, where="slice_update")
    u = as_tensor(updates, like=x, where="slice_update")
    block = _slices(start_indices, u.shape, "slice_update", x.shape)
    out = x.data.copy()
    out[block] = u.data

    def backward(grad_output):  # the block's gradient goes to the updates, the rest to inputs
        grad_x = grad_output.copy()
        grad_x[block] = 0
        return grad_x, grad_output[block]

    return from_op(out, (x, u), backward)


def _segments(data, segment_ids, num_segments, where):
    """(data tensor, ids, number of segments, rows kept); negative ids are dropped, as in Keras."""
    x = as_tensor(data, where=where)
    ids = _integer_array(segment_ids, "segment_ids", where)
    if ids.ndim != 1 or x.ndim == 0 or ids.shape[0] != x.shape[0]:
        raise ValueError(
            f"{where}: segment_ids must be 1-D with one id per row of data, got shapes "
            f"{ids.shape} and {x.shape}"
        )
    count = int(ids.max()) + 1 if num_segments is None and ids.size else int(num_segments or 0)
    kept = (ids >= 0) & (ids < count)
    return x, ids, count, kept


@keras_op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sums of the rows of ``data`` that share a segment id.

    Args:
        data: (N, ...) tensor.
        segment_ids: (N,) integers; rows with a negative id are left out.
        num_segments: the number of segments (default: max id + 1).
        sorted: accepted for Keras compatibility (the ids need not be sorted).

    Returns:
        (num_segments, ...) tensor; empty segments are 0.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.segment_sum(np.array([1.0, 2.0, 4.0]), np.array([1, 1, 0])).data.tolist()
    [4.0, 3.0]
    """
    x, ids, count, kept = _segments(data, segment_ids, num_segments, "segment_sum")
    out = xp.zeros((count,) + x.shape[1:], dtype=x.dtype)
    xp.add.at(out, ids[kept], x.data[kept])

    def backward(grad_output):  # dL/dx_i = g[segment of i]
        grad = xp.zeros_like(x.data, dtype=grad_output.dtype)
        grad[kept] = grad_output[ids[kept]]
        return (grad,)

    return from_op(out, (x,), backward)


def _segment_extreme(data, segment_ids, num_segments, ufunc, where):
    x, ids, count, kept = _segments(data, segment_ids, num_segments, where)
    # an empty segment holds the dtype's lowest (highest) value, as Keras on TensorFlow gives
    low, high = _limits(x.dtype)
    empty = low if ufunc is xp.maximum else high
    out = xp.full((count,) + x.shape[1:], empty, dtype=x.dtype)
    ufunc.at(out, ids[kept], x.data[kept])

    def backward(grad_output):  # the gradient goes to the rows that reached the extreme, shared
        winners = xp.zeros(x.shape, dtype=bool)
        winners[kept] = x.data[kept] == out[ids[kept]]
        ties = xp.zeros(out.shape, dtype=grad_output.dtype)
        xp.add.at(ties, ids[kept], winners[kept].astype(grad_output.dtype))
        grad = xp.zeros(x.shape, dtype=grad_output.dtype)
        grad[kept] = xp.where(winners[kept], grad_output[ids[kept]] / ties[ids[kept]], 0)
        return (grad,)

    return from_op(out, (x,), backward)


@keras_op
def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maxima of the rows of ``data`` that share a segment id (empty segments: the dtype's
    lowest value, e.g. -3.4e38 for float32).

    Rows tied for the maximum share its gradient equally.

    Args:
        data: (N, ...) tensor.
        segment_ids: (N,) integers; rows with a negative id are left out.
        num_segments: the number of segments (default: max id + 1).
        sorted: accepted for Keras compatibility (the ids need not be sorted).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.segment_max(np.array([1.0, 5.0, 4.0]), np.array([0, 0, 1])).data.tolist()
    [5.0, 4.0]
    """
    return _segment_extreme(data, segment_ids, num_segments, xp.maximum, "segment_max")


@keras_op
def segment_min(data, segment_ids, num_segments=None, sorted=False):
    """Minima of the rows of ``data`` that share a segment id (empty segments: the dtype's
    highest value).

    Rows tied for the minimum share its gradient equally.

    Args:
        data: (N, ...) tensor.
        segment_ids: (N,) integers; rows with a negative id are left out.
        num_segments: the number of segments (default: max id + 1).
        sorted: accepted for Keras compatibility (the ids need not be sorted).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.segment_min(np.array([1.0, 5.0, 4.0]), np.array([0, 0, 1])).data.tolist()
    [1.0, 4.0]
    """
    return _segment_extreme(data, segment_ids, num_segments, xp.minimum, "segment_min")


def _products_of_others(rows, segment, count):
    """For each row, the product of the other rows of its segment, exact when there are zeros:
    with no zero in the segment it is product / row; with one, only the zero row gets the
    product of the rest; with more, every row gets 0."""
    is_zero = rows == 0
    zeros = xp.zeros((count,) + rows.shape[1:], dtype=xp.int64)
    xp.add.at(zeros, segment, is_zero.astype(xp.int64))
    nonzero_product = xp.ones((count,) + rows.shape[1:], dtype=rows.dtype)
    xp.multiply.at(nonzero_product, segment, xp.where(is_zero, 1, rows))
    zeros_here, product_here = zeros[segment], nonzero_product[segment]
    return xp.where(
        zeros_here == 0,
        product_here / xp.where(is_zero, 1, rows),
        xp.where((zeros_here == 1) & is_zero, product_here, 0),
    )


@keras_op
def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    """Products of the rows of ``data`` that share a segment id (empty segments: 1).

    Args:
        data: (N, ...) tensor.
        segment_ids: (N,) integers; rows with a negative id are left out.
        num_segments: the number of segments (default: max id + 1).
        sorted: accepted for Keras compatibility (the ids need not be sorted).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.segment_prod(np.array([2.0, 3.0, 4.0]), np.array([0, 0, 1])).data.tolist()
    [6.0, 4.0]
    """
    x, ids, count, kept = _segments(data, segment_ids, num_segments, "segment_prod")
    out = xp.ones((count,) + x.shape[1:], dtype=x.dtype)
    xp.multiply.at(out, ids[kept], x.data[kept])

    def backward(grad_output):  # dL/dx_i = g * (product of the other rows of its segment)
        grad = xp.zeros(x.shape, dtype=grad_output.dtype)
        others = _products_of_others(x.data[kept], ids[kept], count)
        grad[kept] = grad_output[ids[kept]] * others
        return (grad,)

    return from_op(out, (x,), backward)


def _limits(dtype):
    if dtype.kind == "b":
        return 0, 1
    if dtype.kind in "iu":
        return xp.iinfo(dtype).min, xp.iinfo(dtype).max
    return xp.finfo(dtype).min, xp.finfo(dtype).max


@keras_op
def saturate_cast(x, dtype):
    """Cast to ``dtype``, first clipping to the range it can hold (no wrap-around).

    Args:
        x: tensor.
        dtype: the target dtype.

    Returns:
        tensor of ``dtype``; for float -> float it keeps a gradient where x was not clipped.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.saturate_cast(np.array([-1.0, 300.0]), "uint8").data.tolist()
    [0, 255]
    """
    x = as_tensor(x, where="saturate_cast")
    target = xp.dtype(dtype)
    in_low, in_high = _limits(x.dtype)
    out_low, out_high = _limits(target)
    # the target's limits may not be representable in x's dtype (float32 cannot hold
    # 2**31 - 1): step them inwards until they are (compared as Python numbers, which is exact)
    low = xp.asarray(builtins.max(in_low, out_low)).astype(x.dtype)
    if low.item() < out_low:
        low = xp.nextafter(low, 0, dtype=x.dtype)
    high = xp.asarray(builtins.min(in_high, out_high)).astype(x.dtype)
    if high.item() > out_high:
        high = xp.nextafter(high, 0, dtype=x.dtype)
    return cast(clip(x, low, high), target)


def is_tensor(x):
    """True for a glassnet Tensor (a Variable too) or a symbolic KerasTensor (a question about
    its argument, so not recorded in graphs).

    Args:
        x: any value.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.is_tensor(ops.convert_to_tensor(1.0)), ops.is_tensor(np.ones(2))
    (True, False)
    """
    return isinstance(x, (Tensor, SymbolicTensor))


def dtype(x):
    """The dtype of x as Keras's standard string ('float32', 'int64', 'bool'...).

    Args:
        x: a tensor, array, NumPy scalar or anything ``convert_to_tensor`` accepts.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.dtype(np.ones(2, dtype="float16"))
    'float16'
    """
    value = getattr(x, "dtype", None)
    if value is None:
        value = as_tensor(x, where="dtype").dtype
    return str(xp.dtype(value))


@keras_op
def unstack(x, num=None, axis=0):
    """The slices of x along ``axis``, as a list of tensors.

    Args:
        x: tensor.
        num: the expected number of slices (checked when given).
        axis: the axis to take apart.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> [t.data.tolist() for t in ops.unstack(np.array([[1, 2], [3, 4]]), axis=1)]
    [[1, 3], [2, 4]]
    """
    x = as_tensor(x, where="unstack")
    axis = axis % x.ndim
    if num is not None and int(num) != x.shape[axis]:
        raise ValueError(f"unstack: num={num} but x has {x.shape[axis]} slices along axis {axis}")
    lead = (builtins.slice(None),) * axis
    return [getitem(x, lead + (i,)) for i in range(x.shape[axis])]
