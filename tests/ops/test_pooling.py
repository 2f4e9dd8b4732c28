"""The 3-D pools and adaptive pooling against PyTorch (channels moved first for it) and numerical
gradients; the 1-D and 2-D pools are tested in test_conv.py beside the convolutions."""

import numpy as np
import pytest

from glassnet import Tensor
from glassnet.ops.pooling import (
    adaptive_average_pool,
    adaptive_max_pool,
    adaptive_windows,
    average_pool3d,
    max_pool3d,
)
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch.nn.functional as F
except ImportError:
    F = None


def channels_first(function):
    """A torch function of channels-first tensors, called on channels_last ones."""

    def ref(x):
        return function(x.movedim(-1, 1)).movedim(1, -1)

    return ref


def same_pads_3d(x, pool, stride):
    pads = []
    for size in reversed(x.shape[1:-1]):
        out = -(-size // stride)
        total = max((out - 1) * stride + pool - size, 0)
        pads += [total // 2, total - total // 2]
    return pads


def torch_max_pool3d(pool, stride, padding="valid"):
    def ref(x):
        x = x.movedim(-1, 1)
        if padding == "same":
            x = F.pad(x, same_pads_3d(x.movedim(1, -1), pool, stride), value=-float("inf"))
        return F.max_pool3d(x, pool, stride).movedim(1, -1)

    return ref


def torch_average_pool3d(pool, stride, padding="valid"):
    def ref(x):
        x = x.movedim(-1, 1)
        ones = x[:, :1] * 0 + 1
        if padding == "same":
            pads = same_pads_3d(x.movedim(1, -1), pool, stride)
            x, ones = F.pad(x, pads), F.pad(ones, pads)
        sums = F.avg_pool3d(x, pool, stride, divisor_override=1)
        counts = F.avg_pool3d(ones, pool, stride, divisor_override=1)
        return (sums / counts).movedim(1, -1)

    return ref


def numpy_adaptive_average(output_size):
    """Reference by loops over the windows (float64)."""

    def ref(x):
        rank = x.ndim - 2
        sizes = (output_size,) * rank if isinstance(output_size, int) else output_size
        bounds = [list(zip(*adaptive_windows(n, m))) for n, m in zip(x.shape[1:-1], sizes)]
        out = np.empty((x.shape[0], *sizes, x.shape[-1]))
        for index in np.ndindex(*sizes):
            window = tuple(slice(*bounds[a][i]) for a, i in enumerate(index))
            out[(slice(None), *index)] = x[(slice(None), *window)].mean(
                axis=tuple(range(1, rank + 1))
            )
        return out

    return ref


CASES = [
    OpCase(
        "max_pool3d_2",
        lambda x: max_pool3d(x, 2),
        [normal(2, 4, 5, 4, 2)],
        None,
        torch_max_pool3d(2, 2),
    ),
    OpCase(
        "max_pool3d_3_stride2_same",
        lambda x: max_pool3d(x, 3, 2, "same"),
        [normal(1, 5, 4, 6, 2)],
        None,
        torch_max_pool3d(3, 2, "same"),
    ),
    OpCase(
        "average_pool3d_overlap",
        lambda x: average_pool3d(x, 2, 1),
        [normal(2, 3, 4, 3, 2)],
        None,
        torch_average_pool3d(2, 1),
    ),
    OpCase(
        "average_pool3d_same_excludes_padding",
        lambda x: average_pool3d(x, 3, 2, "same"),
        [normal(1, 5, 4, 6, 2)],
        None,
        torch_average_pool3d(3, 2, "same"),
    ),
    OpCase(
        "adaptive_average_pool1d",
        lambda x: adaptive_average_pool(x, 3),
        [normal(2, 7, 3)],
        numpy_adaptive_average(3),
        channels_first(lambda x: F.adaptive_avg_pool1d(x, 3)),
    ),
    OpCase(
        "adaptive_average_pool2d_upsampling",
        lambda x: adaptive_average_pool(x, (4, 2)),
        [normal(2, 3, 5, 2)],
        numpy_adaptive_average((4, 2)),
        channels_first(lambda x: F.adaptive_avg_pool2d(x, (4, 2))),
    ),
    OpCase(
        "adaptive_average_pool3d",
        lambda x: adaptive_average_pool(x, (2, 3, 2)),
        [normal(1, 5, 7, 4, 2)],
        numpy_adaptive_average((2, 3, 2)),
        channels_first(lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2))),
    ),
    OpCase(
        "adaptive_max_pool1d_overlapping",
        lambda x: adaptive_max_pool(x, 4),
        [normal(2, 7, 3)],
        None,
        channels_first(lambda x: F.adaptive_max_pool1d(x, 4)),
    ),
    OpCase(
        "adaptive_max_pool2d",
        lambda x: adaptive_max_pool(x, (3, 2)),
        [normal(2, 7, 5, 2)],
        None,
        channels_first(lambda x: F.adaptive_max_pool2d(x, (3, 2))),
    ),
    OpCase(
        "adaptive_max_pool3d",
        lambda x: adaptive_max_pool(x, 3),
        [normal(1, 5, 7, 4, 2)],
        None,
        channels_first(lambda x: F.adaptive_max_pool3d(x, 3)),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_adaptive_windows_cover_the_axis_as_keras_places_them():
    starts, ends = adaptive_windows(10, 4)
    assert starts.tolist() == [0, 2, 5, 7] and ends.tolist() == [3, 5, 8, 10]


def test_adaptive_pool_channels_first_equals_channels_last():
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 5))
    last = adaptive_max_pool(x.transpose(0, 2, 3, 1), (3, 2)).data
    first = adaptive_max_pool(x, (3, 2), data_format="channels_first").data
    np.testing.assert_array_equal(first, last.transpose(0, 3, 1, 2))


def test_adaptive_max_gradient_of_overlapping_windows_adds_up():
    x = Tensor(np.array([0.0, 5.0, 1.0]).reshape(1, 3, 1), requires_grad=True)
    adaptive_max_pool(x, 2).sum().backward()  # windows [0, 2) and [1, 3) share the 5
    assert x.grad.ravel().tolist() == [0.0, 2.0, 0.0]


def test_bad_rank_is_named():
    with pytest.raises(ValueError, match="adaptive_average_pool: expected inputs with 1, 2 or 3"):
        adaptive_average_pool(np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match="max_pool3d: expected inputs .batch, 3 spatial axes"):
        max_pool3d(np.zeros((1, 4, 4, 1)))


def test_3d_pools_default_to_2x2x2_windows():
    x = np.random.default_rng(0).standard_normal((1, 4, 4, 4, 2))
    blocks = x.reshape(1, 2, 2, 2, 2, 2, 2, 2).transpose(0, 1, 3, 5, 7, 2, 4, 6)
    blocks = blocks.reshape(1, 2, 2, 2, 2, 8)
    np.testing.assert_allclose(max_pool3d(x).data, blocks.max(axis=-1), rtol=1e-12)
    np.testing.assert_allclose(average_pool3d(x).data, blocks.mean(axis=-1), rtol=1e-12)
