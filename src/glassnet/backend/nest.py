"""Walking nested lists, tuples and dicts (the structures layers and models take and return).

Example:

>>> from glassnet.backend.nest import flatten, map_structure
>>> flatten([1, (2, {"a": 3})], lambda v: isinstance(v, int))
[1, 2, 3]
>>> map_structure(lambda v: v * 10, [1, (2, {"a": 3})], lambda v: isinstance(v, int))
[10, (20, {'a': 30})]
"""


def flatten(structure, is_leaf):
    """The leaves of nested lists, tuples and dict values, in order.

    Args:
        structure: a leaf, or lists, tuples and dicts nesting leaves.
        is_leaf: predicate telling a leaf from everything else; non-leaf values that are not
            containers are dropped.

    Returns:
        list of the leaves, depth first, dict values in insertion order.

    Example:

    >>> flatten({"a": [1, "skip"], "b": 2}, lambda value: isinstance(value, int))
    [1, 2]
    """
    out = []
    stack = [structure]
    while stack:
        value = stack.pop()
        if is_leaf(value):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
    return out


def map_structure(fn, structure, is_leaf):
    """The same nesting with ``fn(leaf)`` in place of every leaf; other values are kept.

    Args:
        fn: function applied to each leaf.
        structure: nested lists, tuples and dicts.
        is_leaf: predicate telling a leaf.

    Returns:
        a new structure of the same types (lists stay lists, tuples tuples, dicts dicts).

    Example:

    >>> map_structure(str, {"a": (1, None)}, lambda value: isinstance(value, int))
    {'a': ('1', None)}
    """
    if is_leaf(structure):
        return fn(structure)
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item, is_leaf) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value, is_leaf) for key, value in structure.items()}
    return structure
