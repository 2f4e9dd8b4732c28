"""Normalisation over axes with a learned scale and offset: the op behind BatchNormalization
(statistics over the batch axes) and LayerNormalization (over the feature axes)."""
from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import normalize_axes, unbroadcast


def normalize(x, axes, scale=None, offset=None, epsilon=1e-3, cross_replica_sum=None):
    """y = (x - mean) / sqrt(var + epsilon) * scale + offset, mean and var taken over ``axes``.

    x: any shape; scale, offset: broadcastable to x (e.g. (features,)) or None.
    cross_replica_sum: for synchronised BatchNorm under data parallelism, a function that sums a list
    of arrays over all processes; the means (forward and backward) are then over the global batch.
    Returns (y, mean, var) where mean and var (keepdims shape, no gradient) let BatchNormalization
    update its moving statistics.
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
    for a in axes:
        count *= x.shape[a]

    def global_mean(*arrays):  # means over the normalised axes, of this process's batch or of all of them
        sums = [xp.sum(a, axis=axes, keepdims=True) for a in arrays]
        total = count
        if cross_replica_sum is not None:
            *sums, total = cross_replica_sum([*sums, xp.asarray([count], dtype=xp.float64)])
            sums = [s_.astype(x.dtype) for s_ in sums]
            total = float(total[0])
        return [s_ / total for s_ in sums]

    mean, = global_mean(x.data)
    centered = x.data - mean
    var, = global_mean(centered * centered)
    inv_std = 1.0 / xp.sqrt(var + epsilon)
    x_hat = centered * inv_std
    out = x_hat * gamma.data if gamma is not None else x_hat
    if beta is not None:
        out = out + beta.data

    def backward(grad_output):
        # with d = dL/dx_hat = g * scale and means over the normalised axes:
        # dL/dx = inv_std * (d - mean(d) - x_hat * mean(d * x_hat)); dL/dscale = sum(g * x_hat); dL/doffset = sum(g)
        d = grad_output * gamma.data if gamma is not None else grad_output
        mean_d, mean_dx = global_mean(d, d * x_hat)
        grad_x = inv_std * (d - mean_d - x_hat * mean_dx)
        grads = [grad_x]
        if gamma is not None:
            grads.append(unbroadcast(grad_output * x_hat, gamma.shape) if gamma.requires_grad else None)
        if beta is not None:
            grads.append(unbroadcast(grad_output, beta.shape) if beta.requires_grad else None)
        return tuple(grads)

    return from_op(out, tuple(parents), backward), mean, var


def batch_normalization(x, mean, variance, axis=-1, offset=None, scale=None, epsilon=1e-3):
    """keras.ops.batch_normalization: normalise with *given* statistics (inference form).

    mean, variance: shape (features,) along ``axis``; composed from elementwise ops.
    """
    from glassnet.ops import elementwise as ew

    x = as_tensor(x, where="batch_normalization")
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def along_axis(v):
        return ew.cast(as_tensor(v, like=x), x.dtype) if v is None else as_tensor(v, like=x).reshape(shape)

    inv = ew.divide(1.0, ew.sqrt(ew.add(along_axis(variance), epsilon)))
    if scale is not None:
        inv = ew.multiply(inv, along_axis(scale))
    out = ew.multiply(ew.subtract(x, along_axis(mean)), inv)
    return ew.add(out, along_axis(offset)) if offset is not None else out
