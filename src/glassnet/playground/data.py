"""The playground's data: five generated 2-D problems, an uploaded CSV, the input features and
the train/test split.

Every point lies in the plane [-6, 6] x [-6, 6] that the page draws, with a label 0 or 1. The
generators are small self-contained NumPy functions with the signature
``(n_samples, noise, rng) -> (points (n, 2) float64, labels (n,) int64)``: the exported program
copies the chosen one verbatim, so that it trains on exactly the page's points. ``noise`` is a
percentage (0 to 50) as in TensorFlow Playground; the spiral makes 1.25 turns (TensorFlow
Playground's makes 1.75), so that a 2-8-8-1 network learns it in seconds.

Example:

>>> import numpy as np
>>> from glassnet.playground.data import make_dataset
>>> data = make_dataset({"name": "xor", "samples": 100, "noise": 0, "test_percent": 50, "seed": 0},
...                     ["x1", "x2", "x1*x2"])
>>> data.x_train.shape, data.x_train.dtype, data.y_test.shape
((50, 3), dtype('float32'), (50, 1))
"""

import csv
import io
from dataclasses import dataclass

import numpy as np

PLANE = 6.0  # the page shows [-PLANE, PLANE] on both axes
CSV_EXTENT = 5.0  # an uploaded CSV is scaled into [-CSV_EXTENT, CSV_EXTENT]
MAX_SAMPLES = 2000
MIN_SAMPLES = 10
MAX_UPLOAD_BYTES = 1_000_000


def make_moons(n_samples, noise, rng):
    """Two interleaving half circles.

    Args:
        n_samples: the number of points (half of each class, the odd one to the second).
        noise: the noise level, 0 to 50 as the page's slider gives it.
        rng: a NumPy ``Generator``.

    Returns:
        (points (n, 2) float64, labels (n,) int64).

    Example:

    >>> import numpy as np
    >>> points, labels = make_moons(6, 0, np.random.default_rng(0))
    >>> points.shape, labels.tolist()
    ((6, 2), [0, 0, 0, 1, 1, 1])
    """
    half = n_samples // 2
    angle = rng.uniform(0, np.pi, n_samples)
    upper = np.stack([np.cos(angle[:half]), np.sin(angle[:half])], axis=1)
    lower = np.stack([1 - np.cos(angle[half:]), 0.5 - np.sin(angle[half:])], axis=1)
    points = (np.concatenate([upper, lower]) - [0.5, 0.25]) * 3.5
    points += rng.normal(0, noise / 50 * 1.5, points.shape)
    labels = np.concatenate([np.zeros(half), np.ones(n_samples - half)]).astype(np.int64)
    return points, labels


def make_circles(n_samples, noise, rng):
    """A disc of one class inside a ring of the other.

    Args:
        n_samples: the number of points (half of each class, the odd one to the second).
        noise: the noise level, 0 to 50 as the page's slider gives it.
        rng: a NumPy ``Generator``.

    Returns:
        (points (n, 2) float64, labels (n,) int64).
    """
    half = n_samples // 2
    radius = np.concatenate([rng.uniform(0, 2.5, half), rng.uniform(3.5, 5, n_samples - half)])
    angle = rng.uniform(0, 2 * np.pi, n_samples)
    points = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    points += rng.uniform(-5, 5, points.shape) * noise / 100
    labels = np.concatenate([np.ones(half), np.zeros(n_samples - half)]).astype(np.int64)
    return points, labels


def make_spirals(n_samples, noise, rng):
    """Two spiral arms wound around each other, 1.25 turns each.

    Args:
        n_samples: the number of points (half of each class, the odd one to the second).
        noise: the noise level, 0 to 50 as the page's slider gives it.
        rng: a NumPy ``Generator``.

    Returns:
        (points (n, 2) float64, labels (n,) int64).
    """
    half = n_samples // 2
    arms, labels = [], []
    for label, (count, phase) in enumerate(((half, 0.0), (n_samples - half, np.pi))):
        step = np.arange(count) / count
        radius, angle = step * 5, 1.25 * step * 2 * np.pi + phase
        arm = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
        arms.append(arm + rng.uniform(-1, 1, arm.shape) * noise / 100)
        labels.append(np.full(count, label))
    return np.concatenate(arms), np.concatenate(labels).astype(np.int64)


def make_xor(n_samples, noise, rng):
    """Points in the four quadrants; the label says whether x1 and x2 have the same sign.

    Args:
        n_samples: the number of points.
        noise: the noise level, 0 to 50 as the page's slider gives it.
        rng: a NumPy ``Generator``.

    Returns:
        (points (n, 2) float64, labels (n,) int64).

    Example:

    >>> import numpy as np
    >>> points, labels = make_xor(6, 0, np.random.default_rng(0))
    >>> points.shape, labels.tolist()
    ((6, 2), [0, 1, 1, 1, 1, 0])
    """
    points = rng.uniform(-5, 5, (n_samples, 2))
    points += np.where(points > 0, 0.3, -0.3)  # a gap along the axes
    labels = (points[:, 0] * points[:, 1] > 0).astype(np.int64)
    points += rng.uniform(-5, 5, points.shape) * noise / 100
    return points, labels


def make_blobs(n_samples, noise, rng):
    """Two Gaussian clouds around (2, 2) and (-2, -2), wider with more noise.

    Args:
        n_samples: the number of points (half of each class, the odd one to the second).
        noise: the noise level, 0 to 50 as the page's slider gives it.
        rng: a NumPy ``Generator``.

    Returns:
        (points (n, 2) float64, labels (n,) int64).
    """
    half = n_samples // 2
    spread = 0.5 + 3.5 * noise / 50
    centers = np.concatenate(
        [np.tile([2.0, 2.0], (half, 1)), np.tile([-2.0, -2.0], (n_samples - half, 1))]
    )
    points = centers + rng.normal(0, np.sqrt(spread), centers.shape)
    labels = np.concatenate([np.ones(half), np.zeros(n_samples - half)]).astype(np.int64)
    return points, labels


GENERATORS = {
    "moons": make_moons,
    "circles": make_circles,
    "spirals": make_spirals,
    "xor": make_xor,
    "blobs": make_blobs,
}
DATASETS = (*GENERATORS, "csv")

# name -> (the NumPy expression of the exported program, the same expression as a function)
FEATURES = {
    "x1": ("x1", lambda x1, x2: x1),
    "x2": ("x2", lambda x1, x2: x2),
    "x1^2": ("x1**2", lambda x1, x2: x1**2),
    "x2^2": ("x2**2", lambda x1, x2: x2**2),
    "x1*x2": ("x1 * x2", lambda x1, x2: x1 * x2),
    "sin(x1)": ("np.sin(x1)", lambda x1, x2: np.sin(x1)),
    "sin(x2)": ("np.sin(x2)", lambda x1, x2: np.sin(x2)),
}


def input_features(points, names):
    """The chosen input features of points (n, 2), as the network's input (n, len(names))
    float32.

    Args:
        points: (n, 2) points.
        names: feature names, keys of ``FEATURES``.

    Example:

    >>> import numpy as np
    >>> from glassnet.playground.data import input_features
    >>> input_features(np.array([[2.0, 3.0]]), ["x1*x2", "x1^2"]).tolist()
    [[6.0, 4.0]]
    """
    x1, x2 = points[:, 0], points[:, 1]
    return np.stack([FEATURES[name][1](x1, x2) for name in names], axis=1).astype("float32")


@dataclass
class UploadedTable:
    """A parsed CSV: the raw feature values, the labels 0/1, the class names, and the linear map
    (center, half_range) that puts each column into [-CSV_EXTENT, CSV_EXTENT].

    Args:
        raw: (n, 2) the feature values as uploaded.
        labels: (n,) int64, 0 or 1.
        classes: the two label values as written, in label order.
        center: (2,) the middle of each column's range.
        half_range: (2,) half of each column's range (1 for a constant column).

    Example:

    >>> import numpy as np
    >>> table = UploadedTable(np.array([[0.0, 0.0], [2.0, 4.0]]), np.array([0, 1]), ["a", "b"],
    ...                       np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    >>> table.points.tolist()
    [[-5.0, -5.0], [5.0, 5.0]]
    """

    raw: np.ndarray
    labels: np.ndarray
    classes: list
    center: np.ndarray
    half_range: np.ndarray

    @property
    def points(self):
        """The points in the plane: ``(raw - center) / half_range * CSV_EXTENT``."""
        return (self.raw - self.center) / self.half_range * CSV_EXTENT


def parse_csv(text):
    """Read an uploaded CSV: two numeric feature columns and a label column with two distinct
    values (a header row is optional).

    Args:
        text: the file's content (str).

    Returns:
        an ``UploadedTable``.

    Raises:
        ValueError: naming the row and what is wrong, or the limit that was passed.

    Example:

    >>> from glassnet.playground.data import parse_csv
    >>> table = parse_csv("a,b,kind\\n" + "0,0,cat\\n1,2,dog\\n2,4,cat\\n" * 4)
    >>> table.classes, table.points[:2].tolist()
    (['cat', 'dog'], [[-5.0, -5.0], [0.0, 0.0]])
    """
    if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise ValueError(f"the CSV file is larger than {MAX_UPLOAD_BYTES:,} bytes")
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and not _is_number(rows[0][0]):
        rows = rows[1:]  # a header
    if len(rows) < MIN_SAMPLES:
        raise ValueError(f"the CSV needs at least {MIN_SAMPLES} data rows, got {len(rows)}")
    if len(rows) > MAX_SAMPLES:
        raise ValueError(
            f"the CSV has {len(rows)} data rows; the playground takes at most {MAX_SAMPLES}"
        )
    raw, names = [], []
    for number, row in enumerate(rows, start=1):
        if len(row) != 3:
            raise ValueError(
                f"CSV data row {number} has {len(row)} columns; expected 3 (x1, x2, label)"
            )
        if not (_is_number(row[0]) and _is_number(row[1])):
            raise ValueError(
                f"CSV data row {number}: the first two columns must be numbers, got {row[:2]}"
            )
        raw.append([float(row[0]), float(row[1])])
        names.append(row[2].strip())
    raw = np.array(raw)
    if not np.isfinite(raw).all():
        raise ValueError("the CSV's feature columns hold infinite or NaN values")
    classes = sorted(set(names), key=lambda name: (not _is_number(name), _sort_key(name)))
    if len(classes) != 2:
        raise ValueError(
            f"the CSV's label column must hold exactly two distinct values, got {len(classes)}"
            f" ({', '.join(classes[:5])}{', ...' if len(classes) > 5 else ''})"
        )
    labels = np.array([classes.index(name) for name in names], dtype=np.int64)
    low, high = raw.min(axis=0), raw.max(axis=0)
    half_range = np.where(high > low, (high - low) / 2, 1.0)
    return UploadedTable(raw, labels, classes, (high + low) / 2, half_range)


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _sort_key(name):
    return float(name) if _is_number(name) else name


@dataclass
class Dataset:
    """The points of both parts, and the network's inputs and targets made from them.

    Args:
        points: (n, 2) every point.
        labels: (n,) every label.
        train: the indices of the training points.
        test: the indices of the test points.
        x_train: the training inputs, (n_train, features) float32.
        y_train: the training targets, (n_train, 1) float32.
        x_test: the test inputs.
        y_test: the test targets.

    Example:

    >>> spec = {"name": "xor", "samples": 20, "noise": 0, "test_percent": 25, "seed": 1}
    >>> data = make_dataset(spec, ["x1", "x2", "x1*x2"])
    >>> data.x_train.shape, data.x_test.shape, data.y_train.shape
    ((15, 3), (5, 3), (15, 1))
    """

    points: np.ndarray
    labels: np.ndarray
    train: np.ndarray  # indices into points
    test: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def make_dataset(spec, features, table=None):
    """Generate (or take from the uploaded table) the points and split them.

    Args:
        spec: dict with name, samples, noise, test_percent, seed (validated by the session).
        features: names from ``FEATURES``.
        table: the ``UploadedTable`` when spec["name"] is "csv".

    Returns:
        a ``Dataset``; the exported program repeats these steps with the same seed.

    Example:

    >>> spec = {"name": "moons", "samples": 40, "noise": 10, "test_percent": 50, "seed": 0}
    >>> data = make_dataset(spec, ["x1", "x2"])
    >>> len(data.train), len(data.test), data.x_train.dtype
    (20, 20, dtype('float32'))
    """
    rng = np.random.default_rng(spec["seed"])
    if spec["name"] == "csv":
        if table is None:
            raise ValueError("upload a CSV file first (two numeric feature columns and a label)")
        points, labels = table.points, table.labels
    else:
        points, labels = GENERATORS[spec["name"]](spec["samples"], spec["noise"], rng)
    n_test = held_out_count(len(points), spec["test_percent"])
    order = rng.permutation(len(points))
    test, train = order[:n_test], order[n_test:]
    return Dataset(
        points,
        labels,
        train,
        test,
        input_features(points[train], features),
        labels[train].astype("float32")[:, None],
        input_features(points[test], features),
        labels[test].astype("float32")[:, None],
    )


def held_out_count(n_samples, test_percent):
    """How many of n_samples points are held out for testing (at least one in each part).

    Args:
        n_samples: the number of points.
        test_percent: the share held out, in percent.

    Example:

    >>> from glassnet.playground.data import held_out_count
    >>> held_out_count(500, 50), held_out_count(10, 99)
    (250, 9)
    """
    return int(min(max(round(n_samples * test_percent / 100), 1), n_samples - 1))
