"""conv2d, conv2d_transpose, conv1d, depthwise and pooling against PyTorch (NCHW, padded by hand for
Keras's asymmetric 'same' rule) and against numerical gradients."""

import numpy as np
import pytest

from glassnet import Tensor, ops
from glassnet.backend import compiled
from glassnet.ops import _helpers, pooling
from glassnet.ops.conv import (
    conv1d_transpose,
    conv3d,
    conv3d_transpose,
    depthwise_conv1d,
)
from glassnet.ops.pooling import conv2d_max_pool2d
from tests.ops.harness import (
    OpCase,
    check_against_torch,
    check_float32_stays_float32,
    check_gradients,
    make_inputs,
    normal,
    parametrize,
)

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None


def same_pads(size, kernel, stride, dilation):
    """Keras/TensorFlow 'same': ceil(size / stride) outputs, the odd pixel of padding after."""
    effective = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def torch_conv2d(stride=1, padding="valid", dilation=1, groups=1):
    def ref(x, k, b=None):
        x = x.permute(0, 3, 1, 2)
        if padding == "same":
            top, bottom = same_pads(x.shape[2], k.shape[0], stride, dilation)
            left, right = same_pads(x.shape[3], k.shape[1], stride, dilation)
            x = F.pad(x, (left, right, top, bottom))
        out = F.conv2d(x, k.permute(3, 2, 0, 1), b, stride=stride, dilation=dilation, groups=groups)
        return out.permute(0, 2, 3, 1)

    return ref


def conv(stride=1, padding="valid", dilation=1, groups=1):
    return lambda x, k, b=None: ops.conv2d(x, k, b, stride, padding, dilation, groups)


CONV_CASES = [
    OpCase(
        "conv2d_valid",
        conv(),
        [normal(2, 5, 6, 3), normal(3, 3, 3, 4), normal(4)],
        None,
        torch_conv2d(),
    ),
    OpCase(
        "conv2d_same_odd_size",
        conv(padding="same"),
        [normal(2, 5, 7, 2), normal(3, 3, 2, 3), normal(3)],
        None,
        torch_conv2d(padding="same"),
    ),
    OpCase(
        "conv2d_stride2_same_asymmetric",
        conv(2, "same"),
        [normal(2, 6, 7, 2), normal(3, 2, 2, 3), normal(3)],
        None,
        torch_conv2d(2, "same"),
    ),
    OpCase(
        "conv2d_stride3_valid",
        conv(3),
        [normal(1, 8, 9, 2), normal(2, 3, 2, 2)],
        None,
        torch_conv2d(3),
    ),
    OpCase(
        "conv2d_dilation2",
        conv(dilation=2),
        [normal(2, 7, 7, 2), normal(3, 3, 2, 2), normal(2)],
        None,
        torch_conv2d(dilation=2),
    ),
    OpCase(
        "conv2d_dilation_same",
        conv(padding="same", dilation=2),
        [normal(1, 6, 5, 2), normal(3, 2, 2, 3)],
        None,
        torch_conv2d(padding="same", dilation=2),
    ),
    OpCase(
        "conv2d_groups",
        conv(groups=2),
        [normal(2, 5, 5, 4), normal(3, 3, 2, 6), normal(6)],
        None,
        torch_conv2d(groups=2),
    ),
    OpCase("conv2d_1x1", conv(), [normal(2, 3, 3, 5), normal(1, 1, 5, 2)], None, torch_conv2d()),
    # one input channel takes im2col's shifted-copy path
    OpCase(
        "conv2d_one_channel_stride2_same",
        conv(2, "same"),
        [normal(2, 7, 6, 1), normal(3, 3, 1, 4), normal(4)],
        None,
        torch_conv2d(2, "same"),
    ),
    OpCase(
        "conv2d_one_channel_dilation2",
        conv(dilation=2),
        [normal(2, 7, 8, 1), normal(3, 2, 1, 3)],
        None,
        torch_conv2d(dilation=2),
    ),
]


def torch_conv_transpose(stride, padding, dilation=1):
    def ref(x, k, b=None):
        out = F.conv_transpose2d(
            x.permute(0, 3, 1, 2), k.permute(3, 2, 0, 1), b, stride=stride, dilation=dilation
        )
        h, w = x.shape[1], x.shape[2]
        if padding == "same":
            crop_h, crop_w = out.shape[2] - h * stride, out.shape[3] - w * stride
            out = out[
                :, :, crop_h // 2 : crop_h // 2 + h * stride, crop_w // 2 : crop_w // 2 + w * stride
            ]
        return out.permute(0, 2, 3, 1)

    return ref


TRANSPOSE_CASES = [
    OpCase(
        "conv2d_transpose_valid_s2",
        lambda x, k, b: ops.conv2d_transpose(x, k, b, 2, "valid"),
        [normal(2, 3, 4, 3), normal(3, 3, 2, 3), normal(2)],
        None,
        torch_conv_transpose(2, "valid"),
    ),
    OpCase(
        "conv2d_transpose_same_s2",
        lambda x, k, b: ops.conv2d_transpose(x, k, b, 2, "same"),
        [normal(2, 3, 3, 2), normal(3, 3, 4, 2), normal(4)],
        None,
        torch_conv_transpose(2, "same"),
    ),
    OpCase(
        "conv2d_transpose_same_even_kernel",
        lambda x, k: ops.conv2d_transpose(x, k, None, 2, "same"),
        [normal(1, 3, 2, 2), normal(4, 4, 3, 2)],
        None,
        torch_conv_transpose(2, "same"),
    ),
    OpCase(
        "conv2d_transpose_dilated",
        lambda x, k: ops.conv2d_transpose(x, k, None, 1, "valid", 2),
        [normal(1, 3, 3, 2), normal(2, 2, 2, 2)],
        None,
        torch_conv_transpose(1, "valid", 2),
    ),
]


def torch_conv1d(stride=1, padding="valid", dilation=1):
    def ref(x, k, b=None):
        x = x.permute(0, 2, 1)
        if padding == "causal":
            x = F.pad(x, ((k.shape[0] - 1) * dilation, 0))
        elif padding == "same":
            x = F.pad(x, same_pads(x.shape[2], k.shape[0], stride, dilation))
        return F.conv1d(x, k.permute(2, 1, 0), b, stride=stride, dilation=dilation).permute(0, 2, 1)

    return ref


def torch_depthwise(stride=1, padding="valid", dilation=1):
    def ref(x, k, b=None):
        kh, kw, c, m = k.shape
        return torch_conv2d(stride, padding, dilation, groups=c)(x, k.reshape(kh, kw, 1, c * m), b)

    return ref


OTHER_CONV_CASES = [
    OpCase(
        "conv1d_valid",
        lambda x, k, b: ops.conv1d(x, k, b),
        [normal(2, 9, 3), normal(3, 3, 4), normal(4)],
        None,
        torch_conv1d(),
    ),
    OpCase(
        "conv1d_causal_dilated",
        lambda x, k: ops.conv1d(x, k, padding="causal", dilation_rate=2),
        [normal(2, 8, 2), normal(3, 2, 3)],
        None,
        torch_conv1d(padding="causal", dilation=2),
    ),
    OpCase(
        "conv1d_same_stride2",
        lambda x, k: ops.conv1d(x, k, strides=2, padding="same"),
        [normal(1, 9, 2), normal(4, 2, 2)],
        None,
        torch_conv1d(2, "same"),
    ),
    OpCase(
        "depthwise_conv2d",
        lambda x, k, b: ops.depthwise_conv2d(x, k, b, 1, "same"),
        [normal(2, 5, 5, 3), normal(3, 3, 3, 2), normal(6)],
        None,
        torch_depthwise(1, "same"),
    ),
    OpCase(
        "depthwise_conv2d_stride2_same_one_filter",
        lambda x, k, b: ops.depthwise_conv2d(x, k, b, 2, "same"),
        [normal(2, 7, 6, 4), normal(3, 3, 4, 1), normal(4)],
        None,
        torch_depthwise(2, "same"),
    ),
    OpCase(
        "depthwise_conv2d_valid_dilated_uneven_kernel",
        lambda x, k: ops.depthwise_conv2d(x, k, None, 1, "valid", 2),
        [normal(1, 8, 9, 2), normal(2, 3, 2, 3)],
        None,
        torch_depthwise(1, "valid", 2),
    ),
]


def torch_max_pool(pool, stride, padding):
    def ref(x):
        x = x.permute(0, 3, 1, 2)
        if padding == "same":
            top, bottom = same_pads(x.shape[2], pool, stride, 1)
            left, right = same_pads(x.shape[3], pool, stride, 1)
            x = F.pad(x, (left, right, top, bottom), value=-float("inf"))
        return F.max_pool2d(x, pool, stride).permute(0, 2, 3, 1)

    return ref


def torch_avg_pool(pool, stride, padding):
    def ref(x):
        x = x.permute(0, 3, 1, 2)
        ones = torch.ones_like(x[:, :1])
        if padding == "same":
            pads = (
                *same_pads(x.shape[3], pool, stride, 1),
                *same_pads(x.shape[2], pool, stride, 1),
            )
            x, ones = F.pad(x, pads), F.pad(ones, pads)
        sums = F.avg_pool2d(x, pool, stride, divisor_override=1)
        counts = F.avg_pool2d(
            ones, pool, stride, divisor_override=1
        )  # real (unpadded) cells per window
        return (sums / counts).permute(0, 2, 3, 1)

    return ref


POOL_CASES = [
    OpCase(
        "max_pool_2x2_tiles",
        lambda x: ops.max_pool2d(x, 2),
        [normal(2, 6, 6, 3)],
        None,
        torch_max_pool(2, 2, "valid"),
    ),
    OpCase(
        "max_pool_odd_size_drops_edge",
        lambda x: ops.max_pool2d(x, 2),
        [normal(2, 7, 5, 2)],
        None,
        torch_max_pool(2, 2, "valid"),
    ),
    OpCase(
        "max_pool_3_stride2_overlap",
        lambda x: ops.max_pool2d(x, 3, 2),
        [normal(2, 7, 7, 2)],
        None,
        torch_max_pool(3, 2, "valid"),
    ),
    OpCase(
        "max_pool_same",
        lambda x: ops.max_pool2d(x, 3, 2, "same"),
        [normal(2, 6, 5, 2)],
        None,
        torch_max_pool(3, 2, "same"),
    ),
    OpCase(
        "avg_pool_2x2_tiles",
        lambda x: ops.average_pool2d(x, 2),
        [normal(2, 6, 4, 3)],
        None,
        torch_avg_pool(2, 2, "valid"),
    ),
    OpCase(
        "avg_pool_overlap",
        lambda x: ops.average_pool2d(x, 3, 1),
        [normal(1, 5, 5, 2)],
        None,
        torch_avg_pool(3, 1, "valid"),
    ),
    OpCase(
        "avg_pool_same_excludes_padding",
        lambda x: ops.average_pool2d(x, 3, 2, "same"),
        [normal(2, 6, 5, 2)],
        None,
        torch_avg_pool(3, 2, "same"),
    ),
    OpCase(
        "max_pool1d",
        lambda x: ops.max_pool1d(x, 2),
        [normal(2, 9, 3)],
        None,
        lambda x: F.max_pool1d(x.permute(0, 2, 1), 2).permute(0, 2, 1),
    ),
    OpCase(
        "avg_pool1d",
        lambda x: ops.average_pool1d(x, 3, 2),
        [normal(2, 9, 3)],
        None,
        lambda x: F.avg_pool1d(x.permute(0, 2, 1), 3, 2).permute(0, 2, 1),
    ),
]

ALL = CONV_CASES + TRANSPOSE_CASES + OTHER_CONV_CASES + POOL_CASES


@parametrize(ALL)
def test_gradcheck(case):
    check_gradients(case)


@parametrize(ALL)
def test_float32(case):
    check_float32_stays_float32(case)


@parametrize(ALL)
def test_torch(case):
    check_against_torch(case)


# a one-channel image batch: the kernel gradient's windows have 9 columns, few enough that
# ``product_over_rows`` sums it in chunks of rows
CHUNKED_KERNEL_GRADIENT = OpCase(
    "conv2d_grayscale_chunked",
    conv(),
    [normal(3, 9, 8, 1), normal(3, 3, 1, 4), normal(4)],
    None,
    torch_conv2d(),
)


@pytest.mark.parametrize("check", [check_gradients, check_against_torch])
def test_kernel_gradient_summed_in_chunks_of_rows(check, monkeypatch):
    # 32-row chunks: this batch has 3 * 7 * 6 = 126 rows
    monkeypatch.setattr(_helpers, "_ROW_CHUNK_FLOATS", 1)
    monkeypatch.setattr(_helpers, "_ROW_CHUNK_MIN_ROWS", 32)
    check(CHUNKED_KERNEL_GRADIENT)


# -- conv2d_max_pool2d: the fused convolution and pooling, a chunk of images at a time ----------
class ConvPool:
    """``conv2d_max_pool2d`` with fixed arguments, called on (x, kernel[, bias]); ``composed``
    computes the same with the reference ops."""

    def __init__(self, pool=2, pool_stride=None, activation="linear", **conv_args):
        self.pool, self.pool_stride, self.activation = pool, pool_stride, activation
        self.conv_args = conv_args

    def __call__(self, x, k, b=None):
        return conv2d_max_pool2d(
            x,
            k,
            b,
            pool_size=self.pool,
            pool_strides=self.pool_stride,
            activation=self.activation,
            **self.conv_args,
        )

    def composed(self, x, k, b=None):
        pooled = ops.max_pool2d(ops.conv2d(x, k, **self.conv_args), self.pool, self.pool_stride)
        pooled = pooled if b is None else ops.add(pooled, b)
        return getattr(ops, self.activation)(pooled) if self.activation != "linear" else pooled


def torch_conv_pool(pool=2, pool_stride=None, stride=1, padding="valid", dilation=1, then=None):
    def ref(x, k, b=None):
        convolved = torch_conv2d(stride, padding, dilation)(x, k)
        pooled = torch_max_pool(pool, pool_stride or pool, "valid")(convolved)
        pooled = pooled if b is None else pooled + b
        return pooled if then is None else then(pooled)

    return ref


CONV_POOL_CASES = [
    OpCase(
        "conv_pool_grayscale",
        ConvPool(),
        [normal(5, 8, 9, 1), normal(3, 3, 1, 4)],
        None,
        torch_conv_pool(),
    ),
    OpCase(
        "conv_pool_grayscale_bias_relu",
        ConvPool(activation="relu"),
        [normal(5, 8, 9, 1), normal(3, 3, 1, 4), normal(4)],
        None,
        torch_conv_pool(then=lambda t: torch.relu(t)),
    ),
    OpCase(
        "conv_pool_channels_odd_sizes_tanh",  # 7 x 6 outputs: a row no window covers
        ConvPool(activation="tanh"),
        [normal(3, 9, 8, 3), normal(3, 3, 3, 2), normal(2)],
        None,
        torch_conv_pool(then=lambda t: torch.tanh(t)),
    ),
    OpCase(
        "conv_pool_same_strided_elu",
        ConvPool(strides=2, padding="same", activation="elu"),
        [normal(3, 9, 9, 2), normal(3, 3, 2, 3), normal(3)],
        None,
        torch_conv_pool(stride=2, padding="same", then=lambda t: F.elu(t)),
    ),
    OpCase(
        "conv_pool_dilated_3x3_windows",
        ConvPool(3, dilation_rate=2),
        [normal(2, 11, 11, 2), normal(2, 2, 2, 3)],
        None,
        torch_conv_pool(3, dilation=2),
    ),
    OpCase(
        "conv_pool_gaps_between_windows",  # pool strides 3 > pool 2: cells in no window
        ConvPool(2, 3),
        [normal(3, 10, 10, 2), normal(3, 3, 2, 3), normal(3)],
        None,
        torch_conv_pool(2, 3),
    ),
]


@pytest.fixture(params=["one chunk", "chunks of one image"])
def conv_pool_chunks(request, monkeypatch):
    """Run each case in one chunk and again with one image per chunk (three or more chunks)."""
    if request.param == "chunks of one image":
        monkeypatch.setattr(pooling, "_CONV_POOL_CHUNK_FLOATS", 1)
    taken = []
    real = pooling._conv_pool_kernels
    monkeypatch.setattr(
        pooling, "_conv_pool_kernels", lambda *a: taken.append(real(*a)) or taken[-1]
    )
    return taken


def assert_the_kernels_ran(taken):
    # without the compiled kernels (no numba, or switched off) the composed reference ops ran
    if compiled.get("max_pool2d_forward") is not None:
        assert taken and all(kernels is not None for kernels in taken)


@parametrize(CONV_POOL_CASES)
def test_conv_pool_gradcheck(case, conv_pool_chunks):
    check_gradients(case)
    assert_the_kernels_ran(conv_pool_chunks)


@parametrize(CONV_POOL_CASES)
def test_conv_pool_torch(case, conv_pool_chunks):
    check_against_torch(case)
    assert_the_kernels_ran(conv_pool_chunks)


@parametrize(CONV_POOL_CASES)
def test_conv_pool_equals_the_composed_ops(case, conv_pool_chunks):
    """Values and gradients equal the composed ops' in float64 (to 1e-10: the kernel and bias
    gradients' chunks are added in another order), and float32 stays float32."""
    arrays = make_inputs(case)
    for dtype, tolerance in ((np.float64, 1e-10), (np.float32, 1e-5)):
        results = []
        for fn in (case.fn, case.fn.composed):
            tensors = [Tensor(a.astype(dtype), requires_grad=True) for a in arrays]
            out = fn(*tensors)
            out.backward(np.random.default_rng(1).standard_normal(out.shape).astype(dtype))
            results.append([out.data] + [t.grad for t in tensors])
        for ours, reference in zip(*results, strict=True):
            assert ours.dtype == dtype
            np.testing.assert_allclose(ours, reference, rtol=tolerance, atol=tolerance)
    assert_the_kernels_ran(conv_pool_chunks)


@pytest.mark.parametrize(
    "conv_args,pool_args",
    [
        ({"groups": 2}, {}),  # grouped convolution
        ({}, {"pool_size": 3, "pool_strides": 2}),  # overlapping windows
        ({}, {"pool_padding": "same"}),
    ],
)
def test_conv_pool_composes_the_reference_ops_where_the_kernels_do_not_apply(
    conv_args, pool_args, monkeypatch
):
    taken = []
    real = pooling._conv_pool_kernels
    monkeypatch.setattr(
        pooling, "_conv_pool_kernels", lambda *a: taken.append(real(*a)) or taken[-1]
    )
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((2, 9, 9, 4)), rng.standard_normal((3, 3, 2 if conv_args else 4, 4))
    out = conv2d_max_pool2d(x, k, **conv_args, **pool_args)
    expected = ops.max_pool2d(
        ops.conv2d(x, k, **conv_args),
        pool_args.get("pool_size", 2),
        pool_args.get("pool_strides"),
        pool_args.get("pool_padding", "valid"),
    )
    np.testing.assert_array_equal(out.data, expected.data)
    assert taken == [None]


def test_conv_pool_without_the_compiled_kernels_composes_the_reference_ops():
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((2, 8, 8, 1)), rng.standard_normal((3, 3, 1, 2))
    b = rng.standard_normal(2)
    with compiled.disabled():
        assert (
            pooling._conv_pool_kernels(
                Tensor(x), Tensor(k), None, 1, (2, 2), (2, 2), (3, 3), (0, 0), (0, 0)
            )
            is None
        )
        out = conv2d_max_pool2d(x, k, b, activation="relu")
    expected = ops.relu(ops.add(ops.max_pool2d(ops.conv2d(x, k)), b))
    np.testing.assert_array_equal(out.data, expected.data)
    assert out.activation == "relu"


def test_conv_pool_names_itself_for_a_bias_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"conv2d_max_pool2d: the bias must have shape \(2,\)"):
        conv2d_max_pool2d(np.ones((1, 6, 6, 1)), np.ones((3, 3, 1, 2)), np.ones(3))


def test_conv_pool_with_a_bias_of_another_dtype_composes_the_ops():
    x, k = np.ones((1, 6, 6, 1), dtype="float32"), np.ones((3, 3, 1, 2), dtype="float32")
    out = conv2d_max_pool2d(x, k, Tensor(np.ones(2)))  # a float64 bias: NumPy's promotion
    assert out.dtype == ops.add(ops.max_pool2d(ops.conv2d(x, k)), Tensor(np.ones(2))).dtype


def test_conv_pool_of_an_input_without_gradient_gives_the_kernel_gradient():
    rng = np.random.default_rng(2)
    x, k = rng.standard_normal((4, 8, 8, 1)), Tensor(rng.standard_normal((3, 3, 1, 2)), True)
    conv2d_max_pool2d(Tensor(x), k).sum().backward()
    reference = Tensor(k.data, requires_grad=True)
    ops.max_pool2d(ops.conv2d(Tensor(x), reference)).sum().backward()
    np.testing.assert_allclose(k.grad, reference.grad, rtol=1e-12)


def test_conv_is_cross_correlation_by_hand():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    k = np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
    out = ops.conv2d(x, k).data[0, :, :, 0]
    np.testing.assert_array_equal(out, x[0, :3, :3, 0] - x[0, 1:, 1:, 0])


def test_same_padding_output_sizes():
    x = np.zeros((1, 7, 8, 1))
    assert ops.conv2d(x, np.zeros((3, 3, 1, 1)), strides=2, padding="same").shape == (1, 4, 4, 1)
    assert ops.conv2d(x, np.zeros((3, 3, 1, 1)), padding="same").shape == (1, 7, 8, 1)
    assert ops.max_pool2d(x, 2, padding="same").shape == (1, 4, 4, 1)


def test_clear_errors():
    with pytest.raises(
        ValueError, match="conv2d: expected inputs .batch, height, width, channels."
    ):
        ops.conv2d(np.zeros((4, 4, 1)), np.zeros((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="conv2d: inputs have 3 channels"):
        ops.conv2d(np.zeros((1, 4, 4, 3)), np.zeros((3, 3, 2, 1)))
    with pytest.raises(ValueError, match="smaller than the .dilated. kernel size 5"):
        ops.conv2d(np.zeros((1, 4, 4, 1)), np.zeros((3, 3, 1, 1)), dilation_rate=2)
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        ops.conv2d(np.zeros((1, 4, 4, 1)), np.zeros((3, 3, 1, 1)), padding="full")


def test_max_pool_sends_gradient_to_the_first_maximum_of_a_tie():
    from glassnet import Tensor

    x = Tensor(np.ones((1, 2, 2, 1)), requires_grad=True)
    ops.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad[0, :, :, 0], [[1, 0], [0, 0]])


def test_max_pool_ties_in_later_cells_and_overlapping_windows():
    from glassnet import Tensor

    x = Tensor(
        np.array([[0.0, 5.0, 1.0], [2.0, 5.0, 5.0], [0.0, 1.0, 3.0]]).reshape(1, 3, 3, 1),
        requires_grad=True,
    )
    ops.max_pool2d(x, 2, 1).sum().backward()  # four overlapping 2x2 windows, each with maximum 5
    # windows at (0,0) and (0,1) pick the 5 at (0,1) (first in row-major order), (1,0) and (1,1)
    # the 5 at (1,1)
    np.testing.assert_array_equal(x.grad[0, :, :, 0], [[0, 2, 0], [0, 2, 0], [0, 0, 0]])


def test_max_pool_with_more_than_256_cells_per_window():
    from glassnet import Tensor

    data = np.zeros((1, 17, 17, 1))
    data[0, 16, 15, 0] = 1.0  # cell 287 of the window: past what a uint8 offset could hold
    x = Tensor(data, requires_grad=True)
    ops.max_pool2d(x, 17).sum().backward()
    assert x.grad[0, 16, 15, 0] == 1 and x.grad.sum() == 1


# -- conv3d, the transposed convolutions with output_padding, depthwise_conv1d ---------------------
def torch_conv3d(stride=1, padding="valid", dilation=1, groups=1):
    def ref(x, k, b=None):
        x = x.permute(0, 4, 1, 2, 3)
        if padding == "same":
            pads = []
            for axis in (2, 1, 0):  # F.pad lists the last axis first
                pads += same_pads(x.shape[2 + axis], k.shape[axis], stride, dilation)
            x = F.pad(x, pads)
        out = F.conv3d(
            x, k.permute(4, 3, 0, 1, 2), b, stride=stride, dilation=dilation, groups=groups
        )
        return out.permute(0, 2, 3, 4, 1)

    return ref


def torch_transpose_nd(rank, stride, padding, dilation=1, output_padding=None):
    """F.conv_transpose{1,3}d, then Keras's crop (or zero-extension) from ops.conv."""
    from glassnet.ops.conv import transpose_padding

    function = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[rank]

    def ref(x, k, b=None):
        order = (0, rank + 1, *range(1, rank + 1))
        full = function(
            x.permute(*order),
            k.permute(rank + 1, rank, *range(rank)),
            b,
            stride=stride,
            dilation=dilation,
        )
        index = [slice(None), slice(None)]
        for axis in range(rank):
            extra = None if output_padding is None else output_padding
            crop, size = transpose_padding(
                x.shape[1 + axis], k.shape[axis], stride, dilation, padding, extra, "test"
            )
            missing = crop + size - full.shape[2 + axis]
            if missing > 0:  # zeros past the scatter, plus the bias
                pad = [0, 0] * (rank - 1 - axis) + [0, missing]
                bias = 0 if b is None else b.reshape(1, -1, *([1] * rank))
                full = F.pad(full - bias, pad) + bias
            index.append(slice(crop, crop + size))
        return full[tuple(index)].permute(0, *range(2, rank + 2), 1)

    return ref


NEW_CONV_CASES = [
    OpCase(
        "conv3d_valid",
        lambda x, k, b: conv3d(x, k, b),
        [normal(2, 4, 5, 4, 3), normal(2, 3, 2, 3, 2), normal(2)],
        None,
        torch_conv3d(),
    ),
    OpCase(
        "conv3d_same_stride2",
        lambda x, k: conv3d(x, k, None, 2, "same"),
        [normal(1, 5, 4, 5, 2), normal(3, 2, 3, 2, 3)],
        None,
        torch_conv3d(2, "same"),
    ),
    OpCase(
        "conv3d_groups_dilated",
        lambda x, k: conv3d(x, k, None, 1, "valid", 2, groups=2),
        [normal(1, 5, 5, 5, 4), normal(2, 2, 2, 2, 4)],
        None,
        torch_conv3d(dilation=2, groups=2),
    ),
    OpCase(
        "conv1d_transpose_valid_s3",
        lambda x, k, b: conv1d_transpose(x, k, b, 3, "valid"),
        [normal(2, 4, 3), normal(2, 4, 3), normal(4)],
        None,
        torch_transpose_nd(1, 3, "valid"),
    ),
    OpCase(
        "conv1d_transpose_same_output_padding",
        lambda x, k: conv1d_transpose(x, k, None, 2, "same", output_padding=1),
        [normal(2, 4, 2), normal(3, 3, 2)],
        None,
        torch_transpose_nd(1, 2, "same", output_padding=1),
    ),
    OpCase(
        "conv2d_transpose_valid_output_padding",
        lambda x, k, b: ops.conv2d_transpose(x, k, b, 3, "valid", output_padding=2),
        [normal(1, 3, 2, 2), normal(2, 2, 3, 2), normal(3)],
        None,
        torch_transpose_nd(2, 3, "valid", output_padding=2),
    ),
    OpCase(
        "conv3d_transpose_same_s2",
        lambda x, k, b: conv3d_transpose(x, k, b, 2, "same"),
        [normal(1, 2, 3, 2, 2), normal(3, 2, 3, 3, 2), normal(3)],
        None,
        torch_transpose_nd(3, 2, "same"),
    ),
    OpCase(
        "conv3d_transpose_dilated",
        lambda x, k: conv3d_transpose(x, k, None, 1, "valid", 2),
        [normal(1, 2, 3, 2, 2), normal(2, 2, 2, 2, 2)],
        None,
        torch_transpose_nd(3, 1, "valid", dilation=2),
    ),
    OpCase(
        "depthwise_conv1d_same",
        lambda x, k, b: depthwise_conv1d(x, k, b, 1, "same"),
        [normal(2, 7, 3), normal(3, 3, 2), normal(6)],
        None,
        lambda x, k, b: F.conv1d(
            F.pad(x.permute(0, 2, 1), same_pads(x.shape[1], k.shape[0], 1, 1)),
            k.reshape(k.shape[0], 1, -1).permute(2, 1, 0),
            b,
            groups=x.shape[2],
        ).permute(0, 2, 1),
    ),
]


@parametrize(NEW_CONV_CASES)
def test_new_conv_gradcheck(case):
    check_gradients(case)


@parametrize(NEW_CONV_CASES)
def test_new_conv_float32(case):
    check_float32_stays_float32(case)


@parametrize(NEW_CONV_CASES)
def test_new_conv_torch(case):
    check_against_torch(case)


def test_transposed_output_sizes_follow_keras():
    """Keras's sizes: 'valid' (L - 1) s + max(k, s), 'same' L s, and with output_padding p
    (L - 1) s + k - 2 * pad + p (pad = k // 2 for 'same')."""
    x = np.zeros((1, 5, 1))
    sizes = {
        (3, 2, "valid", None): 11,
        (1, 3, "valid", None): 15,
        (3, 2, "same", None): 10,
        (3, 2, "same", 1): 10,
        (3, 2, "same", 0): 9,
        (4, 3, "valid", 2): 18,
    }
    for (k, s, padding, extra), expected in sizes.items():
        out = conv1d_transpose(x, np.zeros((k, 1, 1)), None, s, padding, output_padding=extra)
        assert out.shape == (1, expected, 1), (k, s, padding, extra)


def test_depthwise_conv1d_takes_strides_and_dilation_as_one_element_tuples():
    rng = np.random.default_rng(0)
    x, kernel = rng.standard_normal((1, 9, 2)), rng.standard_normal((3, 2, 1))
    as_ints = depthwise_conv1d(x, kernel, strides=2, dilation_rate=1)
    as_tuples = depthwise_conv1d(x, kernel, strides=(2,), dilation_rate=(1,))
    assert as_tuples.shape == (1, 4, 2)
    np.testing.assert_array_equal(as_tuples.data, as_ints.data)
    dilated = depthwise_conv1d(x, kernel, dilation_rate=(2,))
    manual = np.stack([sum(x[0, t + 2 * j] * kernel[j, :, 0] for j in range(3)) for t in range(5)])
    np.testing.assert_allclose(dilated.data[0], manual, rtol=1e-12)


@pytest.mark.parametrize("batch", [1, 3])
def test_average_pool2d_same_padding_counts_real_cells_for_any_batch(batch):
    x = np.random.default_rng(0).standard_normal((batch, 3, 3, 2))
    out = ops.average_pool2d(x, 2, 2, padding="same")
    assert out.shape == (batch, 2, 2, 2)
    # windows rows/cols {0, 1} and {2}: the edge windows average 2 cells, the corner one 1
    np.testing.assert_allclose(out.data[:, 0, 0], x[:, :2, :2].mean(axis=(1, 2)), rtol=1e-12)
    np.testing.assert_allclose(out.data[:, 0, 1], x[:, :2, 2].mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(out.data[:, 1, 1], x[:, 2, 2], rtol=1e-12)


def test_average_pool1d_takes_pool_size_and_strides_as_one_element_tuples():
    x = np.arange(12.0).reshape(1, 6, 2)
    out = ops.average_pool1d(x, pool_size=(3,), strides=(3,))
    np.testing.assert_array_equal(out.data, [[[2.0, 3.0], [8.0, 9.0]]])
