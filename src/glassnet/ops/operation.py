"""Operation: anything that maps tensors to tensors and can be recorded in a graph.

Called on Tensors, an operation computes. Called on SymbolicTensors (the functional API), it
records a ``Node`` and returns SymbolicTensors whose shapes it finds by running itself on small
zero batches. ``Layer`` is an Operation; so is every public ``glassnet.ops`` function, through the
``@keras_op`` decorator, which records a ``FunctionOperation`` naming the function.

Example:

>>> from glassnet import ops
>>> from glassnet.autograd.symbolic import SymbolicTensor
>>> x = SymbolicTensor((None, 3), "float32")
>>> y = ops.add(x, 1.0)
>>> y.shape, y.node.operation.function
((None, 3), 'add')
"""

import functools

from glassnet.autograd.grad_mode import no_grad
from glassnet.autograd.symbolic import Node, SymbolicTensor, contains_symbolic, flatten_symbolic
from glassnet.autograd.tensor import Tensor
from glassnet.backend import nest, xp
from glassnet.backend.naming import snake_case, unique_name

_FUNCTIONS = {}  # public op name -> the eager function (what a recorded FunctionOperation runs)
# argument types that neither are nor hold a SymbolicTensor (a Tensor's data is an array)
_CANNOT_BE_SYMBOLIC = frozenset({Tensor, xp.ndarray, float, int, bool, str, type(None)})


class Operation:
    """Base of layers and recorded op calls: ``__call__`` computes or records.

    Subclasses define ``call``; called with any SymbolicTensor among its arguments, the
    operation records a ``Node`` instead and returns SymbolicTensors.

    Args:
        name: a name (unique within the session by default, from the class name).

    Example:

    >>> import numpy as np
    >>> from glassnet.autograd.symbolic import SymbolicTensor
    >>> class Double(Operation):
    ...     def call(self, x):
    ...         return x * 2.0
    >>> double = Double(name="double")
    >>> double(np.array([1.0, 2.0]))
    array([2., 4.])
    >>> y = double(SymbolicTensor((None, 3), "float32"))
    >>> y.shape, y.node.operation is double
    ((None, 3), True)
    """

    def __init__(self, name=None):
        self.name = name or unique_name(snake_case(type(self).__name__))

    def __call__(self, *args, **kwargs):
        if contains_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def call(self, *args, **kwargs):
        """The computation on Tensors; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} defines no call()")

    def run_on_zeros(self, args, kwargs, unknown_size):
        """``call`` on zero tensors shaped like the symbolic ones (None -> ``unknown_size``)."""
        concrete_args = map_symbolic(lambda t: zeros_like_symbolic(t, unknown_size), args)
        concrete_kwargs = map_symbolic(lambda t: zeros_like_symbolic(t, unknown_size), kwargs)
        with no_grad():
            return self.call(*concrete_args, **concrete_kwargs)

    def compute_output_spec(self, *args, **kwargs):
        """The SymbolicTensors ``self(*args, **kwargs)`` would return, found by running it twice
        on zeros with different sizes where sizes are unknown: sizes that differ are unknown."""
        return infer_by_running(lambda size: self.run_on_zeros(args, kwargs, size), self)

    def symbolic_call(self, *args, **kwargs):
        """Record ``self(*args, **kwargs)`` on symbolic inputs; return symbolic outputs."""
        outputs = self.compute_output_spec(*args, **kwargs)
        record_node(self, args, kwargs, outputs)
        return outputs

    def get_config(self):
        """The constructor arguments, as JSON-safe data."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        """The operation from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class FunctionOperation(Operation):
    """A public ``glassnet.ops`` function applied to symbolic tensors (``x + y``,
    ``ops.concatenate(...)`` in a functional model).

    It stores the function's *name*, never the function: configs hold no code, and a name that
    is not a public op is refused.

    Args:
        function: the op's name, e.g. "add".
        name: the node's name.

    Example:

    >>> operation = FunctionOperation("add")
    >>> operation([1.0], [2.0])
    Tensor([3.], dtype=float32)
    >>> operation.get_config()["function"]
    'add'
    """

    def __init__(self, function, name=None):
        if not isinstance(function, str) or function not in _FUNCTIONS:
            raise ValueError(f"FunctionOperation: glassnet.ops has no function {function!r}")
        super().__init__(name=name)
        self.function = function

    def call(self, *args, **kwargs):
        kwargs.pop("training", None)
        return _FUNCTIONS[self.function](*args, **kwargs)

    def get_config(self):
        return {"name": self.name, "function": self.function}


def keras_op(fn=None, *, name=None):
    """Decorator for a public op: on symbolic inputs it records a node, otherwise it runs ``fn``.

    The undecorated function stays reachable as ``op.eager`` (Tensor's operators call that).

    Args:
        fn: the op function.
        name: the name recorded in graphs (default ``fn.__name__``); unique among ops.

    Returns:
        the public op.

    Example:

    >>> from glassnet.ops.operation import keras_op
    >>> @keras_op
    ... def double(x):
    ...     return x * 2.0
    >>> double(3.0)
    6.0
    """
    if fn is None:
        return functools.partial(keras_op, name=name)
    op_name = name or fn.__name__
    _FUNCTIONS[op_name] = fn

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if not kwargs:  # the eager call on tensors, arrays and numbers: checked by type alone
            for value in args:
                if type(value) not in _CANNOT_BE_SYMBOLIC:
                    break
            else:
                return fn(*args)
        if contains_symbolic(args, kwargs):
            return FunctionOperation(op_name)(*args, **kwargs)
        return fn(*args, **kwargs)

    op.eager = fn
    op.op_name = op_name
    return op


def public_op_names():
    """Names of every function decorated with ``keras_op``, sorted.

    Example:

    >>> names = public_op_names()
    >>> "add" in names, names == sorted(names)
    (True, True)
    """
    return sorted(_FUNCTIONS)


def map_symbolic(fn, structure):
    """``structure`` with ``fn(t)`` in place of every SymbolicTensor.

    Args:
        fn: function of one SymbolicTensor.
        structure: a SymbolicTensor, or a nest (list, tuple, dict) that may hold some; other
            leaves are kept as they are.

    Example:

    >>> from glassnet.autograd.symbolic import SymbolicTensor
    >>> map_symbolic(lambda t: t.shape, {"a": SymbolicTensor((None, 3), "float32"), "b": 1})
    {'a': (None, 3), 'b': 1}
    """
    return nest.map_structure(fn, structure, lambda v: isinstance(v, SymbolicTensor))


# (batch size, other sizes) of the two runs that find unknown sizes. Small first; larger ones
# when the small ones fail (a 3x3 'valid' convolution needs at least 3 pixels, a network that
# halves an image five times at least 32).
UNKNOWN_SIZE_TRIALS = (((2, 2), (3, 3)), ((2, 32), (3, 48)), ((2, 224), (3, 256)))


def infer_by_running(run, operation):
    """Output spec from ``run(size)`` -- the computation on zeros with unknown sizes ``size``
    (a (batch, other) pair) -- done twice per trial of UNKNOWN_SIZE_TRIALS until one works.

    Args:
        run: function (batch, other) pair -> the computation's output on zero inputs.
        operation: the Operation being run, named in ``output_spec``'s errors.

    Returns:
        SymbolicTensors shaped like the output, None where the two runs' sizes differ; when
        every trial fails, the first trial's error is raised.

    Example:

    >>> import numpy as np
    >>> spec = infer_by_running(lambda size: Tensor(np.zeros((size[0], 4))), None)
    >>> spec.shape, spec.dtype
    ((None, 4), 'float64')
    """
    first_error = None
    for small, large in UNKNOWN_SIZE_TRIALS:
        try:
            return output_spec(run(small), run(large), operation)
        except Exception as error:  # too small for this computation: try larger sizes
            if first_error is None:
                first_error = error
    raise first_error


def zeros_like_symbolic(tensor, unknown_size):
    """A zero Tensor of ``tensor``'s shape where the size is known, ``unknown_size`` (an int, or a
    (batch axis, other axes) pair) where it is None.

    Args:
        tensor: a SymbolicTensor (string dtypes give an object array of "" instead).
        unknown_size: int, or a (batch, other) pair: the size of the unknown batch axis (axis 0)
            and of the other unknown axes.

    Example:

    >>> from glassnet.autograd.symbolic import SymbolicTensor
    >>> zeros_like_symbolic(SymbolicTensor((None, None, 3), "float32"), (2, 5)).shape
    (2, 5, 3)
    """
    batch, other = (unknown_size, unknown_size) if isinstance(unknown_size, int) else unknown_size
    shape = tuple(
        (batch if axis == 0 else other) if n is None else n for axis, n in enumerate(tensor.shape)
    )
    if tensor.dtype in ("string", "str") or xp.dtype(tensor.dtype).kind in "OUS":
        return xp.full(shape, "", dtype=object)
    return Tensor(xp.zeros(shape, dtype=tensor.dtype))


def output_spec(first, second, operation):
    """SymbolicTensors from two runs on differently sized zeros (None where sizes differ).

    Args:
        first: the output of the first run: a Tensor or array, or a list, tuple or dict of them.
        second: the output of the second run, of the same structure.
        operation: the Operation that ran, named in the TypeError for any other output type.

    Example:

    >>> import numpy as np
    >>> output_spec(Tensor(np.zeros((2, 3))), Tensor(np.zeros((3, 3))), None).shape
    (None, 3)
    """

    def spec(a, b):
        shape = tuple(n if n == m else None for n, m in zip(a.shape, b.shape))
        return SymbolicTensor(shape, str(a.dtype))

    if isinstance(first, (Tensor, xp.ndarray)):
        return spec(first, second)
    if isinstance(first, (list, tuple)):
        return type(first)(output_spec(a, b, operation) for a, b in zip(first, second))
    if isinstance(first, dict):
        return {k: output_spec(first[k], second[k], operation) for k in first}
    raise TypeError(
        f"{type(operation).__name__} '{operation.name}': call() must return a tensor, a "
        f"list/tuple or a dict of tensors, got {type(first).__name__}"
    )


def record_node(operation, args, kwargs, outputs):
    """Make the Node for ``outputs = operation(*args, **kwargs)`` and point outputs at it.

    Args:
        operation: the Operation (layer or FunctionOperation) that was called.
        args: the call's positional arguments, SymbolicTensors where tensors flowed in.
        kwargs: the call's keyword arguments.
        outputs: the call's SymbolicTensors (one, or a nest of them); each gets ``node``,
            ``index`` and a ``name`` from the operation's.

    Returns:
        the new Node.

    Example:

    >>> from glassnet.autograd.symbolic import SymbolicTensor
    >>> operation = FunctionOperation("add", name="plus")
    >>> x, y = SymbolicTensor((None, 3), "float32"), SymbolicTensor((None, 3), "float32")
    >>> node = record_node(operation, (x, 1.0), {}, y)
    >>> y.node is node, y.name
    (True, 'plus')
    """
    flat = flatten_symbolic(outputs)
    node = Node(operation, args, kwargs, flat)
    for i, tensor in enumerate(flat):
        tensor.node, tensor.index = node, i
        tensor.name = operation.name if len(flat) == 1 else f"{operation.name}_{i}"
    return node
