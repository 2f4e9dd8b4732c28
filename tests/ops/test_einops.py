"""rearrange: Keras's documented patterns, gradients through them, errors."""

import numpy as np
import pytest

from glassnet import gradcheck, ops
from tests.ops.harness import OpCase, normal, standard_tests

CASES = [
    OpCase(
        "rearrange_transpose",
        lambda x: ops.rearrange(x, "b h w c -> b c h w"),
        [normal(2, 3, 4, 5)],
        lambda x: x.transpose(0, 3, 1, 2),
        lambda x: x.permute(0, 3, 1, 2),
    ),
    OpCase(
        "rearrange_split_merge",
        lambda x: ops.rearrange(x, "b (h h1) (w w1) c -> b h w (c h1 w1)", h1=2, w1=2),
        [normal(2, 4, 6, 3)],
        lambda x: x.reshape(2, 2, 2, 3, 2, 3).transpose(0, 1, 3, 5, 2, 4).reshape(2, 2, 3, 12),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


@pytest.mark.parametrize(
    "pattern, lengths, shape",
    [
        ("b h w c -> b c h w", {}, (32, 3, 30, 40)),
        ("b h w c -> (b h) w c", {}, (960, 40, 3)),
        ("b h w c -> h (b w) c", {}, (30, 1280, 3)),
        ("b h w c -> b (c h w)", {}, (32, 3600)),
        ("b (h1 h) (w1 w) c -> (b h1 w1) h w c", {"h1": 2, "w1": 2}, (128, 15, 20, 3)),
        ("b (h h1) (w w1) c -> b h w (c h1 w1)", {"h1": 2, "w1": 2}, (32, 15, 20, 12)),
    ],
)
def test_keras_documented_shapes(pattern, lengths, shape):
    images = np.zeros((32, 30, 40, 3), dtype="float32")
    assert ops.rearrange(images, pattern, **lengths).shape == shape


def test_merge_order_is_row_major():
    x = np.arange(6).reshape(2, 3)
    assert ops.rearrange(x, "a b -> (b a)").data.tolist() == [0, 3, 1, 4, 2, 5]
    assert gradcheck(lambda t: ops.rearrange(t, "(a b) c -> c b a", a=2), np.ones((4, 3)))


def test_errors():
    x = np.zeros((2, 6))
    with pytest.raises(ValueError, match="needs one '->'"):
        ops.rearrange(x, "a b")
    with pytest.raises(ValueError, match="names 3 axes"):
        ops.rearrange(x, "a b c -> a b c")
    with pytest.raises(ValueError, match="give the sizes of all but one"):
        ops.rearrange(x, "a (b c) -> a b c")
    with pytest.raises(ValueError, match="has size 6, which is not 4"):
        ops.rearrange(x, "a (b c) -> a b c", b=4, c=1)
    with pytest.raises(ValueError, match="same axes"):
        ops.rearrange(x, "a b -> a c")
