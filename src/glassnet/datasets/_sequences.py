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
    """The arrays reordered by one permutation of ``RandomState(seed)`` (Keras's order).

    Args:
        seed: the seed of the ``np.random.RandomState`` that draws the permutation.
        *arrays: arrays of one length, all reordered the same way.

    Returns:
        A list of the reordered arrays.

    Example:

    >>> import numpy as np
    >>> x, y = shuffled(0, np.arange(4), np.arange(4) * 10)
    >>> bool((x * 10 == y).all())
    True
    """
    order = np.arange(len(arrays[0]))
    np.random.RandomState(seed).shuffle(order)
    return [array[order] for array in arrays]


def shifted(sequences, start_char, index_from):
    """Every id moved up by ``index_from``, each sequence led by ``start_char`` (when not None).

    Args:
        sequences: lists of word ids.
        start_char: the id put first in every sequence, or None for none.
        index_from: added to every word id (the ids below it are reserved).

    Returns:
        A new list of lists.

    Example:

    >>> shifted([[1, 2], [5]], start_char=1, index_from=3)
    [[1, 4, 5], [1, 8]]
    """
    if start_char is not None:
        return [[start_char] + [w + index_from for w in s] for s in sequences]
    return [[w + index_from for w in s] for s in sequences]


def without_long(maxlen, sequences, labels):
    """Only the sequences shorter than ``maxlen`` (and their labels).

    Args:
        maxlen: sequences of this length or longer are dropped.
        sequences: lists of word ids.
        labels: one label per sequence.

    Returns:
        (sequences, labels), two lists.

    Example:

    >>> without_long(3, [[1, 2], [1, 2, 3]], [0, 1])
    ([[1, 2]], [0])
    """
    keep = [i for i, s in enumerate(sequences) if len(s) < maxlen]
    return [sequences[i] for i in keep], [labels[i] for i in keep]


def capped(sequences, num_words, skip_top, oov_char):
    """Ids outside [skip_top, num_words) become ``oov_char`` (or are dropped when it is None).

    Args:
        sequences: lists of word ids.
        num_words: ids from this one up are out of the vocabulary.
        skip_top: ids below this one (the most frequent words) are out of the vocabulary.
        oov_char: the id that replaces an out-of-vocabulary id, or None to drop them.

    Returns:
        A new list of lists.

    Example:

    >>> capped([[1, 5, 9]], num_words=6, skip_top=2, oov_char=2)
    [[2, 5, 2]]
    >>> capped([[1, 5, 9]], num_words=6, skip_top=2, oov_char=None)
    [[5]]
    """
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in sequences]
    return [[w for w in s if skip_top <= w < num_words] for s in sequences]


def encode(sequences, start_char, oov_char, index_from, num_words, skip_top):
    """Shift then cap (a convenience for one list of sequences).

    Args:
        sequences: lists of word ids.
        start_char: the id put first in every sequence, or None.
        oov_char: the id of out-of-vocabulary words, or None to drop them.
        index_from: added to every word id.
        num_words: ids from this one up (after the shift) are out of the vocabulary.
        skip_top: ids below this one (after the shift) are out of the vocabulary.

    Returns:
        A new list of lists.

    Example:

    >>> encode([[1, 2, 9]], start_char=1, oov_char=2, index_from=3, num_words=10, skip_top=0)
    [[1, 4, 5, 2]]
    """
    return capped(shifted(sequences, start_char, index_from), num_words, skip_top, oov_char)


def object_array(sequences):
    """A 1-D object array of lists (NumPy would make a 2-D array of equal-length lists).

    Args:
        sequences: a list of lists.

    Returns:
        An array of dtype object and shape (len(sequences),).

    Example:

    >>> object_array([[1, 2], [3, 4]]).shape
    (2,)
    """
    out = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        out[i] = sequence
    return out


def read_word_index(path):
    """{word: index} from a JSON file, checked to be exactly that.

    Args:
        path: the JSON file.

    Returns:
        The dict.

    Raises:
        ValueError: when the file holds anything but an object of word -> integer.

    Example:

    >>> import json, tempfile
    >>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
    ...     json.dump({"the": 1}, handle)
    >>> read_word_index(handle.name)
    {'the': 1}
    """
    with open(path, encoding="utf-8") as handle:
        index = json.load(handle)
    if not isinstance(index, dict) or not all(
        isinstance(k, str) and isinstance(v, int) for k, v in index.items()
    ):
        raise ValueError(f"{path}: a word index must be a JSON object of word -> integer")
    return index
