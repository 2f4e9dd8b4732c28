"""``keras.tree``: working with nested structures of lists, tuples, namedtuples, deques and dicts.

The rules are Keras's (which follow optree's): lists, tuples, namedtuples, deques and dicts are
nested; everything else (numbers, strings, arrays, tensors, None) is a leaf. Dict children are
visited in sorted key order (an OrderedDict's in its own order), so a dict flattens the same way
whatever order its keys were inserted in, and ``pack_sequence_as`` puts the values back by key.
A namedtuple is its own structure: two namedtuple classes never match, even with equal names.

The module is plain Python with no glassnet import, so any layer of glassnet may use it.

Example:

>>> from glassnet import tree
>>> tree.flatten({"b": 1, "a": (2, 3)})
[2, 3, 1]
>>> tree.map_structure(lambda x: x * 10, {"b": 1, "a": (2, 3)})
{'b': 10, 'a': (20, 30)}
"""

import collections


class MAP_TO_NONE:
    """Returned by ``traverse``'s function to replace a sub-structure with None (returning None
    itself means "leave it").

    Example:

    >>> from glassnet import tree
    >>> tree.traverse(lambda x: tree.MAP_TO_NONE if x == [2] else None, [1, [2]])
    [1, None]
    """


# -- what is nested, and how to take it apart and put it back -------------------------------------
def _is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def is_nested(structure):
    """True for a list, tuple, namedtuple, deque or dict; False for a leaf.

    Args:
        structure: any value.

    Example:

    >>> from glassnet import tree
    >>> tree.is_nested(42), tree.is_nested({"foo": 42}), tree.is_nested(None)
    (False, True, False)
    """
    return isinstance(structure, (list, tuple, dict, collections.deque))


def _sorted_keys(mapping):
    if isinstance(mapping, collections.OrderedDict):
        return list(mapping)
    try:
        return sorted(mapping)
    except TypeError:  # keys of mixed types: group them by type name first
        return sorted(mapping, key=lambda k: (type(k).__name__, k))


def _children(node):
    """(keys or indices, child values) of a nested node, in flattening order."""
    if isinstance(node, dict):
        keys = _sorted_keys(node)
        return keys, [node[k] for k in keys]
    return list(range(len(node))), list(node)


def _rebuild(node, children):
    """A node of ``node``'s type holding ``children`` (given in flattening order)."""
    if isinstance(node, dict):
        by_key = dict(zip(_sorted_keys(node), children))
        items = [(k, by_key[k]) for k in node]  # the original key order
        if isinstance(node, collections.defaultdict):
            return type(node)(node.default_factory, items)
        return type(node)(items)
    if _is_namedtuple(node):
        return type(node)(*children)
    if isinstance(node, collections.deque):
        return collections.deque(children, maxlen=node.maxlen)
    return type(node)(children)


def _kind(node):
    """What two nodes must share to have the same structure (dict types all count as one)."""
    if isinstance(node, dict):
        return "dict"
    if _is_namedtuple(node):
        return type(node)
    if isinstance(node, collections.deque):
        return "deque"
    return "tuple" if isinstance(node, tuple) else "list"


def _kind_name(kind):
    return kind.__name__ if isinstance(kind, type) else kind


# -- flattening -----------------------------------------------------------------------------------
def flatten(structure):
    """The leaves of ``structure``, depth first (dict values by sorted key).

    Args:
        structure: a nested structure, or a single leaf (which gives [leaf]).

    Example:

    >>> from glassnet import tree
    >>> tree.flatten([[1, 2, 3], [4, [5], [[6]]]])
    [1, 2, 3, 4, 5, 6]
    >>> tree.flatten(None), tree.flatten({100: "world!", 6: "Hello"})
    ([None], ['Hello', 'world!'])
    """
    return [leaf for _, leaf in flatten_with_path(structure)]


def flatten_with_path(structure):
    """(path, leaf) pairs; a path is the tuple of indices and keys leading to the leaf.

    Args:
        structure: a nested structure, or a single leaf (whose path is ()).

    Example:

    >>> from glassnet import tree
    >>> tree.flatten_with_path([{"foo": 42}])
    [((0, 'foo'), 42)]
    """
    out = []
    stack = [((), structure)]
    while stack:
        path, node = stack.pop()
        if not is_nested(node):
            out.append((path, node))
            continue
        keys, values = _children(node)
        stack.extend(reversed([(path + (k,), v) for k, v in zip(keys, values)]))
    return out


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence``'s values arranged as ``structure`` (the inverse of ``flatten``).

    Args:
        structure: the nesting to fill.
        flat_sequence: a list or tuple with one value per leaf of ``structure``.

    Returns:
        a new structure of ``structure``'s types.

    Example:

    >>> from glassnet import tree
    >>> tree.pack_sequence_as({"key3": "", "key1": "", "key2": ""}, ["v1", "v2", "v3"])
    {'key3': 'v3', 'key1': 'v1', 'key2': 'v2'}
    >>> tree.pack_sequence_as((("a", "b"), ("c", "d", "e"), "f"), [1, 2, 3, 4, 5, 6])
    ((1, 2), (3, 4, 5), 6)
    """
    if not isinstance(flat_sequence, (list, tuple, collections.deque)):
        raise TypeError(
            f"pack_sequence_as: flat_sequence must be a list or tuple, got "
            f"{type(flat_sequence).__name__}"
        )
    expected = len(flatten(structure))
    if len(flat_sequence) != expected:
        much = "many" if len(flat_sequence) > expected else "few"
        raise ValueError(
            f"pack_sequence_as: too {much} values: the structure has {expected} leaves, "
            f"flat_sequence has {len(flat_sequence)}"
        )
    values = iter(flat_sequence)

    def fill(node):
        if not is_nested(node):
            return next(values)
        return _rebuild(node, [fill(child) for child in _children(node)[1]])

    return fill(structure)


# -- comparing structures ------------------------------------------------------------------------
def _mismatch(a, b, path, why):
    where = f" at {path}" if path else ""
    raise ValueError(
        f"The two structures don't have the same nested structure{where}: {why}.\n"
        f"First structure: {a!r}\nSecond structure: {b!r}"
    )


def _check_same(a, b, path=()):
    if is_nested(a) != is_nested(b):
        nested, leaf = (a, b) if is_nested(a) else (b, a)
        return _mismatch(a, b, path, f"{_kind_name(_kind(nested))} against the leaf {leaf!r}")
    if not is_nested(a):
        return None
    if _kind(a) != _kind(b):
        return _mismatch(a, b, path, f"{_kind_name(_kind(a))} against {_kind_name(_kind(b))}")
    keys_a, values_a = _children(a)
    keys_b, values_b = _children(b)
    if keys_a != keys_b:
        what = "keys" if isinstance(a, dict) else "lengths"
        return _mismatch(a, b, path, f"{what} {keys_a} and {keys_b} differ")
    for key, x, y in zip(keys_a, values_a, values_b):
        _check_same(x, y, path + (key,))
    return None


def assert_same_structure(a, b, check_types=None):
    """Raise ValueError unless ``a`` and ``b`` nest the same way (same container types, lengths
    and dict keys at every level; the leaves may be anything).

    Args:
        a, b: the structures.
        check_types: accepted for Keras compatibility (it has no effect there either); use
            ``assert_same_paths`` for a check that ignores container types.

    Example:

    >>> import collections
    >>> from glassnet import tree
    >>> tree.assert_same_structure([(0, 1)], [(2, 3)])
    >>> Foo = collections.namedtuple("Foo", ["a", "b"])
    >>> AlsoFoo = collections.namedtuple("Foo", ["a", "b"])
    >>> tree.assert_same_structure(Foo(0, 1), AlsoFoo(2, 3))
    Traceback (most recent call last):
        ...
    ValueError: The two structures don't have the same nested structure: Foo against Foo.
    ...
    """
    del check_types
    _check_same(a, b)


def assert_same_paths(a, b):
    """Raise ValueError unless ``a`` and ``b`` have the same leaf paths (container types ignored:
    a list matches a tuple; a namedtuple's paths are indices).

    Args:
        a: a nested structure.
        b: another.

    Example:

    >>> from glassnet import tree
    >>> tree.assert_same_paths([0, 1], (2, 3))
    """
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(
            "`a` and `b` don't have the same paths.\n"
            f"Paths in `a` missing in `b`:\n{paths_a - paths_b}\n"
            f"Paths in `b` missing in `a`:\n{paths_b - paths_a}"
        )


# -- mapping ------------------------------------------------------------------------------------
def map_structure(func, *structures, none_is_leaf=True):
    """``func`` applied to the leaves of one or more structures of the same layout.

    Args:
        func: a function of as many arguments as there are structures.
        *structures: structures that ``assert_same_structure`` accepts as equal.
        none_is_leaf: with False, None entries of the first structure stay None and ``func``
            is not called on them (the other structures must hold None there too).

    Returns:
        a structure of the first one's types.

    Example:

    >>> import collections
    >>> from glassnet import tree
    >>> tree.map_structure(lambda x, y: x * y, [[1], [2], [3]], [[1], [2], [3]])
    [[1], [4], [9]]
    >>> Foo = collections.namedtuple("Foo", ["a", "b"])
    >>> tree.map_structure(lambda v: v * 2, Foo(a=1, b=2))
    Foo(a=2, b=4)
    """
    if not callable(func):
        raise TypeError(f"map_structure: func must be callable, got {func!r}")
    if not structures:
        raise TypeError("map_structure: give at least one structure")
    for other in structures[1:]:
        assert_same_structure(structures[0], other)

    def apply(*nodes):
        first = nodes[0]
        if not is_nested(first):
            if first is None and not none_is_leaf:
                if any(n is not None for n in nodes[1:]):
                    raise ValueError(f"map_structure: expected None, got {nodes[1:]}")
                return None
            return func(*nodes)
        columns = zip(*(_children(n)[1] for n in nodes))
        return _rebuild(first, [apply(*column) for column in columns])

    return apply(*structures)


def map_structure_up_to(shallow_structure, func, *structures):
    """``func`` applied to the sub-structures of ``structures`` that sit where
    ``shallow_structure`` has leaves (deeper nesting is passed to ``func`` whole).

    Args:
        shallow_structure: the layout to follow; the structures must match it as far as it goes.
        func: a function of as many arguments as there are structures.
        *structures: the structures.

    Returns:
        a structure of ``shallow_structure``'s layout.

    Example:

    >>> from glassnet import tree
    >>> tree.map_structure_up_to([None, None], len, [[1, 1], [2, 2]])
    [2, 2]
    >>> tree.map_structure_up_to([None, [None, None]], str, [[1, 1], [2, 2]])
    ['[1, 1]', ['2', '2']]
    """
    if not callable(func):
        raise TypeError(f"map_structure_up_to: func must be callable, got {func!r}")
    if not structures:
        raise TypeError("map_structure_up_to: give at least one structure")

    def apply(shallow, nodes, path):
        if not is_nested(shallow):
            return func(*nodes)
        keys, children = _children(shallow)
        columns = []
        for node in nodes:
            if not is_nested(node) or _kind(node) != _kind(shallow):
                _mismatch(shallow, node, path, f"expected a {_kind_name(_kind(shallow))}")
            node_keys, node_children = _children(node)
            if node_keys != keys:
                _mismatch(shallow, node, path, f"keys/lengths {keys} and {node_keys} differ")
            columns.append(node_children)
        rows = zip(keys, children, zip(*columns))
        return _rebuild(shallow, [apply(s, list(row), path + (k,)) for k, s, row in rows])

    return apply(shallow_structure, list(structures), ())


def traverse(func, structure, top_down=True):
    """Visit every sub-structure (leaves included), depth first, and rebuild with replacements.

    Top-down, ``func`` sees a node before its children: a result other than None replaces the
    node and its children are not visited. Bottom-up, ``func`` sees a node after its children
    were rebuilt, and a result other than None replaces it. ``MAP_TO_NONE`` replaces with None.

    Args:
        func: function of a sub-structure.
        structure: the structure.
        top_down: the order, see above.

    Returns:
        the rebuilt structure.

    Example:

    >>> from glassnet import tree
    >>> seen = []
    >>> tree.traverse(seen.append, [(1, 2), [3], {"a": 4}])
    [(1, 2), [3], {'a': 4}]
    >>> seen
    [[(1, 2), [3], {'a': 4}], (1, 2), 1, 2, [3], 3, {'a': 4}, 4]
    """
    if not callable(func):
        raise TypeError(f"traverse: func must be callable, got {func!r}")

    def replaced(result, node):
        if result is None:
            return node
        return None if result is MAP_TO_NONE else result

    def visit(node):
        if top_down:
            result = func(node)
            if result is not None:
                return replaced(result, node)
            if not is_nested(node):
                return node
            return _rebuild(node, [visit(child) for child in _children(node)[1]])
        if is_nested(node):
            node = _rebuild(node, [visit(child) for child in _children(node)[1]])
        return replaced(func(node), node)

    return visit(structure)


def lists_to_tuples(structure):
    """``structure`` with every list turned into a tuple (other containers kept).

    Args:
        structure: a nested structure, or a leaf (returned as it is).

    Example:

    >>> from glassnet import tree
    >>> tree.lists_to_tuples([1, [2, {"a": [3]}], (4, [5])])
    (1, (2, {'a': (3,)}), (4, (5,)))
    """
    if not is_nested(structure):
        return structure
    children = [lists_to_tuples(child) for child in _children(structure)[1]]
    if type(structure) is list:
        return tuple(children)
    return _rebuild(structure, children)


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value
    )


def map_shape_structure(func, structure):
    """``map_structure`` for structures of shapes: lists and tuples of ints and None are passed
    to ``func`` whole.

    Args:
        func: called on each shape (or other leaf); its results replace them.
        structure: a nested structure of shapes.

    Example:

    >>> from glassnet import tree
    >>> tree.map_shape_structure(len, [(None, 3), {"a": (2,)}])
    [2, {'a': 1}]
    """
    if _is_shape(structure):
        return func(structure)
    if not is_nested(structure):
        return func(structure)
    return _rebuild(
        structure, [map_shape_structure(func, child) for child in _children(structure)[1]]
    )


__all__ = [
    "MAP_TO_NONE",
    "assert_same_paths",
    "assert_same_structure",
    "flatten",
    "flatten_with_path",
    "is_nested",
    "lists_to_tuples",
    "map_shape_structure",
    "map_structure",
    "map_structure_up_to",
    "pack_sequence_as",
    "traverse",
]
