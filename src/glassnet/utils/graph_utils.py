"""Questions about functional-API tensors: ``is_keras_tensor`` and ``get_source_inputs``.

Example:

>>> import glassnet as keras
>>> x = keras.Input((3,), name="features")
>>> y = keras.layers.Dense(2)(x)
>>> keras.utils.is_keras_tensor(y), keras.utils.get_source_inputs(y)[0] is x
(True, True)
"""

from glassnet.autograd.symbolic import SymbolicTensor


def is_keras_tensor(x):
    """Whether ``x`` is a symbolic tensor of the functional API (made by ``Input`` or by calling a
    layer on one), as opposed to a tensor holding values.

    Args:
        x: anything.

    Returns:
        bool.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> keras.utils.is_keras_tensor(keras.Input((2,))), keras.utils.is_keras_tensor(np.ones(2))
    (True, False)
    """
    return isinstance(x, SymbolicTensor)


def _is_source(tensor):
    node = tensor.node
    return node is None or not node.inputs


def get_source_inputs(tensor):
    """The input tensors (``Input(...)``) that ``tensor`` was computed from, each once, in the
    order they are first met.

    Args:
        tensor: a symbolic tensor; anything else is returned unchanged, as Keras does.

    Returns:
        list of symbolic tensors.

    Example:

    >>> import glassnet as keras
    >>> a, b = keras.Input((2,), name="a"), keras.Input((2,), name="b")
    >>> total = keras.layers.Add()([a, keras.layers.Dense(2)(b)])
    >>> [t.name for t in keras.utils.get_source_inputs(total)]
    ['a', 'b']
    """
    if not isinstance(tensor, SymbolicTensor):
        return tensor
    if _is_source(tensor):
        return [tensor]
    sources, seen_nodes, stack = [], set(), [tensor]
    while stack:  # depth first, left to right, without recursion
        current = stack.pop()
        if _is_source(current):
            if all(current is not known for known in sources):
                sources.append(current)
            continue
        if id(current.node) in seen_nodes:
            continue
        seen_nodes.add(id(current.node))
        stack.extend(reversed(current.node.inputs))
    return sources
