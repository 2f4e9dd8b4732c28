"""CIFAR-100: 60,000 32x32 colour images in 100 fine classes grouped into 20 coarse ones, from
the publisher's binary release (https://www.cs.toronto.edu/~kriz/cifar.html).

Example:

>>> from glassnet.datasets import cifar100
>>> cifar100.load_data(label_mode="medium")
Traceback (most recent call last):
...
ValueError: cifar100.load_data: label_mode must be 'fine' or 'coarse', got 'medium'
"""

import numpy as np

from glassnet.datasets.cifar import channels_first_if_configured, parse_records, read_members

URL = "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"
ARCHIVE = "cifar-100-binary.tar.gz"
SHA256 = "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec"
FOLDER = "cifar-100-binary"


def load_data(label_mode="fine"):
    """((x_train, y_train), (x_test, y_test)): uint8 images (n, 32, 32, 3) and int64 labels
    (n, 1), the 100 fine classes or the 20 coarse ones, as Keras gives them.

    Args:
        label_mode: "fine" (the 100 classes, the default) or "coarse" (the 20 superclasses).

    Example (loading needs the archive, so here only the argument check):

    >>> load_data(label_mode="medium")
    Traceback (most recent call last):
    ...
    ValueError: cifar100.load_data: label_mode must be 'fine' or 'coarse', got 'medium'
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f"cifar100.load_data: label_mode must be 'fine' or 'coarse', got {label_mode!r}"
        )
    raw = read_members("cifar100", ARCHIVE, SHA256, URL, FOLDER, ["train.bin", "test.bin"])
    column = 1 if label_mode == "fine" else 0  # each record starts with coarse, then fine
    out = []
    for member in ("train.bin", "test.bin"):
        images, labels = parse_records(raw[member], 2, f"cifar100/{member}")
        out.append(
            (channels_first_if_configured(images), labels[:, column : column + 1].astype(np.int64))
        )
    return tuple(out)
