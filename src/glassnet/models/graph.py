"""Running a recorded graph: the one execution path of Sequential and functional models.

``GraphPlan`` turns the nodes between a model's inputs and outputs into a list of steps over
numbered value slots. The reference plan has one ``NodeStep`` per node: it calls the node's layer
(or op) on the values its inputs hold, and carries padding masks from the layers that make them
(``Embedding(mask_zero=True)``, ``Masking``) to the layers that take them. The fusion pass
(``fusion.py``) may replace some steps with fused siblings that compute the same values.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> inputs = keras.Input((3,))
>>> model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
>>> [type(step).__name__ for step in model.execution_plan(fused=False).steps]
['NodeStep']
"""

from glassnet.autograd.symbolic import SymbolicTensor, flatten_symbolic
from glassnet.backend import nest
from glassnet.layers import InputLayer, Layer, call_arguments


def _is_symbolic(value):
    return isinstance(value, SymbolicTensor)


class NodeStep:
    """One node run as recorded: ``outputs = node.operation(*args, **kwargs)``.

    Args:
        node: the recorded Node.
        slots: dict id(SymbolicTensor) -> slot number.

    Example:

    >>> import glassnet as keras
    >>> x = keras.Input((3,))
    >>> y = keras.layers.Dense(2, name="out")(x)
    >>> step = GraphPlan([x], y, order_nodes([x], y)).steps[0]
    >>> step.in_slot, step.out_slots, [layer.name for layer in step.layers]
    (0, [1], ['out'])
    """

    def __init__(self, node, slots):
        self.node = node
        self.operation = node.operation
        self.layers = [node.operation] if isinstance(node.operation, Layer) else []
        self.out_slots = [slots[id(t)] for t in node.outputs]
        args, kwargs = node.args, node.kwargs
        # the common case, one tensor in and no keyword arguments, skips the structure walk
        self.single_input = (
            len(args) == 1 and _is_symbolic(args[0]) and not flatten_symbolic(kwargs)
        )
        self.in_slot = slots[id(args[0])] if args and _is_symbolic(args[0]) else None
        self.args = nest.map_structure(lambda t: _Slot(slots[id(t)]), args, _is_symbolic)
        self.kwargs = nest.map_structure(lambda t: _Slot(slots[id(t)]), kwargs, _is_symbolic)
        self.static_kwargs = dict(kwargs) if self.single_input else None
        is_layer = isinstance(node.operation, Layer)
        self.takes_mask = is_layer and "mask" in call_arguments(type(node.operation))
        self.makes_mask = is_layer and type(node.operation).compute_mask is not Layer.compute_mask
        self.single_output = len(self.out_slots) == 1

    def run(self, values, masks):
        """Compute the node's outputs into ``values`` (and its output mask into ``masks``)."""
        mask = masks[self.in_slot] if self.in_slot is not None else None
        if self.single_input:
            x = values[self.in_slot]
            if mask is not None and self.takes_mask:
                out = self.operation(x, mask=mask, **self.static_kwargs)
            else:
                out = self.operation(x, **self.static_kwargs)
        else:
            args = nest.map_structure(lambda s: values[s.index], self.args, _is_slot)
            kwargs = nest.map_structure(lambda s: values[s.index], self.kwargs, _is_slot)
            if mask is not None and self.takes_mask and "mask" not in kwargs:
                kwargs["mask"] = mask
            out = self.operation(*args, **kwargs)
            x = args[0] if args else None
        if self.single_output:
            values[self.out_slots[0]] = out
            if mask is not None or self.makes_mask:
                masks[self.out_slots[0]] = self.operation.compute_mask(x, mask)
        else:
            flat = out if isinstance(out, (list, tuple)) else list(out.values())
            for slot, value in zip(self.out_slots, flat):
                values[slot] = value


class _Slot:
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _is_slot(value):
    return isinstance(value, _Slot)


class GraphPlan:
    """The steps that compute a model's outputs from its inputs, over numbered value slots.

    Args:
        inputs: the model's input SymbolicTensors (flat list).
        outputs: the model's output structure of SymbolicTensors.
        nodes: the nodes between them, in a topological order.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> x = keras.Input((3,))
    >>> y = keras.layers.Dense(2)(keras.layers.Dense(4)(x))
    >>> plan = GraphPlan([x], y, order_nodes([x], y))
    >>> len(plan.steps), plan.input_slots, plan.single_output_slot()
    (2, [0], 2)
    >>> plan.run([np.ones((1, 3), "float32")]).shape
    (1, 2)
    """

    def __init__(self, inputs, outputs, nodes):
        self.slots = {}
        for tensor in inputs:
            self.slots[id(tensor)] = len(self.slots)
        for node in nodes:
            for tensor in node.outputs:
                self.slots[id(tensor)] = len(self.slots)
        self.inputs, self.outputs, self.nodes = inputs, outputs, nodes
        self.input_slots = [self.slots[id(t)] for t in inputs]
        self.output_slots = nest.map_structure(
            lambda t: _Slot(self.slots[id(t)]), outputs, _is_symbolic
        )
        self.steps = [NodeStep(node, self.slots) for node in nodes]
        self.fusions = []  # (rule name, layer names) for every rule the fusion pass applied
        self.inference = None  # the fusion pass's tape-free InferenceChain, when one applies
        self.training = None  # the fusion pass's TrainingChain, when one applies

    def consumers(self):
        """dict slot -> the steps that read it (for rules that must know who uses a value)."""
        readers = {}
        for step in self.steps:
            for tensor in step.node.inputs:
                readers.setdefault(self.slots[id(tensor)], []).append(step)
        return readers

    def single_output_slot(self):
        """The slot of the model's output when it is one tensor (not a list or dict), else None."""
        return self.output_slots.index if _is_slot(self.output_slots) else None

    def output_slot_set(self):
        """The slots whose values the model returns."""
        return {s.index for s in nest.flatten(self.output_slots, _is_slot)}

    def run(self, input_values):
        """Run every step; ``input_values`` are the model's inputs in ``inputs`` order."""
        values = [None] * len(self.slots)
        masks = [None] * len(self.slots)
        for slot, value in zip(self.input_slots, input_values):
            values[slot] = value
        for step in self.steps:
            step.run(values, masks)
        return nest.map_structure(lambda s: values[s.index], self.output_slots, _is_slot)


def order_nodes(inputs, outputs):
    """The nodes between ``inputs`` and ``outputs`` in the order they were made (topological).

    Args:
        inputs: the model's input SymbolicTensors (flat list).
        outputs: the output structure of SymbolicTensors.

    Example:

    >>> import glassnet as keras
    >>> x = keras.Input((3,))
    >>> y = keras.layers.Dense(2, name="top")(keras.layers.Dense(4, name="hidden")(x))
    >>> [node.operation.name for node in order_nodes([x], y)]
    ['hidden', 'top']

    Raises:
        ValueError: when an output depends on an Input that is not among ``inputs``.
    """
    input_ids = {id(t) for t in inputs}
    found, stack = {}, [t.node for t in flatten_symbolic(outputs)]
    while stack:
        node = stack.pop()
        if node is None or id(node) in found:
            continue
        if isinstance(node.operation, InputLayer):
            if id(node.outputs[0]) not in input_ids:
                raise ValueError(
                    f"Graph disconnected: the outputs depend on input '{node.operation.name}', "
                    f"which is not among the model's inputs {[t.name for t in inputs]}"
                )
            continue
        found[id(node)] = node
        for tensor in node.inputs:
            if id(tensor) in input_ids:  # an input of the model: the graph starts here
                continue
            if tensor.node is None:
                raise ValueError(f"Model(inputs, outputs): {tensor} was not made from an Input")
            stack.append(tensor.node)
    return sorted(found.values(), key=lambda node: node.order)


def keras_layer_order(outputs):
    """The operations that compute ``outputs`` in Keras's order for a functional model's
    ``layers``: deepest first (the inputs), ties broken by the order a walk from the outputs first
    reaches them. Weight files written by Keras rely on it (Keras 2 files match layers by
    position, ``.weights.h5`` names groups by rank among layers of a class).

    Args:
        outputs: the output structure of SymbolicTensors.

    Example:

    >>> import glassnet as keras
    >>> x = keras.Input((3,), name="pixels")
    >>> y = keras.layers.Dense(2, name="top")(keras.layers.Dense(4, name="hidden")(x))
    >>> [operation.name for operation in keras_layer_order(y)]
    ['pixels', 'hidden', 'top']
    """
    first_seen, post_order, finished = {}, [], set()
    stack = [(tensor.node, False) for tensor in reversed(flatten_symbolic(outputs))]
    while stack:
        node, done = stack.pop()
        if done:
            finished.add(id(node))
            post_order.append(node)
            continue
        if node is None or id(node) in finished:
            continue
        first_seen.setdefault(node.operation, len(first_seen))
        stack.append((node, True))
        if not isinstance(node.operation, InputLayer):
            stack.extend((tensor.node, False) for tensor in reversed(node.inputs))
    in_graph = {id(node) for node in post_order}
    node_depth, layer_depth = {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(node.operation, 0))
        node_depth[id(node)] = layer_depth[node.operation] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    return sorted(layer_depth, key=lambda op: (-layer_depth[op], first_seen[op]))


def rebase_on_inputs(inputs, outputs):
    """Keras's answer to ``Model(intermediate_tensors, outputs)``: fresh Inputs of the same shapes
    in place of tensors that do not come from an Input, and the calls between them and the
    outputs recorded again on those Inputs (the same layers, so the same weights).

    Args:
        inputs: the structure of SymbolicTensors the model is to start from.
        outputs: the output structure of SymbolicTensors.

    Example:

    >>> import glassnet as keras
    >>> x = keras.Input((3,))
    >>> hidden = keras.layers.Dense(4, name="hidden")(x)
    >>> y = keras.layers.Dense(2, name="top")(hidden)
    >>> new_input, new_output = rebase_on_inputs(hidden, y)
    >>> type(new_input.node.operation).__name__, new_input.shape, new_output.shape
    ('InputLayer', (None, 4), (None, 2))

    Returns:
        (new inputs, new outputs), in the structures given.
    """
    flat = flatten_symbolic(inputs)
    if all(t.node is not None and isinstance(t.node.operation, InputLayer) for t in flat):
        return inputs, outputs
    replaced = {}
    for tensor in flat:
        if tensor.node is not None and isinstance(tensor.node.operation, InputLayer):
            replaced[id(tensor)] = tensor
        else:
            name = tensor.name.replace("/", "_") if tensor.name else None
            replaced[id(tensor)] = InputLayer(
                batch_shape=tensor.shape, dtype=tensor.dtype, name=name and f"{name}_input"
            ).output
    for node in order_nodes(flat, outputs):
        args = nest.map_structure(lambda t: replaced[id(t)], node.args, _is_symbolic)
        kwargs = nest.map_structure(lambda t: replaced[id(t)], node.kwargs, _is_symbolic)
        produced = flatten_symbolic(node.operation(*args, **kwargs))
        for old, new in zip(node.outputs, produced):
            replaced[id(old)] = new
    swap = lambda t: replaced[id(t)]  # noqa: E731
    return (
        nest.map_structure(swap, inputs, _is_symbolic),
        nest.map_structure(swap, outputs, _is_symbolic),
    )
