"""Ops that move values around without changing them: reshape, transpose, broadcast, join, split,
index, pad, flip, roll, tile, diagonals.

Their backwards move the gradient back the same way.
"""

import math

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import normalize_axes, unbroadcast
from glassnet.ops._promotion import array_of, dtype_of, result_type, to_dtype
from glassnet.ops.operation import keras_op


@keras_op
def reshape(x, newshape):
    """Same values, new shape (one dimension may be -1).

    Args:
        x: tensor.
        newshape: int or tuple of ints with the same number of values as x; one entry may be -1,
            inferred from the others.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.reshape(np.arange(6.0), (2, -1)).shape
    (2, 3)
    """
    x = as_tensor(x, where="reshape")
    newshape = (newshape,) if isinstance(newshape, int) else tuple(int(n) for n in newshape)
    known = math.prod(n for n in newshape if n != -1)
    if (-1 in newshape and (known == 0 or x.size % known)) or (
        -1 not in newshape and known != x.size
    ):
        raise ValueError(
            f"reshape: cannot reshape an input of shape {x.shape} ({x.size} values) into {newshape}"
        )

    def backward(grad_output):
        return (grad_output.reshape(x.shape),)

    return from_op(x.data.reshape(newshape), (x,), backward)


@keras_op
def transpose(x, axes=None):
    """Permute the axes (default: reverse them).

    Args:
        x: tensor.
        axes: a permutation of x's axes (negative values count from the end); None reverses
            them.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> x = np.zeros((2, 3, 4))
    >>> ops.transpose(x).shape, ops.transpose(x, (0, 2, 1)).shape
    ((4, 3, 2), (2, 4, 3))
    """
    x = as_tensor(x, where="transpose")
    axes = tuple(range(x.ndim))[::-1] if axes is None else tuple(a % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise ValueError(
            f"transpose: axes {axes} are not a permutation of the {x.ndim} axes of shape {x.shape}"
        )
    inverse = tuple(xp.argsort(axes))

    def backward(grad_output):
        return (grad_output.transpose(inverse),)

    return from_op(x.data.transpose(axes), (x,), backward)


@keras_op
def permute_dims(x, axes):
    """Keras 3's name for transpose with explicit axes.

    Args:
        x: tensor.
        axes: a permutation of x's axes: output axis i is input axis ``axes[i]``.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.permute_dims(np.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    return transpose(x, axes)


@keras_op
def swapaxes(x, axis1, axis2):
    """x with two axes exchanged (a transpose; the gradient swaps them back).

    Args:
        x: tensor.
        axis1: an axis of x (negative values count from the end).
        axis2: the axis to exchange it with.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.swapaxes(np.zeros((2, 3, 4)), 0, -1).shape
    (4, 3, 2)
    """
    x = as_tensor(x, where="swapaxes")
    axes = list(range(x.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, axes)


@keras_op
def broadcast_to(x, shape):
    """x repeated along new or size-1 axes to ``shape``.

    Args:
        x: tensor.
        shape: tuple of ints that x's shape broadcasts to (NumPy's rules).

    Returns:
        tensor of ``shape``; the gradient sums the copies back into x's shape.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.broadcast_to([1.0, 2.0], (3, 2)).shape
    (3, 2)
    """
    x = as_tensor(x, where="broadcast_to")
    shape = tuple(shape)
    try:
        out = xp.broadcast_to(x.data, shape)
    except ValueError:
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}") from None

    def backward(grad_output):  # copies receive the same gradient: sum them back
        return (unbroadcast(grad_output, x.shape),)

    return from_op(out, (x,), backward)


@keras_op
def expand_dims(x, axis):
    """Insert a size-1 axis at ``axis``.

    Args:
        x: tensor.
        axis: int (or tuple of ints): the position(s) of the new axes in the result; negative
            values count from the end.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.expand_dims(np.zeros((2, 3)), -1).shape
    (2, 3, 1)
    """
    x = as_tensor(x, where="expand_dims")

    def backward(grad_output):
        return (grad_output.reshape(x.shape),)

    return from_op(xp.expand_dims(x.data, axis), (x,), backward)


@keras_op
def squeeze(x, axis=None):
    """Remove size-1 axes (all of them, or those in ``axis``).

    Args:
        x: tensor.
        axis: int or tuple of ints, each an axis of size 1; None removes every size-1 axis.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.squeeze(np.zeros((1, 2, 1))).shape, ops.squeeze(np.zeros((1, 2, 1)), axis=0).shape
    ((2,), (2, 1))
    """
    x = as_tensor(x, where="squeeze")
    if axis is not None:
        for a in normalize_axes(axis, x.ndim, "squeeze"):
            if x.shape[a] != 1:
                raise ValueError(
                    f"squeeze: axis {a} of shape {x.shape} has size {x.shape[a]}, not 1"
                )

    def backward(grad_output):
        return (grad_output.reshape(x.shape),)

    return from_op(xp.squeeze(x.data, axis=axis), (x,), backward)


@keras_op
def flatten(x):
    """All axes but the first folded into one: (batch, ...) -> (batch, prod(...)).

    Args:
        x: tensor (a 0-d one becomes shape (1,)).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.flatten(np.zeros((2, 3, 4))).shape
    (2, 12)
    """
    x = as_tensor(x, where="flatten")
    return reshape(x, (x.shape[0], -1) if x.ndim else (1,))


def _sequence(xs, op):
    """The tensors of a list, converted to Keras's common dtype when their dtypes differ."""
    if isinstance(xs, (Tensor, xp.ndarray)) or not len(xs):
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    tensors = [as_tensor(t, where=op) for t in xs]
    if len({t.dtype for t in tensors}) > 1:
        dtype = result_type(*[dtype_of(raw) for raw in xs])
        tensors = [to_dtype(t, dtype) for t in tensors]
    return tensors


@keras_op
def concatenate(xs, axis=0):
    """Join tensors along an existing axis.

    Args:
        xs: non-empty list of tensors whose shapes match on every axis but ``axis``; different
            dtypes meet at Keras's common dtype.
        axis: the axis to join along; default 0.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.concatenate([np.zeros((2, 3)), np.ones((1, 3))]).shape
    (3, 3)
    """
    tensors = _sequence(xs, "concatenate")
    try:
        out = xp.concatenate([t.data for t in tensors], axis=axis)
    except ValueError:
        raise ValueError(
            f"concatenate: shapes {[t.shape for t in tensors]} must match on every axis but {axis}"
        ) from None
    ends = xp.cumsum([t.shape[axis] for t in tensors])[:-1]

    def backward(grad_output):  # each input gets its own slice of g
        return tuple(xp.split(grad_output, ends, axis=axis))

    return from_op(out, tuple(tensors), backward)


@keras_op
def stack(x, axis=0):
    """Join tensors of one shape along a new axis.

    Args:
        x: non-empty list of tensors of one shape; different dtypes meet at Keras's common dtype.
        axis: the position of the new axis in the result; default 0.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.stack([np.zeros(3), np.ones(3)], axis=1).shape
    (3, 2)
    """
    tensors = _sequence(x, "stack")
    shapes = {t.shape for t in tensors}
    if len(shapes) != 1:
        raise ValueError(
            f"stack: all tensors must have the same shape, got {[t.shape for t in tensors]}"
        )
    out = xp.stack([t.data for t in tensors], axis=axis)

    def backward(grad_output):
        return tuple(xp.moveaxis(grad_output, axis, 0))

    return from_op(out, tuple(tensors), backward)


@keras_op
def getitem(x, index):
    """x[index]: basic slicing, boolean masks and integer-array gather (repeated indices add up).

    Args:
        x: tensor.
        index: anything NumPy indexing accepts (int, slice, Ellipsis, None, bool mask, integer
            array or list, or a tuple of these); Tensors inside it are read as their arrays.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.getitem(np.arange(5.0), [0, 0, 4]).data.tolist()
    [0.0, 0.0, 4.0]
    """
    x = as_tensor(x, where="getitem")
    index = _raw_index(index)
    try:
        out = x.data[index]
    except IndexError as error:
        raise IndexError(
            f"getitem: index {index!r} does not fit shape {x.shape}: {error}"
        ) from None
    gathers = _has_integer_array(index)

    def backward(grad_output):  # scatter g back to where the values came from
        grad = xp.zeros(x.shape, dtype=grad_output.dtype)
        if gathers:
            xp.add.at(grad, index, grad_output)
        else:
            grad[index] = grad_output
        return (grad,)

    return from_op(xp.asarray(out), (x,), backward)


def _raw_index(index):
    if isinstance(index, Tensor):
        return index.data
    if isinstance(index, tuple):
        return tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        return xp.asarray(index)
    return index


def _has_integer_array(index):
    parts = index if isinstance(index, tuple) else (index,)
    return any(isinstance(p, xp.ndarray) and p.dtype.kind in "iu" for p in parts)


@keras_op
def take(x, indices, axis=None):
    """Gather entries of x at integer ``indices`` along ``axis`` (None: of the flattened x).

    Args:
        x: tensor.
        indices: integer tensor, array or list; negative values count from the end.
        axis: the axis to gather along; None (the default) gathers from the flattened x.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.take(np.arange(6.0).reshape(2, 3), [2, 0], axis=1).data.tolist()
    [[2.0, 0.0], [5.0, 3.0]]
    """
    x = as_tensor(x, where="take")
    indices = xp.asarray(array_of(indices))
    if indices.dtype.kind not in "iu":
        raise TypeError(f"take: indices must be integers, got dtype {indices.dtype}")
    if axis is None:
        return getitem(reshape(x, (-1,)), indices)
    axis = axis % x.ndim
    size = x.shape[axis]
    if indices.size and (indices.max() >= size or indices.min() < -size):
        raise IndexError(
            f"take: indices must lie in [{-size}, {size}) for axis {axis} of shape {x.shape}, "
            f"got range [{indices.min()}, {indices.max()}]"
        )
    return getitem(x, (slice(None),) * axis + (indices,))


@keras_op
def split(x, indices_or_sections, axis=0):
    """Cut x into pieces along ``axis``: a number of equal sections, or at the given indices.

    Args:
        x: tensor.
        indices_or_sections: an int that divides x's size along ``axis`` (the number of equal
            pieces), or a sorted list of the indices to cut at.
        axis: the axis to cut; default 0.

    Returns:
        list of tensors.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> [piece.shape for piece in ops.split(np.zeros((6, 2)), [1, 4])]
    [(1, 2), (3, 2), (2, 2)]
    """
    x = as_tensor(x, where="split")
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0 or size % indices_or_sections:
            raise ValueError(
                f"split: axis {axis} of size {size} cannot be cut into {indices_or_sections} "
                "equal sections"
            )
        step = size // indices_or_sections
        bounds = list(range(0, size + 1, step))
    else:
        bounds = [0, *indices_or_sections, size]
    prefix = (slice(None),) * (axis % x.ndim)
    return [
        getitem(x, prefix + (slice(start, stop),)) for start, stop in zip(bounds[:-1], bounds[1:])
    ]


_INDEX_PAD_MODES = ("edge", "reflect", "symmetric", "wrap")
_VALUE_PAD_MODES = ("linear_ramp", "maximum", "mean", "median", "minimum", "empty")


@keras_op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad x along each axis; ``pad_width`` is NumPy's ((before, after), ...) per axis.

    Modes "constant", "edge", "reflect", "symmetric" and "wrap" are differentiable (the padding
    copies values of x, and their gradients flow back to them); "linear_ramp", "maximum", "mean",
    "median", "minimum" and "empty" compute values from x and are returned without a gradient.

    Args:
        x: tensor.
        pad_width: an int, a (before, after) pair, or one pair per axis.
        mode: one of NumPy's padding modes.
        constant_values: the fill value of mode "constant" (default 0); only for that mode.

    Returns:
        padded tensor of x's dtype.

    Example:

    >>> from glassnet import ops
    >>> ops.pad([1.0, 2.0, 3.0], (2, 1), mode="reflect").data.tolist()
    [3.0, 2.0, 1.0, 2.0, 3.0, 2.0]
    """
    x = as_tensor(x, where="pad")
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"pad: constant_values can only be given with mode='constant', got {mode!r}"
        )
    widths = xp.broadcast_to(xp.asarray(pad_width, dtype=int), (x.ndim, 2))
    if (widths < 0).any():
        raise ValueError(f"pad: pad widths must be non-negative, got {pad_width}")
    if mode == "constant":
        fill = 0 if constant_values is None else constant_values
        out = xp.pad(x.data, widths, mode="constant", constant_values=fill)
        inner = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))

        def backward(grad_output):  # the padding received nothing from x
            return (grad_output[inner],)

        return from_op(out, (x,), backward)
    if mode in _INDEX_PAD_MODES:
        # pad the positions instead of the values: each output element then names its source
        positions = [xp.pad(xp.arange(n), tuple(w), mode=mode) for n, w in zip(x.shape, widths)]
        return getitem(x, xp.ix_(*positions))
    if mode in _VALUE_PAD_MODES:
        return Tensor(xp.pad(x.data, widths, mode=mode))
    raise ValueError(
        f"pad: unknown mode {mode!r}; expected 'constant', one of {_INDEX_PAD_MODES} or one of "
        f"{_VALUE_PAD_MODES}"
    )


@keras_op
def get_item(x, key):
    """x[key], Keras 3's name for indexing (see ``getitem``).

    Args:
        x: tensor.
        key: an int, slice, tuple of them, bool mask or integer array.

    Returns:
        the selected values; the gradient is scattered back.

    Example:

    >>> from glassnet import ops
    >>> ops.get_item([[1.0, 2.0], [3.0, 4.0]], (1, 0)).data.tolist()
    3.0
    """
    return getitem(x, key)


@keras_op
def nonzero(x):
    """The indices of the non-zero (true) elements, one int32 tensor per axis.

    Args:
        x: tensor.

    Returns:
        tuple of x.ndim int32 tensors.

    Example:

    >>> from glassnet import ops
    >>> [t.data.tolist() for t in ops.nonzero([[0, 1], [2, 0]])]
    [[0, 1], [1, 0]]
    """
    data = xp.asarray(array_of(x))
    return tuple(Tensor(index.astype("int32")) for index in xp.nonzero(data))


@keras_op
def ravel(x):
    """x flattened to one axis (row-major).

    Args:
        x: tensor.

    Returns:
        1-D tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.ravel([[1, 2], [3, 4]]).data.tolist()
    [1, 2, 3, 4]
    """
    return reshape(x, (-1,))


@keras_op
def moveaxis(x, source, destination):
    """Move the axes ``source`` to the positions ``destination``; the others keep their order.

    Args:
        x: tensor.
        source, destination: an int or a sequence of ints each.

    Returns:
        the transposed tensor.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.moveaxis(np.zeros((2, 3, 4)), 0, -1).shape
    (3, 4, 2)
    """
    x = as_tensor(x, where="moveaxis")
    return transpose(x, _moved_axes(x.ndim, source, destination))


def _moved_axes(ndim, source, destination):
    source = [source] if isinstance(source, int) else list(source)
    destination = [destination] if isinstance(destination, int) else list(destination)
    if len(source) != len(destination):
        raise ValueError(
            f"moveaxis: source {source} and destination {destination} must have the same length"
        )
    source = [a % ndim for a in source]
    destination = [a % ndim for a in destination]
    rest = [a for a in range(ndim) if a not in source]
    order = [None] * ndim
    for s, d in zip(source, destination):
        order[d] = s
    fill = iter(rest)
    return [a if a is not None else next(fill) for a in order]


@keras_op
def flip(x, axis=None):
    """x with the order of its elements reversed along ``axis`` (None: along every axis).

    Args:
        x: tensor.
        axis: int, sequence of ints or None.

    Returns:
        tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.flip([[1, 2], [3, 4]], axis=1).data.tolist()
    [[2, 1], [4, 3]]
    """
    x = as_tensor(x, where="flip")
    axes = normalize_axes(axis, x.ndim, "flip")
    return getitem(
        x, tuple(slice(None, None, -1) if a in axes else slice(None) for a in range(x.ndim))
    )


@keras_op
def fliplr(x):
    """x with its columns (axis 1) in reverse order; x needs at least 2 dimensions.

    Args:
        x: tensor, 2-D or more.

    Returns:
        tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.fliplr([[1, 2], [3, 4]]).data.tolist()
    [[2, 1], [4, 3]]
    """
    x = as_tensor(x, where="fliplr")
    if x.ndim < 2:
        raise ValueError(f"fliplr: expected an input with at least 2 dimensions, got {x.shape}")
    return flip(x, axis=1)


@keras_op
def flipud(x):
    """x with its rows (axis 0) in reverse order.

    Args:
        x: tensor, 1-D or more.

    Returns:
        tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.flipud([[1, 2], [3, 4]]).data.tolist()
    [[3, 4], [1, 2]]
    """
    x = as_tensor(x, where="flipud")
    if x.ndim < 1:
        raise ValueError("flipud: expected an input with at least 1 dimension, got a scalar")
    return flip(x, axis=0)


@keras_op
def roll(x, shift, axis=None):
    """Shift elements along ``axis`` cyclically (None: along the flattened x, shape kept).

    Args:
        x: tensor.
        shift: int or sequence of ints (one per axis).
        axis: int, sequence of ints or None.

    Returns:
        tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.roll([1, 2, 3, 4], 1).data.tolist()
    [4, 1, 2, 3]
    """
    x = as_tensor(x, where="roll")
    shift = array_of(shift)

    def backward(grad_output):  # shift the gradient back the other way
        return (xp.roll(grad_output, xp.negative(shift), axis=axis),)

    return from_op(xp.roll(x.data, shift, axis=axis), (x,), backward)


@keras_op
def rot90(array, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (from the first axis toward the
    second).

    Args:
        array: tensor with at least 2 dimensions.
        k: number of quarter turns (negative turns the other way).
        axes: the two axes of the plane.

    Returns:
        rotated tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.rot90([[1, 2], [3, 4]]).data.tolist()
    [[2, 4], [1, 3]]
    """
    x = as_tensor(array, where="rot90")
    if x.ndim < 2:
        raise ValueError(f"rot90: expected an input with at least 2 dimensions, got {x.shape}")
    axes = tuple(axes)
    if len(axes) != 2 or axes[0] % x.ndim == axes[1] % x.ndim:
        raise ValueError(f"rot90: axes must be two different axes, got {axes}")

    def backward(grad_output):  # turn the gradient back
        return (xp.rot90(grad_output, -k, axes),)

    return from_op(xp.rot90(x.data, k, axes).copy(), (x,), backward)


@keras_op
def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (None: of the flattened x).

    Args:
        x: tensor.
        repeats: int, or one int per element along the axis.
        axis: int or None.

    Returns:
        tensor; the gradient of each element sums over its copies.

    Example:

    >>> from glassnet import ops
    >>> ops.repeat([1, 2], 2).data.tolist()
    [1, 1, 2, 2]
    """
    x = as_tensor(x, where="repeat")
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    repeats = xp.asarray(array_of(repeats))
    sources = xp.repeat(xp.arange(x.shape[axis]), repeats)
    return getitem(x, (slice(None),) * (axis % x.ndim) + (sources,))


@keras_op
def tile(x, repeats):
    """x repeated ``repeats[i]`` times along each axis i (NumPy's ``tile``).

    Args:
        x: tensor.
        repeats: int or sequence of ints; x gains leading axes if it is shorter.

    Returns:
        tensor; the gradient of each element sums over its copies.

    Example:

    >>> from glassnet import ops
    >>> ops.tile([1, 2], 2).data.tolist()
    [1, 2, 1, 2]
    """
    x = as_tensor(x, where="tile")
    reps = (int(repeats),) if xp.ndim(repeats) == 0 else tuple(int(r) for r in repeats)
    ndim = max(x.ndim, len(reps))
    reps = (1,) * (ndim - len(reps)) + reps
    shape = (1,) * (ndim - x.ndim) + x.shape
    out = xp.tile(x.data.reshape(shape), reps)

    def backward(grad_output):  # sum over the copies: view as (r0, n0, r1, n1, ...) and sum the r
        paired = grad_output.reshape([n for pair in zip(reps, shape) for n in pair])
        return (paired.sum(axis=tuple(range(0, 2 * ndim, 2))).reshape(x.shape),)

    return from_op(out, (x,), backward)


@keras_op
def append(x1, x2, axis=None):
    """x2 appended after x1 along ``axis`` (None: both flattened first).

    Args:
        x1, x2: tensors.
        axis: int or None.

    Returns:
        tensor of Keras's common dtype.

    Example:

    >>> from glassnet import ops
    >>> ops.append([1, 2], [[3]]).data.tolist()
    [1, 2, 3]
    """
    if axis is None:
        return concatenate([ravel(x1), ravel(x2)], axis=0)
    return concatenate([x1, x2], axis=axis)


def _split_at(x, bounds, axis, op):
    prefix = (slice(None),) * (axis % x.ndim)
    return [
        getitem(x, prefix + (slice(start, stop),)) for start, stop in zip(bounds[:-1], bounds[1:])
    ]


@keras_op
def array_split(x, indices_or_sections, axis=0):
    """Cut x into pieces along ``axis``; unlike ``split``, N sections need not divide evenly (the
    first ones are then one longer).

    Args:
        x: tensor.
        indices_or_sections: number of sections, or the indices to cut at.
        axis: int.

    Returns:
        list of tensors.

    Example:

    >>> from glassnet import ops
    >>> [t.data.tolist() for t in ops.array_split([1, 2, 3, 4, 5], 2)]
    [[1, 2, 3], [4, 5]]
    """
    x = as_tensor(x, where="array_split")
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0:
            raise ValueError(
                f"array_split: number of sections must be positive, got {indices_or_sections}"
            )
        base, extra = divmod(size, indices_or_sections)
        sizes = [base + 1] * extra + [base] * (indices_or_sections - extra)
        bounds = [0, *xp.cumsum(sizes).tolist()]
    else:
        bounds = [0, *[int(i) for i in indices_or_sections], size]
    return _split_at(x, bounds, axis, "array_split")


def _split_axis(x, indices_or_sections, axis, op, min_ndim):
    x = as_tensor(x, where=op)
    if x.ndim < min_ndim:
        raise ValueError(f"{op}: expected at least {min_ndim} dimensions, got shape {x.shape}")
    return split(x, indices_or_sections, axis=axis)


@keras_op
def hsplit(x, indices_or_sections):
    """``split`` along axis 1 (axis 0 for 1-D x).

    Args:
        x: tensor.
        indices_or_sections: number of equal sections, or the indices to cut at.

    Returns:
        list of tensors.

    Example:

    >>> from glassnet import ops
    >>> [t.shape for t in ops.hsplit([[1, 2], [3, 4]], 2)]
    [(2, 1), (2, 1)]
    """
    x = as_tensor(x, where="hsplit")
    return _split_axis(x, indices_or_sections, 1 if x.ndim > 1 else 0, "hsplit", 1)


@keras_op
def vsplit(x, indices_or_sections):
    """``split`` along axis 0, for x with at least 2 dimensions.

    Args:
        x: tensor.
        indices_or_sections: number of equal sections, or the indices to cut at.

    Returns:
        list of tensors.

    Example:

    >>> from glassnet import ops
    >>> [t.shape for t in ops.vsplit([[1, 2], [3, 4]], 2)]
    [(1, 2), (1, 2)]
    """
    return _split_axis(x, indices_or_sections, 0, "vsplit", 2)


@keras_op
def dsplit(x, indices_or_sections):
    """``split`` along axis 2, for x with at least 3 dimensions.

    Args:
        x: tensor.
        indices_or_sections: number of equal sections, or the indices to cut at.

    Returns:
        list of tensors.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> [t.shape for t in ops.dsplit(np.zeros((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    return _split_axis(x, indices_or_sections, 2, "dsplit", 3)


def _at_least(x, ndim, op):
    """x with axes of size 1 added as NumPy's atleast_2d / atleast_3d add them."""
    x = as_tensor(x, where=op)
    if x.ndim >= ndim:
        return x
    if ndim == 2:
        return reshape(x, (1, -1) if x.ndim == 1 else (1, 1))
    return reshape(x, {0: (1, 1, 1), 1: (1, -1, 1), 2: (*x.shape, 1)}[x.ndim])


@keras_op
def hstack(xs):
    """Join tensors along axis 1 (axis 0 when they are 1-D).

    Args:
        xs: list of tensors.

    Returns:
        tensor of Keras's common dtype.

    Example:

    >>> from glassnet import ops
    >>> ops.hstack([[1, 2], [3]]).data.tolist()
    [1, 2, 3]
    """
    tensors = _sequence(xs, "hstack")
    return concatenate(tensors, axis=0 if tensors[0].ndim == 1 else 1)


@keras_op
def vstack(xs):
    """Join tensors along axis 0, after making 1-D ones rows of shape (1, n).

    Args:
        xs: list of tensors.

    Returns:
        tensor of Keras's common dtype.

    Example:

    >>> from glassnet import ops
    >>> ops.vstack([[1, 2], [3, 4]]).data.tolist()
    [[1, 2], [3, 4]]
    """
    return concatenate([_at_least(t, 2, "vstack") for t in _sequence(xs, "vstack")], axis=0)


@keras_op
def dstack(xs):
    """Join tensors along axis 2, after making (n,) into (1, n, 1) and (m, n) into (m, n, 1).

    Args:
        xs: list of tensors.

    Returns:
        tensor of Keras's common dtype.

    Example:

    >>> from glassnet import ops
    >>> ops.dstack([[1, 2], [3, 4]]).shape
    (1, 2, 2)
    """
    return concatenate([_at_least(t, 3, "dstack") for t in _sequence(xs, "dstack")], axis=2)


@keras_op
def take_along_axis(x, indices, axis=None):
    """Gather values of x at ``indices`` along ``axis`` (as returned by argsort, argmax with
    keepdims...); the other axes of x and indices broadcast.

    Args:
        x: tensor.
        indices: integer tensor with as many dimensions as x.
        axis: int, or None to use the flattened x and indices.

    Returns:
        tensor of the broadcast shape; the gradient adds up at repeated indices.

    Example:

    >>> from glassnet import ops
    >>> ops.take_along_axis([[10, 30, 20]], [[1, 2]], axis=1).data.tolist()
    [[30, 20]]
    """
    x = as_tensor(x, where="take_along_axis")
    indices = xp.asarray(array_of(indices))
    if indices.dtype.kind not in "iu":
        raise TypeError(f"take_along_axis: indices must be integers, got dtype {indices.dtype}")
    if axis is None:
        x, indices, axis = reshape(x, (-1,)), indices.reshape(-1), 0
    if indices.ndim != x.ndim:
        raise ValueError(
            f"take_along_axis: indices need as many dimensions as x ({x.ndim}), got shape "
            f"{indices.shape}"
        )
    axis %= x.ndim
    index = []
    for a, n in enumerate(x.shape):
        if a == axis:
            index.append(indices)
        else:
            index.append(xp.arange(n).reshape([-1 if b == a else 1 for b in range(x.ndim)]))
    return getitem(x, tuple(index))


def _diagonal_positions(rows, cols, offset):
    """Row and column indices of the ``offset``-th diagonal of a rows x cols matrix."""
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    steps = xp.arange(length)
    return steps - min(offset, 0), steps + max(offset, 0)


@keras_op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The ``offset``-th diagonal of the matrices spanned by ``axis1`` and ``axis2``, as a last
    axis (the other axes kept in order).

    Args:
        x: tensor with at least 2 dimensions.
        offset: 0 the main diagonal, > 0 above it, < 0 below.
        axis1, axis2: the two axes of the matrices.

    Returns:
        tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.diagonal([[1, 2], [3, 4]]).data.tolist()
    [1, 4]
    """
    x = as_tensor(x, where="diagonal")
    if x.ndim < 2:
        raise ValueError(f"diagonal: expected at least 2 dimensions, got shape {x.shape}")
    moved = moveaxis(x, (axis1, axis2), (-2, -1))
    rows, cols = _diagonal_positions(moved.shape[-2], moved.shape[-1], offset)
    return getitem(moved, (Ellipsis, rows, cols))


@keras_op
def diag(x, k=0):
    """For 1-D x, a square matrix with x on its ``k``-th diagonal; for 2-D x, that diagonal.

    Args:
        x: 1-D or 2-D tensor.
        k: which diagonal (0 main, > 0 above, < 0 below).

    Returns:
        2-D or 1-D tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.diag([1, 2]).data.tolist()
    [[1, 0], [0, 2]]
    """
    x = as_tensor(x, where="diag")
    if x.ndim == 2:
        return diagonal(x, offset=k)
    if x.ndim != 1:
        raise ValueError(f"diag: expected a 1-D or 2-D input, got shape {x.shape}")
    size = x.shape[0] + abs(k)
    rows, cols = _diagonal_positions(size, size, k)
    out = xp.zeros((size, size), dtype=x.dtype)
    out[rows, cols] = x.data

    def backward(grad_output):  # each element's gradient is at its place on the diagonal
        return (grad_output[rows, cols],)

    return from_op(out, (x,), backward)


@keras_op
def diagflat(x, k=0):
    """A square matrix with the flattened x on its ``k``-th diagonal.

    Args:
        x: tensor.
        k: which diagonal.

    Returns:
        2-D tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.diagflat([[1, 2]]).data.tolist()
    [[1, 0], [0, 2]]
    """
    return diag(ravel(x), k=k)


@keras_op
def unravel_index(indices, shape):
    """Flat indices into a tensor of ``shape`` turned into one index tensor per axis.

    Args:
        indices: integer tensor of flat (row-major) indices.
        shape: the shape they index.

    Returns:
        tuple of len(shape) tensors of the indices' dtype.

    Example:

    >>> from glassnet import ops
    >>> [t.data.tolist() for t in ops.unravel_index([5], (2, 3))]
    [[1], [2]]
    """
    indices = xp.asarray(array_of(indices))
    return tuple(Tensor(i.astype(indices.dtype)) for i in xp.unravel_index(indices, shape))


@keras_op
def view(x, dtype=None):
    """The bytes of x read as ``dtype`` (no copy of meaning: a bit-level reinterpretation); the
    last axis shrinks or grows when the item sizes differ. No gradient.

    Args:
        x: tensor.
        dtype: the new dtype (None: x's own).

    Returns:
        tensor.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.view(np.array([1.0], dtype="float32"), "int32").data.tolist()
    [1065353216]
    """
    data = as_tensor(x, where="view").data
    return Tensor(xp.ascontiguousarray(data).view(data.dtype if dtype is None else dtype))
