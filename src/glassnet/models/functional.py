"""Functional models: ``Model(inputs, outputs)`` replays the graph of layer calls recorded on symbolic tensors."""

from glassnet.autograd.tensor import Tensor
from glassnet.layers.layer import _call_arguments
from glassnet.layers.symbolic import InputLayer, flatten_symbolic, map_structure
from glassnet.models.model import Model


class Functional(Model):
    def __init__(self, inputs, outputs, name=None, trainable=True):
        super().__init__(name=name or "functional", trainable=trainable)
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs, self.outputs = flatten_symbolic(inputs), flatten_symbolic(outputs)
        if not self.inputs or not self.outputs:
            raise ValueError(
                "Model(inputs, outputs): both must contain symbolic tensors (made with glassnet.Input and layers)"
            )
        for t in self.inputs:
            if t.node is None or not isinstance(t.node.layer, InputLayer):
                raise ValueError(
                    f"Model(inputs, outputs): every input must come from glassnet.Input(...), got {t}"
                )
        self._nodes = self._order_nodes()
        layers = [t.node.layer for t in self.inputs]
        for node in self._nodes:
            if node.layer not in layers:
                layers.append(node.layer)
        self._layers = layers
        self.built = True

    def _order_nodes(self):
        """The nodes between inputs and outputs, in the order they were made (a topological order)."""
        input_ids = {id(t) for t in self.inputs}
        found, stack = {}, [t.node for t in self.outputs]
        while stack:
            node = stack.pop()
            if id(node) in found:
                continue
            if isinstance(node.layer, InputLayer):
                if id(node.outputs[0]) not in input_ids:
                    raise ValueError(
                        f"Graph disconnected: the outputs depend on input '{node.layer.name}', which is not among "
                        f"the model's inputs {[t.name for t in self.inputs]}"
                    )
                continue
            found[id(node)] = node
            for tensor in node.inputs:
                if tensor.node is None:
                    raise ValueError(
                        f"Model(inputs, outputs): {tensor} was not made from a glassnet.Input"
                    )
                stack.append(tensor.node)
        return sorted(found.values(), key=lambda node: node.order)

    @property
    def layers(self):
        return list(self._layers)

    @property
    def input_names(self):
        return [t.node.layer.name for t in self.inputs]

    @property
    def output_names(self):
        return [t.node.layer.name for t in self.outputs]

    def _expected_input_shape(self):
        return self.inputs[0].shape if len(self.inputs) == 1 else None

    def call(self, inputs, training=None, mask=None):
        values = {}
        if isinstance(inputs, dict):
            for t in self.inputs:
                key = t.node.layer.name
                if key not in inputs:
                    raise ValueError(
                        f"Model '{self.name}': missing input '{key}'; inputs are {self.input_names}"
                    )
                values[id(t)] = inputs[key]
        else:
            given = inputs if isinstance(inputs, (list, tuple)) else [inputs]
            if len(given) != len(self.inputs):
                raise ValueError(
                    f"Model '{self.name}' expects {len(self.inputs)} input(s) {self.input_names}, got {len(given)}"
                )
            for t, value in zip(self.inputs, given):
                values[id(t)] = value if isinstance(value, Tensor) else Tensor(value)
        masks = {}  # id(symbolic tensor) -> padding mask produced for it (Embedding(mask_zero=True)...)
        for node in self._nodes:
            args = map_structure(lambda s: values[id(s)], node.args)
            kwargs = map_structure(lambda s: values[id(s)], node.kwargs)
            first = node.inputs[0] if node.inputs else None
            in_mask = masks.get(id(first)) if first is not None else None
            if (
                in_mask is not None
                and "mask" not in kwargs
                and "mask" in _call_arguments(type(node.layer))
            ):
                kwargs["mask"] = in_mask
            out = node.layer(*args, **kwargs)
            if first is not None and len(node.outputs) == 1:
                out_mask = node.layer.compute_mask(args[0] if args else None, in_mask)
                if out_mask is not None:
                    masks[id(node.outputs[0])] = out_mask
            flat = (
                out
                if isinstance(out, (list, tuple))
                else list(out.values())
                if isinstance(out, dict)
                else [out]
            )
            for symbolic, concrete in zip(node.outputs, flat):
                values[id(symbolic)] = concrete
        return map_structure(lambda s: values[id(s)], self._outputs_struct)

    def _maybe_build(self, input_shape):
        self.built = True

    # -- configuration: the graph as JSON-safe data ----------------------------------------------------
    def get_config(self):
        """Layers (each once), the recorded calls in order, and where inputs and outputs sit in them."""
        from glassnet.layers.serialization import serialize_layer
        from glassnet.models.graph_codec import encode

        refs = {id(t): ["input", i] for i, t in enumerate(self.inputs)}
        nodes = []
        for k, node in enumerate(self._nodes):
            nodes.append(
                {
                    "layer": node.layer.name,
                    "args": encode(node.args, refs),
                    "kwargs": encode(node.kwargs, refs),
                }
            )
            for j, t in enumerate(node.outputs):
                refs[id(t)] = ["node", k, j]
        unique = [l for l in self._layers if not isinstance(l, InputLayer)]
        return {
            "name": self.name,
            "trainable": self.trainable,
            "inputs": [t.node.layer.get_config() for t in self.inputs],
            "input_structure": encode(self._inputs_struct, refs),
            "layers": [serialize_layer(l) for l in unique],
            "nodes": nodes,
            "outputs": encode(self._outputs_struct, refs),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from glassnet.layers.serialization import deserialize_layer
        from glassnet.models.graph_codec import decode

        inputs = [
            InputLayer(**{k: (tuple(v) if k == "batch_shape" else v) for k, v in c.items()}).output
            for c in config["inputs"]
        ]
        layers = {}
        for layer_config in config["layers"]:
            layer = deserialize_layer(layer_config, custom_objects)
            layers[layer.name] = layer
        produced = []

        def resolve(ref):
            kind = ref[0]
            if kind == "input":
                return inputs[ref[1]]
            return produced[ref[1]][ref[2]]

        for node in config["nodes"]:
            if node["layer"] not in layers:
                raise ValueError(f"Functional config: node calls unknown layer '{node['layer']}'")
            layer = layers[node["layer"]]
            out = layer(*decode(node["args"], resolve), **decode(node["kwargs"], resolve))
            produced.append(
                out
                if isinstance(out, (list, tuple))
                else list(out.values())
                if isinstance(out, dict)
                else [out]
            )
        return cls(
            decode(config["input_structure"], resolve),
            decode(config["outputs"], resolve),
            name=config.get("name"),
            trainable=config.get("trainable", True),
        )
