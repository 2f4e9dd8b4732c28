"""Ops that move values around without changing them: reshape, transpose, broadcast, join, split, index, pad.

Their backwards move the gradient back the same way.
"""

import math

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import normalize_axes, unbroadcast
from glassnet.ops.operation import keras_op


@keras_op
def reshape(x, newshape):
    """Same values, new shape (one dimension may be -1)."""
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
    """Permute the axes (default: reverse them)."""
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
    """Keras 3's name for transpose with explicit axes."""
    return transpose(x, axes)


@keras_op
def swapaxes(x, axis1, axis2):
    x = as_tensor(x, where="swapaxes")
    axes = list(range(x.ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, axes)


@keras_op
def broadcast_to(x, shape):
    """x repeated along new or size-1 axes to ``shape``."""
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
    """Insert a size-1 axis at ``axis``."""
    x = as_tensor(x, where="expand_dims")

    def backward(grad_output):
        return (grad_output.reshape(x.shape),)

    return from_op(xp.expand_dims(x.data, axis), (x,), backward)


@keras_op
def squeeze(x, axis=None):
    """Remove size-1 axes (all of them, or those in ``axis``)."""
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
    """All axes but the first folded into one: (batch, ...) -> (batch, prod(...))."""
    x = as_tensor(x, where="flatten")
    return reshape(x, (x.shape[0], -1) if x.ndim else (1,))


def _sequence(xs, op):
    if isinstance(xs, (Tensor, xp.ndarray)) or not len(xs):
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    return [as_tensor(t, where=op) for t in xs]


@keras_op
def concatenate(xs, axis=0):
    """Join tensors along an existing axis."""
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
def stack(xs, axis=0):
    """Join tensors of one shape along a new axis."""
    tensors = _sequence(xs, "stack")
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
    """x[index]: basic slicing, boolean masks and integer-array gather (repeated indices add up)."""
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
    """Gather entries of x at integer ``indices`` along ``axis`` (None: of the flattened x)."""
    x = as_tensor(x, where="take")
    indices = xp.asarray(getattr(indices, "data", indices))
    if indices.dtype.kind not in "iu":
        raise TypeError(f"take: indices must be integers, got dtype {indices.dtype}")
    if axis is None:
        return getitem(reshape(x, (-1,)), indices)
    axis = axis % x.ndim
    size = x.shape[axis]
    if indices.size and (indices.max() >= size or indices.min() < -size):
        raise IndexError(
            f"take: indices must lie in [{-size}, {size}) for axis {axis} of shape {x.shape}, got range [{indices.min()}, {indices.max()}]"
        )
    return getitem(x, (slice(None),) * axis + (indices,))


@keras_op
def split(x, indices_or_sections, axis=0):
    """Cut x into pieces along ``axis``: a number of equal sections, or at the given indices."""
    x = as_tensor(x, where="split")
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if indices_or_sections <= 0 or size % indices_or_sections:
            raise ValueError(
                f"split: axis {axis} of size {size} cannot be cut into {indices_or_sections} equal sections"
            )
        step = size // indices_or_sections
        bounds = list(range(0, size + 1, step))
    else:
        bounds = [0, *indices_or_sections, size]
    prefix = (slice(None),) * (axis % x.ndim)
    return [
        getitem(x, prefix + (slice(start, stop),)) for start, stop in zip(bounds[:-1], bounds[1:])
    ]


@keras_op
def pad(x, pad_width, mode="constant", constant_values=0):
    """Pad with a constant; ``pad_width`` is NumPy's ((before, after), ...) per axis."""
    x = as_tensor(x, where="pad")
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is differentiable here, got mode={mode!r}")
    widths = xp.broadcast_to(xp.asarray(pad_width, dtype=int), (x.ndim, 2))
    if (widths < 0).any():
        raise ValueError(f"pad: pad widths must be non-negative, got {pad_width}")
    out = xp.pad(x.data, widths, mode="constant", constant_values=constant_values)
    inner = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))

    def backward(grad_output):  # the padding received nothing from x
        return (grad_output[inner],)

    return from_op(out, (x,), backward)
