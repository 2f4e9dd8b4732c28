"""The Tensor: an array plus what reverse-mode differentiation needs to remember about it.

Example:

>>> x = Tensor([2.0], requires_grad=True)
>>> y = x * x
>>> y.backward()
>>> x.grad.tolist(), x.is_leaf, y.is_leaf
([4.0], True, False)
"""

import numbers

import numpy as np

from glassnet.autograd import grad_mode
from glassnet.autograd.engine import backward, creation_order
from glassnet.backend import floatx, xp

_NON_NUMERIC_KINDS = {
    "O": "Python objects",
    "U": "strings",
    "S": "bytes",
    "V": "raw records",
    "M": "datetimes",
    "m": "timedeltas",
}


def check_numeric(array, where):
    """Refuse arrays that ops cannot differentiate or compute on (objects, strings, dates).

    Args:
        array: a NumPy array.
        where: the function or layer to name in the error.

    Returns:
        ``array`` itself, when it is numeric (bool, integer, float or complex).

    Raises:
        TypeError: for any other dtype, saying how to convert.

    Example:

    >>> import numpy as np
    >>> check_numeric(np.array(["a"]), "Dense 'dense'")
    Traceback (most recent call last):
    ...
    TypeError: Dense 'dense': expected a numeric array (bool, integer or float), got dtype <U1 ...
    """
    kind = array.dtype.kind
    if kind in _NON_NUMERIC_KINDS:
        raise TypeError(
            f"{where}: expected a numeric array (bool, integer or float), got dtype {array.dtype} "
            f"({_NON_NUMERIC_KINDS[kind]}); convert the data to numbers first, e.g. with "
            "np.asarray(x, dtype='float32')"
        )
    return array


def to_array(value, dtype=None, where="Tensor"):
    """Turn ``value`` into a numeric array by glassnet's dtype rules.

    Python floats and lists of floats become floatx (float32), NumPy arrays and scalars keep
    their dtype, integers stay integers; a Tensor gives its array.

    Args:
        value: a Tensor, array, NumPy scalar, Python number or nested list.
        dtype: convert to this dtype instead.
        where: the function or layer to name in an error.

    Returns:
        A NumPy array (no copy when ``value`` already is one of the right dtype).

    Example:

    >>> import numpy as np
    >>> to_array([1.0, 2.0]).dtype, to_array([1, 2]).dtype, to_array(np.float64(1.0)).dtype
    (dtype('float32'), dtype('int64'), dtype('float64'))
    """
    if isinstance(value, Tensor):
        value = value.data
    if dtype is not None:
        return check_numeric(xp.asarray(value, dtype=dtype), where)
    if isinstance(value, np.ndarray):
        return check_numeric(value, where)
    array = xp.asarray(value)
    check_numeric(array, where)
    if array.dtype.kind == "f" and not isinstance(value, (np.generic,)):
        array = array.astype(floatx(), copy=False)
    return array


class Tensor:
    """An n-dimensional array that can record the operations applied to it.

    Ops on tensors return tensors; when any input requires grad (and recording is on), the
    output keeps its ``_parents`` and ``_backward``, and ``backward()`` can later fill in
    ``.grad``.

    Args:
        data: the values (converted by ``to_array``'s rules; ``.data`` is the NumPy array).
        requires_grad: whether ``backward()`` should compute ``.grad`` for it (floats only).
        dtype: convert the values to this dtype.
        name: a name for messages and the inspect tools.

    Example:

    >>> x = Tensor([[1.0, 2.0]], requires_grad=True)
    >>> x.shape, x.dtype
    ((1, 2), dtype('float32'))
    >>> (x @ Tensor([[1.0], [1.0]])).sum().backward()
    >>> x.grad.tolist()
    [[1.0, 1.0]]
    """

    # activation / pre_activation: on the output a = f(z) of an activation op, the name of f and z
    # (the glass box shows z; a cross-entropy fusion rule reads the logits of a softmax from it)
    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "name",
        "activation",
        "pre_activation",
        "_parents",
        "_backward",
        "_retain_grad",
        "_hooks",
        "_order",
        "__weakref__",
    )
    __array_priority__ = 1000  # so ndarray + Tensor calls Tensor.__radd__

    def __init__(self, data, requires_grad=False, dtype=None, name=None):
        self.data = to_array(data, dtype)
        if requires_grad and self.data.dtype.kind not in "fc":
            raise TypeError(
                "Tensor: only floating-point tensors can require gradients, got dtype "
                f"{self.data.dtype}"
            )
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.name = name
        self._parents = ()
        self._backward = None
        self._retain_grad = False
        self._hooks = None
        self._order = next(creation_order)
        self.activation = None
        self.pre_activation = None

    # -- what it holds -------------------------------------------------------------------
    @property
    def shape(self):
        """The shape of the array, a tuple."""
        return self.data.shape

    @property
    def dtype(self):
        """The NumPy dtype of the array."""
        return self.data.dtype

    @property
    def ndim(self):
        """The number of axes."""
        return self.data.ndim

    @property
    def size(self):
        """The number of elements."""
        return self.data.size

    def numpy(self):
        """The underlying array (no copy)."""
        return self.data

    def item(self):
        """The single element as a Python number."""
        return self.data.item()

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        grad = ", requires_grad=True" if self.requires_grad else ""
        body = np.array2string(self.data, precision=4, separator=", ", prefix="Tensor(")
        return f"Tensor({body}, dtype={self.data.dtype}{grad})"

    # -- differentiation -----------------------------------------------------------------
    @property
    def is_leaf(self):
        """True for a tensor no recorded op produced (inputs, weights): its ``.grad`` is kept."""
        return self._backward is None

    def backward(self, grad_output=None, retain_graph=False):
        """Compute gradients of this tensor with respect to every leaf that requires grad.

        Args:
            grad_output: dL/d(this tensor), an array of its shape; may be omitted for a scalar.
            retain_graph: keep the graph so backward() can run through it again.
        """
        backward(self, grad_output, retain_graph)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is complete during ``backward()``.

        The hook may return an array to use instead of ``grad`` (or None to keep it). Layers'
        backward hooks and the inspect tools are built on this.

        Args:
            hook: callable taking the gradient array.

        Returns:
            a handle whose ``remove()`` unregisters the hook.

        Example:

        >>> import glassnet as gn
        >>> x = gn.Tensor([1.0, 2.0], requires_grad=True)
        >>> y = x * 3.0
        >>> seen = []
        >>> handle = y.register_hook(lambda grad: seen.append(grad.tolist()))
        >>> y.sum().backward()
        >>> seen
        [[1.0, 1.0]]
        """
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return HookHandle(self._hooks, hook)

    def retain_grad(self):
        """Keep ``.grad`` on this intermediate tensor too (leaves always keep it)."""
        self._retain_grad = True
        return self

    def detach(self):
        """The same data, cut from the graph."""
        return Tensor(self.data)

    def zero_grad(self):
        """Forget the accumulated gradient (``.grad`` becomes None)."""
        self.grad = None

    # -- operators (the ops module holds the math) -------------------------------------------
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

    def __rpow__(self, other):
        return _operators.power(other, self)

    def __neg__(self):
        return _operators.negative(self)

    def __abs__(self):
        return _operators.abs(self)

    def __getitem__(self, index):
        return _operators.getitem(self, index)

    # Comparisons give boolean tensors outside the graph (they have no gradient).
    def __lt__(self, other):
        return Tensor(self.data < _raw(other))

    def __le__(self, other):
        return Tensor(self.data <= _raw(other))

    def __gt__(self, other):
        return Tensor(self.data > _raw(other))

    def __ge__(self, other):
        return Tensor(self.data >= _raw(other))

    def __eq__(self, other):
        return Tensor(self.data == _raw(other))

    def __ne__(self, other):
        return Tensor(self.data != _raw(other))

    __hash__ = object.__hash__

    def __bool__(self):
        return bool(self.data)

    def __float__(self):
        return float(self.data)

    def __int__(self):
        return int(self.data)

    # -- convenience methods, PyTorch/NumPy style ---------------------------------------------
    @property
    def T(self):
        """The tensor with its axes reversed (``ops.transpose``)."""
        return _operators.transpose(self)

    def sum(self, axis=None, keepdims=False):
        """``ops.sum`` of this tensor."""
        return _operators.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        """``ops.mean`` of this tensor."""
        return _operators.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        """``ops.max`` of this tensor."""
        return _operators.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """``ops.min`` of this tensor."""
        return _operators.min(self, axis=axis, keepdims=keepdims)

    def reshape(self, *shape):
        """``ops.reshape``; the shape as one tuple or as separate numbers."""
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return _operators.reshape(self, shape)

    def transpose(self, *axes):
        """``ops.transpose``; the axes as one tuple or as separate numbers (none: reversed)."""
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        return _operators.transpose(self, axes or None)

    def exp(self):
        """``ops.exp`` of this tensor."""
        return _operators.exp(self)

    def log(self):
        """``ops.log`` of this tensor."""
        return _operators.log(self)

    def astype(self, dtype):
        """``ops.cast`` of this tensor to ``dtype`` (differentiable between floats)."""
        return _operators.cast(self, dtype)


def _raw(value):
    return value.data if isinstance(value, Tensor) else value


class HookHandle:
    """Returned by ``register_hook``; ``remove()`` takes the hook out again.

    Args:
        hooks: the list the hook was added to.
        hook: the hook.

    Example:

    >>> x = Tensor([1.0], requires_grad=True)
    >>> handle = x.register_hook(lambda grad: grad * 0)
    >>> handle.remove()
    >>> (x * 2.0).sum().backward()
    >>> x.grad.tolist()
    [2.0]
    """

    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        """Unregister the hook (a second call does nothing)."""
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


class _OperatorsNotInstalled:
    def __getattr__(self, name):
        raise RuntimeError(
            f"Tensor operator '{name}' needs glassnet.ops, which installs the operators when it "
            "is imported; import glassnet (or glassnet.ops) first"
        )


_operators = _OperatorsNotInstalled()


def install_operators(namespace):
    """Give Tensor its arithmetic operators (``+``, ``@``, ``.sum()``...).

    The ops layer sits above autograd, so it hands its functions down at import instead of
    autograd importing it.

    Args:
        namespace: an object with the ops add, subtract, multiply, divide, matmul, power,
            negative, abs, getitem, transpose, sum, mean, max, min, reshape, exp, log, cast
            as attributes (glassnet.ops passes itself).

    Example:

    >>> from glassnet import ops
    >>> install_operators(ops)  # what importing glassnet.ops does
    >>> (Tensor([1.0]) + 1.0).data.tolist()
    [2.0]
    """
    global _operators
    _operators = namespace


def as_tensor(value, like=None, where="glassnet"):
    """Return ``value`` as a Tensor (a Tensor is returned as it is).

    Python and NumPy scalars take the float dtype of ``like`` (so ``x * 2.0`` stays
    float32 when x is float32); everything else converts by ``to_array``'s rules.

    Args:
        value: a Tensor, array, number or nested list.
        like: a Tensor whose float dtype scalars should take.
        where: the function or layer to name in an error.

    Returns:
        A Tensor.

    Example:

    >>> import numpy as np
    >>> like = Tensor(np.ones(2, dtype="float64"))
    >>> as_tensor(2.0, like=like).dtype, as_tensor(2.0).dtype
    (dtype('float64'), dtype('float32'))
    """
    if isinstance(value, Tensor):
        return value
    if like is not None and like.data.dtype.kind == "f":
        is_scalar = isinstance(value, numbers.Number) or (
            isinstance(value, np.ndarray) and value.ndim == 0
        )
        if is_scalar and not isinstance(value, (bool, np.bool_)):
            return constant(xp.asarray(value, dtype=like.data.dtype))
    return Tensor(to_array(value, where=where))


def constant(array):
    """A Tensor that holds ``array`` itself and records nothing, made without ``Tensor()``'s
    conversion and checks: for arrays glassnet made itself, such as a Python number an op has
    turned into a 0-d array of its operand's dtype.

    Args:
        array: a numeric NumPy array.

    Returns:
        A Tensor with ``requires_grad`` False whose ``.data`` is ``array``.

    Example:

    >>> import numpy as np
    >>> two = constant(np.asarray(2.0, dtype="float16"))
    >>> two.dtype, two.requires_grad, two.is_leaf
    (dtype('float16'), False, True)
    """
    return from_op(array, (), None)


# from_op runs once per op: the two names it needs most, looked up once (0.04 of its 0.29 us)
_ndarray, _new_object = xp.ndarray, object.__new__


def from_op(data, parents, backward):
    """The output of an op: records ``parents`` and ``backward`` only when a gradient can flow.

    Every op ends with it: the forward computes ``data`` on arrays, and ``backward`` maps
    dL/d(output) to one gradient per parent. Nothing is recorded under ``no_grad`` or when no
    parent requires grad.

    Args:
        data: the output array (a NumPy scalar is turned into a 0-d array).
        parents: tuple of the input Tensors.
        backward: ``backward(grad_output) -> tuple`` with one gradient array (or None) per
            parent.

    Returns:
        The output Tensor.

    Example:

    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> y = from_op(x.data**2, (x,), lambda grad_output: (grad_output * 2 * x.data,))
    >>> y.sum().backward()
    >>> x.grad.tolist()
    [2.0, 4.0]
    """
    if type(data) is not _ndarray:  # NumPy reductions return scalars; keep arrays throughout
        data = xp.asarray(data)
    out = _new_object(Tensor)
    out.data = data
    out.grad = None
    out.name = None
    out._retain_grad = False
    out._hooks = None
    out._order = next(creation_order)
    out.activation = None
    out.pre_activation = None
    if grad_mode._enabled:
        for parent in parents:  # (a loop, not any(): this runs for every op)
            if parent.requires_grad:
                out.requires_grad = True
                out._parents = parents
                out._backward = backward
                return out
    out.requires_grad = False
    out._parents = ()
    out._backward = None
    return out
