"""Keras's dtype questions: ``result_type`` (its type-promotion rules), ``is_float_dtype``,
``is_int_dtype``, as ``keras.backend`` answers them with the TensorFlow backend.

Keras promotes the way JAX does, not the way NumPy does: the dtypes form a lattice (bool below the
integers, the integers below the floats, the floats below the complex types) and the result is
the least upper bound of the arguments. Python's ``int`` and ``float`` are "weak" types: they take
the kind of the dtype beside them without forcing their width (int8 with int stays int8; int32
with float becomes floatx). Two of Keras's answers narrow 64-bit types: uint64 becomes uint32 and
complex128 becomes complex64.

Example:

>>> from glassnet.backend.dtypes import result_type
>>> result_type("int64", "float32"), result_type("int8", int), result_type("int32", float)
('float32', 'int8', 'float32')
"""

import functools

import numpy as np

from glassnet.backend.config import floatx

# each node -> the nodes directly above it; "int", "float", "complex" are the weak Python types
_ABOVE = {
    "bool": ("int",),
    "int": ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}
_WEAK = {"int", "float", "complex"}
_NARROWED = {"uint64": "uint32", "complex128": "complex64"}  # Keras's own 64 -> 32 rule


def _above_or_equal(node):
    """Every node reachable upwards from ``node``, itself included."""
    seen, frontier = {node}, [node]
    while frontier:
        for parent in _ABOVE[frontier.pop()]:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return frozenset(seen)


_UPPER = {node: _above_or_equal(node) for node in _ABOVE}


def standardize(dtype):
    """A dtype as Keras's name string: None -> floatx, Python int -> 'int64', float -> 'float32'.

    Args:
        dtype: a name, NumPy dtype or scalar type, a Python type, another framework's dtype
            object (its ``.name`` is used), or None.

    Returns:
        The dtype's name, e.g. "float32".

    Example:

    >>> from glassnet.backend.dtypes import standardize
    >>> standardize(int), standardize(float), standardize(None), standardize("float64")
    ('int64', 'float32', 'float32', 'float64')
    """
    if dtype is None:
        return floatx()
    if dtype is int:
        return "int64"
    if dtype is float:
        return "float32"
    if dtype is bool:
        return "bool"
    if hasattr(dtype, "name") and not isinstance(dtype, (str, np.dtype)):
        dtype = dtype.name  # e.g. a torch or tf dtype object
    name = str(dtype) if isinstance(dtype, str) and dtype == "bfloat16" else str(np.dtype(dtype))
    return name


def _node(value):
    """(lattice node, weak) for one argument of ``result_type``."""
    if value is int or value is float:
        return value.__name__, True
    name = standardize(value)
    if name not in _ABOVE:
        raise ValueError(f"result_type: {name} has no place in Keras's type promotion")
    return name, False


@functools.lru_cache(maxsize=1024)
def _least_upper_bound(nodes):
    common = frozenset.intersection(*(_UPPER[n] for n in nodes))
    least = [c for c in common if common <= _UPPER[c]]
    if len(least) != 1:
        raise ValueError(f"result_type: {sorted(nodes)} have no common dtype to promote to")
    return least[0]


def _weak_kind(name):
    if name == "bool":
        return name
    if "complex" in name:
        return "complex"
    return "float" if "float" in name else "int"


def _resolve_weak(node):
    """The concrete dtype a weak result stands for, at floatx's width."""
    bits = floatx()[-2:]
    if node == "bool":
        return "bool"
    if node in ("int", "int8", "int16", "int32", "int64"):
        return f"int{bits}"
    if node.startswith("uint"):
        return f"uint{bits}"
    if "complex" in node:
        return "complex64" if bits != "64" else "complex128"
    return f"float{bits}"


def result_type(*dtypes):
    """The dtype Keras gives the result of an op on these dtypes.

    Args:
        *dtypes: dtypes (names, NumPy dtypes), None for floatx, or the Python types ``int``
            and ``float`` (weak: they adopt the width of the others).

    Returns:
        the dtype's name; floatx when no dtype is given.

    Example:

    >>> from glassnet.backend.dtypes import result_type
    >>> result_type("uint8", "int8"), result_type("float16", "int64"), result_type(bool, int)
    ('int16', 'float16', 'int32')
    """
    if not dtypes:
        return floatx()
    nodes = [_node(floatx() if d is None else d) for d in dtypes]
    names = [n for n, _ in nodes]
    weak = [w for _, w in nodes]
    if len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _least_upper_bound(frozenset(names)), True
    else:
        strong_or_weak = frozenset(_weak_kind(n) if w else n for n, w in zip(names, weak))
        out = _least_upper_bound(strong_or_weak)
        out_weak = out in _WEAK
    if out_weak and out != "bool":
        out = _resolve_weak(out)
    return _NARROWED.get(out, out)


def is_float_dtype(dtype):
    """True for float16/32/64 and bfloat16.

    Args:
        dtype: anything ``standardize`` takes.

    Returns:
        bool.

    Example:

    >>> from glassnet.backend.dtypes import is_float_dtype
    >>> is_float_dtype("float16"), is_float_dtype("int8")
    (True, False)
    """
    name = standardize(dtype)
    return name.startswith("float") or name.startswith("bfloat")


def is_int_dtype(dtype):
    """True for the signed and unsigned integer dtypes.

    Args:
        dtype: anything ``standardize`` takes.

    Returns:
        bool.

    Example:

    >>> from glassnet.backend.dtypes import is_int_dtype
    >>> is_int_dtype("uint8"), is_int_dtype(bool)
    (True, False)
    """
    name = standardize(dtype)
    return name.startswith("int") or name.startswith("uint")
