"""Scaled dot-product attention (keras.ops.nn.dot_product_attention), composed from einsum,
softmax and where, so its gradient is theirs.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> q = k = v = np.ones((1, 3, 2, 4))
>>> ops.dot_product_attention(q, k, v).shape
(1, 3, 2, 4)
"""

import math

from glassnet.autograd.tensor import as_tensor
from glassnet.backend import xp
from glassnet.ops.activation import softmax, tanh
from glassnet.ops.elementwise import where
from glassnet.ops.linalg import einsum
from glassnet.ops.manipulation import reshape
from glassnet.ops.operation import keras_op


def _masked_logit(dtype):
    """The logit masked positions get: very negative yet finite, as Keras uses (a fully masked
    row then attends uniformly instead of producing NaN)."""
    return -0.7 * (65500.0 if dtype == xp.float16 else 3.38953e38)


@keras_op
def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale=None,
    is_causal=False,
    flash_attention=None,
    attn_logits_soft_cap=None,
):
    """softmax(query key^T * scale + bias, masked) value, per head.

    Args:
        query: (batch, target_length, num_heads, head_dim).
        key, value: (batch, source_length, num_kv_heads, head_dim) (value's head_dim may
            differ from the query's and key's: the output has value's); num_kv_heads divides
            num_heads (grouped-query attention: query head n uses key/value head
            n // (num_heads / num_kv_heads)).
        bias: None or added to the logits, broadcastable to (batch, num_heads, target, source).
        mask: None or booleans broadcastable to (batch, num_heads, target, source); False
            positions are not attended to.
        scale: multiplies the logits (default 1 / sqrt(head_dim)).
        is_causal: each target position attends only to source positions <= its own.
        flash_attention: must be None or False (there is no fused kernel here).
        attn_logits_soft_cap: None, or c > 0 to squash the logits to c * tanh(logits / c).

    Returns:
        (batch, target_length, num_heads, value's head_dim).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> q = np.zeros((1, 2, 1, 1))
    >>> v = np.array([1.0, 3.0]).reshape(1, 2, 1, 1)
    >>> ops.dot_product_attention(q, q, v).data.ravel().tolist()
    [2.0, 2.0]
    """
    if flash_attention:
        raise ValueError("dot_product_attention: flash_attention is not available in glassnet")
    q = as_tensor(query, where="dot_product_attention")
    k = as_tensor(key, like=q, where="dot_product_attention")
    v = as_tensor(value, like=q, where="dot_product_attention")
    if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
        raise ValueError(
            "dot_product_attention: expected 4-D query, key and value (batch, length, heads, "
            f"head_dim), got shapes {q.shape}, {k.shape}, {v.shape}"
        )
    batch, target, heads, depth = q.shape
    source, kv_heads = k.shape[1], k.shape[2]
    if v.shape[:3] != k.shape[:3] or k.shape[3] != depth or heads % kv_heads:
        raise ValueError(
            "dot_product_attention: key and value need the same (batch, length, heads), key the "
            f"query's head_dim, and their heads must divide the query's; got query {q.shape}, "
            f"key {k.shape}, value {v.shape}"
        )
    group = heads // kv_heads
    scale = 1.0 / math.sqrt(depth) if scale is None else float(scale)
    grouped_q = reshape(q, (batch, target, kv_heads, group, depth))
    logits = einsum("btkgh,bskh->bkgts", grouped_q, k) * scale
    logits = reshape(logits, (batch, heads, target, source))
    if bias is not None:
        logits = logits + as_tensor(bias, like=logits, where="dot_product_attention")
    if attn_logits_soft_cap is not None:
        cap = float(attn_logits_soft_cap)
        logits = tanh(logits / cap) * cap
    keep = None
    if mask is not None:
        keep = xp.asarray(getattr(mask, "data", mask), dtype=bool)
    if is_causal:
        causal = xp.tril(xp.ones((target, source), dtype=bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        logits = where(keep, logits, _masked_logit(logits.dtype))
    probabilities = reshape(softmax(logits, axis=-1), (batch, kv_heads, group, target, source))
    out = einsum("bkgts,bskh->btkgh", probabilities, v)
    return reshape(out, (batch, target, heads, v.shape[3]))
