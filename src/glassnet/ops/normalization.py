"""Normalisation over axes with a learned scale and offset: the op behind BatchNormalization
(statistics over the batch axes) and LayerNormalization (over the feature axes).

Example:

>>> from glassnet.ops.normalization import normalize
>>> y, mean, var = normalize([[1.0], [3.0]], axes=0, epsilon=0.0)
>>> y.data.tolist(), mean.tolist(), var.tolist()
([[-1.0], [1.0]], [[2.0]], [[1.0]])
"""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops import elementwise as ew
from glassnet.ops._helpers import normalize_axes, sum_columns, sum_rows, unbroadcast
from glassnet.ops.operation import keras_op


@keras_op
def normalize(x, axes, scale=None, offset=None, epsilon=1e-3, cross_replica_sum=None):
    """y = (x - mean) / sqrt(var + epsilon) * scale + offset, mean and var taken over ``axes``.

    Args:
        x: any shape.
        axes: the axes the statistics are taken over (int or sequence).
        scale: broadcastable to x (e.g. (features,)), or None.
        offset: broadcastable to x, or None.
        epsilon: added to the variance, so that constant inputs stay finite.
        cross_replica_sum: for synchronised BatchNorm under data parallelism, a function that
            sums a list of arrays over all processes; the means (forward and backward) are then
            over the global batch.

    Returns:
        ``(y, mean, var)``: y a tensor of x's shape; mean and var arrays of the keepdims shape
        (no gradient), which let BatchNormalization update its moving statistics.

    Example:

    >>> import numpy as np
    >>> x = np.array([[1.0, 10.0], [3.0, 30.0]])
    >>> y, _, _ = normalize(x, axes=0, scale=np.array([1.0, 2.0]), offset=np.array([0.0, 5.0]))
    >>> y.data.round(3).tolist()
    [[-1.0, 3.0], [1.0, 7.0]]
    """
    x = as_tensor(x, where="normalize")
    axes = normalize_axes(axes, x.ndim, "normalize")
    parents = [x]
    gamma = beta = None
    if scale is not None:
        gamma = as_tensor(scale, like=x, where="normalize")
        parents.append(gamma)
    if offset is not None:
        beta = as_tensor(offset, like=x, where="normalize")
        parents.append(beta)
    count = 1
    for axis in axes:
        count *= x.shape[axis]
    keep_shape = tuple(1 if axis in axes else size for axis, size in enumerate(x.shape))
    leading = axes == tuple(range(len(axes)))  # BatchNormalization, channels last: (rows, features)
    trailing = axes == tuple(range(x.ndim - len(axes), x.ndim))  # LayerNormalization

    def local_sums(array):  # sums over the normalised axes, keepdims shape
        if leading and array.flags.c_contiguous:  # one BLAS matrix-vector product
            return sum_rows(array.reshape(count, -1)).reshape(keep_shape)
        if trailing and array.flags.c_contiguous:  # the same the other way round, for any
            # number of rows (a sample's statistics must not depend on its batch's size)
            return sum_columns(array.reshape(-1, count)).reshape(keep_shape)
        return xp.sum(array, axis=axes, keepdims=True)

    def global_means(*sums):  # means from local sums, over this process's batch or all of them
        total = count
        if cross_replica_sum is not None:
            *sums, total = cross_replica_sum([*sums, xp.asarray([count], dtype=xp.float64)])
            sums = [each.astype(x.dtype) for each in sums]
            total = float(total[0])
        return [each / total for each in sums]

    (mean,) = global_means(local_sums(x.data))
    x_hat = x.data - mean  # centred now, normalised in place below
    squares = x_hat * x_hat
    (var,) = global_means(local_sums(squares))
    inv_std = 1.0 / xp.sqrt(var + epsilon)
    x_hat *= inv_std
    out = x_hat if gamma is None else xp.multiply(x_hat, gamma.data, out=squares)
    if beta is not None:
        out = out + beta.data if out is x_hat else xp.add(out, beta.data, out=out)
    # BatchNormalization's per-feature scale is constant over the normalised axes, so it factors
    # out of the sums below: one pass over the data fewer in the backward
    scale_is_constant = gamma is not None and all(
        gamma.shape[i] == 1 for i in (axis - x.ndim + gamma.ndim for axis in axes) if i >= 0
    )

    def backward(grad_output):
        # with d = dL/dx_hat = grad_output * scale and means over the normalised axes:
        # dL/dx = inv_std * (d - mean(d) - x_hat * mean(d * x_hat));
        # dL/dscale = sum(grad_output * x_hat); dL/doffset = sum(grad_output)
        # work is only summed, never handed out, in the first two branches: reused for dL/dx
        work = grad_output * x_hat
        reuse = True
        if gamma is None:
            grad_x_hat, sum_grad_xhat = grad_output, local_sums(work)
        elif scale_is_constant:
            grad_x_hat = grad_output * gamma.data
            sum_output_grad_xhat = local_sums(work)
            sum_grad_xhat = sum_output_grad_xhat * gamma.data
            grad_scale = unbroadcast(sum_output_grad_xhat, gamma.shape)
        else:  # e.g. LayerNormalization: the scale varies over the normalised axes
            grad_x_hat = grad_output * gamma.data
            grad_scale = unbroadcast(work, gamma.shape)
            sum_grad_xhat, reuse = local_sums(grad_x_hat * x_hat), False
        mean_grad, mean_grad_xhat = global_means(local_sums(grad_x_hat), sum_grad_xhat)
        grad_x = xp.multiply(x_hat, mean_grad_xhat, out=work if reuse else None)
        xp.subtract(grad_x_hat, grad_x, out=grad_x)
        grad_x -= mean_grad
        grad_x *= inv_std
        grads = [grad_x]
        if gamma is not None:
            grads.append(grad_scale if gamma.requires_grad else None)
        if beta is not None:
            grads.append(unbroadcast(grad_output, beta.shape) if beta.requires_grad else None)
        return tuple(grads)

    return from_op(out, tuple(parents), backward), mean, var


@keras_op
def batch_normalization(x, mean, variance, axis=-1, offset=None, scale=None, epsilon=1e-3):
    """keras.ops.batch_normalization: normalise with *given* statistics (inference form).

    Composed from elementwise ops, so every input gets its gradient.

    Args:
        x: any shape.
        mean: (features,), the size of x along ``axis``.
        variance: (features,).
        axis: the feature axis.
        offset: (features,) or None.
        scale: (features,) or None.
        epsilon: added to the variance.

    Returns:
        A tensor of x's shape.

    Example:

    >>> from glassnet import ops
    >>> ops.batch_normalization([[1.0, 4.0]], mean=[0.0, 2.0], variance=[1.0, 4.0], epsilon=0.0)
    Tensor([[1., 1.]], dtype=float32)
    """
    x = as_tensor(x, where="batch_normalization")
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def along_axis(value):
        return (
            ew.cast(as_tensor(value, like=x), x.dtype)
            if value is None
            else as_tensor(value, like=x).reshape(shape)
        )

    # x * inv + (offset - mean * inv): the per-feature work on the small vectors, two passes over
    # x (the same value as (x - mean) * inv + offset, one pass and one temporary fewer)
    inv = ew.divide(1.0, ew.sqrt(ew.add(along_axis(variance), epsilon)))
    if scale is not None:
        inv = ew.multiply(inv, along_axis(scale))
    shift = ew.negative(ew.multiply(along_axis(mean), inv))
    if offset is not None:
        shift = ew.add(shift, along_axis(offset))
    return ew.add(ew.multiply(x, inv), shift)
