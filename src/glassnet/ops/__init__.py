"""glassnet.ops: the differentiable functions, under Keras 3's ``keras.ops`` names.

One file per family, each op's backward right under its forward: elementwise.py, comparison.py,
creation.py, reduction.py, manipulation.py (reshape, concatenate, index...), linalg.py (matmul,
einsum, dense), activation.py (the one activation table), conv.py, pooling.py, normalization.py,
recurrent.py, loss.py, dropout.py, encoding.py. ``operation.py`` makes each public op usable on
symbolic tensors (the functional API) through the ``@keras_op`` decorator.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> x = ops.convert_to_tensor(np.array([1.0, 2.0]))
>>> ops.sum(ops.square(x)).item()
5.0
"""

from types import SimpleNamespace

from glassnet.autograd import symbolic as _symbolic
from glassnet.autograd import tensor as _tensor
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
from glassnet.ops.comparison import (
    all,
    any,
    equal,
    greater,
    greater_equal,
    isfinite,
    isnan,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    not_equal,
)
from glassnet.ops.creation import (
    arange,
    convert_to_numpy,
    convert_to_tensor,
    eye,
    floor,
    full,
    ndim,
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
from glassnet.ops.operation import FunctionOperation, Operation, keras_op

# -- block A: more ops.numpy / ops.linalg / fft functions (issue 17) ---------------------------------
from glassnet.ops.bitwise import (
    bitwise_and,
    bitwise_invert,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    gcd,
    lcm,
    left_shift,
    right_shift,
)
from glassnet.ops.comparison import (
    allclose,
    isclose,
    isin,
    isinf,
    isneginf,
    isposinf,
    isreal,
    logical_xor,
    signbit,
)
from glassnet.ops.creation import (
    array,
    copy,
    empty,
    empty_like,
    full_like,
    geomspace,
    identity,
    linspace,
    logspace,
    meshgrid,
    size,
    tri,
    vander,
)
from glassnet.ops.cumulative import cumprod, cumsum, diff, nancumprod, nancumsum, trapezoid
from glassnet.ops.elementwise import (
    divide_no_nan,
    floor_divide,
    fmax,
    fmin,
    fmod,
    heaviside,
    mod,
    nan_to_num,
    nextafter,
    reciprocal,
    select,
)
from glassnet.ops.fourier import (
    bartlett,
    blackman,
    correlate,
    extract_sequences,
    fft,
    fft2,
    hamming,
    hanning,
    ifft2,
    irfft,
    istft,
    kaiser,
    rfft,
    stft,
)
from glassnet.ops.linalg import (
    cdist,
    cholesky,
    cholesky_inverse,
    corrcoef,
    cross,
    det,
    dot,
    eig,
    eigh,
    inner,
    inv,
    kron,
    logdet,
    lstsq,
    lu_factor,
    matrix_rank,
    norm,
    outer,
    pinv,
    qr,
    slogdet,
    solve,
    solve_triangular,
    svd,
    tensordot,
    trace,
    vdot,
)
from glassnet.ops.manipulation import (
    append,
    array_split,
    diag,
    diagflat,
    diagonal,
    dsplit,
    dstack,
    flip,
    fliplr,
    flipud,
    get_item,
    hsplit,
    hstack,
    moveaxis,
    nonzero,
    ravel,
    repeat,
    roll,
    rot90,
    take_along_axis,
    tile,
    unravel_index,
    view,
    vsplit,
    vstack,
)
from glassnet.ops.math import (
    angle,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    cbrt,
    ceil,
    conj,
    conjugate,
    cos,
    cosh,
    deg2rad,
    erf,
    erfc,
    erfinv,
    exp2,
    expm1,
    fabs,
    hypot,
    i0,
    imag,
    ldexp,
    log1p,
    log2,
    log10,
    logaddexp,
    logaddexp2,
    rad2deg,
    real,
    rsqrt,
    sin,
    sinc,
    sinh,
    tan,
    trunc,
    view_as_complex,
    view_as_real,
)
from glassnet.ops.quantiles import (
    median,
    nanmedian,
    nanpercentile,
    nanquantile,
    percentile,
    quantile,
)
from glassnet.ops.reduction import (
    average,
    bincount,
    count_nonzero,
    histogram,
    nanargmax,
    nanargmin,
    nanmax,
    nanmean,
    nanmin,
    nanprod,
    nanstd,
    nansum,
    nanvar,
    prod,
    ptp,
)
from glassnet.ops.sorting import (
    argpartition,
    argsort,
    digitize,
    in_top_k,
    searchsorted,
    sort,
    top_k,
    unique,
)
from glassnet.ops.vectorization import vectorize
from glassnet.ops import numpy  # the keras.ops.numpy namespace

# -- block B: more ops.nn functions, core ops (control flow, scatter, segment...), ctc (issue 17) ----
from glassnet.ops import nn
from glassnet.ops.activation import (
    celu,
    glu,
    hard_shrink,
    hard_swish,
    hard_tanh,
    log_sigmoid,
    soft_shrink,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    tanh_shrink,
    threshold,
)
from glassnet.ops.attention import dot_product_attention
from glassnet.ops.categorical import multi_hot
from glassnet.ops.complex_numbers import polar
from glassnet.ops.control_flow import (
    associative_scan,
    cond,
    custom_gradient,
    fori_loop,
    map,
    scan,
    stop_gradient,
    switch,
    vectorized_map,
    while_loop,
)
from glassnet.ops.core import (
    dtype,
    is_tensor,
    saturate_cast,
    scatter,
    scatter_update,
    segment_max,
    segment_min,
    segment_prod,
    segment_sum,
    slice,
    slice_update,
    unstack,
)
from glassnet.ops.einops import rearrange
from glassnet.ops.nn import ctc_decode, ctc_loss
from glassnet.ops.pooling import adaptive_average_pool, adaptive_max_pool
from glassnet.ops.spatial import (  # Keras's signatures: any rank, data_format
    average_pool,
    conv,
    conv_transpose,
    depth_to_space,
    depthwise_conv,
    max_pool,
    fold,
    separable_conv,
    space_to_depth,
    unfold,
)
from glassnet.ops.moments import layer_normalization, moments, psnr, rms_normalization

# -- block C: ops.image is a namespace of its own: glassnet.ops.image (issue 18) ---------------------

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

_OPERATOR_OPS = (add, subtract, multiply, divide, matmul, power, negative, abs, getitem)
_METHOD_OPS = (transpose, sum, mean, max, min, reshape, exp, log, cast)

# Tensor's operators run the eager functions (no symbolic check on the hot path); SymbolicTensor's
# run the public ops, which record graph nodes.
_tensor.install_operators(
    SimpleNamespace(**{op.op_name: op.eager for op in _OPERATOR_OPS + _METHOD_OPS})
)
_symbolic.install_operators(SimpleNamespace(**{op.op_name: op for op in _OPERATOR_OPS}))
