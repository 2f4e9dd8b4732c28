"""``multi_hot``: sets of integer labels as 0/1 vectors (one_hot, for one label per position, is in
``encoding.py``). No gradient: the inputs are class ids.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.multi_hot(np.array([[0, 2], [1, 1]]), num_classes=3).data.tolist()
[[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
"""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import standardize_dtype, xp
from glassnet.ops.operation import keras_op


@keras_op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """1 for every class id that occurs, 0 elsewhere.

    As in Keras, the ids are one-hot encoded along ``axis`` and the maximum is taken over axis 1
    (axis 0 for a 1-D input): (batch, ids) -> (batch, num_classes). Ids outside
    [0, num_classes) set nothing.

    Args:
        inputs: integer class ids, 1-D or (batch, ids, ...).
        num_classes: the number of classes (``num_tokens`` is accepted for it, as in Keras).
        axis: where the class axis goes in the one-hot encoding.
        dtype: of the result (default floatx).
        sparse: must be False (glassnet has no sparse tensors).

    Returns:
        Tensor of 0/1 values.

    Example:

    >>> from glassnet import ops
    >>> ops.multi_hot([0, 4], num_classes=5).data.tolist()
    [1.0, 0.0, 0.0, 0.0, 1.0]
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"multi_hot: unexpected arguments {sorted(kwargs)}")
    if num_classes is None:
        raise ValueError("multi_hot: num_classes must be given")
    if sparse:
        raise ValueError("multi_hot: sparse=True is not supported (glassnet has no sparse tensors)")
    ids = xp.asarray(getattr(inputs, "data", inputs))
    if ids.dtype.kind == "f":
        ids = ids.astype(xp.int64)
    if ids.dtype.kind not in "iub":
        raise TypeError(f"multi_hot: expected integer class ids, got dtype {ids.dtype}")
    encoded = ids[..., None] == xp.arange(int(num_classes))
    if axis not in (-1, ids.ndim):
        encoded = xp.moveaxis(encoded, -1, axis)
    out = xp.any(encoded, axis=1 if ids.ndim > 1 else 0)
    return Tensor(out.astype(standardize_dtype(dtype)))
