"""Matrix products."""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import operands, sum_rows, unbroadcast
from glassnet.ops.activation import get_spec
from glassnet.ops.operation import keras_op


@keras_op
def matmul(x1, x2):
    """Matrix product with NumPy's rules: (..., n, k) @ (..., k, m) -> (..., n, m); 1-D operands
    are treated as a row (left) or a column (right) vector and that axis is dropped again."""
    a, b = operands(x1, x2, "matmul")
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: operands must have at least 1 dimension, got shapes {a.shape} and {b.shape}; use multiply for scalars"
        )
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


def _parse_einsum(subscripts, n_operands):
    subscripts = subscripts.replace(" ", "")
    if "." in subscripts:
        raise ValueError(
            f"einsum: ellipsis ('...') is not supported in '{subscripts}'; write the axes out"
        )
    if "->" in subscripts:
        inputs, output = subscripts.split("->")
    else:  # implicit form: the output holds the indices that appear exactly once, in alphabetical order
        inputs = subscripts
        letters = inputs.replace(",", "")
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    inputs = inputs.split(",")
    if len(inputs) != n_operands:
        raise ValueError(f"einsum: '{subscripts}' names {len(inputs)} operands, got {n_operands}")
    for spec in inputs:
        if len(set(spec)) != len(spec):
            raise ValueError(
                f"einsum: repeated index within one operand ('{spec}', a diagonal) is not supported"
            )
    return inputs, output


@keras_op
def einsum(subscripts, *operands):
    """Einstein summation, e.g. einsum('bqd,bkd->bqk', q, k); differentiable in every operand."""
    tensors = [as_tensor(o, where="einsum") for o in operands]
    inputs, output = _parse_einsum(subscripts, len(tensors))
    for spec, t in zip(inputs, tensors):
        if len(spec) != t.ndim:
            raise ValueError(
                f"einsum: operand '{spec}' has {len(spec)} indices but shape {t.shape}"
            )
    out = xp.einsum(f"{','.join(inputs)}->{output}", *[t.data for t in tensors], optimize=True)

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
            grad = xp.einsum(
                f"{','.join([output] + [s for s, _ in others])}->{kept}",
                grad_output,
                *[a for _, a in others],
                optimize=True,
            )
            if kept != spec:
                grad = xp.broadcast_to(
                    grad.reshape([t.shape[k] if c in kept else 1 for k, c in enumerate(spec)]),
                    t.shape,
                )
            grads.append(grad)
        return tuple(grads)

    return from_op(out, tuple(tensors), backward)


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
    spec = get_spec(activation, "dense")
    if not spec.from_output:
        raise ValueError(
            f"dense: activation {activation!r} cannot run inside the op (its derivative needs the "
            f"input); apply it after dense(..., activation='linear')"
        )
    x = as_tensor(inputs, where="dense")
    k = as_tensor(kernel, like=x, where="dense")
    parents = (x, k) if bias is None else (x, k, as_tensor(bias, like=x, where="dense"))
    if x.ndim == 0 or k.ndim != 2 or x.shape[-1] != k.shape[0]:
        raise ValueError(
            f"dense: inputs of shape {x.shape} do not fit a kernel of shape {k.shape} (the last "
            f"dimension of the inputs must equal the kernel's first)"
        )
    rows = x.data.reshape(-1, x.shape[-1])
    out = rows @ k.data
    if bias is not None:
        out += parents[2].data
    out = spec.apply_inplace(out)

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
