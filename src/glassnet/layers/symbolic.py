"""Recording layer calls on SymbolicTensors: the functional API's graph.

Output shapes are found by running the layer on small zero batches: once with every unknown
size set to 2 and once set to 3; sizes that differ between the two runs are unknown (None) in the
output too. Weights are built first from the symbolic shape, as Keras does.
"""

from glassnet.autograd.grad_mode import no_grad
from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers import layer as layer_module
from glassnet.layers.layer import Layer
from glassnet.utils.nest import flatten


class Node:
    """One call of a layer in a functional graph: ``outputs = layer(*args, **kwargs)``.

    ``order`` counts nodes as they are made; it is a topological order, since a call can only use
    tensors that already exist.
    """

    _created = 0

    def __init__(self, layer, args, kwargs, outputs):
        Node._created += 1
        self.order = Node._created
        self.layer, self.args, self.kwargs = layer, args, kwargs
        self.outputs = outputs  # flat list of SymbolicTensors
        self.inputs = flatten_symbolic((args, kwargs))

    @property
    def parent_nodes(self):
        return [t.node for t in self.inputs if t.node is not None]


def flatten_symbolic(structure):
    return flatten(structure, lambda s: isinstance(s, SymbolicTensor))


def map_structure(fn, structure):
    if isinstance(structure, SymbolicTensor):
        return fn(structure)
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, s) for s in structure)
    if isinstance(structure, dict):
        return {k: map_structure(fn, v) for k, v in structure.items()}
    return structure


def _dummy(tensor, unknown):
    shape = tuple(unknown if n is None else n for n in tensor.shape)
    return Tensor(xp.zeros(shape, dtype=tensor.dtype))


def _run(layer, args, kwargs, unknown):
    concrete_args = map_structure(lambda t: _dummy(t, unknown), args)
    concrete_kwargs = map_structure(lambda t: _dummy(t, unknown), kwargs)
    with no_grad():
        layer_module._training_context.append(False)
        try:
            return Layer.__call__(layer, *concrete_args, **concrete_kwargs)
        finally:
            layer_module._training_context.pop()


def infer_output(layer, args, kwargs):
    """Symbolic outputs (no node yet) of ``layer(*args, **kwargs)``."""
    first, second = _run(layer, args, kwargs, 2), _run(layer, args, kwargs, 3)

    def spec(a, b):
        shape = tuple(n if n == m else None for n, m in zip(a.shape, b.shape))
        return SymbolicTensor(shape, str(a.dtype))

    if isinstance(first, Tensor):
        return spec(first, second)
    if isinstance(first, (list, tuple)):
        return type(first)(spec(a, b) for a, b in zip(first, second))
    if isinstance(first, dict):
        return {k: spec(first[k], second[k]) for k in first}
    raise TypeError(
        f"{type(layer).__name__} '{layer.name}': call() must return a tensor, a list/tuple or a dict of tensors, got {type(first).__name__}"
    )


def symbolic_call(layer, args, kwargs):
    """Record ``layer(*args, **kwargs)`` on symbolic inputs and return symbolic outputs."""
    kwargs = dict(kwargs)
    kwargs.pop("training", None)
    if not layer.built and args:
        first = args[0]
        shape = (
            tuple(first.shape)
            if isinstance(first, SymbolicTensor)
            else map_structure(lambda t: tuple(t.shape), first)
        )
        layer._maybe_build(shape)
    outputs = infer_output(layer, args, kwargs)
    flat = flatten_symbolic(outputs)
    node = Node(layer, args, kwargs, flat)
    for i, t in enumerate(flat):
        t.node, t.index = node, i
        t.name = layer.name if len(flat) == 1 else f"{layer.name}_{i}"
    layer._inbound_nodes.append(node)
    if isinstance(outputs, SymbolicTensor):
        layer.output_shape_ = outputs.shape
    return outputs


class OpLayer(Layer):
    """A ``glassnet.ops`` function applied to symbolic tensors (``x + y``, ``ops.concatenate``...).

    It stores the function's *name*, never the function: configs hold no code.
    """

    def __init__(self, function, **kwargs):
        import glassnet.ops as ops

        if not isinstance(function, str) or function not in vars(
            ops.raw
        ):  # only the public ops, never arbitrary names
            raise ValueError(f"OpLayer: glassnet.ops has no function {function!r}")
        super().__init__(name=kwargs.pop("name", None) or None, **kwargs)
        self.function = function
        self.built = True

    def __call__(self, *args, **kwargs):
        if any(isinstance(t, SymbolicTensor) for t in flatten_symbolic((args, kwargs))):
            return symbolic_call(self, args, kwargs)
        return self.call(*args, **kwargs)

    def call(self, *args, **kwargs):
        import glassnet.ops as ops

        kwargs.pop("training", None)
        return getattr(ops, self.function)(*args, **kwargs)

    def get_config(self):
        return {"name": self.name, "function": self.function}


class InputLayer(Layer):
    """The entry point of a functional model (``Input`` creates one)."""

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        name=None,
        batch_shape=None,
        input_shape=None,
        **kwargs,
    ):
        super().__init__(name=name, dtype=dtype, **kwargs)
        shape = shape if shape is not None else input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "InputLayer: give shape=(...) (without the batch axis) or batch_shape=(...)"
                )
            batch_shape = (batch_size,) + tuple(shape)
        self.batch_shape = tuple(batch_shape)
        self.built = True
        self.output = SymbolicTensor(self.batch_shape, self.dtype, name=self.name)
        self.output.node = Node(self, (), {}, [self.output])
        self._inbound_nodes.append(self.output.node)
        self.output_shape_ = self.batch_shape

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {"name": self.name, "batch_shape": self.batch_shape, "dtype": self.dtype}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None, tensor=None):
    """A symbolic input of the given shape (without the batch axis), as ``keras.Input``."""
    return InputLayer(
        shape=shape, batch_size=batch_size, dtype=dtype, name=name, batch_shape=batch_shape
    ).output
