"""Sequential: a plain stack of layers, each feeding the next.

It builds a functional model from an Input and its layers (as soon as the input shape is known)
and delegates every call to it, as Keras 3 does: masks, training flags, fusion and shapes are
handled by the one graph path in ``functional.py`` and ``graph.py``.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu")])
>>> model(np.ones((2, 4))).shape
(2, 3)
"""

from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.layers import InputLayer, Layer, deserialize_layer, serialize_layer
from glassnet.models.functional import Functional
from glassnet.models.model import Model


class Sequential(Model):
    """``Sequential([Input((784,)), Dense(64, activation='relu'), Dense(10)])``, or ``add()``.

    The model is built as soon as the input shape is known (an ``Input`` first, or
    ``input_shape=`` on the first layer), so ``summary()`` works before training; otherwise it
    builds on the first batch.

    Args:
        layers: the layers, in order (an ``Input`` may come first).
        trainable: whether the weights train.
        name: the model's name.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden")])
    >>> model.add(keras.layers.Dense(1, name="out"))
    >>> [layer.name for layer in model.layers], model.count_params()
    (['hidden', 'out'], 19)
    """

    NOT_TRACKED = Model.NOT_TRACKED | {"_functional"}
    # inputs reach the layers converted to the Input's dtype by the functional graph
    casts_integer_inputs = False

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._layers = []
        self._input_shape = None
        self._input_dtype = None
        self._functional = None
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        """The layers added, in order (the Input is not one of them)."""
        return list(self._layers)

    def add(self, layer):
        """Append a layer (or an ``Input`` before the first one); rebuild if the shape is known."""
        if isinstance(layer, SymbolicTensor) and isinstance(layer.node.operation, InputLayer):
            layer = layer.node.operation
        if isinstance(layer, InputLayer):
            if self._layers:
                raise ValueError(f"Sequential '{self.name}': an Input can only be the first entry")
            self._input_shape, self._input_dtype = layer.batch_shape, layer.dtype
            return
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential '{self.name}': add() expects a Layer, got {type(layer).__name__}"
            )
        if not self._layers and self._input_shape is None:
            self._input_shape = layer.declared_batch_input_shape
        self._layers.append(layer)
        self._functional = None
        self.built = False
        if self._input_shape is not None:
            self.build(self._input_shape)

    def pop(self):
        """Remove and return the last layer."""
        if not self._layers:
            raise IndexError(f"Sequential '{self.name}': there are no layers to remove")
        layer = self._layers.pop()
        self._functional = None
        self.built = False
        if self._input_shape is not None and self._layers:
            self.build(self._input_shape)
        return layer

    def build(self, input_shape=None):
        """Record the layers on an Input of ``input_shape`` (batch axis first): the graph to run."""
        input_shape = tuple(input_shape if input_shape is not None else self._input_shape)
        if not self._layers:
            raise ValueError(
                f"Sequential model '{self.name}' has no layers; add layers before building it"
            )
        self._input_shape = input_shape
        dtype = self._input_dtype or self._layers[0].dtype
        inputs = InputLayer(batch_shape=input_shape, dtype=dtype).output
        x = inputs
        for layer in self._layers:
            x = layer(x)
        self._functional = Functional(inputs, x, name=f"{self.name}_graph")
        self.built = True

    @property
    def graph(self):
        """The functional model the layers were recorded into (None until built)."""
        return self._functional

    def _expected_input_shape(self):
        return self._input_shape

    def _maybe_build(self, input_shape):
        if not self.built or self._functional is None:
            if not self._layers:
                raise ValueError(
                    f"Sequential model '{self.name}' has no layers; add layers before calling it"
                )
            self.build((None,) + tuple(input_shape[1:]))

    def call(self, inputs, training=None, mask=None):
        if self._functional is None:
            self._maybe_build(tuple(inputs.shape))
        return self._functional.call(inputs, training=training, mask=mask)

    def execution_plan(self, fused=None):
        """The steps a call runs (see ``Functional.execution_plan``)."""
        return self._functional.execution_plan(fused)

    def graph_fusions(self):
        return [] if self._functional is None else self._functional.graph_fusions()

    def inference_chain(self):
        """The fusion pass's tape-free chain for ``predict`` (``Functional.inference_chain``)."""
        if type(self).call is not Sequential.call or self._functional is None:
            return None
        return self._functional.inference_chain()

    def training_chain(self):
        """The fusion pass's chain for ``train_step`` (``Functional.training_chain``)."""
        if type(self).call is not Sequential.call or self._functional is None:
            return None
        return self._functional.training_chain()

    def compute_output_spec(self, *args, **kwargs):
        return self._functional.compute_output_spec(*args, **kwargs)

    @property
    def inputs(self):
        return None if self._functional is None else self._functional.inputs

    @property
    def outputs(self):
        return None if self._functional is None else self._functional.outputs

    @property
    def input(self):
        return None if self._functional is None else self._functional.input

    @property
    def output(self):
        return None if self._functional is None else self._functional.output

    @property
    def input_shape(self):
        return self._input_shape

    @property
    def output_shape(self):
        return None if self._functional is None else self._functional.output_shape

    @property
    def output_names(self):
        return [self._layers[-1].name] if self._layers else []

    def get_config(self):
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "layers": [serialize_layer(layer) for layer in self._layers],
        }
        if self._input_shape is not None:
            config["input_shape"] = list(self._input_shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        if config.get("input_shape") is not None:
            model._input_shape = tuple(config["input_shape"])
        for layer_config in config.get("layers", []):
            model.add(deserialize_layer(layer_config, custom_objects))
        return model
