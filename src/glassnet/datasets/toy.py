"""Small datasets that need no network: scikit-learn's bundled 8x8 digits and breast-cancer sets,
and generated 2-D problems (moons, circles, blobs, linearly separable, spirals, XOR).

Loaders return Keras's ((x_train, y_train), (x_test, y_test)), float32 features and int64 labels,
split with scikit-learn's train_test_split (stratified, fixed seed).
"""

import numpy as np

from glassnet.backend.naming import lookup

TWO_D = ("moons", "circles", "blobs", "linear", "spirals", "xor")


def _split(x, y, test_size, seed):
    from sklearn.model_selection import train_test_split

    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y
    )
    return (x_train.astype(np.float32), y_train.astype(np.int64)), (
        x_test.astype(np.float32),
        y_test.astype(np.int64),
    )


def load_digits(test_size=0.2, seed=0, images=False):
    """1,797 handwritten digits, 8x8 pixels with values 0-16, scaled to [0, 1].

    images=True keeps the shape (8, 8, 1).

    Args:
        test_size: the test fraction (the split is stratified by digit).
        seed: the split's seed.
        images: False for flat rows (n, 64), True for images (n, 8, 8, 1).

    Returns:
        ((x_train, y_train), (x_test, y_test)), float32 features and int64 labels.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_digits()
    >>> x_train.shape, x_test.shape, y_train.dtype
    ((1437, 64), (360, 64), dtype('int64'))
    """
    from sklearn.datasets import load_digits as sklearn_digits

    data = sklearn_digits()
    x = data.images[..., None] / 16.0 if images else data.data / 16.0
    return _split(x, data.target, test_size, seed)


def load_breast_cancer(test_size=0.2, seed=0):
    """569 tumours with 30 measurements each; 1 = benign.

    The features are standardised with the training part's mean and std.

    Args:
        test_size: the test fraction (the split is stratified by label).
        seed: the split's seed.

    Returns:
        ((x_train, y_train), (x_test, y_test)), float32 features and int64 labels.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_breast_cancer()
    >>> x_train.shape, x_test.shape
    ((455, 30), (114, 30))
    """
    from sklearn.datasets import load_breast_cancer as sklearn_cancer
    from sklearn.preprocessing import StandardScaler

    data = sklearn_cancer()
    (x_train, y_train), (x_test, y_test) = _split(data.data, data.target, test_size, seed)
    scaler = StandardScaler().fit(x_train)
    return (scaler.transform(x_train).astype(np.float32), y_train), (
        scaler.transform(x_test).astype(np.float32),
        y_test,
    )


def make_spirals(n_samples=400, noise=0.2, turns=1.5, seed=0):
    """Two interleaved spirals (a classic that needs depth to separate).

    Args:
        n_samples: the number of points (rounded down to an even number), half per spiral.
        noise: the spread of the Gaussian noise added to the points (its std is noise / 10).
        turns: how many turns each spiral makes.
        seed: the seed of the generator.

    Returns:
        (x (n, 2) float64, y (n,) int labels 0 and 1).

    Example:

    >>> x, y = make_spirals(6)
    >>> x.shape, y.tolist()
    ((6, 2), [0, 0, 0, 1, 1, 1])
    """
    rng = np.random.default_rng(seed)
    half = n_samples // 2
    t = np.sqrt(rng.uniform(0, 1, half)) * turns * 2 * np.pi
    arm = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (turns * 2 * np.pi)
    x = np.concatenate([arm, -arm]) + rng.normal(0, noise / 10, (2 * half, 2))
    return x, np.repeat([0, 1], half)


def make_xor(n_samples=400, noise=0.1, seed=0):
    """Points around the four corners of a square; the label is XOR of the coordinates' signs.

    Args:
        n_samples: the number of points.
        noise: the spread of the points around their corner (the noise's std is 2 * noise).
        seed: the seed of the generator.

    Returns:
        (x (n, 2) float64, y (n,) int labels 0 and 1).

    Example:

    >>> x, y = make_xor(4, noise=0.0)
    >>> x.tolist(), y.tolist()
    ([[1.0, 1.0], [1.0, -1.0], [-1.0, -1.0], [-1.0, -1.0]], [0, 1, 0, 0])
    """
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 2, (n_samples, 2))
    x = corners * 2.0 - 1 + rng.normal(0, noise * 2, (n_samples, 2))
    return x, corners[:, 0] ^ corners[:, 1]


def make_2d(name, n_samples=400, noise=0.15, seed=0):
    """One of the generated 2-D problems as (x (n, 2), y (n,)).

    scikit-learn's generators are used where they exist.

    Args:
        name: "moons", "circles", "blobs" (3 classes), "linear", "spirals" or "xor".
        n_samples: the number of points.
        noise: how noisy the points are (each generator scales it its own way).
        seed: the seed of the generator.

    Returns:
        (x, y).

    Example:

    >>> x, y = make_2d("moons", 10)
    >>> x.shape, sorted(set(y.tolist()))
    ((10, 2), [0, 1])
    >>> make_2d("bad")
    Traceback (most recent call last):
    ...
    ValueError: Unknown 2-D dataset 'bad'. Valid names: blobs, circles, linear, moons, spirals, xor.
    """
    from sklearn import datasets

    if name == "moons":
        return datasets.make_moons(n_samples, noise=noise, random_state=seed)
    if name == "circles":
        return datasets.make_circles(n_samples, noise=noise / 2, factor=0.5, random_state=seed)
    if name == "blobs":
        return datasets.make_blobs(n_samples, centers=3, cluster_std=1.0 + noise, random_state=seed)
    if name == "linear":
        return datasets.make_classification(
            n_samples,
            n_features=2,
            n_redundant=0,
            n_informative=2,
            n_clusters_per_class=1,
            class_sep=2.0,
            flip_y=0,
            random_state=seed,
        )
    if name == "spirals":
        return make_spirals(n_samples, noise, seed=seed)
    if name == "xor":
        return make_xor(n_samples, noise, seed)

    lookup("2-D dataset", name, {n: n for n in TWO_D})


def load_2d(name, n_samples=400, noise=0.15, test_size=0.25, seed=0):
    """A generated 2-D problem split into Keras's ((x_train, y_train), (x_test, y_test)).

    Args:
        name: the problem, as ``make_2d`` names it.
        n_samples: the number of points, before the split.
        noise: how noisy the points are.
        test_size: the test fraction (the split is stratified by label).
        seed: the seed of the generator and of the split.

    Returns:
        ((x_train, y_train), (x_test, y_test)), float32 features and int64 labels.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_2d("xor", 8)
    >>> x_train.shape, x_test.shape, x_train.dtype
    ((6, 2), (2, 2), dtype('float32'))
    """
    x, y = make_2d(name, n_samples, noise, seed)
    return _split(x, y, test_size, seed)
