"""glassnet.ops: the differentiable functions, under Keras 3's ``keras.ops`` names.

One file per family, forward and backward side by side:
elementwise.py, linalg.py, reduction.py, manipulation.py (reshape, concatenate, index...), creation.py, activation.py, loss.py, dropout.py, encoding.py.
"""

from glassnet.ops.activation import (
    elu,
    gelu,
    hard_sigmoid,
    hard_silu,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)
from glassnet.ops.conv import conv1d, conv2d, conv2d_transpose, depthwise_conv2d
from glassnet.ops.creation import (
    all,
    any,
    arange,
    convert_to_numpy,
    convert_to_tensor,
    equal,
    eye,
    floor,
    full,
    greater,
    greater_equal,
    isfinite,
    isnan,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    ndim,
    not_equal,
    ones,
    ones_like,
    round,
    shape,
    sign,
    tril,
    triu,
    zeros,
    zeros_like,
)
from glassnet.ops.dropout import dropout
from glassnet.ops.elementwise import (
    abs,
    add,
    cast,
    clip,
    divide,
    exp,
    log,
    maximum,
    minimum,
    multiply,
    negative,
    power,
    sqrt,
    square,
    subtract,
    where,
)
from glassnet.ops.encoding import one_hot
from glassnet.ops.linalg import dense, einsum, matmul
from glassnet.ops.loss import (
    binary_crossentropy,
    categorical_crossentropy,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from glassnet.ops.manipulation import (
    broadcast_to,
    concatenate,
    expand_dims,
    flatten,
    getitem,
    pad,
    permute_dims,
    reshape,
    split,
    squeeze,
    stack,
    swapaxes,
    take,
    transpose,
)
from glassnet.ops.normalization import batch_normalization, normalize
from glassnet.ops.pooling import average_pool1d, average_pool2d, max_pool1d, max_pool2d
from glassnet.ops.recurrent import gru, lstm, simple_rnn
from glassnet.ops.reduction import argmax, argmin, logsumexp, max, mean, min, std, sum, var

# NumPy / PyTorch spellings of the same functions
absolute = abs
sub = subtract
mul = multiply
div = true_divide = divide
neg = negative
pow = power
concat = concatenate
amax = max
amin = min
conv = conv2d
conv_transpose = conv2d_transpose
depthwise_conv = depthwise_conv2d
max_pool = max_pool2d
average_pool = average_pool2d


def _record_on_symbolic(fn):
    """Let ``fn`` be called on SymbolicTensors (functional API): record an OpLayer node instead."""
    import builtins  # this module defines any/all/max/...: the builtins must be named explicitly
    import functools

    from glassnet.autograd.symbolic import SymbolicTensor, contains_symbolic

    may_hold_symbolic = (SymbolicTensor, list, tuple, dict)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        # fast path for eager calls on tensors and numbers (the common case): no recursive scan
        if not kwargs and not builtins.any(isinstance(a, may_hold_symbolic) for a in args):
            return fn(*args)
        if contains_symbolic(args) or contains_symbolic(kwargs):
            from glassnet.layers.symbolic import OpLayer

            return OpLayer(wrapper.__name__)(*args, **kwargs)
        return fn(*args, **kwargs)

    return wrapper


def _wrap_public():
    import types

    namespace = globals()
    # the unwrapped functions, for Tensor's operators (the engine's hot path never pays for the check)
    global raw
    raw = types.SimpleNamespace(
        **{
            n: v
            for n, v in namespace.items()
            if isinstance(v, types.FunctionType) and not n.startswith("_")
        }
    )
    for name, value in list(namespace.items()):
        if (
            isinstance(value, types.FunctionType)
            and not name.startswith("_")
            and value.__module__.startswith("glassnet.ops.")
        ):
            wrapped = _record_on_symbolic(value)
            wrapped.__name__ = name
            namespace[name] = wrapped


_wrap_public()
