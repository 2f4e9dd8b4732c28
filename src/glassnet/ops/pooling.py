"""Max and average pooling over 2-D windows, channels_last: (N, H, W, C) -> (N, out_h, out_w, C).

Both run over the pool offsets rather than over windows: for each offset (i, j) inside the window,
``x[:, i::stride, j::stride]`` is a strided view holding that cell of every window, so a pool is a
running maximum (or sum) of ph * pw views, with no copies or transposes. Max pooling sends each
window's gradient to its first maximum (in row-major order), as PyTorch and TensorFlow do; the
forward records which offset won each window (one uint8 per output), so the backward is one
comparison and one write per offset.
"""

from glassnet.autograd.grad_mode import is_grad_enabled
from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops.conv import as_pair, output_size_and_padding
from glassnet.ops.operation import keras_op


def _setup(x, pool_size, strides, padding, where):
    if x.ndim != 4:
        raise ValueError(
            f"{where}: expected inputs (batch, height, width, channels), got shape {x.shape}"
        )
    pool = as_pair(pool_size, f"{where} pool_size")
    stride = as_pair(strides if strides is not None else pool, f"{where} strides")
    out_h, pad_h = output_size_and_padding(x.shape[1], pool[0], stride[0], 1, padding, where)
    out_w, pad_w = output_size_and_padding(x.shape[2], pool[1], stride[1], 1, padding, where)
    return pool, stride, (out_h, out_w), pad_h, pad_w


def _offset_views(array, pool, stride, out):
    """(offset, view) for every cell position of the window: view[n, a, b, c] = array[n, a*sh + i, b*sw + j, c]."""
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


@keras_op
def max_pool2d(inputs, pool_size=2, strides=None, padding="valid"):
    """Largest value of each window."""
    x = as_tensor(inputs, where="max_pool2d")
    pool, stride, out, pad_h, pad_w = _setup(x, pool_size, strides, padding, "max_pool2d")
    padded = _pad(x.data, pad_h, pad_w, -xp.inf)
    track = x.requires_grad and is_grad_enabled()  # which offset won each window, for the backward
    result = winner = better = None
    for k, (_, view) in enumerate(_offset_views(padded, pool, stride, out)):
        if result is None:
            result = view.copy()
            if track:
                index_type = xp.uint8 if pool[0] * pool[1] <= 256 else xp.int32
                winner, better, claim = (
                    xp.zeros(result.shape, dtype=index_type),
                    xp.empty(result.shape, dtype=bool),
                    xp.empty(result.shape, dtype=index_type),
                )
            continue
        if track:  # strictly greater: on ties the first cell in row-major order keeps the window
            xp.greater(view, result, out=better)
            xp.multiply(
                better, index_type(k), out=claim
            )  # k where this offset wins, else 0; k exceeds every earlier winner
            xp.maximum(winner, claim, out=winner)
        xp.maximum(result, view, out=result)

    overlapping = stride[0] < pool[0] or stride[1] < pool[1]

    def backward(grad_output):  # g goes to the cell that won its window
        grad = xp.zeros(padded.shape, dtype=grad_output.dtype)
        hit = xp.empty(result.shape, dtype=bool)
        for k, (index, _) in enumerate(_offset_views(padded, pool, stride, out)):
            xp.equal(winner, k, out=hit)
            if overlapping:  # a cell can belong to several windows: add up
                grad[index] += hit * grad_output
            else:  # each cell belongs to one window: write in place
                xp.multiply(hit, grad_output, out=grad[index])
        return (_unpad(grad, x.shape, pad_h, pad_w),)

    return from_op(result, (x,), backward)


@keras_op
def average_pool2d(inputs, pool_size=2, strides=None, padding="valid"):
    """Mean of each window; with 'same' padding the padded cells are not counted (as Keras)."""
    x = as_tensor(inputs, where="average_pool2d")
    pool, stride, out, pad_h, pad_w = _setup(x, pool_size, strides, padding, "average_pool2d")
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

    def backward(grad_output):  # every cell of a window gets g / (cells counted)
        share = grad_output / counts
        grad = xp.zeros(padded.shape, dtype=grad_output.dtype)
        for index, _ in _offset_views(padded, pool, stride, out):
            grad[index] += share
        return (_unpad(grad, x.shape, pad_h, pad_w),)

    return from_op(result, (x,), backward)


@keras_op
def max_pool1d(inputs, pool_size=2, strides=None, padding="valid"):
    """(N, L, C) -> (N, out_L, C)."""
    from glassnet.ops.manipulation import expand_dims, squeeze

    stride = strides if strides is None or isinstance(strides, int) else strides[0]
    size = pool_size if isinstance(pool_size, int) else pool_size[0]
    return squeeze(max_pool2d(expand_dims(inputs, 1), (1, size), (1, stride or size), padding), 1)


@keras_op
def average_pool1d(inputs, pool_size=2, strides=None, padding="valid"):
    from glassnet.ops.manipulation import expand_dims, squeeze

    stride = strides if strides is None or isinstance(strides, int) else strides[0]
    size = pool_size if isinstance(pool_size, int) else pool_size[0]
    return squeeze(
        average_pool2d(expand_dims(inputs, 1), (1, size), (1, stride or size), padding), 1
    )
