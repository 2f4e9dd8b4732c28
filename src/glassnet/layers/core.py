"""Core layers: Dense, Activation, Dropout, Embedding, and the identity-like ones."""

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.backend import xp
from glassnet.layers.layer import InputSpec, Layer


class Dense(Layer):
    """output = activation(inputs @ kernel + bias).

    inputs: (batch, ..., input_dim); kernel: (input_dim, units); bias: (units,); output: (batch, ..., units).
    """

    def __init__(
        self,
        units,
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
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"Dense: units must be a positive integer, got {units!r}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense '{self.name}': the last dimension of the input must be known, got shape {input_shape}"
            )
        self.kernel = self.add_weight(
            (input_dim, self.units),
            self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = (
            self.add_weight(
                (self.units,),
                self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
            if self.use_bias
            else None
        )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})

    def call(self, inputs):
        return self.activation(ops.dense(inputs, self.kernel, self.bias))

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_options_config(self, "kernel", "bias"),
        }


def _activation_name(activation):
    try:
        return activations.serialize(activation)
    except ValueError:
        return None


_WEIGHT_OPTIONS = (
    ("initializer", initializers),
    ("regularizer", regularizers),
    ("constraint", constraints),
)


def weight_options_config(layer, *weights):
    """The serialized ``{w}_initializer``, ``{w}_regularizer`` and ``{w}_constraint`` of each weight
    name in ``weights`` (e.g. "kernel", "bias") that the layer has, None where unset, for get_config."""
    config = {}
    for weight in weights:
        for option, module in _WEIGHT_OPTIONS:
            key = f"{weight}_{option}"
            if hasattr(layer, key):
                value = getattr(layer, key)
                config[key] = None if value is None else module.serialize(module.get(value))
    return config


class Activation(Layer):
    """Applies an activation function by name ('relu') or callable."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the inputs while training (scaling the rest by 1/(1-rate)); identity in inference."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout: rate must be in [0, 1), got {rate}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed
        self._rng = None if seed is None else xp.random.default_rng(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return ops.dropout(inputs, self.rate, noise_shape=self.noise_shape, rng=self._rng)

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": self.noise_shape,
            "seed": self.seed,
        }


class Embedding(Layer):
    """Integer ids (batch, ...) -> vectors (batch, ..., output_dim), a lookup in ``embeddings`` (input_dim, output_dim).

    mask_zero=True: id 0 is padding; layers downstream that support masks skip it.
    """

    casts_integer_inputs = False

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.input_dim, self.output_dim, self.mask_zero = int(input_dim), int(output_dim), mask_zero
        name = "random_uniform" if embeddings_initializer == "uniform" else embeddings_initializer
        self.embeddings_initializer = initializers.get(name)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.supports_masking = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            (self.input_dim, self.output_dim),
            self.embeddings_initializer,
            name="embeddings",
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )

    def call(self, inputs):
        ids = inputs.data
        if ids.dtype.kind == "f":
            ids = ids.astype(xp.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            raise ValueError(
                f"Embedding '{self.name}': ids must lie in [0, {self.input_dim}) (input_dim), got values from {ids.min()} to {ids.max()}"
            )
        return ops.take(self.embeddings, ids, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return xp.asarray(getattr(inputs, "data", inputs)) != 0

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "mask_zero": self.mask_zero,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
        }


class Masking(Layer):
    """Mark timesteps whose features all equal ``mask_value`` as padding, for the layers after it."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def call(self, inputs):
        keep = xp.any(inputs.data != self.mask_value, axis=-1, keepdims=True)
        return ops.multiply(inputs, keep.astype(inputs.dtype))

    def compute_mask(self, inputs, mask=None):
        return xp.any(xp.asarray(getattr(inputs, "data", inputs)) != self.mask_value, axis=-1)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
