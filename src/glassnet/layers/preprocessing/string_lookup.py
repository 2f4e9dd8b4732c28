"""StringLookup: strings -> integer indices through a vocabulary (and back with invert)."""

from glassnet.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Map strings to indices: 0 for the mask token (if any), then ``num_oov_indices``
    out-of-vocabulary buckets, then the vocabulary in order.

    Args:
        max_tokens: the largest vocabulary (special tokens included) ``adapt()`` keeps.
        num_oov_indices: buckets for unknown strings (hashed among them when more than one);
            0 makes unknown strings an error.
        mask_token: a string mapped to index 0 (padding), or None.
        oov_token: the token ``invert`` returns for OOV indices ("[UNK]").
        vocabulary: a list of strings or a path to a file of one string per line.
        idf_weights: for output_mode="tf_idf" with a given vocabulary.
        invert: map indices back to strings.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: make non-int outputs max_tokens wide.
        sparse: must be False.
        encoding: how bytes inputs are decoded.
        salt: an int or a pair: hash OOV strings with the keyed hash.

    Inputs: NumPy arrays of str (or bytes/object); outputs: int64 indices, or float32
    vectors for the other modes; with ``invert``, an object array of strings.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import StringLookup
    >>> layer = StringLookup()
    >>> layer.adapt(np.array(["b", "a", "b", "c", "b", "a"]))
    >>> layer.get_vocabulary()
    ['[UNK]', 'b', 'a', 'c']
    >>> layer(np.array([["a", "b"], ["x", "c"]])).numpy()
    array([[2, 1],
           [0, 3]])
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token="[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        pad_to_max_tokens=False,
        sparse=False,
        encoding="utf-8",
        name=None,
        salt=None,
        **kwargs,
    ):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            vocabulary_dtype="string",
            **kwargs,
        )

    def _token(self, value):
        return value.decode(self.encoding) if isinstance(value, bytes) else str(value)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}
