"""What the folder loaders share: listing a folder's files with their labels (Keras's order and
shuffling), the training/validation split, labels in each ``label_mode``; and
``split_dataset``.

Example:

>>> import numpy as np
>>> from glassnet.utils import split_dataset
>>> left, right = split_dataset(np.arange(10), left_size=0.8, shuffle=False)
>>> [int(v) for v in right]
[8, 9]
"""

import os
import warnings

import numpy as np

from glassnet.utils.dataset import Dataset


def index_directory(
    directory,
    labels,
    formats,
    class_names=None,
    shuffle=True,
    seed=None,
    follow_links=False,
    verbose=True,
    where="index_directory",
):
    """The files of ``directory`` whose extensions are in ``formats``, their integer labels and
    the class names, in Keras's order (classes sorted, files sorted within each class folder,
    then shuffled with NumPy's ``RandomState(seed)`` as Keras does).

    Args:
        directory: the folder.
        labels: "inferred" (one subfolder per class), None, or a list of integer labels for
            the files in sorted order.
        formats: allowed extensions, lower case with the dot (".png", ".txt").
        class_names: the classes (subfolders) to use, in this order.
        shuffle: shuffle the files.
        seed: the shuffling seed.
        follow_links: descend into symbolic links to folders.
        verbose: print how many files and classes were found.
        where: the calling function, for messages.

    Returns:
        (file_paths, labels or None, class_names or None).

    Example:

    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for name in ("cat/a.txt", "cat/b.txt", "dog/c.txt", "dog/d.png"):
    ...     os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
    ...     open(os.path.join(root, name), "w").close()
    >>> paths, labels, names = index_directory(root, "inferred", (".txt",), shuffle=False)
    Found 3 files belonging to 2 classes.
    >>> [os.path.basename(p) for p in paths], labels.tolist(), names
    (['a.txt', 'b.txt', 'c.txt'], [0, 0, 1], ['cat', 'dog'])
    """
    if not os.path.isdir(directory):
        raise ValueError(f"{where}: directory {str(directory)!r} does not exist or is not a folder")
    if labels == "inferred":
        subdirs = sorted(
            entry
            for entry in os.listdir(directory)
            if os.path.isdir(os.path.join(directory, entry)) and not entry.startswith(".")
        )
        if class_names is not None:
            if not set(class_names) <= set(subdirs):
                raise ValueError(
                    f"{where}: class_names {list(class_names)} do not match the subfolders of "
                    f"{str(directory)!r}: {subdirs}"
                )
            subdirs = list(class_names)
    else:
        if class_names is not None:
            raise ValueError(
                f"{where}: class_names can only be given with labels='inferred' (the class "
                f"names are otherwise the sorted labels)"
            )
        subdirs = [""]
    file_paths, file_labels = [], []
    for index, subdir in enumerate(subdirs):
        folder = os.path.join(directory, subdir)
        walk = sorted(os.walk(folder, followlinks=follow_links), key=lambda entry: entry[0])
        for root, _, names in walk:
            for name in sorted(names):
                if name.lower().endswith(formats):
                    file_paths.append(os.path.join(root, name))
                    file_labels.append(index)
    if labels == "inferred":
        label_array = np.asarray(file_labels, dtype=np.int32)
        names = list(subdirs)
    elif labels is None:
        label_array, names = None, None
    else:
        if len(labels) != len(file_paths):
            raise ValueError(
                f"{where}: labels has {len(labels)} entries but {str(directory)!r} holds "
                f"{len(file_paths)} files"
            )
        label_array = np.asarray(labels)
        names = [str(label) for label in sorted(set(np.asarray(labels).tolist()))]
    if verbose:
        if label_array is None:
            print(f"Found {len(file_paths)} files.")
        else:
            print(f"Found {len(file_paths)} files belonging to {len(names)} classes.")
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1e6))
        np.random.RandomState(seed).shuffle(file_paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return file_paths, label_array, names


def check_validation_split(validation_split, subset, shuffle, seed, where):
    """Keras's rules for validation_split, subset and seed.

    Args:
        validation_split: the validation fraction, in (0, 1), or None/0 for no split.
        subset: "training", "validation", "both", or None; given exactly when
            validation_split is.
        shuffle: whether the files are shuffled (a split of shuffled files needs a seed).
        seed: the shuffling seed.
        where: the calling function, for messages.

    Raises:
        ValueError: when a rule is broken.

    Example:

    >>> check_validation_split(0.2, "training", shuffle=True, seed=1, where="demo")
    >>> check_validation_split(0.2, None, shuffle=False, seed=None, where="demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: subset and validation_split must be given together
    """
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(
            f"{where}: validation_split must be between 0 and 1, got {validation_split}"
        )
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(f"{where}: subset and validation_split must be given together")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(
            f"{where}: subset must be 'training', 'validation' or 'both', got {subset!r}"
        )
    if validation_split and shuffle and seed is None:
        raise ValueError(
            f"{where}: with validation_split and shuffle, give a seed so that the training and "
            f"validation subsets do not overlap"
        )


def training_or_validation_split(samples, labels, validation_split, subset, verbose=True):
    """The subset's samples and labels: validation is the last ``validation_split`` of them.

    Args:
        samples: a list or array of samples (file paths).
        labels: their labels, or None.
        validation_split: the validation fraction; None or 0 returns everything.
        subset: "training" (the first part) or "validation" (the rest).
        verbose: print how many samples the subset uses.

    Returns:
        (samples, labels) of the subset.

    Example:

    >>> training_or_validation_split(list("abcde"), None, 0.4, "validation")
    Using 2 files for validation.
    (['d', 'e'], None)
    """
    if not validation_split:
        return samples, labels
    count = int(validation_split * len(samples))
    if subset == "training":
        if verbose:
            print(f"Using {len(samples) - count} files for training.")
        keep = slice(0, len(samples) - count)
    else:
        if verbose:
            print(f"Using {count} files for validation.")
        keep = slice(len(samples) - count, len(samples))
    return samples[keep], None if labels is None else labels[keep]


def encode_labels(labels, label_mode, num_classes, where):
    """Integer labels as ``label_mode`` wants them: "int" (int32), "categorical" (float32
    one-hot), "binary" (float32 of shape (n, 1)).

    Args:
        labels: integer labels, (n,).
        label_mode: "int", "categorical" or "binary".
        num_classes: the number of classes (the width of the one-hot rows).
        where: the calling function, for messages.

    Example:

    >>> encode_labels([0, 2], "categorical", 3, "demo")
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    >>> encode_labels([0, 1], "binary", 2, "demo").shape
    (2, 1)
    """
    labels = np.asarray(labels)
    if label_mode == "int":
        return labels.astype(np.int32)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    if label_mode == "binary":
        return labels.astype(np.float32)[:, None]
    raise ValueError(
        f"{where}: label_mode must be 'int', 'categorical', 'binary' or None, got {label_mode!r}"
    )


def check_label_mode(label_mode, num_classes, where):
    """Check ``label_mode``: one of "int", "categorical", "binary", None; "binary" needs 2 classes.

    Args:
        label_mode: the loader's ``label_mode`` argument.
        num_classes: how many classes were found.
        where: the calling function, for messages.

    Raises:
        ValueError: an unknown mode, or "binary" with other than 2 classes.

    Example:

    >>> check_label_mode("binary", 3, "demo")
    Traceback (most recent call last):
    ...
    ValueError: demo: label_mode='binary' needs exactly 2 classes, found 3; use ...
    """
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            f"{where}: label_mode must be 'int', 'categorical', 'binary' or None, got "
            f"{label_mode!r}"
        )
    if label_mode == "binary" and num_classes != 2:
        raise ValueError(
            f"{where}: label_mode='binary' needs exactly 2 classes, found {num_classes}; use "
            f"label_mode='categorical' or 'int'"
        )


def files_dataset(
    paths, labels, load, label_mode, num_classes, batch_size, shuffle, seed, class_names, where
):
    """The dataset of (loaded file, label) elements (or loaded files alone), shuffled and
    batched the way the Keras loaders do it.

    Args:
        paths: the file paths.
        labels: their integer labels, or None for a dataset of files alone.
        load: a function from a path to the loaded sample.
        label_mode: how labels are encoded (see ``encode_labels``); None: no labels.
        num_classes: the number of classes.
        batch_size: the batch size, or None for single samples.
        shuffle: whether to shuffle (a buffer of 8 batches, or 1024 samples without batching).
        seed: the shuffling seed.
        class_names: stored as the dataset's ``class_names``.
        where: the calling function, for messages.

    Returns:
        A ``Dataset`` with ``class_names`` and ``file_paths`` attributes.

    Example:

    >>> ds = files_dataset(["a", "b", "c"], [0, 1, 0], str.upper, "int", 2, 2, False, None,
    ...                    ["x", "y"], "demo")
    >>> [(list(x), y.tolist()) for x, y in ds]
    [(['A', 'B'], [0, 1]), (['C'], [0])]
    """
    paths = list(paths)
    if labels is not None and label_mode is not None:
        encoded = encode_labels(labels, label_mode, num_classes, where)
        dataset = Dataset.from_tensor_slices((np.array(paths, dtype=object), encoded))
        dataset = dataset.map(lambda path, label: (load(path), label))
    else:
        dataset = Dataset.from_tensor_slices(np.array(paths, dtype=object)).map(load)
    dataset.file_paths = paths
    if batch_size is not None:
        if shuffle:
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        dataset = dataset.batch(batch_size)
    elif shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    dataset.class_names = class_names
    dataset.file_paths = paths
    return dataset


def split_dataset(
    dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None
):
    """Split arrays, a tuple/dict of arrays, a list or a dataset into two datasets.

    Args:
        dataset: what to split (an iterable dataset is read into memory first).
        left_size, right_size: a fraction (float in (0, 1)) or a number of samples for each
            side; one may be None (the rest). Both None: left_size = 0.5.
        shuffle: shuffle the samples before splitting.
        seed: the shuffling seed.
        preferred_backend: accepted for Keras compatibility.

    Returns:
        (left, right): two ``Dataset`` objects of single samples.

    Example:

    >>> import numpy as np
    >>> left, right = split_dataset((np.arange(5), np.arange(5) * 10), right_size=2)
    >>> [(int(x), int(y)) for x, y in right]
    [(3, 30), (4, 40)]
    """
    where = "split_dataset"
    if isinstance(dataset, np.ndarray) or (
        isinstance(dataset, (tuple, dict))
        and all(
            isinstance(v, np.ndarray)
            for v in (dataset.values() if isinstance(dataset, dict) else dataset)
        )
    ):
        samples = dataset
        total = _num_rows(samples)
        take = _row_taker(samples)
    else:
        if isinstance(dataset, Dataset) and dataset.cardinality() == Dataset.INFINITE:
            raise ValueError(f"{where}: cannot split an infinite dataset")
        if not hasattr(dataset, "__iter__"):
            raise TypeError(f"{where}: cannot split a {type(dataset).__name__}")
        items = list(dataset)
        total = len(items)
        take = lambda indices: [items[i] for i in indices]  # noqa: E731
    left, right = _split_sizes(left_size, right_size, total, where)
    order = np.arange(total)
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1e6))
        np.random.default_rng(seed).shuffle(order)
    return _as_dataset(take(order[:left])), _as_dataset(take(order[left : left + right]))


def _num_rows(samples):
    if isinstance(samples, dict):
        return len(next(iter(samples.values())))
    return len(samples[0] if isinstance(samples, tuple) else samples)


def _row_taker(samples):
    def take(indices):
        if isinstance(samples, dict):
            return {k: v[indices] for k, v in samples.items()}
        if isinstance(samples, tuple):
            return tuple(v[indices] for v in samples)
        return samples[indices]

    return take


def _as_dataset(part):
    if isinstance(part, list):
        return Dataset(lambda: iter(part), len(part))
    return Dataset.from_tensor_slices(part)


def _split_sizes(left_size, right_size, total, where):
    if left_size is None and right_size is None:
        left_size = 0.5

    def count(size, name):
        if size is None:
            return None
        if isinstance(size, float):
            if not 0 < size < 1:
                raise ValueError(f"{where}: {name} as a fraction must be in (0, 1), got {size}")
            return int(round(size * total))
        if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
            if not 0 < size <= total:
                raise ValueError(f"{where}: {name}={size} does not fit {total} samples")
            return int(size)
        raise TypeError(f"{where}: {name} must be a float fraction or an int count, got {size!r}")

    left, right = count(left_size, "left_size"), count(right_size, "right_size")
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"{where}: left_size + right_size = {left + right} > {total} samples")
    if left == 0 or right == 0:
        raise ValueError(
            f"{where}: a split of {total} samples into {left} and {right} leaves one side empty"
        )
    if left + right < total:
        warnings.warn(f"{where}: {total - left - right} samples are in neither side", stacklevel=3)
    return left, right
