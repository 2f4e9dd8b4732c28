"""Pipeline: layers applied one after another, like a Sequential that is only a layer."""

import inspect

from glassnet.layers.layer import Layer


class Pipeline(Layer):
    """Apply ``layers`` in order, passing ``training`` and ``mask`` to those that take them.

    Unlike Sequential, a Pipeline is not a model (no fit/compile) and its inputs may be dicts
    or anything its first layer accepts; use it to bundle preprocessing.

    Args:
        layers: the layers, first to last.
        name: the layer's name.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import CenterCrop, Pipeline, Rescaling
    >>> pipeline = Pipeline([Rescaling(1 / 255), CenterCrop(2, 2)])
    >>> pipeline(np.full((1, 4, 4, 1), 255, dtype="uint8")).numpy().ravel()
    array([1., 1., 1., 1.], dtype=float32)
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            accepted = _call_keywords(layer)
            kwargs = {}
            if "mask" in accepted and mask is not None:
                kwargs["mask"] = mask
            if "training" in accepted and training is not None:
                kwargs["training"] = training
            outputs = layer(outputs, **kwargs)
            mask = layer.compute_mask(inputs, mask) if hasattr(layer, "compute_mask") else None
            inputs = outputs
        return outputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def get_config(self):
        from glassnet.layers.serialization import serialize_layer

        return {
            "layers": [serialize_layer(layer) for layer in self._pipeline_layers],
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.layers.serialization import deserialize_layer

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                f"Pipeline.from_config: the config needs 'layers', a list of serialized layers, "
                f"got {layers!r}"
            )
        config = {**config}
        config.pop("trainable", None)
        config.pop("dtype", None)
        config["layers"] = [deserialize_layer(layer, custom_objects) for layer in layers]
        return cls(**config)


def _call_keywords(layer):
    """The keyword arguments ``layer.call`` takes (all of them if it has ``**kwargs``)."""
    parameters = inspect.signature(layer.call).parameters
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return {"training", "mask"}
    return set(parameters)
