"""Fetching dataset files: each mirror in turn, a few retries with back-off, a progress bar, SHA-256
verified before the file is moved (atomically) into the cache. A partial or wrong download never
reaches the cache."""

import hashlib
import os
import pathlib
import sys
import tempfile
import time
import urllib.error
import urllib.request

from glassnet.datasets.idx import DatasetError

CACHE = (
    pathlib.Path(os.environ.get("GLASSNET_CACHE", "~/.cache/glassnet")).expanduser() / "datasets"
)


def _progress(name, done, total, stream):
    if total:
        width = 30
        filled = int(width * done / total)
        stream.write(
            f"\rDownloading {name} {'=' * filled}{'.' * (width - filled)} "
            f"{done / 2**20:.1f}/{total / 2**20:.1f} MB"
        )
    else:
        stream.write(f"\rDownloading {name} {done / 2**20:.1f} MB")
    stream.flush()


def fetch(
    filename,
    sha256,
    mirrors,
    destination_dir,
    retries=3,
    timeout=30,
    verbose=True,
    stream=None,
    algorithm="sha256",
    max_bytes=None,
):
    """Download ``filename`` from the first mirror that serves it with the right checksum
    (SHA-256, or MD5 with ``algorithm="md5"`` where a publisher gives only that); returns its
    path.

    The file is written to a temporary file beside its destination and moved into place only
    once its digest matches, so a partial or wrong download never appears under its name.

    Args:
        filename: the file's name, appended to each mirror's URL.
        sha256: the expected hex digest (of ``algorithm``); None where the publisher gives none:
            the file is accepted and its SHA-256 is printed on ``stream``.
        mirrors: base URLs, tried in order.
        destination_dir: the folder the file goes into (created if missing).
        retries: attempts per mirror on network errors (a wrong checksum is not retried).
        timeout: seconds before a connection or read gives up.
        verbose: whether to draw a progress line on ``stream``.
        stream: where the progress goes; None means stderr.
        algorithm: the ``hashlib`` name of the checksum, "sha256" by default.
        max_bytes: refuse a file larger than this many bytes (None: no limit).

    Returns:
        The ``pathlib.Path`` of the downloaded file.

    Raises:
        DatasetError: no mirror served a file with the right checksum.
    """
    stream = stream or sys.stderr
    destination_dir = pathlib.Path(destination_dir)
    destination_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + filename
        for attempt in range(retries):
            handle, temporary = tempfile.mkstemp(prefix=f".{filename}.", dir=destination_dir)
            try:
                digest = hashlib.new(algorithm if sha256 is not None else "sha256")
                with (
                    urllib.request.urlopen(url, timeout=timeout) as response,
                    os.fdopen(handle, "wb") as out,
                ):
                    total = int(response.headers.get("Content-Length") or 0)
                    done = 0
                    while True:
                        block = response.read(1 << 16)
                        if not block:
                            break
                        done += len(block)
                        if max_bytes is not None and done > max_bytes:
                            raise DatasetError(f"{url}: larger than the limit of {max_bytes} bytes")
                        out.write(block)
                        digest.update(block)
                        if verbose:
                            _progress(filename, done, total, stream)
                    out.flush()
                    os.fsync(out.fileno())
                if verbose:
                    stream.write("\n")
                if total and done != total:
                    raise OSError(f"received {done} bytes, the server announced {total}")
                if sha256 is None:
                    stream.write(
                        f"{filename}: no published hash for this file; its SHA-256 is "
                        f"{digest.hexdigest()}\n"
                    )
                elif digest.hexdigest() != sha256:
                    failures.append(
                        f"{url}: {algorithm} {digest.hexdigest()} does not match {sha256}"
                    )
                    break  # a wrong file will not become right by asking again
                target = destination_dir / filename
                os.replace(temporary, target)
                return target
            except (urllib.error.URLError, OSError, TimeoutError) as error:
                failures.append(f"{url} (attempt {attempt + 1}): {getattr(error, 'reason', error)}")
                if attempt + 1 < retries:
                    time.sleep(0.2 * 2**attempt)
            finally:
                if os.path.exists(temporary):
                    os.remove(temporary)
    raise DatasetError(f"could not download {filename}:\n  " + "\n  ".join(failures))
