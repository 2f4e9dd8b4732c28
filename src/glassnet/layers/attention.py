"""Attention layers: EinsumDense (MultiHeadAttention's projections, as in Keras),
MultiHeadAttention, GroupedQueryAttention, Attention (dot-product, Luong) and AdditiveAttention
(Bahdanau). All computed with ops.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
>>> x = np.ones((1, 3, 8), "float32")
>>> mha(x, x).shape
(1, 3, 8)
"""

import math
import re

from glassnet import activations, constraints, initializers, ops, regularizers
from glassnet.backend import xp
from glassnet.layers.core import Dropout, activity_config, weight_options_config
from glassnet.layers.layer import Layer

_LARGE_NEGATIVE = -1e9  # added to masked scores before the softmax


class EinsumDense(Layer):
    """A dense layer written as an einsum:
    ``EinsumDense('abc,cde->abde', output_shape=(None, 4, 8), bias_axes='de')``.

    The kernel has the shape named by the second operand (input sizes from the input, the rest
    from output_shape, whose entries are the output's after the batch axis).

    Args:
        equation: "input,kernel->output" subscripts.
        output_shape: the output shape without the batch axis (None where it follows the input).
        activation: applied to the result.
        bias_axes: letters of the output that get a bias.
        kernel_*, bias_*: initializers, regularizers and constraints.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layer = layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    >>> layer(np.ones((2, 3), "float32")).shape, layer.kernel.shape, layer.bias.shape
    ((2, 4), (3, 4), (4,))
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        match = re.fullmatch(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", equation.replace(" ", ""))
        if not match:
            raise ValueError(
                f"EinsumDense: equation must look like 'abc,cd->abd', got {equation!r}"
            )
        self.equation = equation
        self.input_spec_letters, self.kernel_letters, self.output_letters = match.groups()
        self.partial_output_shape = (
            (output_shape,) if isinstance(output_shape, int) else tuple(output_shape)
        )
        self.activation = activations.get(activation)
        self.bias_axes = bias_axes
        self.kernel_initializer, self.bias_initializer = (
            initializers.get(kernel_initializer),
            initializers.get(bias_initializer),
        )
        self.kernel_regularizer, self.bias_regularizer = (
            regularizers.get(kernel_regularizer),
            regularizers.get(bias_regularizer),
        )

    def build(self, input_shape):
        sizes = dict(zip(self.input_spec_letters, input_shape))
        out_letters = self.output_letters[
            len(self.output_letters) - len(self.partial_output_shape) :
        ]
        for letter, size in zip(out_letters, self.partial_output_shape):
            if size is not None:
                sizes[letter] = size
        kernel_shape = tuple(sizes[c] for c in self.kernel_letters)
        self.kernel = self.add_weight(
            kernel_shape,
            self.kernel_initializer,
            name="kernel",
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.bias_axes:
            first = min(self.output_letters.index(c) for c in self.bias_axes)
            bias_shape = tuple(
                sizes[c] if c in self.bias_axes else 1 for c in self.output_letters[first:]
            )
            self.bias = self.add_weight(
                bias_shape,
                self.bias_initializer,
                name="bias",
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def call(self, inputs):
        out = ops.einsum(
            f"{self.input_spec_letters},{self.kernel_letters}->{self.output_letters}",
            inputs,
            self.kernel,
        )
        if self.bias is not None:
            out = ops.add(out, self.bias)
        return self.activation(out)

    def get_config(self):
        return {
            **super().get_config(),
            "equation": self.equation,
            "output_shape": self.partial_output_shape,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            **weight_options_config(self, "kernel", "bias"),
            **activity_config(self),
        }


def _apply_mask(scores, mask):
    """scores (..., T, S) where mask is False get a large negative value, so softmax gives them
    ~0."""
    if mask is None:
        return scores
    return ops.where(mask, scores, _LARGE_NEGATIVE)


class MultiHeadAttention(Layer):
    """Keras's MultiHeadAttention: query (B, T, dim), value (B, S, dim), key defaults to value.

    query/key/value projections (dim, num_heads, key_dim | value_dim), output projection
    (num_heads, value_dim, dim): the same weights and parameter count as Keras. Masks:
    attention_mask (B, T, S) bool, use_causal_mask for decoder-style attention, and padding masks
    from Embedding(mask_zero=True).

    Args:
        num_heads: number of heads.
        key_dim: size of each query/key head.
        value_dim: size of each value head (default key_dim).
        dropout: dropout on the attention weights while training.
        use_bias: biases in the projections.
        output_shape: size of the output's last axis (default the query's).
        kernel_*, bias_*: initializers and regularizers of the projections.
        seed: seed of the dropout.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
    >>> query, value = np.ones((1, 3, 8), "float32"), np.ones((1, 5, 8), "float32")
    >>> output, scores = mha(query, value, return_attention_scores=True)
    >>> output.shape, scores.shape
    ((1, 3, 8), (1, 2, 3, 5))
    """

    def __init__(
        self,
        num_heads,
        key_dim,
        value_dim=None,
        dropout=0.0,
        use_bias=True,
        output_shape=None,
        attention_axes=None,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if attention_axes is not None and tuple(
            [attention_axes] if isinstance(attention_axes, int) else attention_axes
        ) not in ((1,), (-2,)):
            raise ValueError(
                "MultiHeadAttention: attention_axes other than the sequence axis are not supported"
            )
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or sliding_window <= 0
        ):
            raise ValueError(
                f"MultiHeadAttention: sliding_window must be None or a positive integer, got "
                f"{sliding_window!r}"
            )
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        if isinstance(output_shape, int):  # Keras keeps it as a tuple
            output_shape = (output_shape,)
        if output_shape is not None and len(tuple(output_shape)) != 1:
            raise ValueError(
                f"MultiHeadAttention: output_shape must be one size (the output's last axis), "
                f"got {output_shape!r}"
            )
        self.dropout, self.use_bias = dropout, use_bias
        self.output_shape = None if output_shape is None else tuple(output_shape)
        self.attention_axes, self.sliding_window = attention_axes, sliding_window
        self.use_gate, self.seed = use_gate, seed
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout_layer = Dropout(dropout, seed=seed)
        self.supports_masking = True
        self._built_from = None

    def _dense(self, equation, shape, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            shape,
            activation=activation,
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
        )

    def build(self, query_shape, value_shape=None, key_shape=None):
        h = self.num_heads
        self.query_dense = self._dense("abc,cde->abde", (None, h, self.key_dim), "de", "query")
        self.key_dense = self._dense("abc,cde->abde", (None, h, self.key_dim), "de", "key")
        if self.use_gate:  # a sigmoid gate on the attended values, from the query (Keras's order)
            self.gate_dense = self._dense(
                "abc,cde->abde", (None, h, self.value_dim), "de", "gate", activation="sigmoid"
            )
        self.value_dense = self._dense("abc,cde->abde", (None, h, self.value_dim), "de", "value")
        out_dim = self.output_shape[0] if self.output_shape is not None else query_shape[-1]
        self.output_dense = self._dense("abcd,cde->abe", (None, out_dim), "e", "attention_output")
        if self.attention_axes is None:  # Keras records the axis it attends over once built
            self.attention_axes = (1,)
        # the projections' weights exist from here on, as in Keras; key and value wait for their
        # own shapes when only the query's is known (a first call builds them)
        self.query_dense._maybe_build(tuple(query_shape))
        if self.use_gate:
            self.gate_dense._maybe_build(tuple(query_shape))
        if value_shape is not None:
            key_shape = value_shape if key_shape is None else key_shape
            self.key_dense._maybe_build(tuple(key_shape))
            self.value_dense._maybe_build(tuple(value_shape))
        self.output_dense._maybe_build((None, None, h, self.value_dim))

    def call(
        self,
        query,
        value=None,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
        mask=None,
    ):
        value = query if value is None else value
        key = value if key is None else key
        query_mask = mask if query_mask is None else query_mask
        gate = self.gate_dense(query) if self.use_gate else None
        q = ops.multiply(
            self.query_dense(query), 1.0 / math.sqrt(self.key_dim)
        )  # (B, T, H, Dk), scaled
        k = self.key_dense(key)  # (B, S, H, Dk)
        v = self.value_dense(value)  # (B, S, H, Dv)
        scores = ops.einsum("bshd,bthd->bhts", k, q)  # (B, H, T, S)
        combined = self._combined_mask(
            query.shape[1],
            key.shape[1],
            query_mask,
            value_mask,
            key_mask,
            attention_mask,
            use_causal_mask,
        )
        if self.sliding_window is not None:  # a band: keys less than sliding_window steps away
            t, s = query.shape[1], key.shape[1]
            distance = xp.abs(xp.arange(t)[:, None] - xp.arange(s)[None, :])
            band = (distance < self.sliding_window)[None]
            combined = band if combined is None else combined & band
        weights = ops.softmax(
            _apply_mask(scores, None if combined is None else combined[:, None]), axis=-1
        )
        dropped = self.dropout_layer(weights, training=training)
        attended = ops.einsum("bhts,bshd->bthd", dropped, v)
        if gate is not None:
            attended = ops.multiply(attended, gate)
        output = self.output_dense(attended)
        return (output, weights) if return_attention_scores else output

    @staticmethod
    def _combined_mask(t, s, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """(B or 1, T, S) bool, or None: True where a query may attend to a key."""
        mask = None

        def both(a, b):
            return b if a is None else a & b

        def raw(m):
            return xp.asarray(getattr(m, "data", m), dtype=bool)

        if query_mask is not None:
            mask = both(mask, raw(query_mask)[:, :, None])
        key_side = key_mask if key_mask is not None else value_mask
        if key_side is not None:
            mask = both(mask, raw(key_side)[:, None, :])
        if attention_mask is not None:
            mask = both(mask, raw(attention_mask))
        if use_causal_mask:
            mask = both(mask, xp.tril(xp.ones((t, s), dtype=bool))[None])
        return mask

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": self.output_shape,
            "attention_axes": self.attention_axes,
            "sliding_window": self.sliding_window,
            "use_gate": self.use_gate,
            **weight_options_config(self, "kernel", "bias"),
            **activity_config(self),
            "seed": self.seed,
        }


class _BaseAttention(Layer):
    def __init__(self, use_scale=False, dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.use_scale, self.dropout = use_scale, dropout
        self.dropout_layer = Dropout(dropout, seed=seed)
        self.supports_masking = True

    def scores(self, query, key):
        raise NotImplementedError

    def call(
        self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False
    ):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expected inputs [query, value] or "
                f"[query, value, key]"
            )
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        scores = self.scores(query, key)  # (B, T, S)
        combined = None
        if (
            mask is not None
            and isinstance(mask, (list, tuple))
            and len(mask) > 1
            and mask[1] is not None
        ):
            combined = xp.asarray(getattr(mask[1], "data", mask[1]), dtype=bool)[:, None, :]
        if use_causal_mask:
            causal = xp.tril(xp.ones((scores.shape[1], scores.shape[2]), dtype=bool))[None]
            combined = causal if combined is None else combined & causal
        weights = ops.softmax(_apply_mask(scores, combined), axis=-1)
        output = ops.matmul(self.dropout_layer(weights, training=training), value)
        if mask is not None and isinstance(mask, (list, tuple)) and mask[0] is not None:
            output = ops.multiply(
                output,
                xp.asarray(getattr(mask[0], "data", mask[0]))[:, :, None].astype(output.dtype),
            )
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        return mask[0] if isinstance(mask, (list, tuple)) else None

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "dropout": self.dropout}


class Attention(_BaseAttention):
    """Dot-product attention (Luong): scores = query @ key^T (times a learned scalar if use_scale),
    softmax over the keys, weighted sum of the values. Called on [query, value] or
    [query, value, key].

    Args:
        use_scale: learn a scalar that multiplies the scores.
        score_mode: "dot" or "concat" (tanh of query + key, summed).
        dropout: dropout on the attention weights while training.
        seed: seed of the dropout.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Attention()([np.ones((2, 3, 4)), np.ones((2, 5, 4))]).shape
    (2, 3, 4)
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale, dropout, seed, **kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Attention: score_mode must be 'dot' or 'concat', got {score_mode!r}")
        self.score_mode = score_mode

    def build(self, input_shape):
        self.scale = self.add_weight((), "ones", name="scale") if self.use_scale else None
        self.concat_score_weight = (
            self.add_weight((), "ones", name="concat_score_weight")
            if self.score_mode == "concat"
            else None
        )

    def scores(self, query, key):
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.transpose(key, (0, 2, 1)))
            return ops.multiply(scores, self.scale) if self.scale is not None else scores
        summed = ops.tanh(ops.add(ops.expand_dims(query, 2), ops.expand_dims(key, 1)))
        if self.scale is not None:
            summed = ops.multiply(summed, self.scale)
        return ops.multiply(ops.sum(summed, axis=-1), self.concat_score_weight)

    def get_config(self):
        return {**super().get_config(), "score_mode": self.score_mode}


class AdditiveAttention(_BaseAttention):
    """Additive attention (Bahdanau): scores = sum(scale * tanh(query + key)) over the features
    (scale learned, one per feature, if use_scale).

    Args:
        use_scale: learn the per-feature scale.
        dropout: dropout on the attention weights while training.
        seed: seed of the dropout.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AdditiveAttention()([np.ones((2, 3, 4)), np.ones((2, 5, 4))]).shape
    (2, 3, 4)
    """

    def __init__(self, use_scale=True, dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale, dropout, seed, **kwargs)

    def build(self, input_shape):
        dim = (
            input_shape[0][-1]
            if isinstance(input_shape, (list, tuple)) and isinstance(input_shape[0], (list, tuple))
            else input_shape[-1]
        )
        self.scale = (
            self.add_weight((dim,), "glorot_uniform", name="scale") if self.use_scale else None
        )

    def scores(self, query, key):
        summed = ops.tanh(
            ops.add(ops.expand_dims(query, 2), ops.expand_dims(key, 1))
        )  # (B, T, S, dim)
        if self.scale is not None:
            summed = ops.multiply(summed, self.scale)
        return ops.sum(summed, axis=-1)


class GroupedQueryAttention(Layer):
    """Grouped-query attention (Ainslie et al., 2023): ``num_query_heads`` query heads share
    ``num_key_value_heads`` key/value heads (each key/value head serves num_query_heads //
    num_key_value_heads query heads). Weights as in Keras: query (dim, query_heads, head_dim),
    key and value (dim, kv_heads, head_dim), attention_output (query_heads, head_dim, dim), each
    with a bias when use_bias; with use_gate, a sigmoid gate (dim, query_heads, head_dim) multiplies
    the attended values before the output projection.

    Args:
        head_dim: size of each head.
        num_query_heads, num_key_value_heads: head counts (the second divides the first).
        dropout: dropout on the attention weights while training.
        use_bias: biases in the projections.
        sliding_window: if set, a query attends only to keys less than this many positions away.
        use_gate: the gated form.
        flash_attention: accepted for Keras compatibility (the plain computation is used).
        kernel_*, bias_*: initializers, regularizers and constraints of the projections.
        seed: seed of the dropout.

    Call arguments: query (B, T, dim), value (B, S, dim), key (default value), query_mask,
    value_mask, key_mask, attention_mask (B, T, S) bool, return_attention_scores,
    use_causal_mask, training.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    >>> x = np.ones((2, 3, 8), "float32")
    >>> out, scores = gqa(x, x, return_attention_scores=True)
    >>> out.shape, scores.shape
    ((2, 3, 8), (2, 4, 3, 3))
    """

    def __init__(
        self,
        head_dim,
        num_query_heads,
        num_key_value_heads,
        dropout=0.0,
        use_bias=True,
        sliding_window=None,
        flash_attention=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        use_gate=False,
        seed=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                f"GroupedQueryAttention: num_query_heads ({num_query_heads}) must be divisible "
                f"by num_key_value_heads ({num_key_value_heads})"
            )
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or sliding_window <= 0
        ):
            raise ValueError(
                f"GroupedQueryAttention: sliding_window must be None or a positive integer, got "
                f"{sliding_window!r}"
            )
        self.head_dim, self.num_query_heads = head_dim, num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout, self.use_bias, self.use_gate = dropout, use_bias, use_gate
        self.sliding_window, self.seed = sliding_window, seed
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout_layer = Dropout(dropout, seed=seed)
        self.supports_masking = True

    def _dense(self, equation, shape, bias_axes, name, activation=None):
        return EinsumDense(
            equation,
            shape,
            activation=activation,
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            kernel_initializer=initializers.get(initializers.serialize(self.kernel_initializer)),
            bias_initializer=initializers.get(initializers.serialize(self.bias_initializer)),
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
            kernel_constraint=self.kernel_constraint,
            bias_constraint=self.bias_constraint,
            dtype=self.dtype,
        )

    def build(self, query_shape, value_shape=None, key_shape=None):
        if isinstance(query_shape, list) and value_shape is None:
            query_shape, value_shape = query_shape[0], query_shape[1]
        key_shape = value_shape if key_shape is None else key_shape
        self.feature_dim = query_shape[-1]
        heads, kv_heads, size = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self.query_dense = self._dense("bqm,muh->bquh", (None, heads, size), "uh", "query")
        self.query_dense._maybe_build(tuple(query_shape))
        self.key_dense = self._dense("bkm,mvh->bkvh", (None, kv_heads, size), "vh", "key")
        if key_shape is not None:  # otherwise the first call builds it with the key's shape
            self.key_dense._maybe_build(tuple(key_shape))
        if self.use_gate:
            self.gate_dense = self._dense(
                "bqm,muh->bquh", (None, heads, size), "uh", "gate", activation="sigmoid"
            )
            self.gate_dense._maybe_build(tuple(query_shape))
        self.value_dense = self._dense("bkm,mvh->bkvh", (None, kv_heads, size), "vh", "value")
        if value_shape is not None:
            self.value_dense._maybe_build(tuple(value_shape))
        self.output_dense = self._dense(
            "bquh,uhm->bqm", (None, self.feature_dim), "m", "attention_output"
        )
        self.output_dense._maybe_build((None, None, heads, size))

    def _mask(self, t, s, query_mask, value_mask, key_mask, attention_mask, use_causal_mask):
        """(B or 1, T, S) bool or None: True where a query may attend to a key."""

        def raw(m):
            return xp.asarray(getattr(m, "data", m), dtype=bool)

        mask = None

        def both(a, b):
            return b if a is None else a & b

        if query_mask is not None:
            mask = both(mask, raw(query_mask)[:, :, None])
        for side in (value_mask, key_mask):
            if side is not None:
                mask = both(mask, raw(side)[:, None, :])
        if use_causal_mask:
            mask = both(mask, xp.tril(xp.ones((t, s), dtype=bool))[None])
        if self.sliding_window is not None:
            distance = xp.abs(xp.arange(t)[:, None] - xp.arange(s)[None, :])
            mask = both(mask, (distance < self.sliding_window)[None])
        if attention_mask is not None:
            mask = both(mask, raw(attention_mask))
        return mask

    def call(
        self,
        query,
        value=None,
        key=None,
        query_mask=None,
        value_mask=None,
        key_mask=None,
        attention_mask=None,
        return_attention_scores=False,
        training=None,
        use_causal_mask=False,
    ):
        value = query if value is None else value
        key = value if key is None else key
        gate = self.gate_dense(query) if self.use_gate else None
        q = ops.multiply(self.query_dense(query), 1.0 / math.sqrt(self.head_dim))  # (B, T, H, D)
        k = self.key_dense(key)  # (B, S, KV, D)
        v = self.value_dense(value)
        if self.num_repeats > 1:  # each key/value head serves num_repeats query heads
            k = ops.take(k, xp.repeat(xp.arange(self.num_key_value_heads), self.num_repeats), 2)
            v = ops.take(v, xp.repeat(xp.arange(self.num_key_value_heads), self.num_repeats), 2)
        scores = ops.einsum("bquh,bkuh->buqk", q, k)  # (B, H, T, S)
        mask = self._mask(
            query.shape[1],
            key.shape[1],
            query_mask,
            value_mask,
            key_mask,
            attention_mask,
            use_causal_mask,
        )
        weights = ops.softmax(_apply_mask(scores, None if mask is None else mask[:, None]), axis=-1)
        dropped = self.dropout_layer(weights, training=training)
        attended = ops.einsum("buqk,bkuh->bquh", dropped, v)
        if gate is not None:
            attended = ops.multiply(attended, gate)
        output = self.output_dense(attended)
        return (output, weights) if return_attention_scores else output

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return query_shape

    def get_config(self):
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            **weight_options_config(self, "kernel", "bias"),
            **activity_config(self),
            "seed": self.seed,
        }


GroupQueryAttention = GroupedQueryAttention
