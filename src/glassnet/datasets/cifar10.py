"""CIFAR-10: 60,000 32x32 colour images in 10 classes (50,000 train, 10,000 test), from the
publisher's binary release (https://www.cs.toronto.edu/~kriz/cifar.html).

Example:

>>> from glassnet.datasets import cifar10
>>> cifar10.CLASS_NAMES[:3]
['airplane', 'automobile', 'bird']
"""

import numpy as np

from glassnet.datasets.cifar import channels_first_if_configured, parse_records, read_members

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
ARCHIVE = "cifar-10-binary.tar.gz"
SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"
FOLDER = "cifar-10-batches-bin"
TRAIN = [f"data_batch_{i}.bin" for i in range(1, 6)]
TEST = "test_batch.bin"
CLASS_NAMES = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
]


def load_data():
    """((x_train, y_train), (x_test, y_test)) as Keras gives them: uint8 images (n, 32, 32, 3)
    (channels first when ``image_data_format`` says so) and uint8 labels (n, 1).

    The archive is looked up in $GLASSNET_DATA/cifar10, the cache and /usr/share/datasets
    (an unpacked ``cifar-10-batches-bin`` folder there works too), else downloaded and its
    SHA-256 checked.
    """
    raw = read_members("cifar10", ARCHIVE, SHA256, URL, FOLDER, [*TRAIN, TEST])
    parts = [parse_records(raw[m], 1, f"cifar10/{m}") for m in TRAIN]
    x_train = np.concatenate([images for images, _ in parts])
    y_train = np.concatenate([labels for _, labels in parts])
    x_test, y_test = parse_records(raw[TEST], 1, f"cifar10/{TEST}")
    return (channels_first_if_configured(x_train), y_train), (
        channels_first_if_configured(x_test),
        y_test,
    )
