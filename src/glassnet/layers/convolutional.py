"""Convolution layers (Keras signatures, channels_last by default; channels_first accepted)."""

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.layers.core import weight_options_config
from glassnet.layers.layer import InputSpec, Layer


def _tuple(value, rank, name):
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) != rank or any(not isinstance(v, int) or v <= 0 for v in values):
        raise ValueError(f"{name} must be a positive int or a tuple of {rank}, got {value!r}")
    return values


class _Conv(Layer):
    rank = 2

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
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{where}: filters must be a positive integer, got {filters!r}")
        self.filters, self.groups = filters, groups
        self.kernel_size = _tuple(kernel_size, self.rank, f"{where} kernel_size")
        self.strides = _tuple(strides, self.rank, f"{where} strides")
        self.dilation_rate = _tuple(dilation_rate, self.rank, f"{where} dilation_rate")
        padding = padding.lower()
        allowed = ("valid", "same", "causal") if self.rank == 1 else ("valid", "same")
        if padding not in allowed:
            raise ValueError(f"{where}: padding must be one of {allowed}, got {padding!r}")
        self.padding = padding
        self.data_format = data_format or "channels_last"
        if self.data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                f"{where}: data_format must be 'channels_last' or 'channels_first', got {data_format!r}"
            )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = (
            initializers.get(kernel_initializer),
            initializers.get(bias_initializer),
        )
        self.kernel_regularizer, self.bias_regularizer = (
            regularizers.get(kernel_regularizer),
            regularizers.get(bias_regularizer),
        )
        self.kernel_constraint, self.bias_constraint = (
            constraints.get(kernel_constraint),
            constraints.get(bias_constraint),
        )
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _channels(self, input_shape):
        return input_shape[1] if self.data_format == "channels_first" else input_shape[-1]

    def _kernel_shape(self, channels):
        if channels % self.groups or self.filters % self.groups:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': input channels ({channels}) and filters ({self.filters}) must both be divisible by groups ({self.groups})"
            )
        return (*self.kernel_size, channels // self.groups, self.filters)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        if channels is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the channel axis of the input must be known, got shape {input_shape}"
            )
        self.kernel = self.add_weight(
            self._kernel_shape(channels),
            self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = (
            self.add_weight(
                (self.filters,),
                self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )
        axis = 1 if self.data_format == "channels_first" else -1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})

    def _to_last(self, x):
        return (
            x
            if self.data_format == "channels_last"
            else ops.transpose(x, (0, *range(2, self.rank + 2), 1))
        )

    def _from_last(self, x):
        return (
            x
            if self.data_format == "channels_last"
            else ops.transpose(x, (0, self.rank + 1, *range(1, self.rank + 1)))
        )

    def convolve(self, x):
        raise NotImplementedError

    def call(self, inputs):
        x = self._to_last(inputs)
        return self._from_last(self.activation(self.convolve(x)))

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_options_config(self, "kernel", "bias"),
        }


class Conv2D(_Conv):
    """2-D convolution: (batch, height, width, channels) -> (batch, new_height, new_width, filters);
    kernel (kh, kw, channels // groups, filters)."""

    rank = 2

    def convolve(self, x):
        return ops.conv2d(
            x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate, self.groups
        )


class Conv1D(_Conv):
    """1-D convolution over time: (batch, steps, channels) -> (batch, new_steps, filters); padding may be 'causal'."""

    rank = 1

    def convolve(self, x):
        return ops.conv1d(
            x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate, self.groups
        )


class Conv2DTranspose(_Conv):
    """Transposed 2-D convolution (upsampling): kernel (kh, kw, filters, channels)."""

    rank = 2

    def __init__(
        self, filters, kernel_size, strides=1, padding="valid", output_padding=None, **kwargs
    ):
        if output_padding is not None:
            raise ValueError(
                "Conv2DTranspose: output_padding is not supported; choose padding and strides that give the size you need"
            )
        super().__init__(filters, kernel_size, strides, padding, **kwargs)

    def _kernel_shape(self, channels):
        return (*self.kernel_size, self.filters, channels)

    def convolve(self, x):
        return ops.conv2d_transpose(
            x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate
        )


class DepthwiseConv2D(_Conv):
    """Each channel convolved on its own: kernel (kh, kw, channels, depth_multiplier)."""

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
        self.depth_multiplier = depth_multiplier
        super().__init__(
            1,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            1,
            activation,
            use_bias,
            depthwise_initializer,
            bias_initializer,
            depthwise_regularizer,
            bias_regularizer,
            activity_regularizer,
            depthwise_constraint,
            bias_constraint,
            **kwargs,
        )

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.filters = channels * self.depth_multiplier
        self.kernel = self.add_weight(
            (*self.kernel_size, channels, self.depth_multiplier),
            self.kernel_initializer,
            name="depthwise_kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = (
            self.add_weight((self.filters,), self.bias_initializer, name="bias")
            if self.use_bias
            else None
        )
        self.input_spec = InputSpec(
            ndim=4, axes={1 if self.data_format == "channels_first" else -1: channels}
        )

    def convolve(self, x):
        return ops.depthwise_conv2d(
            x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate
        )

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "groups"):
            config.pop(key)
        config["depthwise_initializer"] = config.pop("kernel_initializer")
        config["depthwise_regularizer"] = config.pop("kernel_regularizer")
        config["depthwise_constraint"] = config.pop("kernel_constraint")
        return {**config, "depth_multiplier": self.depth_multiplier}


class SeparableConv2D(_Conv):
    """Depthwise convolution followed by a 1x1 (pointwise) convolution to ``filters`` channels."""

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
        **kwargs,
    ):
        super().__init__(
            filters,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            1,
            activation,
            use_bias,
            depthwise_initializer,
            bias_initializer,
            **kwargs,
        )
        self.depth_multiplier = depth_multiplier
        self.pointwise_initializer = initializers.get(pointwise_initializer)

    def build(self, input_shape):
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            (*self.kernel_size, channels, self.depth_multiplier),
            self.kernel_initializer,
            name="depthwise_kernel",
        )
        self.pointwise_kernel = self.add_weight(
            (1, 1, channels * self.depth_multiplier, self.filters),
            self.pointwise_initializer,
            name="pointwise_kernel",
        )
        self.bias = (
            self.add_weight((self.filters,), self.bias_initializer, name="bias")
            if self.use_bias
            else None
        )
        self.input_spec = InputSpec(
            ndim=4, axes={1 if self.data_format == "channels_first" else -1: channels}
        )

    def convolve(self, x):
        depthwise = ops.depthwise_conv2d(
            x, self.depthwise_kernel, None, self.strides, self.padding, self.dilation_rate
        )
        return ops.conv2d(depthwise, self.pointwise_kernel, self.bias)

    def get_config(self):
        config = super().get_config()
        config.pop("groups")
        config["depthwise_initializer"] = config.pop("kernel_initializer")
        for key in (
            "kernel_regularizer",
            "kernel_constraint",
            "bias_regularizer",
            "bias_constraint",
        ):
            config.pop(key)
        return {
            **config,
            "depth_multiplier": self.depth_multiplier,
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
        }


Convolution2D, Convolution1D = Conv2D, Conv1D
