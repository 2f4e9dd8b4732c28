"""IMDB movie reviews: 25,000 training and 25,000 test reviews as lists of word ids, labelled
by sentiment (1 positive), in Keras's preprocessed ``imdb.npz``.

Example:

>>> from glassnet.datasets import imdb
>>> imdb.SHA256[:8]
'69664113'
"""

import numpy as np

from glassnet.datasets import _sequences
from glassnet.datasets.files import dataset_file
from glassnet.datasets.safe_npz import load_npz

MIRRORS = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",)
SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"  # the only hash published for it


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
    **kwargs,
):
    """((x_train, y_train), (x_test, y_test)): object arrays of word-id lists and int labels,
    with Keras's arguments.

    Args:
        path: the file's name (or path); looked up in $GLASSNET_DATA/imdb, the cache and
            /usr/share/datasets/imdb, else downloaded, its SHA-256 checked.
        num_words: keep the ``num_words`` most frequent words; rarer ones become ``oov_char``.
        skip_top: the most frequent words to replace by ``oov_char``.
        maxlen: drop sequences of ``maxlen`` words or more.
        seed: the shuffling seed.
        start_char: the id that marks the start of every sequence (None for none).
        oov_char: the id of words cut by num_words/skip_top (None: drop them).
        index_from: added to every word id.
        **kwargs: refused (a TypeError), as Keras refuses arguments it no longer knows.

    Returns:
        ((x_train, y_train), (x_test, y_test)).

    Example (loading needs the file, so here only the argument check):

    >>> load_data(nb_words=100)
    Traceback (most recent call last):
    ...
    TypeError: imdb.load_data: unknown arguments ['nb_words']
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unknown arguments {sorted(kwargs)}")
    data = load_npz(dataset_file("imdb", path, SHA256, MIRRORS))
    # Keras draws the test order from the same RandomState, after the training order
    rng = np.random.RandomState(seed)
    order = np.arange(len(data["x_train"]))
    rng.shuffle(order)
    x_train, y_train = data["x_train"][order], data["y_train"][order]
    order = np.arange(len(data["x_test"]))
    rng.shuffle(order)
    x_test, y_test = data["x_test"][order], data["y_test"][order]
    x_train = _sequences.shifted(x_train, start_char, index_from)
    x_test = _sequences.shifted(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = _sequences.without_long(maxlen, x_train, y_train)
        x_test, y_test = _sequences.without_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(
                f"imdb.load_data: no sequence is shorter than maxlen={maxlen}; increase maxlen"
            )
    sequences = x_train + x_test
    if not num_words:
        num_words = max(max(s) for s in sequences if s)
    sequences = _sequences.capped(sequences, num_words, skip_top, oov_char)
    split = len(x_train)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    return (_sequences.object_array(sequences[:split]), labels[:split]), (
        _sequences.object_array(sequences[split:]),
        labels[split:],
    )


def get_word_index(path="imdb_word_index.json"):
    """{word: index} of the IMDB vocabulary (index 1 is the most frequent word; add
    ``index_from`` to match the ids of ``load_data``).

    Args:
        path: the JSON file's name (or path); looked up and downloaded as ``load_data`` does,
            checked against the MD5 Keras publishes.
    """
    return _sequences.read_word_index(
        dataset_file("imdb", path, WORD_INDEX_MD5, MIRRORS, algorithm="md5")
    )
