"""Reductions over axes: sum, mean, max, min, var, logsumexp (and argmax/argmin, which have no gradient)."""

import math

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import normalize_axes, restore_reduced
from glassnet.ops.operation import keras_op


def _count(shape, axes):
    return math.prod(shape[a] for a in axes)


@keras_op
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (None: all axes)."""
    x = as_tensor(x, where="sum")
    axes = normalize_axes(axis, x.ndim, "sum")
    out = xp.sum(x.data, axis=axes, keepdims=keepdims)

    def backward(grad_output):  # every summed element receives g
        return (xp.broadcast_to(restore_reduced(grad_output, axes, keepdims), x.shape),)

    return from_op(out, (x,), backward)


@keras_op
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``."""
    x = as_tensor(x, where="mean")
    axes = normalize_axes(axis, x.ndim, "mean")
    count = _count(x.shape, axes)
    if (
        x.dtype.kind == "f" and count
    ):  # what NumPy's mean computes for floats (sum / n), without its Python wrapper
        out = xp.sum(x.data, axis=axes, keepdims=keepdims) / count
    else:
        out = xp.mean(x.data, axis=axes, keepdims=keepdims)

    def backward(grad_output):  # every element receives g / n
        return (xp.broadcast_to(restore_reduced(grad_output, axes, keepdims) / count, x.shape),)

    return from_op(out, (x,), backward)


def _extreme(x, axis, keepdims, name, reduce):
    x = as_tensor(x, where=name)
    axes = normalize_axes(axis, x.ndim, name)
    if x.size == 0:
        raise ValueError(f"{name}: cannot reduce an empty array of shape {x.shape}")
    kept = reduce(x.data, axis=axes, keepdims=True)
    out = kept if keepdims else xp.squeeze(kept, axis=axes)

    def backward(grad_output):  # g goes to the extreme element(s), shared equally among ties
        hit = x.data == kept
        share = hit / hit.sum(axis=axes, keepdims=True)
        return (share.astype(grad_output.dtype) * restore_reduced(grad_output, axes, keepdims),)

    return from_op(out, (x,), backward)


@keras_op
def max(x, axis=None, keepdims=False):
    """Largest value over ``axis``."""
    return _extreme(x, axis, keepdims, "max", xp.max)


@keras_op
def min(x, axis=None, keepdims=False):
    """Smallest value over ``axis``."""
    return _extreme(x, axis, keepdims, "min", xp.min)


@keras_op
def var(x, axis=None, keepdims=False):
    """Population variance (divides by n, as Keras and NumPy do) over ``axis``."""
    x = as_tensor(x, where="var")
    axes = normalize_axes(axis, x.ndim, "var")
    count = _count(x.shape, axes)
    centered = x.data - xp.mean(x.data, axis=axes, keepdims=True)
    out = xp.mean(xp.square(centered), axis=axes, keepdims=keepdims)

    def backward(grad_output):  # dL/dx = g * 2 (x - mean) / n
        return (restore_reduced(grad_output, axes, keepdims) * (2.0 / count) * centered,)

    return from_op(out, (x,), backward)


@keras_op
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` (sqrt of var)."""
    from glassnet.ops.elementwise import sqrt

    return sqrt(var(x, axis=axis, keepdims=keepdims))


@keras_op
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, computed without overflow by shifting by the maximum."""
    x = as_tensor(x, where="logsumexp")
    axes = normalize_axes(axis, x.ndim, "logsumexp")
    shift = xp.max(x.data, axis=axes, keepdims=True)
    shift = xp.where(xp.isfinite(shift), shift, 0)
    kept = xp.log(xp.sum(xp.exp(x.data - shift), axis=axes, keepdims=True)) + shift
    out = kept if keepdims else xp.squeeze(kept, axis=axes)

    def backward(grad_output):  # dL/dx = g * softmax(x)
        return (restore_reduced(grad_output, axes, keepdims) * xp.exp(x.data - kept),)

    return from_op(out, (x,), backward)


@keras_op
def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (an integer tensor, outside the graph)."""
    data = x.data if isinstance(x, Tensor) else xp.asarray(x)
    return Tensor(xp.argmax(data, axis=axis, keepdims=keepdims))


@keras_op
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value (an integer tensor, outside the graph)."""
    data = x.data if isinstance(x, Tensor) else xp.asarray(x)
    return Tensor(xp.argmin(data, axis=axis, keepdims=keepdims))
