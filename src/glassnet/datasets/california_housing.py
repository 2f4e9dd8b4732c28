"""California housing prices: 20,640 districts of the 1990 census with 8 features and the
median house value, in Keras's ``california_housing.npz``.

Example:

>>> from glassnet.datasets import california_housing
>>> california_housing.load_data(version="medium")
Traceback (most recent call last):
...
ValueError: california_housing.load_data: version must be 'small' or 'large', got 'medium'
"""

from glassnet.datasets.boston_housing import split_rows

SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)) with Keras's split and order.

    x is (n, 8) features, y is (n,) the median house value. The file is looked up and checked
    as ``dataset_file`` does, and downloaded if not found.

    Args:
        version: "large" (all 20,640 districts) or "small" (the first 600).
        path: the file's name (or path).
        test_split: the test fraction.
        seed: the shuffling seed.

    Example (loading needs the file, so here only the argument check):

    >>> load_data(version="medium")
    Traceback (most recent call last):
    ...
    ValueError: california_housing.load_data: version must be 'small' or 'large', got 'medium'
    """
    if version not in ("small", "large"):
        raise ValueError(
            f"california_housing.load_data: version must be 'small' or 'large', got {version!r}"
        )
    rows = 600 if version == "small" else None
    return split_rows("california_housing", path, SHA256, test_split, seed, rows)
