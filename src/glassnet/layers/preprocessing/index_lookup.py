"""IndexLookup: the vocabulary table behind StringLookup, IntegerLookup and TextVectorization.

The vocabulary is a Python list of tokens. Index layout, as in Keras: first the mask token's
index 0 (only with a mask token and output_mode="int"), then ``num_oov_indices``
out-of-vocabulary indices, then the tokens in vocabulary order.
"""

import collections
import os

from glassnet.autograd.tensor import Tensor
from glassnet.backend import floatx, xp
from glassnet.layers.preprocessing.category_encoding import bincount_rows, encode_categorical_inputs
from glassnet.layers.preprocessing.hashing import hash_to_buckets
from glassnet.layers.preprocessing.text_input import TextInputLayer, as_array

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
INT64_MAX = xp.iinfo(xp.int64).max


class IndexLookup(TextInputLayer):
    """Map tokens to integer indices (or back, with ``invert=True``) through a vocabulary.

    Not used directly: StringLookup (string tokens) and IntegerLookup (integer tokens) fix the
    token type. See them for the arguments.

    Args:
        max_tokens: the largest vocabulary (special tokens included) ``adapt()`` keeps, or None.
        num_oov_indices: buckets for unknown tokens; 0 makes an unknown token an error.
        mask_token: the token mapped to index 0 (padding), or None for no mask index.
        oov_token: the token ``invert`` returns for OOV indices.
        vocabulary_dtype: "string" or an integer dtype: the type of the tokens.
        vocabulary: a list of tokens or a path to a file of one token per line, or None
            (learn it with ``adapt``).
        idf_weights: for output_mode="tf_idf" with a given vocabulary.
        invert: map indices back to tokens (output_mode must be "int").
        output_mode: "int", "one_hot", "multi_hot" (or "binary"), "count" or "tf_idf".
        sparse: must be False (sparse outputs are not supported).
        pad_to_max_tokens: make non-int outputs ``max_tokens`` wide.
        oov_method: how unknown tokens pick a bucket: "floormod" or "farmhash".
        name: the layer's name.
        salt: an int or a pair of ints: hash OOV tokens with the keyed hash.
        **kwargs: the base ``Layer`` arguments.
    """

    def __init__(
        self,
        max_tokens,
        num_oov_indices,
        mask_token,
        oov_token,
        vocabulary_dtype,
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        oov_method="floormod",
        name=None,
        salt=None,
        **kwargs,
    ):
        where = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{where}: max_tokens must be greater than 1, got {max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{where}: pad_to_max_tokens=True needs max_tokens")
        if num_oov_indices < 0:
            raise ValueError(f"{where}: num_oov_indices must be >= 0, got {num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"{where}: oov_method must be 'floormod' or 'farmhash', got {oov_method!r}"
            )
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError(f"{where}: salt is only used with oov_method='farmhash'")
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(f"{where}: salt must be an int or a pair of ints, got {salt!r}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"{where}: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}"
            )
        if invert and output_mode != "int":
            raise ValueError(f"{where}: invert=True needs output_mode='int', got {output_mode!r}")
        if sparse:
            raise ValueError(f"{where}: sparse=True is not supported by glassnet")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{where}: idf_weights are only used with output_mode='tf_idf'")
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = frozen_size
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._tokens = []
        self._index = {}
        self.idf_weights = None
        if output_mode == "tf_idf" and has_input_vocabulary and idf_weights is None:
            raise ValueError(
                f"{where}: with a vocabulary and output_mode='tf_idf', give idf_weights too"
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.reset_state()
        self.built = True

    # -- the vocabulary --------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _token(self, value):
        """A vocabulary entry in the layer's token type (str for strings, int for integers)."""
        raise NotImplementedError

    def vocabulary_size(self):
        """The number of indices: special tokens plus vocabulary."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The token of every index, in index order (without the mask and OOV entries when
        ``include_special_tokens`` is False)."""
        vocabulary = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocabulary[0] = self.mask_token
        if not include_special_tokens:
            vocabulary = vocabulary[self._token_start_index() :]
        return vocabulary

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use ``vocabulary`` (tokens, optionally led by the special tokens in index order, or a
        path to a text file of one token per line) and, for tf_idf, its ``idf_weights``."""
        where = f"{type(self).__name__} '{self.name}'"
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{where}: idf_weights must be set with output_mode='tf_idf'")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"{where}: idf_weights are only used with output_mode='tf_idf'")
        if isinstance(vocabulary, str):
            if not os.path.exists(vocabulary):
                raise ValueError(f"{where}: vocabulary file {vocabulary!r} does not exist")
            with open(vocabulary, encoding="utf-8") as handle:
                vocabulary = handle.read().splitlines()
            while vocabulary and vocabulary[-1] == "":
                vocabulary.pop()
        vocabulary = [self._token(v) for v in as_array(vocabulary).ravel().tolist()]
        if not vocabulary:
            raise ValueError(f"{where}: cannot set an empty vocabulary")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [
            self.oov_token
        ] * self.num_oov_indices
        found_special = vocabulary[:token_start] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{where}: the vocabulary repeats {repeated}; make its entries unique")
        if self.mask_token is not None and self.mask_token in tokens:
            raise ValueError(
                f"{where}: the mask token {self.mask_token!r} appears inside the vocabulary; "
                f"leave it out, or put the special tokens first in this order: {special}"
            )
        if self.oov_token is not None and self.invert and self.oov_token in tokens:
            raise ValueError(
                f"{where}: the OOV token {self.oov_token!r} appears inside the vocabulary; "
                f"leave it out, or put the special tokens first in this order: {special}"
            )
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError(
                f"{where}: a vocabulary of {token_start + len(tokens)} entries is larger than "
                f"max_tokens={self.max_tokens}"
            )
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = xp.asarray(getattr(idf_weights, "data", idf_weights), dtype=float)
            if weights.ndim != 1 or len(weights) != len(vocabulary):
                raise ValueError(
                    f"{where}: idf_weights must be 1-D with one weight per vocabulary entry "
                    f"({len(vocabulary)}), got shape {weights.shape}"
                )
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(weights.mean())
            back = 0
            if self.pad_to_max_tokens and self.max_tokens is not None:
                back = self.max_tokens - front - len(weights)
            padded = xp.pad(weights, (front, back), constant_values=(front_value, 0.0))
            self.idf_weights = padded.astype(floatx())

    def _set_tokens(self, tokens):
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {token: start + i for i, token in enumerate(self._tokens)}
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        if self.output_mode == "int" or self.pad_to_max_tokens:
            self._frozen_vocab_size = self.vocabulary_size()
            return
        size = self.vocabulary_size()
        if self._frozen_vocab_size is not None and self._called and size != self._frozen_vocab_size:
            raise RuntimeError(
                f"{type(self).__name__} '{self.name}': with output_mode={self.output_mode!r} "
                f"the vocabulary size cannot change after the layer was called (was "
                f"{self._frozen_vocab_size}, now {size})"
            )
        self._frozen_vocab_size = size

    # -- learning the vocabulary -------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learn the vocabulary from ``data`` (an array of tokens, or an iterable of batches):
        tokens by decreasing frequency, ties by decreasing token, at most ``max_tokens``."""
        self.reset_state()
        if isinstance(data, (list, tuple, xp.ndarray, Tensor)) or not hasattr(data, "__iter__"):
            array = as_array(data)
            if array.ndim == 1:
                array = array[:, None]
            self.update_state(array)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def reset_state(self):
        if self._has_input_vocabulary:
            return
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    def update_state(self, data):
        if self._has_input_vocabulary:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': cannot adapt after a vocabulary was set"
            )
        rows = self._rows_of_tokens(data)
        for row in rows:
            self._token_counts.update(row)
        if self.output_mode == "tf_idf":
            for row in rows:
                self._document_counts.update(set(row))
            self._num_documents += len(rows)

    def _rows_of_tokens(self, data):
        """Documents as lists of tokens: a list of token lists stays; arrays are read by row."""
        if isinstance(data, list) and data and isinstance(data[0], list):
            return [[self._token(t) for t in row] for row in data]
        array = as_array(data)
        if array.ndim == 0:
            array = array[None]
        if array.ndim == 1:
            array = array[None]
        rows = array.reshape(array.shape[0], -1)
        return [[self._token(t) for t in row] for row in rows.tolist()]

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = dict(self._token_counts)
        counts.pop(self.mask_token, None)
        counts.pop(self.oov_token, None)
        order = sorted(counts, key=lambda t: (counts[t], _sort_key(t)), reverse=True)
        if self.max_tokens:
            order = order[: self.max_tokens - self._token_start_index()]
        self._set_tokens(order)
        if self.output_mode == "tf_idf":
            document_counts = xp.array([self._document_counts[t] for t in order], dtype=float)
            idf = xp.log(1 + self._num_documents / (1 + document_counts))
            idf = xp.pad(idf, (self._token_start_index(), 0), constant_values=idf.mean())
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = xp.pad(idf, (0, self.max_tokens - len(idf)))
            self.idf_weights = idf.astype(floatx())
        self.reset_state()

    # -- looking up ------------------------------------------------------------------------
    _called = False

    def lookup_tokens(self, tokens):
        """int64 indices of a flat array of tokens (OOV tokens by ``num_oov_indices``)."""
        where = f"{type(self).__name__} '{self.name}'"
        tokens = [self._token(t) for t in tokens]
        default = -1 if self.num_oov_indices != 1 else self._oov_start_index()
        indices = xp.array([self._index.get(t, default) for t in tokens], dtype=xp.int64)
        if self.mask_token is not None:
            masked = xp.array([t == self.mask_token for t in tokens], dtype=bool)
            indices[masked] = 0 if self.output_mode == "int" else INT64_MAX
        else:
            masked = xp.zeros(len(tokens), dtype=bool)
        missing = (indices == -1) & ~masked
        if self.num_oov_indices == 0 and missing.any():
            unknown = sorted({str(t) for t, m in zip(tokens, missing) if m})
            raise ValueError(
                f"{where}: with num_oov_indices=0 every input must be in the vocabulary; got "
                f"out-of-vocabulary values {unknown}; set num_oov_indices=1 to allow them"
            )
        if self.num_oov_indices > 1 and missing.any():
            values = xp.asarray([t for t, m in zip(tokens, missing) if m], dtype=object)
            if self.vocabulary_dtype != "string" and self.oov_method != "farmhash":
                buckets = xp.mod(values.astype(xp.int64), self.num_oov_indices)
            else:
                buckets = hash_to_buckets(values, self.num_oov_indices, self.salt)
            indices[missing] = buckets + self._oov_start_index()
        return indices

    def invert_indices(self, indices):
        """Tokens (an object array) of a flat array of indices."""
        vocabulary = self.get_vocabulary()
        out = xp.empty(len(indices), dtype=object)
        for i, index in enumerate(indices.tolist()):
            if index == 0 and self.mask_token is not None:
                out[i] = self.mask_token
            elif self._token_start_index() <= index < len(vocabulary):
                out[i] = vocabulary[index]
            else:
                out[i] = self.oov_token
        return out

    def _depth(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens:
            if self._frozen_vocab_size is None:
                raise RuntimeError(
                    f"{type(self).__name__} '{self.name}': with output_mode={self.output_mode!r} "
                    "set the vocabulary (vocabulary=... or adapt()) before calling the layer"
                )
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def encode(self, indices, row_ids=None, num_rows=None):
        """Lookups -> the output: int64 indices, or one vector per row for the other modes.

        ``indices`` is an array of any shape; for ragged rows (TextVectorization) it is flat
        with ``row_ids`` naming each entry's row among ``num_rows``.
        """
        if self.output_mode == "int":
            return Tensor(indices.astype(xp.int64))
        self._called = True
        depth = self._depth()
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        if row_ids is not None:
            counts = xp.zeros((num_rows, depth))
            inside = (indices >= 0) & (indices < depth)
            xp.add.at(counts, (row_ids[inside], indices[inside]), 1.0)
            if mode == "multi_hot":
                counts = (counts > 0) * 1.0
            output = counts
        elif mode == "one_hot" or indices.ndim > 2:
            output = encode_categorical_inputs(indices, mode, depth, xp.float64).data
        else:
            output = bincount_rows(indices, depth, mode == "multi_hot")
        if self.output_mode == "tf_idf":
            return Tensor((output * self.idf_weights).astype(floatx()))
        return Tensor(output.astype(xp.int64))  # counts stay integers, as Keras returns them

    def call(self, inputs):
        values = as_array(inputs)
        flat = values.reshape(-1)
        if self.invert:
            tokens = self.invert_indices(flat.astype(xp.int64)).reshape(values.shape)
            return tokens if self.vocabulary_dtype == "string" else Tensor(tokens.astype(xp.int64))
        indices = self.lookup_tokens(flat.tolist()).reshape(values.shape)
        return self.encode(indices)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    # -- saving ----------------------------------------------------------------------------
    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _listify(self.input_idf_weights),
            "vocabulary": _listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }

    def save_own_variables(self, store):
        """The tf_idf weights, under Keras's key "idf_weights"."""
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = self.idf_weights

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = xp.asarray(store["idf_weights"], dtype=floatx())

    def save_assets(self, dir_path):
        """An adapted vocabulary, one token per line in ``dir_path/vocabulary.txt`` (Keras's
        asset; a vocabulary given to the constructor travels in the config instead)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as handle:
            handle.write("\n".join(str(token) for token in self.get_vocabulary()))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        self._has_input_vocabulary = False
        if self.output_mode == "tf_idf":
            self.set_vocabulary(lines, idf_weights=self.idf_weights)
        else:
            self.set_vocabulary(lines)


def _sort_key(token):
    return token.encode("utf-8") if isinstance(token, str) else token


def _listify(value):
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, xp.ndarray):
        return value.tolist()
    return list(value) if isinstance(value, tuple) else value
