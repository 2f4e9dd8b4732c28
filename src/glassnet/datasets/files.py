"""Finding a dataset's files: an explicit path, $GLASSNET_DATA/<name>, the user cache, the Debian
package location; each file is verified against its SHA-256 before it is parsed."""

import hashlib
import os
import pathlib

from glassnet.datasets import download as downloads
from glassnet.datasets.idx import DatasetError, parse_idx


def candidate_dirs(name, path=None):
    """The folders where dataset ``name``'s files are looked for, in order.

    ``path`` (when given), ``$GLASSNET_DATA/<name>``, the download cache, then
    ``/usr/share/datasets/<name>``, where Debian packages install datasets.

    Args:
        name: the dataset's folder name ("mnist").
        path: an extra folder to look in first, or None.

    Returns:
        A list of ``pathlib.Path``; they need not exist.

    Example:

    >>> candidate_dirs("mnist", path="/data")[0]
    PosixPath('/data')
    >>> candidate_dirs("mnist")[-1]
    PosixPath('/usr/share/datasets/mnist')
    """
    dirs = []
    if path is not None:
        dirs.append(pathlib.Path(path).expanduser())
    if os.environ.get("GLASSNET_DATA"):
        dirs.append(pathlib.Path(os.environ["GLASSNET_DATA"]).expanduser() / name)

    dirs.append(downloads.CACHE / name)
    dirs.append(pathlib.Path("/usr/share/datasets") / name)
    return dirs


def sha256(path, algorithm="sha256"):
    """The hex digest of a file (SHA-256, or ``algorithm``), read in 1 MiB blocks.

    Args:
        path: the file.
        algorithm: a ``hashlib`` algorithm name; "sha256" by default.

    Returns:
        The digest as a lowercase hex string.

    Example:

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(delete=False) as handle:
    ...     _ = handle.write(b"abc")
    >>> sha256(handle.name)[:16]
    'ba7816bf8f01cfea'
    """
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_idx_files(name, files, path=None, mirrors=(), download=True):
    """{key: (filename, sha256)} -> {key: array}, from the first directory that holds all files;
    failing that, downloaded from ``mirrors`` into the cache.

    Every file is checked against its SHA-256 before it is parsed as IDX.

    Args:
        name: the dataset's folder name ("mnist").
        files: {key: (filename, expected sha256)}, e.g. {"x_train": ("train-images...", "...")}.
        path: a folder to look in first, or None.
        mirrors: base URLs to download the files from when no folder holds them all.
        download: whether downloading is allowed.

    Returns:
        {key: the parsed array}.

    Raises:
        DatasetError: a file does not match its hash, or the files are found nowhere.
    """
    looked = []
    for directory in candidate_dirs(name, path):
        looked.append(str(directory))
        if all((directory / filename).is_file() for filename, _ in files.values()):
            arrays = {}
            for key, (filename, expected) in files.items():
                file = directory / filename
                actual = sha256(file)
                if actual != expected:
                    raise DatasetError(
                        f"{name}: {file} has SHA-256 {actual}, expected {expected}; the file "
                        f"is corrupt or not the official one, delete it and fetch it again"
                    )
                arrays[key] = parse_idx(file.read_bytes(), str(file))
            return arrays
    wanted = ", ".join(filename for filename, _ in files.values())
    download_error = ""
    if download and mirrors:
        try:
            for filename, digest in files.values():
                if not (downloads.CACHE / name / filename).is_file():
                    downloads.fetch(filename, digest, mirrors, downloads.CACHE / name)
            return load_idx_files(name, files, downloads.CACHE / name, download=False)
        except DatasetError as error:
            download_error = f" Downloading failed too: {error}."
    raise DatasetError(
        f"{name}: could not find {wanted}. Looked in: {'; '.join(looked)}. Put the files in one "
        f"of these folders, or set GLASSNET_DATA to a folder holding '{name}/' (from Python, "
        f"load_data(path=...) takes a folder too).{_debian_hint(name)}{download_error}"
    )


# Debian packages that install a dataset's files into /usr/share/datasets/<name>; only these
# are suggested (there is none for MNIST)
DEBIAN_PACKAGES = {"fashion-mnist": "dataset-fashion-mnist"}


def _debian_hint(name):
    package = DEBIAN_PACKAGES.get(name)
    if package is None:
        return ""
    return (
        f" On Debian/Ubuntu, 'apt-get install {package}' puts them in /usr/share/datasets/{name}."
    )


def dataset_file(name, filename, digest, mirrors, path=None, download=True, algorithm="sha256"):
    """The path of one verified file of dataset ``name``.

    Looked up in order: ``path`` itself when it is an existing file, then
    ``$GLASSNET_DATA/<name>/<filename>``, the cache and ``/usr/share/datasets/<name>``; failing
    that, downloaded from ``mirrors`` into the cache. The file's hash must be ``digest``: a
    file that does not match is refused (a download that does not match never reaches the
    cache).

    Args:
        name: the dataset's folder name ("imdb").
        filename: the file's name ("imdb.npz"); a path to an existing file is used as it is.
        digest: the expected hex digest.
        mirrors: base URLs to download from.
        path: a folder (or file) to look in first.
        download: whether to download when no copy is found.
        algorithm: "sha256" (or "md5" where the publisher gives only that).

    Returns:
        a pathlib.Path.

    Example:

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "demo.bin").write_bytes(b"abc")
    >>> digest = sha256(folder / "demo.bin")
    >>> dataset_file("demo", "demo.bin", digest, [], path=folder) == folder / "demo.bin"
    True
    >>> dataset_file("demo", "demo.bin", "0" * 64, [], path=folder)
    Traceback (most recent call last):
    ...
    glassnet.datasets.idx.DatasetError: demo: ... expected 000...; the file is corrupt or not ...
    """
    candidates = []
    if os.path.isfile(os.path.expanduser(str(filename))) and os.sep in str(filename):
        candidates.append(pathlib.Path(filename).expanduser())
    base = os.path.basename(str(filename))
    candidates += [directory / base for directory in candidate_dirs(name, path)]
    if path is not None and os.path.isfile(os.path.expanduser(str(path))):
        candidates.insert(0, pathlib.Path(path).expanduser())
    for candidate in candidates:
        if candidate.is_file():
            actual = sha256(candidate, algorithm)
            if actual != digest:
                raise DatasetError(
                    f"{name}: {candidate} has {algorithm} {actual}, expected {digest}; the file "
                    f"is corrupt or not the official one, delete it and fetch it again"
                )
            return candidate
    looked = "; ".join(str(c) for c in candidates)
    if download and mirrors:
        try:
            return downloads.fetch(
                base, digest, mirrors, downloads.CACHE / name, algorithm=algorithm
            )
        except DatasetError as error:
            raise DatasetError(
                f"{name}: {base} is in none of {looked}, and downloading failed: {error}"
            ) from None
    raise DatasetError(
        f"{name}: could not find {base}. Looked in: {looked}. Put it in one of these folders "
        f"(for example set GLASSNET_DATA to a folder holding '{name}/') or pass path=..."
    )
