"""SimpleRNN, LSTM and GRU with Keras's weights, arguments and outputs, on the fused sequence ops.

inputs (batch, timesteps, features); kernel (features, gates * units). SimpleRNN and GRU project every
timestep in one GEMM and run the recurrence in ``ops.simple_rnn`` / ``ops.gru``; LSTM hands inputs and
weights to ``ops.lstm``, which stacks them into one GEMM per step (BPTT written there for all three).
"""

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.autograd.tensor import Tensor
from glassnet.backend import get_generator, xp
from glassnet.layers.core import weight_options_config
from glassnet.layers.layer import InputSpec, Layer


def _activation_name(activation, where):
    return activations.serialize(activations.get(activation))


class _Recurrent(Layer):
    gates = 1
    state_count = 1

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
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        seed=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"{where}: units must be a positive integer, got {units!r}")
        if stateful:
            raise ValueError(
                f"{where}: stateful=True is not supported; pass the previous final states as initial_state instead"
            )
        for name, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0 <= rate < 1:
                raise ValueError(f"{where}: {name} must be in [0, 1), got {rate}")
        self.units = units
        self.activation = _activation_name(activation, where)
        self.recurrent_activation = _activation_name(recurrent_activation, where)
        ops.recurrent.activation_pair(self.activation, where)
        ops.recurrent.activation_pair(self.recurrent_activation, where)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer, self.recurrent_regularizer = (
            regularizers.get(kernel_regularizer),
            regularizers.get(recurrent_regularizer),
        )
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint, self.recurrent_constraint = (
            constraints.get(kernel_constraint),
            constraints.get(recurrent_constraint),
        )
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state, self.go_backwards = (
            return_sequences,
            return_state,
            go_backwards,
        )
        self.zero_output_for_mask = zero_output_for_mask
        self.seed = seed
        self._rng = None if seed is None else xp.random.default_rng(seed)
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        features = input_shape[-1]
        if features is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the feature axis of the input must be known, got shape {input_shape}"
            )
        self.kernel = self.add_weight(
            (features, self.gates * self.units),
            self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            (self.units, self.gates * self.units),
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
        self.input_spec = InputSpec(ndim=3, axes={-1: features})

    def _rng_or_shared(self):
        return self._rng if self._rng is not None else get_generator()

    def _initial_states(self, inputs, initial_state):
        n = inputs.shape[0]
        if initial_state is None:
            return [
                Tensor(xp.zeros((n, self.units), dtype=inputs.dtype))
                for _ in range(self.state_count)
            ]
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        if len(states) != self.state_count:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': initial_state needs {self.state_count} tensor(s), got {len(states)}"
            )
        return [
            s if isinstance(s, Tensor) else Tensor(xp.asarray(s, dtype=inputs.dtype))
            for s in states
        ]

    def project(self, inputs):
        """inputs @ kernel (+ input bias) for all timesteps at once: (N, T, gates * units)."""
        x = ops.matmul(inputs, self.kernel)
        return ops.add(x, self.bias) if self.bias is not None else x

    def run(self, inputs, states, mask, recurrent_mask):
        """-> (sequence of states (N, T, u), final states list)."""
        return self.recur(self.project(inputs), states, mask, recurrent_mask)

    def recur(self, x_proj, states, mask, recurrent_mask):
        """-> (sequence of states (N, T, u), final states list), from the projected inputs."""
        raise NotImplementedError

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if inputs.ndim != 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected input (batch, timesteps, features), got shape {inputs.shape}"
            )
        mask = None if mask is None else xp.asarray(getattr(mask, "data", mask), dtype=bool)
        x = inputs
        if self.go_backwards:
            x = x[:, ::-1]
            mask = None if mask is None else mask[:, ::-1]
        if training and self.dropout:
            x = ops.dropout(
                x, self.dropout, noise_shape=(x.shape[0], 1, x.shape[2]), rng=self._rng_or_shared()
            )
        recurrent_mask = None
        if training and self.recurrent_dropout:
            keep = (
                self._rng_or_shared().random((x.shape[0], self.units), dtype=xp.float32)
                >= self.recurrent_dropout
            )
            recurrent_mask = (keep / (1 - self.recurrent_dropout)).astype(x.dtype)
        states = self._initial_states(x, initial_state)
        sequence, final_states = self.run(x, states, mask, recurrent_mask)
        if self.return_sequences:
            output = sequence
            if mask is not None and self.zero_output_for_mask:
                output = ops.multiply(output, mask[:, :, None].astype(output.dtype))
        else:
            output = final_states[0]
        if self.return_state:
            return [output, *final_states]
        return output

    def compute_mask(self, inputs, mask=None):
        if mask is None or not self.return_sequences:
            return None
        mask = xp.asarray(getattr(mask, "data", mask), dtype=bool)
        return mask[:, ::-1] if self.go_backwards else mask

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            **weight_options_config(self, "kernel", "recurrent", "bias"),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "zero_output_for_mask": self.zero_output_for_mask,
            "seed": self.seed,
        }


class SimpleRNN(_Recurrent):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)."""

    gates = 1

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def recur(self, x_proj, states, mask, recurrent_mask):
        sequence = ops.simple_rnn(
            x_proj, self.recurrent_kernel, states[0], mask, recurrent_mask, self.activation
        )
        return sequence, [sequence[:, -1]]


class LSTM(_Recurrent):
    """Long short-term memory. Weights as in Keras: kernel (features, 4 * units) and recurrent_kernel
    (units, 4 * units) with gates in the order i, f, c, o; bias (4 * units). unit_forget_bias=True
    starts the forget-gate bias at 1."""

    gates = 4
    state_count = 2

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation, **kwargs
        )
        self.unit_forget_bias = unit_forget_bias

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, units = self.bias_initializer, self.units

        def forget_gate_ones(shape, dtype=None):
            values = base((units * 4,), dtype)
            values[units : 2 * units] = 1
            return values

        return forget_gate_ones

    def run(self, inputs, states, mask, recurrent_mask):
        packed = ops.lstm(
            inputs,
            self.kernel,
            self.recurrent_kernel,
            self.bias,
            states[0],
            states[1],
            mask,
            recurrent_mask,
            self.activation,
            self.recurrent_activation,
        )
        u = self.units
        return packed[:, :, :u], [packed[:, -1, :u], packed[:, -1, u:]]

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation,
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRU(_Recurrent):
    """Gated recurrent unit in Keras's default reset_after=True form: kernel (features, 3 * units) and
    recurrent_kernel (units, 3 * units), gates z, r, h; bias (2, 3 * units) = [input bias, recurrent bias]."""

    gates = 3

    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs
    ):
        if not reset_after:
            raise ValueError("GRU: only reset_after=True (Keras's default) is supported")
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation, **kwargs
        )
        self.reset_after = True

    def _bias_shape(self):
        return (2, 3 * self.units)

    def project(self, inputs):
        x = ops.matmul(inputs, self.kernel)
        return ops.add(x, self.bias[0]) if self.bias is not None else x

    def recur(self, x_proj, states, mask, recurrent_mask):
        recurrent_bias = (
            self.bias[1]
            if self.bias is not None
            else Tensor(xp.zeros(3 * self.units, dtype=x_proj.dtype))
        )
        sequence = ops.gru(
            x_proj,
            self.recurrent_kernel,
            recurrent_bias,
            states[0],
            mask,
            recurrent_mask,
            self.activation,
            self.recurrent_activation,
        )
        return sequence, [sequence[:, -1]]

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation,
            "reset_after": True,
        }
