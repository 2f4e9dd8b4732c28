"""Convolution layers with Keras's signatures, weights and configs: Conv1D/2D/3D, their transposes,
DepthwiseConv1D/2D and SeparableConv1D/2D. channels_last by default (``keras.config``'s image data
format); channels_first moves the channel axis around the channels_last ops.

Weights as Keras lays them out: kernel (*kernel_size, in_channels // groups, filters); transposed
kernels (*kernel_size, filters, in_channels); depthwise kernels (*kernel_size, in_channels,
depth_multiplier), named "kernel" in the Depthwise layers and "depthwise_kernel" /
"pointwise_kernel" in the Separable ones.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> conv = layers.Conv3D(4, 3, padding="same")
>>> conv(np.zeros((2, 5, 6, 7, 1), dtype="float32")).shape
(2, 5, 6, 7, 4)
>>> [w.shape for w in conv.weights]
[(3, 3, 3, 1, 4), (4,)]
"""

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.layers.arguments import (
    ShapeFromArithmetic,
    as_tuple,
    conv_output_shape,
    padding_mode,
    standard_data_format,
    transpose_output_shape,
)
from glassnet.layers.core import activity_config, weight_options_config
from glassnet.layers.layer import InputSpec, Layer
from glassnet.ops.conv import (
    conv1d_transpose,
    conv3d,
    conv3d_transpose,
    depthwise_conv1d,
)


class _SpatialLayer(ShapeFromArithmetic, Layer):
    """What every convolution shares: rank, data format, the channel axis and moving it."""

    rank = 2

    def _init_spatial(self, kernel_size, strides, padding, data_format, dilation_rate, paddings):
        where = type(self).__name__
        self.kernel_size = as_tuple(kernel_size, self.rank, f"{where} kernel_size")
        self.strides = as_tuple(strides, self.rank, f"{where} strides")
        self.dilation_rate = as_tuple(dilation_rate, self.rank, f"{where} dilation_rate")
        self.padding = padding_mode(padding, where, paddings)
        self.data_format = standard_data_format(data_format, where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: strides > 1 together with dilation_rate > 1 is not supported (as in "
                f"Keras); got strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.input_spec = InputSpec(ndim=self.rank + 2)

    @property
    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _input_channels(self, input_shape):
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the channel axis of the input must be "
                f"known, got shape {tuple(input_shape)}"
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis: channels})
        return channels

    def _to_last(self, x):
        if self.data_format == "channels_last":
            return x
        return ops.transpose(x, (0, *range(2, self.rank + 2), 1))

    def _from_last(self, x):
        if self.data_format == "channels_last":
            return x
        return ops.transpose(x, (0, self.rank + 1, *range(1, self.rank + 1)))

    def _add_weight_option(self, name, kind, shape, initializer=None):
        """``add_weight`` with the layer's ``{kind}_initializer/_regularizer/_constraint``."""
        return self.add_weight(
            shape,
            initializer or getattr(self, f"{kind}_initializer"),
            name=name,
            regularizer=getattr(self, f"{kind}_regularizer"),
            constraint=getattr(self, f"{kind}_constraint"),
        )

    def _spatial_config(self):
        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
        }


def _options(layer, kind, initializer, regularizer, constraint):
    setattr(layer, f"{kind}_initializer", initializers.get(initializer))
    setattr(layer, f"{kind}_regularizer", regularizers.get(regularizer))
    setattr(layer, f"{kind}_constraint", constraints.get(constraint))


class _Conv(_SpatialLayer):
    """output = activation(conv(inputs, kernel) + bias) over ``rank`` spatial axes."""

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{where}: filters must be a positive integer, got {filters!r}")
        if not isinstance(groups, int) or groups <= 0 or filters % groups:
            raise ValueError(
                f"{where}: groups must be a positive integer dividing filters ({filters}), got "
                f"{groups!r}"
            )
        self.filters, self.groups = filters, groups
        paddings = ("valid", "same", "causal") if self.rank == 1 else ("valid", "same")
        self._init_spatial(kernel_size, strides, padding, data_format, dilation_rate, paddings)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        _options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        _options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)

    def _kernel_shape(self, channels):
        if channels % self.groups:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': input channels ({channels}) must be "
                f"divisible by groups ({self.groups})"
            )
        return (*self.kernel_size, channels // self.groups, self.filters)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.kernel = self._add_weight_option("kernel", "kernel", self._kernel_shape(channels))
        self.bias = (
            self._add_weight_option("bias", "bias", (self.filters,)) if self.use_bias else None
        )

    def convolve(self, x):
        """The convolution (with the bias) on channels_last ``x``."""
        raise NotImplementedError

    def call(self, inputs):
        return self._from_last(self.activation(self.convolve(self._to_last(inputs))))

    def compute_output_shape(self, input_shape):
        return conv_output_shape(self, input_shape, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._spatial_config(),
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_options_config(self, "kernel", "bias"),
            **activity_config(self),
        }


class Conv1D(_Conv):
    """1-D convolution over time: (batch, steps, channels) -> (batch, new_steps, filters);
    kernel (kernel_size, channels // groups, filters); padding 'valid', 'same' or 'causal'.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Conv1D(2, 3, padding="causal")(np.zeros((1, 5, 4), dtype="float32")).shape
    (1, 5, 2)
    """

    rank = 1

    def convolve(self, x):
        return ops.conv1d(
            x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate, self.groups
        )


class Conv2D(_Conv):
    """2-D convolution: (batch, height, width, channels) -> (batch, new_height, new_width, filters);
    kernel (kh, kw, channels // groups, filters).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Conv2D(8, 3, strides=2)(np.zeros((1, 9, 9, 3), dtype="float32")).shape
    (1, 4, 4, 8)
    """

    rank = 2

    def convolve(self, x):
        return ops.conv2d(
            x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate, self.groups
        )


class Conv3D(_Conv):
    """3-D convolution: (batch, depth, height, width, channels) -> (batch, d', h', w', filters);
    kernel (kd, kh, kw, channels // groups, filters).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Conv3D(2, (1, 2, 3))(np.zeros((1, 4, 4, 4, 3), dtype="float32")).shape
    (1, 4, 3, 2, 2)
    """

    rank = 3

    def convolve(self, x):
        return conv3d(
            x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate, self.groups
        )


class _ConvTranspose(_SpatialLayer):
    """Transposed convolution (upsampling by ``strides``): kernel (*kernel_size, filters,
    in_channels); ``output_padding`` adds cells at the end of each spatial axis (less than the
    stride), by Keras's size rule."""

    transpose_op = None

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{where}: filters must be a positive integer, got {filters!r}")
        self.filters = filters
        self._init_spatial(
            kernel_size, strides, padding, data_format, dilation_rate, ("valid", "same")
        )
        self.output_padding = (
            None
            if output_padding is None
            else as_tuple(output_padding, self.rank, f"{where} output_padding", allow_zero=True)
        )
        for extra, stride in zip(self.output_padding or (), self.strides):
            if extra >= stride:
                raise ValueError(
                    f"{where}: each output_padding must be less than its stride, got "
                    f"output_padding={self.output_padding} and strides={self.strides}"
                )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        _options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        _options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        shape = (*self.kernel_size, self.filters, channels)
        self.kernel = self._add_weight_option("kernel", "kernel", shape)
        self.bias = (
            self._add_weight_option("bias", "bias", (self.filters,)) if self.use_bias else None
        )

    def call(self, inputs):
        out = type(self).transpose_op(
            self._to_last(inputs),
            self.kernel,
            self.bias,
            self.strides,
            self.padding,
            self.dilation_rate,
            self.output_padding,
        )
        return self._from_last(self.activation(out))

    def compute_output_shape(self, input_shape):
        return transpose_output_shape(self, input_shape, self.filters)

    def get_config(self):
        config = {
            **super().get_config(),
            "filters": self.filters,
            **self._spatial_config(),
            "output_padding": self.output_padding,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_options_config(self, "kernel", "bias"),
            **activity_config(self),
        }
        return config


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution: (batch, steps, channels) -> (batch, new_steps, filters).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Conv1DTranspose(2, 3, strides=2)(np.zeros((1, 5, 4), dtype="float32")).shape
    (1, 11, 2)
    """

    rank = 1
    transpose_op = staticmethod(conv1d_transpose)


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution: (batch, h, w, channels) -> (batch, h', w', filters); kernel
    (kh, kw, filters, channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> up = layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1)
    >>> up(np.zeros((1, 4, 4, 3), dtype="float32")).shape
    (1, 8, 8, 2)
    """

    rank = 2
    transpose_op = staticmethod(ops.conv2d_transpose)


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution: (batch, d, h, w, channels) -> (batch, d', h', w', filters).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Conv3DTranspose(1, 2, strides=2)(np.zeros((1, 2, 3, 4, 1), "float32")).shape
    (1, 4, 6, 8, 1)
    """

    rank = 3
    transpose_op = staticmethod(conv3d_transpose)


class _DepthwiseConv(_SpatialLayer):
    """Each input channel convolved with its own ``depth_multiplier`` filters: kernel
    (*kernel_size, channels, depth_multiplier) named "kernel", bias (channels * multiplier,)."""

    def __init__(
        self,
        kernel_size,
        strides=1,
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(
                f"{where}: depth_multiplier must be a positive integer, got {depth_multiplier!r}"
            )
        self.depth_multiplier = depth_multiplier
        self._init_spatial(
            kernel_size, strides, padding, data_format, dilation_rate, ("valid", "same")
        )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        _options(
            self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        _options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        shape = (*self.kernel_size, channels, self.depth_multiplier)
        self.kernel = self._add_weight_option("kernel", "depthwise", shape)
        self.bias = (
            self._add_weight_option("bias", "bias", (channels * self.depth_multiplier,))
            if self.use_bias
            else None
        )

    def call(self, inputs):
        depthwise = ops.depthwise_conv2d if self.rank == 2 else depthwise_conv1d
        out = depthwise(
            self._to_last(inputs),
            self.kernel,
            self.bias,
            self.strides,
            self.padding,
            self.dilation_rate,
        )
        return self._from_last(self.activation(out))

    def compute_output_shape(self, input_shape):
        channels = input_shape[self._channel_axis]
        return conv_output_shape(
            self, input_shape, None if channels is None else channels * self.depth_multiplier
        )

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._spatial_config(),
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_options_config(self, "depthwise", "bias"),
            **activity_config(self),
        }


class DepthwiseConv1D(_DepthwiseConv):
    """Depthwise 1-D convolution: (batch, steps, channels) -> (batch, new_steps,
    channels * depth_multiplier).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.DepthwiseConv1D(3, depth_multiplier=2)(np.zeros((1, 6, 4), "float32")).shape
    (1, 4, 8)
    """

    rank = 1


class DepthwiseConv2D(_DepthwiseConv):
    """Depthwise 2-D convolution: (batch, h, w, channels) -> (batch, h', w',
    channels * depth_multiplier); kernel (kh, kw, channels, depth_multiplier).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.DepthwiseConv2D(3, padding="same")(np.zeros((1, 5, 5, 4), "float32")).shape
    (1, 5, 5, 4)
    """

    rank = 2


class _SeparableConv(_SpatialLayer):
    """A depthwise convolution, then a pointwise (1 x ... x 1) one to ``filters`` channels:
    depthwise_kernel (*kernel_size, channels, depth_multiplier), pointwise_kernel
    (1, ..., 1, channels * depth_multiplier, filters), bias (filters,)."""

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        depth_multiplier=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{where}: filters must be a positive integer, got {filters!r}")
        if not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(
                f"{where}: depth_multiplier must be a positive integer, got {depth_multiplier!r}"
            )
        self.filters, self.depth_multiplier = filters, depth_multiplier
        self._init_spatial(
            kernel_size, strides, padding, data_format, dilation_rate, ("valid", "same")
        )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        _options(
            self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint
        )
        _options(
            self, "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint
        )
        _options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self.depthwise_kernel = self._add_weight_option(
            "depthwise_kernel", "depthwise", (*self.kernel_size, channels, self.depth_multiplier)
        )
        self.pointwise_kernel = self._add_weight_option(
            "pointwise_kernel",
            "pointwise",
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
        )
        self.bias = (
            self._add_weight_option("bias", "bias", (self.filters,)) if self.use_bias else None
        )

    def call(self, inputs):
        x = self._to_last(inputs)
        if self.rank == 1:
            depthwise = depthwise_conv1d(
                x, self.depthwise_kernel, None, self.strides, self.padding, self.dilation_rate
            )
            out = ops.conv1d(depthwise, self.pointwise_kernel, self.bias)
        else:
            depthwise = ops.depthwise_conv2d(
                x, self.depthwise_kernel, None, self.strides, self.padding, self.dilation_rate
            )
            out = ops.conv2d(depthwise, self.pointwise_kernel, self.bias)
        return self._from_last(self.activation(out))

    def compute_output_shape(self, input_shape):
        return conv_output_shape(self, input_shape, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            **self._spatial_config(),
            "depth_multiplier": self.depth_multiplier,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_options_config(self, "depthwise", "pointwise", "bias"),
            **activity_config(self),
        }


class SeparableConv1D(_SeparableConv):
    """Depthwise then pointwise 1-D convolution: (batch, steps, channels) -> (batch, new_steps,
    filters).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.SeparableConv1D(5, 3)(np.zeros((1, 6, 4), "float32")).shape
    (1, 4, 5)
    """

    rank = 1


class SeparableConv2D(_SeparableConv):
    """Depthwise then pointwise 2-D convolution: (batch, h, w, channels) -> (batch, h', w',
    filters).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.SeparableConv2D(5, 3)(np.zeros((1, 6, 6, 4), "float32")).shape
    (1, 4, 4, 5)
    """

    rank = 2


Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution1DTranspose, Convolution2DTranspose, Convolution3DTranspose = (
    Conv1DTranspose,
    Conv2DTranspose,
    Conv3DTranspose,
)
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
