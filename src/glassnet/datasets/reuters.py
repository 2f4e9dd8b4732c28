"""Reuters newswires: 11,228 newswires as lists of word ids, labelled with 46 topics, in
Keras's preprocessed ``reuters.npz``.

Example:

>>> from glassnet.datasets import reuters
>>> len(reuters.get_label_names()), reuters.get_label_names()[:3]
(46, ('cocoa', 'grain', 'veg-oil'))
"""

import numpy as np

from glassnet.datasets import _sequences
from glassnet.datasets.files import dataset_file
from glassnet.datasets.safe_npz import load_npz

MIRRORS = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",)
SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"  # the only hash published for it
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """((x_train, y_train), (x_test, y_test)): object arrays of word-id lists and topic ids,
    with Keras's arguments (see ``imdb.load_data``; ``test_split`` is the test fraction).

    Args:
        path: the file's name (or path); looked up in $GLASSNET_DATA/reuters, the cache and
            /usr/share/datasets/reuters, else downloaded, its SHA-256 checked.
        num_words: keep the ``num_words`` most frequent words; rarer ones become ``oov_char``.
        skip_top: the most frequent words to replace by ``oov_char``.
        maxlen: drop sequences of ``maxlen`` words or more.
        test_split: the fraction of the newswires, after shuffling, that forms the test set.
        seed: the shuffling seed.
        start_char: the id that marks the start of every sequence (None for none).
        oov_char: the id of words cut by num_words/skip_top (None: drop them).
        index_from: added to every word id.

    Example (loading needs the file, so here only the argument check):

    >>> load_data(test_split=1.5)
    Traceback (most recent call last):
    ...
    ValueError: reuters.load_data: test_split must be in [0, 1), got 1.5
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"reuters.load_data: test_split must be in [0, 1), got {test_split}")
    data = load_npz(dataset_file("reuters", path, SHA256, MIRRORS))
    sequences, labels = _sequences.shuffled(seed, data["x"], data["y"])
    sequences = _sequences.shifted(sequences, start_char, index_from)
    labels = list(labels)
    if maxlen:
        sequences, labels = _sequences.without_long(maxlen, sequences, labels)
    if not num_words:
        num_words = max(max(s) for s in sequences if s)
    sequences = _sequences.capped(sequences, num_words, skip_top, oov_char)
    split = int(len(sequences) * (1 - test_split))
    labels = np.asarray(labels)
    return (_sequences.object_array(sequences[:split]), labels[:split]), (
        _sequences.object_array(sequences[split:]),
        labels[split:],
    )


def get_word_index(path="reuters_word_index.json"):
    """{word: index} of the Reuters vocabulary (add ``index_from`` to match ``load_data``).

    Args:
        path: the JSON file's name (or path); looked up and downloaded as ``load_data`` does,
            checked against the MD5 Keras publishes.
    """
    return _sequences.read_word_index(
        dataset_file("reuters", path, WORD_INDEX_MD5, MIRRORS, algorithm="md5")
    )


def get_label_names():
    """The 46 topic names, in label order.

    Example:

    >>> len(get_label_names()), get_label_names()[:3]
    (46, ('cocoa', 'grain', 'veg-oil'))
    """
    return LABEL_NAMES
