import numpy as np

import glassnet as keras
from glassnet import layers, ops
from tests.layers.helpers import layer_gradcheck

rng = np.random.default_rng(0)


def reference_mha(mha, query, value, mask=None):
    """Multi-head attention in plain float64 NumPy, from the layer's weights."""
    q = np.einsum("btd,dhk->bthk", query, mha.query_dense.kernel.data) + mha.query_dense.bias.data
    k = np.einsum("bsd,dhk->bshk", value, mha.key_dense.kernel.data) + mha.key_dense.bias.data
    v = np.einsum("bsd,dhk->bshk", value, mha.value_dense.kernel.data) + mha.value_dense.bias.data
    scores = np.einsum("bthk,bshk->bhts", q, k) / np.sqrt(mha.key_dim)
    if mask is not None:
        scores = np.where(mask[:, None], scores, -1e9)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    out = np.einsum("bhts,bshk->bthk", weights, v)
    return np.einsum(
        "bthk,hkd->btd", out, mha.output_dense.kernel.data
    ) + mha.output_dense.bias.data, weights


def test_multi_head_attention_matches_reference_and_kerass_weights(float64):
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    query, value = rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 6))
    out, scores = mha(query, value, return_attention_scores=True)
    expected, expected_scores = reference_mha(mha, query, value)
    np.testing.assert_allclose(out.data, expected, rtol=1e-10)
    np.testing.assert_allclose(scores.data, expected_scores, rtol=1e-10)
    assert [w.shape for w in mha.weights] == [
        (6, 2, 3),
        (2, 3),
        (6, 2, 3),
        (2, 3),
        (6, 2, 3),
        (2, 3),
        (2, 3, 6),
        (6,),
    ]
    assert mha.count_params() == 3 * (6 * 6 + 6) + 6 * 6 + 6


def test_causal_and_padding_masks(float64):
    mha = layers.MultiHeadAttention(num_heads=1, key_dim=4)
    x = rng.standard_normal((2, 4, 4))
    out, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    assert np.allclose(np.triu(scores.data[0, 0], k=1), 0)
    np.testing.assert_allclose(
        out.data, reference_mha(mha, x, x, np.tril(np.ones((4, 4), bool))[None])[0], rtol=1e-10
    )
    padding = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], dtype=bool)
    _, scores = mha(x, x, attention_mask=padding[:, None, :], return_attention_scores=True)
    assert scores.data[1, 0, :, 2:].max() < 1e-6


def test_multi_head_attention_gradients(float64):
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    x = rng.standard_normal((1, 3, 4))
    mha(x, x)
    for sub in (mha.query_dense, mha.value_dense, mha.output_dense):
        assert layer_gradcheck(
            sub,
            x if sub is not mha.output_dense else rng.standard_normal((1, 3, 2, 2)),
            ["kernel", "bias"],
        )

    def through(x_tensor):
        return mha(x_tensor, x_tensor, use_causal_mask=True)

    assert keras.gradcheck(through, x)


def test_attention_and_additive_attention():
    q, v = (
        rng.standard_normal((2, 3, 4)).astype(np.float32),
        rng.standard_normal((2, 5, 4)).astype(np.float32),
    )
    out, weights = layers.Attention()([q, v], return_attention_scores=True)
    s = np.einsum("btd,bsd->bts", q, v)
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    np.testing.assert_allclose(out.data, w @ v, rtol=1e-5)
    additive = layers.AdditiveAttention()
    out = additive([q, v])
    scores = (np.tanh(q[:, :, None] + v[:, None]) * additive.scale.data).sum(-1)
    w = np.exp(scores - scores.max(-1, keepdims=True))
    np.testing.assert_allclose(out.data, (w / w.sum(-1, keepdims=True)) @ v, rtol=1e-5)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(vocab_size, embed_dim)
        self.pos_emb = layers.Embedding(maxlen, embed_dim)

    def call(self, x):
        return self.token_emb(x) + self.pos_emb(ops.arange(0, ops.shape(x)[-1]))


def transformer_encoder(x, embed_dim, num_heads, ff_dim):
    """The worked example's block: attention + residual + LayerNorm, feed-forward + residual +
    LayerNorm."""
    attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim // num_heads)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attention]))
    feed_forward = layers.Dense(embed_dim)(layers.Dense(ff_dim, activation="relu")(x))
    return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, feed_forward]))


def test_transformer_learns_whether_token_a_comes_before_token_b():
    keras.utils.set_random_seed(0)
    n, length, vocab = 2000, 10, 12
    tokens = rng.integers(3, vocab, (n, length))
    pos_a = rng.integers(0, length, n)
    pos_b = (pos_a + rng.integers(1, length, n)) % length
    tokens[np.arange(n), pos_a], tokens[np.arange(n), pos_b] = 1, 2  # token A = 1, token B = 2
    labels = (pos_a < pos_b).astype(int)
    inputs = keras.Input((length,), dtype="int32")
    x = transformer_encoder(TokenAndPositionEmbedding(length, vocab, 32)(inputs), 32, 2, 64)
    outputs = layers.Dense(2, activation="softmax")(layers.GlobalAveragePooling1D()(x))
    model = keras.Model(inputs, outputs)
    model.compile(
        keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    model.fit(tokens[:1600], labels[:1600], epochs=15, batch_size=64, verbose=0)
    assert model.evaluate(tokens[1600:], labels[1600:], verbose=0)[1] >= 0.95


# -- GroupedQueryAttention -------------------------------------------------------------------------
def test_grouped_query_attention_with_one_group_per_head_is_multi_head_attention(float64):
    gqa = layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    query, value = rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 6))
    gqa(query, value)
    mha(query, value)
    mha.set_weights(gqa.get_weights())
    ours, scores = gqa(query, value, return_attention_scores=True)
    theirs, expected_scores = mha(query, value, return_attention_scores=True)
    np.testing.assert_allclose(ours.data, theirs.data, rtol=1e-10)
    np.testing.assert_allclose(scores.data, expected_scores.data, rtol=1e-10)


def test_grouped_query_heads_share_their_key_value_head(float64):
    gqa = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    x = rng.standard_normal((1, 3, 4))
    gqa(x, x)
    # identical query kernels for heads 0 and 1 (sharing key/value head 0) give identical scores
    kernel = gqa.query_dense.kernel.data.copy()
    kernel[:, 1] = kernel[:, 0]
    gqa.query_dense.kernel.assign(kernel)
    gqa.query_dense.bias.assign(np.zeros_like(gqa.query_dense.bias.data))
    _, scores = gqa(x, x, return_attention_scores=True)
    np.testing.assert_allclose(scores.data[:, 0], scores.data[:, 1], rtol=1e-12)
    assert not np.allclose(scores.data[:, 0], scores.data[:, 2])
    assert [w.shape for w in gqa.weights][:4] == [(4, 4, 2), (4, 2), (4, 2, 2), (2, 2)]


def test_grouped_query_attention_masks_and_gradients(float64):
    gqa = layers.GroupQueryAttention(2, 2, 1, use_gate=True, sliding_window=2)
    x = rng.standard_normal((2, 5, 4))
    _, scores = gqa(x, x, use_causal_mask=True, return_attention_scores=True)
    allowed = np.tril(np.ones((5, 5), bool)) & (np.abs(np.subtract.outer(range(5), range(5))) < 2)
    assert scores.data[:, :, ~allowed].max() < 1e-6
    names = [f"{d}.kernel" for d in ("query_dense", "key_dense", "value_dense", "gate_dense")]
    assert layer_gradcheck(gqa, x, names + ["output_dense.bias"])
    symbolic = keras.Input((None, 4))
    assert gqa(symbolic, symbolic).shape == (None, None, 4)
