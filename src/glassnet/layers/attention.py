"""Attention layers: EinsumDense (MultiHeadAttention's projections, as in Keras), MultiHeadAttention,
Attention (dot-product, Luong) and AdditiveAttention (Bahdanau). All computed with ops."""

import math
import re

from glassnet import activations, initializers, ops, regularizers
from glassnet.backend import xp
from glassnet.layers.core import Dropout, weight_options_config
from glassnet.layers.layer import Layer

_LARGE_NEGATIVE = -1e9  # added to masked scores before the softmax


class EinsumDense(Layer):
    """A dense layer written as an einsum: ``EinsumDense('abc,cde->abde', output_shape=(None, 4, 8), bias_axes='de')``.

    The kernel has the shape named by the second operand (input sizes from the input, the rest from
    output_shape, whose first entry is the batch-free output after the batch axis).
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
        **kwargs,
    ):
        super().__init__(**kwargs)
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
        )
        self.bias = None
        if self.bias_axes:
            first = min(self.output_letters.index(c) for c in self.bias_axes)
            bias_shape = tuple(
                sizes[c] if c in self.bias_axes else 1 for c in self.output_letters[first:]
            )
            self.bias = self.add_weight(
                bias_shape, self.bias_initializer, name="bias", regularizer=self.bias_regularizer
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
        }


def _apply_mask(scores, mask):
    """scores (..., T, S) where mask is False get a large negative value, so softmax gives them ~0."""
    if mask is None:
        return scores
    return ops.where(mask, scores, _LARGE_NEGATIVE)


class MultiHeadAttention(Layer):
    """Keras's MultiHeadAttention: query (B, T, dim), value (B, S, dim), key defaults to value.

    query/key/value projections (dim, num_heads, key_dim | value_dim), output projection
    (num_heads, value_dim, dim): the same weights and parameter count as Keras. Masks: attention_mask
    (B, T, S) bool, use_causal_mask for decoder-style attention, and padding masks from Embedding(mask_zero=True).
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
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if attention_axes is not None:
            raise ValueError(
                "MultiHeadAttention: attention_axes other than the sequence axis are not supported"
            )
        self.num_heads, self.key_dim = num_heads, key_dim
        self.value_dim = value_dim or key_dim
        self.dropout, self.use_bias, self.output_shape = dropout, use_bias, output_shape
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.dropout_layer = Dropout(dropout, seed=seed)
        self.supports_masking = True
        self._built_from = None

    def _dense(self, equation, shape, bias_axes, name):
        return EinsumDense(
            equation,
            shape,
            bias_axes=bias_axes if self.use_bias else None,
            name=name,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            kernel_regularizer=self.kernel_regularizer,
            bias_regularizer=self.bias_regularizer,
        )

    def build(self, query_shape, value_shape=None, key_shape=None):
        h = self.num_heads
        self.query_dense = self._dense("abc,cde->abde", (None, h, self.key_dim), "de", "query")
        self.key_dense = self._dense("abc,cde->abde", (None, h, self.key_dim), "de", "key")
        self.value_dense = self._dense("abc,cde->abde", (None, h, self.value_dim), "de", "value")
        out_dim = self.output_shape if self.output_shape is not None else query_shape[-1]
        self.output_dense = self._dense("abcd,cde->abe", (None, out_dim), "e", "attention_output")

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
        weights = ops.softmax(
            _apply_mask(scores, None if combined is None else combined[:, None]), axis=-1
        )
        dropped = self.dropout_layer(weights, training=training)
        attended = ops.einsum("bhts,bshd->bthd", dropped, v)
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
            **weight_options_config(self, "kernel", "bias"),
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
                f"{type(self).__name__} '{self.name}': expected inputs [query, value] or [query, value, key]"
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
    """Dot-product attention: scores = query @ key^T (times a learned scalar if use_scale)."""

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
    """Bahdanau attention: scores = sum(scale * tanh(query + key)) over features (scale learned if use_scale)."""

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
