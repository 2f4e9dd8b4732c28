"""Max and average pooling over windows, channels_last: (N, H, W, C) -> (N, out_h, out_w, C)
(and the same over 1 or 3 spatial axes), and adaptive pooling to a fixed output size.

Both run over the pool offsets rather than over windows: for each offset (i, j) inside the
window, ``x[:, i::stride, j::stride]`` is a strided view holding that cell of every window, so a
pool is a running maximum (or sum) of ph * pw views, with no copies or transposes. Max pooling
sends each window's gradient to its first maximum (in row-major order), as PyTorch and
TensorFlow do; the forward records which offset won each window (one uint8 per output), so the
backward is one comparison and one write per offset.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.max_pool2d(np.array([[[[1.0], [3.0]], [[2.0], [0.0]]]])).data.ravel().tolist()
[3.0]
"""

import itertools
import math

from glassnet.autograd.grad_mode import is_grad_enabled
from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import compiled, xp
from glassnet.ops._helpers import product_over_rows, sum_rows
from glassnet.ops.activation import apply_activation, spec_inside_op
from glassnet.ops.conv import (
    as_pair,
    as_tuple,
    conv2d,
    conv2d_geometry,
    im2col,
    output_size_and_padding,
)
from glassnet.ops.elementwise import add
from glassnet.ops.image import standardize_data_format
from glassnet.ops.manipulation import expand_dims, squeeze
from glassnet.ops.operation import keras_op


def _setup(shape, pool_size, strides, padding, where):
    if len(shape) != 4:
        raise ValueError(
            f"{where}: expected inputs (batch, height, width, channels), got shape {shape}"
        )
    pool = as_pair(pool_size, f"{where} pool_size")
    stride = as_pair(strides if strides is not None else pool, f"{where} strides")
    out_h, pad_h = output_size_and_padding(shape[1], pool[0], stride[0], 1, padding, where)
    out_w, pad_w = output_size_and_padding(shape[2], pool[1], stride[1], 1, padding, where)
    return pool, stride, (out_h, out_w), pad_h, pad_w


def _offset_views(array, pool, stride, out):
    """(offset, view) for every cell position of the window:
    view[n, a, b, c] = array[n, a*sh + i, b*sw + j, c]."""
    for i in range(pool[0]):
        for j in range(pool[1]):
            yield (
                (
                    slice(None),
                    slice(i, i + stride[0] * (out[0] - 1) + 1, stride[0]),
                    slice(j, j + stride[1] * (out[1] - 1) + 1, stride[1]),
                ),
                array[
                    :,
                    i : i + stride[0] * (out[0] - 1) + 1 : stride[0],
                    j : j + stride[1] * (out[1] - 1) + 1 : stride[1],
                ],
            )


def _pad(data, pad_h, pad_w, fill):
    if pad_h == (0, 0) and pad_w == (0, 0):
        return data
    return xp.pad(data, ((0, 0), pad_h, pad_w, (0, 0)), constant_values=fill)


def _unpad(grad, x_shape, pad_h, pad_w):
    return grad[:, pad_h[0] : pad_h[0] + x_shape[1], pad_w[0] : pad_w[0] + x_shape[2]]


@compiled.register("max_pool2d_forward")
def max_pool2d_forward_loop(padded, pool_h, pool_w, stride_h, stride_w, result, winner):
    """Max pooling and each window's winning offset in one pass: the compiled sibling of the
    NumPy lines in ``max_pool2d`` (which walk the image once per window offset, thirteen passes
    for 2 x 2 windows).

    The same values: a later cell wins only when strictly greater (ties keep the first cell in
    row-major order) and a NaN spreads to its window, as ``np.maximum`` does.

    Args:
        padded: (N, H, W, C), the padded input.
        pool_h, pool_w: the window.
        stride_h, stride_w: the strides.
        result: (N, out_h, out_w, C), written with the maxima.
        winner: (N, out_h, out_w, C) integers, written with the winning offset (row * pool_w +
            column within the window).

    Example:

    >>> import numpy as np
    >>> x = np.array([1.0, 3.0, 2.0, 3.0]).reshape(1, 2, 2, 1)
    >>> result, winner = np.empty((1, 1, 1, 1)), np.empty((1, 1, 1, 1), dtype=np.uint8)
    >>> max_pool2d_forward_loop(x, 2, 2, 2, 2, result, winner)
    >>> float(result[0, 0, 0, 0]), int(winner[0, 0, 0, 0])
    (3.0, 1)
    """
    n, out_h, out_w, channels = result.shape
    for b in range(n):
        for i in range(out_h):
            for j in range(out_w):
                top, left = i * stride_h, j * stride_w
                for c in range(channels):
                    result[b, i, j, c] = padded[b, top, left, c]
                    winner[b, i, j, c] = 0
                for di in range(pool_h):
                    for dj in range(pool_w):
                        if di == 0 and dj == 0:
                            continue
                        offset = di * pool_w + dj
                        for c in range(channels):  # selects, not branches: it vectorises
                            value = padded[b, top + di, left + dj, c]
                            best = result[b, i, j, c]
                            wins = value > best
                            winner[b, i, j, c] = offset if wins else winner[b, i, j, c]
                            # value != value: a NaN, which np.maximum keeps
                            result[b, i, j, c] = value if wins or value != value else best


@compiled.register("max_pool2d_backward")
def max_pool2d_backward_loop(grad_output, winner, pool_h, pool_w, stride_h, stride_w, grad):
    """Each window's gradient into the cell that won it and 0 into its other cells, for windows
    that do not overlap: the compiled sibling of the NumPy lines in ``max_pool2d``'s backward.

    Cells outside every window keep the zeros ``grad`` starts with. (The NumPy lines write
    0 * g into the cells that lost, which differs from 0 only for an infinite or NaN gradient.)

    Args:
        grad_output: (N, out_h, out_w, C).
        winner: the winning offsets ``max_pool2d_forward_loop`` wrote.
        pool_h, pool_w: the window.
        stride_h, stride_w: the strides (at least the window: no overlap).
        grad: (N, H, W, C) zeros, the padded input's gradient; written in place.

    Example:

    >>> import numpy as np
    >>> grad = np.zeros((1, 2, 2, 1))
    >>> winner = np.array([1], dtype=np.uint8).reshape(1, 1, 1, 1)
    >>> max_pool2d_backward_loop(np.full((1, 1, 1, 1), 5.0), winner, 2, 2, 2, 2, grad)
    >>> grad.ravel().tolist()
    [0.0, 5.0, 0.0, 0.0]
    """
    n, out_h, out_w, channels = grad_output.shape
    zero = grad.dtype.type(0)
    for b in range(n):
        for i in range(out_h):
            for j in range(out_w):
                top, left = i * stride_h, j * stride_w
                for di in range(pool_h):
                    for dj in range(pool_w):
                        offset = di * pool_w + dj
                        for c in range(channels):
                            won = winner[b, i, j, c] == offset
                            grad[b, top + di, left + dj, c] = (
                                grad_output[b, i, j, c] if won else zero
                            )


def _max_pool_offsets(padded, pool, stride, out, index_type):
    """Max pooling with NumPy, one pass per window offset: (result, winner), where winner holds
    each window's winning offset (None when ``index_type`` is None: no gradient to route)."""
    result = winner = better = claim = None
    for offset, (_, view) in enumerate(_offset_views(padded, pool, stride, out)):
        if result is None:
            result = view.copy()
            if index_type is not None:
                winner, better, claim = (
                    xp.zeros(result.shape, dtype=index_type),
                    xp.empty(result.shape, dtype=bool),
                    xp.empty(result.shape, dtype=index_type),
                )
            continue
        if winner is not None:  # strictly greater: on ties the first cell (row-major) keeps it
            xp.greater(view, result, out=better)
            # offset where this one wins, else 0; it exceeds every earlier winner
            xp.multiply(better, index_type(offset), out=claim)
            xp.maximum(winner, claim, out=winner)
        xp.maximum(result, view, out=result)
    return result, winner


@keras_op
def max_pool2d(inputs, pool_size=2, strides=None, padding="valid"):
    """Largest value of each window: (N, H, W, C) -> (N, out_h, out_w, C).

    Args:
        inputs: (N, H, W, C).
        pool_size: int or pair.
        strides: int, pair or None (= pool_size).
        padding: "valid" or "same".

    Returns:
        (N, out_h, out_w, C).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.max_pool2d(np.arange(16.0).reshape(1, 4, 4, 1)).data.ravel().tolist()
    [5.0, 7.0, 13.0, 15.0]
    """
    x = as_tensor(inputs, where="max_pool2d")
    pool, stride, out, pad_h, pad_w = _setup(x.shape, pool_size, strides, padding, "max_pool2d")
    padded = _pad(x.data, pad_h, pad_w, -xp.inf)
    track = x.requires_grad and is_grad_enabled()  # which offset won each window, for the backward
    index_type = xp.uint8 if pool[0] * pool[1] <= 256 else xp.int32
    compiles = padded.dtype in (xp.float32, xp.float64)
    forward_kernel = compiled.get("max_pool2d_forward") if compiles else None
    if forward_kernel is not None:
        result = xp.empty((x.shape[0], *out, x.shape[3]), dtype=padded.dtype)
        winner = xp.empty(result.shape, dtype=index_type)
        forward_kernel(padded, *pool, *stride, result, winner)
    else:
        result, winner = _max_pool_offsets(padded, pool, stride, out, index_type if track else None)
    overlapping = stride[0] < pool[0] or stride[1] < pool[1]

    def backward(grad_output):  # grad_output goes to the cell that won its window
        grad = xp.zeros(padded.shape, dtype=grad_output.dtype)
        kernel = None
        if not overlapping and grad.dtype in (xp.float32, xp.float64):
            kernel = compiled.get("max_pool2d_backward")
        if kernel is not None:
            kernel(xp.ascontiguousarray(grad_output), winner, *pool, *stride, grad)
            return (_unpad(grad, x.shape, pad_h, pad_w),)
        hit = xp.empty(result.shape, dtype=bool)
        for offset, (index, _) in enumerate(_offset_views(padded, pool, stride, out)):
            xp.equal(winner, offset, out=hit)
            if overlapping:  # a cell can belong to several windows: add up
                grad[index] += hit * grad_output
            else:  # each cell belongs to one window: write in place
                xp.multiply(hit, grad_output, out=grad[index])
        return (_unpad(grad, x.shape, pad_h, pad_w),)

    return from_op(result, (x,), backward)


# images per chunk of ``conv2d_max_pool2d``: the chunk's convolution output (images * out_h *
# out_w * filters floats, 512 KB in float32) stays in cache between the GEMM and the pooling
_CONV_POOL_CHUNK_FLOATS = 1 << 17


def _conv_pool_kernels(x, k, b, groups, pool, stride, out, pad_h, pad_w):
    """The compiled kernels ``conv2d_max_pool2d`` runs with, or None when it must compose the
    reference ops: one group, non-overlapping 'valid' windows, operands of one dtype, float32 or
    float64, numba."""
    if (
        groups != 1
        or (b is not None and b.dtype != x.dtype)
        or pad_h != (0, 0)
        or pad_w != (0, 0)
        or stride[0] < pool[0]
        or stride[1] < pool[1]
        or 0 in out
        or x.dtype != k.dtype
        or x.dtype not in (xp.float32, xp.float64)
    ):
        return None
    kernels = [compiled.get(name) for name in ("max_pool2d_forward", "max_pool2d_backward")]
    kernels.append(compiled.get("col2im_add") if x.requires_grad else None)
    if None in kernels[:2] or (x.requires_grad and kernels[2] is None):
        return None
    return kernels


def conv2d_max_pool2d(
    inputs,
    kernel,
    bias=None,
    strides=1,
    padding="valid",
    dilation_rate=1,
    groups=1,
    pool_size=2,
    pool_strides=None,
    pool_padding="valid",
    activation="linear",
):
    """activation(max_pool2d(conv2d(inputs, kernel)) + bias) as one op that convolves and pools
    a chunk of images at a time, so the convolution's output (four times the pooled one for 2 x 2
    windows) never exists for the whole batch: it goes from the GEMM to the pooling kernel while
    in cache, and the backward routes each chunk's gradient to the window winners and on through
    the GEMMs the same way. The windows (im2col) are made per chunk too, again in the backward,
    rather than kept for the whole batch between the two; the bias and the activation are
    applied to each chunk's pooled values in place. The fusion pass's ``conv2d_maxpool`` rule
    calls it: for a non-decreasing activation this equals pooling the activated convolution.

    It runs when the compiled pooling (and, for an input gradient, ``col2im_add``) kernels are
    there, with one group and non-overlapping 'valid' windows; otherwise it composes the ops
    (``conv2d``, ``max_pool2d``, ``add``, the activation). The values are the reference's up to
    the order of the kernel and bias gradients' additions (the chunks are summed one after
    another).

    Args:
        inputs: (N, H, W, C).
        kernel: (kh, kw, C // groups, F).
        bias: (F,) or None, added after the pooling.
        strides, padding, dilation_rate, groups: the convolution's, as ``conv2d``.
        pool_size, pool_strides, pool_padding: the pooling's, as ``max_pool2d``.
        activation: applied last; a name whose derivative needs only the output (as ``dense``).

    Returns:
        (N, pooled_h, pooled_w, F).

    Example:

    >>> import numpy as np
    >>> x, k = np.arange(32.0).reshape(2, 4, 4, 1), np.ones((1, 1, 1, 3))
    >>> out = conv2d_max_pool2d(x, k)
    >>> out.shape, bool(np.array_equal(out.data, max_pool2d(x @ np.ones((1, 3))).data))
    ((2, 2, 2, 3), True)
    """
    spec = spec_inside_op(activation, "conv2d_max_pool2d")
    x = as_tensor(inputs, where="conv2d_max_pool2d")
    k = as_tensor(kernel, like=x, where="conv2d_max_pool2d")
    b = None if bias is None else as_tensor(bias, like=x, where="conv2d_max_pool2d")
    (stride, dilation), (out_h, out_w), (top, left), padded = conv2d_geometry(
        x, k, strides, padding, dilation_rate, groups, "conv2d_max_pool2d"
    )
    n, h, w, c = x.shape
    kh, kw, _, filters = k.shape
    pool, pool_stride, out, pad_h, pad_w = _setup(
        (n, out_h, out_w, filters), pool_size, pool_strides, pool_padding, "conv2d_max_pool2d"
    )
    if b is not None and b.shape != (filters,):
        raise ValueError(
            f"conv2d_max_pool2d: the bias must have shape ({filters},), one value per filter; "
            f"got {b.shape}"
        )
    kernels = _conv_pool_kernels(x, k, b, groups, pool, pool_stride, out, pad_h, pad_w)
    if kernels is None:
        convolved = conv2d(x, k, None, strides, padding, dilation_rate, groups)
        pooled = max_pool2d(convolved, pool_size, pool_strides, pool_padding)
        pooled = pooled if b is None else add(pooled, b)
        return pooled if spec.name == "linear" else apply_activation(spec, pooled)
    pool_forward, pool_backward, add_back = kernels
    per_image = out_h * out_w
    images = max(1, min(n, _CONV_POOL_CHUNK_FLOATS // (per_image * filters)))
    chunks = [(first, min(n, first + images)) for first in range(0, n, images)]
    kernel_matrix = k.data.reshape(kh * kw * c, filters)

    # every window of these images as a row (im2col); the backward makes them again from
    # ``padded``, which is the input's own array when no padding is needed: an input changed in
    # place between the forward and the backward changes the kernel gradient, as for other ops
    # that keep their inputs
    def windows_of(first, last):
        return im2col(padded[first:last], (kh, kw), stride, dilation, (out_h, out_w))

    result = xp.empty((n, *out, filters), dtype=x.dtype)
    winner = xp.empty(result.shape, dtype=xp.uint8 if pool[0] * pool[1] <= 256 else xp.int32)
    chunk_out = xp.empty((images * per_image, filters), dtype=x.dtype)
    for first, last in chunks:
        convolved = chunk_out[: (last - first) * per_image]
        xp.matmul(windows_of(first, last), kernel_matrix, out=convolved)
        convolved = convolved.reshape(last - first, out_h, out_w, filters)
        pooled = result[first:last]
        pool_forward(convolved, *pool, *pool_stride, pooled, winner[first:last])
        activated = spec.apply_inplace(pooled, None if b is None else b.data)
        if activated is not pooled:
            pooled[...] = activated

    def backward(grad_output):
        grad_kernel = xp.zeros(kernel_matrix.shape, dtype=x.dtype) if k.requires_grad else None
        grad_bias = xp.zeros(filters, dtype=x.dtype) if b is not None else None
        image = xp.zeros(padded.shape, dtype=x.dtype) if x.requires_grad else None
        # each chunk's gradient of the convolution output: the pooling kernel writes every cell
        # a window covers, so the cells no window covers keep the zeros they start with
        chunk_grad = xp.zeros((images, out_h, out_w, filters), dtype=x.dtype)
        for first, last in chunks:
            routed = chunk_grad[: last - first]
            grad_pooled = grad_output[first:last]
            if spec.name != "linear":  # dL/dz = dL/dy * f'(z), written from y
                grad_pooled = spec.chain(grad_pooled, None, result[first:last])
            if grad_bias is not None:
                grad_bias += sum_rows(grad_pooled.reshape(-1, filters))
            grad_pooled = xp.ascontiguousarray(grad_pooled)
            pool_backward(grad_pooled, winner[first:last], *pool, *pool_stride, routed)
            rows = routed.reshape(-1, filters)
            if grad_kernel is not None:  # the windows again, made while in cache
                grad_kernel += product_over_rows(windows_of(first, last), rows)
            if image is not None:
                window_grads = rows @ kernel_matrix.T
                sizes = (out_h, out_w, kh, kw, stride, dilation)
                add_back(window_grads, *sizes, image[first:last])
        grad_x = None if image is None else image[:, top : top + h, left : left + w, :]
        grad_kernel = None if grad_kernel is None else grad_kernel.reshape(k.shape)
        return (grad_x, grad_kernel) + (() if b is None else (grad_bias,))

    parents = (x, k) if b is None else (x, k, b)
    output = from_op(result, parents, backward)
    if spec.name != "linear":
        output.activation = spec.name
    return output


@keras_op
def average_pool2d(inputs, pool_size=2, strides=None, padding="valid"):
    """Mean of each window: (N, H, W, C) -> (N, out_h, out_w, C); with 'same' padding the padded
    cells are not counted (as Keras).

    Args:
        inputs: (N, H, W, C).
        pool_size: int or pair.
        strides: int, pair or None (= pool_size).
        padding: "valid" or "same".

    Returns:
        (N, out_h, out_w, C).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.average_pool2d(np.arange(16.0).reshape(1, 4, 4, 1)).data.ravel().tolist()
    [2.5, 4.5, 10.5, 12.5]
    """
    x = as_tensor(inputs, where="average_pool2d")
    pool, stride, out, pad_h, pad_w = _setup(x.shape, pool_size, strides, padding, "average_pool2d")
    padded = _pad(x.data, pad_h, pad_w, 0)
    total = None
    for _, view in _offset_views(padded, pool, stride, out):
        total = view.copy() if total is None else xp.add(total, view, out=total)
    if pad_h == (0, 0) and pad_w == (0, 0):
        counts = pool[0] * pool[1]
    else:  # real cells per window: the same pooling over a padded image of ones
        ones = _pad(xp.ones((1, x.shape[1], x.shape[2], 1), dtype=x.dtype), pad_h, pad_w, 0)
        counts = sum(view for _, view in _offset_views(ones, pool, stride, out))
    result = total / counts

    def backward(grad_output):  # every cell of a window gets grad_output / (cells counted)
        share = grad_output / counts
        grad = xp.zeros(padded.shape, dtype=grad_output.dtype)
        for index, _ in _offset_views(padded, pool, stride, out):
            grad[index] += share
        return (_unpad(grad, x.shape, pad_h, pad_w),)

    return from_op(result, (x,), backward)


@keras_op
def max_pool1d(inputs, pool_size=2, strides=None, padding="valid"):
    """Largest value of each window of steps: (N, L, C) -> (N, out_L, C).

    Args:
        inputs: (N, L, C).
        pool_size: int (or a 1-tuple).
        strides: int, 1-tuple or None (= pool_size).
        padding: "valid" or "same".

    Returns:
        (N, out_L, C).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.max_pool1d(np.arange(4.0).reshape(1, 4, 1)).data.ravel().tolist()
    [1.0, 3.0]
    """
    stride = strides if strides is None or isinstance(strides, int) else strides[0]
    size = pool_size if isinstance(pool_size, int) else pool_size[0]
    return squeeze(max_pool2d(expand_dims(inputs, 1), (1, size), (1, stride or size), padding), 1)


@keras_op
def average_pool1d(inputs, pool_size=2, strides=None, padding="valid"):
    """Mean of each window of steps: (N, L, C) -> (N, out_L, C).

    Args:
        inputs: (N, L, C).
        pool_size: int (or a 1-tuple).
        strides: int, 1-tuple or None (= pool_size).
        padding: "valid" or "same" (padded steps are not counted).

    Returns:
        (N, out_L, C).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.average_pool1d(np.arange(4.0).reshape(1, 4, 1)).data.ravel().tolist()
    [0.5, 2.5]
    """
    stride = strides if strides is None or isinstance(strides, int) else strides[0]
    size = pool_size if isinstance(pool_size, int) else pool_size[0]
    return squeeze(
        average_pool2d(expand_dims(inputs, 1), (1, size), (1, stride or size), padding), 1
    )


# -- any number of spatial axes: the 3-D pools ----------------------------------------------
def _setup_nd(x, pool_size, strides, padding, rank, where):
    if x.ndim != rank + 2:
        raise ValueError(
            f"{where}: expected inputs (batch, {rank} spatial axes, channels), got shape {x.shape}"
        )
    pool = as_tuple(pool_size, rank, f"{where} pool_size")
    stride = as_tuple(strides if strides is not None else pool, rank, f"{where} strides")
    sizes = [
        output_size_and_padding(size, length, step, 1, padding, where)
        for size, length, step in zip(x.shape[1:-1], pool, stride)
    ]
    return pool, stride, tuple(count for count, _ in sizes), [pair for _, pair in sizes]


def _offset_views_nd(array, pool, stride, out):
    """(index, view) for every cell offset of the window, over any number of spatial axes."""
    for offset in itertools.product(*(range(length) for length in pool)):
        index = (slice(None),) + tuple(
            slice(start, start + step * (count - 1) + 1, step)
            for start, step, count in zip(offset, stride, out)
        )
        yield index, array[index]


def _pad_nd(data, pads, fill):
    if all(pair == (0, 0) for pair in pads):
        return data
    return xp.pad(data, ((0, 0), *pads, (0, 0)), constant_values=fill)


def _unpad_nd(grad, shape, pads):
    return grad[
        (slice(None), *(slice(pair[0], pair[0] + size) for pair, size in zip(pads, shape[1:-1])))
    ]


def max_pool_nd(inputs, pool_size, strides, padding, rank, where):
    """Largest value of each window over ``rank`` spatial axes (channels_last).

    The gradient goes to the first maximum of each window in row-major order, as in
    ``max_pool2d``.

    Args:
        inputs: (N, *spatial, C).
        pool_size: int or one per spatial axis.
        strides: int, one per spatial axis, or None (= pool_size).
        padding: "valid" or "same".
        rank: the number of spatial axes.
        where: the op's name, for error messages.

    Returns:
        (N, *out_shape, C).

    Example:

    >>> import numpy as np
    >>> max_pool_nd(np.arange(6.0).reshape(1, 6, 1), 3, None, "valid", 1, "max_pool1d").shape
    (1, 2, 1)
    """
    x = as_tensor(inputs, where=where)
    pool, stride, out, pads = _setup_nd(x, pool_size, strides, padding, rank, where)
    padded = _pad_nd(x.data, pads, -xp.inf)
    result = winner = None
    for offset, (_, view) in enumerate(_offset_views_nd(padded, pool, stride, out)):
        if result is None:
            result, winner = view.copy(), xp.zeros(view.shape, dtype=xp.int32)
            continue
        better = view > result  # strictly: on ties the earlier offset keeps the window
        winner[better] = offset
        xp.maximum(result, view, out=result)

    def backward(grad_output):  # grad_output goes to the cell that won its window
        grad = xp.zeros(padded.shape, dtype=grad_output.dtype)
        for offset, (index, _) in enumerate(_offset_views_nd(padded, pool, stride, out)):
            grad[index] += (winner == offset) * grad_output
        return (_unpad_nd(grad, x.shape, pads),)

    return from_op(result, (x,), backward)


def average_pool_nd(inputs, pool_size, strides, padding, rank, where):
    """Mean of each window over ``rank`` spatial axes; 'same' padding cells are not counted.

    Args:
        inputs: (N, *spatial, C).
        pool_size: int or one per spatial axis.
        strides: int, one per spatial axis, or None (= pool_size).
        padding: "valid" or "same".
        rank: the number of spatial axes.
        where: the op's name, for error messages.

    Returns:
        (N, *out_shape, C).

    Example:

    >>> import numpy as np
    >>> x = np.arange(3.0).reshape(1, 3, 1)
    >>> average_pool_nd(x, 2, 2, "same", 1, "average_pool1d").data.ravel().tolist()
    [0.5, 2.0]
    """
    x = as_tensor(inputs, where=where)
    pool, stride, out, pads = _setup_nd(x, pool_size, strides, padding, rank, where)
    padded = _pad_nd(x.data, pads, 0)
    total = None
    for _, view in _offset_views_nd(padded, pool, stride, out):
        total = view.copy() if total is None else xp.add(total, view, out=total)
    if all(pair == (0, 0) for pair in pads):
        counts = math.prod(pool)
    else:  # real cells per window: the same pooling over a padded array of ones
        ones = _pad_nd(xp.ones((1, *x.shape[1:-1], 1), dtype=x.dtype), pads, 0)
        counts = sum(view for _, view in _offset_views_nd(ones, pool, stride, out))
    result = total / counts

    def backward(grad_output):  # every cell of a window gets grad_output / (cells counted)
        share = grad_output / counts
        grad = xp.zeros(padded.shape, dtype=grad_output.dtype)
        for index, _ in _offset_views_nd(padded, pool, stride, out):
            grad[index] += share
        return (_unpad_nd(grad, x.shape, pads),)

    return from_op(result, (x,), backward)


@keras_op
def max_pool3d(inputs, pool_size=2, strides=None, padding="valid"):
    """Largest value of each 3-D window: (N, D, H, W, C) -> (N, out_d, out_h, out_w, C).

    Args:
        inputs: (N, D, H, W, C).
        pool_size: int or triple.
        strides: int, triple or None (= pool_size).
        padding: "valid" or "same".

    Returns:
        (N, out_d, out_h, out_w, C).

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.pooling import max_pool3d
    >>> max_pool3d(np.arange(8.0).reshape(1, 2, 2, 2, 1)).data.ravel().tolist()
    [7.0]
    """
    return max_pool_nd(inputs, pool_size, strides, padding, 3, "max_pool3d")


@keras_op
def average_pool3d(inputs, pool_size=2, strides=None, padding="valid"):
    """Mean of each 3-D window: (N, D, H, W, C) -> (N, out_d, out_h, out_w, C).

    Args:
        inputs: (N, D, H, W, C).
        pool_size: int or triple.
        strides: int, triple or None (= pool_size).
        padding: "valid" or "same" (padded cells are not counted).

    Returns:
        (N, out_d, out_h, out_w, C).

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.pooling import average_pool3d
    >>> average_pool3d(np.arange(8.0).reshape(1, 2, 2, 2, 1)).data.ravel().tolist()
    [3.5]
    """
    return average_pool_nd(inputs, pool_size, strides, padding, 3, "average_pool3d")


# -- adaptive pooling: a fixed output size, windows [floor(i L / n), ceil((i + 1) L / n)) ----
def adaptive_windows(length, size):
    """(starts, ends) of the ``size`` windows that cover ``length`` cells.

    Placed as Keras and PyTorch place them: window i spans
    [floor(i * length / size), ceil((i + 1) * length / size)), so windows may overlap.

    Args:
        length: the number of cells along the axis.
        size: the number of windows (the output size).

    Returns:
        ``(starts, ends)``, two int arrays of ``size`` entries (ends exclusive).

    Example:

    >>> starts, ends = adaptive_windows(5, 2)
    >>> starts.tolist(), ends.tolist()
    ([0, 2], [3, 5])
    """
    index = xp.arange(size)
    return (index * length) // size, -((-(index + 1) * length) // size)


def _adaptive_average_axis(x, size, axis):
    """Average over adaptive windows along one axis: a (size, length) averaging matrix applied to
    that axis."""
    length = x.shape[axis]
    starts, ends = adaptive_windows(length, size)
    cells = xp.arange(length)
    inside = (cells >= starts[:, None]) & (cells < ends[:, None])
    weights = (inside / (ends - starts)[:, None]).astype(x.dtype)  # (size, length)
    out = xp.moveaxis(xp.tensordot(weights, x.data, axes=([1], [axis])), 0, axis)

    def backward(grad_output):  # dL/dx = W^T grad_output along the axis
        return (xp.moveaxis(xp.tensordot(weights.T, grad_output, axes=([1], [axis])), 0, axis),)

    return from_op(out, (x,), backward)


def _adaptive_max_axis(x, size, axis):
    """Maximum over adaptive windows along one axis; the gradient goes to each window's first
    maximum."""
    length = x.shape[axis]
    starts, ends = adaptive_windows(length, size)
    widest = int((ends - starts).max())
    # cell indices of each window, the last cell repeated to fill the shorter windows
    cells = xp.minimum(starts[:, None] + xp.arange(widest), ends[:, None] - 1)  # (size, widest)
    moved = xp.moveaxis(x.data, axis, -1)  # (..., length)
    choice = moved[..., cells].argmax(axis=-1)  # (..., size): which cell of each window
    winners = cells[xp.arange(size), choice]  # (..., size): its index along the axis
    out = xp.moveaxis(xp.take_along_axis(moved, winners, axis=-1), -1, axis)

    def backward(grad_output):  # each window's gradient lands on its winner (windows may overlap)
        grad_last = xp.moveaxis(grad_output, axis, -1)
        rows = grad_last.size // size
        flat = (xp.arange(rows)[:, None] * length + winners.reshape(rows, size)).ravel()
        grad = xp.bincount(flat, weights=grad_last.reshape(-1), minlength=rows * length)
        grad = grad.astype(grad_output.dtype).reshape(*grad_last.shape[:-1], length)
        return (xp.moveaxis(grad, -1, axis),)

    return from_op(out, (x,), backward)


def _adaptive_pool(inputs, output_size, data_format, per_axis, where):
    x = as_tensor(inputs, where=where)
    rank = x.ndim - 2
    if rank not in (1, 2, 3):
        raise ValueError(
            f"{where}: expected inputs with 1, 2 or 3 spatial axes (3-D to 5-D), got shape "
            f"{x.shape}"
        )
    sizes = as_tuple(output_size, rank, f"{where} output_size")
    first = 2 if standardize_data_format(data_format, where) == "channels_first" else 1
    # a window is a product of one interval per axis, so pooling one axis at a time is exact
    for i, size in enumerate(sizes):
        x = per_axis(x, size, first + i)
    return x


@keras_op
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed ``output_size`` (int or one per spatial axis), whatever the
    input size: window i of an axis of length L spans [floor(i L / n), ceil((i + 1) L / n)).

    Args:
        inputs: (N, *spatial, C) (channels_first: (N, C, *spatial)), 1 to 3 spatial axes.
        output_size: int or tuple, the spatial size of the result.
        data_format: "channels_last" or "channels_first"; None: the configured default.

    Returns:
        The input with each spatial axis reduced to ``output_size``.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.pooling import adaptive_average_pool
    >>> adaptive_average_pool(np.arange(5.0).reshape(1, 5, 1), 2).data.ravel().tolist()
    [1.0, 3.0]
    """
    return _adaptive_pool(
        inputs, output_size, data_format, _adaptive_average_axis, "adaptive_average_pool"
    )


@keras_op
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed ``output_size``, with ``adaptive_average_pool``'s windows.

    The gradient of each window goes to its first maximum.

    Args:
        inputs: (N, *spatial, C) (channels_first: (N, C, *spatial)), 1 to 3 spatial axes.
        output_size: int or tuple, the spatial size of the result.
        data_format: "channels_last" or "channels_first"; None: the configured default.

    Returns:
        The input with each spatial axis reduced to ``output_size``.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.pooling import adaptive_max_pool
    >>> adaptive_max_pool(np.arange(5.0).reshape(1, 5, 1), 2).data.ravel().tolist()
    [2.0, 4.0]
    """
    return _adaptive_pool(inputs, output_size, data_format, _adaptive_max_axis, "adaptive_max_pool")
