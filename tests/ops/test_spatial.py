"""ops.nn's convolution and pooling under Keras's signatures (any rank, data_format),
depth_to_space / space_to_depth, unfold / fold: against torch.nn.functional in float64, values
and gradients."""

import numpy as np
import pytest

from glassnet import Tensor, ops
from glassnet.ops import nn
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = F = None


def to_first(t):
    """channels_last torch tensor -> channels_first."""
    return t.permute(0, t.ndim - 1, *range(1, t.ndim - 1))


def to_last(t):
    return t.permute(0, *range(2, t.ndim), 1)


def torch_kernel(k):
    """Keras kernel (*spatial, in, out) -> torch weight (out, in, *spatial)."""
    return k.permute(k.ndim - 1, k.ndim - 2, *range(k.ndim - 2))


def torch_depth_to_space(x, b):
    n, h, w, c = x.shape
    depth = c // (b * b)
    blocks = x.reshape(n, h, w, b, b, depth).permute(0, 5, 3, 4, 1, 2)
    return to_last(F.pixel_shuffle(blocks.reshape(n, depth * b * b, h, w), b))


def torch_space_to_depth(x, b):
    n, h, w, c = x.shape
    shuffled = F.pixel_unshuffle(to_first(x), b)  # (n, c * b * b, h / b, w / b), c slowest
    blocks = shuffled.reshape(n, c, b, b, h // b, w // b).permute(0, 4, 5, 2, 3, 1)
    return blocks.reshape(n, h // b, w // b, b * b * c)


def np_max_pool1d(x, pool, stride):
    out = (x.shape[1] - pool) // stride + 1
    return np.stack([x[:, i * stride : i * stride + pool].max(1) for i in range(out)], 1)


CASES = [
    OpCase(
        "conv3d",
        lambda x, k: nn.conv(x, k, strides=(1, 2, 1)),
        [normal(2, 5, 6, 4, 3), normal(2, 3, 2, 3, 4)],
        None,
        lambda x, k: to_last(F.conv3d(to_first(x), torch_kernel(k), stride=(1, 2, 1))),
    ),
    OpCase(
        "conv3d_same",
        lambda x, k: nn.conv(x, k, padding="same", dilation_rate=(1, 2, 1)),
        [normal(1, 4, 5, 4, 2), normal(3, 2, 3, 2, 3)],
        None,
        lambda x, k: to_last(
            F.conv3d(to_first(x), torch_kernel(k), padding="same", dilation=(1, 2, 1))
        ),
    ),
    OpCase(
        "conv2d_channels_first_groups",
        lambda x, k: nn.conv(x, k, strides=2, data_format="channels_first"),
        [normal(2, 4, 7, 6), normal(3, 3, 2, 6)],
        None,
        lambda x, k: F.conv2d(x, torch_kernel(k), stride=2, groups=2),
    ),
    OpCase(
        "conv1d",
        lambda x, k: nn.conv(x, k, dilation_rate=2),
        [normal(2, 9, 3), normal(3, 3, 4)],
        None,
        lambda x, k: to_last(F.conv1d(to_first(x), torch_kernel(k), dilation=2)),
    ),
    OpCase(
        "conv_transpose2d",
        lambda x, k: nn.conv_transpose(x, k, strides=2),
        [normal(2, 3, 4, 3), normal(3, 3, 5, 3)],
        None,
        lambda x, k: to_last(F.conv_transpose2d(to_first(x), k.permute(3, 2, 0, 1), stride=2)),
    ),
    OpCase(
        "conv_transpose3d_output_padding",
        lambda x, k: nn.conv_transpose(x, k, strides=2, output_padding=1),
        [normal(1, 2, 3, 2, 2), normal(2, 2, 2, 3, 2)],
        None,
        lambda x, k: to_last(
            F.conv_transpose3d(to_first(x), k.permute(4, 3, 0, 1, 2), stride=2, output_padding=1)
        ),
    ),
    OpCase(
        "depthwise_conv2d",
        lambda x, k: nn.depthwise_conv(x, k, strides=2),
        [normal(2, 7, 6, 3), normal(3, 3, 3, 2)],
        None,
        lambda x, k: to_last(
            F.conv2d(to_first(x), k.permute(2, 3, 0, 1).reshape(6, 1, 3, 3), stride=2, groups=3)
        ),
    ),
    OpCase(
        "depthwise_conv3d",
        lambda x, k: nn.depthwise_conv(x, k),
        [normal(1, 4, 4, 3, 2), normal(2, 2, 2, 2, 2)],
        None,
        lambda x, k: to_last(
            F.conv3d(to_first(x), k.permute(3, 4, 0, 1, 2).reshape(4, 1, 2, 2, 2), groups=2)
        ),
    ),
    OpCase(
        "separable_conv",
        lambda x, d, p: nn.separable_conv(x, d, p),
        [normal(2, 6, 5, 3), normal(3, 3, 3, 2), normal(1, 1, 6, 4)],
        None,
        lambda x, d, p: to_last(
            F.conv2d(
                F.conv2d(to_first(x), d.permute(2, 3, 0, 1).reshape(6, 1, 3, 3), groups=3),
                torch_kernel(p),
            )
        ),
    ),
    OpCase(
        "max_pool3d",
        lambda x: nn.max_pool(x, 2, strides=(1, 2, 2)),
        [normal(2, 4, 5, 4, 3)],
        None,
        lambda x: to_last(F.max_pool3d(to_first(x), 2, stride=(1, 2, 2))),
    ),
    OpCase(
        "max_pool1d",
        lambda x: nn.max_pool(x, 3, strides=2),
        [normal(2, 9, 3)],
        lambda x: np_max_pool1d(x, 3, 2),
        lambda x: to_last(F.max_pool1d(to_first(x), 3, stride=2)),
    ),
    OpCase(
        "average_pool2d_channels_first",
        lambda x: nn.average_pool(x, (2, 3), data_format="channels_first"),
        [normal(2, 3, 6, 7)],
        None,
        lambda x: F.avg_pool2d(x, (2, 3)),
    ),
    OpCase(
        "depth_to_space",
        lambda x: nn.depth_to_space(x, 2),
        [normal(2, 3, 2, 12)],
        None,
        lambda x: torch_depth_to_space(x, 2),
    ),
    OpCase(
        "space_to_depth",
        lambda x: nn.space_to_depth(x, 3),
        [normal(2, 6, 3, 2)],
        None,
        lambda x: torch_space_to_depth(x, 3),
    ),
    OpCase(
        "unfold",
        lambda x: nn.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
        [normal(2, 3, 6, 7)],
        None,
        lambda x: F.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
    ),
    OpCase(
        "fold",
        lambda x: nn.fold(x, (5, 6), 2, padding=1, stride=2),
        [normal(2, 12, 12)],
        None,
        lambda x: F.fold(x, (5, 6), 2, padding=1, stride=2),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_depth_to_space_and_space_to_depth_invert_each_other():
    x = np.random.default_rng(0).standard_normal((2, 4, 6, 3))
    for data_format, y in (("channels_last", x), ("channels_first", x.transpose(0, 3, 1, 2))):
        packed = nn.space_to_depth(y, 2, data_format=data_format)
        back = nn.depth_to_space(packed, 2, data_format=data_format)
        np.testing.assert_array_equal(back.data, y)


def test_channels_first_is_the_transpose_of_channels_last():
    rng = np.random.default_rng(1)
    x, k = rng.standard_normal((1, 6, 5, 2)), rng.standard_normal((3, 3, 2, 4))
    last = nn.conv(x, k, padding="same").data
    first = nn.conv(x.transpose(0, 3, 1, 2), k, padding="same", data_format="channels_first")
    np.testing.assert_allclose(first.data, last.transpose(0, 3, 1, 2), rtol=1e-12)
    x8 = rng.standard_normal((1, 2, 2, 8))
    np.testing.assert_array_equal(
        nn.depth_to_space(x8.transpose(0, 3, 1, 2), 2, "channels_first").data,
        nn.depth_to_space(x8, 2).data.transpose(0, 3, 1, 2),
    )


def test_unfold_then_fold_counts_the_overlaps():
    x = np.ones((1, 1, 4, 4))
    counts = nn.fold(nn.unfold(x, 2), (4, 4), 2).data[0, 0]
    assert counts.tolist() == [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]


def test_errors_name_the_function():
    with pytest.raises(ValueError, match="conv: expected inputs"):
        nn.conv(np.ones((2, 3)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="depth_to_space: 6 channels"):
        nn.depth_to_space(np.ones((1, 2, 2, 6)), 2)
    with pytest.raises(ValueError, match="space_to_depth: height 3"):
        nn.space_to_depth(np.ones((1, 3, 4, 1)), 2)
    with pytest.raises(ValueError, match="fold: expected"):
        nn.fold(np.ones((1, 5, 4)), 3, 2)
    with pytest.raises(ValueError, match="depthwise_conv: kernel must be"):
        nn.depthwise_conv(np.ones((1, 4, 4, 3)), np.ones((3, 3, 2, 1)))


def test_max_pool_gradient_goes_to_the_first_maximum():
    x = Tensor(np.array([[[1.0], [3.0], [3.0], [0.0]]]), requires_grad=True)
    nn.max_pool(x, 2).sum().backward()
    assert x.grad.ravel().tolist() == [0.0, 1.0, 1.0, 0.0]
    assert ops.separable_conv is nn.separable_conv


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_fold_with_a_rectangular_kernel_matches_torch():
    x = np.random.default_rng(0).standard_normal((1, 2 * 2 * 3, 3 * 2))
    ours = nn.fold(x, (4, 4), (2, 3), stride=1)
    theirs = F.fold(torch.from_numpy(x), (4, 4), (2, 3), stride=1).numpy()
    np.testing.assert_allclose(ours.data, theirs, rtol=1e-12)
