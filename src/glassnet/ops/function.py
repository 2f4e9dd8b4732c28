"""``keras.Function``: a recorded graph of operations from symbolic inputs to outputs, callable on
real tensors.

Calling layers and ops on symbolic tensors (``keras.Input``) records ``Node``s; a Function keeps
the nodes between its inputs and outputs, in the order they were recorded, and runs them on the
values it is given. It is what a functional Model is without being a Layer: no weights of its
own, no training loop, no masks.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> x = keras.Input((2,))
>>> fn = keras.Function(x, keras.ops.relu(x) * 2.0)
>>> fn(np.array([[-1.0, 3.0]])).data.tolist()
[[0.0, 6.0]]
"""

from glassnet import tree
from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.backend import nest
from glassnet.backend.naming import unique_name


def _symbolic_leaves(structure, where):
    leaves = tree.flatten(structure)
    for leaf in leaves:
        if not isinstance(leaf, SymbolicTensor):
            raise TypeError(
                f"{where}: expected symbolic tensors (keras.Input or the outputs of layers called "
                f"on them), got {type(leaf).__name__}"
            )
    return leaves


class Function:
    """The computation from symbolic ``inputs`` to ``outputs``, replayable on real data.

    Args:
        inputs: a symbolic tensor or a nested structure (list, tuple, dict) of them.
        outputs: symbolic tensors computed from ``inputs``, in any nested structure.
        name: a name (unique by default).

    Attributes:
        inputs, outputs: as given.
        operations: the layers and ops that run, in order.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> a, b = keras.Input((1,)), keras.Input((1,))
    >>> fn = keras.Function({"a": a, "b": b}, [a + b, a * b])
    >>> [t.data.tolist() for t in fn({"a": np.array([[2.0]]), "b": np.array([[5.0]])})]
    [[[7.0]], [[10.0]]]
    """

    def __init__(self, inputs, outputs, name=None):
        self.name = name or unique_name("function")
        self.inputs, self.outputs = inputs, outputs
        self._flat_inputs = _symbolic_leaves(inputs, f"Function '{self.name}' inputs")
        flat_outputs = _symbolic_leaves(outputs, f"Function '{self.name}' outputs")
        self._nodes = self._nodes_between(self._flat_inputs, flat_outputs)

    def _nodes_between(self, flat_inputs, flat_outputs):
        """The nodes that compute the outputs from the inputs, in recording order."""
        known = {id(t) for t in flat_inputs}
        nodes, stack = {}, list(flat_outputs)
        while stack:
            tensor = stack.pop()
            if id(tensor) in known:
                continue
            # a tensor made by no node, or by one with no inputs (keras.Input's placeholder),
            # can only come from outside: it must be one of the inputs
            if tensor.node is None or not tensor.node.inputs:
                raise ValueError(
                    f"Function '{self.name}': an output depends on {tensor!r}, which is not one "
                    "of the inputs; add it to inputs"
                )
            known.add(id(tensor))
            node = tensor.node
            if id(node) not in nodes:
                nodes[id(node)] = node
                stack.extend(node.inputs)
        return sorted(nodes.values(), key=lambda node: node.order)

    @property
    def operations(self):
        """The operations of the graph in the order they run (each once)."""
        seen, out = set(), []
        for node in self._nodes:
            if id(node.operation) not in seen:
                seen.add(id(node.operation))
                out.append(node.operation)
        return out

    def call(self, inputs):
        """Run the graph on ``inputs`` (a structure like the Function's inputs)."""
        given = tree.flatten(inputs)
        if len(given) != len(self._flat_inputs):
            raise ValueError(
                f"Function '{self.name}': expected {len(self._flat_inputs)} inputs, got "
                f"{len(given)}"
            )
        values = {id(t): v for t, v in zip(self._flat_inputs, given)}

        def value_of(t):
            return values[id(t)]

        def is_symbolic(v):
            return isinstance(v, SymbolicTensor)

        for node in self._nodes:
            args = nest.map_structure(value_of, node.args, is_symbolic)
            kwargs = nest.map_structure(value_of, node.kwargs, is_symbolic)
            result = node.operation(*args, **kwargs)
            flat = nest.flatten(result, lambda v: not isinstance(v, (list, tuple, dict)))
            if len(node.outputs) == 1:
                flat = [result]
            for tensor, value in zip(node.outputs, flat):
                values[id(tensor)] = value
        return tree.map_structure(value_of, self.outputs)

    def __call__(self, inputs):
        return self.call(inputs)

    def compute_output_spec(self, inputs):
        """The symbolic outputs for symbolic ``inputs`` (recorded anew on them)."""
        return self.call(inputs)

    def __repr__(self):
        return f"<Function name={self.name}, operations={len(self._nodes)}>"
