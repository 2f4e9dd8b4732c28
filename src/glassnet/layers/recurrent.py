"""Recurrent layers: ``RNN(cell)`` runs any cell over a sequence; SimpleRNN, LSTM and GRU are RNNs
over Keras's cells that take the fused sequence ops of ``ops/recurrent.py`` (backpropagation
through time written there) whenever they compute what the cell would.

The generic path is a Python loop over the time steps, calling ``cell(x_t, states)`` through the
tape, so a user's cell (a Layer with ``state_size`` and ``call(inputs, states)``) trains like a
built-in one. Masks (from ``Embedding(mask_zero=True)`` or ``Masking``) carry the states over
padded steps; ``go_backwards`` reads the sequence from the end; ``stateful=True`` keeps the final
states of each batch as the initial states of the next (``reset_states()`` zeroes them).

inputs (batch, timesteps, features); the LSTM/GRU/SimpleRNN weights live in their cell, in
Keras's layout: kernel (features, gates * units), recurrent_kernel (units, gates * units).

Example:

>>> import numpy as np
>>> from glassnet import layers, ops
>>> class MinimalRNNCell(layers.Layer):
...     def __init__(self, units, **kwargs):
...         super().__init__(**kwargs)
...         self.units, self.state_size = units, units
...     def build(self, input_shape):
...         self.kernel = self.add_weight((input_shape[-1], self.units), name="kernel")
...     def call(self, inputs, states):
...         h = ops.add(ops.matmul(inputs, self.kernel), states[0])
...         return h, [h]
>>> layers.RNN(MinimalRNNCell(4), return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
(2, 5, 4)
"""

from glassnet import ops
from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.autograd.tensor import Tensor
from glassnet.autograd.variable import Variable
from glassnet.backend import xp
from glassnet.layers.core import activity_config
from glassnet.layers.layer import InputSpec, Layer
from glassnet.layers.recurrent_cells import (
    GRUCell,
    LSTMCell,
    SimpleRNNCell,
    StackedRNNCells,
    activation_name,
    call_cell,
    cell_output_size,
    reset_dropout_masks,
)
from glassnet.layers.serialization import deserialize_layer, serialize_layer
from glassnet.ops.recurrent import activation_pair


def _flatten(states):
    """The tensors of a (nested) state structure, in order."""
    if isinstance(states, (list, tuple)):
        return [t for s in states for t in _flatten(s)]
    return [states]


def _pack(structure, flat):
    """``flat`` (an iterator of tensors) in the nesting of ``structure``."""
    if isinstance(structure, (list, tuple)):
        return [_pack(s, flat) for s in structure]
    return next(flat)


def _state_mask(mask_t, tensor):
    """(N,) bool -> (N, 1, ...) broadcasting against ``tensor``."""
    return mask_t.reshape((mask_t.shape[0],) + (1,) * (tensor.ndim - 1))


class RNN(Layer):
    """Runs a recurrent cell over the time axis of (batch, timesteps, ...) inputs.

    Args:
        cell: a Layer with ``state_size`` (int or list, one per state) and
            ``call(inputs, states) -> (output, new_states)``; optionally ``output_size`` and
            ``get_initial_state(batch_size)``. A list of cells is stacked (StackedRNNCells).
        return_sequences: return the output of every step (batch, timesteps, output_size)
            instead of the last (batch, output_size).
        return_state: also return the final states: ``[output, *states]``.
        go_backwards: process the sequence from its end (outputs come in that order).
        stateful: carry the final states of a batch over as the initial states of the next one;
            the batch size must be fixed (``Input(batch_shape=...)`` or the first call).
        unroll: accepted for Keras compatibility (the loop is a Python loop either way).
        zero_output_for_mask: masked steps output zeros instead of repeating the last output.

    Call arguments: ``sequences``, ``initial_state`` (a list of tensors, one per state),
    ``mask`` (batch, timesteps) bool, ``training``.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> rnn = layers.RNN(layers.GRUCell(4), return_state=True)
    >>> output, state = rnn(np.ones((2, 5, 3), "float32"))
    >>> output.shape, bool((output.data == state.data).all())
    ((2, 4), True)
    """

    NOT_TRACKED = Layer.NOT_TRACKED | {"states"}

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError(f"RNN: the cell needs a call(inputs, states) method, got {cell!r}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None or not isinstance(state_size, (int, list, tuple)):
            raise ValueError(
                f"RNN: the cell needs a state_size attribute (an int, or a list with one int "
                f"per state), got {state_size!r} from {type(cell).__name__}"
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self.states = None
        self._expected_batch_size = None

    @property
    def state_size(self):
        """The cell's state sizes as a list (one entry per state)."""
        size = self.cell.state_size
        return [size] if isinstance(size, int) else list(size)

    @property
    def trainable(self):
        """Whether training updates the layer's (and its cell's) weights."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        Layer.trainable.fset(self, value)
        if isinstance(self.cell, Layer):
            self.cell.trainable = value

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) < 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected input (batch, timesteps, "
                f"features), got shape {tuple(sequences_shape)}"
            )
        step_shape = (sequences_shape[0], *sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._maybe_build(step_shape)
            for variable in self.cell.weights:  # Keras's paths: "lstm/lstm_cell/kernel"
                if not variable.path.startswith(f"{self.name}/"):
                    variable.path = f"{self.name}/{variable.path}"
        if self.stateful:
            batch = sequences_shape[0]
            if batch is None:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': a stateful RNN needs a fixed batch "
                    f"size, got input shape {tuple(sequences_shape)}; give the model "
                    f"Input(batch_shape=(batch, timesteps, features))"
                )
            self.states = [
                Variable(s.data, trainable=False, name="rnn_state")
                for s in _flatten(self.get_initial_state(batch))
            ]
            self._expected_batch_size = batch

    def get_initial_state(self, batch_size):
        """Zero states for ``batch_size`` sequences (the cell's own when it defines them)."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [Tensor(xp.zeros((batch_size, size), dtype=self.dtype)) for size in self.state_size]

    def reset_states(self):
        """Zero the carried states of a stateful RNN (nothing for a stateless one)."""
        self.reset_state()

    def reset_state(self):
        """The same as ``reset_states``."""
        for variable in self.states or ():
            variable.assign(xp.zeros_like(variable.data))

    # -- the loop ------------------------------------------------------------------------------
    def inner_loop(self, sequences, initial_state, mask, training=None):
        """Run the cell over every step -> (last output, outputs (batch, T, ...) or None when
        not returning sequences, final states in the structure of ``initial_state``)."""
        states = initial_state
        flat_states = _flatten(states)
        outputs, previous = [], None
        for t in range(sequences.shape[1]):
            output, new_states = call_cell(self.cell, sequences[:, t], states, training)
            if not isinstance(new_states, (list, tuple)):
                new_states = [new_states]
            new_flat = _flatten(new_states)
            if mask is not None:  # padded steps keep the states and repeat (or zero) the output
                keep = mask[:, t]
                new_flat = [
                    ops.where(_state_mask(keep, new), new, old)
                    for new, old in zip(new_flat, flat_states)
                ]
                if previous is None:
                    first = flat_states[0] if flat_states else None
                    same = first is not None and tuple(first.shape) == tuple(output.shape)
                    previous = first if same else Tensor(xp.zeros(output.shape, output.dtype))
                fill = (
                    Tensor(xp.zeros(output.shape, output.dtype))
                    if self.zero_output_for_mask
                    else previous
                )
                output = ops.where(_state_mask(keep, output), output, fill)
            flat_states = new_flat
            states = _pack(new_states, iter(new_flat))
            previous = output
            outputs.append(output)
        sequence = ops.stack(outputs, axis=1) if self.return_sequences else None
        return previous, sequence, states

    def _initial_state(self, sequences, initial_state):
        batch = sequences.shape[0]
        if initial_state is None:
            if self.stateful:
                if self.states is None:
                    self.build(tuple(sequences.shape))
                flat = [Tensor(v.data.copy()) for v in self.states]
                return _pack(self.get_initial_state(batch), iter(flat))
            return self.get_initial_state(batch)
        states = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
        flat = [
            s if isinstance(s, Tensor) else Tensor(xp.asarray(s, dtype=sequences.dtype))
            for s in _flatten(list(states))
        ]
        expected = len(_flatten(self.get_initial_state(batch)))
        if len(flat) != expected:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': initial_state needs {expected} tensor(s), "
                f"got {len(flat)}"
            )
        return _pack(list(states), iter(flat))

    def call(self, sequences, initial_state=None, mask=None, training=None):
        where = f"{type(self).__name__} '{self.name}'"
        if sequences.ndim < 3:
            raise ValueError(
                f"{where} expected input (batch, timesteps, features), got shape {sequences.shape}"
            )
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        mask = None if mask is None else xp.asarray(getattr(mask, "data", mask), dtype=bool)
        if (
            self.stateful
            and self._expected_batch_size is not None
            and sequences.shape[0] != self._expected_batch_size
        ):
            raise ValueError(
                f"{where} is stateful: the batch size of the input sequences must be the one of "
                f"its states, {self._expected_batch_size}; got {sequences.shape[0]} (call "
                f"reset_states() does not change it; rebuild the layer for another batch size)"
            )
        states = self._initial_state(sequences, initial_state)
        if self.go_backwards:
            sequences = sequences[:, ::-1]
            mask = None if mask is None else mask[:, ::-1]
        reset_dropout_masks(self.cell)
        try:
            last, outputs, states = self.inner_loop(sequences, states, mask, training)
        finally:
            reset_dropout_masks(self.cell)
        if self.stateful:
            for variable, value in zip(self.states, _flatten(states)):
                variable.assign(value.data)
        output = outputs if self.return_sequences else last
        if self.return_state:
            return [output, *states]
        return output

    # -- shapes, masks, config -------------------------------------------------------------------
    def _step_output_shape(self, sequences_shape):
        """(batch, ...) of one step's output (the cell's output_size)."""
        size = cell_output_size(self.cell)
        return (sequences_shape[0], size)

    def _state_shapes(self, sequences_shape):
        batch = sequences_shape[0]

        def shapes(size):
            if isinstance(size, (list, tuple)):
                return [shapes(s) for s in size]
            return (batch, size)

        return [shapes(size) for size in self.state_size]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        step = self._step_output_shape(sequences_shape)
        output = (step[0], sequences_shape[1], *step[1:]) if self.return_sequences else step
        if self.return_state:
            return [output, *self._state_shapes(sequences_shape)]
        return output

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        if not isinstance(sequences, SymbolicTensor):
            return super().compute_output_spec(sequences, initial_state, mask=mask)
        shapes = self.compute_output_shape(tuple(sequences.shape))

        def spec(shape):
            if isinstance(shape, list):
                return [spec(s) for s in shape]
            return SymbolicTensor(shape, self.dtype)

        return spec(shapes)

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            mask = xp.asarray(getattr(mask, "data", mask), dtype=bool)
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(_flatten(self.state_size))
        return output_mask

    def get_config(self):
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_layer(self.cell),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def _cell_property(name, doc):
    return property(lambda self: getattr(self.cell, name), doc=doc)


def _named_activation(name):
    def read(self):
        function = getattr(self.cell, name)
        found = activation_name(function)
        return found if found is not None else function

    return property(read, doc=f"The cell's {name}, by name when it has one ('tanh').")


class _BuiltinRNN(RNN):
    """SimpleRNN, LSTM and GRU: an RNN over their own Keras cell, with the cell's arguments as
    their own and the fused op as the fast path.

    The cell's variables are also attributes of the layer (``layer.kernel``) and the cell is not
    tracked as a sublayer, so the weights are the layer's own, as Keras's files keep them (one
    group under ``cell``), each counted once.
    """

    NOT_TRACKED = RNN.NOT_TRACKED | {"cell"}
    cell_class = None
    cell_name = None

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            zero_output_for_mask=zero_output_for_mask,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=3)

    def build(self, sequences_shape, initial_state_shape=None):
        super().build(sequences_shape, initial_state_shape)
        self.kernel = self.cell.kernel
        self.recurrent_kernel = self.cell.recurrent_kernel
        self.bias = self.cell.bias
        self.input_spec = InputSpec(ndim=3, axes={-1: sequences_shape[-1]})

    def _fusable(self):
        """(activation, recurrent_activation) names when the fused op computes the cell."""
        if type(self.cell) is not self.cell_class:
            return None
        cell = self.cell
        names = (activation_name(cell.activation), activation_name(cell.recurrent_activation))
        try:
            for name in names:
                activation_pair(name, type(self).__name__)
        except (ValueError, TypeError):
            return None
        return names

    def _dropped(self, sequences, h0, training):
        """Inputs after the cell's input mask and the recurrent mask (or None) for the fused op,
        the same masks the cell's own call would use."""
        cell = self.cell
        if training and 0 < cell.dropout < 1:
            mask = cell.get_dropout_mask(sequences[:, 0])
            sequences = ops.multiply(sequences, mask[:, None, :])
        recurrent = None
        if training and 0 < cell.recurrent_dropout < 1:
            recurrent = cell.get_recurrent_dropout_mask(h0)
        return sequences, recurrent

    def _finish(self, sequence, last, mask, states):
        """(last output, outputs, states) with zero_output_for_mask applied as the loop does."""
        if mask is not None and self.zero_output_for_mask:
            sequence = ops.multiply(sequence, mask[:, :, None].astype(sequence.dtype))
            last = ops.multiply(last, mask[:, -1:].astype(last.dtype))
        return last, sequence if self.return_sequences else None, states

    units = _cell_property("units", "Number of units of the cell.")
    activation = _named_activation("activation")
    use_bias = _cell_property("use_bias", "Whether the cell has a bias.")
    dropout = _cell_property("dropout", "Fraction of the inputs dropped while training.")
    recurrent_dropout = _cell_property(
        "recurrent_dropout", "Fraction of the recurrent state dropped while training."
    )
    seed = _cell_property("seed", "The cell's seed.")
    kernel_initializer = _cell_property("kernel_initializer", "The cell's kernel_initializer.")
    recurrent_initializer = _cell_property(
        "recurrent_initializer", "The cell's recurrent_initializer."
    )
    bias_initializer = _cell_property("bias_initializer", "The cell's bias_initializer.")
    kernel_regularizer = _cell_property("kernel_regularizer", "The cell's kernel_regularizer.")
    recurrent_regularizer = _cell_property(
        "recurrent_regularizer", "The cell's recurrent_regularizer."
    )
    bias_regularizer = _cell_property("bias_regularizer", "The cell's bias_regularizer.")
    kernel_constraint = _cell_property("kernel_constraint", "The cell's kernel_constraint.")
    recurrent_constraint = _cell_property(
        "recurrent_constraint", "The cell's recurrent_constraint."
    )
    bias_constraint = _cell_property("bias_constraint", "The cell's bias_constraint.")

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config, **activity_config(self)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def _cell_kwargs(kwargs):
    """The layer's dtype and trainable flag, which the cell takes too."""
    return {"dtype": kwargs.get("dtype"), "trainable": kwargs.get("trainable", True)}


_RNN_ARGUMENTS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
)


def _split(kwargs):
    """(RNN arguments, Layer arguments) from a built-in recurrent layer's keyword arguments."""
    rnn = {key: kwargs.pop(key) for key in _RNN_ARGUMENTS if key in kwargs}
    kwargs.pop("use_cudnn", None)
    kwargs.pop("implementation", None)
    kwargs.pop("time_major", None)
    return rnn, kwargs


class SimpleRNN(_BuiltinRNN):
    """Fully connected RNN: h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias).

    Args:
        units: size of the state and output.
        activation, use_bias, *_initializer, *_regularizer, *_constraint, dropout,
            recurrent_dropout, seed: the cell's (SimpleRNNCell).
        return_sequences, return_state, go_backwards, stateful, unroll: as RNN.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.SimpleRNN(4, return_sequences=True)(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 4)
    """

    cell_class = SimpleRNNCell

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
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
        **kwargs,
    ):
        rnn, kwargs = _split(kwargs)
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            name="simple_rnn_cell",
            **_cell_kwargs(kwargs),
        )
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn, **kwargs)

    def inner_loop(self, sequences, initial_state, mask, training=None):
        names = self._fusable()
        if names is None:
            return super().inner_loop(sequences, initial_state, mask, training)
        h0 = _flatten(initial_state)[0]
        x, recurrent = self._dropped(sequences, h0, training)
        projected = ops.matmul(x, self.cell.kernel)
        if self.cell.bias is not None:
            projected = ops.add(projected, self.cell.bias)
        sequence = ops.simple_rnn(
            projected, self.cell.recurrent_kernel, h0, mask, recurrent, names[0]
        )
        last = sequence[:, -1]
        return self._finish(sequence, last, mask, [last])

    def _fusable(self):
        if type(self.cell) is not SimpleRNNCell:
            return None
        name = activation_name(self.cell.activation)
        try:
            activation_pair(name, "SimpleRNN")
        except (ValueError, TypeError):
            return None
        return (name,)


class LSTM(_BuiltinRNN):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997) over LSTMCell: kernel (features,
    4 * units) and recurrent_kernel (units, 4 * units) with gates i, f, c, o; bias (4 * units);
    unit_forget_bias=True starts the forget-gate bias at 1.

    Args:
        units: size of the state and output.
        activation, recurrent_activation, use_bias, unit_forget_bias, *_initializer,
            *_regularizer, *_constraint, dropout, recurrent_dropout, seed: the cell's.
        return_sequences, return_state, go_backwards, stateful, unroll: as RNN.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> output, h, c = layers.LSTM(4, return_state=True)(np.ones((2, 5, 3), "float32"))
    >>> output.shape, bool((output.data == h.data).all())
    ((2, 4), True)
    """

    cell_class = LSTMCell

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
        **kwargs,
    ):
        rnn, kwargs = _split(kwargs)
        cell = LSTMCell(
            units,
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
            name="lstm_cell",
            **_cell_kwargs(kwargs),
        )
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn, **kwargs)

    recurrent_activation = _named_activation("recurrent_activation")
    unit_forget_bias = _cell_property("unit_forget_bias", "Whether the forget bias starts at 1.")

    def inner_loop(self, sequences, initial_state, mask, training=None):
        names = self._fusable()
        if names is None:
            return super().inner_loop(sequences, initial_state, mask, training)
        h0, c0 = _flatten(initial_state)
        x, recurrent = self._dropped(sequences, h0, training)
        cell = self.cell
        packed = ops.lstm(
            x,
            cell.kernel,
            cell.recurrent_kernel,
            cell.bias,
            h0,
            c0,
            mask,
            recurrent,
            names[0],
            names[1],
        )
        u = cell.units
        h_last, c_last = packed[:, -1, :u], packed[:, -1, u:]
        return self._finish(packed[:, :, :u], h_last, mask, [h_last, c_last])


class GRU(_BuiltinRNN):
    """Gated recurrent unit (Cho et al., 2014) over GRUCell: kernel (features, 3 * units),
    recurrent_kernel (units, 3 * units), gates z, r, h. reset_after=True (Keras's default):
    bias (2, 3 * units) = [input bias, recurrent bias]; reset_after=False: bias (3 * units,).

    Args:
        units: size of the state and output.
        activation, recurrent_activation, use_bias, reset_after, *_initializer,
            *_regularizer, *_constraint, dropout, recurrent_dropout, seed: the cell's.
        return_sequences, return_state, go_backwards, stateful, unroll: as RNN.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> gru = layers.GRU(4)
    >>> gru(np.ones((2, 5, 3), "float32")).shape, gru.bias.shape
    ((2, 4), (2, 12))
    """

    cell_class = GRUCell

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
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        reset_after=True,
        **kwargs,
    ):
        rnn, kwargs = _split(kwargs)
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            reset_after=reset_after,
            seed=seed,
            name="gru_cell",
            **_cell_kwargs(kwargs),
        )
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn, **kwargs)

    recurrent_activation = _named_activation("recurrent_activation")
    reset_after = _cell_property("reset_after", "Which GRU formulation the cell computes.")

    def inner_loop(self, sequences, initial_state, mask, training=None):
        names = self._fusable()
        if names is None or not self.cell.reset_after:
            return super().inner_loop(sequences, initial_state, mask, training)
        cell = self.cell
        h0 = _flatten(initial_state)[0]
        x, recurrent = self._dropped(sequences, h0, training)
        projected = ops.matmul(x, cell.kernel)
        if cell.bias is not None:
            projected = ops.add(projected, cell.bias[0])
            recurrent_bias = cell.bias[1]
        else:
            recurrent_bias = Tensor(xp.zeros(3 * cell.units, dtype=projected.dtype))
        sequence = ops.gru(
            projected,
            cell.recurrent_kernel,
            recurrent_bias,
            h0,
            mask,
            recurrent,
            names[0],
            names[1],
        )
        last = sequence[:, -1]
        return self._finish(sequence, last, mask, [last])
