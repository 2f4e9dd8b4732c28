"""SymbolicTensor (Keras's KerasTensor): a placeholder with a shape that records how it was
made.

The functional API (``x = Input((784,)); y = Dense(10)(x)``) works on these: calling a layer or a
``glassnet.ops`` function on one records a ``Node`` instead of computing, and ``Model(inputs,
outputs)`` replays the recorded nodes on real data.

Example:

>>> from glassnet.autograd.symbolic import SymbolicTensor
>>> x = SymbolicTensor((None, 3), "float32", name="x")
>>> x.shape, x.ndim
((None, 3), 2)
"""


class SymbolicTensor:
    """A tensor of known shape (None where unknown) and dtype, without values.

    Args:
        shape: tuple of ints or None, batch axis first.
        dtype: dtype name, e.g. "float32".
        node: the Node that produces it (None for a free placeholder).
        index: which output of that node it is.
        name: a name for messages and saved graphs.

    Example:

    >>> import glassnet as keras
    >>> inputs = keras.Input((3,))
    >>> outputs = keras.layers.Dense(2)(inputs)
    >>> outputs.shape, type(outputs.node.layer).__name__
    ((None, 2), 'Dense')
    """

    __slots__ = ("shape", "dtype", "node", "index", "name")
    __array_priority__ = 2000

    def __init__(self, shape, dtype="float32", node=None, index=0, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node
        self.index = index
        self.name = name

    @property
    def ndim(self):
        """Number of axes, the batch axis included."""
        return len(self.shape)

    def __repr__(self):
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __add__(self, other):
        return _operators.add(self, other)

    def __radd__(self, other):
        return _operators.add(other, self)

    def __sub__(self, other):
        return _operators.subtract(self, other)

    def __rsub__(self, other):
        return _operators.subtract(other, self)

    def __mul__(self, other):
        return _operators.multiply(self, other)

    def __rmul__(self, other):
        return _operators.multiply(other, self)

    def __truediv__(self, other):
        return _operators.divide(self, other)

    def __rtruediv__(self, other):
        return _operators.divide(other, self)

    def __matmul__(self, other):
        return _operators.matmul(self, other)

    def __rmatmul__(self, other):
        return _operators.matmul(other, self)

    def __pow__(self, other):
        return _operators.power(self, other)

    def __neg__(self):
        return _operators.negative(self)

    def __abs__(self):
        return _operators.abs(self)

    def __getitem__(self, index):
        return _operators.getitem(self, index)


class Node:
    """One recorded call in a graph: ``outputs = operation(*args, **kwargs)``.

    ``order`` counts nodes as they are made: a topological order, since a call can only use
    tensors that already exist.

    Args:
        operation: the Layer or op that was called.
        args, kwargs: the call's arguments, SymbolicTensors where tensors flowed in.
        outputs: flat list of the SymbolicTensors it produced.

    Example:

    >>> import glassnet as keras
    >>> inputs = keras.Input((3,))
    >>> node = keras.layers.Dense(2)(inputs).node
    >>> node.inputs[0] is inputs, [parent.layer.name for parent in node.parent_nodes][:1]
    (True, ['input_layer...'])
    """

    _created = 0

    def __init__(self, operation, args, kwargs, outputs):
        Node._created += 1
        self.order = Node._created
        self.operation, self.args, self.kwargs = operation, args, kwargs
        self.outputs = outputs
        self.inputs = flatten_symbolic((args, kwargs))

    @property
    def layer(self):
        """The operation, by the name Keras's functional models use for it."""
        return self.operation

    @property
    def parent_nodes(self):
        """The nodes that produced this node's inputs."""
        return [tensor.node for tensor in self.inputs if tensor.node is not None]


def is_symbolic(value):
    """Whether ``value`` is a SymbolicTensor.

    Args:
        value: anything.

    Returns:
        bool.

    Example:

    >>> is_symbolic(SymbolicTensor((None, 2))), is_symbolic(1.0)
    (True, False)
    """
    return isinstance(value, SymbolicTensor)


def flatten_symbolic(structure):
    """The SymbolicTensors in nested lists, tuples and dicts, in order.

    Args:
        structure: any nesting of lists, tuples and dicts (other values are skipped).

    Returns:
        A flat list of SymbolicTensors.

    Example:

    >>> a, b = SymbolicTensor((1,), name="a"), SymbolicTensor((1,), name="b")
    >>> [tensor.name for tensor in flatten_symbolic({"x": [a, 3], "y": (b,)})]
    ['a', 'b']
    """
    out = []
    stack = [structure]
    while stack:
        value = stack.pop()
        if isinstance(value, SymbolicTensor):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
    return out


_CONTAINERS = (list, tuple, dict)


def contains_symbolic(args, kwargs=None):
    """Whether a SymbolicTensor appears in ``args`` or ``kwargs`` (nested lists/tuples/dicts).

    Cheap for the common eager call: plain tensors and numbers are checked by type only.

    Args:
        args: the positional arguments of a call.
        kwargs: its keyword arguments, or None.

    Returns:
        bool.

    Example:

    >>> contains_symbolic((1.0,), {"initial_state": [SymbolicTensor((None, 4))]})
    True
    >>> contains_symbolic((1.0, [2.0]))
    False
    """
    for value in args:
        if isinstance(value, SymbolicTensor):
            return True
        if isinstance(value, _CONTAINERS) and flatten_symbolic(value):
            return True
    if kwargs:
        for value in kwargs.values():
            if isinstance(value, SymbolicTensor):
                return True
            if isinstance(value, _CONTAINERS) and flatten_symbolic(value):
                return True
    return False


class _OperatorsNotInstalled:
    def __getattr__(self, name):
        raise RuntimeError(f"SymbolicTensor operator '{name}' needs glassnet.ops; import it first")


_operators = _OperatorsNotInstalled()


def install_operators(namespace):
    """Give SymbolicTensor its operators: the public ops, which record nodes on symbolic input.

    Installed by glassnet.ops at import, as for Tensor (the ops layer sits above this one).

    Args:
        namespace: an object with the ops add, subtract, multiply, divide, matmul, power,
            negative, abs and getitem as attributes.

    Example:

    >>> from glassnet import ops
    >>> install_operators(ops)  # what importing glassnet.ops does
    >>> (SymbolicTensor((None, 2)) * 2.0).shape
    (None, 2)
    """
    global _operators
    _operators = namespace
