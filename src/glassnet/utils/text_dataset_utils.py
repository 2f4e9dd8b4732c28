"""``text_dataset_from_directory``: a folder with one subfolder of .txt files per class, as a
dataset of (texts, labels) batches.

Example:

>>> import os, tempfile
>>> from glassnet.utils import text_dataset_from_directory
>>> root = tempfile.mkdtemp()
>>> for name, text in (("neg", "bad"), ("pos", "good")):
...     os.makedirs(os.path.join(root, name))
...     _ = open(os.path.join(root, name, "1.txt"), "w").write(text)
>>> data = text_dataset_from_directory(root, shuffle=False, verbose=False)
>>> texts, labels = next(iter(data))
>>> texts.tolist(), labels.tolist()
(['bad', 'good'], [0, 1])
"""

import codecs

import numpy as np

from glassnet.utils import dataset_utils
from glassnet.utils.image_dataset_utils import _check_common

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text(path):
    """A text file's contents: UTF-8, or UTF-16/32 when the file starts with a byte-order
    mark; a file that is not valid UTF-8 is read as Latin-1 (every byte one character), so no
    file is refused.

    Args:
        path: the file.

    Example:

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile("wb", delete=False) as handle:
    ...     _ = handle.write("café".encode("latin-1"))
    >>> read_text(handle.name)
    'café'
    """
    with open(path, "rb") as handle:
        raw = handle.read()
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    format="tf",
    verbose=True,
):
    """A dataset of text batches from a folder of .txt files.

    Args:
        directory: the folder (one subfolder per class with labels="inferred").
        labels: "inferred", None, or a list of integer labels in the sorted order of the files.
        label_mode: "int", "categorical", "binary" or None (texts only).
        class_names: the subfolders to use, in this order.
        batch_size: texts per batch; None gives single texts.
        max_length: keep at most this many characters of each text.
        shuffle, seed, validation_split, subset, follow_links, format, verbose: as for
            ``image_dataset_from_directory``.

    Returns:
        a ``Dataset`` whose texts are object arrays of str (what TextVectorization takes),
        with ``class_names`` and ``file_paths``.

    Example:

    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> for label in ("neg", "pos"):
    ...     os.makedirs(os.path.join(root, label))
    ...     with open(os.path.join(root, label, "a.txt"), "w") as handle:
    ...         _ = handle.write(f"a {label} review")
    >>> dataset = text_dataset_from_directory(root, batch_size=2, shuffle=False)
    Found 2 files belonging to 2 classes.
    >>> [(list(texts), labels.tolist()) for texts, labels in dataset]
    [(['a neg review', 'a pos review'], [0, 1])]
    """
    where = "text_dataset_from_directory"
    _check_common(labels, label_mode, format, where)
    dataset_utils.check_validation_split(validation_split, subset, shuffle, seed, where)
    if seed is None:
        seed = int(np.random.randint(1e6))
    paths, label_array, names = dataset_utils.index_directory(
        directory, labels, (".txt",), class_names, shuffle, seed, follow_links, verbose, where
    )
    if not paths:
        raise ValueError(f"{where}: no .txt files found in {str(directory)!r}")
    num_classes = len(names) if names else 0
    dataset_utils.check_label_mode(label_mode if labels is not None else None, num_classes, where)
    if labels is None:
        label_mode = None

    def load(path):
        text = read_text(path)
        return text if max_length is None else text[:max_length]

    def make(subset_name):
        subset_paths, subset_labels = dataset_utils.training_or_validation_split(
            np.array(paths, dtype=object), label_array, validation_split, subset_name, verbose
        )
        return dataset_utils.files_dataset(
            subset_paths,
            subset_labels,
            load,
            label_mode,
            num_classes,
            batch_size,
            shuffle,
            seed,
            names,
            where,
        )

    if subset == "both":
        return [make("training"), make("validation")]
    return make(subset)
