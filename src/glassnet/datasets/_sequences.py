"""What the IMDB and Reuters loaders do to their word-id lists, with Keras's semantics: shuffle
with ``RandomState(seed)``, mark the start, shift the ids, drop long sequences, and cap the
vocabulary.

Example:

>>> from glassnet.datasets._sequences import encode
>>> encode([[1, 2, 9]], start_char=1, oov_char=2, index_from=3, num_words=10, skip_top=0)
[[1, 4, 5, 2]]
"""

import json

import numpy as np


def shuffled(seed, *arrays):
    """The arrays reordered by one permutation of ``RandomState(seed)`` (Keras's order)."""
    order = np.arange(len(arrays[0]))
    np.random.RandomState(seed).shuffle(order)
    return [array[order] for array in arrays]


def shifted(sequences, start_char, index_from):
    if start_char is not None:
        return [[start_char] + [w + index_from for w in s] for s in sequences]
    return [[w + index_from for w in s] for s in sequences]


def without_long(maxlen, sequences, labels):
    """Only the sequences shorter than ``maxlen`` (and their labels)."""
    keep = [i for i, s in enumerate(sequences) if len(s) < maxlen]
    return [sequences[i] for i in keep], [labels[i] for i in keep]


def capped(sequences, num_words, skip_top, oov_char):
    """Ids outside [skip_top, num_words) become ``oov_char`` (or are dropped when it is None)."""
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in sequences]
    return [[w for w in s if skip_top <= w < num_words] for s in sequences]


def encode(sequences, start_char, oov_char, index_from, num_words, skip_top):
    """Shift then cap (a convenience for one list of sequences)."""
    return capped(shifted(sequences, start_char, index_from), num_words, skip_top, oov_char)


def object_array(sequences):
    """A 1-D object array of lists (NumPy would make a 2-D array of equal-length lists)."""
    out = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        out[i] = sequence
    return out


def read_word_index(path):
    """{word: index} from a JSON file, checked to be exactly that."""
    with open(path, encoding="utf-8") as handle:
        index = json.load(handle)
    if not isinstance(index, dict) or not all(
        isinstance(k, str) and isinstance(v, int) for k, v in index.items()
    ):
        raise ValueError(f"{path}: a word index must be a JSON object of word -> integer")
    return index
