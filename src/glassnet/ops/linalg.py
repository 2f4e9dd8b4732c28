"""Linear algebra (keras.ops.linalg and the matrix functions of keras.ops.numpy): matrix
products (matmul, einsum, dense, tensordot, dot, inner, outer, kron, cross, trace, cdist,
corrcoef), and decompositions and solvers (inv, det, slogdet, solve, cholesky, eigh, svd, qr, pinv,
lstsq, norm...), each with its backward beside it where Keras's is differentiable.

NumPy's ``np.linalg`` does the factorisations; the backwards are the standard matrix-calculus
results, named in their comments.

Example:

>>> from glassnet import ops
>>> ops.det([[2.0, 0.0], [0.0, 3.0]]).item()
6.0
"""

import math
import warnings

from scipy import linalg as scipy_linalg

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import floatx, xp
from glassnet.ops._helpers import normalize_axes, restore_reduced, sum_rows, unbroadcast
from glassnet.ops._promotion import float_operand, promoted, result_type, to_dtype
from glassnet.ops.activation import spec_inside_op
from glassnet.ops.elementwise import abs as absolute
from glassnet.ops.elementwise import clip, divide, multiply, sqrt, square, subtract
from glassnet.ops.manipulation import (
    broadcast_to,
    diagonal,
    expand_dims,
    getitem,
    moveaxis,
    reshape,
    stack,
    swapaxes,
    transpose,
)
from glassnet.ops.operation import keras_op
from glassnet.ops.reduction import max as reduce_max
from glassnet.ops.reduction import min as reduce_min
from glassnet.ops.reduction import sum as reduce_sum

_INT8 = xp.dtype("int8")  # (a dtype, not the type xp.int8: compared in 0.07 us, not 0.09)


@keras_op
def matmul(x1, x2):
    """Matrix product with NumPy's rules: (..., n, k) @ (..., k, m) -> (..., n, m); 1-D operands
    are treated as a row (left) or a column (right) vector and that axis is dropped again.

    Args:
        x1: tensor (..., n, k) or (k,).
        x2: tensor (..., k, m) or (k,); batch axes broadcast against x1's. The operands meet at
            Keras's common dtype (int8 with int8 gives int32, as in Keras).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.matmul(np.ones((5, 2, 3)), np.ones((3, 4))).shape
    (5, 2, 4)
    >>> ops.matmul([1.0, 2.0], [[1.0], [1.0]]).data.tolist()
    [3.0]
    """
    a, b = promoted(x1, x2, "matmul")
    if a.data.dtype == _INT8 and b.data.dtype == _INT8:  # Keras multiplies int8 in int32
        a, b = Tensor(a.data.astype("int32")), Tensor(b.data.astype("int32"))
    try:
        out = xp.matmul(a.data, b.data)
    except ValueError:
        _check_matmul_shapes(a.shape, b.shape)  # (glassnet's words where the shapes are why)
        raise
    two_matrices = a.data.ndim == 2 and b.data.ndim == 2

    def backward(grad_output):  # dL/da = g @ b^T, dL/db = a^T @ g (batch axes summed if broadcast)
        if two_matrices:  # nothing to restore or sum
            return (
                xp.matmul(grad_output, b.data.T) if a.requires_grad else None,
                xp.matmul(a.data.T, grad_output) if b.requires_grad else None,
            )
        a2 = a.data if a.ndim > 1 else a.data[None, :]
        b2 = b.data if b.ndim > 1 else b.data[:, None]
        # put back the axes a 1-D operand dropped, so g has the shape of a2 @ b2
        g = grad_output.reshape(
            xp.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1])
        )
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = xp.matmul(g, xp.swapaxes(b2, -1, -2))
            grad_a = unbroadcast(grad_a, a2.shape).reshape(a.shape)
        if b.requires_grad:
            grad_b = xp.matmul(xp.swapaxes(a2, -1, -2), g)
            grad_b = unbroadcast(grad_b, b2.shape).reshape(b.shape)
        return grad_a, grad_b

    return from_op(out, (a, b), backward)


def _check_matmul_shapes(a_shape, b_shape):
    """Raise matmul's error for operands NumPy refused: no axes, or unaligned inner axes.

    Args:
        a_shape, b_shape: the operands' shapes.

    Raises:
        ValueError: for a 0-d operand, or when a's last axis is not b's second-to-last (its only
            one when b is 1-D); nothing for other shapes (NumPy's own error then stands).

    Example:

    >>> _check_matmul_shapes((2, 3), (2, 4))
    Traceback (most recent call last):
    ...
    ValueError: matmul: shapes (2, 3) and (2, 4) are not aligned: the last dimension of the ...
    """
    if not a_shape or not b_shape:
        raise ValueError(
            f"matmul: operands must have at least 1 dimension, got shapes {a_shape} and "
            f"{b_shape}; use multiply for scalars"
        ) from None  # (called in matmul's except clause: NumPy's error says no more)
    inner = -2 if len(b_shape) > 1 else 0
    if a_shape[-1] != b_shape[inner]:
        raise ValueError(
            f"matmul: shapes {a_shape} and {b_shape} are not aligned: the last dimension of the "
            f"first ({a_shape[-1]}) must equal the {'second-to-last' if inner else 'only'} "
            f"dimension of the second ({b_shape[inner]})"
        ) from None


def _prepare_einsum(subscripts, tensors):
    """Subscripts with every operand's axes named by one letter each: "..." becomes letters of
    its own (operands broadcast against each other there) and a repeated letter within one
    operand (a diagonal, "ii") becomes that diagonal, taken by the differentiable ``diagonal``.

    Returns:
        (input subscripts, output subscript, tensors).
    """
    subscripts = subscripts.replace(" ", "")
    explicit = "->" in subscripts
    inputs, output = subscripts.split("->") if explicit else (subscripts, None)
    inputs = inputs.split(",")
    if len(inputs) != len(tensors):
        raise ValueError(f"einsum: '{subscripts}' names {len(inputs)} operands, got {len(tensors)}")
    # "..." -> letters not used elsewhere, aligned to the right across operands
    spare = [
        c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" if c not in subscripts
    ]
    counts = [t.ndim - (len(spec) - 3) if "..." in spec else 0 for spec, t in zip(inputs, tensors)]
    ellipsis = "".join(spare[: max(counts, default=0)])
    inputs = [spec.replace("...", ellipsis[len(ellipsis) - k :]) for spec, k in zip(inputs, counts)]
    for spec, t in zip(inputs, tensors):
        if len(spec) != t.ndim:
            raise ValueError(
                f"einsum: operand '{spec}' has {len(spec)} indices but shape {t.shape}"
            )
    if explicit:
        output = output.replace("...", ellipsis)
    else:  # implicit: the broadcast axes, then the indices seen once, in alphabetical order
        letters = "".join(inputs)
        once = sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
        output = ellipsis + "".join(once)
    sizes = {}
    for spec, t in zip(inputs, tensors):
        for c, n in zip(spec, t.shape):
            if c in ellipsis and n != 1:
                sizes[c] = n
    prepared = []
    for spec, t in zip(inputs, tensors):
        target = tuple(sizes.get(c, n) if c in ellipsis else n for c, n in zip(spec, t.shape))
        if target != t.shape:
            t = broadcast_to(t, target)
        while len(set(spec)) != len(spec):  # a repeated letter: keep only its diagonal
            c = next(c for c in spec if spec.count(c) > 1)
            first, second = spec.index(c), spec.index(c, spec.index(c) + 1)
            t = diagonal(t, 0, first, second)
            spec = "".join(d for k, d in enumerate(spec) if k not in (first, second)) + c
        prepared.append((spec, t))
    return [s for s, _ in prepared], output, [t for _, t in prepared]


def _as_matrix(array, spec, contracted):
    """``array`` (axes named by ``spec``) as a 2-D (free, contracted) matrix, or None: its
    contracted axes must come all first or all last, in ``contracted``'s order. A view for a
    contiguous array; ``reshape`` copies one that is not."""
    k = len(contracted)
    if spec.endswith(contracted) and (k or spec):
        free = math.prod(array.shape[: len(spec) - k])
        return array.reshape(free, -1) if free else None
    if k and spec.startswith(contracted):
        rows = math.prod(array.shape[:k])
        return array.reshape(rows, -1).T if rows else None
    return None


def _contract_pair(spec_a, spec_b, output, a, b):
    """einsum of two arrays as one (batched) matrix product, or None when it is not one.

    It is one when every letter of the output comes from the operands and every letter only one
    operand has is in the output. The product comes with the letters both share (the batch)
    first, then one operand's other letters, then the other's; it is copied into the output's
    order when that differs.

    The projections of attention and their gradients have no batch letters: each operand is
    reshaped to a matrix, for contiguous operands without a copy, and the product is one BLAS
    call. The attention scores and the weighted sum of values have two (batch and head): they
    become one ``matmul`` over those axes, on transposed views where BLAS can read them. NumPy's
    einsum reaches the same products only after transposing copies.
    """
    if (
        a.dtype != b.dtype
        or a.dtype.kind != "f"
        or len(set(spec_a)) != len(spec_a)
        or len(set(spec_b)) != len(spec_b)
        or len(set(output)) != len(output)
    ):
        return None
    batch = "".join(c for c in output if c in spec_a and c in spec_b)
    contracted = "".join(c for c in spec_a if c in spec_b and c not in output)
    free_a = "".join(c for c in spec_a if c not in spec_b)
    free_b = "".join(c for c in spec_b if c not in spec_a)
    if sorted(output) != sorted(batch + free_a + free_b):
        return None  # a letter summed within one operand, or one that no operand has
    # the operand whose own letters come first in the output goes on the left
    if free_a and free_b and output.index(free_b[0]) < output.index(free_a[0]):
        spec_a, spec_b, a, b, free_a, free_b = spec_b, spec_a, b, a, free_b, free_a
    sizes = {}
    for spec, shape in ((spec_a, a.shape), (spec_b, b.shape)):
        for c, n in zip(spec, shape):
            if sizes.setdefault(c, n) != n:
                return None
    made = batch + free_a + free_b  # the order the product comes in
    if not batch:
        out = _matrix_product(a, b, spec_a, spec_b, contracted, sizes, made)
    else:
        left = _batched_matrices(a, spec_a, batch, free_a, contracted, sizes)
        right = _batched_matrices(b, spec_b, batch, contracted, free_b, sizes)
        out = xp.matmul(left, right).reshape([sizes[c] for c in made])
    if out is None or made == output:
        return out
    # one copy into the output's order: the ops that read the result (a bias's gradient, the
    # next contraction's reshape) then run on contiguous rows (a Transformer step ~4% faster)
    return xp.ascontiguousarray(out.transpose([made.index(c) for c in output]))


def _matrix_product(a, b, spec_a, spec_b, contracted, sizes, output):
    """The no-batch case of ``_contract_pair``: (free_a, contracted) @ (contracted, free_b) with
    the axes of ``output`` (free_a then free_b), or None when a contracted group is not at one
    end of its operand in the same order."""
    if not (spec_a.endswith(contracted) or spec_a.startswith(contracted)):
        return None
    if not (spec_b.endswith(contracted) or spec_b.startswith(contracted)):
        return None
    left = _as_matrix(a, spec_a, contracted)
    right = _as_matrix(b, spec_b, contracted)
    if left is None or right is None:
        return None
    # right came as (free_b, contracted)
    return (left @ right.T).reshape([sizes[c] for c in output])


def _batched_matrices(array, spec, batch, rows, columns, sizes):
    """``array`` as a stack of (rows, columns) matrices over the ``batch`` axes: a transposed
    view, copied only where a group of several letters must merge or BLAS could not read the
    view (NumPy's matmul would then run its slow loop)."""
    view = array.transpose([spec.index(c) for c in batch + rows + columns])
    shape = [sizes[c] for c in batch] + [
        math.prod(sizes[c] for c in rows),
        math.prod(sizes[c] for c in columns),
    ]
    if len(rows) != 1 or len(columns) != 1:
        view = view.reshape(shape)  # copies when the view's axes cannot merge
    return view if _blas_readable(view) else xp.ascontiguousarray(view)


def _blas_readable(stack):
    """Whether BLAS can read each matrix of ``stack`` in place (as NumPy's matmul decides): one
    axis of unit stride, the other a whole number of elements at least one row (column) long."""
    item = stack.itemsize
    (rows, columns), (row_stride, column_stride) = stack.shape[-2:], stack.strides[-2:]
    if rows < 2 or columns < 2:
        return False  # a degenerate axis may carry any stride: copy rather than guess
    row_major = column_stride == item and row_stride % item == 0 and row_stride >= columns * item
    column_major = row_stride == item and column_stride % item == 0 and column_stride >= rows * item
    return row_major or column_major


def _einsum_arrays(inputs, output, arrays):
    """NumPy's einsum on arrays, through one matrix product when two operands allow it."""
    if len(arrays) == 2:
        out = _contract_pair(inputs[0], inputs[1], output, *arrays)
        if out is not None:
            return out
    return xp.einsum(f"{','.join(inputs)}->{output}", *arrays, optimize=True)


@keras_op
def einsum(subscripts, *operands, **kwargs):
    """Einstein summation, e.g. einsum('bqd,bkd->bqk', q, k); differentiable in every operand.

    Supports NumPy's full notation: implicit outputs, "..." for broadcast axes, and repeated
    indices within one operand (diagonals, traces).

    Args:
        subscripts: the summation, e.g. "...ij,...jk->...ik".
        *operands: tensors.
        **kwargs: accepted for NumPy's options (optimize...); the contraction order is chosen here.

    Returns:
        tensor of Keras's common dtype (int8 operands multiply in int32).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.einsum("ii", np.eye(3)).item()
    3.0
    """
    tensors = [as_tensor(o, where="einsum") for o in operands]
    dtypes = {t.dtype for t in tensors}
    if dtypes == {xp.dtype("int8")}:  # Keras multiplies int8 in int32
        tensors = [Tensor(t.data.astype("int32")) for t in tensors]
    elif len(dtypes) > 1:
        dtype = result_type(*dtypes)
        tensors = [to_dtype(t, dtype) for t in tensors]
    inputs, output, tensors = _prepare_einsum(subscripts, tensors)
    out = _einsum_arrays(inputs, output, [t.data for t in tensors])

    def backward(grad_output):
        # dL/d(operand i) = einsum(output, other operands -> operand i's indices), then broadcast
        # over indices that only operand i had (they were summed away on their own)
        grads = []
        for i, (spec, t) in enumerate(zip(inputs, tensors)):
            if not t.requires_grad:
                grads.append(None)
                continue
            others = [(s, u.data) for j, (s, u) in enumerate(zip(inputs, tensors)) if j != i]
            available = set(output).union(*[set(s) for s, _ in others])
            kept = "".join(c for c in spec if c in available)
            grad = _einsum_arrays(
                [output] + [s for s, _ in others], kept, [grad_output] + [a for _, a in others]
            )
            if kept != spec:
                grad = xp.broadcast_to(
                    grad.reshape([t.shape[k] if c in kept else 1 for k, c in enumerate(spec)]),
                    t.shape,
                )
            grads.append(grad)
        return tuple(grads)

    return from_op(out, tuple(tensors), backward)


def dense_rows(rows, kernel, bias, spec):
    """The forward arithmetic of ``dense`` on arrays: spec(rows @ kernel + bias), the activation
    written into the product's own buffer. ``dense`` and the fusion pass's tape-free inference
    chain both compute with it, so their values are the same bits.

    Args:
        rows: (n, in) array.
        kernel: (in, units) array.
        bias: (units,) array or None.
        spec: an ActivationSpec (``ops.activation.get_spec``).

    Returns:
        (n, units) array.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.activation import get_spec
    >>> dense_rows(np.ones((1, 2)), np.ones((2, 1)), np.array([-3.0]), get_spec("relu"))
    array([[0.]])
    """
    return spec.apply_inplace(rows @ kernel, bias)


@keras_op
def dense(inputs, kernel, bias=None, activation="linear"):
    """activation(inputs @ kernel + bias) as one op with one backward.

    ``Dense`` computes ``inputs @ kernel + bias`` with this op (activation "linear") and then its
    activation op; the fusion pass (``glassnet.models.fusion``) runs the activation inside it
    instead, on the op's own buffer, when the activation's derivative needs only the output.

    Args:
        inputs: (..., in).
        kernel: (in, units).
        bias: (units,) or None.
        activation: a name in ``ops.activation.ACTIVATIONS`` whose spec has ``from_output``.

    Returns:
        (..., units).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.dense(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4), "relu").shape
    (2, 4)
    """
    spec = spec_inside_op(activation, "dense")
    x = as_tensor(inputs, where="dense")
    k = as_tensor(kernel, like=x, where="dense")
    parents = (x, k) if bias is None else (x, k, as_tensor(bias, like=x, where="dense"))
    if x.ndim == 0 or k.ndim != 2 or x.shape[-1] != k.shape[0]:
        raise ValueError(
            f"dense: inputs of shape {x.shape} do not fit a kernel of shape {k.shape} (the last "
            f"dimension of the inputs must equal the kernel's first)"
        )
    rows = x.data.reshape(-1, x.shape[-1])
    out = dense_rows(rows, k.data, None if bias is None else parents[2].data, spec)

    def backward(grad_output):
        grad_z = grad_output.reshape(out.shape)
        if spec.name != "linear":
            grad_z = spec.chain(grad_z, None, out)  # dL/dz = dL/dy * f'(z), from y
        grads = [
            (grad_z @ k.data.T).reshape(x.shape) if x.requires_grad else None,  # dL/dx = g W^T
            rows.T @ grad_z if k.requires_grad else None,  # dL/dW = x^T g
        ]
        if bias is not None:  # dL/db = sum over rows of dL/dz
            grads.append(sum_rows(grad_z) if parents[2].requires_grad else None)
        return tuple(grads)

    result = from_op(out.reshape(*x.shape[:-1], k.shape[1]), parents, backward)
    if spec.name != "linear":
        result.activation = spec.name
    return result


# -- products built from matmul -------------------------------------------------------------------
@keras_op
def tensordot(x1, x2, axes=2):
    """Sum of products over the given axes of x1 and x2 (NumPy's ``tensordot``).

    Args:
        x1, x2: tensors.
        axes: an int N (the last N axes of x1 with the first N of x2), or a pair of axis
            sequences (axes of x1, axes of x2).

    Returns:
        tensor with x1's free axes followed by x2's; differentiable in both.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    a, b = promoted(x1, x2, "tensordot", weak_scalars=False)
    if isinstance(axes, int):
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, int) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, int) else list(axes_b)
    axes_a = [ax % a.ndim for ax in axes_a]
    axes_b = [ax % b.ndim for ax in axes_b]
    if [a.shape[i] for i in axes_a] != [b.shape[i] for i in axes_b]:
        raise ValueError(
            f"tensordot: the summed axes must match: {[a.shape[i] for i in axes_a]} of "
            f"{a.shape} against {[b.shape[i] for i in axes_b]} of {b.shape}"
        )
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    summed = math.prod(a.shape[i] for i in axes_a)
    left = reshape(transpose(a, free_a + axes_a), (-1, summed))
    right = reshape(transpose(b, axes_b + free_b), (summed, -1))
    return reshape(matmul(left, right), [a.shape[i] for i in free_a] + [b.shape[i] for i in free_b])


@keras_op
def dot(x1, x2):
    """NumPy's ``dot``: the product for scalars, the inner product of vectors, the matrix product
    of matrices, and for N-D a sum over the last axis of x1 and the second-to-last of x2.

    Args:
        x1, x2: tensors.

    Returns:
        tensor of Keras's common dtype; differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.dot([1.0, 2.0], [3.0, 4.0]).data.tolist()
    11.0
    """
    a, b = promoted(x1, x2, "dot", weak_scalars=False)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if b.ndim == 1 or (a.ndim <= 2 and b.ndim == 2):
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-2]))


@keras_op
def inner(x1, x2):
    """Inner product over the last axes: sum(x1[..., i] * x2[..., i]) for every pair of leading
    positions (a product for scalars).

    Args:
        x1, x2: tensors with equal last dimensions.

    Returns:
        tensor of shape x1.shape[:-1] + x2.shape[:-1].

    Example:

    >>> from glassnet import ops
    >>> ops.inner([[1.0, 2.0]], [[3.0, 4.0], [1.0, 0.0]]).data.tolist()
    [[11.0, 1.0]]
    """
    a, b = promoted(x1, x2, "inner", weak_scalars=False)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


@keras_op
def outer(x1, x2):
    """Outer product of the flattened inputs: out[i, j] = x1[i] * x2[j].

    Args:
        x1, x2: tensors (flattened).

    Returns:
        (x1.size, x2.size) tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.outer([1, 2], [3, 4]).data.tolist()
    [[3, 4], [6, 8]]
    """
    a, b = promoted(x1, x2, "outer", weak_scalars=False)
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


@keras_op
def vdot(x1, x2):
    """Dot product of the flattened inputs, the first one conjugated.

    Args:
        x1, x2: tensors of the same size.

    Returns:
        0-d tensor.

    Example:

    >>> from glassnet import ops
    >>> ops.vdot([[1.0, 2.0]], [3.0, 4.0]).data.tolist()
    11.0
    """
    a, b = promoted(x1, x2, "vdot", weak_scalars=False)
    if a.size != b.size:
        raise ValueError(f"vdot: inputs must have the same size, got {a.size} and {b.size}")
    out = xp.asarray(xp.vdot(a.data, b.data), dtype=a.dtype)

    def backward(grad_output):  # dL/da = g conj(b), dL/db = g a (flattened back to the shapes)
        return grad_output * xp.conj(b.data).reshape(a.shape), grad_output * a.data.reshape(b.shape)

    return from_op(out, (a, b), backward)


@keras_op
def kron(x1, x2):
    """Kronecker product: x2 scaled by each element of x1, laid out in blocks.

    Args:
        x1, x2: tensors (the one with fewer axes gains leading axes of size 1).

    Returns:
        tensor of shape x1.shape * x2.shape (elementwise).

    Example:

    >>> from glassnet import ops
    >>> ops.kron([[1, 2]], [[1], [10]]).data.tolist()
    [[1, 2], [10, 20]]
    """
    a, b = promoted(x1, x2, "kron", weak_scalars=False)
    ndim = max(a.ndim, b.ndim)
    shape_a = (1,) * (ndim - a.ndim) + a.shape
    shape_b = (1,) * (ndim - b.ndim) + b.shape
    # interleave: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...); their product in blocks
    spread_a = reshape(a, [n for size in shape_a for n in (size, 1)])
    spread_b = reshape(b, [n for size in shape_b for n in (1, size)])
    return reshape(multiply(spread_a, spread_b), [p * q for p, q in zip(shape_a, shape_b)])


@keras_op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (2-vectors count as having a zero third component).

    Args:
        x1, x2: tensors whose vector axis has 2 or 3 entries; the others broadcast.
        axisa, axisb: the vector axes of x1 and x2.
        axisc: where the result's vector axis goes.
        axis: if given, overrides all three.

    Returns:
        tensor of 3-vectors (the z component alone when both inputs are 2-vectors).

    Example:

    >>> from glassnet import ops
    >>> ops.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).data.tolist()
    [0.0, 0.0, 1.0]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = promoted(x1, x2, "cross", weak_scalars=False)
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    for t in (a, b):
        if t.shape[-1] not in (2, 3):
            raise ValueError(f"cross: vectors must have 2 or 3 entries, got shape {t.shape}")

    def component(t, i):
        if i < t.shape[-1]:
            return getitem(t, (Ellipsis, i))
        return Tensor(xp.zeros(t.shape[:-1], dtype=t.dtype))

    ax, ay, az = (component(a, i) for i in range(3))
    bx, by, bz = (component(b, i) for i in range(3))
    z = subtract(multiply(ax, by), multiply(ay, bx))
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return z
    x = subtract(multiply(ay, bz), multiply(az, by))
    y = subtract(multiply(az, bx), multiply(ax, bz))
    return moveaxis(stack([x, y, z], axis=-1), -1, axisc)


@keras_op
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along a diagonal of the matrices spanned by ``axis1`` and ``axis2``.

    Args:
        x: tensor with at least 2 dimensions.
        offset: which diagonal (0 main, > 0 above, < 0 below).
        axis1, axis2: the axes of the matrices.

    Returns:
        tensor of the other axes; bool and small integers sum in int32.

    Example:

    >>> from glassnet import ops
    >>> ops.trace([[1, 2], [3, 4]]).data.tolist()
    5
    """
    return reduce_sum(diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


@keras_op
def cdist(x, y):
    """Euclidean distances between every row of x and every row of y (batch axes broadcast).

    Args:
        x: (..., m, d).
        y: (..., n, d).

    Returns:
        (..., m, n) float tensor; differentiable where distances are not 0.

    Example:

    >>> from glassnet import ops
    >>> ops.cdist([[0.0, 0.0]], [[3.0, 4.0], [0.0, 1.0]]).data.tolist()
    [[5.0, 1.0]]
    """
    a, b = promoted(x, y, "cdist", floating=True)
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"cdist: expected inputs (..., m, d) and (..., n, d) with equal d, got {a.shape} and "
            f"{b.shape}"
        )
    differences = subtract(expand_dims(a, -2), expand_dims(b, -3))
    return sqrt(reduce_sum(square(differences), axis=-1))


# -- matrix functions with their own backward ----------------------------------------------------
def _or_nan(factorise, *arrays):
    """``factorise(*arrays)``, with NaN for the matrices where it fails (singular, or not positive
    definite) instead of an exception, as JAX does: a batch keeps its good results, and shape
    inference on zero matrices (the functional API) works."""
    try:
        return factorise(*arrays)
    except xp.linalg.LinAlgError:
        pass
    batch = xp.broadcast_shapes(*[a.shape[:-2] for a in arrays])
    arrays = [xp.broadcast_to(a, batch + a.shape[-2:]) for a in arrays]
    results = []
    for index in xp.ndindex(*batch):  # only on failure: one matrix at a time, to find the bad ones
        try:
            results.append(factorise(*[a[index] for a in arrays]))
        except xp.linalg.LinAlgError:
            results.append(None)
    shape = next((r.shape for r in results if r is not None), None)
    if shape is None:
        shape = factorise(*[xp.eye(a.shape[-2], a.shape[-1], dtype=a.dtype) for a in arrays]).shape
    filled = [xp.full(shape, xp.nan, dtype=arrays[0].dtype) if r is None else r for r in results]
    return xp.stack(filled).reshape(batch + shape) if batch else filled[0]


def _square_matrices(a, op):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{op}: expected square matrices (..., n, n), got shape {a.shape}")
    return a


def _t(array):
    """Transpose of the last two axes."""
    return xp.swapaxes(array, -1, -2)


def _linalg_input(x, op, square=True):
    """x as a float tensor (ints give floatx) with at least 2 dimensions (square ones)."""
    x = float_operand(x, op)
    if x.ndim < 2:
        raise ValueError(f"{op}: expected matrices (..., m, n), got shape {x.shape}")
    return _square_matrices(x, op) if square else x


@keras_op
def inv(x):
    """Inverse of square matrices.

    Args:
        x: (..., n, n) tensor.

    Returns:
        (..., n, n) tensor, NaN for singular matrices (as in JAX); differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.inv([[2.0, 0.0], [0.0, 4.0]]).data.tolist()
    [[0.5, 0.0], [0.0, 0.25]]
    """
    a = _linalg_input(x, "inv")
    out = _or_nan(xp.linalg.inv, a.data)

    def backward(grad_output):  # dL/dA = -Y^T G Y^T with Y = A^-1
        return (-_t(out) @ grad_output @ _t(out),)

    return from_op(out, (a,), backward)


@keras_op
def det(x):
    """Determinant of square matrices.

    Args:
        x: (..., n, n) tensor.

    Returns:
        (...) tensor; differentiable (for invertible matrices).

    Example:

    >>> from glassnet import ops
    >>> round(ops.det([[2.0, 1.0], [1.0, 3.0]]).item(), 6)
    5.0
    """
    a = _linalg_input(x, "det")
    out = xp.linalg.det(a.data)

    def backward(grad_output):  # dL/dA = g det(A) A^-T
        return ((grad_output * out)[..., None, None] * _t(xp.linalg.inv(a.data)),)

    return from_op(out, (a,), backward)


@keras_op
def slogdet(x):
    """Sign and log of the absolute value of the determinant (stable for large or tiny ones).

    Args:
        x: (..., n, n) tensor.

    Returns:
        (sign, logabsdet): sign without gradient, logabsdet differentiable.

    Example:

    >>> from glassnet import ops
    >>> sign, logabsdet = ops.slogdet([[-2.0, 0.0], [0.0, 1.0]])
    >>> sign.item(), round(logabsdet.item(), 4)
    (-1.0, 0.6931)
    """
    a = _linalg_input(x, "slogdet")
    sign, logabsdet = xp.linalg.slogdet(a.data)

    def backward(grad_output):  # dL/dA = g A^-T
        return (grad_output[..., None, None] * _t(xp.linalg.inv(a.data)),)

    return Tensor(sign), from_op(logabsdet, (a,), backward)


@keras_op
def logdet(x):
    """Log of the determinant of Hermitian positive-definite matrices (log|det| in general).

    Args:
        x: (..., n, n) tensor.

    Returns:
        (...) tensor; differentiable.

    Example:

    >>> from glassnet import ops
    >>> round(ops.logdet([[2.0, 0.0], [0.0, 2.0]]).item(), 4)
    1.3863
    """
    return slogdet(x)[1]


def _vector_rhs(a, b):
    """Keras reads b of shape (..., n) (one dimension fewer than a) as a batch of vectors."""
    return b.ndim == a.ndim - 1


@keras_op
def solve(a, b):
    """The X with A X = B, for square invertible A.

    Args:
        a: (..., n, n).
        b: (..., n, k), or (..., n) for vectors.

    Returns:
        X of b's shape (NaN where A is singular); differentiable in a and b.

    Example:

    >>> from glassnet import ops
    >>> ops.solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 2.0]).data.tolist()
    [1.0, 0.5]
    """
    a, b = promoted(a, b, "solve", floating=True)
    _linalg_input(a, "solve")
    vector = _vector_rhs(a, b)
    rhs = b.data[..., None] if vector else b.data
    out = _or_nan(xp.linalg.solve, a.data, rhs)

    def backward(grad_output):  # dL/dB = A^-T G, dL/dA = -dL/dB X^T
        g = grad_output[..., None] if vector else grad_output
        grad_b = xp.linalg.solve(_t(a.data), g)
        grad_a = -grad_b @ _t(out)
        return unbroadcast(grad_a, a.shape), unbroadcast(
            grad_b[..., 0] if vector else grad_b, b.shape
        )

    return from_op(out[..., 0] if vector else out, (a, b), backward)


@keras_op
def solve_triangular(a, b, lower=False):
    """The X with A X = B for triangular A (only its lower or upper triangle is read).

    Args:
        a: (..., n, n) triangular matrices.
        b: (..., n, k), or (..., n) for vectors.
        lower: A is lower (else upper) triangular.

    Returns:
        X of b's shape; differentiable (A's gradient lies in its triangle).

    Example:

    >>> from glassnet import ops
    >>> ops.solve_triangular([[2.0, 0.0], [1.0, 1.0]], [2.0, 3.0], lower=True).data.tolist()
    [1.0, 2.0]
    """
    a, b = promoted(a, b, "solve_triangular", floating=True)
    _linalg_input(a, "solve_triangular")
    triangle = xp.tril if lower else xp.triu
    matrix = triangle(a.data)
    vector = _vector_rhs(a, b)
    rhs = b.data[..., None] if vector else b.data
    out = _or_nan(xp.linalg.solve, matrix, rhs)

    def backward(grad_output):  # as solve, with dL/dA kept to the triangle
        g = grad_output[..., None] if vector else grad_output
        grad_b = xp.linalg.solve(_t(matrix), g)
        grad_a = triangle(-grad_b @ _t(out))
        return unbroadcast(grad_a, a.shape), unbroadcast(
            grad_b[..., 0] if vector else grad_b, b.shape
        )

    return from_op(out[..., 0] if vector else out, (a, b), backward)


def _phi(matrix):
    """Lower triangle with the diagonal halved (the Cholesky backward's projection)."""
    return xp.tril(matrix) - 0.5 * xp.eye(matrix.shape[-1], dtype=matrix.dtype) * matrix


@keras_op
def cholesky(x, upper=False):
    """Cholesky factor of symmetric positive-definite matrices: A = L L^T (or U^T U).

    Only the lower triangle of A is read, as LAPACK does.

    Args:
        x: (..., n, n) symmetric positive-definite.
        upper: return the upper factor U = L^T.

    Returns:
        (..., n, n) triangular tensor, NaN for a matrix that is not positive definite (as in
        JAX); differentiable (the gradient is symmetric).

    Example:

    >>> from glassnet import ops
    >>> ops.cholesky([[4.0, 2.0], [2.0, 2.0]]).data.tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    a = _linalg_input(x, "cholesky")
    factor = _or_nan(xp.linalg.cholesky, a.data)

    def backward(grad_output):
        # S = L^-T phi(L^T G) L^-1, dL/dA = (S + S^T) / 2 (Murray, 2016)
        g = _t(grad_output) if upper else grad_output
        inner = xp.linalg.solve(_t(factor), _phi(_t(factor) @ g))
        s = _t(xp.linalg.solve(_t(factor), _t(inner)))
        return (0.5 * (s + _t(s)),)

    return from_op(_t(factor).copy() if upper else factor, (a,), backward)


@keras_op
def cholesky_inverse(x, upper=False):
    """Inverse of A from its Cholesky factor: (L L^T)^-1, or (U^T U)^-1 when ``upper``.

    Args:
        x: (..., n, n) lower (or upper) triangular factor.
        upper: x is the upper factor.

    Returns:
        (..., n, n) symmetric tensor; differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.cholesky_inverse([[2.0, 0.0], [0.0, 1.0]]).data.tolist()
    [[0.25, 0.0], [0.0, 1.0]]
    """
    factor = _linalg_input(x, "cholesky_inverse")
    identity = xp.broadcast_to(xp.eye(factor.shape[-1], dtype=factor.dtype), factor.shape)
    inverse_factor = solve_triangular(factor, identity, lower=not upper)
    if upper:  # A = U^T U, A^-1 = U^-1 U^-T
        return matmul(inverse_factor, swapaxes(inverse_factor, -1, -2))
    return matmul(swapaxes(inverse_factor, -1, -2), inverse_factor)


@keras_op
def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of symmetric matrices (the lower triangle read).

    Args:
        x: (..., n, n) symmetric.

    Returns:
        (w, v): w (..., n), v (..., n, n) with the eigenvectors as columns; differentiable for
        distinct eigenvalues (the gradient is symmetric).

    Example:

    >>> from glassnet import ops
    >>> w, v = ops.eigh([[2.0, 0.0], [0.0, 1.0]])
    >>> w.data.tolist()
    [1.0, 2.0]
    """
    a = _linalg_input(x, "eigh")
    values, vectors = xp.linalg.eigh(a.data)

    def gradient(grad_values, grad_vectors):
        # dL/dA = V (diag(gw) + F o (V^T gV)) V^T, F_ij = 1 / (w_j - w_i) off the diagonal
        inner = xp.zeros(a.shape, dtype=a.dtype)
        if grad_vectors is not None:
            gaps = values[..., None, :] - values[..., :, None]
            off = ~xp.eye(a.shape[-1], dtype=bool)
            with xp.errstate(divide="ignore", invalid="ignore"):
                f = xp.where(off, 1 / xp.where(off, gaps, 1), 0)
            inner = inner + f * (_t(vectors) @ grad_vectors)
        if grad_values is not None:
            inner = inner + grad_values[..., None] * xp.eye(a.shape[-1], dtype=a.dtype)
        full = vectors @ inner @ _t(vectors)
        return 0.5 * (full + _t(full))

    w = from_op(values, (a,), lambda g: (gradient(g, None),))
    v = from_op(vectors, (a,), lambda g: (gradient(None, g),))
    return w, v


@keras_op
def eig(x):
    """Eigenvalues and right eigenvectors of general square matrices (no gradient).

    Args:
        x: (..., n, n).

    Returns:
        (w, v): complex when the spectrum is (real when it can be), as NumPy returns them.

    Example:

    >>> from glassnet import ops
    >>> w, v = ops.eig([[2.0, 0.0], [0.0, 3.0]])
    >>> w.data.tolist()
    [2.0, 3.0]
    """
    a = _linalg_input(x, "eig")
    values, vectors = xp.linalg.eig(a.data)
    return Tensor(values), Tensor(vectors)


def _svd_gradient(a, u, s, vh, grad_u, grad_s, grad_vh):
    """dL/dA of the thin SVD A = U diag(s) Vh (Townsend, "Differentiating the SVD", real case)."""
    v = _t(vh)
    k = s.shape[-1]
    eye = xp.eye(k, dtype=a.dtype)
    middle = xp.zeros(s.shape + (k,), dtype=a.dtype)
    if grad_s is not None:
        middle = middle + grad_s[..., None] * eye
    s_row, s_col = s[..., None, :], s[..., :, None]
    off = ~xp.eye(k, dtype=bool)
    with xp.errstate(divide="ignore", invalid="ignore"):
        f = xp.where(off, 1 / xp.where(off, s_row**2 - s_col**2, 1), 0)
    out = 0
    if grad_u is not None:
        ut_gu = _t(u) @ grad_u
        middle = middle + (f * (ut_gu - _t(ut_gu))) * s_row
        rest = grad_u - u @ ut_gu  # (I - U U^T) gU
        out = out + (rest / s_row) @ vh
    if grad_vh is not None:
        grad_v = _t(grad_vh)
        vt_gv = _t(v) @ grad_v
        middle = middle + s_col * (f * (vt_gv - _t(vt_gv)))
        rest = grad_v - v @ vt_gv  # (I - V V^T) gV
        out = out + u @ (_t(rest) / s_col)
    return u @ middle @ vh + out


@keras_op
def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition A = U diag(s) Vh.

    Args:
        x: (..., m, n).
        full_matrices: U (..., m, m) and Vh (..., n, n); else (..., m, k) and (..., k, n), k =
            min(m, n).
        compute_uv: return U and Vh too (else only s).

    Returns:
        (u, s, vh), or s; differentiable for distinct non-zero singular values (gradients
        through the extra columns of full U or Vh are not defined and taken as 0).

    Example:

    >>> from glassnet import ops
    >>> ops.svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False).data.tolist()
    [4.0, 3.0]
    """
    a = _linalg_input(x, "svd", square=False)
    u, s, vh = xp.linalg.svd(a.data, full_matrices=False)
    k = s.shape[-1]

    def backward_for(name):
        def backward(grad_output):  # only the first k columns of U (rows of Vh) have a gradient
            parts = {"u": None, "s": None, "vh": None}
            if name == "u":
                parts["u"] = grad_output[..., :k]
            elif name == "vh":
                parts["vh"] = grad_output[..., :k, :]
            else:
                parts["s"] = grad_output
            return (_svd_gradient(a.data, u, s, vh, parts["u"], parts["s"], parts["vh"]),)

        return backward

    singular = from_op(s, (a,), backward_for("s"))
    if not compute_uv:
        return singular
    if full_matrices:
        u_full, _, vh_full = xp.linalg.svd(a.data, full_matrices=True)
        u_out, vh_out = u_full, vh_full
    else:
        u_out, vh_out = u, vh
    return (
        from_op(u_out, (a,), backward_for("u")),
        singular,
        from_op(vh_out, (a,), backward_for("vh")),
    )


def _copy_lower_to_upper(matrix):
    return xp.tril(matrix) + _t(xp.tril(matrix, -1))


@keras_op
def qr(x, mode="reduced"):
    """QR decomposition A = Q R, Q with orthonormal columns, R upper triangular.

    Args:
        x: (..., m, n).
        mode: "reduced" (Q (..., m, k), R (..., k, n), k = min(m, n)) or "complete" (Q square).

    Returns:
        (q, r); differentiable when m >= n and R is invertible (in "complete" mode only for m == n).

    Example:

    >>> from glassnet import ops
    >>> q, r = ops.qr([[3.0, 0.0], [4.0, 5.0]])
    >>> r.data[0].round(4).tolist()
    [-5.0, -4.0]
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    a = _linalg_input(x, "qr", square=False)
    q, r = xp.linalg.qr(a.data, mode=mode)
    m, n = a.shape[-2:]

    def gradient(grad_q, grad_r):
        # M = R gR^T - gQ^T Q; dL/dA = (gQ + Q copyltu(M)) R^-T (m >= n)
        if m < n or q.shape[-1] != r.shape[-2] or q.shape[-1] != n:
            raise ValueError(
                f"qr: the gradient is defined for m >= n (and mode='reduced' unless m == n); "
                f"got a {m} x {n} input with mode={mode!r}"
            )
        grad_q = xp.zeros_like(q) if grad_q is None else grad_q
        grad_r = xp.zeros_like(r) if grad_r is None else grad_r
        inner = r @ _t(grad_r) - _t(grad_q) @ q
        total = grad_q + q @ _copy_lower_to_upper(inner)
        return _t(xp.linalg.solve(r, _t(total)))

    return (
        from_op(q, (a,), lambda g: (gradient(g, None),)),
        from_op(r, (a,), lambda g: (gradient(None, g),)),
    )


def _pinv_gradient(a, p, grad_p):
    """dL/dA for P = A^+ (constant rank): -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)."""
    ap = a @ p
    pa = p @ a
    eye_m = xp.eye(a.shape[-2], dtype=a.dtype)
    eye_n = xp.eye(a.shape[-1], dtype=a.dtype)
    return (
        -_t(p) @ grad_p @ _t(p)
        + (eye_m - ap) @ _t(grad_p) @ p @ _t(p)
        + _t(p) @ p @ _t(grad_p) @ (eye_n - pa)
    )


@keras_op
def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse (through the SVD; singular values below rcond times the
    largest count as 0).

    Args:
        x: (..., m, n).
        rcond: relative cut-off (default NumPy's: max(m, n) * machine epsilon).

    Returns:
        (..., n, m) tensor; differentiable where the rank does not change.

    Example:

    >>> from glassnet import ops
    >>> ops.pinv([[2.0, 0.0], [0.0, 0.0]]).data.tolist()
    [[0.5, 0.0], [0.0, 0.0]]
    """
    a = _linalg_input(x, "pinv", square=False)
    if rcond is None:
        out = xp.linalg.pinv(a.data)
    else:
        out = xp.linalg.pinv(a.data, rcond=rcond)

    def backward(grad_output):
        return (_pinv_gradient(a.data, out, grad_output),)

    return from_op(out, (a,), backward)


@keras_op
def lstsq(a, b, rcond=None):
    """Least-squares solution of A X = B: the X minimising ||A X - B|| (the smallest such X when
    there are many).

    Args:
        a: (m, n).
        b: (m,) or (m, k).
        rcond: singular values below rcond times the largest count as 0 (default
            machine epsilon times max(m, n)).

    Returns:
        X of shape (n,) or (n, k); differentiable in a and b where the rank does not change.

    Example:

    >>> from glassnet import ops
    >>> ops.lstsq([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], [1.0, 3.0, 2.0]).data.round(4).tolist()
    [2.0, 2.0]
    """
    a, b = promoted(a, b, "lstsq", floating=True)
    if a.ndim != 2 or b.ndim not in (1, 2) or a.shape[0] != b.shape[0]:
        raise ValueError(
            f"lstsq: expected a (m, n) and b (m,) or (m, k), got {a.shape} and {b.shape}"
        )
    if rcond is None:
        rcond = xp.finfo(a.dtype).eps * max(a.shape)
    pseudo_inverse = xp.linalg.pinv(a.data, rcond=rcond)
    out = pseudo_inverse @ b.data

    def backward(grad_output):  # X = A^+ B: dL/dB = A^+T G, dL/dA^+ = G B^T
        g = grad_output.reshape(out.shape[0], -1)
        rhs = b.data.reshape(b.shape[0], -1)
        grad_a = _pinv_gradient(a.data, pseudo_inverse, g @ rhs.T)
        return grad_a, (pseudo_inverse.T @ g).reshape(b.shape)

    return from_op(out, (a, b), backward)


@keras_op
def matrix_rank(x, tol=None):
    """Rank of matrices: the number of singular values above ``tol`` (default as NumPy sets it).

    Args:
        x: (..., m, n).
        tol: threshold, or None.

    Returns:
        int32 tensor of shape (...).

    Example:

    >>> from glassnet import ops
    >>> ops.matrix_rank([[1.0, 2.0], [2.0, 4.0]]).item()
    1
    """
    a = as_tensor(x, where="matrix_rank")
    if a.ndim < 2:
        raise ValueError(f"matrix_rank: expected matrices (..., m, n), got shape {a.shape}")
    return Tensor(xp.asarray(xp.linalg.matrix_rank(a.data, tol=tol), dtype="int32"))


@keras_op
def lu_factor(x):
    """LU factorisation with partial pivoting, as ``scipy.linalg.lu_factor``: P A = L U.

    Args:
        x: (..., m, n).

    Returns:
        (lu, pivots): lu holds U and L's strict lower part (L has a unit diagonal); pivots
        (..., min(m, n)) int32 are LAPACK's: row i was swapped with row pivots[i]. No gradient.

    Example:

    >>> from glassnet import ops
    >>> lu, pivots = ops.lu_factor([[1.0, 2.0], [3.0, 4.0]])
    >>> pivots.data.tolist()
    [1, 1]
    """
    a = _linalg_input(x, "lu_factor", square=False)
    batch = a.shape[:-2]
    matrices = a.data.reshape((-1,) + a.shape[-2:])
    with warnings.catch_warnings():  # a singular matrix still has its factors (U with a 0)
        warnings.simplefilter("ignore", scipy_linalg.LinAlgWarning)
        factors = [scipy_linalg.lu_factor(matrix) for matrix in matrices]  # one at a time
    lu = xp.stack([f[0] for f in factors]).reshape(a.shape)
    pivots = xp.stack([f[1] for f in factors]).astype("int32")
    return Tensor(lu), Tensor(pivots.reshape(batch + pivots.shape[-1:]))


@keras_op
def corrcoef(x):
    """Pearson correlation coefficients between the rows of x (each row a variable).

    Args:
        x: 1-D or 2-D tensor (variables, observations).

    Returns:
        (variables, variables) float tensor (a scalar for 1-D x); differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.corrcoef([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]).data.round(4).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    x = as_tensor(x, where="corrcoef")
    if x.dtype.kind not in "fc":
        x = Tensor(x.data.astype("float64" if x.dtype == xp.int64 else floatx()))
    rows = reshape(x, (1, -1)) if x.ndim == 1 else x
    centered = subtract(rows, divide(reduce_sum(rows, axis=-1, keepdims=True), rows.shape[-1]))
    covariance = matmul(centered, transpose(centered))
    scale = sqrt(reduce_sum(square(centered), axis=-1))  # the square roots of the diagonal
    outer = multiply(reshape(scale, (-1, 1)), reshape(scale, (1, -1)))
    correlation = clip(divide(covariance, outer), -1.0, 1.0)  # rounding can pass 1, as NumPy clips
    return reshape(correlation, ()) if x.ndim == 1 else correlation


def _vector_norm(x, order, axes, keepdims):
    """The vector ``order``-norm of x over ``axes`` (all of them counted as one vector)."""
    magnitude = xp.abs(x.data)
    if order == xp.inf or order == -xp.inf:
        pick = xp.max if order == xp.inf else xp.min
        kept = pick(magnitude, axis=axes, keepdims=True)

        def backward(grad_output):  # g sign(x) at the extreme entries (ties share it)
            hit = magnitude == kept
            share = hit / hit.sum(axis=axes, keepdims=True)
            return (restore_reduced(grad_output, axes, keepdims) * share * xp.sign(x.data),)

        return from_op(kept if keepdims else xp.squeeze(kept, axis=axes), (x,), backward)
    if order == 0:
        out = xp.sum(x.data != 0, axis=axes, keepdims=keepdims).astype(x.dtype)
        return Tensor(out)
    if order == 2:
        kept = xp.sqrt(xp.sum(magnitude * magnitude, axis=axes, keepdims=True))
    elif order == 1:
        kept = xp.sum(magnitude, axis=axes, keepdims=True)
    else:
        kept = xp.sum(magnitude**order, axis=axes, keepdims=True) ** (1 / order)

    def backward(grad_output):  # dL/dx = g sign(x) |x|^(p-1) / ||x||^(p-1), 0 where ||x|| = 0
        g = restore_reduced(grad_output, axes, keepdims)
        if order == 1:
            return (g * xp.sign(x.data),)
        safe = xp.where(kept == 0, 1, kept)
        with xp.errstate(divide="ignore", invalid="ignore"):
            ratio = xp.where(kept == 0, 0, xp.sign(x.data) * (magnitude / safe) ** (order - 1))
        return (g * ratio,)

    return from_op(kept if keepdims else xp.squeeze(kept, axis=axes), (x,), backward)


def _matrix_norm(x, order, axes, keepdims):
    rows, cols = axes
    if order in (None, "fro"):
        return _vector_norm(x, 2, tuple(sorted(axes)), keepdims)
    if order in (1, -1, xp.inf, -xp.inf):
        # 1: largest column sum of |x|; inf: largest row sum (the minus forms: smallest)
        summed_axis, picked_axis = (rows, cols) if order in (1, -1) else (cols, rows)
        pick = reduce_max if order in (1, xp.inf) else reduce_min
        sums = reduce_sum(absolute(x), axis=summed_axis, keepdims=True)
        out = pick(sums, axis=picked_axis, keepdims=True)
        return (
            out if keepdims else reshape(out, [n for a, n in enumerate(out.shape) if a not in axes])
        )
    if order in ("nuc", 2, -2):
        singular = svd(moveaxis(x, axes, (-2, -1)), compute_uv=False)
        if order == "nuc":
            out = reduce_sum(singular, axis=-1)
        else:
            out = (reduce_max if order == 2 else reduce_min)(singular, axis=-1)
        if keepdims:
            out = reshape(out, [1 if a in axes else n for a, n in enumerate(x.shape)])
        return out
    raise ValueError(f"norm: invalid ord {order!r} for a matrix norm")


@keras_op
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as ``numpy.linalg.norm`` defines them.

    Args:
        x: tensor; integers become floatx.
        ord: for vectors (one axis) None or 2, 1, inf, -inf, 0 (count of non-zeros) or any p;
            for matrices (two axes) None or "fro", "nuc", 1, -1, 2, -2, inf, -inf.
        axis: None (all of x as one vector when ord is None; a matrix norm of 2-D x otherwise),
            an int (vector norms) or a pair of ints (matrix norms).
        keepdims: keep the reduced axes with size 1.

    Returns:
        float tensor; differentiable (ord=0 has no gradient; the 2-norm's gradient is 0 at 0).

    Example:

    >>> from glassnet import ops
    >>> ops.norm([3.0, 4.0]).item()
    5.0
    """
    x = float_operand(x, "norm")
    if axis is None:
        if ord is None:
            return _vector_norm(x, 2, tuple(range(x.ndim)), keepdims)
        if x.ndim not in (1, 2):
            raise ValueError(
                f"norm: with ord={ord!r} and axis=None x must be 1-D or 2-D, got {x.shape}"
            )
        axis = tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    normalize_axes(axes, x.ndim, "norm")
    axes = tuple(a % x.ndim for a in axes)
    if len(axes) == 1:
        if isinstance(ord, str):
            raise ValueError(f"norm: invalid ord {ord!r} for a vector norm")
        return _vector_norm(x, 2 if ord is None else ord, axes, keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: axis must be an int or a pair of ints, got {axis!r}")
