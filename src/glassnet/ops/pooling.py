"""Max and average pooling over 2-D windows, channels_last: (N, H, W, C) -> (N, out_h, out_w, C).

When windows tile the image without overlap (stride == pool size, 'valid'), pooling is a reshape and
a reduction; otherwise it works on the strided window view. Max pooling sends each window's gradient
to its first maximum, as PyTorch and TensorFlow do.
"""
from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops.conv import as_pair, col2im, output_size_and_padding, windows


def _setup(x, pool_size, strides, padding, where):
    if x.ndim != 4:
        raise ValueError(f"{where}: expected inputs (batch, height, width, channels), got shape {x.shape}")
    pool = as_pair(pool_size, f"{where} pool_size")
    stride = as_pair(strides if strides is not None else pool, f"{where} strides")
    out_h, pad_h = output_size_and_padding(x.shape[1], pool[0], stride[0], 1, padding, where)
    out_w, pad_w = output_size_and_padding(x.shape[2], pool[1], stride[1], 1, padding, where)
    tiles = stride == pool and pad_h == (0, 0) and pad_w == (0, 0)
    return pool, stride, (out_h, out_w), pad_h, pad_w, tiles


def _tiles(data, pool, out):
    # (N, out_h * ph, out_w * pw, C) -> (N, out_h, out_w, C, ph * pw): every window's values last
    n, c = data.shape[0], data.shape[3]
    r = data[:, : out[0] * pool[0], : out[1] * pool[1]].reshape(n, out[0], pool[0], out[1], pool[1], c)
    return r.transpose(0, 1, 3, 5, 2, 4).reshape(n, out[0], out[1], c, pool[0] * pool[1])


def _untile(grad_windows, pool, out, shape):
    n, c = shape[0], shape[3]
    g = grad_windows.reshape(n, out[0], out[1], c, pool[0], pool[1]).transpose(0, 1, 4, 2, 5, 3)
    full = xp.zeros(shape, dtype=grad_windows.dtype)
    full[:, : out[0] * pool[0], : out[1] * pool[1]] = g.reshape(n, out[0] * pool[0], out[1] * pool[1], c)
    return full


def _window_rows(x, pool, stride, out, pad_h, pad_w, fill):
    padded = xp.pad(x, ((0, 0), pad_h, pad_w, (0, 0)), constant_values=fill) if pad_h != (0, 0) or pad_w != (0, 0) else x
    view = windows(padded, pool, stride, (1, 1), out)  # (N, oh, ow, ph, pw, C)
    n, c = x.shape[0], x.shape[3]
    return padded.shape, view.reshape(n, out[0], out[1], pool[0] * pool[1], c)


def max_pool2d(inputs, pool_size=2, strides=None, padding="valid"):
    """Largest value of each window."""
    x = as_tensor(inputs, where="max_pool2d")
    pool, stride, out, pad_h, pad_w, tiles = _setup(x, pool_size, strides, padding, "max_pool2d")
    if tiles:
        grouped = _tiles(x.data, pool, out)
        result = grouped.max(axis=-1)

        def backward(grad_output):  # one-hot of the first maximum, times g
            first = grouped.argmax(axis=-1)
            hit = xp.arange(pool[0] * pool[1]) == first[..., None]
            return (_untile(hit * grad_output[..., None], pool, out, x.shape),)

        return from_op(result, (x,), backward)
    padded_shape, rows = _window_rows(x.data, pool, stride, out, pad_h, pad_w, -xp.inf)
    result = rows.max(axis=3)

    def backward(grad_output):
        first = rows.argmax(axis=3)
        hit = xp.arange(pool[0] * pool[1])[:, None] == first[:, :, :, None, :]
        cols = (hit * grad_output[:, :, :, None, :]).reshape(*rows.shape[:3], pool[0], pool[1], x.shape[3])
        image = col2im(cols, padded_shape, stride, (1, 1))
        return (image[:, pad_h[0]: pad_h[0] + x.shape[1], pad_w[0]: pad_w[0] + x.shape[2]],)

    return from_op(result, (x,), backward)


def average_pool2d(inputs, pool_size=2, strides=None, padding="valid"):
    """Mean of each window; with 'same' padding the padded cells are not counted (as Keras)."""
    x = as_tensor(inputs, where="average_pool2d")
    pool, stride, out, pad_h, pad_w, tiles = _setup(x, pool_size, strides, padding, "average_pool2d")
    size = pool[0] * pool[1]
    if tiles:
        result = _tiles(x.data, pool, out).mean(axis=-1)

        def backward(grad_output):  # every cell of a window gets g / window size
            return (_untile(xp.broadcast_to(grad_output[..., None] / size, (*grad_output.shape, size)), pool, out, x.shape),)

        return from_op(result, (x,), backward)
    padded_shape, rows = _window_rows(x.data, pool, stride, out, pad_h, pad_w, 0)
    _, ones = _window_rows(xp.ones((1, *x.shape[1:3], 1), dtype=x.dtype), pool, stride, out, pad_h, pad_w, 0)
    counts = ones.sum(axis=3)  # (1, oh, ow, 1): real cells per window
    result = rows.sum(axis=3) / counts

    def backward(grad_output):
        share = xp.broadcast_to((grad_output / counts)[:, :, :, None, :], rows.shape)
        cols = share.reshape(*rows.shape[:3], pool[0], pool[1], x.shape[3])
        image = col2im(cols, padded_shape, stride, (1, 1))
        return (image[:, pad_h[0]: pad_h[0] + x.shape[1], pad_w[0]: pad_w[0] + x.shape[2]],)

    return from_op(result, (x,), backward)


def max_pool1d(inputs, pool_size=2, strides=None, padding="valid"):
    """(N, L, C) -> (N, out_L, C)."""
    from glassnet.ops.manipulation import expand_dims, squeeze

    stride = strides if strides is None or isinstance(strides, int) else strides[0]
    size = pool_size if isinstance(pool_size, int) else pool_size[0]
    return squeeze(max_pool2d(expand_dims(inputs, 1), (1, size), (1, stride or size), padding), 1)


def average_pool1d(inputs, pool_size=2, strides=None, padding="valid"):
    from glassnet.ops.manipulation import expand_dims, squeeze

    stride = strides if strides is None or isinstance(strides, int) else strides[0]
    size = pool_size if isinstance(pool_size, int) else pool_size[0]
    return squeeze(average_pool2d(expand_dims(inputs, 1), (1, size), (1, stride or size), padding), 1)
