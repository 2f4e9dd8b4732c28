"""Layers that wrap another layer: Bidirectional and TimeDistributed."""

from glassnet import ops
from glassnet.layers.layer import Layer, call_arguments


class Bidirectional(Layer):
    """Run a recurrent layer forwards and a copy of it backwards, and merge the two outputs.

    merge_mode: 'concat' (default), 'sum', 'mul', 'ave', or None (a list of both outputs).
    With return_sequences the backward outputs are put back in time order before merging.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(
                f"Bidirectional: merge_mode must be 'concat', 'sum', 'mul', 'ave' or None, got {merge_mode!r}"
            )
        self.forward_layer = layer
        if backward_layer is None:
            config = layer.get_config()
            config.update(name=f"backward_{layer.name}", go_backwards=not layer.go_backwards)
            backward_layer = type(layer).from_config(config)
        self.backward_layer = backward_layer
        self.forward_layer.zero_output_for_mask = self.backward_layer.zero_output_for_mask = True
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        self.supports_masking = True

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
        from glassnet.layers.serialization import serialize_layer

        return {
            **super().get_config(),
            "layer": serialize_layer(self.forward_layer),
            "merge_mode": self.merge_mode,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.layers.serialization import deserialize_layer

        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        return cls(**config)


class TimeDistributed(Layer):
    """Apply ``layer`` to every timestep: (batch, timesteps, ...) -> (batch, timesteps, ...)."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def call(self, inputs, training=None, mask=None):
        n, t = inputs.shape[:2]
        folded = ops.reshape(inputs, (n * t, *inputs.shape[2:]))
        kwargs = {"training": training} if "training" in call_arguments(type(self.layer)) else {}
        out = self.layer(folded, **kwargs)
        return ops.reshape(out, (n, t, *out.shape[1:]))

    def get_config(self):
        from glassnet.layers.serialization import serialize_layer

        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.layers.serialization import deserialize_layer

        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        return cls(**config)
