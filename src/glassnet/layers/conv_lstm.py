"""Convolutional LSTMs (Shi et al., 2015): an LSTM whose input and recurrent transformations are
convolutions, over sequences of 1-D, 2-D or 3-D feature maps. ConvLSTM1D/2D/3D are RNNs over a
ConvLSTMCell, run step by step through the tape.

Weights as in Keras: kernel (*kernel_size, channels, 4 * filters), recurrent_kernel
(*kernel_size, filters, 4 * filters), bias (4 * filters,), gates i, f, c, o. The input
convolution uses the layer's strides, padding and dilation; the recurrent one is 'same' with
stride 1, so the state keeps the output's spatial size.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> layer = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
>>> layer(np.zeros((2, 5, 8, 8, 3), "float32")).shape
(2, 5, 8, 8, 4)
>>> [w.shape for w in layer.weights]
[(3, 3, 3, 16), (3, 3, 4, 16), (16,)]
"""

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.arguments import (
    as_tuple,
    conv_output_shape,
    padding_mode,
    standard_data_format,
)
from glassnet.layers.core import activity_config, weight_options_config
from glassnet.layers.layer import InputSpec, Layer
from glassnet.layers.recurrent import RNN
from glassnet.layers.recurrent_cells import DropoutRNNCell
from glassnet.ops.conv import conv3d


def _convolve(rank, x, kernel, bias, strides, padding, dilation):
    """channels_last convolution of ``rank`` spatial axes."""
    if rank == 1:
        return ops.conv1d(x, kernel, bias, strides, padding, dilation)
    if rank == 2:
        return ops.conv2d(x, kernel, bias, strides, padding, dilation)
    return conv3d(x, kernel, bias, strides, padding, dilation)


class ConvLSTMCell(DropoutRNNCell, Layer):
    """One ConvLSTM step: z = conv(x, kernel) + bias + conv_same(h, recurrent_kernel), split into
    the gates i, f, c, o; c' = f * c + i * act(z_c); h' = o * act(c').

    Args:
        rank: number of spatial axes (1, 2 or 3).
        filters: channels of the state and output.
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution.
        activation, recurrent_activation, use_bias, unit_forget_bias, *_initializer,
            *_regularizer, *_constraint, dropout, recurrent_dropout, seed: as LSTMCell.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers.conv_lstm import ConvLSTMCell
    >>> cell = ConvLSTMCell(2, filters=3, kernel_size=3, padding="same")
    >>> cell.build((1, 5, 5, 2))
    >>> h, (_, c) = cell(np.ones((1, 5, 5, 2), "float32"), cell.get_initial_state(1))
    >>> h.shape, c.shape
    ((1, 5, 5, 3), (1, 5, 5, 3))
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        where = type(self).__name__
        if rank not in (1, 2, 3):
            raise ValueError(f"{where}: rank must be 1, 2 or 3, got {rank!r}")
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{where}: filters must be a positive integer, got {filters!r}")
        self.rank, self.filters = rank, filters
        self.kernel_size = as_tuple(kernel_size, rank, f"{where} kernel_size")
        self.strides = as_tuple(strides, rank, f"{where} strides")
        self.dilation_rate = as_tuple(dilation_rate, rank, f"{where} dilation_rate")
        self.padding = padding_mode(padding, where)
        self.data_format = standard_data_format(data_format, where)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: strides > 1 together with dilation_rate > 1 is not supported, got "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}"
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = use_bias, unit_forget_bias
        for kind, initializer, regularizer, constraint in (
            ("kernel", kernel_initializer, kernel_regularizer, kernel_constraint),
            ("recurrent", recurrent_initializer, recurrent_regularizer, recurrent_constraint),
            ("bias", bias_initializer, bias_regularizer, bias_constraint),
        ):
            setattr(self, f"{kind}_initializer", initializers.get(initializer))
            setattr(self, f"{kind}_regularizer", regularizers.get(regularizer))
            setattr(self, f"{kind}_constraint", constraints.get(constraint))
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self._rng = None if seed is None else xp.random.default_rng(seed)
        self.state_size = -1  # the states are feature maps; get_initial_state makes them
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape):
        channel_axis = 1 if self.data_format == "channels_first" else -1
        spatial = input_shape[2:] if self.data_format == "channels_first" else input_shape[1:-1]
        where = f"{type(self).__name__} '{self.name}'"
        if None in spatial:
            raise ValueError(
                f"{where}: the spatial sizes of the input must be known, got shape "
                f"{tuple(input_shape)}"
            )
        channels = input_shape[channel_axis]
        if channels is None:
            raise ValueError(f"{where}: the channel axis must be known, got {tuple(input_shape)}")
        self.spatial_dims, self.input_dim = tuple(spatial), channels
        self.input_spec = InputSpec(ndim=self.rank + 2, shape=(None, *input_shape[1:]))
        width = 4 * self.filters
        self.kernel = self.add_weight(
            (*self.kernel_size, channels, width),
            self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            (*self.kernel_size, self.filters, width),
            self.recurrent_initializer,
            name="recurrent_kernel",
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        bias_initializer = self.bias_initializer
        if self.unit_forget_bias:
            base, filters = self.bias_initializer, self.filters

            def bias_initializer(shape, dtype=None):
                values = xp.array(base((filters * 4,), dtype), copy=True)
                values[filters : 2 * filters] = 1
                return values

        self.bias = (
            self.add_weight(
                (width,),
                bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )

    def _to_last(self, x):
        if self.data_format == "channels_last":
            return x
        return ops.transpose(x, (0, *range(2, self.rank + 2), 1))

    def _from_last(self, x):
        if self.data_format == "channels_last":
            return x
        return ops.transpose(x, (0, self.rank + 1, *range(1, self.rank + 1)))

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        if training and 0 < self.dropout < 1:
            inputs = ops.multiply(inputs, self.get_dropout_mask(inputs))
        h_in = h_prev
        if training and 0 < self.recurrent_dropout < 1:
            h_in = ops.multiply(h_prev, self.get_recurrent_dropout_mask(h_prev))
        x, h_in, c_prev = self._to_last(inputs), self._to_last(h_in), self._to_last(c_prev)
        z = _convolve(
            self.rank, x, self.kernel, self.bias, self.strides, self.padding, self.dilation_rate
        )
        ones = (1,) * self.rank
        recurrent = _convolve(self.rank, h_in, self.recurrent_kernel, None, ones, "same", ones)
        z = ops.add(z, recurrent)
        f_ = self.filters
        i = self.recurrent_activation(z[..., :f_])
        f = self.recurrent_activation(z[..., f_ : 2 * f_])
        c = ops.add(
            ops.multiply(f, c_prev), ops.multiply(i, self.activation(z[..., 2 * f_ : 3 * f_]))
        )
        o = self.recurrent_activation(z[..., 3 * f_ :])
        h = self._from_last(ops.multiply(o, self.activation(c)))
        c = self._from_last(c)
        return h, [h, c]

    def compute_output_shape(self, inputs_shape, states_shape=None):
        """(output shape, [h shape, c shape]) of one step."""
        shape = conv_output_shape(self, inputs_shape, self.filters)
        return shape, [shape, shape]

    def get_initial_state(self, batch_size=None):
        """Zero h and c feature maps of the convolution's output shape."""
        if self.data_format == "channels_last":
            step = (batch_size, *self.spatial_dims, self.input_dim)
        else:
            step = (batch_size, self.input_dim, *self.spatial_dims)
        shape = self.compute_output_shape(step)[0]
        return [Tensor(xp.zeros(shape, dtype=self.dtype)) for _ in range(2)]

    def get_config(self):
        return {
            **super().get_config(),
            "rank": self.rank,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "unit_forget_bias": self.unit_forget_bias,
            **weight_options_config(self, "kernel", "recurrent", "bias"),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


_CELL_ARGUMENTS = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
)


def _cell_value(name):
    def read(self):
        value = getattr(self.cell, name)
        if name in ("activation", "recurrent_activation"):
            try:
                return activations.serialize(value)
            except (ValueError, TypeError):
                return value
        return value

    return property(read, doc=f"The cell's {name}.")


class _ConvLSTM(RNN):
    """A ConvLSTM of ``rank`` spatial axes: inputs (batch, time, *spatial, channels) (channels
    after time for channels_first). The cell's weights are the layer's own (as in Keras's
    files, under ``cell``)."""

    NOT_TRACKED = RNN.NOT_TRACKED | {"cell"}
    rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        **kwargs,
    ):
        cell = ConvLSTMCell(
            self.rank,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            name="conv_lstm_cell",
            dtype=kwargs.get("dtype"),
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=self.rank + 3)

    def build(self, sequences_shape, initial_state_shape=None):
        super().build(sequences_shape, initial_state_shape)
        self.kernel = self.cell.kernel
        self.recurrent_kernel = self.cell.recurrent_kernel
        self.bias = self.cell.bias

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = self.cell.compute_output_shape((batch, *sequences_shape[2:]))[0][1:]
        output = (batch, steps, *state) if self.return_sequences else (batch, *state)
        if self.return_state:
            return [output, (batch, *state), (batch, *state)]
        return output

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype", "rank"):
            cell_config.pop(key, None)
        return {**config, **cell_config, **activity_config(self)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


for _argument in _CELL_ARGUMENTS:  # the cell's arguments, readable on the layer as in Keras
    setattr(_ConvLSTM, _argument, _cell_value(_argument))


class ConvLSTM1D(_ConvLSTM):
    """ConvLSTM over sequences of 1-D feature maps: (batch, time, length, channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.ConvLSTM1D(2, 3)(np.zeros((1, 4, 6, 3), "float32")).shape
    (1, 4, 2)
    """

    rank = 1


class ConvLSTM2D(_ConvLSTM):
    """ConvLSTM over sequences of images: (batch, time, height, width, channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.ConvLSTM2D(2, 3)(np.zeros((1, 4, 6, 6, 3), "float32")).shape
    (1, 4, 4, 2)
    """

    rank = 2


class ConvLSTM3D(_ConvLSTM):
    """ConvLSTM over sequences of volumes: (batch, time, depth, height, width, channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.ConvLSTM3D(2, 3, padding="same")(np.zeros((1, 2, 4, 4, 4, 1), "float32")).shape
    (1, 4, 4, 4, 2)
    """

    rank = 3
