"""IntegerLookup: integers -> contiguous indices through a vocabulary (and back with invert)."""

from glassnet.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Map integer tokens to indices: 0 for the mask token (if any), then ``num_oov_indices``
    out-of-vocabulary buckets, then the vocabulary in order.

    Args:
        max_tokens: the largest vocabulary (special tokens included) ``adapt()`` keeps.
        num_oov_indices: buckets for unknown values (value mod num_oov_indices, or hashed with
            oov_method="farmhash"); 0 makes unknown values an error.
        mask_token: an integer mapped to index 0, or None.
        oov_token: the value ``invert`` returns for OOV indices (-1).
        vocabulary: a list of integers or a path to a file of one integer per line.
        vocabulary_dtype: only "int64".
        idf_weights, invert, output_mode, sparse, pad_to_max_tokens: as in StringLookup.
        oov_method: "floormod" or "farmhash".
        salt: with oov_method="farmhash", hash with the keyed hash.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import IntegerLookup
    >>> IntegerLookup(vocabulary=[12, 36, 1138, 42])(np.array([12, 1138, 42, 42, 1000])).numpy()
    array([1, 3, 4, 4, 0])
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token=-1,
        vocabulary=None,
        vocabulary_dtype="int64",
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        salt=None,
        name=None,
        **kwargs,
    ):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"IntegerLookup: max_tokens must be greater than 1, got {max_tokens}")
        if vocabulary_dtype != "int64":
            raise ValueError(
                "IntegerLookup: only vocabulary_dtype='int64' is supported, got "
                f"{vocabulary_dtype!r}"
            )
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            vocabulary_dtype=vocabulary_dtype,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            **kwargs,
        )

    def _token(self, value):
        return int(value)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
