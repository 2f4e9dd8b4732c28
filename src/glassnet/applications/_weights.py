"""Finding a published weight file: ``$GLASSNET_DATA/applications/``, then the cache
(``~/.cache/glassnet/applications``, or ``$GLASSNET_CACHE/applications``), then Keras's published
address, checked against Keras's published hash before it is used.

Keras publishes SHA-256 hashes for ConvNeXt, MD5 hashes for the other families and none for
MobileNet and MobileNetV2. SHA-256 files download through ``glassnet.datasets.download.fetch``;
the others through ``_fetch_checked`` below, with the same guarantees (a temporary file in the
cache folder, moved in only once complete and matching). A file without a published hash is
accepted as Keras accepts it; its SHA-256 is printed so that it can be compared or pinned.
"""

import os
import pathlib
from dataclasses import dataclass

from glassnet.datasets import download, files
from glassnet.datasets.idx import DatasetError
from glassnet.saving.archive import MAX_MEMBER_BYTES


@dataclass(frozen=True)
class WeightsFile:
    """A published file: its address and Keras's hash of it (MD5 or SHA-256 hex, or None).

    Args:
        url: where the file is published.
        file_hash: Keras's MD5 or SHA-256 hex digest of the file, or None (not checked).

    Example:

    >>> spec = WeightsFile("https://example.com/weights/model.h5", "0" * 32)
    >>> spec.name, spec.algorithm
    ('model.h5', 'md5')
    """

    url: str
    file_hash: str = None

    @property
    def name(self):
        return self.url.rsplit("/", 1)[-1]

    @property
    def algorithm(self):
        if self.file_hash is None:
            return None
        return {32: "md5", 64: "sha256"}[len(self.file_hash)]


def cache_dir():
    """Where downloaded application files go (beside the datasets' cache).

    Example:

    >>> cache_dir().name
    'applications'
    """
    return pathlib.Path(download.CACHE).parent / "applications"


def search_dirs():
    """The folders looked in, in order.

    Example:

    >>> search_dirs()[-1] == cache_dir()
    True
    """
    dirs = []
    if os.environ.get("GLASSNET_DATA"):
        dirs.append(pathlib.Path(os.environ["GLASSNET_DATA"]).expanduser() / "applications")
    dirs.append(cache_dir())
    return dirs


def weights_path(spec, download_missing=True):
    """The local path of ``spec``'s file, verified; downloaded into the cache if not found.

    Args:
        spec: a ``WeightsFile``.
        download_missing: whether to download a file that is in none of ``search_dirs()``.

    Returns:
        A ``pathlib.Path``.

    Raises:
        DatasetError: a local copy does not match the published hash, or the file is missing
            and downloading is off (or fails).
    """
    for directory in search_dirs():
        path = directory / spec.name
        if path.is_file():
            if spec.algorithm is not None:
                actual = files.sha256(path, spec.algorithm)
                if actual != spec.file_hash:
                    raise DatasetError(
                        f"{path} has {spec.algorithm.upper()} {actual}, Keras publishes "
                        f"{spec.file_hash}: the file is corrupt or not the published one; "
                        "delete it to download it again"
                    )
            return path
    if not download_missing:
        raise DatasetError(f"{spec.name} is not in {', '.join(str(d) for d in search_dirs())}")
    base, name = spec.url.rsplit("/", 1)
    return download.fetch(
        name,
        spec.file_hash if spec.algorithm is not None else None,
        [base],
        cache_dir(),
        algorithm=spec.algorithm or "sha256",
        max_bytes=MAX_MEMBER_BYTES,
    )
