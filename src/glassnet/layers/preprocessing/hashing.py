"""Hashing: strings or integers -> one of ``num_bins`` buckets, by a fixed hash function."""

from glassnet.backend import floatx, xp
from glassnet.layers.preprocessing.category_encoding import encode_categorical_inputs
from glassnet.layers.preprocessing.string_hashing import fingerprint64, siphash
from glassnet.layers.preprocessing.text_input import TextInputLayer, as_array

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def hash_to_buckets(values, num_buckets, salt=None):
    """Bucket of each value: FarmHash Fingerprint64 (or, with a ``salt`` pair, SipHash-2-4)
    of its UTF-8 bytes, modulo ``num_buckets``; numbers are hashed as their decimal text
    (floats truncated to integers first), as TensorFlow's ``to_hash_bucket`` ops do.

    Args:
        values: strings, bytes or numbers, any shape.
        num_buckets: the number of buckets.
        salt: None for Fingerprint64, or a pair of integers: the SipHash key.

    Example:

    >>> import numpy as np
    >>> hash_to_buckets(np.array(["a", "b", "a"]), 1000).tolist()
    [939, 822, 939]
    """
    values = xp.asarray(values)
    if values.dtype.kind == "f":
        values = values.astype(xp.int64)
    unique, inverse = xp.unique(values.ravel(), return_inverse=True)
    buckets = xp.empty(len(unique), dtype=xp.int64)
    for i, value in enumerate(unique):
        if isinstance(value, bytes):
            data = value
        elif isinstance(value, (str, xp.str_)):
            data = str(value).encode("utf-8")
        else:
            data = str(int(value)).encode("ascii")
        digest = fingerprint64(data) if salt is None else siphash(salt, data)
        buckets[i] = digest % num_buckets
    return buckets[inverse].reshape(values.shape)


class Hashing(TextInputLayer):
    """Hash strings or integers into ``num_bins`` buckets (the "hashing trick").

    Without ``salt`` the hash is FarmHash's Fingerprint64 (TensorFlow's
    ``to_hash_bucket_fast``); with ``salt`` it is SipHash-2-4 keyed by the salt
    (``to_hash_bucket_strong``). Numbers are hashed as their decimal text, so Hashing gives
    the same bucket to 7 and "7".

    Args:
        num_bins: the number of buckets, including the mask bucket if ``mask_value`` is set.
        mask_value: a value that always goes to bucket 0 (the others then use 1..num_bins-1).
        salt: an int or a pair of ints; switches to the keyed hash.
        output_mode: "int" (bucket ids, int64), "one_hot", "multi_hot" or "count".
        sparse: must be False.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Hashing
    >>> Hashing(num_bins=3)(np.array([["A"], ["B"], ["C"], ["D"], ["E"]])).numpy().ravel()
    array([1, 0, 1, 1, 2])
    """

    def __init__(
        self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs
    ):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"Hashing: num_bins must be a positive integer, got {num_bins}")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(
                f"Hashing: with output_mode='int' the dtype must be 'int32' or 'int64', got "
                f"{self.dtype}"
            )
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"Hashing: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}"
            )
        if sparse:
            raise ValueError("Hashing: sparse=True is not supported by glassnet")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(f"Hashing: salt must be an int or a pair of ints, got {salt!r}")

    def call(self, inputs):
        values = as_array(inputs)
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values[..., 0]
        buckets = self._hash_values_to_bins(values)
        return encode_categorical_inputs(buckets, self.output_mode, self.num_bins, self.dtype)

    def _hash_values_to_bins(self, values):
        num_buckets, mask = self.num_bins, None
        if self.mask_value is not None and num_buckets > 1:
            num_buckets -= 1
            mask = values == self.mask_value
        buckets = hash_to_buckets(values, num_buckets, self.salt)
        if mask is not None:
            buckets = xp.where(mask, 0, buckets + 1)
        return buckets

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if not input_shape:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
