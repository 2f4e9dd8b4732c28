"""Normalisation over axes with a learned scale and offset: the op behind BatchNormalization
(statistics over the batch axes) and LayerNormalization (over the feature axes).

Example:

>>> from glassnet.ops.normalization import normalize
>>> y, mean, var = normalize([[1.0], [3.0]], axes=0, epsilon=0.0)
>>> y.data.tolist(), mean.tolist(), var.tolist()
([[-1.0], [1.0]], [[2.0]], [[1.0]])
"""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import compiled, xp
from glassnet.ops import elementwise as ew
from glassnet.ops._helpers import (
    kernel_arrays,
    normalize_axes,
    sum_columns,
    sum_rows,
    unbroadcast,
)
from glassnet.ops.activation import spec_inside_op
from glassnet.ops.operation import keras_op


@keras_op
def normalize(
    x, axes, scale=None, offset=None, epsilon=1e-3, cross_replica_sum=None, activation="linear"
):
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
        activation: an activation applied to y inside the op, one whose derivative needs only
            its output (``ops.activation.spec_inside_op``); "linear" for none. The fusion pass
            runs a training BatchNormalization and the ReLU after it this way
            (batchnorm_activation); the compiled batch-norm kernels then apply the ReLU in their
            own passes, forward and backward.

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
    spec = spec_inside_op(activation, "normalize")
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
    if cross_replica_sum is None and _row_kernels_fit(x, axes, count, gamma, beta):
        kernels = compiled.get("layer_norm_forward"), compiled.get("layer_norm_backward")
        if None not in kernels:
            return _normalize_rows(x, gamma, beta, epsilon, count, keep_shape, kernels, spec)
    elif cross_replica_sum is None and _column_kernels_fit(x, axes, count, gamma, beta):
        kernels = compiled.get("batch_norm_forward"), compiled.get("batch_norm_backward")
        if None not in kernels:
            return _normalize_columns(x, gamma, beta, epsilon, count, keep_shape, kernels, spec)
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

    out, backward = _activated(out, backward, spec, x_hat, x.shape)
    return from_op(out, tuple(parents), backward), mean, var


def _activated(out, backward, spec, x_hat, shape):
    """``out`` as ``shape`` with the activation ``spec`` applied in place (on a copy when ``out``
    is the normalised values the backward reads), and ``backward`` taking the gradient through
    the activation first, from its output; both unchanged for "linear"."""
    if spec.name == "linear":
        return out, backward
    activated = spec.apply_inplace((out.copy() if out is x_hat else out).reshape(shape))

    def through_activation(grad_output):
        return backward(spec.chain(grad_output, None, activated))

    return activated, through_activation


def _row_kernels_fit(x, axes, count, gamma, beta):
    """Whether the compiled layer-norm kernels can take this ``normalize``: statistics over the
    trailing axes of a C-contiguous float32/float64 array, and a scale and offset that are None
    or of x's dtype with one value per normalised position (LayerNormalization's)."""
    if axes != tuple(range(x.ndim - len(axes), x.ndim)):
        return False
    return _kernel_operands_fit(x, count, gamma, beta, lambda axis: axis in axes)


def _column_kernels_fit(x, axes, count, gamma, beta):
    """Whether the compiled batch-norm kernels can take this ``normalize``: statistics over the
    leading axes of a C-contiguous float32/float64 array (BatchNormalization's, channels last),
    and a scale and offset that are None or of x's dtype with one value per feature."""
    if axes != tuple(range(len(axes))) or len(axes) == x.ndim:
        return False
    return _kernel_operands_fit(x, count, gamma, beta, lambda axis: axis not in axes)


def _kernel_operands_fit(x, count, gamma, beta, varies_along):
    """x, the scale and the offset (those given) are arrays the kernels can read
    (``kernel_arrays``), and the scale and offset vary along exactly the axes ``varies_along``
    says."""
    weights = [weight for weight in (gamma, beta) if weight is not None]
    if not count or not kernel_arrays(x.data, *(weight.data for weight in weights)):
        return False
    for weight in weights:
        if weight.ndim > x.ndim:
            return False
        shape = (1,) * (x.ndim - weight.ndim) + weight.shape
        for axis, size in enumerate(shape):
            if size != (x.shape[axis] if varies_along(axis) else 1):
                return False
    return True


def _normalize_rows(x, gamma, beta, epsilon, count, keep_shape, kernels, spec):
    """``normalize`` over trailing axes by the compiled kernels: x as (rows, count), one pass per
    row forward and backward; the same results as the NumPy lines within rounding (the row sums
    are added in another order)."""
    forward, backward_kernel = kernels
    dtype = x.dtype.type
    rows = x.data.reshape(-1, count)
    scale = None if gamma is None else gamma.data.reshape(count)
    offset = None if beta is None else beta.data.reshape(count)
    x_hat = xp.empty_like(rows)
    out = x_hat if scale is None and offset is None else xp.empty_like(rows)
    mean, var, inv_std = (xp.empty(len(rows), dtype=x.dtype) for _ in range(3))
    forward(rows, scale, offset, dtype(epsilon), dtype(count), x_hat, out, mean, var, inv_std)

    def backward(grad_output):
        grad = xp.ascontiguousarray(grad_output, dtype=x.dtype).reshape(rows.shape)
        grad_x = xp.empty_like(grad)
        grad_scale, grad_offset = xp.empty(count, dtype=x.dtype), xp.empty(count, dtype=x.dtype)
        backward_kernel(grad, x_hat, scale, inv_std, dtype(count), grad_x, grad_scale, grad_offset)
        return _gradients(x, gamma, beta, grad_x, grad_scale, grad_offset)

    out, backward = _activated(out, backward, spec, x_hat, x.shape)
    return _kernel_result(x, gamma, beta, out, backward, mean, var, keep_shape)


@compiled.register("layer_norm_forward", reassociate=True)
def layer_norm_forward(x, scale, offset, epsilon, count, x_hat, out, mean, var, inv_std):
    """LayerNormalization's forward, one row at a time: the compiled sibling of ``normalize``'s
    NumPy lines for trailing axes, with the same steps in the same dtype:

        mean = sum(x) / n;  var = sum((x - mean)^2) / n;  inv_std = 1 / sqrt(var + epsilon)
        x_hat = (x - mean) * inv_std;  out = x_hat * scale + offset

    A row's sums are added as vector lanes (registered with reassociate=True); the reference
    takes them from BLAS, in its own order, so the last bits may differ.

    Args:
        x: (rows, n) C-contiguous.
        scale, offset: (n,) arrays, or None for none.
        epsilon, count: epsilon and n as scalars of x's dtype.
        x_hat: (rows, n) output: the normalised rows (the backward reads them).
        out: (rows, n) output: the result (may be ``x_hat`` itself without scale and offset).
        mean, var, inv_std: (rows,) outputs.

    Example:

    >>> import numpy as np
    >>> x = np.array([[1.0, 3.0]])
    >>> x_hat, mean, var, inv_std = np.empty((1, 2)), np.empty(1), np.empty(1), np.empty(1)
    >>> layer_norm_forward(x, None, None, 0.0, 2.0, x_hat, x_hat, mean, var, inv_std)
    >>> x_hat, mean, var
    (array([[-1.,  1.]]), array([2.]), array([1.]))
    """
    rows, n = x.shape
    zero, one = count - count, count / count  # 0 and 1 in x's dtype
    for row in range(rows):
        total = zero
        for j in range(n):
            total += x[row, j]
        row_mean = total / count
        squares = zero
        for j in range(n):
            centred = x[row, j] - row_mean
            x_hat[row, j] = centred
            squares += centred * centred
        row_var = squares / count
        inverse = one / xp.sqrt(row_var + epsilon)
        for j in range(n):
            normalised = x_hat[row, j] * inverse
            x_hat[row, j] = normalised
            if scale is not None:
                normalised = normalised * scale[j]
            if offset is not None:
                normalised = normalised + offset[j]
            out[row, j] = normalised
        mean[row], var[row], inv_std[row] = row_mean, row_var, inverse


@compiled.register("layer_norm_backward", reassociate=True)
def layer_norm_backward(grad, x_hat, scale, inv_std, count, grad_x, grad_scale, grad_offset):
    """LayerNormalization's backward, one row at a time (sibling of ``normalize``'s backward):
    with d = dL/dx_hat = grad * scale and means over the row,

        dL/dx = ((d - x_hat * mean(d * x_hat)) - mean(d)) * inv_std

    and the scale's and offset's gradients summed over the rows in float64.

    Args:
        grad: (rows, n) dL/d(out), C-contiguous.
        x_hat: (rows, n) the forward's normalised rows.
        scale: (n,) or None.
        inv_std: (rows,) the forward's 1 / sqrt(var + epsilon).
        count: n as a scalar of the arrays' dtype.
        grad_x: (rows, n) output: dL/dx.
        grad_scale, grad_offset: (n,) outputs: sum over rows of grad * x_hat, and of grad.

    Example:

    >>> import numpy as np
    >>> grad_x, grad_scale, grad_offset = np.empty((1, 2)), np.empty(2), np.empty(2)
    >>> layer_norm_backward(np.array([[1.0, 1.0]]), np.array([[-1.0, 1.0]]), None,
    ...                     np.array([1.0]), 2.0, grad_x, grad_scale, grad_offset)
    >>> grad_x, grad_scale, grad_offset  # a constant gradient moves no normalised value
    (array([[0., 0.]]), array([-1.,  1.]), array([1., 1.]))
    """
    rows, n = grad.shape
    zero = count - count
    scale_sums, offset_sums = xp.zeros(n), xp.zeros(n)  # float64
    for row in range(rows):
        sum_d = zero
        sum_d_x_hat = zero
        for j in range(n):
            g = grad[row, j]
            normalised = x_hat[row, j]
            d = g if scale is None else g * scale[j]
            scale_sums[j] += g * normalised
            offset_sums[j] += g
            sum_d += d
            sum_d_x_hat += d * normalised
        mean_d = sum_d / count
        mean_d_x_hat = sum_d_x_hat / count
        inverse = inv_std[row]
        for j in range(n):
            d = grad[row, j] if scale is None else grad[row, j] * scale[j]
            grad_x[row, j] = ((d - x_hat[row, j] * mean_d_x_hat) - mean_d) * inverse
    for j in range(n):
        grad_scale[j] = scale_sums[j]
        grad_offset[j] = offset_sums[j]


def _normalize_columns(x, gamma, beta, epsilon, count, keep_shape, kernels, spec):
    """``normalize`` over leading axes by the compiled kernels: x as (count, features), each
    feature's statistics summed in float64 over the rows; two passes forward, two backward. The
    normalised values are made again in the backward from x and the statistics (the same
    operations, so the same bits) rather than kept. A ReLU runs inside the kernels' passes (its
    backward's mask from the normalised values made again); another activation around them."""
    forward, backward_kernel = kernels
    dtype = x.dtype.type
    columns = x.data.reshape(count, -1)
    features = columns.shape[1]
    scale = None if gamma is None else gamma.data.reshape(features)
    offset = None if beta is None else beta.data.reshape(features)
    relu = spec.name == "relu"
    out = xp.empty_like(columns)
    mean, var, inv_std = (xp.empty(features, dtype=x.dtype) for _ in range(3))
    forward(columns, scale, offset, dtype(epsilon), relu, out, mean, var, inv_std)

    def backward(grad_output):
        grad = xp.ascontiguousarray(grad_output, dtype=x.dtype).reshape(columns.shape)
        grad_x = xp.empty_like(grad)
        grad_scale = xp.empty(features, dtype=x.dtype)
        grad_offset = xp.empty(features, dtype=x.dtype)
        statistics = (mean, inv_std, scale, offset, relu, dtype(1))
        backward_kernel(grad, columns, *statistics, grad_x, grad_scale, grad_offset)
        return _gradients(x, gamma, beta, grad_x, grad_scale, grad_offset)

    if not relu:
        out, backward = _activated(out, backward, spec, None, x.shape)
    return _kernel_result(x, gamma, beta, out, backward, mean, var, keep_shape)


def _gradients(x, gamma, beta, grad_x, grad_scale, grad_offset):
    """The kernels' backward results as ``normalize``'s backward returns them: one per parent
    (x, then the scale and the offset where given), each in its parent's shape, None for a
    weight that does not require grad."""
    grads = [grad_x.reshape(x.shape)]
    if gamma is not None:
        grads.append(grad_scale.reshape(gamma.shape) if gamma.requires_grad else None)
    if beta is not None:
        grads.append(grad_offset.reshape(beta.shape) if beta.requires_grad else None)
    return tuple(grads)


def _kernel_result(x, gamma, beta, out, backward, mean, var, keep_shape):
    """``normalize``'s return value, (y, mean, var), from a kernel's flat output and statistics."""
    parents = (x,) + tuple(weight for weight in (gamma, beta) if weight is not None)
    tensor = from_op(out.reshape(x.shape), parents, backward)
    return tensor, mean.reshape(keep_shape), var.reshape(keep_shape)


@compiled.register("batch_norm_forward")
def batch_norm_forward(x, scale, offset, epsilon, relu, out, mean, var, inv_std):
    """BatchNormalization's forward over the rows of x, for every feature (column) at once: the
    compiled sibling of ``normalize``'s NumPy lines for leading axes, with the same steps:

        mean = sum(x) / n;  var = sum((x - mean)^2) / n;  inv_std = 1 / sqrt(var + epsilon)
        out = ((x - mean) * inv_std) * scale + offset, then max(out, 0) with ``relu``

    Each feature's two sums are added row after row in float64 (a batch of images has tens of
    thousands of rows), then rounded to x's dtype; the reference's come from BLAS in x's dtype.
    The ReLU is ReLU's own: NaN stays NaN, -0.0 becomes 0.0.

    Args:
        x: (n, features) C-contiguous.
        scale, offset: (features,) arrays, or None for none.
        epsilon: a scalar of x's dtype.
        relu: apply a ReLU to out (the batchnorm_activation rule).
        out: (n, features) output.
        mean, var, inv_std: (features,) outputs.

    Example:

    >>> import numpy as np
    >>> out, mean, var, inv_std = np.empty((2, 1)), np.empty(1), np.empty(1), np.empty(1)
    >>> x = np.array([[1.0], [3.0]])
    >>> batch_norm_forward(x, None, None, 0.0, False, out, mean, var, inv_std)
    >>> out.ravel(), mean, var
    (array([-1.,  1.]), array([2.]), array([1.]))
    >>> batch_norm_forward(x, None, None, 0.0, True, out, mean, var, inv_std)
    >>> out.ravel()
    array([0., 1.])
    """
    rows, features = x.shape
    sums = xp.zeros(features)  # float64
    for row in range(rows):
        for j in range(features):
            sums[j] += x[row, j]
    for j in range(features):
        mean[j] = sums[j] / rows
        sums[j] = 0.0
    for row in range(rows):
        for j in range(features):
            centred = x[row, j] - mean[j]
            sums[j] += centred * centred
    for j in range(features):
        var[j] = sums[j] / rows
        inv_std[j] = 1 / xp.sqrt(var[j] + epsilon)
    for row in range(rows):
        for j in range(features):
            normalised = (x[row, j] - mean[j]) * inv_std[j]
            if scale is not None:
                normalised = normalised * scale[j]
            if offset is not None:
                normalised = normalised + offset[j]
            if relu and not (normalised > 0 or normalised != normalised):
                out[row, j] = 0.0
            else:
                out[row, j] = normalised


@compiled.register("batch_norm_backward")
def batch_norm_backward(
    grad, x, mean, inv_std, scale, offset, relu, one, grad_x, grad_scale, grad_offset
):
    """BatchNormalization's backward (sibling of ``normalize``'s backward for leading axes): with
    x_hat = (x - mean) inv_std made again as the forward made it, d = g * scale and means over
    the rows,

        dL/dx = ((d - x_hat * mean(d * x_hat)) - mean(d)) * inv_std

    and dL/dscale = sum(g * x_hat), dL/doffset = sum(g), summed row after row in float64. g is
    the gradient, or with ``relu`` the gradient times (y > 0), y = x_hat * scale + offset made
    again: ReLU's backward from its output, which is positive exactly where y is.

    Args:
        grad: (n, features) dL/d(out), C-contiguous.
        x: (n, features) the forward's input.
        mean, inv_std: (features,) the forward's statistics.
        scale, offset: (features,) or None, as the forward had them.
        relu: the forward applied a ReLU.
        one: 1 as a scalar of x's dtype.
        grad_x: (n, features) output: dL/dx.
        grad_scale, grad_offset: (features,) outputs.

    Example:

    >>> import numpy as np
    >>> grad_x, grad_scale, grad_offset = np.empty((2, 1)), np.empty(1), np.empty(1)
    >>> batch_norm_backward(np.array([[1.0], [1.0]]), np.array([[1.0], [3.0]]), np.array([2.0]),
    ...                     np.array([1.0]), None, None, False, 1.0, grad_x, grad_scale,
    ...                     grad_offset)
    >>> grad_x.ravel(), grad_scale, grad_offset  # a constant gradient moves no normalised value
    (array([0., 0.]), array([0.]), array([2.]))
    """
    rows, features = grad.shape
    zero = one - one
    sum_grad, sum_grad_x_hat = xp.zeros(features), xp.zeros(features)  # float64
    for row in range(rows):
        for j in range(features):
            x_hat = (x[row, j] - mean[j]) * inv_std[j]
            g = grad[row, j]
            if relu:
                y = x_hat if scale is None else x_hat * scale[j]
                if offset is not None:
                    y = y + offset[j]
                g = g * (one if y > 0 else zero)
            sum_grad[j] += g
            sum_grad_x_hat[j] += g * x_hat
    mean_d = xp.empty(features, dtype=grad.dtype)
    mean_d_x_hat = xp.empty(features, dtype=grad.dtype)
    for j in range(features):
        factor = 1.0 if scale is None else scale[j]
        mean_d[j] = sum_grad[j] * factor / rows
        mean_d_x_hat[j] = sum_grad_x_hat[j] * factor / rows
        grad_scale[j] = sum_grad_x_hat[j]
        grad_offset[j] = sum_grad[j]
    for row in range(rows):
        for j in range(features):
            x_hat = (x[row, j] - mean[j]) * inv_std[j]
            g = grad[row, j]
            if relu:
                y = x_hat if scale is None else x_hat * scale[j]
                if offset is not None:
                    y = y + offset[j]
                g = g * (one if y > 0 else zero)
            d = g if scale is None else g * scale[j]
            grad_x[row, j] = ((d - x_hat * mean_d_x_hat[j]) - mean_d[j]) * inv_std[j]


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
