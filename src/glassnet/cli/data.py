"""The datasets the command line knows, in their raw form, with the preprocessing a model needs
for them.

A model trained by ``glassnet train`` starts with that preprocessing as layers (``Rescaling`` for
uint8 images, ``Normalization`` adapted to the training features of breast-cancer), so the saved
file gives the right answer on raw input: 0-255 pixel values, measurements as measured.

Example:

>>> data = load("xor")
>>> data.x_train.shape[1:], data.class_names, data.preprocessing()
((2,), ['0', '1'], [])
"""

from dataclasses import dataclass

import numpy as np

DATASETS = (
    "digits",
    "breast-cancer",
    "moons",
    "circles",
    "spirals",
    "xor",
    "mnist",
    "fashion-mnist",
)


@dataclass
class Dataset:
    """Raw training and test arrays, class names and how inputs are scaled for a model.

    Args:
        name: the dataset's name on the command line.
        x_train, y_train, x_test, y_test: the arrays, in the form the dataset's files hold.
        class_names: one name per class id.
        scale: a factor that brings the raw values to [0, 1] (None: already there).
        standardise: whether the features are standardised with the training statistics.

    Example:

    >>> import numpy as np
    >>> pixels = np.zeros((4, 3), np.uint8)
    >>> data = Dataset("demo", pixels, np.zeros(4), pixels, np.zeros(4), ["a", "b"], scale=1 / 255)
    >>> data.classes, [type(layer).__name__ for layer in data.preprocessing()]
    (2, ['Rescaling'])
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list
    scale: float = None
    standardise: bool = False

    @property
    def classes(self):
        """The number of classes."""
        return len(self.class_names)

    def preprocessing(self):
        """New layers that turn raw inputs into what the network learns from."""
        from glassnet import layers

        if self.scale is not None:
            return [layers.Rescaling(self.scale, name="rescaling")]
        if self.standardise:
            normalization = layers.Normalization(name="normalization")
            normalization.adapt(self.x_train)
            return [normalization]
        return []

    def describe_preprocessing(self):
        """The preprocessing in words, for metrics.json."""
        if self.scale is not None:
            return f"inputs multiplied by {self.scale:.6g} (a Rescaling layer in the model)"
        if self.standardise:
            return (
                "features standardised with the training mean and variance "
                "(a Normalization layer in the model)"
            )
        return "none: the inputs are used as they are"


def _split(x, y, seed=0, test_size=0.2):
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y
    )
    return x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64)


def load(name, images=False, path=None):
    """The dataset ``name`` (one of DATASETS) as a Dataset.

    Args:
        name: the dataset.
        images: keep image datasets as (n, height, width, 1) for convolutional models.
        path: a folder holding MNIST/Fashion-MNIST files (otherwise the usual places).

    Example:

    >>> digits = load("digits", images=True)
    >>> digits.x_train.shape, digits.classes
    ((1437, 8, 8, 1), 10)
    """
    from glassnet import datasets
    from glassnet.backend.naming import lookup

    lookup("dataset", name, {n: n for n in DATASETS})
    if name == "digits":
        (x, y), (xt, yt) = datasets.load_digits(images=images)
        return Dataset(name, x, y, xt, yt, [str(d) for d in range(10)])
    if name == "breast-cancer":
        from sklearn.datasets import load_breast_cancer

        raw = load_breast_cancer()  # the measurements as measured; the model standardises them
        split = _split(raw.data.astype(np.float32), raw.target)
        return Dataset(name, *split, ["malignant", "benign"], standardise=True)
    if name in ("moons", "circles", "spirals", "xor"):
        (x, y), (xt, yt) = datasets.load_2d(name)
        return Dataset(name, x, y, xt, yt, ["0", "1"])
    module = datasets.mnist if name == "mnist" else datasets.fashion_mnist
    (x, y), (xt, yt) = module.load_data(path=path)
    if images:
        x, xt = x[..., None], xt[..., None]
    return Dataset(
        name,
        x,
        y.astype(np.int64),
        xt,
        yt.astype(np.int64),
        list(module.CLASS_NAMES),
        scale=1 / 255,
    )


def shape_text(shape):
    """A shape as Python writes a tuple, None where any size goes.

    Args:
        shape: a sequence of ints and None.

    Example:

    >>> shape_text((30,)), shape_text((None, 28))
    ('(30,)', '(None, 28)')
    """
    return str(tuple(shape))


def fit_samples(x, sample_shape, where):
    """``x`` reshaped to (n, *sample_shape): a single sample, a batch of them, or either with
    the same number of values in another layout (a 784-column row for a 28x28 image, an image
    without its channel axis).

    Args:
        x: the array read from a file.
        sample_shape: one sample's shape as the model takes it (None where any size goes).
        where: the file or dataset, for the message.

    Example:

    >>> fit_samples(np.zeros((3, 784)), (28, 28, 1), "rows.csv").shape
    (3, 28, 28, 1)
    >>> fit_samples(np.zeros((8, 8)), (64,), "digit.png").shape
    (1, 64)
    """
    sample_shape = tuple(sample_shape)
    if any(size is None for size in sample_shape):
        if x.ndim == len(sample_shape):
            return x[None]
        if x.ndim == len(sample_shape) + 1:
            return x
    else:
        size = int(np.prod(sample_shape))
        if x.shape == sample_shape or (x.ndim and x.size == size and x.shape[0] != 1):
            return x.reshape((1, *sample_shape))
        if x.ndim >= 2 and int(np.prod(x.shape[1:])) == size and len(x):
            return x.reshape((len(x), *sample_shape))
    raise ValueError(
        f"the model takes samples of shape {shape_text(sample_shape)}, but {where} holds an "
        f"array of shape "
        f"{tuple(x.shape)}; give one sample of that shape or size, or several of them along "
        f"the first axis"
    )
