"""dot_product_attention against torch's scaled_dot_product_attention (values and gradients,
float64), with bias, masks, causal masking and grouped-query heads."""

import numpy as np
import pytest

from glassnet import ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = F = None

MASK = np.random.default_rng(5).random((2, 1, 3, 5)) > 0.3
MASK[..., 0] = True  # every query keeps at least one key


def heads_first(t):
    return t.transpose(1, 2)  # (batch, length, heads, dim) <-> (batch, heads, length, dim)


def torch_attention(**options):
    def ref(q, k, v, *bias):
        mask = options.get("attn_mask")
        if bias:
            mask = bias[0]
        out = F.scaled_dot_product_attention(
            heads_first(q),
            heads_first(k),
            heads_first(v),
            attn_mask=mask,
            is_causal=options.get("is_causal", False),
            scale=options.get("scale"),
            enable_gqa=options.get("enable_gqa", False),
        )
        return heads_first(out)

    return ref


def np_attention(q, k, v, bias=0.0, keep=None):
    logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1]) + bias
    if keep is not None:
        logits = np.where(keep, logits, -np.inf)
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", weights, v)


QKV = [normal(2, 3, 2, 4), normal(2, 5, 2, 4), normal(2, 5, 2, 4)]
CASES = [
    OpCase("attention", ops.dot_product_attention, QKV, np_attention, torch_attention()),
    OpCase(
        "attention_bias",
        lambda q, k, v, b: ops.dot_product_attention(q, k, v, bias=b),
        QKV + [normal(1, 2, 3, 5)],
        lambda q, k, v, b: np_attention(q, k, v, bias=b),
        torch_attention(),
    ),
    OpCase(
        "attention_mask",
        lambda q, k, v: ops.dot_product_attention(q, k, v, mask=MASK),
        QKV,
        lambda q, k, v: np_attention(q, k, v, keep=MASK),
        torch_attention(attn_mask=torch.tensor(MASK)) if torch else None,
    ),
    OpCase(
        "attention_causal_scale",
        lambda q, k, v: ops.dot_product_attention(q, k, v, scale=0.7, is_causal=True),
        [normal(2, 4, 2, 3), normal(2, 4, 2, 3), normal(2, 4, 2, 3)],
        None,
        torch_attention(is_causal=True, scale=0.7),
    ),
    OpCase(
        "attention_grouped_query",
        ops.dot_product_attention,
        [normal(2, 3, 4, 2), normal(2, 5, 2, 2), normal(2, 5, 2, 2)],
        lambda q, k, v: np_attention(q, np.repeat(k, 2, axis=2), np.repeat(v, 2, axis=2)),
        torch_attention(enable_gqa=True),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_fully_masked_rows_attend_uniformly_as_in_keras():
    q, k = np.zeros((1, 1, 1, 2)), np.ones((1, 3, 1, 2))
    v = np.arange(3.0).reshape(1, 3, 1, 1)
    out = ops.dot_product_attention(q, k, v, mask=np.zeros((1, 1, 1, 3), dtype=bool))
    assert np.isfinite(out.data).all() and float(out.data.ravel()[0]) == 1.0


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="expected 4-D query"):
        ops.dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="heads must divide"):
        x = np.ones((1, 2, 3, 4))
        ops.dot_product_attention(x, np.ones((1, 2, 2, 4)), np.ones((1, 2, 2, 4)))
