"""The datasets the command line knows, loaded as ((x_train, y_train), (x_test, y_test)) plus class names."""

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


def load(name, images=False, path=None):
    """images=True keeps image datasets as (n, h, w, 1) for convolutional models."""
    from glassnet import datasets
    from glassnet.backend.naming import lookup

    lookup("dataset", name, {n: n for n in DATASETS})
    if name == "digits":
        return datasets.load_digits(images=images), [str(d) for d in range(10)]
    if name == "breast-cancer":
        return datasets.load_breast_cancer(), ["malignant", "benign"]
    if name in ("moons", "circles", "spirals", "xor"):
        return datasets.load_2d(name), ["0", "1"]
    module = datasets.mnist if name == "mnist" else datasets.fashion_mnist
    (x, y), (xt, yt) = module.load_data(path=path)
    x, xt = (x / 255.0).astype(np.float32), (xt / 255.0).astype(np.float32)
    if images:
        x, xt = x[..., None], xt[..., None]
    return ((x, y.astype(np.int64)), (xt, yt.astype(np.int64))), module.CLASS_NAMES
