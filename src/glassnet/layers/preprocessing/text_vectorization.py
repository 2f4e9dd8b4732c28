"""TextVectorization: raw strings -> token indices (or bag-of-words vectors), as Keras does it:
standardize, split, form n-grams, look the tokens up in a vocabulary learnt by ``adapt()``."""

import re
import string

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.preprocessing.index_lookup import _listify
from glassnet.layers.preprocessing.string_lookup import StringLookup
from glassnet.layers.preprocessing.text_input import TextInputLayer, as_array, as_text

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")
OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation) + "]")
_WHITESPACE = re.compile("[ \t\n\r\v\f]+")  # the ASCII whitespace tf.strings.split splits on


def _standardize_one(text, mode):
    if mode in ("lower", "lower_and_strip_punctuation"):
        text = text.translate(_ASCII_LOWER)  # ASCII only, as tf.strings.lower
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        text = _PUNCTUATION.sub("", text)
    return text


def _ngrams(tokens, widths):
    """All n-grams of each width in ``widths``, width by width, joined by spaces."""
    out = []
    for width in widths:
        out.extend(" ".join(tokens[i : i + width]) for i in range(len(tokens) - width + 1))
    return out


class TextVectorization(TextInputLayer):
    """Turn raw strings into sequences of token indices or into bag-of-words vectors.

    Each string is standardized (by default ASCII-lowercased with punctuation removed), split
    into tokens (on whitespace by default), optionally expanded into n-grams, and the tokens
    looked up in the vocabulary: index 0 is padding, 1 the out-of-vocabulary token "[UNK]",
    then the vocabulary by decreasing frequency. ``adapt()`` learns the vocabulary.

    Args:
        max_tokens: the largest vocabulary, padding and OOV included.
        standardize: "lower_and_strip_punctuation", "lower", "strip_punctuation", None, or a
            callable taking a NumPy array of str and returning one of the same shape.
        split: "whitespace", "character", None (whole strings are tokens), or a callable
            taking a 1-D NumPy array of str and returning a list of token lists.
        ngrams: None, an int n (all n-grams up to n) or a tuple of widths.
        output_mode: "int", "multi_hot", "count", "tf_idf" or "one_hot".
        output_sequence_length: with "int", pad or cut every sequence to this length (otherwise
            to the longest in the batch).
        pad_to_max_tokens: make non-int outputs max_tokens wide.
        vocabulary, idf_weights: a given vocabulary (list or path) and, for tf_idf, weights.
        sparse, ragged: must be False.
        encoding: how bytes inputs are decoded.

    Inputs: a NumPy array of strings, (batch,) or (batch, 1); outputs: int64 (batch, length)
    for "int", float32 (batch, vocabulary size) otherwise.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import TextVectorization
    >>> layer = TextVectorization(output_sequence_length=4)
    >>> layer.adapt(np.array(["The cat sat.", "The dog sat!", "the end"]))
    >>> layer.get_vocabulary()[:4]
    ['', '[UNK]', 'the', 'sat']
    >>> layer(np.array(["the cat ran"])).numpy()
    array([[2, 6, 1, 0]])
    """

    def __init__(
        self,
        max_tokens=None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode="int",
        output_sequence_length=None,
        pad_to_max_tokens=False,
        vocabulary=None,
        idf_weights=None,
        sparse=False,
        ragged=False,
        encoding="utf-8",
        name=None,
        **kwargs,
    ):
        where = "TextVectorization"
        if not (standardize is None or callable(standardize) or standardize in STANDARDIZE):
            raise ValueError(
                f"{where}: standardize must be one of {STANDARDIZE}, None or a callable, got "
                f"{standardize!r}"
            )
        if not (split is None or callable(split) or split in SPLIT):
            raise ValueError(
                f"{where}: split must be one of {SPLIT}, None or a callable, got {split!r}"
            )
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"{where}: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}"
            )
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (
            ngrams is None
            or isinstance(ngrams, int)
            or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))
        ):
            raise ValueError(
                f"{where}: ngrams must be None, an int or a tuple of ints, got {ngrams!r}"
            )
        if output_mode == "int" and not (
            output_sequence_length is None or isinstance(output_sequence_length, int)
        ):
            raise ValueError(
                f"{where}: output_sequence_length must be None or an int, got "
                f"{output_sequence_length!r}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                f"{where}: output_sequence_length is only used with output_mode='int', got "
                f"output_mode={output_mode!r}"
            )
        if sparse or ragged:
            raise ValueError(f"{where}: sparse=True and ragged=True are not supported by glassnet")
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = ragged
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=sparse,
            has_input_vocabulary=has_input_vocabulary,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
        )
        self.built = True

    # -- the text pipeline -----------------------------------------------------------------
    def _standardized(self, inputs):
        texts = as_text(as_array(inputs), self._encoding)
        if callable(self._standardize):
            return as_text(xp.asarray(self._standardize(texts)), self._encoding)
        if self._standardize is None:
            return texts
        flat = [_standardize_one(t, self._standardize) for t in texts.ravel()]
        out = xp.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(texts.shape)

    def _preprocess(self, inputs):
        """Tokens of each input string: a list of token lists (one per row), or with
        split=None the standardized array itself."""
        texts = self._standardized(inputs)
        if self._split is None:
            return texts
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(
                    f"TextVectorization '{self.name}': to split strings the input must be 1-D or "
                    f"have a last dimension of 1, got shape {texts.shape}"
                )
            texts = texts[..., 0]
        texts = texts.reshape(-1)
        if self._split == "whitespace":
            rows = [[t for t in _WHITESPACE.split(text) if t] for text in texts]
        elif self._split == "character":
            rows = [list(text) for text in texts]
        else:
            rows = [[str(t) for t in row] for row in self._split(texts)]
        if self._ngrams is not None:
            rows = [_ngrams(row, self._ngrams) for row in rows]
        return rows

    # -- vocabulary -----------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and idf weights) from an array of strings or an iterable of
        batches of them."""
        self.reset_state()
        if isinstance(data, (list, tuple, xp.ndarray)) or not hasattr(data, "__iter__"):
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

    def update_state(self, data):
        tokens = self._preprocess(data)
        if isinstance(tokens, xp.ndarray):
            tokens = tokens.reshape(tokens.shape[0] if tokens.ndim else 1, -1).tolist()
        self._lookup_layer.update_state(tokens)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- calling ---------------------------------------------------------------------------
    def call(self, inputs):
        lookup = self._lookup_layer
        tokens = self._preprocess(inputs)
        if isinstance(tokens, xp.ndarray):  # split=None: whole strings are the tokens
            if self._output_mode != "int" and tokens.ndim == 1:
                tokens = tokens[:, None]
            indices = lookup.lookup_tokens(tokens.reshape(-1).tolist()).reshape(tokens.shape)
            if self._output_mode != "int":
                return lookup.encode(indices)
            return Tensor(self._fit_length(indices))
        lengths = [len(row) for row in tokens]
        flat = [token for row in tokens for token in row]
        indices = lookup.lookup_tokens(flat)
        if self._output_mode != "int":
            row_ids = xp.repeat(xp.arange(len(tokens)), lengths)
            return lookup.encode(indices, row_ids=row_ids, num_rows=len(tokens))
        width = self._output_sequence_length
        if width is None:
            width = max(lengths, default=0)
        out = xp.zeros((len(tokens), width), dtype=xp.int64)
        starts = xp.concatenate([[0], xp.cumsum(lengths)])
        for row, (start, length) in enumerate(zip(starts[:-1], lengths)):
            kept = min(length, width)
            out[row, :kept] = indices[start : start + kept]
        return Tensor(out)

    def _fit_length(self, indices):
        width = self._output_sequence_length
        if width is None:
            return indices.astype(xp.int64)
        cut = indices[..., :width]
        pad = [(0, 0)] * (cut.ndim - 1) + [(0, width - cut.shape[-1])]
        return xp.pad(cut, pad).astype(xp.int64)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:
            input_shape = input_shape + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    # -- saving ----------------------------------------------------------------------------
    def get_config(self):
        lookup = self._lookup_layer
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": _listify(lookup.input_vocabulary),
            "idf_weights": _listify(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                raise ValueError(
                    f"TextVectorization.from_config: a {key} callable cannot be restored from a "
                    "config; pass the layer a named option or rebuild it in code"
                )
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)
