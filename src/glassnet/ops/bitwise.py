"""Bitwise and integer functions (keras.ops names): AND, OR, XOR, NOT, shifts, gcd and lcm.

They work on integer and boolean tensors, have no gradient and return Tensors outside the graph.
Two operands of different dtypes meet at Keras's common dtype (int8 with int32 gives int32; a
Python int counts as int32, except as a shift count, where it adopts the tensor's dtype).

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.bitwise_and(np.array([12], dtype="int32"), 10)
Tensor([8], dtype=int32)
"""

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import xp
from glassnet.ops._helpers import broadcast_call
from glassnet.ops._promotion import promoted
from glassnet.ops.operation import keras_op


def _integer_pair(x, y, op, function, weak_scalars=False):
    a, b = promoted(x, y, op, weak_scalars=weak_scalars)
    for t in (a, b):
        if t.dtype.kind not in "biu":
            raise TypeError(f"{op}: expected integer or bool tensors, got dtype {t.dtype}")
    return Tensor(broadcast_call(op, function, a.data, b.data))


@keras_op
def bitwise_and(x, y):
    """Bitwise AND, elementwise.

    Args:
        x, y: integer or bool tensors, broadcastable; they meet at Keras's common dtype (a
            Python int counts as int32).

    Example:

    >>> from glassnet import ops
    >>> ops.bitwise_and([12], [10]).data.tolist()
    [8]
    """
    return _integer_pair(x, y, "bitwise_and", xp.bitwise_and)


@keras_op
def bitwise_or(x, y):
    """Bitwise OR, elementwise.

    Args:
        x, y: integer or bool tensors, broadcastable; they meet at Keras's common dtype (a
            Python int counts as int32).

    Example:

    >>> from glassnet import ops
    >>> ops.bitwise_or([12], [10]).data.tolist()
    [14]
    """
    return _integer_pair(x, y, "bitwise_or", xp.bitwise_or)


@keras_op
def bitwise_xor(x, y):
    """Bitwise exclusive OR, elementwise.

    Args:
        x, y: integer or bool tensors, broadcastable; they meet at Keras's common dtype (a
            Python int counts as int32).

    Example:

    >>> from glassnet import ops
    >>> ops.bitwise_xor([12], [10]).data.tolist()
    [6]
    """
    return _integer_pair(x, y, "bitwise_xor", xp.bitwise_xor)


@keras_op
def bitwise_invert(x):
    """Bitwise NOT (two's complement: ~x = -x - 1 for signed integers; logical NOT for bool).

    Args:
        x: integer or bool tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.bitwise_invert([0, 5]).data.tolist()
    [-1, -6]
    """
    x = as_tensor(x, where="bitwise_invert")
    if x.dtype.kind not in "biu":
        raise TypeError(f"bitwise_invert: expected an integer or bool tensor, got dtype {x.dtype}")
    return Tensor(xp.invert(x.data))


@keras_op
def bitwise_not(x):
    """Bitwise NOT; the same as ``bitwise_invert``.

    Args:
        x: integer or bool tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.bitwise_not([True, False]).data.tolist()
    [False, True]
    """
    return bitwise_invert(x)


@keras_op
def bitwise_left_shift(x, y):
    """x shifted left by y bits (x * 2**y for non-negative integers), elementwise.

    Args:
        x: integer tensor, the values to shift.
        y: integer tensor or Python int, the number of bits, broadcastable against x (a Python
            int adopts x's dtype).

    Example:

    >>> from glassnet import ops
    >>> ops.bitwise_left_shift([1, 3], 2).data.tolist()
    [4, 12]
    """
    return _integer_pair(x, y, "bitwise_left_shift", xp.left_shift, weak_scalars=True)


@keras_op
def left_shift(x, y):
    """x shifted left by y bits; the same as ``bitwise_left_shift``.

    Args:
        x: integer tensor, the values to shift.
        y: integer tensor or Python int, the number of bits, broadcastable against x (a Python
            int adopts x's dtype).

    Example:

    >>> from glassnet import ops
    >>> ops.left_shift([1], 3).data.tolist()
    [8]
    """
    return bitwise_left_shift(x, y)


@keras_op
def bitwise_right_shift(x, y):
    """x shifted right by y bits (floor of x / 2**y), elementwise.

    Args:
        x: integer tensor, the values to shift.
        y: integer tensor or Python int, the number of bits, broadcastable against x (a Python
            int adopts x's dtype).

    Example:

    >>> from glassnet import ops
    >>> ops.bitwise_right_shift([16, -16], 2).data.tolist()
    [4, -4]
    """
    return _integer_pair(x, y, "bitwise_right_shift", xp.right_shift, weak_scalars=True)


@keras_op
def right_shift(x, y):
    """x shifted right by y bits; the same as ``bitwise_right_shift``.

    Args:
        x: integer tensor, the values to shift.
        y: integer tensor or Python int, the number of bits, broadcastable against x (a Python
            int adopts x's dtype).

    Example:

    >>> from glassnet import ops
    >>> ops.right_shift([8], 3).data.tolist()
    [1]
    """
    return bitwise_right_shift(x, y)


@keras_op
def gcd(x1, x2):
    """Greatest common divisor of |x1| and |x2|, elementwise.

    Args:
        x1, x2: integer tensors, broadcastable; they meet at Keras's common dtype (a Python int
            counts as int32).

    Example:

    >>> from glassnet import ops
    >>> ops.gcd([12, 7], [18, 5]).data.tolist()
    [6, 1]
    """
    return _integer_pair(x1, x2, "gcd", xp.gcd)


@keras_op
def lcm(x1, x2):
    """Least common multiple of |x1| and |x2|, elementwise.

    Args:
        x1, x2: integer tensors, broadcastable; they meet at Keras's common dtype (a Python int
            counts as int32).

    Example:

    >>> from glassnet import ops
    >>> ops.lcm([4, 3], [6, 5]).data.tolist()
    [12, 15]
    """
    return _integer_pair(x1, x2, "lcm", xp.lcm)
