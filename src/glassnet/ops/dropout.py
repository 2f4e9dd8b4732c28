"""Dropout with inverted scaling: kept units are divided by (1 - rate), so inference needs no
change.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> out = ops.dropout(np.ones((2, 4), dtype="float32"), 0.5, rng=np.random.default_rng(0))
>>> sorted(set(out.data.ravel().tolist()))
[0.0, 2.0]
"""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import get_generator, xp
from glassnet.ops._helpers import unbroadcast
from glassnet.ops.operation import keras_op


@keras_op
def dropout(x, rate, noise_shape=None, rng=None):
    """Zero each entry with probability ``rate`` and scale the rest by 1 / (1 - rate).

    Args:
        x: any shape.
        rate: the probability of dropping an entry, in [0, 1); 0 returns ``x`` itself.
        noise_shape: shape of the mask, broadcast against x (e.g. (batch, 1, features) to drop
            whole feature maps); None entries take x's size.
        rng: a numpy Generator; default the shared one seeded by
            ``glassnet.utils.set_random_seed``.

    Returns:
        A tensor of x's shape and dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> x = np.ones((2, 3), dtype="float32")
    >>> out = ops.dropout(x, 0.5, noise_shape=(2, 1), rng=np.random.default_rng(1))
    >>> bool(np.all(out.data == out.data[:, :1]))  # one decision per row
    True
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
        else tuple(x.shape[axis] if size is None else size for axis, size in enumerate(noise_shape))
    )
    dtype = x.dtype if x.dtype.kind == "f" and x.dtype.itemsize >= 4 else xp.float32
    mask = (rng.random(shape, dtype=dtype) >= rate) * xp.asarray(1.0 / (1.0 - rate), dtype=x.dtype)
    out = x.data * mask

    def backward(grad_output):  # dL/dx = grad_output * mask / (1 - rate)
        return (unbroadcast(grad_output * mask, x.shape),)

    return from_op(out, (x,), backward)
