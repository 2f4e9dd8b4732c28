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
    in the error ("Conv2D kernel_size")."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    low = 0 if allow_zero else 1
    if len(values) != rank or any(
        isinstance(v, bool) or not isinstance(v, int) or v < low for v in values
    ):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a {kind} int or a tuple of {rank} of them, got {value!r}")
    return values


def standard_data_format(value, where):
    """'channels_last' or 'channels_first' (None: ``keras.config.image_data_format()``)."""
    return standardize_data_format(value, where)


def padding_mode(value, where, allowed=("valid", "same")):
    """The padding name in lower case, checked against ``allowed``."""
    mode = str(value).lower()
    if mode not in allowed:
        raise ValueError(f"{where}: padding must be one of {allowed}, got {value!r}")
    return mode


def conv_output_length(size, kernel, stride, dilation, padding):
    """Output length of a convolution or pool along one axis (None stays None)."""
    if size is None:
        return None
    effective = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):
        return -(-size // stride)
    return (size - effective) // stride + 1


def spatial_axes(rank, fmt):
    """Positions of the spatial axes in a (batch, ...) shape."""
    first = 2 if fmt == "channels_first" else 1
    return list(range(first, first + rank))


def replace_spatial(shape, rank, fmt, sizes, channels=None):
    """``shape`` with new spatial sizes (and optionally a new channel count)."""
    out = list(shape)
    for axis, size in zip(spatial_axes(rank, fmt), sizes):
        out[axis] = size
    if channels is not None:
        out[1 if fmt == "channels_first" else -1] = channels
    return tuple(out)


def conv_output_shape(layer, input_shape, channels):
    """The output shape of a convolution-like layer (attributes rank, data_format, kernel_size,
    strides, dilation_rate, padding) with ``channels`` output channels."""
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
    """The output shape of a transposed convolution layer (Keras's size rule)."""
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
    exact: the symbolic output comes from it instead of from a run on zeros."""

    def compute_output_spec(self, inputs, *args, **kwargs):
        if not isinstance(inputs, SymbolicTensor):
            return super().compute_output_spec(inputs, *args, **kwargs)
        if not self.built:
            self._maybe_build(tuple(inputs.shape))
        return SymbolicTensor(self.compute_output_shape(tuple(inputs.shape)), self.compute_dtype)
