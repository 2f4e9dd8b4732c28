"""Sequential: a plain stack of layers, each feeding the next."""

from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.layers.convolutional import Conv2D
from glassnet.layers.layer import Layer, _call_arguments
from glassnet.layers.symbolic import InputLayer
from glassnet.models.model import Model


class Sequential(Model):
    """``Sequential([Dense(64, activation='relu', input_shape=(784,)), Dense(10)])`` or ``.add()`` one by one.

    The model is built as soon as the input shape is known (an ``Input``/``input_shape=`` on the first
    layer), so ``summary()`` works before training; otherwise it builds on the first batch.
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._layers = []
        self._input_shape = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._layers)

    def add(self, layer):
        if isinstance(layer, SymbolicTensor) and isinstance(layer.node.layer, InputLayer):
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError(f"Sequential '{self.name}': an Input can only be the first entry")
            self._input_shape = layer.batch_shape
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential '{self.name}': add() expects a Layer, got {type(layer).__name__}"
            )
        if (
            not self._layers
            and self._input_shape is None
            and layer._declared_input_shape is not None
        ):
            self._input_shape = (layer._declared_batch_size,) + tuple(layer._declared_input_shape)
        self._layers.append(layer)
        self.built = False
        if self._input_shape is not None:
            self.build(self._input_shape)

    def pop(self):
        if not self._layers:
            raise IndexError(f"Sequential '{self.name}': there are no layers to remove")
        layer = self._layers.pop()
        self.built = False
        if self._input_shape is not None and self._layers:
            self.build(self._input_shape)
        return layer

    def build(self, input_shape=None):
        input_shape = tuple(input_shape if input_shape is not None else self._input_shape)
        self._input_shape = input_shape
        x = SymbolicTensor(input_shape, self.dtype)
        for layer in self._layers:
            x = layer(x)
        self.built = True

    def _expected_input_shape(self):
        return self._input_shape

    def _maybe_build(self, input_shape):
        if not self.built:
            if not self._layers:
                raise ValueError(
                    f"Sequential model '{self.name}' has no layers; add layers before calling it"
                )
            self.build((None,) + tuple(input_shape[1:]))

    def call(self, inputs, training=None, mask=None):
        x = inputs
        layers, i = self._layers, 0
        while i < len(layers):
            layer = layers[i]
            pool = layers[i + 1] if i + 1 < len(layers) else None
            if (
                mask is None
                and isinstance(layer, Conv2D)
                and not isinstance(x, SymbolicTensor)
                and layer.can_pool_first(pool)
            ):
                # Conv2D then MaxPooling2D, computed as conv -> pool -> bias -> ReLU: the same numbers, with
                # the bias and ReLU on a quarter of the data (see Conv2D.can_pool_first).
                shape = layer.output_shape_
                x = layer(x, pool=pool)
                layer.output_shape_, pool.output_shape_ = shape, (None,) + x.shape[1:]
                i += 2
                continue
            kwargs = (
                {"mask": mask}
                if mask is not None and "mask" in _call_arguments(type(layer))
                else {}
            )
            out = layer(x, **kwargs)
            mask = layer.compute_mask(x, mask)
            x = out
            i += 1
        return x

    @property
    def output_names(self):
        return [self._layers[-1].name] if self._layers else []

    def get_config(self):
        from glassnet.layers import serialize_layer

        config = {
            "name": self.name,
            "trainable": self.trainable,
            "layers": [serialize_layer(l) for l in self._layers],
        }
        if self._input_shape is not None:
            config["input_shape"] = list(self._input_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.layers import deserialize_layer

        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        if config.get("input_shape") is not None:
            model._input_shape = tuple(config["input_shape"])
        for layer_config in config.get("layers", []):
            model.add(deserialize_layer(layer_config, custom_objects))
        return model
