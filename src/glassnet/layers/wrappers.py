"""Layers that wrap another layer: the Wrapper base, Bidirectional and TimeDistributed.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> layers.TimeDistributed(layers.Dense(2))(np.ones((3, 4, 5), "float32")).shape
(3, 4, 2)
"""

from glassnet import ops
from glassnet.layers.layer import Layer, call_arguments
from glassnet.layers.serialization import deserialize_layer, serialize_layer


class Wrapper(Layer):
    """Base of layers that wrap one other layer (``self.layer``): builds it with the wrapper's
    input shape and serialises it inside the wrapper's config.

    Args:
        layer: the wrapped Layer.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> class Twice(layers.Wrapper):
    ...     def call(self, inputs):
    ...         return self.layer(self.layer(inputs))
    >>> Twice(layers.Dense(3))(np.ones((2, 3), "float32")).shape
    (2, 3)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__}: expected a Layer to wrap, got {type(layer).__name__}"
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer._maybe_build(input_shape)

    def get_config(self):
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the two outputs.

    With return_sequences the backward outputs are put back in time order before merging, and
    masked steps output zeros in both directions (as Keras forces).

    Args:
        layer: the recurrent layer (its copy with go_backwards flipped runs backwards).
        merge_mode: 'concat' (default), 'sum', 'mul', 'ave', or None (a list of both outputs).
        backward_layer: a layer to use as the backward one instead of the copy.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> bi = layers.Bidirectional(layers.LSTM(3, return_sequences=True))
    >>> bi(np.ones((2, 5, 4), "float32")).shape, len(bi.weights)
    ((2, 5, 6), 6)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(
                f"Bidirectional: merge_mode must be 'concat', 'sum', 'mul', 'ave' or None, got "
                f"{merge_mode!r}"
            )
        self.forward_layer = layer
        if backward_layer is None:
            config = layer.get_config()
            config.update(name=f"backward_{layer.name}", go_backwards=not layer.go_backwards)
            backward_layer = type(layer).from_config(config)
        self.backward_layer = backward_layer
        # masked steps output zeros in returned sequences, as Keras forces for both directions
        for direction in (self.forward_layer, self.backward_layer):
            direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        self.supports_masking = True

    def build(self, input_shape):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction._maybe_build(tuple(input_shape))

    def call(self, inputs, mask=None, training=None, initial_state=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        forward = self.forward_layer(
            inputs, mask=mask, training=training, initial_state=forward_state
        )
        backward = self.backward_layer(
            inputs, mask=mask, training=training, initial_state=backward_state
        )
        states = []
        if self.return_state:
            forward, *forward_states = forward
            backward, *backward_states = backward
            states = forward_states + backward_states
        if self.return_sequences:
            backward = backward[:, ::-1]
        if self.merge_mode == "concat":
            out = ops.concatenate([forward, backward], axis=-1)
        elif self.merge_mode == "sum":
            out = ops.add(forward, backward)
        elif self.merge_mode == "mul":
            out = ops.multiply(forward, backward)
        elif self.merge_mode == "ave":
            out = ops.multiply(ops.add(forward, backward), 0.5)
        else:
            out = [forward, backward]
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def compute_mask(self, inputs, mask=None):
        return mask if self.return_sequences else None

    def get_config(self):
        return {
            **super().get_config(),
            "layer": serialize_layer(self.forward_layer),
            "merge_mode": self.merge_mode,
            "backward_layer": serialize_layer(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_layer(config["backward_layer"], custom_objects)
        return cls(**config)


class TimeDistributed(Wrapper):
    """Applies ``layer`` to every timestep: (batch, timesteps, ...) -> (batch, timesteps, ...).

    Args:
        layer: the layer, called on (batch * timesteps, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.TimeDistributed(layers.Conv2D(4, 3))(np.ones((2, 3, 8, 8, 1), "float32")).shape
    (2, 3, 6, 6, 4)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if not self.layer.built:
            self.layer._maybe_build((None, *input_shape[2:]))

    def call(self, inputs, training=None, mask=None):
        n, t = inputs.shape[:2]
        folded = ops.reshape(inputs, (n * t, *inputs.shape[2:]))
        kwargs = {"training": training} if "training" in call_arguments(type(self.layer)) else {}
        out = self.layer(folded, **kwargs)
        return ops.reshape(out, (n, t, *out.shape[1:]))
