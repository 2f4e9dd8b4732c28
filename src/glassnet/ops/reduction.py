"""Reductions over axes: sum, mean, max, min, var, std, prod, logsumexp, average, ptp, their
NaN-skipping forms (nansum, nanmean...), and counts (argmax, argmin, count_nonzero, histogram,
bincount, which have no gradient).

The nan* reductions compose the plain ones with ``where``, so NaN entries get zero gradient.

Bool and small integer inputs follow Keras's dtypes: sums and products accumulate in int32, means
and variances are float32.
"""

import builtins
import math

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import broadcast_view, normalize_axes, restore_reduced
from glassnet.ops._promotion import array_of, float_operand, promoted, result_type
from glassnet.ops.elementwise import divide, multiply, sqrt, square, subtract, where
from glassnet.ops.manipulation import reshape
from glassnet.ops.operation import keras_op


def _count(shape, axes):
    return math.prod(shape[a] for a in axes)


def _accumulator_dtype(dtype):
    """Keras's (JAX's) dtype for sums and products: small integers and bool widen to 32 bits."""
    if dtype.kind == "b" or dtype in (xp.int8, xp.int16):
        return xp.dtype("int32")
    if dtype in (xp.uint8, xp.uint16):
        return xp.dtype("uint32")
    return dtype


def _mean_dtype(dtype):
    """Keras's dtype for means and variances: integers and bool give float32 (floatx's 32 bits)."""
    return dtype if dtype.kind in "fc" else result_type(dtype, "float32")


@keras_op
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (None: all axes); bool and small integers sum in int32, as in Keras.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.sum([[1.0, 2.0], [3.0, 4.0]], axis=0).data.tolist()
    [4.0, 6.0]
    """
    x = as_tensor(x, where="sum")
    # (None: every axis, which the backward never needs to name: the sum has one element)
    axes = None if axis is None else normalize_axes(axis, x.data.ndim, "sum")
    if x.data.dtype.kind in "fc":  # (add.reduce: what np.sum calls, without its Python layer)
        out = xp.add.reduce(x.data, axis=axes, keepdims=keepdims)
    else:
        out = xp.sum(x.data, axis=axes, keepdims=keepdims, dtype=_accumulator_dtype(x.dtype))

    def backward(grad_output):  # every summed element receives g
        if grad_output.size == 1:  # (one sum, as of a loss: no axes to put back)
            return (broadcast_view(grad_output, x.shape),)
        return (broadcast_view(restore_reduced(grad_output, axes, keepdims), x.shape),)

    return from_op(out, (x,), backward)


@keras_op
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``; integers and bool give float32, as in Keras.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.mean([[1.0, 2.0], [3.0, 4.0]], axis=1).data.tolist()
    [1.5, 3.5]
    """
    x = as_tensor(x, where="mean")
    if x.dtype.kind not in "fc":
        x = Tensor(x.data.astype(_mean_dtype(x.dtype)))
    axes = normalize_axes(axis, x.ndim, "mean")
    count = _count(x.shape, axes)
    if x.dtype in (xp.float32, xp.float64) and count:
        # what NumPy's mean computes for these (sum / n), without its Python wrapper
        out = xp.add.reduce(x.data, axis=axes, keepdims=keepdims) / count
    else:  # float16 sums in float32 there (as Keras does), so 100 x 1000.0 gives 1000, not inf
        out = xp.mean(x.data, axis=axes, keepdims=keepdims)

    def backward(grad_output):  # every element receives g / n
        if grad_output.size == 1:  # (one mean, as of a loss: no axes to put back)
            return (broadcast_view(grad_output / count, x.shape),)
        return (broadcast_view(restore_reduced(grad_output, axes, keepdims) / count, x.shape),)

    return from_op(out, (x,), backward)


def _extreme(x, axis, keepdims, name, reduce, initial=None):
    x = as_tensor(x, where=name)
    axes = normalize_axes(axis, x.ndim, name)
    if x.size == 0 and initial is None:
        raise ValueError(f"{name}: cannot reduce an empty array of shape {x.shape}")
    if initial is None:
        kept = reduce(x.data, axis=axes, keepdims=True)
    else:
        kept = reduce(x.data, axis=axes, keepdims=True, initial=initial).astype(x.dtype)
    out = kept if keepdims else xp.squeeze(kept, axis=axes)

    def backward(grad_output):  # g goes to the extreme element(s), shared equally among ties
        hit = x.data == kept
        share = hit / xp.maximum(hit.sum(axis=axes, keepdims=True), 1)  # none: initial won
        return (share.astype(grad_output.dtype) * restore_reduced(grad_output, axes, keepdims),)

    return from_op(out, (x,), backward)


@keras_op
def max(x, axis=None, keepdims=False, initial=None):
    """Largest value over ``axis``; with ``initial``, the largest of that and the values (where
    ``initial`` wins, no gradient reaches x).

    Ties share the gradient equally.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.
        initial: a number that takes part in the comparison; None (the default) for none.

    Example:

    >>> from glassnet import ops
    >>> ops.max([[1.0, 2.0], [3.0, 4.0]], axis=0).data.tolist()
    [3.0, 4.0]
    """
    return _extreme(x, axis, keepdims, "max", xp.max, initial)


@keras_op
def min(x, axis=None, keepdims=False, initial=None):
    """Smallest value over ``axis``; with ``initial``, the smallest of that and the values.

    Ties share the gradient equally; where ``initial`` wins, no gradient reaches x.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.
        initial: a number that takes part in the comparison; None (the default) for none.

    Example:

    >>> from glassnet import ops
    >>> ops.min([[1.0, 2.0], [3.0, 4.0]], axis=1).data.tolist()
    [1.0, 3.0]
    """
    return _extreme(x, axis, keepdims, "min", xp.min, initial)


@keras_op
def var(x, axis=None, keepdims=False):
    """Population variance (divides by n, as Keras and NumPy do) over ``axis``.

    Args:
        x: tensor; integers and bool give float32.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.var([1.0, 3.0]).data.tolist()
    1.0
    """
    x = as_tensor(x, where="var")
    if x.dtype.kind not in "fc":
        x = Tensor(x.data.astype(_mean_dtype(x.dtype)))
    axes = normalize_axes(axis, x.ndim, "var")
    count = _count(x.shape, axes)
    centered = x.data - xp.mean(x.data, axis=axes, keepdims=True)
    out = xp.mean(xp.square(centered), axis=axes, keepdims=keepdims)

    def backward(grad_output):  # dL/dx = g * 2 (x - mean) / n
        return (restore_reduced(grad_output, axes, keepdims) * (2.0 / count) * centered,)

    return from_op(out, (x,), backward)


@keras_op
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` (sqrt of var).

    Args:
        x: tensor; integers and bool give float32.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.std([1.0, 3.0]).data.tolist()
    1.0
    """
    return sqrt(var(x, axis=axis, keepdims=keepdims))


@keras_op
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, computed without overflow by shifting by the maximum.

    Args:
        x: float tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> round(float(ops.logsumexp([1000.0, 1000.0]).data), 4)
    1000.6932
    """
    x = as_tensor(x, where="logsumexp")
    axes = normalize_axes(axis, x.ndim, "logsumexp")
    shift = xp.max(x.data, axis=axes, keepdims=True)
    shift = xp.where(xp.isfinite(shift), shift, 0)
    kept = xp.log(xp.sum(xp.exp(x.data - shift), axis=axes, keepdims=True)) + shift
    out = kept if keepdims else xp.squeeze(kept, axis=axes)

    def backward(grad_output):  # dL/dx = g * softmax(x)
        return (restore_reduced(grad_output, axes, keepdims) * xp.exp(x.data - kept),)

    return from_op(out, (x,), backward)


def _arg_extreme(x, axis, keepdims, name, pick):
    data = xp.asarray(array_of(x))
    if data.dtype.kind == "f" and data.ndim:
        # Keras counts -0.0 as smaller than 0.0
        data = xp.where((data == 0) & xp.signbit(data), -xp.finfo(data.dtype).tiny, data)
    return Tensor(pick(data, axis=axis, keepdims=keepdims).astype("int32"))


@keras_op
def argmax(x, axis=None, keepdims=False):
    """Index of the largest value (int32, as in Keras; outside the graph).

    Args:
        x: tensor, array or nested list.
        axis: int, or None (the default) for the index into the flattened x.
        keepdims: keep the reduced axis with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.argmax([[1, 5, 2]], axis=-1)
    Tensor([1], dtype=int32)
    """
    return _arg_extreme(x, axis, keepdims, "argmax", xp.argmax)


@keras_op
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest value (int32, as in Keras; outside the graph).

    Args:
        x: tensor, array or nested list.
        axis: int, or None (the default) for the index into the flattened x.
        keepdims: keep the reduced axis with size 1; default False.

    Example:

    >>> from glassnet import ops
    >>> ops.argmin([[1, 5, 2]], axis=-1)
    Tensor([0], dtype=int32)
    """
    return _arg_extreme(x, axis, keepdims, "argmin", xp.argmin)


def _exclusive_products(data, axes):
    """For each element, the product of the other elements of its reduction group (no division,
    so zeros are handled): prefix product times suffix product along the flattened group."""
    kept = [a for a in range(data.ndim) if a not in axes]
    moved = xp.transpose(data, kept + list(axes))
    grouped = moved.reshape(moved.shape[: len(kept)] + (-1,))
    ones = xp.ones(grouped.shape[:-1] + (1,), dtype=data.dtype)
    before = xp.cumprod(xp.concatenate([ones, grouped[..., :-1]], axis=-1), axis=-1)
    after = xp.cumprod(xp.concatenate([ones, grouped[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (before * after).reshape(moved.shape)
    return xp.transpose(others, xp.argsort(kept + list(axes)))


@keras_op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``; bool and small integers multiply in int32 (uint32), as in Keras.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (all axes).
        keepdims: keep the reduced axes with size 1.
        dtype: dtype to multiply in.

    Returns:
        tensor; the gradient of each element is the product of the others (zeros included).

    Example:

    >>> from glassnet import ops
    >>> ops.prod([[1.0, 2.0], [3.0, 4.0]], axis=1).data.tolist()
    [2.0, 12.0]
    """
    x = as_tensor(x, where="prod")
    axes = normalize_axes(axis, x.ndim, "prod")
    dtype = _accumulator_dtype(x.dtype) if dtype is None else xp.dtype(dtype)
    out = xp.prod(x.data, axis=axes, keepdims=keepdims, dtype=dtype)

    def backward(grad_output):  # dL/dx_i = g * prod_{j != i} x_j
        others = _exclusive_products(x.data, axes)
        return (restore_reduced(grad_output, axes, keepdims) * others,)

    return from_op(out, (x,), backward)


@keras_op
def count_nonzero(x, axis=None):
    """Number of non-zero (true) elements over ``axis`` (int32, no gradient).

    Args:
        x: tensor.
        axis: int, sequence of ints or None (all).

    Returns:
        int32 tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.count_nonzero([[0, 1], [2, 3]], axis=1).data.tolist()
    [1, 2]
    """
    data = xp.asarray(array_of(x))
    axes = normalize_axes(axis, data.ndim, "count_nonzero")
    return Tensor(xp.asarray(xp.count_nonzero(data, axis=axes), dtype="int32"))


@keras_op
def ptp(x, axis=None, keepdims=False):
    """Range ("peak to peak"): max - min over ``axis``.

    Args:
        x: tensor.
        axis: int, sequence of ints or None.
        keepdims: keep the reduced axes with size 1.

    Returns:
        tensor of x's dtype.

    Example:

    >>> from glassnet import ops
    >>> ops.ptp([[1, 5], [2, 2]], axis=1).data.tolist()
    [4, 0]
    """
    return subtract(max(x, axis=axis, keepdims=keepdims), min(x, axis=axis, keepdims=keepdims))


@keras_op
def average(x, axis=None, weights=None):
    """Weighted mean over ``axis``: sum(x * w) / sum(w) (the plain mean without weights).

    Args:
        x: tensor.
        axis: int, sequence of ints or None.
        weights: tensor of x's shape, or 1-D of the length of ``axis`` (a single int axis).

    Returns:
        float tensor; differentiable in x and in the weights.

    Example:

    >>> from glassnet import ops
    >>> ops.average([1.0, 2.0, 4.0], weights=[1.0, 1.0, 2.0]).data.tolist()
    2.75
    """
    x = float_operand(x, "average")
    if weights is None:
        return mean(x, axis=axis)
    x, w = promoted(x, float_operand(weights, "average"), "average", floating=True)
    if w.shape != x.shape:
        if w.ndim != 1 or not isinstance(axis, int):
            raise ValueError(
                f"average: weights of shape {w.shape} must match x {x.shape}, or be 1-D along "
                f"a single int axis, got axis={axis!r}"
            )
        if w.shape[0] != x.shape[axis]:
            raise ValueError(
                f"average: 1-D weights of length {w.shape[0]} do not fit axis {axis} of x {x.shape}"
            )
        w = reshape(w, [-1 if a == axis % x.ndim else 1 for a in range(x.ndim)])
        return divide(sum(multiply(x, w), axis=axis), sum(w))
    return divide(sum(multiply(x, w), axis=axis), sum(w, axis=axis))


# -- NaN-skipping reductions ----------------------------------------------------------------------
def _nan_mask(x):
    return xp.isnan(x.data) if x.dtype.kind in "fc" else xp.zeros(x.shape, dtype=bool)


def _without_nan(x, fill):
    """x with NaN replaced by ``fill`` (no gradient reaches those entries)."""
    mask = _nan_mask(x)
    return where(mask, xp.asarray(fill, dtype=x.dtype), x) if mask.any() else x


@keras_op
def nansum(x, axis=None, keepdims=False):
    """Sum over ``axis`` counting NaN as 0.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nansum([1.0, np.nan, 2.0]).data.tolist()
    3.0
    """
    x = as_tensor(x, where="nansum")
    return sum(_without_nan(x, 0), axis=axis, keepdims=keepdims)


@keras_op
def nanprod(x, axis=None, keepdims=False):
    """Product over ``axis`` counting NaN as 1.

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanprod([2.0, np.nan, 3.0]).data.tolist()
    6.0
    """
    x = as_tensor(x, where="nanprod")
    return prod(_without_nan(x, 1), axis=axis, keepdims=keepdims)


def _nan_count(x, axis, keepdims, dtype):
    axes = normalize_axes(axis, x.ndim, "nanmean")
    return (~_nan_mask(x)).sum(axis=axes, keepdims=keepdims).astype(dtype)


@keras_op
def nanmean(x, axis=None, keepdims=False):
    """Mean over ``axis`` of the non-NaN values (NaN where there are none).

    Args:
        x: tensor; integers and bool become floatx.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanmean([1.0, np.nan, 2.0]).data.tolist()
    1.5
    """
    x = float_operand(x, "nanmean")
    count = _nan_count(x, axis, keepdims, x.dtype)
    total = sum(_without_nan(x, 0), axis=axis, keepdims=keepdims)
    with xp.errstate(invalid="ignore", divide="ignore"):
        return divide(total, count)


@keras_op
def nanvar(x, axis=None, keepdims=False):
    """Population variance over ``axis`` of the non-NaN values.

    Args:
        x: tensor; integers and bool become floatx.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanvar([1.0, np.nan, 3.0]).data.tolist()
    1.0
    """
    x = float_operand(x, "nanvar")
    count = _nan_count(x, axis, keepdims, x.dtype)
    # NaN replaced before the arithmetic, so no NaN reaches a gradient (0 * NaN would be NaN)
    centered = subtract(_without_nan(x, 0), nanmean(x, axis=axis, keepdims=True))
    total = sum(where(_nan_mask(x), 0.0, square(centered)), axis=axis, keepdims=keepdims)
    with xp.errstate(invalid="ignore", divide="ignore"):
        return divide(total, count)


@keras_op
def nanstd(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis`` of the non-NaN values.

    Args:
        x: tensor; integers and bool become floatx.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanstd([1.0, np.nan, 3.0]).data.tolist()
    1.0
    """
    return sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _nan_extreme(x, axis, keepdims, name, reduce, fill):
    x = as_tensor(x, where=name)
    mask = _nan_mask(x)
    if not mask.any():
        return _extreme(x, axis, keepdims, name, reduce)
    axes = normalize_axes(axis, x.ndim, name)
    out = _extreme(_without_nan(x, fill), axis, keepdims, name, reduce)
    empty = mask.all(axis=axes, keepdims=keepdims)
    return where(empty, xp.asarray(xp.nan, x.dtype), out) if empty.any() else out


@keras_op
def nanmax(x, axis=None, keepdims=False):
    """Largest non-NaN value over ``axis`` (NaN where all are NaN).

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanmax([1.0, np.nan, 2.0]).data.tolist()
    2.0
    """
    return _nan_extreme(x, axis, keepdims, "nanmax", xp.max, -xp.inf)


@keras_op
def nanmin(x, axis=None, keepdims=False):
    """Smallest non-NaN value over ``axis`` (NaN where all are NaN).

    Args:
        x: tensor.
        axis: int, sequence of ints or None (the default: all axes); negatives count from the end.
        keepdims: keep the reduced axes with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanmin([1.0, np.nan, 2.0]).data.tolist()
    1.0
    """
    return _nan_extreme(x, axis, keepdims, "nanmin", xp.min, xp.inf)


def _nan_arg(x, axis, keepdims, pick, fill):
    data = xp.asarray(array_of(x))
    if data.dtype.kind not in "fc":
        return pick(data, axis=axis, keepdims=keepdims)
    mask = xp.isnan(data)
    found = pick(xp.where(mask, fill, data), axis=axis, keepdims=keepdims).data
    empty = mask.all(axis=axis, keepdims=keepdims)
    return Tensor(xp.where(empty, -1, found).astype("int32"))


@keras_op
def nanargmax(x, axis=None, keepdims=False):
    """Index of the largest non-NaN value (int32; -1 where all are NaN).

    Args:
        x: tensor, array or nested list.
        axis: int, or None (the default) for the index into the flattened x.
        keepdims: keep the reduced axis with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanargmax([1.0, np.nan, 2.0]).data.tolist()
    2
    """
    return _nan_arg(x, axis, keepdims, argmax, -xp.inf)


@keras_op
def nanargmin(x, axis=None, keepdims=False):
    """Index of the smallest non-NaN value (int32; -1 where all are NaN).

    Args:
        x: tensor, array or nested list.
        axis: int, or None (the default) for the index into the flattened x.
        keepdims: keep the reduced axis with size 1; default False.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nanargmin([np.nan, 1.0, 2.0]).data.tolist()
    1
    """
    return _nan_arg(x, axis, keepdims, argmin, xp.inf)


# -- counting -------------------------------------------------------------------------------------
@keras_op
def histogram(x, bins=10, range=None):
    """Counts of the values of x in ``bins`` equal-width bins over ``range`` (default: from the
    smallest to the largest value; the last bin includes its right edge).

    Args:
        x: 1-D tensor.
        bins: number of bins.
        range: (low, high), or None.

    Returns:
        (counts, bin_edges): counts (bins,) and edges (bins + 1,), both of x's dtype as in Keras.

    Example:

    >>> from glassnet import ops
    >>> counts, edges = ops.histogram([1.0, 2.0, 2.0, 4.0], bins=3)
    >>> counts.data.tolist()
    [1.0, 2.0, 1.0]
    """
    data = xp.asarray(array_of(x))
    if data.ndim != 1:
        raise ValueError(f"histogram: expected a 1-D input, got shape {data.shape}")
    counts, edges = xp.histogram(data, bins=bins, range=range)
    return Tensor(counts.astype(data.dtype)), Tensor(edges.astype(data.dtype))


@keras_op
def bincount(x, weights=None, minlength=0, sparse=False):
    """How often each non-negative integer occurs in x (or the sum of its weights); for 2-D x,
    one count per row.

    Args:
        x: 1-D or 2-D non-negative integer tensor.
        weights: tensor of x's shape, or None.
        minlength: the least length of the result.
        sparse: not supported (glassnet has no sparse tensors).

    Returns:
        int32 counts, or the weights' dtype (Keras's common dtype with x) when weighted.

    Example:

    >>> from glassnet import ops
    >>> ops.bincount([0, 1, 1, 3]).data.tolist()
    [1, 2, 0, 1]
    """
    if sparse:
        raise ValueError("bincount: sparse=True is not supported; glassnet has no sparse tensors")
    data = xp.asarray(array_of(x))
    if data.dtype.kind not in "biu":
        raise TypeError(f"bincount: expected integer values, got dtype {data.dtype}")
    if data.size and data.min() < 0:
        raise ValueError("bincount: values must be non-negative")
    if data.ndim not in (1, 2):
        raise ValueError(f"bincount: expected a 1-D or 2-D input, got shape {data.shape}")
    length = builtins.max(int(minlength), int(data.max()) + 1 if data.size else 0)
    if weights is None:
        dtype, w = xp.dtype("int32"), xp.ones(data.shape)
    else:
        w = xp.asarray(array_of(weights))
        dtype = result_type(data.dtype, w.dtype)
    rows = data.reshape(-1, data.shape[-1]) if data.ndim else data.reshape(1, -1)
    w = xp.broadcast_to(w, data.shape).reshape(rows.shape)
    out = xp.zeros((rows.shape[0], length), dtype=xp.float64 if dtype.kind == "f" else xp.int64)
    xp.add.at(out, (xp.arange(rows.shape[0])[:, None], rows.astype(xp.int64)), w)
    out = out.astype(dtype)
    return Tensor(out[0] if data.ndim == 1 else out)
