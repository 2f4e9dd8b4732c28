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
    """(images (n, 32, 32, 3) uint8, labels (n, label_bytes) uint8) from a binary batch."""
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
    folders, or else from the verified archive (downloaded if needed)."""
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

    if config.image_data_format() == "channels_first":
        return images.transpose(0, 3, 1, 2)
    return images
