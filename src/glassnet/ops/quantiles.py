"""Quantiles: quantile, percentile, median and their NaN-skipping forms.

They are computed as NumPy (and Keras) define them: sort along the reduced axes, then read (or
interpolate between) the sorted values at position q * (n - 1). They are differentiable: the
gradient reaches the one or two inputs the result was read from.

Example:

>>> from glassnet import ops
>>> ops.median([[1.0, 3.0, 2.0, 10.0]], axis=1).data.tolist()
[2.5]
"""

import math

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import xp
from glassnet.ops._helpers import normalize_axes
from glassnet.ops._promotion import array_of, result_type
from glassnet.ops.elementwise import add, multiply, where
from glassnet.ops.manipulation import reshape, take_along_axis, transpose
from glassnet.ops.operation import keras_op
from glassnet.ops.sorting import sort

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_input(x, op):
    """x as a float tensor: Keras computes quantiles in float (ints and bool give floatx)."""
    x = as_tensor(x, where=op)
    if x.dtype.kind not in "fc":
        x = Tensor(x.data.astype(result_type(x.dtype, float)))
    return x


def _grouped(x, axis, op):
    """x with the reduced axes moved to the end and flattened into one: (kept..., n)."""
    axes = normalize_axes(axis, x.ndim, op)
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = transpose(x, kept + list(axes)) if x.ndim else x
    group = math.prod(x.shape[a] for a in axes)
    return reshape(moved, [x.shape[a] for a in kept] + [group]), axes


def _q_axes_last(array, q_ndim):
    """(q..., kept...) -> (kept..., q..., 1): the layout of the positions for the gather."""
    moved = xp.moveaxis(array, tuple(range(q_ndim)), tuple(range(-q_ndim, 0)))
    return moved[..., None]


def _quantile(x, q, axis, method, keepdims, op, skip_nan):
    if method not in _METHODS:
        raise ValueError(f"{op}: method must be one of {_METHODS}, got {method!r}")
    q = xp.asarray(array_of(q), dtype=xp.float64)
    if q.ndim > 1:
        raise ValueError(f"{op}: q must be a scalar or 1-D, got shape {q.shape}")
    if ((q < 0) | (q > 1)).any():
        raise ValueError(f"{op}: quantiles must lie in [0, 1], got {q}")
    x = _quantile_input(x, op)
    grouped, axes = _grouped(x, axis, op)
    ordered = sort(grouped, axis=-1)  # NaN sorts last
    # one size-1 axis per axis of q, so the positions (kept..., q..., 1) gather from it
    ordered = reshape(ordered, ordered.shape[:-1] + (1,) * q.ndim + ordered.shape[-1:])
    missing = xp.isnan(grouped.data)
    count = (~missing).sum(axis=-1) if skip_nan else xp.full(grouped.shape[:-1], grouped.shape[-1])
    # positions: (q..., kept...) against the sorted values (kept..., n)
    last = xp.maximum(count - 1, 0)
    exact = q.reshape(q.shape + (1,) * (grouped.ndim - 1)) * last
    lower, upper = xp.floor(exact), xp.ceil(exact)

    def read(position):
        index = xp.clip(position, 0, last).astype(xp.int64)
        return take_along_axis(ordered, _q_axes_last(index, q.ndim), axis=-1)

    if method == "lower":
        out = read(lower)
    elif method == "higher":
        out = read(upper)
    elif method == "nearest":
        out = read(xp.round(exact))
    elif method == "midpoint":
        out = multiply(add(read(lower), read(upper)), 0.5)
    else:
        weight = _q_axes_last(exact - lower, q.ndim).astype(x.dtype)
        out = add(multiply(read(lower), 1 - weight), multiply(read(upper), weight))
    # out: (kept..., q..., 1) -> (q..., kept...)
    out = reshape(out, out.shape[:-1])
    kept_ndim = grouped.ndim - 1
    out = transpose(out, list(range(kept_ndim, kept_ndim + q.ndim)) + list(range(kept_ndim)))
    invalid = (count == 0) if skip_nan else missing.any(axis=-1)
    if invalid.any():
        out = where(xp.broadcast_to(invalid, out.shape), xp.asarray(xp.nan, x.dtype), out)
    if keepdims:
        shape = [1 if a in axes else n for a, n in enumerate(x.shape)]
        out = reshape(out, list(q.shape) + shape)
    return out


@keras_op
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th quantiles of x over ``axis``; NaN where the data holds NaN.

    Args:
        x: tensor.
        q: quantile(s) in [0, 1], a scalar or 1-D.
        axis: int, sequence of ints or None (all).
        method: "linear" (interpolate), "lower", "higher", "midpoint" or "nearest".
        keepdims: keep the reduced axes with size 1.

    Returns:
        float tensor of shape q.shape + the remaining axes.

    Example:

    >>> from glassnet import ops
    >>> ops.quantile([1.0, 2.0, 3.0, 4.0], [0.25, 0.5]).data.tolist()
    [1.75, 2.5]
    """
    return _quantile(x, q, axis, method, keepdims, "quantile", skip_nan=False)


@keras_op
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """The q-th percentiles of x over ``axis`` (``quantile`` with q / 100).

    Args:
        x: tensor.
        q: percentile(s) in [0, 100].
        axis: int, sequence of ints or None.
        method: as for ``quantile``.
        keepdims: keep the reduced axes with size 1.

    Returns:
        float tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.percentile([1.0, 2.0, 3.0, 4.0], 50).data.tolist()
    2.5
    """
    q = xp.asarray(array_of(q), dtype=xp.float64) / 100
    return _quantile(x, q, axis, method, keepdims, "percentile", skip_nan=False)


@keras_op
def median(x, axis=None, keepdims=False):
    """The median over ``axis`` (the mean of the two middle values for even counts).

    Args:
        x: tensor.
        axis: int, sequence of ints or None.
        keepdims: keep the reduced axes with size 1.

    Returns:
        float tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.median([3, 1, 2]).data.tolist()
    2.0
    """
    return _quantile(x, 0.5, axis, "linear", keepdims, "median", skip_nan=False)


@keras_op
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """``quantile`` over the non-NaN values (NaN where a group holds nothing else).

    Args:
        x: tensor.
        q: quantile(s) in [0, 1], a scalar or 1-D.
        axis: int, sequence of ints or None (all).
        method: "linear" (interpolate), "lower", "higher", "midpoint" or "nearest".
        keepdims: keep the reduced axes with size 1.

    Returns:
        float tensor of shape q.shape + the remaining axes.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanquantile([1.0, np.nan, 3.0], 0.5).data.tolist()
    2.0
    """
    return _quantile(x, q, axis, method, keepdims, "nanquantile", skip_nan=True)


@keras_op
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """``percentile`` over the non-NaN values.

    Args:
        x: tensor.
        q: percentile(s) in [0, 100], a scalar or 1-D.
        axis: int, sequence of ints or None (all).
        method: "linear" (interpolate), "lower", "higher", "midpoint" or "nearest".
        keepdims: keep the reduced axes with size 1.

    Returns:
        float tensor of shape q.shape + the remaining axes.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanpercentile([1.0, np.nan, 3.0], 100).data.tolist()
    3.0
    """
    q = xp.asarray(array_of(q), dtype=xp.float64) / 100
    return _quantile(x, q, axis, method, keepdims, "nanpercentile", skip_nan=True)


@keras_op
def nanmedian(x, axis=None, keepdims=False):
    """``median`` over the non-NaN values.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (all).
        keepdims: keep the reduced axes with size 1.

    Returns:
        float tensor.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanmedian([1.0, np.nan, 3.0, 4.0]).data.tolist()
    3.0
    """
    return _quantile(x, 0.5, axis, "linear", keepdims, "nanmedian", skip_nan=True)
