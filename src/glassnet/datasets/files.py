"""Finding a dataset's files: an explicit path, $GLASSNET_DATA/<name>, the user cache, the Debian
package location; each file is verified against its SHA-256 before it is parsed."""

import hashlib
import os
import pathlib

from glassnet.datasets.idx import DatasetError, parse_idx


def candidate_dirs(name, path=None):
    dirs = []
    if path is not None:
        dirs.append(pathlib.Path(path).expanduser())
    if os.environ.get("GLASSNET_DATA"):
        dirs.append(pathlib.Path(os.environ["GLASSNET_DATA"]).expanduser() / name)
    from glassnet.datasets.download import CACHE

    dirs.append(CACHE / name)
    dirs.append(pathlib.Path("/usr/share/datasets") / name)
    return dirs


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_idx_files(name, files, path=None, mirrors=(), download=True):
    """{key: (filename, sha256)} -> {key: array}, from the first directory that holds all files;
    failing that, downloaded from ``mirrors`` into the cache."""
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
                        f"{name}: {file} has SHA-256 {actual}, expected {expected}; the file is corrupt or not the official one, delete it and fetch it again"
                    )
                arrays[key] = parse_idx(file.read_bytes(), str(file))
            return arrays
    wanted = ", ".join(filename for filename, _ in files.values())
    download_error = ""
    if download and mirrors:
        from glassnet.datasets.download import CACHE, fetch

        try:
            for filename, digest in files.values():
                if not (CACHE / name / filename).is_file():
                    fetch(filename, digest, mirrors, CACHE / name)
            return load_idx_files(name, files, CACHE / name, download=False)
        except DatasetError as error:
            download_error = f" Downloading failed too: {error}."
    raise DatasetError(
        f"{name}: could not find {wanted}. Looked in: {'; '.join(looked)}. Put the files in one of these "
        f"folders (for example set GLASSNET_DATA to a folder holding '{name}/'), pass path=..., or on "
        f"Debian/Ubuntu run 'apt-get install dataset-{name}'.{download_error}"
    )
