"""Convolution as one matrix product: im2col (a strided window view, copied once into rows) times
the kernel reshaped to a matrix. The backward pushes the gradient through the same product and
scatters the window gradients back (col2im), looping only over the kernel offsets.

Layout is channels_last, as in Keras: inputs (batch, *spatial, channels), kernels
(*kernel_size, in_channels // groups, filters); transposed convolutions take Keras's
(*kernel_size, filters, in_channels). conv2d is the tuned 2-D path (the models' fusion rules call
it); ``conv_nd`` and ``conv_transpose_nd`` are the same method for any number of spatial axes
(conv3d, conv1d_transpose, conv2d_transpose, conv3d_transpose).
"""

import itertools
import math

from numpy.lib.stride_tricks import as_strided

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import sum_rows
from glassnet.ops.activation import get_spec
from glassnet.ops.operation import keras_op


def as_pair(value, name="argument"):
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or v <= 0 for v in pair):
        raise ValueError(f"{name} must be a positive int or a pair of them, got {value!r}")
    return pair


def output_size_and_padding(size, kernel, stride, dilation, padding, where):
    """(output size, (pad_before, pad_after)) along one axis, with Keras's rules.

    'valid': no padding, floor((size - effective_kernel) / stride) + 1 outputs.
    'same': ceil(size / stride) outputs; the padding needed is split with the extra pixel after
    (bottom/right), as TensorFlow and Keras do.
    """
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        out = (size - effective) // stride + 1
        if out <= 0:
            raise ValueError(
                f"{where}: input size {size} is smaller than the (dilated) kernel size "
                f"{effective} with padding='valid'"
            )
        return out, (0, 0)
    if padding == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + effective - size, 0)
        return out, (total // 2, total - total // 2)
    raise ValueError(f"{where}: padding must be 'valid' or 'same', got {padding!r}")


def windows(x, kernel, strides, dilation, out_shape):
    """View of every kernel window: (N, H, W, C) -> (N, out_h, out_w, kh, kw, C); no copy."""
    n, _, _, c = x.shape
    sn, sh, sw, sc = x.strides
    (kh, kw), (st_h, st_w), (dh, dw) = kernel, strides, dilation
    return as_strided(
        x,
        (n, out_shape[0], out_shape[1], kh, kw, c),
        (sn, sh * st_h, sw * st_w, sh * dh, sw * dw, sc),
        writeable=False,
    )


def im2col(x, kernel, strides, dilation, out_shape):
    """Every kernel window as a row: (N, H, W, C) -> (N * out_h * out_w, kh * kw * C), one copy.

    With one input channel (grayscale images in the first layer) copying the 6-D window view moves
    one float at a time; copying the kh * kw shifted images into place instead is faster. Both give
    the same matrix.
    """
    n, c = x.shape[0], x.shape[3]
    (kh, kw), (st_h, st_w), (dh, dw) = kernel, strides, dilation
    out_h, out_w = out_shape
    if c != 1:
        return windows(x, kernel, strides, dilation, out_shape).reshape(
            n * out_h * out_w, kh * kw * c
        )
    cols = xp.empty((n, out_h, out_w, kh, kw), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, :, i, j] = x[
                :,
                i * dh : i * dh + st_h * (out_h - 1) + 1 : st_h,
                j * dw : j * dw + st_w * (out_w - 1) + 1 : st_w,
                0,
            ]
    return cols.reshape(n * out_h * out_w, kh * kw)


def col2im(cols, padded_shape, strides, dilation):
    """Sum window gradients (N, out_h, out_w, kh, kw, C) back into an image of ``padded_shape``."""
    n, out_h, out_w, kh, kw, c = cols.shape
    (st_h, st_w), (dh, dw) = strides, dilation
    image = xp.zeros(padded_shape, dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            image[
                :,
                i * dh : i * dh + st_h * (out_h - 1) + 1 : st_h,
                j * dw : j * dw + st_w * (out_w - 1) + 1 : st_w,
                :,
            ] += cols[:, :, :, i, j, :]
    return image


def _conv_operands(inputs, kernel, bias, where):
    """(x, kernel, bias or None, parents) as tensors of x's float dtype."""
    x = as_tensor(inputs, where=where)
    k = as_tensor(kernel, like=x, where=where)
    b = None if bias is None else as_tensor(bias, like=x, where=where)
    return x, k, b, [x, k] if b is None else [x, k, b]


@keras_op
def conv2d(
    inputs,
    kernel,
    bias=None,
    strides=1,
    padding="valid",
    dilation_rate=1,
    groups=1,
    activation="linear",
):
    """2-D convolution (cross-correlation, as every framework computes it), optionally with an
    ``activation`` applied inside the op (the fusion pass asks for it; ``Conv2D`` itself applies
    its activation as a separate op).

    Args:
        inputs: (N, H, W, C).
        kernel: (kh, kw, C // groups, F).
        bias: (F,) or None.
        strides, dilation_rate: int or pair.
        padding: "valid" or "same" (Keras's rules: extra padding after).
        groups: number of channel groups.
        activation: a name in ``ops.activation.ACTIVATIONS`` whose derivative needs only y.

    Returns:
        (N, out_h, out_w, F).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.conv2d(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 4))).shape
    (1, 3, 3, 4)
    """
    spec = get_spec(activation, "conv2d")
    if not spec.from_output:
        raise ValueError(
            f"conv2d: activation {activation!r} cannot run inside the op (its derivative needs the "
            f"input); apply it after conv2d(..., activation='linear')"
        )
    x, k, b, parents = _conv_operands(inputs, kernel, bias, "conv2d")
    if x.ndim != 4 or k.ndim != 4:
        raise ValueError(
            f"conv2d: expected inputs (batch, height, width, channels) and a 4-D kernel, got "
            f"shapes {x.shape} and {k.shape}"
        )
    n, h, w, c = x.shape
    kh, kw, c_group, filters = k.shape
    if c % groups or filters % groups or c_group != c // groups:
        raise ValueError(
            f"conv2d: inputs have {c} channels and groups={groups}, so the kernel needs "
            f"{c // groups if not c % groups else '?'} input channels and filters divisible by "
            f"groups; got kernel shape {k.shape}"
        )
    st, dl = as_pair(strides, "conv2d strides"), as_pair(dilation_rate, "conv2d dilation_rate")
    out_h, (top, bottom) = output_size_and_padding(h, kh, st[0], dl[0], padding, "conv2d")
    out_w, (left, right) = output_size_and_padding(w, kw, st[1], dl[1], padding, "conv2d")
    padded = (
        x.data
        if not (top or bottom or left or right)
        else xp.pad(x.data, ((0, 0), (top, bottom), (left, right), (0, 0)))
    )
    rows = n * out_h * out_w
    if groups == 1:
        cols = im2col(padded, (kh, kw), st, dl, (out_h, out_w))  # the one copy
        kernel_matrix = k.data.reshape(kh * kw * c, filters)
        out = cols @ kernel_matrix
    else:
        f_group = filters // groups
        view = windows(padded, (kh, kw), st, dl, (out_h, out_w))
        cols = (
            view.reshape(rows, kh * kw, groups, c_group)
            .transpose(2, 0, 1, 3)
            .reshape(groups, rows, kh * kw * c_group)
        )
        kernel_matrix = (
            k.data.reshape(kh * kw, c_group, groups, f_group)
            .transpose(2, 0, 1, 3)
            .reshape(groups, kh * kw * c_group, f_group)
        )
        out = xp.matmul(cols, kernel_matrix).transpose(1, 0, 2).reshape(rows, filters)
    if b is not None:
        out += b.data
    out = spec.apply_inplace(out).reshape(n, out_h, out_w, filters)

    def backward(grad_output):
        if spec.name != "linear":  # dL/dz = dL/dy * f'(z), written from y
            grad_output = spec.chain(grad_output, None, out)
        g = grad_output.reshape(rows, filters)
        grad_x = None
        if groups == 1:
            grad_kernel = (
                (cols.T @ g).reshape(k.shape) if k.requires_grad else None
            )  # dL/dK = cols^T g
            if x.requires_grad:
                # dL/dx: for each kernel offset (i, j), g K[i, j]^T lands on the input cells that
                # offset read. One small GEMM per offset, added in place, instead of materialising
                # g K^T for all offsets at once and scattering it back (less memory traffic).
                image = xp.zeros(padded.shape, dtype=g.dtype)
                for i in range(kh):
                    for j in range(kw):
                        part = (g @ k.data[i, j].T).reshape(n, out_h, out_w, c)
                        image[
                            :,
                            i * dl[0] : i * dl[0] + st[0] * (out_h - 1) + 1 : st[0],
                            j * dl[1] : j * dl[1] + st[1] * (out_w - 1) + 1 : st[1],
                            :,
                        ] += part
                grad_x = image[:, top : top + h, left : left + w, :]
        else:
            gg = g.reshape(rows, groups, filters // groups).transpose(1, 0, 2)
            grad_kernel = (
                (
                    xp.matmul(cols.transpose(0, 2, 1), gg)
                    .reshape(groups, kh * kw, c_group, filters // groups)
                    .transpose(1, 2, 0, 3)
                    .reshape(k.shape)
                )
                if k.requires_grad
                else None
            )
            if x.requires_grad:  # dL/dcols = g K^T per group, scattered back by col2im
                grad_cols = (
                    xp.matmul(gg, kernel_matrix.transpose(0, 2, 1))
                    .reshape(groups, rows, kh * kw, c_group)
                    .transpose(1, 2, 0, 3)
                    .reshape(rows, kh * kw * c)
                )
                image = col2im(grad_cols.reshape(n, out_h, out_w, kh, kw, c), padded.shape, st, dl)
                grad_x = image[:, top : top + h, left : left + w, :]
        grads = [grad_x, grad_kernel]
        if b is not None:
            grads.append(sum_rows(g))
        return tuple(grads)

    result = from_op(out, tuple(parents), backward)
    if spec.name != "linear":
        result.activation = spec.name
    return result


@keras_op
def conv2d_transpose(
    inputs, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, output_padding=None
):
    """Transposed 2-D convolution (the gradient of conv2d with respect to its input, run forwards).

    Args:
        inputs: (N, H, W, C).
        kernel: (kh, kw, F, C), Keras's Conv2DTranspose layout.
        bias: (F,) or None.
        strides, dilation_rate: int or pair.
        padding: "valid" or "same".
        output_padding: None, int or pair: extra rows/columns at the bottom/right (Keras's rule).

    Returns:
        (N, out_h, out_w, F): out = H * stride for 'same', (H - 1) * stride + max(effective
        kernel, stride) for 'valid', when output_padding is None.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.conv2d_transpose(np.ones((1, 3, 3, 2)), np.ones((3, 3, 4, 2)), strides=2).shape
    (1, 7, 7, 4)
    """
    return conv_transpose_nd(
        inputs, kernel, bias, strides, padding, output_padding, dilation_rate, 2, "conv2d_transpose"
    )


@keras_op
def conv1d(inputs, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1):
    """1-D convolution: inputs (N, L, C), kernel (k, C // groups, F) -> (N, out_L, F); padding
    'valid', 'same' or 'causal' (left padding only, so output t sees inputs up to t).

    Args:
        inputs: (N, L, C).
        kernel: (k, C // groups, F).
        bias: (F,) or None.
        strides, dilation_rate: int.
        padding: "valid", "same" or "causal".
        groups: number of channel groups.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.conv1d(np.arange(4.0).reshape(1, 4, 1), np.ones((2, 1, 1))).data.ravel().tolist()
    [1.0, 3.0, 5.0]
    """
    from glassnet.ops.manipulation import expand_dims, pad, squeeze

    x = as_tensor(inputs, where="conv1d")
    stride = strides if isinstance(strides, int) else strides[0]
    dilation = dilation_rate if isinstance(dilation_rate, int) else dilation_rate[0]
    if padding == "causal":  # pad on the left only, so output t sees inputs <= t
        x = pad(x, ((0, 0), ((kernel.shape[0] - 1) * dilation, 0), (0, 0)))
        padding = "valid"
    out = conv2d(
        expand_dims(x, 1),
        expand_dims(as_tensor(kernel, like=x), 0),
        bias,
        (1, stride),
        padding,
        (1, dilation),
        groups,
    )
    return squeeze(out, 1)


@keras_op
def depthwise_conv2d(
    inputs, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, activation="linear"
):
    """Each input channel convolved with its own filters: kernel (kh, kw, C, multiplier) ->
    C * multiplier channels (channel c's filters side by side).

    Computed directly rather than as a grouped convolution: one einsum over the strided view of
    every window (no im2col copy, no per-group matrix products of width one), and in the
    backward one einsum for the kernel gradient and one strided add per kernel offset for the
    input gradient.

    Args:
        inputs: (N, H, W, C).
        kernel: (kh, kw, C, multiplier).
        bias: (C * multiplier,) or None.
        strides, padding, dilation_rate: as conv2d.
        activation: applied inside the op, as conv2d's (the fusion pass asks for it).

    Returns:
        (N, out_h, out_w, C * multiplier).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.depthwise_conv2d(np.ones((1, 4, 4, 3)), np.ones((3, 3, 3, 2))).shape
    (1, 2, 2, 6)
    """
    spec = get_spec(activation, "depthwise_conv2d")
    if not spec.from_output:
        raise ValueError(
            f"depthwise_conv2d: activation {activation!r} cannot run inside the op (its "
            f"derivative needs the input); apply it after the op"
        )
    x, k, b, parents = _conv_operands(inputs, kernel, bias, "depthwise_conv2d")
    if x.ndim != 4 or k.ndim != 4:
        raise ValueError(
            f"depthwise_conv2d: expected inputs (batch, height, width, channels) and a kernel "
            f"(kh, kw, channels, multiplier), got shapes {x.shape} and {k.shape}"
        )
    n, h, w, channels = x.shape
    kh, kw, kernel_channels, multiplier = k.shape
    if kernel_channels != channels:
        raise ValueError(
            f"depthwise_conv2d: inputs have {channels} channels, the kernel {k.shape} expects "
            f"{kernel_channels}"
        )
    stride = as_pair(strides, "depthwise_conv2d strides")
    dilation = as_pair(dilation_rate, "depthwise_conv2d dilation_rate")
    out_h, (top, bottom) = output_size_and_padding(
        h, kh, stride[0], dilation[0], padding, "depthwise_conv2d"
    )
    out_w, (left, right) = output_size_and_padding(
        w, kw, stride[1], dilation[1], padding, "depthwise_conv2d"
    )
    padded = x.data
    if top or bottom or left or right:
        padded = xp.pad(x.data, ((0, 0), (top, bottom), (left, right), (0, 0)))
    view = windows(padded, (kh, kw), stride, dilation, (out_h, out_w))  # (N, oh, ow, kh, kw, C)
    # out[n, i, j, c, m] = sum over the window offsets (a, b) of x[n, i+a, j+b, c] k[a, b, c, m]
    out = xp.einsum("nhwabc,abcm->nhwcm", view, k.data, optimize=False)
    out = out.reshape(n, out_h, out_w, channels * multiplier)
    if b is not None:
        out += b.data
    out = spec.apply_inplace(out)

    def backward(grad_output):
        if spec.name != "linear":  # dL/dz = dL/dy * f'(z), written from y
            grad_output = spec.chain(grad_output, None, out)
        grad = grad_output.reshape(n, out_h, out_w, channels, multiplier)
        grad_kernel = None
        if k.requires_grad:  # dL/dk[a, b, c, m] = sum over n, i, j of x-window * g
            grad_kernel = xp.einsum("nhwabc,nhwcm->abcm", view, grad, optimize=False)
        grad_x = None
        if x.requires_grad:  # each offset's window gets g k[a, b] back, summed over m
            image = xp.zeros(padded.shape, dtype=grad_output.dtype)
            for a in range(kh):
                for b_ in range(kw):
                    rows = slice(
                        a * dilation[0], a * dilation[0] + stride[0] * (out_h - 1) + 1, stride[0]
                    )
                    cols = slice(
                        b_ * dilation[1], b_ * dilation[1] + stride[1] * (out_w - 1) + 1, stride[1]
                    )
                    if multiplier == 1:
                        image[:, rows, cols, :] += grad[..., 0] * k.data[a, b_, :, 0]
                    else:
                        image[:, rows, cols, :] += xp.einsum("nhwcm,cm->nhwc", grad, k.data[a, b_])
            grad_x = image[:, top : top + h, left : left + w, :]
        grads = [grad_x, grad_kernel]
        if b is not None:
            grads.append(sum_rows(grad_output.reshape(-1, channels * multiplier)))
        return tuple(grads)

    result = from_op(out, tuple(parents), backward)
    if spec.name != "linear":
        result.activation = spec.name
    return result


# -- any number of spatial axes: conv3d, the transposed convolutions, depthwise_conv1d -------------
def as_tuple(value, rank, name, allow_zero=False):
    """``value`` (an int or a sequence of ``rank`` ints) as a tuple of ``rank`` ints."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    low = 0 if allow_zero else 1
    if len(values) != rank or any(not isinstance(v, int) or v < low for v in values):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a {kind} int or a tuple of {rank} of them, got {value!r}")
    return values


def windows_nd(x, kernel, strides, dilation, out_shape):
    """View of every kernel window of a channels_last array: (N, *spatial, C) ->
    (N, *out_shape, *kernel, C); no copy."""
    sn, *spatial_strides, sc = x.strides
    shape = (x.shape[0], *out_shape, *kernel, x.shape[-1])
    steps = (
        sn,
        *(s * st for s, st in zip(spatial_strides, strides)),
        *(s * d for s, d in zip(spatial_strides, dilation)),
        sc,
    )
    return as_strided(x, shape, steps, writeable=False)


def col2im_nd(cols, padded_shape, strides, dilation):
    """Sum window values (N, *out, *kernel, C) back into an array of ``padded_shape``: one strided
    addition per kernel offset."""
    rank = len(padded_shape) - 2
    out_shape, kernel = cols.shape[1 : 1 + rank], cols.shape[1 + rank : 1 + 2 * rank]
    image = xp.zeros(padded_shape, dtype=cols.dtype)
    for offset in itertools.product(*(range(k) for k in kernel)):
        target = tuple(
            slice(o * d, o * d + st * (n - 1) + 1, st)
            for o, d, st, n in zip(offset, dilation, strides, out_shape)
        )
        image[(slice(None), *target)] += cols[(slice(None),) * (1 + rank) + offset]
    return image


def conv_nd(inputs, kernel, bias, strides, padding, dilation_rate, groups, rank, where):
    """Convolution over ``rank`` spatial axes, channels_last: im2col by a strided view (one
    copy), one matrix product (one per group), col2im for the input gradient."""
    x, k, b, parents = _conv_operands(inputs, kernel, bias, where)
    if x.ndim != rank + 2 or k.ndim != rank + 2:
        raise ValueError(
            f"{where}: expected inputs (batch, {rank} spatial axes, channels) and a "
            f"{rank + 2}-D kernel, got shapes {x.shape} and {k.shape}"
        )
    n, spatial, c = x.shape[0], x.shape[1:-1], x.shape[-1]
    kernel_size, (c_group, filters) = k.shape[:rank], k.shape[rank:]
    if c % groups or filters % groups or c_group != c // groups:
        raise ValueError(
            f"{where}: inputs have {c} channels and groups={groups}, so the kernel needs "
            f"channels // groups input channels and filters divisible by groups; got kernel "
            f"shape {k.shape}"
        )
    st = as_tuple(strides, rank, f"{where} strides")
    dl = as_tuple(dilation_rate, rank, f"{where} dilation_rate")
    sizes = [
        output_size_and_padding(s, ks, stride, d, padding, where)
        for s, ks, stride, d in zip(spatial, kernel_size, st, dl)
    ]
    out_shape, pads = tuple(s for s, _ in sizes), [p for _, p in sizes]
    padded = x.data
    if any(p != (0, 0) for p in pads):
        padded = xp.pad(padded, ((0, 0), *pads, (0, 0)))
    rows, volume = math.prod((n, *out_shape)), math.prod(kernel_size)
    view = windows_nd(padded, kernel_size, st, dl, out_shape)
    f_group = filters // groups
    # cols (groups, rows, volume * c_group) and kernel_matrix (groups, volume * c_group, f_group)
    cols = (
        view.reshape(rows, volume, groups, c_group)
        .transpose(2, 0, 1, 3)
        .reshape(groups, rows, volume * c_group)
    )
    kernel_matrix = (
        k.data.reshape(volume, c_group, groups, f_group)
        .transpose(2, 0, 1, 3)
        .reshape(groups, volume * c_group, f_group)
    )
    out = xp.matmul(cols, kernel_matrix).transpose(1, 0, 2).reshape(rows, filters)
    if b is not None:
        out += b.data
    out = out.reshape(n, *out_shape, filters)

    def backward(grad_output):
        g = grad_output.reshape(rows, groups, f_group).transpose(1, 0, 2)
        grad_x = grad_kernel = None
        if k.requires_grad:  # dL/dK = cols^T g, per group
            grad_kernel = (
                xp.matmul(cols.transpose(0, 2, 1), g)
                .reshape(groups, volume, c_group, f_group)
                .transpose(1, 2, 0, 3)
                .reshape(k.shape)
            )
        if x.requires_grad:  # dL/dcols = g K^T, scattered back onto the padded input
            grad_cols = (
                xp.matmul(g, kernel_matrix.transpose(0, 2, 1))
                .reshape(groups, rows, volume, c_group)
                .transpose(1, 2, 0, 3)
                .reshape(n, *out_shape, *kernel_size, c)
            )
            image = col2im_nd(grad_cols, padded.shape, st, dl)
            grad_x = image[(slice(None), *(slice(p[0], p[0] + s) for p, s in zip(pads, spatial)))]
        grads = [grad_x, grad_kernel]
        if b is not None:
            grads.append(sum_rows(grad_output.reshape(rows, filters)))
        return tuple(grads)

    return from_op(out, tuple(parents), backward)


def transpose_padding(size, kernel, stride, dilation, padding, output_padding, where):
    """(crop before, output size) of a transposed convolution along one axis, by Keras's rule.

    Keras (as JAX) pads the stride-dilated input by (before, after) and convolves with the flipped
    kernel; in terms of the full scatter of every input cell ((size - 1) * stride + effective
    kernel long) that is: skip ``effective - 1 - before`` cells, keep ``output size`` cells
    (zeros past the end of the scatter when output_padding asks for more).
    """
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        before, after = effective - 1, effective - 1 + extra
    elif padding == "same":
        if output_padding is None:
            total = stride + effective - 2
        else:
            total = effective + effective % 2 - 2 + output_padding
        before = min(total // 2 + total % 2, effective - 1)
        after = total - before
    else:
        raise ValueError(f"{where}: padding must be 'valid' or 'same', got {padding!r}")
    out = (size - 1) * stride + before + after - effective + 2
    if out <= 0:
        raise ValueError(f"{where}: an input of size {size} gives an empty output")
    return effective - 1 - before, out


def conv_transpose_nd(
    inputs, kernel, bias, strides, padding, output_padding, dilation_rate, rank, where
):
    """Transposed convolution over ``rank`` spatial axes, channels_last, kernel
    (*kernel_size, filters, in_channels): every input cell scatters ``x @ K^T`` over its window
    (col2im); the backward gathers the output gradient through the same windows."""
    x, k, b, parents = _conv_operands(inputs, kernel, bias, where)
    if x.ndim != rank + 2 or k.ndim != rank + 2:
        raise ValueError(
            f"{where}: expected inputs (batch, {rank} spatial axes, channels) and a "
            f"{rank + 2}-D kernel, got shapes {x.shape} and {k.shape}"
        )
    n, spatial, c = x.shape[0], x.shape[1:-1], x.shape[-1]
    kernel_size, (filters, c_in) = k.shape[:rank], k.shape[rank:]
    if c_in != c:
        raise ValueError(
            f"{where}: kernel {k.shape} expects {c_in} input channels, inputs have {c}"
        )
    st = as_tuple(strides, rank, f"{where} strides")
    dl = as_tuple(dilation_rate, rank, f"{where} dilation_rate")
    extra = (
        (None,) * rank
        if output_padding is None
        else as_tuple(output_padding, rank, f"{where} output_padding", allow_zero=True)
    )
    crops, out_shape, extents = [], [], []
    for size, ks, stride, d, op in zip(spatial, kernel_size, st, dl, extra):
        crop, out = transpose_padding(size, ks, stride, d, padding, op, where)
        crops.append(crop)
        out_shape.append(out)
        extents.append(max((size - 1) * stride + (ks - 1) * d + 1, crop + out))
    window = (slice(None), *(slice(cr, cr + o) for cr, o in zip(crops, out_shape)))
    volume = math.prod(kernel_size)
    kernel_matrix = k.data.reshape(volume * filters, c)
    x_rows = x.data.reshape(-1, c)
    cols = (x_rows @ kernel_matrix.T).reshape(n, *spatial, *kernel_size, filters)
    full = col2im_nd(cols, (n, *extents, filters), st, dl)
    out = xp.ascontiguousarray(full[window])
    if b is not None:
        out += b.data

    def backward(grad_output):
        grad_full = xp.zeros(full.shape, dtype=grad_output.dtype)
        grad_full[window] = grad_output
        grad_cols = windows_nd(grad_full, kernel_size, st, dl, spatial).reshape(
            x_rows.shape[0], volume * filters
        )
        grad_x = (grad_cols @ kernel_matrix).reshape(x.shape) if x.requires_grad else None
        grad_kernel = (grad_cols.T @ x_rows).reshape(k.shape) if k.requires_grad else None
        grads = [grad_x, grad_kernel]
        if b is not None:
            grads.append(sum_rows(grad_output.reshape(-1, filters)))
        return tuple(grads)

    return from_op(out, tuple(parents), backward)


@keras_op
def conv3d(inputs, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, groups=1):
    """3-D convolution (cross-correlation) over depth, height and width.

    Args:
        inputs: (N, D, H, W, C).
        kernel: (kd, kh, kw, C // groups, F).
        bias: (F,) or None.
        strides, dilation_rate: int or triple.
        padding: "valid" or "same" (extra padding after, as Keras).
        groups: number of channel groups.

    Returns:
        (N, out_d, out_h, out_w, F).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> from glassnet.ops.conv import conv3d
    >>> conv3d(np.ones((1, 4, 4, 4, 1)), np.ones((3, 3, 3, 1, 2))).data[0, 0, 0, 0].tolist()
    [27.0, 27.0]
    """
    return conv_nd(inputs, kernel, bias, strides, padding, dilation_rate, groups, 3, "conv3d")


@keras_op
def conv1d_transpose(
    inputs, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, output_padding=None
):
    """Transposed 1-D convolution: inputs (N, L, C), kernel (k, F, C) -> (N, out_L, F).

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.conv import conv1d_transpose
    >>> conv1d_transpose(np.ones((1, 2, 1)), np.ones((2, 1, 1)), strides=2).data[0, :, 0].tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    return conv_transpose_nd(
        inputs, kernel, bias, strides, padding, output_padding, dilation_rate, 1, "conv1d_transpose"
    )


@keras_op
def conv3d_transpose(
    inputs, kernel, bias=None, strides=1, padding="valid", dilation_rate=1, output_padding=None
):
    """Transposed 3-D convolution: inputs (N, D, H, W, C), kernel (kd, kh, kw, F, C).

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.conv import conv3d_transpose
    >>> conv3d_transpose(np.ones((1, 2, 2, 2, 3)), np.ones((2, 2, 2, 4, 3)), strides=2).shape
    (1, 4, 4, 4, 4)
    """
    return conv_transpose_nd(
        inputs, kernel, bias, strides, padding, output_padding, dilation_rate, 3, "conv3d_transpose"
    )


@keras_op
def depthwise_conv1d(inputs, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """Each channel of (N, L, C) convolved with its own filters: kernel (k, C, multiplier) ->
    (N, out_L, C * multiplier); padding may be 'causal'.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.conv import depthwise_conv1d
    >>> depthwise_conv1d(np.ones((1, 4, 2)), np.ones((3, 2, 2))).shape
    (1, 2, 4)
    """
    from glassnet.ops.manipulation import expand_dims, pad, squeeze

    x = as_tensor(inputs, where="depthwise_conv1d")
    k = as_tensor(kernel, like=x, where="depthwise_conv1d")
    stride = as_tuple(strides, 1, "depthwise_conv1d strides")[0]
    dilation = as_tuple(dilation_rate, 1, "depthwise_conv1d dilation_rate")[0]
    if padding == "causal":  # pad on the left only, so output t sees inputs <= t
        x = pad(x, ((0, 0), ((k.shape[0] - 1) * dilation, 0), (0, 0)))
        padding = "valid"
    out = depthwise_conv2d(
        expand_dims(x, 1), expand_dims(k, 0), bias, (1, stride), padding, (1, dilation)
    )
    return squeeze(out, 1)


def flops(batch, out_h, out_w, kh, kw, c, filters):
    """Multiply-adds x 2 of one conv2d forward (for benchmarks)."""
    return 2 * math.prod((batch, out_h, out_w, kh, kw, c, filters))
