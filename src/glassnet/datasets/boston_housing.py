"""Boston housing prices: 506 districts with 13 features and the median home value (in
$1000s), in Keras's ``boston_housing.npz``.

Example:

>>> from glassnet.datasets import boston_housing
>>> boston_housing.load_data(test_split=1.0)
Traceback (most recent call last):
...
ValueError: boston_housing.load_data: test_split must be in [0, 1), got 1.0
"""

from glassnet.datasets._sequences import shuffled
from glassnet.datasets.files import dataset_file
from glassnet.datasets.safe_npz import load_npz

MIRRORS = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",)
SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def split_rows(name, path, sha256, test_split, seed, rows=None):
    """Keras's ((x_train, y_train), (x_test, y_test)) of a file holding arrays x and y.

    The rows are shuffled with ``RandomState(seed)`` and the last ``test_split`` of them are
    the test set.

    Args:
        name: the dataset's name, for the file lookup and error messages.
        path: the file's name (or path), found by ``dataset_file``.
        sha256: the file's expected SHA-256 hex digest.
        test_split: the test fraction, in [0, 1).
        seed: the shuffling seed.
        rows: keep only the first ``rows`` rows before shuffling; None keeps all.

    Returns:
        ((x_train, y_train), (x_test, y_test)).

    Example:

    >>> split_rows("demo", "demo.npz", "0" * 64, test_split=-0.1, seed=0)
    Traceback (most recent call last):
    ...
    ValueError: demo.load_data: test_split must be in [0, 1), got -0.1
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"{name}.load_data: test_split must be in [0, 1), got {test_split}")
    data = load_npz(dataset_file(name, path, sha256, MIRRORS))
    x, y = data["x"], data["y"]
    if rows is not None:
        x, y = x[:rows], y[:rows]
    x, y = shuffled(seed, x, y)
    split = int(len(x) * (1 - test_split))
    return (x[:split], y[:split]), (x[split:], y[split:])


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)) with Keras's split and order.

    x is (n, 13) features, y is (n,) the median value in $1000s. The file is
    looked up and checked as ``dataset_file`` does, and downloaded if not found.

    Args:
        path: the file's name (or path); looked up as ``imdb.load_data`` does.
        test_split: the test fraction.
        seed: the shuffling seed.

    Example (loading needs the file, so here only the argument check):

    >>> load_data(test_split=1.0)
    Traceback (most recent call last):
    ...
    ValueError: boston_housing.load_data: test_split must be in [0, 1), got 1.0
    """
    return split_rows("boston_housing", path, SHA256, test_split, seed)
