"""Fashion-MNIST: 70,000 28x28 grayscale images of clothing in 10 classes (60,000 train, 10,000
test)."""

from glassnet.datasets.files import load_idx_files

FILES = {
    "x_train": (
        "train-images-idx3-ubyte.gz",
        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
    ),
    "y_train": (
        "train-labels-idx1-ubyte.gz",
        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    ),
    "x_test": (
        "t10k-images-idx3-ubyte.gz",
        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
    ),
    "y_test": (
        "t10k-labels-idx1-ubyte.gz",
        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
    ),
}
MIRRORS = (
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
)
CLASS_NAMES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]


def load_data(path=None, download=True):
    """((x_train, y_train), (x_test, y_test)): uint8 images (n, 28, 28) and uint8 labels (n,),
    as Keras.

    The four IDX files are looked up as ``files.load_idx_files`` does (and checked against
    their SHA-256), else downloaded.

    Args:
        path: a folder holding the four IDX files, looked in first; None looks only in
            $GLASSNET_DATA/fashion-mnist, the cache and /usr/share/datasets/fashion-mnist.
        download: whether to download the files when no folder holds them.
    """
    arrays = load_idx_files("fashion-mnist", FILES, path, MIRRORS, download)
    for key, count in (("x_train", 60000), ("x_test", 10000)):
        if arrays[key].shape != (count, 28, 28) or arrays[key.replace("x", "y")].shape != (count,):
            raise ValueError(
                f"fashion-mnist: {key} has shape {arrays[key].shape} and its labels "
                f"{arrays[key.replace('x', 'y')].shape}, expected ({count}, 28, 28) and ({count},)"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
