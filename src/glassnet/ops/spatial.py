"""Convolution and pooling under Keras's ``keras.ops.nn`` signatures (any of 1 to 3 spatial axes,
``data_format``), plus the rearrangements of spatial data: depth_to_space, space_to_depth, and
unfold/fold (PyTorch's im2col and col2im, channels first as Keras defines them).

The convolutions and pools themselves live in ``conv.py`` and ``pooling.py`` (channels_last, one
function per rank); the functions here pick the one for the input's rank and move the channels
axis when the data is channels_first, so their gradients are those ops' gradients.

Example:

>>> import numpy as np
>>> from glassnet.ops import nn
>>> nn.conv(np.ones((1, 5, 5, 5, 2)), np.ones((3, 3, 3, 2, 4))).shape
(1, 3, 3, 3, 4)
"""

import itertools

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops import conv as conv_ops
from glassnet.ops import pooling
from glassnet.ops.conv import as_tuple
from glassnet.ops.image import standardize_data_format
from glassnet.ops.manipulation import reshape, transpose
from glassnet.ops.operation import keras_op


def _spatial_rank(x, where, ranks=(1, 2, 3)):
    rank = x.ndim - 2
    if rank not in ranks:
        raise ValueError(
            f"{where}: expected inputs (batch, {' or '.join(map(str, ranks))} spatial axes, "
            f"channels), got shape {x.shape}"
        )
    return rank


def _to_channels_last(x, data_format, where):
    """x in channels_last order, and a function putting a result back in the caller's order."""
    if standardize_data_format(data_format, where) == "channels_last":
        return x, lambda y: y
    rank = x.ndim
    forward = (0, *range(2, rank), 1)
    backward = (0, rank - 1, *range(1, rank - 1))
    return transpose(x, forward), lambda y: transpose(y, backward)


_CONV = {1: "conv1d", 2: "conv2d", 3: "conv3d"}
_CONV_TRANSPOSE = {1: "conv1d_transpose", 2: "conv2d_transpose", 3: "conv3d_transpose"}
_MAX_POOL = {1: "max_pool1d", 2: "max_pool2d", 3: "max_pool3d"}
_AVERAGE_POOL = {1: "average_pool1d", 2: "average_pool2d", 3: "average_pool3d"}


def _ranked(table, module, rank):
    return getattr(module, table[rank])


@keras_op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (cross-correlation), Keras's ``ops.conv``.

    Args:
        inputs: (batch, *spatial, channels), or (batch, channels, *spatial) for channels_first;
            1 to 3 spatial axes.
        kernel: (*kernel_size, channels // groups, filters); groups = channels divided by the
            kernel's input channels (grouped convolution when it is more than 1).
        strides, dilation_rate: int or one per spatial axis.
        padding: "valid" or "same" ("causal" too for one spatial axis).
        data_format: "channels_last" or "channels_first"; None: the configured default.

    Returns:
        the convolved tensor in the same data format.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nn.conv(np.ones((1, 4, 2)), np.ones((3, 2, 1))).data[0, :, 0].tolist()
    [6.0, 6.0]
    """
    x = as_tensor(inputs, where="conv")
    k = as_tensor(kernel, like=x, where="conv")
    rank = _spatial_rank(x, "conv")
    x, restore = _to_channels_last(x, data_format, "conv")
    channels, kernel_channels = x.shape[-1], k.shape[-2]
    if k.ndim != rank + 2 or channels % kernel_channels:
        raise ValueError(
            f"conv: a kernel (*kernel_size, in_channels, filters) with {rank} spatial axes and "
            f"in_channels dividing the input's {channels} is needed, got kernel shape {k.shape}"
        )
    groups = channels // kernel_channels
    convolve = _ranked(_CONV, conv_ops, rank)
    return restore(convolve(x, k, None, strides, padding, dilation_rate, groups=groups))


@keras_op
def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
):
    """N-D transposed convolution, Keras's ``ops.conv_transpose``.

    Args:
        inputs: (batch, *spatial, channels) (channels_first: channels second).
        kernel: (*kernel_size, filters, channels), the layout of Keras's ConvTranspose layers.
        strides, dilation_rate: int or one per spatial axis.
        padding: "valid" or "same".
        output_padding: None, or extra cells along each spatial axis (Keras's rule).
        data_format: "channels_last" or "channels_first"; None: the configured default.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nn.conv_transpose(np.ones((1, 3, 1)), np.ones((2, 1, 1)), strides=2).shape
    (1, 6, 1)
    """
    x = as_tensor(inputs, where="conv_transpose")
    rank = _spatial_rank(x, "conv_transpose")
    x, restore = _to_channels_last(x, data_format, "conv_transpose")
    convolve = _ranked(_CONV_TRANSPOSE, conv_ops, rank)
    return restore(
        convolve(x, kernel, None, strides, padding, dilation_rate, output_padding=output_padding)
    )


@keras_op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each input channel convolved with its own ``multiplier`` filters.

    Args:
        inputs: (batch, *spatial, channels) with 1 to 3 spatial axes (channels_first:
            channels second).
        kernel: (*kernel_size, channels, multiplier).
        strides, padding, dilation_rate, data_format: as ``conv``.

    Returns:
        tensor with channels * multiplier channels.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nn.depthwise_conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 2))).shape
    (1, 3, 3, 4)
    """
    x = as_tensor(inputs, where="depthwise_conv")
    k = as_tensor(kernel, like=x, where="depthwise_conv")
    rank = _spatial_rank(x, "depthwise_conv")
    x, restore = _to_channels_last(x, data_format, "depthwise_conv")
    if k.ndim != rank + 2 or k.shape[-2] != x.shape[-1]:
        raise ValueError(
            f"depthwise_conv: kernel must be (*kernel_size, {x.shape[-1]}, multiplier) for "
            f"inputs with {x.shape[-1]} channels, got {k.shape}"
        )
    if rank == 1:
        out = conv_ops.depthwise_conv1d(x, k, None, strides, padding, dilation_rate)
    elif rank == 2:
        out = conv_ops.depthwise_conv2d(x, k, None, strides, padding, dilation_rate)
    else:  # one group per channel, the multiplier filters of channel c side by side
        channels, multiplier = k.shape[-2:]
        grouped = reshape(k, (*k.shape[:-2], 1, channels * multiplier))
        out = conv_ops.conv3d(x, grouped, None, strides, padding, dilation_rate, groups=channels)
    return restore(out)


@keras_op
def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
):
    """A depthwise convolution followed by a pointwise (1 x ... x 1) convolution.

    Args:
        inputs: as ``depthwise_conv``.
        depthwise_kernel: (*kernel_size, channels, multiplier).
        pointwise_kernel: (1, ..., 1, channels * multiplier, filters).
        strides, padding, data_format, dilation_rate: of the depthwise step.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nn.separable_conv(np.ones((1, 4, 4, 2)), np.ones((3, 3, 2, 1)),
    ...                       np.ones((1, 1, 2, 5))).shape
    (1, 2, 2, 5)
    """
    depthwise = depthwise_conv.eager(
        inputs, depthwise_kernel, strides, padding, data_format, dilation_rate
    )
    return conv.eager(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


@keras_op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Largest value of each window, over 1 to 3 spatial axes.

    Args:
        inputs: (batch, *spatial, channels) (channels_first: channels second).
        pool_size: int or one per spatial axis.
        strides: int, tuple or None (= pool_size).
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None: the configured default.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nn.max_pool(np.arange(4.0).reshape(1, 4, 1), 2).data.ravel().tolist()
    [1.0, 3.0]
    """
    x = as_tensor(inputs, where="max_pool")
    rank = _spatial_rank(x, "max_pool")
    x, restore = _to_channels_last(x, data_format, "max_pool")
    return restore(_ranked(_MAX_POOL, pooling, rank)(x, pool_size, strides, padding))


@keras_op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Mean of each window, over 1 to 3 spatial axes ('same' padding cells are not counted).

    Args:
        inputs: (batch, *spatial, channels) (channels_first: channels second).
        pool_size: int or one per spatial axis.
        strides: int, tuple or None (= pool_size).
        padding: "valid" or "same".
        data_format: "channels_last" or "channels_first"; None: the configured default.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nn.average_pool(np.arange(4.0).reshape(1, 4, 1), 2).data.ravel().tolist()
    [0.5, 2.5]
    """
    x = as_tensor(inputs, where="average_pool")
    rank = _spatial_rank(x, "average_pool")
    x, restore = _to_channels_last(x, data_format, "average_pool")
    return restore(_ranked(_AVERAGE_POOL, pooling, rank)(x, pool_size, strides, padding))


def _block_layout(x, block_size, where):
    x = as_tensor(x, where=where)
    if x.ndim != 4:
        raise ValueError(f"{where}: expected 4-D images, got shape {x.shape}")
    block = int(block_size)
    if block < 1:
        raise ValueError(f"{where}: block_size must be a positive integer, got {block_size!r}")
    return x, block


@keras_op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Move channels into block_size x block_size spatial blocks (pixel shuffle).

    Channel k = (row * b + column) * (C / b**2) + c of an input pixel goes to output pixel
    (row, column) of its block, channel c. channels_first data is handled as its channels_last
    transpose, as Keras's TensorFlow backend does (Keras's JAX and PyTorch backends order the
    channels of channels_first data as PyTorch's pixel_shuffle instead).

    Args:
        x: (N, H, W, C) channels_last or (N, C, H, W) channels_first; C divisible by
            block_size ** 2.
        block_size: the side of each block.
        data_format: "channels_last" or "channels_first".

    Returns:
        (N, H * b, W * b, C / b**2) (channels_first: (N, C / b**2, H * b, W * b)).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.depth_to_space(np.arange(4.0).reshape(1, 1, 1, 4), 2).data[0, :, :, 0].tolist()
    [[0.0, 1.0], [2.0, 3.0]]
    """
    x, b = _block_layout(x, block_size, "depth_to_space")
    x, restore = _to_channels_last(x, data_format, "depth_to_space")
    n, h, w, channels = x.shape
    if channels % (b * b):
        raise ValueError(
            f"depth_to_space: {channels} channels are not divisible by block_size**2 = {b * b}"
        )
    depth = channels // (b * b)
    blocks = transpose(reshape(x, (n, h, w, b, b, depth)), (0, 1, 3, 2, 4, 5))
    return restore(reshape(blocks, (n, h * b, w * b, depth)))


@keras_op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Move block_size x block_size spatial blocks into channels (the inverse of
    ``depth_to_space``, with the same channel order).

    Args:
        x: (N, H, W, C) channels_last or (N, C, H, W); H and W divisible by block_size.
        block_size: the side of each block.
        data_format: "channels_last" or "channels_first".

    Returns:
        (N, H / b, W / b, C * b**2) (channels_first: (N, C * b**2, H / b, W / b)).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.space_to_depth(np.arange(4.0).reshape(1, 2, 2, 1), 2).data.ravel().tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    x, b = _block_layout(x, block_size, "space_to_depth")
    x, restore = _to_channels_last(x, data_format, "space_to_depth")
    n, h, w, c = x.shape
    if h % b or w % b:
        raise ValueError(
            f"space_to_depth: height {h} and width {w} must be divisible by block_size {b}"
        )
    blocks = transpose(reshape(x, (n, h // b, b, w // b, b, c)), (0, 1, 3, 2, 4, 5))
    return restore(reshape(blocks, (n, h // b, w // b, b * b * c)))


def _patch_geometry(size, kernel_size, dilation, padding, stride, where):
    """Per axis (kernel, dilation, padding, stride) pairs and the number of patch positions."""
    kernel = as_tuple(kernel_size, 2, f"{where} kernel_size")
    dil = as_tuple(dilation, 2, f"{where} dilation")
    pad = as_tuple(padding, 2, f"{where} padding", allow_zero=True)
    step = as_tuple(stride, 2, f"{where} stride")
    counts = tuple(
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, d, p, s in zip(size, kernel, dil, pad, step)
    )
    if min(counts) < 1:
        raise ValueError(
            f"{where}: kernel {kernel} with dilation {dil} does not fit in the padded size "
            f"{tuple(n + 2 * p for n, p in zip(size, pad))}"
        )
    return kernel, dil, pad, step, counts


def _offset_slices(kernel, dil, step, counts):
    """For each kernel offset (i, j): the slices of the padded image it reads at every patch."""
    for i, j in itertools.product(range(kernel[0]), range(kernel[1])):
        yield (
            (i, j),
            (
                slice(None),
                slice(None),
                slice(i * dil[0], i * dil[0] + step[0] * (counts[0] - 1) + 1, step[0]),
                slice(j * dil[1], j * dil[1] + step[1] * (counts[1] - 1) + 1, step[1]),
            ),
        )


def _gather_patches(padded, kernel, dil, step, counts):
    """(N, C, H, W) padded image -> (N, C * kh * kw, L) columns (im2col)."""
    n, c = padded.shape[:2]
    cols = xp.empty((n, c, *kernel, *counts), dtype=padded.dtype)
    for (i, j), index in _offset_slices(kernel, dil, step, counts):
        cols[:, :, i, j] = padded[index]
    return cols.reshape(n, c * kernel[0] * kernel[1], counts[0] * counts[1])


def _scatter_patches(cols, padded_shape, kernel, dil, step, counts):
    """(N, C * kh * kw, L) columns summed back into an (N, C, H, W) padded image (col2im)."""
    n, c = padded_shape[:2]
    blocks = cols.reshape(n, c, *kernel, *counts)
    image = xp.zeros(padded_shape, dtype=cols.dtype)
    for (i, j), index in _offset_slices(kernel, dil, step, counts):
        image[index] += blocks[:, :, i, j]
    return image


@keras_op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding local blocks of a channels-first image batch as columns (im2col, PyTorch's
    ``nn.functional.unfold``).

    Args:
        x: (N, C, H, W).
        kernel_size, dilation, padding, stride: int or pair each; padding is zeros on both sides.

    Returns:
        (N, C * kh * kw, L), L the number of block positions; the channel index varies slowest.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.unfold(np.arange(9.0).reshape(1, 1, 3, 3), 2).data[0, :, 0].tolist()
    [0.0, 1.0, 3.0, 4.0]
    """
    x = as_tensor(x, where="unfold")
    if x.ndim != 4:
        raise ValueError(f"unfold: expected (N, C, H, W) inputs, got shape {x.shape}")
    kernel, dil, pad, step, counts = _patch_geometry(
        x.shape[2:], kernel_size, dilation, padding, stride, "unfold"
    )
    padded = xp.pad(x.data, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    out = _gather_patches(padded, kernel, dil, step, counts)

    def backward(grad_output):  # dL/dx = col2im(g), cropped to the unpadded image
        image = _scatter_patches(grad_output, padded.shape, kernel, dil, step, counts)
        return (image[:, :, pad[0] : pad[0] + x.shape[2], pad[1] : pad[1] + x.shape[3]],)

    return from_op(out, (x,), backward)


@keras_op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns of sliding blocks back into an image (col2im, PyTorch's
    ``nn.functional.fold``); overlapping cells add up.

    Args:
        x: (N, C * kh * kw, L).
        output_size: (H, W) of the result (int for square).
        kernel_size, dilation, padding, stride: as in ``unfold``.

    Returns:
        (N, C, H, W).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.fold(np.ones((1, 4, 4)), 3, 2).data[0, 0].tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    x = as_tensor(x, where="fold")
    size = as_tuple(output_size, 2, "fold output_size")
    kernel, dil, pad, step, counts = _patch_geometry(
        size, kernel_size, dilation, padding, stride, "fold"
    )
    volume = kernel[0] * kernel[1]
    if x.ndim != 3 or x.shape[1] % volume or x.shape[2] != counts[0] * counts[1]:
        raise ValueError(
            f"fold: expected (N, C * {volume}, {counts[0] * counts[1]}) columns for kernel "
            f"{kernel} and output size {size}, got shape {x.shape}"
        )
    padded_shape = (x.shape[0], x.shape[1] // volume, size[0] + 2 * pad[0], size[1] + 2 * pad[1])
    image = _scatter_patches(x.data, padded_shape, kernel, dil, step, counts)
    out = xp.ascontiguousarray(image[:, :, pad[0] : pad[0] + size[0], pad[1] : pad[1] + size[1]])

    def backward(grad_output):  # dL/dcols = im2col(g), g padded with zeros
        padded = xp.pad(grad_output, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
        return (_gather_patches(padded, kernel, dil, step, counts),)

    return from_op(out, (x,), backward)
