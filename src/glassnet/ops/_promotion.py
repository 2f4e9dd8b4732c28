"""Keras 3's dtype promotion, for ops whose result dtype Keras defines differently from NumPy.

NumPy promotes int64 + float32 to float64; Keras (following JAX) promotes any integer with a float
to that float, so int64 + float32 is float32. Keras orders dtypes in a lattice (bool below the
integers, the integers below the floats, the floats below the complex types) and takes the least
upper bound. Python ``int`` and ``float`` scalars are "weak": they adopt the dtype of the tensor
beside them (int8 + 3 stays int8, int32 + 2.5 becomes floatx) instead of forcing their own.

Example:

>>> import numpy as np
>>> from glassnet.ops._promotion import result_type
>>> result_type(np.dtype("int64"), np.dtype("float32"))
dtype('float32')
>>> result_type(np.dtype("int8"), int)
dtype('int8')
"""

import functools

from glassnet.autograd.tensor import Tensor, as_tensor, constant, from_op
from glassnet.backend import floatx, xp
from glassnet.ops._helpers import operands

# each dtype -> the dtypes directly above it; "int"/"float" are the weak Python scalar types
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
    "float": ("float16",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}


def _upper_bounds(node):
    bounds, frontier = {node}, [node]
    while frontier:
        for above in _ABOVE[frontier.pop()]:
            if above not in bounds:
                bounds.add(above)
                frontier.append(above)
    return frozenset(bounds)


_UPPER = {node: _upper_bounds(node) for node in _ABOVE}


@functools.lru_cache(maxsize=512)
def _least_upper_bound(nodes):
    common = frozenset.intersection(*(_UPPER[n] for n in nodes))
    return next(c for c in common if common <= _UPPER[c])


def _node(value):
    """Lattice node of one argument: 'int'/'float' for weak Python scalars, else the dtype name."""
    if value is int or value is float:
        return value.__name__
    return str(xp.dtype(value))


@functools.lru_cache(maxsize=512)
def _result_type_cached(nodes):
    if len(set(nodes)) == 1 and nodes[0] not in ("int", "float"):
        return xp.dtype(nodes[0])
    out = _least_upper_bound(frozenset(nodes))
    if out == "int":
        return xp.dtype("int" + floatx()[-2:])
    if out == "float":
        return xp.dtype(floatx())
    return xp.dtype(out)


def result_type(*dtypes):
    """The dtype Keras gives the result of combining ``dtypes``.

    Args:
        *dtypes: NumPy dtypes or dtype names (strong), or the Python types ``int``/``float``
            (weak: they take the dtype of the strong arguments beside them).

    Returns:
        a NumPy dtype; weak-only results resolve to floatx's precision (``int32``/``float32``).

    Example:

    >>> import numpy as np
    >>> from glassnet.ops._promotion import result_type
    >>> result_type("int32", float)
    dtype('float32')
    """
    if not dtypes:
        return xp.dtype(floatx())
    return _result_type_cached(tuple(_node(d) for d in dtypes))


def array_of(value):
    """The array behind a Tensor, or ``value`` itself (a NumPy array's own ``.data`` is its raw
    buffer, so ``getattr(value, "data", value)`` would be wrong for arrays).

    Args:
        value: a Tensor, or anything else (array, scalar, list), which is returned unchanged.

    Example:

    >>> from glassnet import ops
    >>> array_of(ops.convert_to_tensor([1.0, 2.0]))
    array([1., 2.], dtype=float32)
    """
    return value.data if isinstance(value, Tensor) else value


def dtype_of(value):
    """``value``'s dtype for promotion: ``int``/``float`` for Python scalars (weak), else its
    dtype.

    Args:
        value: a Python scalar, an array or Tensor (its ``dtype``), or anything ``as_tensor``
            converts (a list: the dtype it converts to).

    Example:

    >>> import numpy as np
    >>> dtype_of(3), dtype_of(True), dtype_of(np.zeros(2, "int8"))
    (<class 'int'>, 'bool', dtype('int8'))
    """
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return int
    if isinstance(value, float):
        return float
    dtype = getattr(value, "dtype", None)
    if dtype is not None and not isinstance(value, type):
        return dtype
    return as_tensor(value).dtype


def float_type(dtype):
    """The float dtype a float-valued function of ``dtype`` gives: integers and bool -> floatx.

    Args:
        dtype: any dtype or dtype name; float and complex dtypes are returned as they are.

    Example:

    >>> float_type("int32"), float_type("float64")
    (dtype('float32'), dtype('float64'))
    """
    dtype = xp.dtype(dtype)
    return dtype if dtype.kind in "fc" else xp.dtype(floatx())


def to_dtype(tensor, dtype):
    """``tensor`` with data of ``dtype``; differentiable when it must be (a float that requires
    grad), otherwise a plain constant Tensor.

    Args:
        tensor: a Tensor; returned itself when it already has ``dtype``.
        dtype: the target NumPy dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> to_dtype(ops.convert_to_tensor(np.array([1, 2], "int32")), np.dtype("float32"))
    Tensor([1., 2.], dtype=float32)
    """
    if tensor.dtype == dtype:
        return tensor

    def backward(grad_output):  # the gradient goes back in the input's dtype
        return (grad_output.astype(tensor.dtype),)

    return from_op(tensor.data.astype(dtype), (tensor,), backward)


def float_operand(x, op, wide_int64=False):
    """``x`` as a Tensor of a float dtype (integers and bool become floatx), for float functions.

    Args:
        x: a Tensor or anything ``as_tensor`` converts; float and complex tensors pass unchanged.
        op: the calling op's name, used in conversion error messages.
        wide_int64: int64 becomes float64, as Keras does for a few functions (cbrt, i0,
            deg2rad...); False (the default) gives floatx for every integer dtype.

    Example:

    >>> import numpy as np
    >>> float_operand(np.array([1, 2]), "exp").dtype
    dtype('float32')
    >>> float_operand(np.array([1, 2]), "cbrt", wide_int64=True).dtype
    dtype('float64')
    """
    x = as_tensor(x, where=op)
    if x.data.dtype.kind in "fc":
        return x
    return Tensor(x.data.astype(wide_float(x.dtype) if wide_int64 else floatx()))


def wide_float(dtype):
    """float64 for int64 and float64, the dtype itself for other floats, floatx otherwise.

    Args:
        dtype: any dtype or dtype name.

    Example:

    >>> wide_float("int64"), wide_float("float16"), wide_float("int32")
    (dtype('float64'), dtype('float16'), dtype('float32'))
    """
    dtype = xp.dtype(dtype)
    if dtype in (xp.int64, xp.float64):
        return xp.dtype("float64")
    return dtype if dtype.kind == "f" else xp.dtype(floatx())


_STRONG_SCALARS = {int: "int32", float: "float32"}
_PYTHON_NUMBERS = (int, float)  # exact types: bool, also an int, is not weak in the same way


def tensor_and_number(x1, x2):
    """The operands of ``x * 2.0`` or ``2.0 * x``, when one is a float Tensor and the other a
    Python int or float: ``(tensor, number, number_first)``, with the number as a 0-d array of
    the tensor's dtype. Otherwise None.

    That array is what ``promoted`` would make of the number, without the Tensor around it. The
    arithmetic ops use it to record the tensor alone, so their backward has one gradient to
    give: a small op costs 1.3 us where it used to cost 1.9.

    Args:
        x1, x2: the operands of a binary op.

    Returns:
        A tuple (Tensor, 0-d array, bool), or None.

    Example:

    >>> import numpy as np
    >>> x = Tensor(np.ones(2))
    >>> tensor, number, number_first = tensor_and_number(2, x)
    >>> tensor is x, number, number_first
    (True, array(2.), True)
    >>> tensor_and_number(Tensor(np.ones(2, dtype="int32")), 2) is None
    True
    """
    if type(x2) in _PYTHON_NUMBERS:
        if isinstance(x1, Tensor) and x1.data.dtype.kind == "f":
            return x1, xp.asarray(x2, dtype=x1.data.dtype), False
    elif type(x1) in _PYTHON_NUMBERS:
        if isinstance(x2, Tensor) and x2.data.dtype.kind == "f":
            return x2, xp.asarray(x1, dtype=x2.data.dtype), True
    return None


def promoted(x1, x2, op, floating=False, weak_scalars=True):
    """Both operands as Tensors of Keras's common dtype (``floating``: at least floatx).

    Only operands whose dtype must change are converted; the common cases (same dtype, float
    tensor and Python scalar) return at once.

    Args:
        x1, x2: the operands: Tensors, arrays, lists or Python scalars.
        op: the calling op's name, used in conversion error messages.
        floating: promote to at least floatx, for float-valued ops (divide...); default False.
        weak_scalars: True (the default) lets Python numbers adopt the other operand's dtype;
            False is for the Keras functions that convert them to tensors first (int32,
            float32) instead (mod, hypot, bitwise_and, ...).

    Returns:
        A pair of Tensors of one dtype.

    Example:

    >>> import numpy as np
    >>> a, b = promoted(np.array([1, 2], "int8"), 2, "add")
    >>> a.dtype, b.dtype
    (dtype('int8'), dtype('int8'))
    >>> a, b = promoted(np.array([1, 2], "int8"), 2, "mod", weak_scalars=False)
    >>> a.dtype, b.dtype
    (dtype('int32'), dtype('int32'))
    """
    # the hot paths: two tensors of one dtype; a float tensor and a Python number (x * 2.0)
    if isinstance(x1, Tensor):
        dtype = x1.data.dtype
        if isinstance(x2, Tensor):
            if dtype == x2.data.dtype and (not floating or dtype.kind in "fc"):
                return x1, x2
        elif weak_scalars and type(x2) in _PYTHON_NUMBERS and dtype.kind == "f":
            return x1, constant(xp.asarray(x2, dtype=dtype))
    elif weak_scalars and type(x1) in _PYTHON_NUMBERS and isinstance(x2, Tensor):
        if x2.data.dtype.kind == "f":
            return constant(xp.asarray(x1, dtype=x2.data.dtype)), x2
    a, b = operands(x1, x2, op)
    scalars = isinstance(x1, (int, float)) or isinstance(x2, (int, float))
    if (
        a.dtype == b.dtype
        and (not floating or a.dtype.kind in "fc")
        and (weak_scalars or not scalars)
    ):
        return a, b
    dtypes = [dtype_of(x1) if not isinstance(x1, Tensor) else a.dtype]
    dtypes.append(dtype_of(x2) if not isinstance(x2, Tensor) else b.dtype)
    if not weak_scalars:
        dtypes = [_STRONG_SCALARS.get(d, d) if isinstance(d, type) else d for d in dtypes]
    if floating:
        dtypes.append(float)
    dtype = result_type(*dtypes)
    return to_dtype(a, dtype), to_dtype(b, dtype)
