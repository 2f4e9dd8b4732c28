"""``vectorize``: a function of single elements (or of core sub-arrays, with a signature) made to
run over whole tensors, as ``numpy.vectorize`` does.

The function is called once per position of the broadcast loop axes, on Tensor slices, and the
results are stacked; since slicing and stacking are differentiable ops, gradients flow through
whatever ops the function uses.

Example:

>>> from glassnet import ops
>>> clipped_square = ops.vectorize(lambda v: ops.minimum(v * v, 4.0))
>>> clipped_square([1.0, 3.0]).data.tolist()
[1.0, 4.0]
"""

import functools
import re

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import xp
from glassnet.ops.manipulation import getitem, reshape, stack
from glassnet.ops.operation import Operation

_DIMENSIONS = r"\(([\w,\s]*)\)"


def _parse_signature(signature):
    """'(m,n),(n)->(m)' -> ([('m', 'n'), ('n',)], [('m',)])."""
    pattern = rf"^{_DIMENSIONS}(\s*,\s*{_DIMENSIONS})*\s*->\s*{_DIMENSIONS}(\s*,\s*{_DIMENSIONS})*$"
    if not re.match(pattern, signature.replace(" ", "")):
        raise ValueError(f"vectorize: not a valid signature: {signature!r}")
    inputs, outputs = signature.replace(" ", "").split("->")

    def groups(side):
        return [tuple(d for d in g.split(",") if d) for g in re.findall(_DIMENSIONS, side)]

    return groups(inputs), groups(outputs)


def _as_output(value):
    if isinstance(value, tuple):
        return tuple(_as_output(v) for v in value)
    return value if isinstance(value, Tensor) else as_tensor(value)


def _stack_results(results, loop_shape):
    first = results[0]
    if isinstance(first, tuple):
        return tuple(_stack_results([r[i] for r in results], loop_shape) for i in range(len(first)))
    stacked = stack(results, axis=0)
    return reshape(stacked, tuple(loop_shape) + first.shape)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """``pyfunc`` turned into a function that maps over tensors elementwise (or over core
    sub-arrays named by ``signature``), broadcasting its positional arguments.

    Args:
        pyfunc: function of Tensors (single elements, or core sub-arrays) returning a tensor or a
            tuple of tensors.
        excluded: positions (ints) or names (strs) of arguments passed through unchanged.
        signature: a generalised-ufunc signature such as "(n),(n)->()"; None maps over every
            element.

    Returns:
        the vectorized function; keyword arguments (other than excluded ones) are passed
        through to ``pyfunc`` unchanged.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> row_dot = ops.vectorize(lambda a, b: ops.sum(a * b), signature="(n),(n)->()")
    >>> row_dot(np.ones((2, 3)), np.arange(3.0)).data.tolist()
    [3.0, 3.0]
    """
    excluded = set(excluded or ())
    core_inputs = _parse_signature(signature)[0] if signature is not None else None

    def run(*args, **kwargs):
        positions = [i for i in range(len(args)) if i not in excluded]
        tensors = [as_tensor(args[i], where="vectorize") for i in positions]
        cores = core_inputs if core_inputs is not None else [()] * len(tensors)
        if len(cores) != len(tensors):
            raise ValueError(
                f"vectorize: the signature {signature!r} names {len(cores)} inputs, got "
                f"{len(tensors)} vectorized arguments"
            )
        loop_shapes = []
        for tensor, core in zip(tensors, cores):
            if tensor.ndim < len(core):
                raise ValueError(
                    f"vectorize: an argument of shape {tensor.shape} has fewer dimensions than "
                    f"its core dimensions {core}"
                )
            loop_shapes.append(tensor.shape[: tensor.ndim - len(core)])
        loop_shape = xp.broadcast_shapes(*loop_shapes) if loop_shapes else ()
        results = []
        for index in xp.ndindex(*loop_shape):
            call_args = list(args)
            for position, tensor, shape in zip(positions, tensors, loop_shapes):
                # broadcasting: an axis of size 1 (or a missing leading axis) repeats
                own = index[len(index) - len(shape) :]
                own = tuple(i if n > 1 else 0 for i, n in zip(own, shape))
                call_args[position] = getitem(tensor, own) if own else tensor
            results.append(_as_output(pyfunc(*call_args, **kwargs)))
        if not results:
            raise ValueError("vectorize: the broadcast loop shape is empty; nothing to map over")
        return _stack_results(results, loop_shape)

    return functools.update_wrapper(VectorizedFunction(run, pyfunc), pyfunc)


class VectorizedFunction(Operation):
    """What ``vectorize`` returns: callable on Tensors (it computes) and on symbolic tensors (it
    records a graph node, so it can sit inside a functional model).

    Args:
        run: the mapping loop.
        pyfunc: the function it maps (for its name).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> from glassnet.autograd.symbolic import SymbolicTensor
    >>> def dot(a, b):
    ...     return ops.sum(a * b)
    >>> row_dot = ops.vectorize(dot, signature="(n),(n)->()")
    >>> type(row_dot).__name__, row_dot.name
    ('VectorizedFunction', 'vectorize_dot')
    >>> y = row_dot(SymbolicTensor((None, 3), "float32"), np.ones(3, dtype="float32"))
    >>> y.shape, y.node.operation is row_dot
    ((None,), True)
    """

    def __init__(self, run, pyfunc):
        super().__init__(
            name=f"vectorize_{getattr(pyfunc, '__name__', 'function')}".replace("<", "").replace(
                ">", ""
            )
        )
        self.run = run

    def call(self, *args, **kwargs):
        return self.run(*args, **kwargs)
