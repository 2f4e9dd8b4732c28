"""``keras.ops.nn``: the neural-network functions under one name, as Keras groups them.

Nothing is defined here: every function lives in its family
file (activation.py, spatial.py, moments.py, attention.py, loss.py, ctc.py...) and is also
reachable as ``glassnet.ops.<name>``. Where Keras's ``ops.nn`` signature differs from glassnet's
older flat op of the same name, this namespace holds Keras's: ``conv``, ``conv_transpose``,
``depthwise_conv``, ``max_pool`` and ``average_pool`` take any rank and a ``data_format``.
``normalize`` is the L^p normalisation here and as ``glassnet.ops.normalize``, as in Keras.

Example:

>>> import numpy as np
>>> from glassnet.ops import nn
>>> nn.relu(np.array([-1.0, 2.0])).data.tolist()
[0.0, 2.0]
"""

from glassnet.ops.activation import (
    celu,
    elu,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh_shrink,
    threshold,
)
from glassnet.ops.attention import dot_product_attention
from glassnet.ops.categorical import multi_hot
from glassnet.ops.complex_numbers import polar
from glassnet.ops.ctc import ctc_decode, ctc_loss
from glassnet.ops.encoding import one_hot
from glassnet.ops.loss import (
    binary_crossentropy,
    categorical_crossentropy,
    sparse_categorical_crossentropy,
)
from glassnet.ops.moments import (
    layer_normalization,
    moments,
    normalize,
    psnr,
    rms_normalization,
)
from glassnet.ops.normalization import batch_normalization
from glassnet.ops.pooling import adaptive_average_pool, adaptive_max_pool
from glassnet.ops.spatial import (
    average_pool,
    conv,
    conv_transpose,
    depth_to_space,
    depthwise_conv,
    fold,
    max_pool,
    separable_conv,
    space_to_depth,
    unfold,
)

__all__ = [
    "adaptive_average_pool",
    "adaptive_max_pool",
    "average_pool",
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "conv",
    "conv_transpose",
    "ctc_decode",
    "ctc_loss",
    "depth_to_space",
    "depthwise_conv",
    "dot_product_attention",
    "elu",
    "fold",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "layer_normalization",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "max_pool",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "polar",
    "psnr",
    "relu",
    "relu6",
    "rms_normalization",
    "selu",
    "separable_conv",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "space_to_depth",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
    "unfold",
]
