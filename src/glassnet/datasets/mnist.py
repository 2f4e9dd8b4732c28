"""MNIST: 70,000 28x28 grayscale handwritten digits (60,000 train, 10,000 test)."""

from glassnet.datasets.files import load_idx_files

FILES = {
    "x_train": (
        "train-images-idx3-ubyte.gz",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    ),
    "y_train": (
        "train-labels-idx1-ubyte.gz",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ),
    "x_test": (
        "t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    ),
    "y_test": (
        "t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ),
}
MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
CLASS_NAMES = [str(d) for d in range(10)]


def load_data(path=None, download=True, files=None):
    """((x_train, y_train), (x_test, y_test)): uint8 images (n, 28, 28) and uint8 labels (n,),
    as Keras.

    The four IDX files are looked up as ``files.load_idx_files`` does (and checked against
    their SHA-256), else downloaded.

    Args:
        path: a folder holding the four IDX files, looked in first; None looks only in
            $GLASSNET_DATA/mnist, the cache and /usr/share/datasets/mnist.
        download: whether to download the files when no folder holds them.
        files: {key: (filename, sha256)} for "x_train", "y_train", "x_test" and "y_test", to
            read other files of the same format; None means the official MNIST files.
    """
    arrays = load_idx_files("mnist", files or FILES, path, MIRRORS, download)
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (len(x),):
            raise ValueError(
                f"mnist: {part} images {x.shape} and labels {y.shape} are not 28x28 images with "
                f"one label each"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
