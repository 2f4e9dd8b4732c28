"""Argument checks and shape arithmetic shared by the spatial layers (convolution, pooling,
cropping, padding, upsampling): Keras's rules for tuples, data formats and output sizes.

The layers that use ``ShapeFromArithmetic`` find their symbolic output shape by these formulas
rather than by running on zeros, so a Conv1D on sequences of unknown length (``Input((None, 8))``)
works whatever its kernel size, as in Keras.

Example:

>>> from glassnet.layers.arguments import conv_output_length
>>> conv_output_length(28, 3, 1, 1, "valid"), conv_output_length(None, 3, 2, 1, "same")
(26, None)
"""

from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.ops.conv import transpose_padding
from glassnet.ops.image import standardize_data_format


def as_tuple(value, rank, name, allow_zero=False):
    """``value`` (an int or ``rank`` ints) as a tuple of ``rank`` ints; ``name`` names the argument
    in the error ("Conv2D kernel_size").

    Args:
        value: an int, or a sequence of ``rank`` ints.
        rank: how many ints the tuple holds.
        name: the argument's name in the error message.
        allow_zero: whether 0 is allowed (else the ints must be positive).

    Example:

    >>> as_tuple(3, 2, "Conv2D kernel_size"), as_tuple((1, 2), 2, "strides")
    ((3, 3), (1, 2))
    >>> as_tuple(0, 2, "Conv2D kernel_size")
    Traceback (most recent call last):
    ...
    ValueError: Conv2D kernel_size must be a positive int or a tuple of 2 of them, got 0
    """
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    low = 0 if allow_zero else 1
    if len(values) != rank or any(
        isinstance(v, bool) or not isinstance(v, int) or v < low for v in values
    ):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a {kind} int or a tuple of {rank} of them, got {value!r}")
    return values


def standard_data_format(value, where):
    """'channels_last' or 'channels_first' (None: ``keras.config.image_data_format()``).

    Args:
        value: "channels_last", "channels_first" (any case) or None.
        where: the caller's name, for the error message.

    Example:

    >>> standard_data_format("channels_first", "Conv2D")
    'channels_first'
    """
    return standardize_data_format(value, where)


def padding_mode(value, where, allowed=("valid", "same")):
    """The padding name in lower case, checked against ``allowed``.

    Args:
        value: the padding argument, e.g. "same" or "VALID".
        where: the caller's name, for the error message.
        allowed: the accepted names, lower case ("valid" and "same" by default).

    Example:

    >>> padding_mode("SAME", "Conv2D")
    'same'
    """
    mode = str(value).lower()
    if mode not in allowed:
        raise ValueError(f"{where}: padding must be one of {allowed}, got {value!r}")
    return mode


def conv_output_length(size, kernel, stride, dilation, padding):
    """Output length of a convolution or pool along one axis (None stays None).

    Args:
        size: the input length, or None (unknown).
        kernel: the kernel (or pool) size.
        stride: the stride.
        dilation: the dilation rate.
        padding: "valid", "same" or "causal".

    Example:

    >>> conv_output_length(9, 3, 2, 1, "valid"), conv_output_length(9, 3, 2, 1, "same")
    (4, 5)
    """
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):
        return -(-size // stride)
    return (size - effective) // stride + 1


def spatial_axes(rank, fmt):
    """Positions of the spatial axes in a (batch, ...) shape.

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        fmt: "channels_last" or "channels_first".

    Example:

    >>> spatial_axes(2, "channels_last"), spatial_axes(2, "channels_first")
    ([1, 2], [2, 3])
    """
    first = 2 if fmt == "channels_first" else 1
    return list(range(first, first + rank))


def replace_spatial(shape, rank, fmt, sizes, channels=None):
    """``shape`` with new spatial sizes (and optionally a new channel count).

    Args:
        shape: a (batch, ...) shape.
        rank: the number of spatial axes.
        fmt: "channels_last" or "channels_first".
        sizes: the new spatial sizes, one per spatial axis.
        channels: the new channel count, or None to keep it.

    Example:

    >>> replace_spatial((None, 8, 8, 3), 2, "channels_last", (4, 4), channels=16)
    (None, 4, 4, 16)
    """
    out = list(shape)
    for axis, size in zip(spatial_axes(rank, fmt), sizes):
        out[axis] = size
    if channels is not None:
        out[1 if fmt == "channels_first" else -1] = channels
    return tuple(out)


def conv_output_shape(layer, input_shape, channels):
    """The output shape of a convolution-like layer (attributes rank, data_format, kernel_size,
    strides, dilation_rate, padding) with ``channels`` output channels.

    Args:
        layer: the layer, for its attributes and its name in errors.
        input_shape: the (batch, ...) input shape.
        channels: the number of output channels.

    Raises:
        ValueError: an axis would have no output cell.

    Example:

    >>> from glassnet import layers
    >>> conv = layers.Conv2D(4, 3, strides=2)
    >>> conv.build((None, 9, 9, 1))
    >>> conv_output_shape(conv, (None, 9, 9, 1), 4)
    (None, 4, 4, 4)
    """
    axes = spatial_axes(layer.rank, layer.data_format)
    sizes = []
    for axis, kernel, stride, dilation in zip(
        axes, layer.kernel_size, layer.strides, layer.dilation_rate
    ):
        size = conv_output_length(input_shape[axis], kernel, stride, dilation, layer.padding)
        if size is not None and size <= 0:
            raise ValueError(
                f"{type(layer).__name__} '{layer.name}': input shape {tuple(input_shape)} is too "
                f"small for kernel_size {layer.kernel_size} with padding='{layer.padding}' "
                f"(the output would have {size} cells along axis {axis})"
            )
        sizes.append(size)
    return replace_spatial(input_shape, layer.rank, layer.data_format, sizes, channels)


def transpose_output_shape(layer, input_shape, channels):
    """The output shape of a transposed convolution layer (Keras's size rule).

    Args:
        layer: the layer (attributes rank, data_format, kernel_size, strides, dilation_rate,
            padding, output_padding, name).
        input_shape: the (batch, ...) input shape.
        channels: the number of output channels.

    Example:

    >>> from glassnet import layers
    >>> deconv = layers.Conv2DTranspose(4, 3, strides=2)
    >>> deconv.build((None, 5, 5, 1))
    >>> transpose_output_shape(deconv, (None, 5, 5, 1), 4)
    (None, 11, 11, 4)
    """
    axes = spatial_axes(layer.rank, layer.data_format)
    extra = layer.output_padding or (None,) * layer.rank
    sizes = []
    for axis, kernel, stride, dilation, op in zip(
        axes, layer.kernel_size, layer.strides, layer.dilation_rate, extra
    ):
        size = input_shape[axis]
        if size is not None:
            size = transpose_padding(size, kernel, stride, dilation, layer.padding, op, layer.name)[
                1
            ]
        sizes.append(size)
    return replace_spatial(input_shape, layer.rank, layer.data_format, sizes, channels)


class ShapeFromArithmetic:
    """Mixin for layers with a one-tensor input and output whose ``compute_output_shape`` is
    exact: the symbolic output comes from it instead of from a run on zeros.

    Example:

    >>> from glassnet import Input, layers
    >>> isinstance(layers.Cropping2D(1), ShapeFromArithmetic)
    True
    >>> layers.Cropping2D(1)(Input((6, 6, 2))).shape
    (None, 4, 4, 2)
    """

    def compute_output_spec(self, inputs, *args, **kwargs):
        if not isinstance(inputs, SymbolicTensor):
            return super().compute_output_spec(inputs, *args, **kwargs)
        if not self.built:
            self._maybe_build(tuple(inputs.shape))
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), self.compute_dtype)
