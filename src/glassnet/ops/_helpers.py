"""Small pieces every op family uses: turning arguments into tensors, broadcasting checks, axes.

Example:

>>> import numpy as np
>>> unbroadcast(np.ones((4, 3)), (3,)).tolist()
[4.0, 4.0, 4.0]
"""

import functools
import math

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import compiled, xp


def operands(x1, x2, op):
    """Both arguments of a binary op as Tensors.

    A bare scalar takes the float dtype of the tensor beside it, so ``x * 2.0`` stays float32.

    Args:
        x1: the first argument (Tensor, array or number).
        x2: the second.
        op: the op's name, for error messages.

    Returns:
        ``(x1, x2)`` as Tensors.

    Example:

    >>> import numpy as np
    >>> from glassnet import Tensor
    >>> a, b = operands(Tensor(np.ones(2, dtype="float64")), 3.0, "multiply")
    >>> b.dtype
    dtype('float64')
    """
    if isinstance(x1, Tensor):
        return x1, as_tensor(x2, like=x1, where=op)
    if isinstance(x2, Tensor):
        return as_tensor(x1, like=x2, where=op), x2
    x1 = as_tensor(x1, where=op)
    return x1, as_tensor(x2, like=x1, where=op)


def broadcast_call(op, fn, a, b):
    """``fn(a, b)`` on arrays, with a broadcasting failure reported in glassnet's words.

    Args:
        op: the op's name, for the message.
        fn: a binary NumPy function.
        a: the first array.
        b: the second array.

    Returns:
        ``fn(a, b)``.

    Raises:
        ValueError: naming ``op`` and both shapes when they do not broadcast.

    Example:

    >>> import numpy as np
    >>> broadcast_call("add", np.add, np.ones(2), np.ones(3))
    Traceback (most recent call last):
    ...
    ValueError: add: operands could not be broadcast together: shapes (2,) and (3,) (trailing ...
    """
    try:
        return fn(a, b)
    except ValueError as error:
        if a.shape == b.shape or "broadcast" not in str(error):
            raise
        raise ValueError(
            f"{op}: operands could not be broadcast together: shapes {a.shape} and {b.shape} "
            f"(trailing dimensions must be equal or 1)"
        ) from None


# Rows at most this long along the last axis are reduced from a transposed copy (``max_along``).
NARROW_ROW = 32


def max_along(x, axis=-1):
    """``x.max(axis=axis, keepdims=True)``: the same values (a maximum is exact in any order).

    NumPy reduces a short contiguous axis with a loop set up again for every row, so the row
    maxima of a softmax over 10 classes cost more than its exponentials. Rows of at most
    ``NARROW_ROW`` values along the last axis are reduced instead from a transposed copy, one
    elementwise maximum per column: 128 x 10 float32 6.8 -> 2.2 us, 1024 x 10 47 -> 7 us.

    Args:
        x: a NumPy array.
        axis: the axis to reduce (an int).

    Returns:
        The maxima, with ``axis`` kept as size 1.

    Example:

    >>> import numpy as np
    >>> max_along(np.array([[1.0, 3.0], [4.0, 2.0]]))
    array([[3.],
           [4.]])
    """
    width = x.shape[-1] if x.ndim else 0
    last_axis = x.ndim >= 2 and axis in (-1, x.ndim - 1)
    if last_axis and 0 < width <= NARROW_ROW and x.size >= 16 * width:
        rows = x.reshape(-1, width)
        return xp.maximum.reduce(xp.ascontiguousarray(rows.T), axis=0).reshape(x.shape[:-1] + (1,))
    return x.max(axis=axis, keepdims=True)


def kernel_arrays(*arrays):
    """Whether a compiled kernel can read and write these arrays as they are: plain NumPy
    arrays (no subclass), all float32 or all float64, C-contiguous (so reshaped views are views)
    and not empty. The ops' own conditions (shapes, sizes, axes) come on top.

    Args:
        *arrays: the operands.

    Example:

    >>> import numpy as np
    >>> kernel_arrays(np.ones((2, 3)), np.ones(3)), kernel_arrays(np.ones((2, 3)).T)
    (True, False)
    """
    dtype = arrays[0].dtype
    if dtype != xp.float32 and dtype != xp.float64:
        return False
    for array in arrays:  # a loop, not all(...): this runs on every small softmax
        if type(array) is not xp.ndarray or array.dtype != dtype or not array.size:
            return False
        if not array.flags.c_contiguous:
            return False
    return True


# Rows at most this long go to the compiled ``subtract_row_max``; NumPy's own loops are as fast
# on longer rows (1000 values: 85 us for both on 256 rows)
SHIFT_KERNEL_MAX_ROW = 256


def minus_row_max(x, axis=-1):
    """``x - x.max(axis=axis, keepdims=True)``: the shift a softmax, log_softmax or cross-entropy
    makes so that exp never overflows, as a new array with the same bits.

    The maximum is exact in any order, and the subtraction is the same IEEE operation, so the
    compiled sibling ``subtract_row_max`` (one pass over each row, for float32/float64 rows of at
    most ``SHIFT_KERNEL_MAX_ROW`` values along the last axis of a C-contiguous array) gives the
    NumPy lines' values: attention scores (8192 rows of 64) 615 -> 204 us, a batch of 128
    ten-class rows 8.4 -> 1.3 us. (A row's maximum among equal +0.0 and -0.0 may be either, as
    in NumPy's own SIMD loops; x - max is then 0.0 either way, or -0.0 for x = -0.0.)

    Args:
        x: a NumPy array.
        axis: the axis of the rows (an int).

    Example:

    >>> import numpy as np
    >>> minus_row_max(np.array([[1.0, 3.0], [4.0, 2.0]]))
    array([[-2.,  0.],
           [ 0., -2.]])
    """
    width = x.shape[-1] if x.ndim else 0
    if axis in (-1, x.ndim - 1) and 0 < width <= SHIFT_KERNEL_MAX_ROW and kernel_arrays(x):
        kernel = compiled.get("subtract_row_max")
        if kernel is not None:
            shifted = xp.empty_like(x)
            kernel(x.reshape(-1, width), shifted.reshape(-1, width))
            return shifted
    return x - max_along(x, axis)


@compiled.register("subtract_row_max")
def subtract_row_max(x, shifted):
    """shifted = x - max(x) for each row: the compiled sibling of ``x - max_along(x)``.

    The maximum is taken in 16 lanes (each the running maximum of every 16th value), which the
    compiler keeps in vector registers, and then across the lanes in halves; a NaN anywhere in
    the row makes the maximum NaN, as NumPy's does.

    Args:
        x: (rows, width) array.
        shifted: (rows, width) output.

    Example:

    >>> import numpy as np
    >>> shifted = np.empty((1, 3))
    >>> subtract_row_max(np.array([[1.0, 5.0, 2.0]]), shifted)
    >>> shifted
    array([[-4.,  0., -3.]])
    """
    rows, width = x.shape
    lanes = 16
    running = xp.empty(lanes, dtype=x.dtype)
    for row in range(rows):
        if width >= lanes:
            for k in range(lanes):
                running[k] = x[row, k]
            start = lanes
            while start + lanes <= width:
                for k in range(lanes):
                    value, best = x[row, start + k], running[k]
                    running[k] = value if (value > best or value != value) else best
                start += lanes
            for k in range(width - start):  # the last, partial group of 16
                value, best = x[row, start + k], running[k]
                running[k] = value if (value > best or value != value) else best
            half = lanes // 2
            while half:
                for k in range(half):
                    value, best = running[k + half], running[k]
                    running[k] = value if (value > best or value != value) else best
                half //= 2
            maximum = running[0]
        else:
            maximum = x[row, 0]
            for j in range(1, width):
                value = x[row, j]
                maximum = value if (value > maximum or value != value) else maximum
        for j in range(width):
            shifted[row, j] = x[row, j] - maximum


# ones_vector keeps vectors up to this long (512 KB of float32), the most recent 16 of them
ONES_VECTOR_MAX_CACHED = 1 << 17


@functools.lru_cache(maxsize=16)
def _cached_ones(length, dtype):
    ones = xp.ones(length, dtype=dtype)
    ones.flags.writeable = False
    return ones


def ones_vector(length, dtype):
    """A vector of ``length`` ones of ``dtype``, read-only: the operand of the sums written as
    matrix-vector products (``sum_rows``, ``sum_columns``).

    Vectors of up to ``ONES_VECTOR_MAX_CACHED`` values are made once and handed out again:
    ``np.ones`` spends 0.8 us in Python on every call, which was a seventh of a one-row softmax,
    and writes the vector anew (7 us for the 86,528 rows of the tutorial CNN's first bias
    gradient). Longer vectors are made at each call, so the cache stays small.

    Args:
        length: the number of ones.
        dtype: a NumPy dtype.

    Returns:
        A read-only (length,) array.

    Example:

    >>> import numpy as np
    >>> ones = ones_vector(3, np.dtype("float32"))
    >>> ones.tolist(), ones.flags.writeable, ones is ones_vector(3, np.dtype("float32"))
    ([1.0, 1.0, 1.0], False, True)
    """
    if length > ONES_VECTOR_MAX_CACHED:
        return xp.ones(length, dtype=dtype)
    return _cached_ones(length, dtype)


def sum_rows(matrix):
    """Column sums of a 2-D array, (rows, cols) -> (cols,), as one matrix-vector product with ones.

    What a bias gradient is (dL/db = sum over rows of dL/dz). Written as a product so that BLAS
    does it, which is faster than ``matrix.sum(axis=0)`` on the tall arrays of conv layers, with
    the same float32 accuracy against a float64 sum.

    Args:
        matrix: a 2-D array.

    Returns:
        (cols,) array of the matrix's dtype.

    Example:

    >>> import numpy as np
    >>> sum_rows(np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32")).tolist()
    [4.0, 6.0]
    """
    return ones_vector(matrix.shape[0], matrix.dtype) @ matrix


def sum_columns(matrix):
    """Row sums of a 2-D array, (rows, cols) -> (rows,), as one matrix-vector product with ones.

    The sums over the last axis that a softmax's normalisation and LayerNormalization's
    statistics take. NumPy's ``matrix.sum(axis=1)`` sets its loop up again for every row, so on
    the short rows of a layer's features it is several times slower than BLAS (2048 x 64
    float32: 57 -> 8 us), with the same float32 accuracy against a float64 sum (the additions
    come in another order, so the last bit may differ). float32 and float64 go to BLAS; other
    dtypes (float16, integers) to NumPy's sum.

    Args:
        matrix: a 2-D array.

    Returns:
        (rows,) array of the matrix's dtype.

    Example:

    >>> import numpy as np
    >>> sum_columns(np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32")).tolist()
    [3.0, 7.0]
    """
    if matrix.dtype == xp.float32 or matrix.dtype == xp.float64:
        return matrix @ ones_vector(matrix.shape[1], matrix.dtype)
    return matrix.sum(axis=1)


def sum_along(x, axis=-1):
    """``x.sum(axis=axis, keepdims=True)``; over the last axis of a float32/float64 array as
    ``sum_columns`` (one BLAS product), else NumPy's.

    Every row count takes the same path, although for one row NumPy's call is cheaper (1.4
    against 3.6 us for 10 values): the two round differently, and a sample's softmax must not
    depend on how many rows share its batch (``predict`` of 5 rows gives the rows' bits of a
    batch of 32).

    Args:
        x: a NumPy array.
        axis: the axis to sum (an int).

    Example:

    >>> import numpy as np
    >>> sum_along(np.array([[1.0, 3.0], [4.0, 2.0]]))
    array([[4.],
           [6.]])
    """
    if x.ndim and axis in (-1, x.ndim - 1) and x.dtype in (xp.float32, xp.float64):
        return sum_columns(x.reshape(-1, x.shape[-1])).reshape(x.shape[:-1] + (1,))
    return x.sum(axis=axis, keepdims=True)


# a chunk of rows for ``product_over_rows``: its two operands' floats (about 256 KB in float32),
# and never fewer rows than this
_ROW_CHUNK_FLOATS = 1 << 16
_ROW_CHUNK_MIN_ROWS = 256
# ``product_over_rows`` chunks when the first operand has at most this many columns
_FEW_COLUMNS = 16


def product_over_rows(tall, other):
    """tall^T @ other for two arrays with many rows: the sum over rows of each row's outer
    product, which is what a convolution's kernel gradient is (windows^T @ output gradient).

    When ``tall`` has few columns (the 3 x 3 windows of a one-channel image have 9) OpenBLAS runs
    one product over tens of thousands of rows about twice as slowly as the same product in
    chunks of rows that stay in cache: the tutorial CNN's first kernel gradient, (86528, 9)^T @
    (86528, 32) in float32, takes 1.4-1.7 ms as one product and 0.7-0.8 ms in chunks of 1598
    rows. With more columns the chunks gained nothing, so one product runs. The chunks' products
    are added in order; the sum's rounding differs from one product's.

    Args:
        tall: (rows, k) array.
        other: (rows, n) array.

    Returns:
        (k, n) array.

    Example:

    >>> import numpy as np
    >>> product_over_rows(np.ones((3, 2)), np.arange(3.0)[:, None]).tolist()
    [[3.0], [3.0]]
    """
    rows, columns = tall.shape
    chunk = max(_ROW_CHUNK_MIN_ROWS, _ROW_CHUNK_FLOATS // (columns + other.shape[1]))
    if columns > _FEW_COLUMNS or rows <= chunk:
        return tall.T @ other
    total = tall[:chunk].T @ other[:chunk]
    for first in range(chunk, rows, chunk):
        total += tall[first : first + chunk].T @ other[first : first + chunk]
    return total


class TypedConstant(dict):
    """One number as a read-only 0-d array of each dtype asked for, made once per dtype.

    NumPy 2 takes a Python number beside an array by a slower route than a 0-d array of the
    array's own dtype, with the same result (``a - 1`` is computed as ``a - float32(1)`` when a is
    float32): 0.6 against 0.3 us on a 4 x 4 array, which is a tenth of an op's cost on small
    tensors. Indexing with the dtype costs 0.05 us.

    Args:
        value: the number (a Python int or float).

    Example:

    >>> import numpy as np
    >>> ONE = TypedConstant(1)
    >>> ONE[np.dtype("float32")], (ONE[np.dtype("float32")] - np.zeros(2, "float32")).dtype
    (array(1., dtype=float32), dtype('float32'))
    """

    def __init__(self, value):
        super().__init__()
        self.value = value

    def __missing__(self, dtype):
        array = xp.asarray(self.value, dtype=dtype)
        array.flags.writeable = False  # shared by every op that reads it
        self[dtype] = array
        return array


ZERO, ONE = TypedConstant(0), TypedConstant(1)


def positive_part(array, out=None):
    """max(array, 0), elementwise: ReLU's forward.

    Written against a row of zeros rather than the scalar 0 for arrays of 4096 elements or more,
    so that NumPy runs its two-array loop for maximum, which is faster there (128 x 256 float32:
    7.8 against 12.9 us); smaller arrays take the scalar, which spares allocating the row
    (4 x 4: 0.4 against 1.3 us). Both give the same values, NaN included.

    Args:
        array: any array with at least one axis.
        out: an array to write the result into, as NumPy's ``out=``.

    Returns:
        The array of positive parts (``out`` when given).

    Example:

    >>> import numpy as np
    >>> positive_part(np.array([-1.0, 0.5])).tolist()
    [0.0, 0.5]
    """
    if array.size < 4096:
        return xp.maximum(array, ZERO[array.dtype], out=out)
    return xp.maximum(array, xp.zeros(array.shape[-1:], dtype=array.dtype), out=out)


def unbroadcast(grad, shape):
    """Sum ``grad`` over the axes that broadcasting added or stretched, so it has ``shape``.

    What every binary op's backward does with its gradients: an input broadcast against a
    larger one receives the sum of the gradients of all the places it was copied to.

    Args:
        grad: the gradient, of the broadcast (output) shape.
        shape: the shape of the input it belongs to.

    Returns:
        An array of ``shape``.

    Example:

    >>> import numpy as np
    >>> unbroadcast(np.ones((2, 3)), (2, 1)).tolist()
    [[3.0], [3.0]]
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    summed = tuple(range(extra)) + tuple(
        extra + i for i, size in enumerate(shape) if size == 1 and grad.shape[extra + i] != 1
    )
    # leading axes only, as for a bias: sums of rows
    if summed == tuple(range(len(summed))) and grad.size and grad.flags.c_contiguous:
        return sum_rows(grad.reshape(math.prod(grad.shape[: len(summed)]), -1)).reshape(shape)
    return grad.sum(axis=summed).reshape(shape)


def normalize_axes(axis, ndim, op):
    """``axis`` (None, int or sequence, negatives allowed) as a sorted tuple of axes >= 0.

    Args:
        axis: None (every axis), an int or a sequence of ints.
        ndim: the number of axes of the input.
        op: the op's name, for error messages.

    Returns:
        A sorted tuple of non-negative axes.

    Raises:
        ValueError: for an axis out of range or repeated.

    Example:

    >>> normalize_axes(-1, 3, "sum"), normalize_axes(None, 2, "sum")
    ((2,), (0, 1))
    >>> normalize_axes((2, 0), 3, "sum")
    (0, 2)
    """
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for each in axes:
        if not -ndim <= each < max(ndim, 1):
            raise ValueError(
                f"{op}: axis {each} is out of range for an input with {ndim} dimensions"
            )
        out.append(each % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def restore_reduced(grad, axes, keepdims):
    """Put back the reduced axes (as size 1) so ``grad`` broadcasts against the input.

    Args:
        grad: the gradient of a reduction's output.
        axes: the reduced axes, as ``normalize_axes`` gives them.
        keepdims: whether the reduction kept them (then nothing is to be done).

    Returns:
        ``grad`` with the axes restored.

    Example:

    >>> import numpy as np
    >>> restore_reduced(np.ones(3), (0,), keepdims=False).shape
    (1, 3)
    """
    if keepdims or not axes:
        return grad
    shape = list(grad.shape)
    for axis in axes:  # sorted, so each lands where the reduction removed it
        shape.insert(axis, 1)
    return grad.reshape(shape)


def broadcast_view(array, shape):
    """``array`` broadcast to ``shape``: the read-only view ``np.broadcast_to`` gives, made
    directly (0 strides on the broadcast axes). ``broadcast_to`` spends about 3 us in Python
    per call, which the backward of every reduction paid on every step.

    Args:
        array: an array whose shape broadcasts to ``shape`` (missing leading axes allowed).
        shape: the shape of the view.

    Returns:
        A read-only view of ``array`` (a copy if ``array`` is not contiguous) of ``shape``.

    Example:

    >>> import numpy as np
    >>> view = broadcast_view(np.array([[1.0], [2.0]]), (2, 3))
    >>> view.tolist(), view.flags.writeable
    ([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]], False)
    """
    # the gradient of a full reduction, first: every stride is 0 (one element is contiguous)
    if array.size == 1 and array.ndim <= len(shape):
        view = xp.ndarray(shape, array.dtype, array, 0, (0,) * len(shape))
        view.flags.writeable = False
        return view
    if not array.flags.c_contiguous:  # (ascontiguousarray would make a 0-d array 1-d)
        array = array.copy()
    shape = tuple(shape)
    lead = len(shape) - array.ndim
    if lead < 0:
        raise ValueError(f"broadcast_view: shape {array.shape} has more axes than {shape}")
    strides = [0] * lead
    for size, target, stride in zip(array.shape, shape[lead:], array.strides):
        if size == target:
            strides.append(stride)
        elif size == 1:
            strides.append(0)
        else:
            raise ValueError(f"broadcast_view: shape {array.shape} does not broadcast to {shape}")
    view = xp.ndarray(shape, array.dtype, array, 0, strides)
    view.flags.writeable = False
    return view


def float_dtype(*tensors):
    """The float dtype the result of an op on these tensors should have.

    Args:
        *tensors: Tensors.

    Returns:
        Their common NumPy dtype when it is a float, else float32.

    Example:

    >>> import numpy as np
    >>> from glassnet import Tensor
    >>> float_dtype(Tensor(np.ones(2, dtype="int64"))), float_dtype(Tensor(np.ones(2)))
    (dtype('float32'), dtype('float64'))
    """
    dtype = xp.result_type(*[tensor.data for tensor in tensors])
    return dtype if dtype.kind == "f" else xp.dtype("float32")
