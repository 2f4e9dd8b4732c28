"""Core layers: Dense, Activation, Dropout, Embedding and ReversibleEmbedding, Masking, and the
ones that run other code or nothing: Lambda and Identity.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> layers.Lambda(lambda x: x * 2.0)(np.array([1.0, 2.0])).data.tolist()
[2.0, 4.0]
"""

import inspect

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.backend import config as backend_config
from glassnet.backend import registry, xp
from glassnet.layers.layer import InputSpec, Layer


class Dense(Layer):
    """Densely connected layer: output = activation(inputs @ kernel + bias).

    inputs (batch, ..., input_dim); kernel (input_dim, units); bias (units,); output
    (batch, ..., units).

    Args:
        units: size of the output.
        activation: name or callable (None: linear).
        use_bias: whether to add a bias.
        kernel_*, bias_*: initializers, regularizers and constraints of the weights.
        quantization_config: Keras's quantization option; only None is supported.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Dense(2, kernel_initializer="ones")(np.array([[1.0, 2.0]])).data.tolist()
    [[3.0, 3.0]]
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
        quantization_config=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if quantization_config is not None:
            raise ValueError("Dense: quantization (quantization_config) is not supported")
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
                f"Dense '{self.name}': the last dimension of the input must be known, got shape "
                f"{input_shape}"
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
            "quantization_config": None,
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


def activity_config(layer):
    """``{"activity_regularizer": ...}`` as Keras writes it (None when unset), for get_config.

    Args:
        layer: a layer with an ``activity_regularizer`` attribute.

    Example:

    >>> from glassnet import layers
    >>> activity_config(layers.Dense(2))
    {'activity_regularizer': None}
    """
    regularizer = layer.activity_regularizer
    return {
        "activity_regularizer": None if regularizer is None else regularizers.serialize(regularizer)
    }


def weight_options_config(layer, *weights):
    """The serialized ``{w}_initializer``, ``{w}_regularizer`` and ``{w}_constraint`` of each weight
    name in ``weights`` (e.g. "kernel", "bias") that the layer has, None where unset, for
    get_config.

    Args:
        layer: the layer whose ``{w}_initializer``/``_regularizer``/``_constraint`` attributes
            are read.
        *weights: weight names, e.g. "kernel", "bias".

    Example:

    >>> from glassnet import layers
    >>> config = weight_options_config(layers.Dense(2), "bias")
    >>> config["bias_initializer"]["class_name"], config["bias_regularizer"]
    ('Zeros', None)
    """
    config = {}
    for weight in weights:
        for option, module in _WEIGHT_OPTIONS:
            key = f"{weight}_{option}"
            if hasattr(layer, key):
                value = getattr(layer, key)
                config[key] = None if value is None else module.serialize(module.get(value))
    return config


class Activation(Layer):
    """Applies an activation function by name ('relu') or callable.

    Args:
        activation: the function.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Activation("relu")(np.array([-1.0, 2.0])).data.tolist()
    [0.0, 2.0]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the inputs while training (scaling the rest by 1/(1-rate));
    identity in inference.

    Args:
        rate: fraction dropped, in [0, 1).
        noise_shape: shape of the keep mask (None entries take the input's size).
        seed: int for a generator of its own.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Dropout(0.5)(np.ones(3)).data.tolist()
    [1.0, 1.0, 1.0]
    """

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
    """Integer ids (batch, ...) -> vectors (batch, ..., output_dim), a lookup in ``embeddings``
    (input_dim, output_dim).

    Args:
        input_dim: vocabulary size (ids lie in [0, input_dim)).
        output_dim: size of each vector.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint: of the table.
        mask_zero: id 0 is padding; layers downstream that support masks skip it.
        quantization_config: Keras's quantization option; only None is supported.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> embed = layers.Embedding(10, 3, mask_zero=True)
    >>> embed(np.array([[4, 0]])).shape, embed.compute_mask(np.array([[4, 0]])).tolist()
    ((1, 2, 3), [[True, False]])
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
        quantization_config=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if quantization_config is not None:
            raise ValueError("Embedding: quantization (quantization_config) is not supported")
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
                f"Embedding '{self.name}': ids must lie in [0, {self.input_dim}) (input_dim), got "
                f"values from {ids.min()} to {ids.max()}"
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
            **weight_options_config(self, "embeddings"),
            **activity_config(self),
            "quantization_config": None,
        }


class Masking(Layer):
    """Marks timesteps whose features all equal ``mask_value`` as padding, for the layers after it
    (and zeroes them).

    Args:
        mask_value: the value of padded steps.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> x = np.array([[[1.0], [0.0]]])
    >>> layers.Masking()(x).shape, layers.Masking().compute_mask(x).tolist()
    ((1, 2, 1), [[True, False]])
    """

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


class ReversibleEmbedding(Embedding):
    """An Embedding that also maps vectors back to logits over the vocabulary: ``layer(ids)``
    looks up (batch, ..., output_dim) vectors, ``layer(vectors, reverse=True)`` gives
    (batch, ..., input_dim) logits, by the transposed embeddings (``tie_weights=True``) or by a
    separate ``reverse_embeddings`` (output_dim, input_dim) weight.

    Args:
        input_dim, output_dim, embeddings_initializer, embeddings_regularizer,
        embeddings_constraint, mask_zero: as Embedding.
        tie_weights: reuse the embeddings for the reverse projection.
        reverse_dtype: dtype of the reverse projection (None: the layer's).
        logit_soft_cap: if set, logits = cap * tanh(logits / cap).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layer = layers.ReversibleEmbedding(10, 4)
    >>> vectors = layer(np.array([[1, 2, 3]]))
    >>> layer(vectors, reverse=True).shape
    (1, 3, 10)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        tie_weights=True,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        reverse_dtype=None,
        logit_soft_cap=None,
        **kwargs,
    ):
        super().__init__(
            input_dim,
            output_dim,
            embeddings_initializer=embeddings_initializer,
            embeddings_regularizer=embeddings_regularizer,
            embeddings_constraint=embeddings_constraint,
            mask_zero=mask_zero,
            **kwargs,
        )
        self.tie_weights, self.reverse_dtype = tie_weights, reverse_dtype
        self.logit_soft_cap = logit_soft_cap

    def build(self, input_shape=None):
        super().build(input_shape)
        self.reverse_embeddings = (
            None
            if self.tie_weights
            else self.add_weight(
                (self.output_dim, self.input_dim),
                self.embeddings_initializer,
                name="reverse_embeddings",
            )
        )

    def call(self, inputs, reverse=False):
        if not reverse:
            return super().call(inputs)
        kernel = ops.transpose(self.embeddings) if self.tie_weights else self.reverse_embeddings
        if inputs.dtype.kind != "f":
            inputs = ops.cast(inputs, self.dtype)
        if self.reverse_dtype is not None:
            inputs = ops.cast(inputs, self.reverse_dtype)
            kernel = ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            cap = self.logit_soft_cap
            logits = ops.multiply(ops.tanh(ops.divide(logits, cap)), cap)
        return logits

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }


class Identity(Layer):
    """Returns its input unchanged (and passes its mask on): a placeholder in a model.

    Args:
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Identity()(np.array([1.0, 2.0])).data.tolist()
    [1.0, 2.0]
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


def _function_config(function, where):
    """A function as Keras writes a named one ({"module", "class_name": "function", "config":
    its name, "registered_name"}); the config holds the name only, never code."""
    if not callable(function):
        raise TypeError(f"{where}: expected a function, got {function!r}")
    name = getattr(function, "__name__", type(function).__name__)
    return {
        "module": getattr(function, "__module__", None),
        "class_name": "__lambda__" if name == "<lambda>" else "function",
        "config": name,
        "registered_name": registry.registered_name(function) or name,
    }


def _function_from_config(value, custom_objects, where):
    """The function a ``_function_config`` entry names, from custom_objects, the custom-object
    scope or the registrations; a name with nothing behind it is an error that says how to
    supply it."""
    if callable(value) or not isinstance(value, dict):
        return value
    names = [value.get("registered_name"), value.get("config")]
    for name in names:
        found = registry.find(name, custom_objects) if isinstance(name, str) else None
        if found is not None:
            return found
    name = value.get("config")
    if not isinstance(name, str) or name == "<lambda>" or value.get("class_name") == "__lambda__":
        raise ValueError(
            f"{where}: the saved config holds a Python lambda, whose code glassnet never stores "
            f"or loads; rebuild the layer in code, or use a named function and pass it in "
            f"custom_objects"
        )
    raise ValueError(
        f"{where}: the function '{name}' is not in custom_objects, the custom-object scope or "
        f"the registrations; pass custom_objects={{'{name}': {name}}} (glassnet never imports "
        f"it by name)"
    )


class Lambda(Layer):
    """Wraps a Python function as a layer: ``Lambda(lambda x: x ** 2)``.

    The function runs in memory like any layer's call (it should compute with ``glassnet.ops``
    or Tensor operators, so gradients flow). Its config holds only the function's name, never
    code: loading a saved Lambda is refused in safe mode (the default), and with
    ``safe_mode=False`` (or ``keras.config.enable_unsafe_deserialization()``) the function comes
    from ``custom_objects`` or ``@register_keras_serializable``. For anything reusable, write a
    Layer subclass instead.

    Args:
        function: called as ``function(inputs, **arguments)``, plus ``mask=`` and
            ``training=`` when its signature names them.
        output_shape: the output shape without the batch axis, or a function of the input
            shape; by default found by running the function.
        mask: a mask to return, or a function ``mask(inputs, previous_mask)``.
        arguments: dict of extra keyword arguments for the function.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> scaled = layers.Lambda(lambda x, scale: x * scale, arguments={"scale": 3.0})
    >>> scaled(np.ones(2)).data.tolist()
    [3.0, 3.0]
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: function must be callable, got {function!r}")
        self.function, self.arguments, self.mask = function, dict(arguments or {}), mask
        self._output_shape = (
            tuple(output_shape) if isinstance(output_shape, (list, tuple)) else output_shape
        )
        self.supports_masking = mask is not None
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):
            parameters = {}
        self._takes_mask, self._takes_training = "mask" in parameters, "training" in parameters

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._takes_mask:
            kwargs["mask"] = mask
        if self._takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return (batch, *self._output_shape)

    def get_config(self):
        where = f"Lambda '{self.name}'"
        config = {**super().get_config(), "function": _function_config(self.function, where)}
        if self._output_shape is not None:
            config["output_shape"] = (
                _function_config(self._output_shape, where)
                if callable(self._output_shape)
                else self._output_shape
            )
        if self.mask is not None:
            config["mask"] = (
                _function_config(self.mask, where) if callable(self.mask) else self.mask
            )
        config["arguments"] = self.arguments
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """The layer from ``get_config()``'s output: refused in safe mode (its function is code
        the config does not hold); otherwise the function is looked up by name."""
        config = dict(config)
        where = f"Lambda '{config.get('name', 'lambda')}'"
        safe = backend_config.in_safe_mode() if safe_mode is None else safe_mode
        if safe and not callable(config.get("function")):
            name = (config.get("function") or {}).get("config", "?")
            raise ValueError(
                f"{where}: refusing to load a Lambda layer in safe mode: its function ('{name}') "
                f"is Python code that the saved config does not hold. If you trust the file, "
                f"load it with safe_mode=False (or call "
                f"keras.config.enable_unsafe_deserialization()) and pass the function in "
                f"custom_objects"
            )
        for key in ("function", "output_shape", "mask"):
            if isinstance(config.get(key), dict):
                config[key] = _function_from_config(config[key], custom_objects, where)
        return cls(**config)
