"""CategoryEncoding, and the encoding of integer ids as one-hot, multi-hot or count vectors
that the other preprocessing layers (Hashing, the lookups, Discretization) share."""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.layer import Layer

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def bincount_rows(ids, depth, binary, weights=None):
    """Counts of ids per row: (rows, n) or (n,) ints -> (rows, depth) or (depth,) floats.

    Ids outside [0, depth) are dropped (as TensorFlow's bincount drops them). ``binary``
    caps counts at 1; ``weights`` (the shape of ``ids``) replaces each count of 1.

    Args:
        ids: integer ids, (rows, n) or (n,).
        depth: the number of ids, the length of each count vector.
        binary: cap the counts at 1 (multi-hot).
        weights: None, or a weight per id of ``ids``' shape, summed instead of 1s.

    Example:

    >>> import numpy as np
    >>> bincount_rows(np.array([[0, 1, 1], [2, 2, 5]]), 3, binary=False)
    array([[1., 2., 0.],
           [0., 0., 2.]])
    """
    ids = xp.asarray(ids)
    flat_rows = ids.reshape(-1, ids.shape[-1]) if ids.ndim else ids.reshape(1, 1)
    values = (
        xp.ones(flat_rows.shape)
        if weights is None
        else xp.asarray(weights).reshape(flat_rows.shape)
    )
    counts = xp.zeros((flat_rows.shape[0], depth))
    inside = (flat_rows >= 0) & (flat_rows < depth)
    rows = xp.broadcast_to(xp.arange(flat_rows.shape[0])[:, None], flat_rows.shape)
    xp.add.at(counts, (rows[inside], flat_rows[inside]), values[inside])
    if binary:
        counts = (counts > 0) * 1.0
    return counts if ids.ndim == 2 else counts.reshape(depth)


def one_hot_rows(ids, depth):
    """One-hot vectors of ids along a new last axis; ids outside [0, depth) give zero rows.

    Args:
        ids: integer ids, any shape.
        depth: the length of the one-hot vectors.

    Example:

    >>> import numpy as np
    >>> one_hot_rows(np.array([0, 3]), 3)
    array([[1., 0., 0.],
           [0., 0., 0.]])
    """
    ids = xp.asarray(ids)
    return (ids[..., None] == xp.arange(depth)) * 1.0


def encode_categorical_inputs(inputs, output_mode, depth, dtype, count_weights=None):
    """Integer ids -> Keras's encodings.

    Args:
        inputs: integer ids (array or Tensor).
        output_mode: "int" (ids cast to ``dtype``), "one_hot" (a trailing axis of size 1 is
            replaced by the depth axis), "multi_hot" or "count" (one vector per row of a 2-D
            input, one for the whole of a 1-D input).
        depth: the number of ids.
        dtype: the output dtype.
        count_weights: for "count", a weight per id.

    Returns:
        Tensor.

    Example:

    >>> import numpy as np
    >>> encode_categorical_inputs(np.array([[0, 1], [2, 2]]), "multi_hot", 3, "float32")
    Tensor([[1., 1., 0.],
            [0., 0., 1.]], dtype=float32)
    """
    ids = xp.asarray(getattr(inputs, "data", inputs))
    dtype = xp.dtype(dtype)
    if output_mode == "int":
        return Tensor(ids.astype(dtype))
    if ids.ndim == 0:
        ids = ids[None]
    if output_mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = ids[..., 0]
        return Tensor(one_hot_rows(ids, depth).astype(dtype))
    binary = output_mode == "multi_hot"
    if ids.ndim <= 2:
        return Tensor(bincount_rows(ids, depth, binary, count_weights).astype(dtype))
    # higher ranks: one-hot, then reduced over axis 1 (Keras's generic path)
    encoded = one_hot_rows(ids, depth)
    if count_weights is not None:
        encoded = encoded * xp.asarray(count_weights)[..., None]
    reduced = encoded.max(axis=1) if binary else encoded.sum(axis=1)
    return Tensor(reduced.astype(dtype))


class CategoryEncoding(Layer):
    """Integer ids in [0, num_tokens) -> one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of distinct ids (the output depth).
        output_mode: "multi_hot" (default; "binary" is accepted for it), "one_hot" or "count".
        sparse: must be False (glassnet has no sparse tensors).

    Input: integer ids, (batch,) or (batch, ids); output: (batch, num_tokens) float32, for a
    1-D input of one_hot (batch, num_tokens) and of multi_hot/count (num_tokens,).

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import CategoryEncoding
    >>> CategoryEncoding(4, output_mode="count")(np.array([[0, 1, 1], [3, 3, 2]])).numpy()
    array([[1., 2., 0., 0.],
           [0., 0., 1., 2.]], dtype=float32)
    """

    casts_integer_inputs = False  # the inputs are ids

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"CategoryEncoding: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}"
            )
        if num_tokens is None:
            raise ValueError(
                "CategoryEncoding: num_tokens must be set; if the number of tokens is not known "
                "beforehand, use IntegerLookup instead"
            )
        if num_tokens < 1:
            raise ValueError(f"CategoryEncoding: num_tokens must be >= 1, got {num_tokens}")
        if sparse:
            raise ValueError("CategoryEncoding: sparse=True is not supported by glassnet")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    f"CategoryEncoding '{self.name}': count_weights is only used when "
                    f"output_mode='count', got output_mode={self.output_mode!r}"
                )
            count_weights = xp.asarray(getattr(count_weights, "data", count_weights), self.dtype)
        return encode_categorical_inputs(
            inputs, self.output_mode, self.num_tokens, self.dtype, count_weights
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
