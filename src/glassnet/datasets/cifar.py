"""The CIFAR binary release: fixed-size records of label byte(s) and 3072 pixel bytes (the red,
green and blue planes of a 32x32 image, row by row), read straight from the publisher's
``.tar.gz`` (its SHA-256 checked first) or from its unpacked folder. Nothing is unpickled.

Example:

>>> import numpy as np
>>> from glassnet.datasets.cifar import parse_records
>>> record = bytes([7]) + bytes(range(256)) * 12
>>> images, labels = parse_records(record, label_bytes=1, name="demo")
>>> images.shape, labels.tolist(), int(images[0, 0, 1, 0])
((1, 32, 32, 3), [[7]], 1)
"""

import os
import tarfile

import numpy as np

from glassnet.backend import config
from glassnet.datasets.files import candidate_dirs, dataset_file
from glassnet.datasets.idx import DatasetError

PIXELS = 32 * 32 * 3


def parse_records(raw, label_bytes, name):
    """(images (n, 32, 32, 3) uint8, labels (n, label_bytes) uint8) from a binary batch.

    Args:
        raw: the bytes of a batch file: records of ``label_bytes`` label bytes then 3072 pixels.
        label_bytes: 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100.
        name: the dataset's name, for error messages.

    Returns:
        (images, labels), both uint8.

    Example:

    >>> record = bytes([3]) + bytes(3072)
    >>> images, labels = parse_records(record * 2, label_bytes=1, name="demo")
    >>> images.shape, labels.tolist()
    ((2, 32, 32, 3), [[3], [3]])
    """
    size = label_bytes + PIXELS
    if len(raw) % size:
        raise DatasetError(
            f"{name}: {len(raw)} bytes is not a whole number of {size}-byte records; the file "
            f"is truncated or not a CIFAR binary batch"
        )
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, size)
    images = records[:, label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), records[:, :label_bytes].copy()


def read_members(name, archive_name, sha256, url, folder, members):
    """{member: bytes} of the binary batches, from an unpacked ``folder`` in one of the dataset
    folders, or else from the verified archive (downloaded if needed).

    Args:
        name: the dataset's folder name ("cifar-10").
        archive_name: the file name of the publisher's ``.tar.gz``.
        sha256: the archive's expected SHA-256 hex digest.
        url: the archive's download URL.
        folder: the folder the archive unpacks to ("cifar-10-batches-bin").
        members: the batch file names wanted inside ``folder``.

    Returns:
        A dict of member name -> its bytes.
    """
    for directory in candidate_dirs(name):
        unpacked = directory / folder
        if all((unpacked / member).is_file() for member in members):
            return {m: (unpacked / m).read_bytes() for m in members}
    archive = dataset_file(name, archive_name, sha256, [os.path.dirname(url)])
    wanted = {f"{folder}/{member}": member for member in members}
    found = {}
    with tarfile.open(archive, "r:gz") as tar:
        for entry in tar:
            if entry.name in wanted and entry.isfile():
                found[wanted[entry.name]] = tar.extractfile(entry).read()
    missing = sorted(set(members) - set(found))
    if missing:
        raise DatasetError(f"{name}: {archive} holds no {', '.join(missing)}")
    return found


def channels_first_if_configured(images):
    """The images as (n, 3, 32, 32) when ``image_data_format()`` is "channels_first", else as given.

    Args:
        images: (n, 32, 32, 3) array.

    Returns:
        The images, transposed (a view) or unchanged.

    Example:

    >>> import numpy as np
    >>> channels_first_if_configured(np.zeros((1, 32, 32, 3))).shape
    (1, 32, 32, 3)
    """
    if config.image_data_format() == "channels_first":
        return images.transpose(0, 3, 1, 2)
    return images
