"""Moments over axes and the normalisations built on them (keras.ops.nn names): moments,
normalize (L^p), rms_normalization, layer_normalization, and psnr (a mean squared error in dB).

``moments``, ``rms_normalization``, ``layer_normalization`` and ``psnr`` are compositions of
reductions and elementwise ops, so their gradients come from those; ``normalize`` is one op
because its clamp at ``epsilon`` needs care at zero.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> mean, variance = ops.moments(np.array([1.0, 2.0, 3.0]), axes=0)
>>> float(mean.data), round(float(variance.data), 4)
(2.0, 0.6667)
"""

import math

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import epsilon as default_epsilon
from glassnet.backend import xp
from glassnet.ops._helpers import normalize_axes
from glassnet.ops.elementwise import cast, log, sqrt, square, subtract
from glassnet.ops.manipulation import reshape
from glassnet.ops.operation import keras_op
from glassnet.ops.reduction import mean, var


def _compute_dtype(x):
    """float16 statistics are taken in float32 (its range is too small for sums of squares)."""
    return x if x.dtype != xp.float16 and x.dtype.kind == "f" else cast(x, "float32")


@keras_op
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of x over ``axes``.

    Args:
        x: tensor.
        axes: int or sequence of ints.
        keepdims: keep the reduced axes with size 1.
        synchronized: across data-parallel replicas in Keras; one process here, so the same.

    Returns:
        (mean, variance), both differentiable; float16 inputs are reduced in float32 and the
        results cast back.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> m, v = ops.moments(np.array([[1.0, 3.0], [5.0, 7.0]]), axes=[1], keepdims=True)
    >>> m.data.tolist(), v.data.tolist()
    ([[2.0], [6.0]], [[1.0], [1.0]])
    """
    x = as_tensor(x, where="moments")
    axes = normalize_axes(axes, x.ndim, "moments")
    work = _compute_dtype(x)
    mean_ = mean(work, axis=axes, keepdims=keepdims)
    variance = var(work, axis=axes, keepdims=keepdims)
    if work is not x and x.dtype.kind == "f":
        return cast(mean_, x.dtype), cast(variance, x.dtype)
    return mean_, variance


@keras_op(name="lp_normalize")
def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its L^p norm along ``axis`` (Keras's ``ops.nn.normalize``).

    Args:
        x: tensor.
        axis: the axis (or axes) the norm is taken over.
        order: p, an int >= 1.
        epsilon: the smallest norm divided by (default ``keras.config.epsilon()``); smaller
            norms give x / epsilon.

    Returns:
        tensor of x's shape and dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.nn.normalize(np.array([3.0, 4.0])).data.tolist()
    [0.6, 0.8]
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1, got {order!r}")
    x = as_tensor(x, where="normalize")
    if x.data.dtype.kind != "f":
        x = cast(x, "float32")
    epsilon = default_epsilon() if epsilon is None else float(epsilon)
    data = x.data if x.ndim else x.data.reshape(1)
    magnitude = xp.abs(data)
    norm = xp.sum(magnitude**order, axis=axis, keepdims=True) ** (1.0 / order)
    clamped = norm <= epsilon
    denominator = xp.where(clamped, epsilon, norm).astype(x.dtype)
    out = (data / denominator).astype(x.dtype, copy=False)

    def backward(grad_output):
        grad_output = grad_output.reshape(data.shape)
        # y = x / n with dn/dx_i = sign(x_i) |x_i|^(p-1) / n^(p-1); where n <= eps, y = x / eps
        weighted = xp.sum(grad_output * data, axis=axis, keepdims=True)
        dnorm = xp.sign(data) * magnitude ** (order - 1) / denominator ** (order - 1)
        grad = grad_output / denominator - weighted / denominator**2 * dnorm
        grad = xp.where(clamped, grad_output / epsilon, grad)
        return (grad.reshape(x.shape),)

    return from_op(out.reshape(x.shape), (x,), backward)


@keras_op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x**2) + epsilon) over ``axis``, times ``scale`` (Zhang & Sennrich, 2019).

    Args:
        x: tensor.
        scale: None or a tensor broadcastable against x (e.g. (features,)).
        axis: int or tuple of ints.
        epsilon: added to the mean square (default ``keras.config.epsilon()``).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.rms_normalization(np.array([3.0, 4.0]), epsilon=0.0).data.round(4).tolist()
    [0.8485, 1.1314]
    """
    x = as_tensor(x, where="rms_normalization")
    epsilon = default_epsilon() if epsilon is None else float(epsilon)
    work = _compute_dtype(x)
    axes = normalize_axes(axis, work.ndim, "rms_normalization")
    out = work / sqrt(mean(square(work), axis=axes, keepdims=True) + epsilon)
    if scale is not None:
        out = out * as_tensor(scale, like=work, where="rms_normalization")
    return out if out.dtype == x.dtype or x.dtype.kind != "f" else cast(out, x.dtype)


@keras_op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(variance + epsilon) * gamma + beta, statistics over ``axis``.

    Args:
        x: tensor.
        gamma, beta: None or tensors shaped like x's ``axis`` dimensions.
        axis: int or sequence of ints.
        epsilon: added to the variance (default ``keras.config.epsilon()``).
        **kwargs: ``rms_scaling=True`` divides by sqrt(variance + epsilon) without centring,
            as Keras's LayerNormalization(rms_scaling=True) does.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.layer_normalization(np.array([1.0, 3.0]), epsilon=0.0).data.tolist()
    [-1.0, 1.0]
    """
    rms_scaling = bool(kwargs.pop("rms_scaling", False))
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected arguments {sorted(kwargs)}")
    x = as_tensor(x, where="layer_normalization")
    epsilon = default_epsilon() if epsilon is None else float(epsilon)
    work = _compute_dtype(x)
    axes = normalize_axes(axis, work.ndim, "layer_normalization")
    # gamma and beta cover the normalised axes; put them in place when those are not the last
    broadcast_shape = tuple(n if a in axes else 1 for a, n in enumerate(work.shape))

    def placed(value):
        if value is None:
            return None
        value = as_tensor(value, like=work, where="layer_normalization")
        if value.ndim != work.ndim and axes != (work.ndim - 1,):
            value = reshape(value, broadcast_shape)
        return value

    gamma, beta = placed(gamma), placed(beta)
    mean_, variance = moments.eager(work, axes, keepdims=True)
    inverse_std = 1.0 / sqrt(variance + epsilon)
    out = work * inverse_std if rms_scaling else subtract(work, mean_) * inverse_std
    if gamma is not None:
        out = out * gamma
    if beta is not None and not rms_scaling:
        out = out + beta
    return out if out.dtype == x.dtype or x.dtype.kind != "f" else cast(out, x.dtype)


@keras_op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: 20 log10(max_val) - 10 log10(mean((x1 - x2)**2)).

    Args:
        x1, x2: tensors of the same shape (e.g. two images).
        max_val: the largest possible value (1.0 for images in [0, 1], 255 for uint8).

    Returns:
        scalar tensor.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> round(float(ops.psnr(np.array([0.0, 1.0]), np.array([0.0, 0.9]), 1.0).data), 4)
    23.0103
    """
    a = as_tensor(x1, where="psnr")
    b = as_tensor(x2, like=a, where="psnr")
    if a.shape != b.shape:
        raise ValueError(f"psnr: x1 and x2 must have the same shape, got {a.shape} and {b.shape}")
    if a.dtype.kind != "f":
        a, b = cast(a, "float32"), cast(b, "float32")
    error = mean(square(a - b))
    return 20 * math.log10(float(max_val)) - (10 / math.log(10)) * log(error)
