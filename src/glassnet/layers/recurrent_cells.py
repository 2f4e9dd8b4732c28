"""Recurrent cells: one time step of a recurrence, ``cell(inputs, states) -> (output, new_states)``,
with Keras's weights, arguments and configs. ``RNN(cell)`` runs any of them (or a user's cell)
over a sequence; SimpleRNN, LSTM and GRU hold one and run the fused sequence ops of
``ops/recurrent.py`` instead whenever they compute the same thing.

Dropout: a cell draws one input mask and one recurrent mask per sequence (``RNN`` resets them
before and after each sequence) and applies each to all gates, as the fused ops do, so the two
paths agree under the same masks.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> cell = layers.LSTMCell(3)
>>> h, (h_again, c) = cell(np.ones((2, 4), "float32"), [np.zeros((2, 3), "float32")] * 2)
>>> h.shape, c.shape, bool((h.data == h_again.data).all())
((2, 3), (2, 3), True)
"""

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.autograd.tensor import Tensor
from glassnet.backend import get_generator, xp
from glassnet.layers.core import weight_options_config
from glassnet.layers.layer import Layer, call_arguments
from glassnet.layers.serialization import deserialize_layer, serialize_layer


def activation_name(activation):
    """Keras's name of an activation function, or None for a custom callable.

    Args:
        activation: an activation function (or a name ``activations.serialize`` takes).

    Example:

    >>> from glassnet import activations
    >>> activation_name(activations.tanh), activation_name(lambda x: x)
    ('tanh', None)
    """
    try:
        return activations.serialize(activation)
    except (ValueError, TypeError):
        return None


class DropoutRNNCell:
    """Mixin: per-sequence dropout masks for a cell's inputs and recurrent state.

    A mask is drawn on first use and kept until ``reset_dropout_mask()`` /
    ``reset_recurrent_dropout_mask()``; values are 0 or 1 / (1 - rate).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> cell = layers.SimpleRNNCell(3, dropout=0.5, seed=0)
    >>> x = np.ones((1, 4), "float32")
    >>> cell.get_dropout_mask(x) is cell.get_dropout_mask(x)  # one mask per sequence
    True
    >>> sorted(set(cell.get_dropout_mask(x).ravel().tolist())) <= [0.0, 2.0]
    True
    >>> cell.reset_dropout_mask()
    """

    def _draw_mask(self, like, rate):
        shape = tuple(like.shape)
        rng = self._rng if getattr(self, "_rng", None) is not None else get_generator()
        keep = rng.random(shape) >= rate
        return (keep / (1.0 - rate)).astype(like.dtype)

    def get_dropout_mask(self, step_input):
        """The input mask of the current sequence (None without input dropout)."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._draw_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent-state mask of the current sequence (None without recurrent dropout)."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._draw_mask(step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        """Forget the input mask: the next sequence draws a new one."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forget the recurrent mask: the next sequence draws a new one."""
        self._recurrent_dropout_mask = None


class _Cell(DropoutRNNCell, Layer):
    """What the three Keras cells share: units, activations, the kernel/recurrent/bias options,
    dropout and seed."""

    gates = 1

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
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
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        where = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(f"{where}: units must be a positive integer, got {units!r}")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
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
        self.state_size = units
        self.output_size = units

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the feature axis of the input must be "
                f"known, got shape {tuple(input_shape)}"
            )
        width = self.gates * self.units
        self.kernel = self.add_weight(
            (features, width),
            self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            (self.units, width),
            self.recurrent_initializer,
            name="recurrent_kernel",
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = (
            self.add_weight(
                self._bias_shape(),
                self._bias_initializer(),
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )

    def _masked(self, inputs, h_prev, training):
        """The step's input and previous state after this sequence's dropout masks."""
        if training and 0 < self.dropout < 1:
            inputs = ops.multiply(inputs, self.get_dropout_mask(inputs))
        if training and 0 < self.recurrent_dropout < 1:
            h_prev = ops.multiply(h_prev, self.get_recurrent_dropout_mask(h_prev))
        return inputs, h_prev

    def get_initial_state(self, batch_size=None):
        """Zero states for ``batch_size`` sequences."""
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [Tensor(xp.zeros((batch_size, size), dtype=self.dtype)) for size in sizes]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_options_config(self, "kernel", "recurrent", "bias"),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


def _first_state(states):
    return states[0] if isinstance(states, (list, tuple)) else states


class SimpleRNNCell(_Cell):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias); output h_t.

    Args:
        units: size of the state.
        activation, use_bias, *_initializer, *_regularizer, *_constraint: as Keras.
        dropout, recurrent_dropout: fractions of the inputs / previous state dropped while
            training (one mask per sequence).
        seed: int for a generator of its own.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> cell = layers.SimpleRNNCell(4)
    >>> out, state = cell(np.ones((2, 3), "float32"), np.zeros((2, 4), "float32"))
    >>> out.shape
    (2, 4)
    """

    def __init__(self, units, activation="tanh", **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, **kwargs)

    def call(self, sequence, states, training=False):
        h_prev = _first_state(states)
        x, h_in = self._masked(sequence, h_prev, training)
        z = ops.matmul(x, self.kernel)
        if self.bias is not None:
            z = ops.add(z, self.bias)
        h = self.activation(ops.add(z, ops.matmul(h_in, self.recurrent_kernel)))
        return h, [h] if isinstance(states, (list, tuple)) else h


class LSTMCell(_Cell):
    """One LSTM step, Keras's gate order i, f, c, o: kernel (features, 4u), recurrent_kernel
    (u, 4u), bias (4u,); states [h, c]; unit_forget_bias starts the forget bias at 1.

        z = x @ kernel + h @ recurrent_kernel + bias; i, f, o = sigma(z_i, z_f, z_o)
        c' = f * c + i * act(z_c); h' = o * act(c')

    Args:
        units: size of the state (h and c).
        activation: the cell and output activation ("tanh" by default).
        recurrent_activation: the gates' activation ("sigmoid" by default).
        use_bias: whether the step adds a bias.
        kernel_initializer: initializer of the input kernel ("glorot_uniform").
        recurrent_initializer: initializer of the recurrent kernel ("orthogonal").
        bias_initializer: initializer of the bias ("zeros").
        unit_forget_bias: start the forget gate's bias at 1 (True by default).
        **kwargs: the regularizers, constraints, dropout, recurrent_dropout and seed as
            ``SimpleRNNCell`` takes them, and the base ``Layer`` arguments.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> cell = layers.LSTMCell(2)
    >>> _ = cell(np.ones((1, 3), "float32"), [np.zeros((1, 2), "float32")] * 2)
    >>> cell.bias.data.tolist()
    [0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """

    gates = 4

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(
            units,
            activation,
            recurrent_activation,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            **kwargs,
        )
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, units = self.bias_initializer, self.units

        def forget_gate_ones(shape, dtype=None):
            values = xp.array(base((units * 4,), dtype), copy=True)
            values[units : 2 * units] = 1
            return values

        return forget_gate_ones

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states[0], states[1]
        x, h_in = self._masked(inputs, h_prev, training)
        z = ops.add(ops.matmul(x, self.kernel), ops.matmul(h_in, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        u = self.units
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u : 2 * u])
        c = ops.add(ops.multiply(f, c_prev), ops.multiply(i, self.activation(z[:, 2 * u : 3 * u])))
        o = self.recurrent_activation(z[:, 3 * u :])
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRUCell(_Cell):
    """One GRU step, gates z, r, h: kernel (features, 3u), recurrent_kernel (u, 3u).

    reset_after=True (Keras's default): bias (2, 3u) = [input bias, recurrent bias] and
    hh = act(x_h + r * (h @ U_h + b_h)); reset_after=False: bias (3u,) and
    hh = act(x_h + (r * h) @ U_h). Then h' = z * h + (1 - z) * hh.

    Args:
        units: size of the state.
        activation: the candidate state's activation ("tanh" by default).
        recurrent_activation: the gates' activation ("sigmoid" by default).
        use_bias: whether the step adds biases.
        kernel_initializer: initializer of the input kernel ("glorot_uniform").
        recurrent_initializer: initializer of the recurrent kernel ("orthogonal").
        bias_initializer: initializer of the bias ("zeros").
        kernel_regularizer: penalty on the input kernel, or None.
        recurrent_regularizer: penalty on the recurrent kernel, or None.
        bias_regularizer: penalty on the bias, or None.
        kernel_constraint: constraint on the input kernel, or None.
        recurrent_constraint: constraint on the recurrent kernel, or None.
        bias_constraint: constraint on the bias, or None.
        dropout: fraction of the inputs dropped while training (one mask per sequence).
        recurrent_dropout: fraction of the previous state dropped while training.
        reset_after: apply the reset gate after the recurrent matmul (Keras's default, True).
        seed: an int for a generator of its own; None uses the shared one.
        **kwargs: the base ``Layer`` arguments.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> cell = layers.GRUCell(2, reset_after=False)
    >>> _ = cell(np.ones((1, 3), "float32"), np.zeros((1, 2), "float32"))
    >>> cell.bias.shape
    (6,)
    """

    gates = 3

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        reset_after=True,
        seed=None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation,
            recurrent_activation,
            use_bias,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
            kernel_regularizer,
            recurrent_regularizer,
            bias_regularizer,
            kernel_constraint,
            recurrent_constraint,
            bias_constraint,
            dropout,
            recurrent_dropout,
            seed,
            **kwargs,
        )
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=False):
        h_prev = _first_state(states)
        x, h_in = self._masked(inputs, h_prev, training)
        u = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            input_bias, recurrent_bias = (
                (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
            )
        x_all = ops.matmul(x, self.kernel)
        if input_bias is not None:
            x_all = ops.add(x_all, input_bias)
        if self.reset_after:
            rec = ops.matmul(h_in, self.recurrent_kernel)
            if recurrent_bias is not None:
                rec = ops.add(rec, recurrent_bias)
        else:
            rec = ops.matmul(h_in, self.recurrent_kernel[:, : 2 * u])
        z = self.recurrent_activation(ops.add(x_all[:, :u], rec[:, :u]))
        r = self.recurrent_activation(ops.add(x_all[:, u : 2 * u], rec[:, u : 2 * u]))
        if self.reset_after:
            recurrent_h = ops.multiply(r, rec[:, 2 * u :])
        else:
            recurrent_h = ops.matmul(ops.multiply(r, h_in), self.recurrent_kernel[:, 2 * u :])
        hh = self.activation(ops.add(x_all[:, 2 * u :], recurrent_h))
        h = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), hh))
        return h, [h] if isinstance(states, (list, tuple)) else h

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }


def cell_output_size(cell):
    """The size of a cell's output: ``output_size``, else its (first) state size.

    Args:
        cell: an RNN cell (a layer or any object with ``state_size``).

    Example:

    >>> from glassnet import layers
    >>> cell_output_size(layers.LSTMCell(3))
    3
    """
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, (list, tuple)) else state_size


def call_cell(cell, inputs, states, training):
    """``cell(inputs, states)`` with ``training=`` when its call takes it; states always a list.

    Args:
        cell: an RNN cell.
        inputs: the step's input, (batch, features).
        states: the cell's states, a list.
        training: the training flag, passed on when the cell's call takes it.

    Returns:
        (output, new_states).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> x, h = np.ones((1, 3), "float32"), np.zeros((1, 2), "float32")
    >>> output, states = call_cell(layers.SimpleRNNCell(2), x, [h], training=False)
    >>> output.shape, len(states)
    ((1, 2), 1)
    """
    takes_training = isinstance(cell, Layer) and "training" in call_arguments(type(cell))
    kwargs = {"training": training} if takes_training else {}
    output, new_states = cell(inputs, states, **kwargs)
    return output, new_states


class StackedRNNCells(Layer):
    """Several cells run as one: each step feeds the output of a cell to the next; the states
    are a list with one entry (a tensor or a list) per cell.

    Args:
        cells: the cells, first to last.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> stack = layers.StackedRNNCells([layers.SimpleRNNCell(4), layers.LSTMCell(2)])
    >>> stack.state_size, stack.output_size
    ([4, [2, 2]], 2)
    >>> layers.RNN(stack)(np.ones((3, 5, 6), "float32")).shape
    (3, 2)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError(
                    f"StackedRNNCells: every cell needs a call method and a state_size, got "
                    f"{cell!r}"
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        """One entry per cell: its state_size."""
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        """The last cell's output size."""
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        """Zero states, one entry per cell (a tensor or a list of tensors)."""
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                states.append(make(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(Tensor(xp.zeros((batch_size, cell.state_size), dtype=self.dtype)))
            else:
                states.append(
                    [Tensor(xp.zeros((batch_size, s), dtype=self.dtype)) for s in cell.state_size]
                )
        return states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell._maybe_build(shape)
            shape = (shape[0], cell_output_size(cell))

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_list = isinstance(cell_states, (list, tuple))
            listed = list(cell_states) if was_list else [cell_states]
            inputs, produced = call_cell(cell, inputs, listed, training)
            produced = list(produced) if isinstance(produced, (list, tuple)) else [produced]
            new_states.append(produced if was_list or len(produced) > 1 else produced[0])
        return inputs, new_states

    def reset_dropout_masks(self):
        """Reset the dropout masks of every cell."""
        for cell in self.cells:
            reset_dropout_masks(cell)

    def get_config(self):
        return {**super().get_config(), "cells": [serialize_layer(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def reset_dropout_masks(cell):
    """Forget a cell's (or a stack's) per-sequence dropout masks.

    Args:
        cell: a cell, a ``StackedRNNCells``, or any other cell (left alone).

    Example:

    >>> from glassnet import layers
    >>> reset_dropout_masks(layers.GRUCell(2, dropout=0.2))
    """
    if isinstance(cell, DropoutRNNCell):
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    if isinstance(cell, StackedRNNCells):
        cell.reset_dropout_masks()
