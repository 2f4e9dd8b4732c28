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
from glassnet.backend import compiled, xp
from glassnet.ops._helpers import product_over_rows, sum_rows
from glassnet.ops.activation import spec_inside_op
from glassnet.ops.manipulation import expand_dims, pad, squeeze
from glassnet.ops.operation import keras_op


def as_pair(value, name="argument"):
    """``value`` (an int or a pair of ints) as a pair of positive ints.

    Args:
        value: an int (used for both axes) or a sequence of two.
        name: what to call it in the error.

    Returns:
        A tuple of two ints.

    Raises:
        ValueError: for anything but one or two positive ints.

    Example:

    >>> as_pair(2), as_pair((1, 3))
    ((2, 2), (1, 3))
    """
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(item, int) or item <= 0 for item in pair):
        raise ValueError(f"{name} must be a positive int or a pair of them, got {value!r}")
    return pair


def output_size_and_padding(size, kernel, stride, dilation, padding, where):
    """(output size, (pad_before, pad_after)) along one axis, with Keras's rules.

    'valid': no padding, floor((size - effective_kernel) / stride) + 1 outputs.
    'same': ceil(size / stride) outputs; the padding needed is split with the extra pixel after
    (bottom/right), as TensorFlow and Keras do.

    Args:
        size: the input's length along the axis.
        kernel: the kernel's length.
        stride: the step between windows.
        dilation: the step between kernel taps (effective kernel: (kernel - 1) * dilation + 1).
        padding: "valid" or "same".
        where: the op, for error messages.

    Returns:
        ``(output size, (pad_before, pad_after))``.

    Example:

    >>> output_size_and_padding(5, 3, 1, 1, "valid", "conv2d")
    (3, (0, 0))
    >>> output_size_and_padding(6, 3, 2, 1, "same", "conv2d")
    (3, (0, 1))
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
    """View of every kernel window: (N, H, W, C) -> (N, out_h, out_w, kh, kw, C); no copy.

    Args:
        x: the (padded) image array, (N, H, W, C).
        kernel: (kh, kw).
        strides: (stride_h, stride_w).
        dilation: (dilation_h, dilation_w).
        out_shape: (out_h, out_w), from ``output_size_and_padding``.

    Returns:
        A read-only strided view.

    Example:

    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> windows(x, (2, 2), (2, 2), (1, 1), (2, 2))[0, 1, 1, :, :, 0].tolist()
    [[10.0, 11.0], [14.0, 15.0]]
    """
    n, _, _, c = x.shape
    step_n, step_h, step_w, step_c = x.strides
    (kh, kw), (stride_h, stride_w), (dilation_h, dilation_w) = kernel, strides, dilation
    return as_strided(
        x,
        (n, out_shape[0], out_shape[1], kh, kw, c),
        (
            step_n,
            step_h * stride_h,
            step_w * stride_w,
            step_h * dilation_h,
            step_w * dilation_w,
            step_c,
        ),
        writeable=False,
    )


def im2col(x, kernel, strides, dilation, out_shape):
    """Every kernel window as a row: (N, H, W, C) -> (N * out_h * out_w, kh * kw * C), one copy.

    With one input channel (grayscale images in the first layer) copying the 6-D window view
    moves one float at a time; copying the kh * kw shifted images into place instead is faster.
    Both give the same matrix.

    Args:
        x: the (padded) image array, (N, H, W, C).
        kernel: (kh, kw).
        strides: (stride_h, stride_w).
        dilation: (dilation_h, dilation_w).
        out_shape: (out_h, out_w).

    Returns:
        A new C-contiguous array (N * out_h * out_w, kh * kw * C).

    Example:

    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
    >>> im2col(x, (2, 2), (1, 1), (1, 1), (2, 2))[0].tolist()
    [0.0, 1.0, 3.0, 4.0]
    """
    n, c = x.shape[0], x.shape[3]
    (kh, kw), (stride_h, stride_w), (dilation_h, dilation_w) = kernel, strides, dilation
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
                i * dilation_h : i * dilation_h + stride_h * (out_h - 1) + 1 : stride_h,
                j * dilation_w : j * dilation_w + stride_w * (out_w - 1) + 1 : stride_w,
                0,
            ]
    return cols.reshape(n * out_h * out_w, kh * kw)


def col2im(cols, padded_shape, strides, dilation):
    """Sum window gradients (N, out_h, out_w, kh, kw, C) back into an image of ``padded_shape``.

    The adjoint of ``windows``: every image cell receives the sum of the window entries that
    read it.

    Args:
        cols: (N, out_h, out_w, kh, kw, C).
        padded_shape: the shape of the (padded) image, (N, H, W, C).
        strides: (stride_h, stride_w).
        dilation: (dilation_h, dilation_w).

    Returns:
        An array of ``padded_shape``.

    Example:

    >>> import numpy as np
    >>> col2im(np.ones((1, 2, 2, 2, 2, 1)), (1, 3, 3, 1), (1, 1), (1, 1))[0, :, :, 0].tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    n, out_h, out_w, kh, kw, c = cols.shape
    (stride_h, stride_w), (dilation_h, dilation_w) = strides, dilation
    image = xp.zeros(padded_shape, dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            image[
                :,
                i * dilation_h : i * dilation_h + stride_h * (out_h - 1) + 1 : stride_h,
                j * dilation_w : j * dilation_w + stride_w * (out_w - 1) + 1 : stride_w,
                :,
            ] += cols[:, :, :, i, j, :]
    return image


def _conv_operands(inputs, kernel, bias, where):
    """(x, kernel, bias or None, parents) as tensors of x's float dtype."""
    x = as_tensor(inputs, where=where)
    k = as_tensor(kernel, like=x, where=where)
    b = None if bias is None else as_tensor(bias, like=x, where=where)
    return x, k, b, [x, k] if b is None else [x, k, b]


@compiled.register("col2im_add")
def col2im_add_loop(cols, out_h, out_w, kh, kw, strides, dilation, image):
    """Add every window's gradient row back onto the image cells it read, in one pass: the
    compiled sibling of the per-offset additions in ``conv2d``'s backward.

    Args:
        cols: (n * out_h * out_w, kh * kw * C), rows in image order, each row the window's
            entries in (kernel row, kernel column, channel) order, as ``im2col`` lays them out.
        out_h, out_w: the output's height and width.
        kh, kw: the kernel's height and width.
        strides, dilation: (along height, along width).
        image: (n, H, W, C), the padded image's gradient; added to in place.

    Example:

    >>> import numpy as np
    >>> image = np.zeros((1, 3, 3, 1))
    >>> col2im_add_loop(np.ones((4, 4)), 2, 2, 2, 2, (1, 1), (1, 1), image)
    >>> image[0, :, :, 0].tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    n, channels = image.shape[0], image.shape[3]
    for b in range(n):
        for i in range(out_h):
            for j in range(out_w):
                row = (b * out_h + i) * out_w + j
                for di in range(kh):
                    top = i * strides[0] + di * dilation[0]
                    for dj in range(kw):
                        left = j * strides[1] + dj * dilation[1]
                        first = (di * kw + dj) * channels
                        for c in range(channels):
                            image[b, top, left, c] += cols[row, first + c]


# images per chunk of conv2d's input gradient through col2im_add: the chunk's gradient rows
# (images * out_h * out_w * kh * kw * C floats) stay a few MB, not the whole batch's
_COL2IM_CHUNK_FLOATS = 1 << 21


def _input_gradient_by_col2im(kernel, grad_rows, kernel_matrix, shape, sizes):
    """conv2d's dL/d(padded input) as one GEMM per chunk of images, each chunk's window
    gradients added onto the image by the compiled ``col2im_add``."""
    (n, out_h, out_w), (kh, kw), strides, dilation = sizes
    image = xp.zeros(shape, dtype=grad_rows.dtype)
    per_image = out_h * out_w
    images = max(1, _COL2IM_CHUNK_FLOATS // (per_image * kernel_matrix.shape[0]))
    for first in range(0, n, images):
        last = min(n, first + images)
        cols = grad_rows[first * per_image : last * per_image] @ kernel_matrix.T
        kernel(cols, out_h, out_w, kh, kw, strides, dilation, image[first:last])
    return image


def conv2d_geometry(x, k, strides, padding, dilation_rate, groups, where="conv2d"):
    """Check conv2d's operands and lay out its windows: what ``conv2d`` and the fused
    ``conv2d_max_pool2d`` both start from.

    Args:
        x: (N, H, W, C) tensor.
        k: (kh, kw, C // groups, F) tensor.
        strides, padding, dilation_rate, groups: as ``conv2d``.
        where: the op's name, for error messages.

    Returns:
        ((stride, dilation), (out_h, out_w), (top, left), padded): pairs of ints, the output's
        size, the padding before the image, and the padded input array.

    Example:

    >>> import numpy as np
    >>> from glassnet import Tensor
    >>> x, k = Tensor(np.ones((1, 5, 5, 2))), Tensor(np.ones((3, 3, 2, 4)))
    >>> conv2d_geometry(x, k, 1, "same", 1, 1)[1:3]
    ((5, 5), (1, 1))
    """
    if x.ndim != 4 or k.ndim != 4:
        raise ValueError(
            f"{where}: expected inputs (batch, height, width, channels) and a 4-D kernel, got "
            f"shapes {x.shape} and {k.shape}"
        )
    _, h, w, c = x.shape
    kh, kw, c_group, filters = k.shape
    if c % groups or filters % groups or c_group != c // groups:
        raise ValueError(
            f"{where}: inputs have {c} channels and groups={groups}, so the kernel needs "
            f"{c // groups if not c % groups else '?'} input channels and filters divisible by "
            f"groups; got kernel shape {k.shape}"
        )
    stride = as_pair(strides, f"{where} strides")
    dilation = as_pair(dilation_rate, f"{where} dilation_rate")
    out_h, (top, bottom) = output_size_and_padding(h, kh, stride[0], dilation[0], padding, where)
    out_w, (left, right) = output_size_and_padding(w, kw, stride[1], dilation[1], padding, where)
    padded = (
        x.data
        if not (top or bottom or left or right)
        else xp.pad(x.data, ((0, 0), (top, bottom), (left, right), (0, 0)))
    )
    return (stride, dilation), (out_h, out_w), (top, left), padded


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
    spec = spec_inside_op(activation, "conv2d")
    x, k, b, parents = _conv_operands(inputs, kernel, bias, "conv2d")
    (stride, dilation), (out_h, out_w), (top, left), padded = conv2d_geometry(
        x, k, strides, padding, dilation_rate, groups
    )
    n, h, w, c = x.shape
    kh, kw, c_group, filters = k.shape
    rows = n * out_h * out_w
    if groups == 1:
        cols = im2col(padded, (kh, kw), stride, dilation, (out_h, out_w))  # the one copy
        kernel_matrix = k.data.reshape(kh * kw * c, filters)
        out = cols @ kernel_matrix
    else:
        f_group = filters // groups
        view = windows(padded, (kh, kw), stride, dilation, (out_h, out_w))
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
    out = spec.apply_inplace(out, None if b is None else b.data).reshape(n, out_h, out_w, filters)

    def backward(grad_output):
        if spec.name != "linear":  # dL/dz = dL/dy * f'(z), written from y
            grad_output = spec.chain(grad_output, None, out)
        grad_rows = grad_output.reshape(rows, filters)
        grad_x = None
        if groups == 1:
            # dL/dK = cols^T grad_rows
            grad_kernel = (
                product_over_rows(cols, grad_rows).reshape(k.shape) if k.requires_grad else None
            )
            add_back = None  # the compiled col2im_add, when it can run
            if x.requires_grad and grad_rows.dtype in (xp.float32, xp.float64):
                add_back = compiled.get("col2im_add")
            if add_back is not None:  # one GEMM per chunk of images, added back in one pass
                sizes = ((n, out_h, out_w), (kh, kw), stride, dilation)
                image = _input_gradient_by_col2im(
                    add_back, xp.ascontiguousarray(grad_rows), kernel_matrix, padded.shape, sizes
                )
                grad_x = image[:, top : top + h, left : left + w, :]
            elif x.requires_grad:
                # dL/dx: for each kernel offset (i, j), grad_rows K[i, j]^T lands on the input
                # cells that offset read. One small GEMM per offset, added in place, instead of
                # materialising grad_rows K^T for all offsets at once and scattering it back (less
                # memory traffic).
                image = xp.zeros(padded.shape, dtype=grad_rows.dtype)
                for i in range(kh):
                    for j in range(kw):
                        part = (grad_rows @ k.data[i, j].T).reshape(n, out_h, out_w, c)
                        top_row, left_col = i * dilation[0], j * dilation[1]
                        read_rows = slice(top_row, top_row + stride[0] * (out_h - 1) + 1, stride[0])
                        read_cols = slice(
                            left_col, left_col + stride[1] * (out_w - 1) + 1, stride[1]
                        )
                        image[:, read_rows, read_cols, :] += part
                grad_x = image[:, top : top + h, left : left + w, :]
        else:
            grad_groups = grad_rows.reshape(rows, groups, filters // groups).transpose(1, 0, 2)
            grad_kernel = (
                (
                    xp.matmul(cols.transpose(0, 2, 1), grad_groups)
                    .reshape(groups, kh * kw, c_group, filters // groups)
                    .transpose(1, 2, 0, 3)
                    .reshape(k.shape)
                )
                if k.requires_grad
                else None
            )
            if x.requires_grad:  # dL/dcols = grad K^T per group, scattered back by col2im
                grad_cols = (
                    xp.matmul(grad_groups, kernel_matrix.transpose(0, 2, 1))
                    .reshape(groups, rows, kh * kw, c_group)
                    .transpose(1, 2, 0, 3)
                    .reshape(rows, kh * kw * c)
                )
                image = col2im(
                    grad_cols.reshape(n, out_h, out_w, kh, kw, c), padded.shape, stride, dilation
                )
                grad_x = image[:, top : top + h, left : left + w, :]
        grads = [grad_x, grad_kernel]
        if b is not None:
            grads.append(sum_rows(grad_rows))
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

    Returns:
        (N, out_L, F).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.conv1d(np.arange(4.0).reshape(1, 4, 1), np.ones((2, 1, 1))).data.ravel().tolist()
    [1.0, 3.0, 5.0]
    """
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
    spec = spec_inside_op(activation, "depthwise_conv2d")
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
    out = spec.apply_inplace(out, None if b is None else b.data)

    def backward(grad_output):
        if spec.name != "linear":  # dL/dz = dL/dy * f'(z), written from y
            grad_output = spec.chain(grad_output, None, out)
        grad = grad_output.reshape(n, out_h, out_w, channels, multiplier)
        grad_kernel = None
        if k.requires_grad:  # dL/dk[a, b, c, m] = sum over n, i, j of x-window * grad
            grad_kernel = xp.einsum("nhwabc,nhwcm->abcm", view, grad, optimize=False)
        grad_x = None
        if x.requires_grad:  # each offset's window gets grad k[i, j] back, summed over m
            image = xp.zeros(padded.shape, dtype=grad_output.dtype)
            for i in range(kh):
                for j in range(kw):
                    rows = slice(
                        i * dilation[0], i * dilation[0] + stride[0] * (out_h - 1) + 1, stride[0]
                    )
                    cols = slice(
                        j * dilation[1], j * dilation[1] + stride[1] * (out_w - 1) + 1, stride[1]
                    )
                    if multiplier == 1:
                        image[:, rows, cols, :] += grad[..., 0] * k.data[i, j, :, 0]
                    else:
                        image[:, rows, cols, :] += xp.einsum("nhwcm,cm->nhwc", grad, k.data[i, j])
            grad_x = image[:, top : top + h, left : left + w, :]
        grads = [grad_x, grad_kernel]
        if b is not None:
            grads.append(sum_rows(grad_output.reshape(-1, channels * multiplier)))
        return tuple(grads)

    result = from_op(out, tuple(parents), backward)
    if spec.name != "linear":
        result.activation = spec.name
    return result


# -- any number of spatial axes: conv3d, the transposed convolutions, depthwise_conv1d -------
def as_tuple(value, rank, name, allow_zero=False):
    """``value`` (an int or a sequence of ``rank`` ints) as a tuple of ``rank`` ints.

    Args:
        value: an int (used for every axis) or a sequence of ``rank`` ints.
        rank: the number of spatial axes.
        name: what to call it in the error.
        allow_zero: accept 0 (output_padding) besides positive ints.

    Returns:
        A tuple of ``rank`` ints.

    Raises:
        ValueError: for a wrong length or a value out of range.

    Example:

    >>> as_tuple(2, 3, "strides"), as_tuple((0, 1), 2, "output_padding", allow_zero=True)
    ((2, 2, 2), (0, 1))
    """
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    low = 0 if allow_zero else 1
    if len(values) != rank or any(not isinstance(item, int) or item < low for item in values):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a {kind} int or a tuple of {rank} of them, got {value!r}")
    return values


def windows_nd(x, kernel, strides, dilation, out_shape):
    """View of every kernel window of a channels_last array; no copy.

    Args:
        x: (N, *spatial, C).
        kernel: the kernel size, one int per spatial axis.
        strides: one int per spatial axis.
        dilation: one int per spatial axis.
        out_shape: the output's spatial shape.

    Returns:
        A read-only view (N, *out_shape, *kernel, C).

    Example:

    >>> import numpy as np
    >>> x = np.arange(5.0).reshape(1, 5, 1)
    >>> windows_nd(x, (3,), (2,), (1,), (2,))[0, :, :, 0].tolist()
    [[0.0, 1.0, 2.0], [2.0, 3.0, 4.0]]
    """
    step_n, *spatial_steps, step_c = x.strides
    shape = (x.shape[0], *out_shape, *kernel, x.shape[-1])
    steps = (
        step_n,
        *(step * stride for step, stride in zip(spatial_steps, strides)),
        *(step * rate for step, rate in zip(spatial_steps, dilation)),
        step_c,
    )
    return as_strided(x, shape, steps, writeable=False)


def col2im_nd(cols, padded_shape, strides, dilation):
    """Sum window values back into an array of ``padded_shape``, the adjoint of ``windows_nd``.

    One strided addition per kernel offset.

    Args:
        cols: (N, *out_shape, *kernel, C).
        padded_shape: (N, *spatial, C) of the (padded) input.
        strides: one int per spatial axis.
        dilation: one int per spatial axis.

    Returns:
        An array of ``padded_shape``.

    Example:

    >>> import numpy as np
    >>> col2im_nd(np.ones((1, 2, 3, 1)), (1, 5, 1), (2,), (1,))[0, :, 0].tolist()
    [1.0, 1.0, 2.0, 1.0, 1.0]
    """
    rank = len(padded_shape) - 2
    out_shape, kernel = cols.shape[1 : 1 + rank], cols.shape[1 + rank : 1 + 2 * rank]
    image = xp.zeros(padded_shape, dtype=cols.dtype)
    for offset in itertools.product(*(range(size) for size in kernel)):
        target = tuple(
            slice(start * rate, start * rate + stride * (count - 1) + 1, stride)
            for start, rate, stride, count in zip(offset, dilation, strides, out_shape)
        )
        image[(slice(None), *target)] += cols[(slice(None),) * (1 + rank) + offset]
    return image


def conv_nd(inputs, kernel, bias, strides, padding, dilation_rate, groups, rank, where):
    """Convolution over ``rank`` spatial axes, channels_last.

    im2col by a strided view (one copy), one matrix product per group, col2im for the input
    gradient. conv3d is this with rank 3.

    Args:
        inputs: (N, *spatial, C).
        kernel: (*kernel_size, C // groups, F).
        bias: (F,) or None.
        strides: int or one per spatial axis.
        padding: "valid" or "same".
        dilation_rate: int or one per spatial axis.
        groups: number of channel groups.
        rank: the number of spatial axes.
        where: the op's name, for error messages.

    Returns:
        (N, *out_shape, F).

    Example:

    >>> import numpy as np
    >>> x = np.arange(4.0).reshape(1, 4, 1)
    >>> conv_nd(x, np.ones((2, 1, 1)), None, 1, "valid", 1, 1, 1, "conv1d").data.ravel().tolist()
    [1.0, 3.0, 5.0]
    """
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
    stride = as_tuple(strides, rank, f"{where} strides")
    dilation = as_tuple(dilation_rate, rank, f"{where} dilation_rate")
    sizes = [
        output_size_and_padding(size, length, step, rate, padding, where)
        for size, length, step, rate in zip(spatial, kernel_size, stride, dilation)
    ]
    out_shape, pads = tuple(size for size, _ in sizes), [pair for _, pair in sizes]
    padded = x.data
    if any(pair != (0, 0) for pair in pads):
        padded = xp.pad(padded, ((0, 0), *pads, (0, 0)))
    rows, volume = math.prod((n, *out_shape)), math.prod(kernel_size)
    view = windows_nd(padded, kernel_size, stride, dilation, out_shape)
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
        grad_groups = grad_output.reshape(rows, groups, f_group).transpose(1, 0, 2)
        grad_x = grad_kernel = None
        if k.requires_grad:  # dL/dK = cols^T grad, per group
            grad_kernel = (
                xp.matmul(cols.transpose(0, 2, 1), grad_groups)
                .reshape(groups, volume, c_group, f_group)
                .transpose(1, 2, 0, 3)
                .reshape(k.shape)
            )
        if x.requires_grad:  # dL/dcols = grad K^T, scattered back onto the padded input
            grad_cols = (
                xp.matmul(grad_groups, kernel_matrix.transpose(0, 2, 1))
                .reshape(groups, rows, volume, c_group)
                .transpose(1, 2, 0, 3)
                .reshape(n, *out_shape, *kernel_size, c)
            )
            image = col2im_nd(grad_cols, padded.shape, stride, dilation)
            grad_x = image[
                (
                    slice(None),
                    *(slice(pair[0], pair[0] + size) for pair, size in zip(pads, spatial)),
                )
            ]
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

    Args:
        size: the input's length along the axis.
        kernel: the kernel's length.
        stride: the stride.
        dilation: the dilation.
        padding: "valid" or "same".
        output_padding: None, or the extra cells at the end (Keras's rule).
        where: the op, for error messages.

    Returns:
        ``(cells to skip at the start of the full scatter, output size)``.

    Example:

    >>> transpose_padding(3, 3, 2, 1, "valid", None, "conv2d_transpose")
    (0, 7)
    >>> transpose_padding(3, 3, 2, 1, "same", None, "conv2d_transpose")
    (0, 6)
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
    """Transposed convolution over ``rank`` spatial axes, channels_last.

    Every input cell scatters ``x @ K^T`` over its window (col2im); the backward gathers the
    output gradient through the same windows.

    Args:
        inputs: (N, *spatial, C).
        kernel: (*kernel_size, filters, C), Keras's transposed layout.
        bias: (filters,) or None.
        strides: int or one per spatial axis.
        padding: "valid" or "same".
        output_padding: None, int or one per spatial axis.
        dilation_rate: int or one per spatial axis.
        rank: the number of spatial axes.
        where: the op's name, for error messages.

    Returns:
        (N, *out_shape, filters), the sizes by ``transpose_padding``.

    Example:

    >>> import numpy as np
    >>> out = conv_transpose_nd(np.ones((1, 2, 1)), np.ones((2, 1, 1)), None, 1, "valid", None,
    ...                         1, 1, "conv1d_transpose")
    >>> out.data.ravel().tolist()
    [1.0, 2.0, 1.0]
    """
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
    stride = as_tuple(strides, rank, f"{where} strides")
    dilation = as_tuple(dilation_rate, rank, f"{where} dilation_rate")
    extra = (
        (None,) * rank
        if output_padding is None
        else as_tuple(output_padding, rank, f"{where} output_padding", allow_zero=True)
    )
    crops, out_shape, extents = [], [], []
    for size, length, step, rate, cells in zip(spatial, kernel_size, stride, dilation, extra):
        crop, out = transpose_padding(size, length, step, rate, padding, cells, where)
        crops.append(crop)
        out_shape.append(out)
        extents.append(max((size - 1) * step + (length - 1) * rate + 1, crop + out))
    window = (slice(None), *(slice(crop, crop + out) for crop, out in zip(crops, out_shape)))
    volume = math.prod(kernel_size)
    kernel_matrix = k.data.reshape(volume * filters, c)
    x_rows = x.data.reshape(-1, c)
    cols = (x_rows @ kernel_matrix.T).reshape(n, *spatial, *kernel_size, filters)
    full = col2im_nd(cols, (n, *extents, filters), stride, dilation)
    out = xp.ascontiguousarray(full[window])
    if b is not None:
        out += b.data

    def backward(grad_output):
        grad_full = xp.zeros(full.shape, dtype=grad_output.dtype)
        grad_full[window] = grad_output
        grad_cols = windows_nd(grad_full, kernel_size, stride, dilation, spatial).reshape(
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

    Args:
        inputs: (N, L, C).
        kernel: (k, F, C).
        bias: (F,) or None.
        strides, dilation_rate: int.
        padding: "valid" or "same".
        output_padding: None or int: extra cells at the end (Keras's rule).

    Returns:
        (N, out_L, F).

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

    Args:
        inputs: (N, D, H, W, C).
        kernel: (kd, kh, kw, F, C).
        bias: (F,) or None.
        strides, dilation_rate: int or triple.
        padding: "valid" or "same".
        output_padding: None, int or triple.

    Returns:
        (N, out_d, out_h, out_w, F).

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
    """Each channel of (N, L, C) convolved with its own filters.

    Args:
        inputs: (N, L, C).
        kernel: (k, C, multiplier).
        bias: (C * multiplier,) or None.
        strides, dilation_rate: int.
        padding: "valid", "same" or "causal" (left padding only).

    Returns:
        (N, out_L, C * multiplier).

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.conv import depthwise_conv1d
    >>> depthwise_conv1d(np.ones((1, 4, 2)), np.ones((3, 2, 2))).shape
    (1, 2, 4)
    """
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
    """Floating-point operations (multiply-adds x 2) of one conv2d forward, for benchmarks.

    Args:
        batch: N.
        out_h: output height.
        out_w: output width.
        kh: kernel height.
        kw: kernel width.
        c: input channels.
        filters: output channels.

    Returns:
        int.

    Example:

    >>> flops(1, 2, 2, 3, 3, 1, 4)
    288
    """
    return 2 * math.prod((batch, out_h, out_w, kh, kw, c, filters))
