"""Encoding the arguments of recorded layer calls (nested lists, slices, small constants and
references to symbolic tensors) as JSON-safe data, and back. Nothing decoded is ever executed:
tensors are references into the graph, constants are numbers and small numeric arrays."""

import numpy as np

from glassnet.autograd.symbolic import SymbolicTensor

MAX_CONSTANT_ELEMENTS = 65536
_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64"}


def encode(value, refs):
    """The JSON-safe form of one argument of a recorded layer call.

    Lists stay lists; tuples, dicts, slices, Ellipsis and small arrays become one-key dicts
    ("__tuple__", "__dict__", "__slice__", "__ellipsis__", "__array__"); a symbolic tensor
    becomes {"__tensor__": its reference}. Arrays are taken from Tensor-like values (their
    ``.data``) of a listed dtype and at most ``MAX_CONSTANT_ELEMENTS`` elements.

    Args:
        value: the argument (nested lists, tuples, dicts, numbers, strings, slices, tensors).
        refs: {id(symbolic tensor): its JSON reference} for the tensors produced so far.

    Returns:
        Nested lists, dicts, numbers and strings.

    Raises:
        ValueError: a tensor not produced yet, a non-string dict key, or a value of another
            type.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> encode([1, (2, slice(None, 3))], {})
    [1, {'__tuple__': [2, {'__slice__': [None, 3, None]}]}]
    >>> encode(ops.convert_to_tensor(np.array([1.5, 2.0])), {})
    {'__array__': {'dtype': 'float64', 'shape': [2], 'data': [1.5, 2.0]}}
    """
    if isinstance(value, SymbolicTensor):
        if id(value) not in refs:
            raise ValueError(f"cannot save the graph: {value} is used before it is produced")
        return {"__tensor__": refs[id(value)]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list):
        return [encode(v, refs) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, refs) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("cannot save the graph: dict keys in layer calls must be strings")
        return {"__dict__": {k: encode(v, refs) for k, v in value.items()}}
    if isinstance(value, slice):
        return {
            "__slice__": [
                encode(value.start, refs),
                encode(value.stop, refs),
                encode(value.step, refs),
            ]
        }
    if value is Ellipsis:
        return {"__ellipsis__": True}
    # a Tensor's array; an ndarray is its own (its ``.data`` is the raw buffer, a memoryview)
    data = value if isinstance(value, np.ndarray) else getattr(value, "data", value)
    if (
        isinstance(data, np.ndarray)
        and data.size <= MAX_CONSTANT_ELEMENTS
        and str(data.dtype) in _DTYPES
    ):
        return {
            "__array__": {
                "dtype": str(data.dtype),
                "shape": list(data.shape),
                "data": data.ravel().tolist(),
            }
        }
    raise ValueError(
        f"cannot save the graph: a layer call uses a {type(value).__name__} argument; use numbers, "
        f"strings, small arrays or tensors (wrap other logic in a layer with get_config)"
    )


def decode(value, resolve):
    """The argument that ``encode`` turned into ``value``; tensor references go through ``resolve``.

    Args:
        value: the JSON-safe data of ``encode``.
        resolve: a function from a tensor reference to the tensor it names.

    Returns:
        The argument with its tuples, dicts, slices, Ellipsis and arrays rebuilt.

    Raises:
        ValueError: an unknown entry, or an array of a dtype or size ``encode`` never writes.

    Example:

    >>> decode([1, {"__tuple__": [2, {"__slice__": [None, 3, None]}]}], None)
    [1, (2, slice(None, 3, None))]
    >>> decode({"__tensor__": ["node", 0, 0]}, lambda ref: f"tensor {ref}")
    "tensor ['node', 0, 0]"
    """
    if isinstance(value, list):
        return [decode(v, resolve) for v in value]
    if not isinstance(value, dict):
        return value
    if "__tensor__" in value:
        return resolve(value["__tensor__"])
    if "__tuple__" in value:
        return tuple(decode(v, resolve) for v in value["__tuple__"])
    if "__dict__" in value:
        return {k: decode(v, resolve) for k, v in value["__dict__"].items()}
    if "__slice__" in value:
        return slice(*[decode(v, resolve) for v in value["__slice__"]])
    if "__ellipsis__" in value:
        return Ellipsis
    if "__array__" in value:
        spec = value["__array__"]
        if spec["dtype"] not in _DTYPES or int(np.prod(spec["shape"])) > MAX_CONSTANT_ELEMENTS:
            raise ValueError(
                f"graph constant with dtype {spec['dtype']} and shape {spec['shape']} "
                "is not allowed"
            )
        return np.asarray(spec["data"], dtype=spec["dtype"]).reshape(spec["shape"])
    raise ValueError(f"unknown entry in a saved graph: {sorted(value)}")
