"""Dropout with inverted scaling: kept units are divided by (1 - rate), so inference needs no change."""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import get_generator, xp
from glassnet.ops._helpers import unbroadcast
from glassnet.ops.operation import keras_op


@keras_op
def dropout(x, rate, noise_shape=None, rng=None):
    """Zero each entry with probability ``rate`` and scale the rest by 1 / (1 - rate).

    x: any shape. noise_shape: shape of the mask, broadcast against x (e.g. (batch, 1, features)
    to drop whole feature maps). rng: a numpy Generator; default the shared one seeded by
    ``glassnet.utils.set_random_seed``.
    """
    x = as_tensor(x, where="dropout")
    if not 0 <= rate < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate}")
    if rate == 0:
        return x
    rng = get_generator() if rng is None else rng
    shape = (
        x.shape
        if noise_shape is None
        else tuple(x.shape[i] if n is None else n for i, n in enumerate(noise_shape))
    )
    dtype = x.dtype if x.dtype.kind == "f" and x.dtype.itemsize >= 4 else xp.float32
    mask = (rng.random(shape, dtype=dtype) >= rate) * xp.asarray(1.0 / (1.0 - rate), dtype=x.dtype)
    out = x.data * mask

    def backward(grad_output):  # dL/dx = g * mask / (1 - rate)
        return (unbroadcast(grad_output * mask, x.shape),)

    return from_op(out, (x,), backward)
