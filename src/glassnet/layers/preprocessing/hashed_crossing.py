"""HashedCrossing: a pair (or more) of categorical features -> a bucket per combination."""

from glassnet.backend import xp
from glassnet.layers.preprocessing.category_encoding import encode_categorical_inputs
from glassnet.layers.preprocessing.string_hashing import (
    CROSS_HASH_KEY,
    MASK,
    fingerprint64,
    fingerprint_cat64,
)
from glassnet.layers.preprocessing.text_input import TextInputLayer, as_array

OUTPUT_MODES = ("int", "one_hot")


def _feature_fingerprint(value):
    if isinstance(value, bytes):
        return fingerprint64(value)
    if isinstance(value, (str, xp.str_)):
        return fingerprint64(str(value).encode("utf-8"))
    return int(value) & MASK  # integer features enter the chain as their own value


class HashedCrossing(TextInputLayer):
    """Cross categorical features: each combination of values hashes to one of ``num_bins``.

    As ``tf.sparse.cross_hashed``: starting from a fixed key, the fingerprint of each feature
    (FarmHash of a string's bytes, an integer's own value) is chained with FingerprintCat64;
    the result modulo ``num_bins`` is the bucket.

    Args:
        num_bins: the number of buckets.
        output_mode: "int" (bucket ids, int64) or "one_hot".
        sparse: must be False.

    Input: a list of at least two arrays of equal shape, (), (batch,) or (batch, 1), of
    integers or strings; output: bucket ids of that shape, or (batch, num_bins) one-hot.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import HashedCrossing
    >>> crossed = HashedCrossing(num_bins=5)([np.array(["A", "B", "A"]), np.array([1, 1, 1])])
    >>> bool(crossed.numpy()[0] == crossed.numpy()[2])
    True
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"HashedCrossing: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}"
            )
        if sparse:
            raise ValueError("HashedCrossing: sparse=True is not supported by glassnet")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse

    def call(self, inputs):
        where = f"HashedCrossing '{self.name}'"
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{where}: expected a list of at least two inputs, got {inputs!r}")
        arrays = [as_array(x) for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError(
                f"{where}: inputs must have shape (), (batch,) or (batch, 1), got {shape}"
            )
        if any(a.shape != shape for a in arrays):
            raise ValueError(
                f"{where}: inputs must have equal shapes, got {[a.shape for a in arrays]}"
            )
        if not all(a.dtype.kind in "iuOUS" for a in arrays):
            raise ValueError(
                f"{where}: inputs must be integers or strings, got {[str(a.dtype) for a in arrays]}"
            )
        columns = [a.reshape(-1) for a in arrays]
        buckets = xp.empty(columns[0].size, dtype=xp.int64)
        for row, values in enumerate(zip(*columns)):
            crossed = CROSS_HASH_KEY
            for value in values:
                crossed = fingerprint_cat64(crossed, _feature_fingerprint(value))
            buckets[row] = crossed % self.num_bins
        buckets = buckets.reshape(shape)
        return encode_categorical_inputs(buckets, self.output_mode, self.num_bins, self.dtype)

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def get_config(self):
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }
