"""Matrix products."""
from glassnet.backend import xp
from glassnet.ops._helpers import operands, unbroadcast
from glassnet.autograd.tensor import from_op


def matmul(x1, x2):
    """Matrix product with NumPy's rules: (..., n, k) @ (..., k, m) -> (..., n, m); 1-D operands
    are treated as a row (left) or a column (right) vector and that axis is dropped again."""
    a, b = operands(x1, x2, "matmul")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must have at least 1 dimension, got shapes {a.shape} and {b.shape}; use multiply for scalars")
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are not aligned: the last dimension of the "
            f"first ({a.shape[-1]}) must equal the {'second-to-last' if b.ndim > 1 else 'only'} dimension of the second "
            f"({b.shape[-2 if b.ndim > 1 else 0]})"
        )
    out = xp.matmul(a.data, b.data)

    def backward(grad_output):  # dL/da = g @ b^T, dL/db = a^T @ g (batch axes summed if broadcast)
        a2 = a.data if a.ndim > 1 else a.data[None, :]
        b2 = b.data if b.ndim > 1 else b.data[:, None]
        # put back the axes a 1-D operand dropped, so g has the shape of a2 @ b2
        g = grad_output.reshape(xp.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        grad_a = grad_b = None
        if a.requires_grad:
            grad_a = xp.matmul(g, xp.swapaxes(b2, -1, -2))
            grad_a = unbroadcast(grad_a, a2.shape).reshape(a.shape)
        if b.requires_grad:
            grad_b = xp.matmul(xp.swapaxes(a2, -1, -2), g)
            grad_b = unbroadcast(grad_b, b2.shape).reshape(b.shape)
        return grad_a, grad_b

    return from_op(out, (a, b), backward)
