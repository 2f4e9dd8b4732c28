"""Functional models: ``Model(inputs, outputs)`` runs the graph of calls recorded on symbolic
tensors. Sequential builds one of these and delegates to it, so this is the one execution path
for graph models: masks, training flags and shapes are handled here and in ``graph.py``.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> inputs = keras.Input((3,), name="x")
>>> hidden = keras.layers.Dense(4, activation="relu")(inputs)
>>> model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
>>> model.predict(np.ones((2, 3)), verbose=0).shape
(2, 1)
"""

from glassnet.autograd.symbolic import SymbolicTensor, flatten_symbolic
from glassnet.autograd.tensor import Tensor
from glassnet.backend import config, nest, xp
from glassnet.layers import InputLayer, Layer, deserialize_layer, serialize_layer
from glassnet.models.fusion import fuse_plan
from glassnet.models.graph import GraphPlan, keras_layer_order, order_nodes, rebase_on_inputs
from glassnet.models.graph_codec import decode, encode
from glassnet.models.model import Model
from glassnet.ops.manipulation import expand_dims, squeeze
from glassnet.ops.operation import FunctionOperation


class Functional(Model):
    """A model defined by its inputs and outputs (``keras.Model(inputs, outputs)``).

    Args:
        inputs: a SymbolicTensor from ``Input``, or a list/dict of them.
        outputs: SymbolicTensors computed from the inputs, in any nesting.
        name: the model's name.
        trainable: whether its weights train.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> x = keras.Input((3,))
    >>> model = keras.Model(x, keras.layers.Dense(2)(x))
    >>> type(model).__name__, model.count_params(), model(np.ones((1, 3))).shape
    ('Functional', 8, (1, 2))
    """

    # the graph's inputs are converted to their Input's dtype here, ids included
    casts_integer_inputs = False

    def __init__(self, inputs, outputs, name=None, trainable=True):
        super().__init__(name=name or "functional", trainable=trainable)
        for t in flatten_symbolic(inputs):
            if t.node is None:
                raise ValueError(
                    f"Model(inputs, outputs): every input must come from glassnet.Input(...) or "
                    f"from layers called on one, got {t}"
                )
        inputs, outputs = rebase_on_inputs(inputs, outputs)
        self._inputs_struct, self._outputs_struct = inputs, outputs
        self.inputs, self.outputs = flatten_symbolic(inputs), flatten_symbolic(outputs)
        if not self.inputs or not self.outputs:
            raise ValueError(
                "Model(inputs, outputs): both must contain symbolic tensors (made with "
                "glassnet.Input and layers)"
            )
        for t in self.inputs:
            if t.node is None or not isinstance(t.node.operation, InputLayer):
                raise ValueError(
                    f"Model(inputs, outputs): every input must come from glassnet.Input(...), "
                    f"got {t}"
                )
        self._nodes = order_nodes(self.inputs, outputs)
        operations = [t.node.operation for t in self.inputs]
        for node in self._nodes:
            if node.operation not in operations:
                operations.append(node.operation)
        self._operations = operations
        # in Keras's order (deepest first), which weight files written by Keras rely on
        ordered = [op for op in keras_layer_order(outputs) if isinstance(op, Layer)]
        missing = [t.node.operation for t in self.inputs if t.node.operation not in ordered]
        self._layers = missing + ordered
        self._input_dtypes = [_numpy_dtype(t.dtype) for t in self.inputs]
        self._plans = {}
        self.built = True

    @property
    def layers(self):
        """The model's layers, each once, in Keras's order: deepest first (the Inputs), then
        as a walk from the outputs reaches them."""
        return list(self._layers)

    @property
    def nodes(self):
        """The recorded calls between inputs and outputs, in a topological order."""
        return list(self._nodes)

    @property
    def input_names(self):
        return [t.node.operation.name for t in self.inputs]

    @property
    def output_names(self):
        return [t.node.operation.name for t in self.outputs]

    @property
    def input(self):
        """The input SymbolicTensor(s), in the structure the model was made with."""
        return self._inputs_struct

    @property
    def output(self):
        """The output SymbolicTensor(s), in the structure the model was made with."""
        return self._outputs_struct

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def _expected_input_shape(self):
        return self.inputs[0].shape if len(self.inputs) == 1 else None

    # -- execution --------------------------------------------------------------------------------
    def execution_plan(self, fused=None):
        """The steps ``call`` runs: the reference plan, or the one the fusion pass rewrote.

        Args:
            fused: True/False for that plan; None for the one the current setting selects.

        Returns:
            a ``GraphPlan`` (made once and kept).
        """
        fused = config.is_fusion_enabled() if fused is None else fused
        plan = self._plans.get(fused)
        if plan is None:
            plan = GraphPlan(self.inputs, self._outputs_struct, self._nodes)
            if fused:
                fuse_plan(plan)
            self._plans[fused] = plan
        return plan

    def __getstate__(self):
        # the plans are caches holding functions (fused steps, the inference chain): a pickled
        # model leaves them out and makes them again at its next call
        state = self.__dict__.copy()
        state["_plans"] = {}
        return state

    def inference_chain(self):
        """The fusion pass's tape-free chain that ``predict`` runs on arrays
        (``fusion.InferenceChain``), or None: fusion off, a ``call`` of the subclass's own, or a
        graph the chain cannot run."""
        if type(self).call is not Functional.call:
            return None
        return self.execution_plan().inference

    def training_chain(self):
        """The fusion pass's chain that ``train_step`` runs its Dense layers with
        (``fusion.TrainingChain``), or None: fusion off, a ``call`` of the subclass's own, or a
        graph that is not a chain of Dense layers."""
        if type(self).call is not Functional.call:
            return None
        return self.execution_plan().training

    def graph_fusions(self):
        """The fusion rules that fire on this model's graph, as ``Fusion`` records."""
        return list(self.execution_plan(fused=True).fusions)

    def call(self, inputs, training=None, mask=None):
        plan = self.execution_plan()
        values = self._standardize_inputs(inputs)
        chain = plan.training  # a chain of Dense layers: one op on the tape (fusion.py)
        if chain is not None and mask is None and chain.accepts(values[0].data):
            return chain.call(values[0])
        return plan.run(values)

    def _standardize_inputs(self, inputs):
        """The inputs as a flat list in ``self.inputs`` order, each a Tensor of its Input dtype."""
        if isinstance(inputs, Tensor) and len(self.inputs) == 1:  # one input, as it should be
            data = inputs.data
            if data.dtype == self._input_dtypes[0] and data.ndim == len(self.inputs[0].shape):
                return [inputs]
        if isinstance(inputs, dict):
            # as in Keras: a model built on a dict of Inputs takes data under that dict's keys;
            # otherwise (and as a fallback) under the Input layers' names
            struct = self._inputs_struct
            struct_keys = (
                {id(t): key for key, t in struct.items() if isinstance(t, SymbolicTensor)}
                if isinstance(struct, dict)
                else {}
            )
            flat = []
            for t in self.inputs:
                key = struct_keys.get(id(t))
                if key is None or key not in inputs:
                    key = t.node.operation.name
                if key not in inputs:
                    raise ValueError(
                        f"Model '{self.name}': missing input '{key}'; inputs are {self.input_names}"
                    )
                flat.append(inputs[key])
        else:
            flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
            if len(flat) != len(self.inputs):
                raise ValueError(
                    f"Model '{self.name}' expects {len(self.inputs)} input(s) "
                    f"{self.input_names}, got {len(flat)}"
                )
        tensors = [_as_input(value, dtype) for value, dtype in zip(flat, self._input_dtypes)]
        return [_adjust_rank(x, t) for x, t in zip(tensors, self.inputs)]

    def _maybe_build(self, input_shape):
        self.built = True

    def compute_output_spec(self, *args, **kwargs):
        return nest.map_structure(
            lambda t: SymbolicTensor(t.shape, t.dtype),
            self._outputs_struct,
            lambda v: isinstance(v, SymbolicTensor),
        )

    # -- configuration: the graph as JSON-safe data ------------------------------------------------
    def get_config(self):
        """Layers (each once), the recorded calls in order, and where inputs and outputs sit."""
        refs = {id(t): ["input", i] for i, t in enumerate(self.inputs)}
        nodes = []
        for k, node in enumerate(self._nodes):
            nodes.append(
                {
                    "layer": node.operation.name,
                    "args": encode(node.args, refs),
                    "kwargs": encode(node.kwargs, refs),
                }
            )
            for j, t in enumerate(node.outputs):
                refs[id(t)] = ["node", k, j]
        unique = [op for op in self._operations if not isinstance(op, InputLayer)]
        return {
            "name": self.name,
            "trainable": self.trainable,
            "inputs": [t.node.operation.get_config() for t in self.inputs],
            "input_structure": encode(self._inputs_struct, refs),
            "layers": [_serialize_operation(op) for op in unique],
            "nodes": nodes,
            "outputs": encode(self._outputs_struct, refs),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild the model by replaying the recorded calls on fresh Inputs."""
        inputs = [
            InputLayer(**{k: (tuple(v) if k == "batch_shape" else v) for k, v in c.items()}).output
            for c in config["inputs"]
        ]
        operations = {}
        for op_config in config["layers"]:
            op = _deserialize_operation(op_config, custom_objects)
            operations[op.name] = op
        produced = []

        def resolve(ref):
            if ref[0] == "input":
                return inputs[ref[1]]
            return produced[ref[1]][ref[2]]

        for node in config["nodes"]:
            if node["layer"] not in operations:
                raise ValueError(f"Functional config: node calls unknown layer '{node['layer']}'")
            operation = operations[node["layer"]]
            out = operation(*decode(node["args"], resolve), **decode(node["kwargs"], resolve))
            produced.append(flatten_symbolic(out))
        return cls(
            decode(config["input_structure"], resolve),
            decode(config["outputs"], resolve),
            name=config.get("name"),
            trainable=config.get("trainable", True),
        )


_FUNCTION_CLASS_NAMES = ("FunctionOperation", "OpLayer")  # OpLayer: files from before 0.2


def _serialize_operation(operation):
    if isinstance(operation, FunctionOperation):
        return {"class_name": "FunctionOperation", "config": operation.get_config()}
    return serialize_layer(operation)


def _deserialize_operation(config, custom_objects):
    if config.get("class_name") in _FUNCTION_CLASS_NAMES:
        return FunctionOperation(**config.get("config", {}))
    return deserialize_layer(config, custom_objects)


def _as_input(value, dtype):
    """One model input as a Tensor of its Input's dtype (Keras converts inputs the same way)."""
    if isinstance(value, Tensor):  # as layers do: float tensors keep their precision
        if value.data.dtype == dtype or value.data.dtype.kind in "fOUS":
            return value
        return Tensor(value.data.astype(dtype))
    array = xp.asarray(value)
    if array.dtype.kind in "OUS":
        return array
    if array.dtype != dtype and dtype.kind not in "OUS":
        array = array.astype(dtype)
    return Tensor(array)


def _numpy_dtype(dtype):
    return xp.dtype(object) if dtype in ("string", "str") else xp.dtype(dtype)


def _adjust_rank(value, symbolic):
    """Keras's one-axis leniency: (n,) data for an Input((1,)) gains its last axis, and (n, 1)
    data for an Input(()) loses it."""
    if not isinstance(value, Tensor) or value.ndim == len(symbolic.shape):
        return value
    if value.ndim == len(symbolic.shape) - 1 and symbolic.shape[-1] == 1:
        return expand_dims(value, -1)
    if value.ndim == len(symbolic.shape) + 1 and value.shape[-1] == 1:
        return squeeze(value, -1)
    return value
