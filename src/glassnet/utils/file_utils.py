"""``get_file``: download a file into the cache once, verify its hash, and unpack archives with
guards against paths that leave the target folder and against archives that unpack to more
than ``MAX_EXTRACTED_BYTES``.

Example:

>>> import hashlib, os, tempfile
>>> from glassnet.utils import get_file
>>> source = os.path.join(tempfile.mkdtemp(), "hello.txt")
>>> _ = open(source, "w").write("hello")
>>> digest = hashlib.sha256(b"hello").hexdigest()
>>> path = get_file(origin="file://" + source, file_hash=digest, cache_dir=tempfile.mkdtemp())
>>> open(path).read()
'hello'
"""

import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

MAX_EXTRACTED_BYTES = 32 * 2**30  # an archive that unpacks to more is refused
MAX_MEMBERS = 1_000_000


def default_cache_dir():
    """glassnet's cache folder: $GLASSNET_CACHE or ~/.cache/glassnet.

    Example:

    >>> import os
    >>> default_cache_dir() == os.path.expanduser(
    ...     os.environ.get("GLASSNET_CACHE", "~/.cache/glassnet")
    ... )
    True
    """
    return os.path.expanduser(os.environ.get("GLASSNET_CACHE", "~/.cache/glassnet"))


def resolve_hasher(algorithm, file_hash=None):
    """ "sha256" or "md5" for ``algorithm`` ("auto" decides from the hash's length).

    Args:
        algorithm: "auto", "sha256" or "md5".
        file_hash: the expected hash, for "auto" (32 hex digits mean MD5); None means SHA-256.

    Example:

    >>> resolve_hasher("auto", "0" * 32), resolve_hasher("auto")
    ('md5', 'sha256')
    """
    if algorithm == "auto":
        return "md5" if file_hash is not None and len(file_hash) == 32 else "sha256"
    if algorithm not in ("sha256", "md5"):
        raise ValueError(
            f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5', got {algorithm!r}"
        )
    return algorithm


def hash_file(path, algorithm="sha256", chunk_size=2**20):
    """The hex digest of a file.

    Args:
        path: the file.
        algorithm: "sha256" (the default) or "md5".
        chunk_size: bytes read at a time (1 MiB).

    Example:

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(delete=False) as handle:
    ...     _ = handle.write(b"abc")
    >>> hash_file(handle.name)[:12]
    'ba7816bf8f01'
    """
    digest = hashlib.sha256() if algorithm == "sha256" else hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def validate_file(path, file_hash, algorithm="auto"):
    """True when the file's hash is ``file_hash``.

    Args:
        path: the file.
        file_hash: the expected hex digest.
        algorithm: "auto" (MD5 for a 32-digit hash, else SHA-256), "sha256" or "md5".

    Example:

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(delete=False) as handle:
    ...     _ = handle.write(b"abc")
    >>> validate_file(handle.name, "900150983cd24fb0d6963f7d28e17f72")
    True
    """
    return hash_file(path, resolve_hasher(algorithm, file_hash)) == str(file_hash)


def get_file(
    fname=None,
    origin=None,
    untar=False,
    md5_hash=None,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Download ``origin`` into ``cache_dir/cache_subdir`` unless it is there already.

    The download goes to a temporary file that becomes the cached file only when it is
    complete and its hash matches ``file_hash``: a failed or wrong download leaves nothing in
    the cache. A cached file whose hash does not match is downloaded again.

    Args:
        fname: the file's name in the cache (default: the last part of the URL).
        origin: the URL.
        untar: the same as extract=True with archive_format="tar".
        md5_hash: the file's MD5 (prefer file_hash with SHA-256).
        file_hash: the expected SHA-256 (or MD5) of the file.
        cache_subdir: folder under cache_dir (an absolute path is used as it is).
        hash_algorithm: "auto", "sha256" or "md5".
        extract: unpack a zip or tar archive; then the unpacked folder's path is returned.
        archive_format: "auto", "tar", "zip", or a list of them.
        cache_dir: the cache's root (default: $GLASSNET_CACHE or ~/.cache/glassnet).
        force_download: download even when the file is cached.

    Returns:
        the path of the file, or of the unpacked folder with ``extract``.

    Example (a ``file://`` URL, so nothing leaves the machine):

    >>> import os, pathlib, tempfile
    >>> source = pathlib.Path(tempfile.mkdtemp()) / "data.txt"
    >>> _ = source.write_text("abc")
    >>> cache = tempfile.mkdtemp()
    >>> path = get_file(origin=source.as_uri(), cache_dir=cache)
    >>> os.path.relpath(path, cache), open(path).read()
    ('datasets/data.txt', 'abc')
    """
    if origin is None:
        raise ValueError('get_file: give "origin", the URL of the file to download')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    datadir = os.path.join(os.path.expanduser(cache_dir or default_cache_dir()), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    given_name = os.fspath(fname) if fname is not None else None
    if not given_name:
        given_name = None
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot tell a file name from {origin!r}; pass fname")
    else:
        fname = given_name
        if os.sep in fname or (os.altsep and os.altsep in fname) or fname in (".", ".."):
            raise ValueError(
                f"get_file: fname must be a file name, not a path ({fname!r}); choose the "
                f"folder with cache_dir / cache_subdir"
            )
    if extract or untar:
        if given_name and "." in fname:
            target = os.path.join(datadir, fname)
            extraction_dir = os.path.join(datadir, f"{fname[: fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(datadir, fname)
            target = os.path.join(datadir, f"{fname}_archive")
    else:
        target = os.path.join(datadir, fname)
    download = force_download or not os.path.exists(target)
    if (
        not download
        and file_hash is not None
        and not validate_file(target, file_hash, hash_algorithm)
    ):
        print(f"get_file: the cached {target} does not match its hash; downloading it again")
        download = True
    if download:
        _download(origin, target, file_hash, hash_algorithm)
    if extract or untar:
        if untar:
            archive_format = "tar"
        if force_download or download or not os.path.isdir(extraction_dir):
            extract_archive(target, extraction_dir, archive_format)
        return extraction_dir
    return target


def _download(origin, target, file_hash, hash_algorithm):
    print(f"Downloading data from {origin}", file=sys.stderr)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(target)}.", dir=os.path.dirname(target)
    )
    try:
        with urllib.request.urlopen(origin, timeout=60) as response, os.fdopen(handle, "wb") as out:
            shutil.copyfileobj(response, out, 2**20)
        if file_hash is not None:
            algorithm = resolve_hasher(hash_algorithm, file_hash)
            actual = hash_file(temporary, algorithm)
            if actual != str(file_hash):
                raise ValueError(
                    f"get_file: the file from {origin} has {algorithm} {actual}, expected "
                    f"{file_hash}; it is corrupt or not the expected file, and was not kept"
                )
        os.replace(temporary, target)
    except urllib.error.URLError as error:
        raise OSError(
            f"get_file: could not download {origin}: {getattr(error, 'reason', error)}"
        ) from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _safe_member_path(root, name):
    """The path ``name`` unpacks to under ``root``; a ValueError if it would leave ``root``."""
    if os.path.isabs(name) or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise ValueError(f"extract_archive: refusing the absolute path {name!r} in the archive")
    path = os.path.realpath(os.path.join(root, name))
    if os.path.commonpath([path, os.path.realpath(root)]) != os.path.realpath(root):
        raise ValueError(f"extract_archive: refusing {name!r}, which points outside the target")
    return path


def extract_archive(file_path, path=".", archive_format="auto"):
    """Unpack a tar (any compression) or zip archive into ``path``.

    Members with absolute paths or ``..`` that would land outside ``path``, links, devices,
    and archives that unpack to more than ``MAX_EXTRACTED_BYTES`` are refused with a
    ValueError; the archive is unpacked into a temporary folder first, so a refused archive
    leaves nothing behind.

    Args:
        file_path: the archive.
        path: the folder to unpack into (the current folder by default).
        archive_format: "auto" (tar or zip), "tar", "zip", or a list of them.

    Example:

    >>> import os, pathlib, tempfile, zipfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(folder / "a.zip", "w") as archive:
    ...     archive.writestr("inner/x.txt", "hi")
    >>> extract_archive(folder / "a.zip", folder / "out"), os.listdir(folder / "out" / "inner")
    (True, ['x.txt'])

    Returns:
        True when the archive was unpacked, False when it is not of the formats asked for.
    """
    formats = ["tar", "zip"] if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    kind = None
    if "tar" in formats and tarfile.is_tarfile(file_path):
        kind = "tar"
    elif "zip" in formats and zipfile.is_zipfile(file_path):
        kind = "zip"
    if kind is None:
        return False
    parent = os.path.dirname(os.path.abspath(path)) or "."
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".extracting.", dir=parent)
    try:
        if kind == "tar":
            _extract_tar(file_path, staging)
        else:
            _extract_zip(file_path, staging)
        if os.path.exists(path):
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        os.replace(staging, path)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)
    return True


def _check_totals(count, total, file_path):
    if count > MAX_MEMBERS:
        raise ValueError(f"extract_archive: {file_path} has more than {MAX_MEMBERS} members")
    if total > MAX_EXTRACTED_BYTES:
        raise ValueError(
            f"extract_archive: {file_path} unpacks to more than {MAX_EXTRACTED_BYTES} bytes; "
            f"refused (raise glassnet.utils.file_utils.MAX_EXTRACTED_BYTES to allow it)"
        )


def _extract_tar(file_path, root):
    with tarfile.open(file_path) as archive:
        members = archive.getmembers()
        _check_totals(len(members), sum(m.size for m in members if m.isfile()), file_path)
        for member in members:
            target = _safe_member_path(root, member.name)
            if member.isdir():
                os.makedirs(target, exist_ok=True)
            elif member.isfile():
                os.makedirs(os.path.dirname(target), exist_ok=True)
                source = archive.extractfile(member)
                with source, open(target, "wb") as out:
                    _copy_limited(source, out, member.size, member.name)
            else:
                raise ValueError(
                    f"extract_archive: refusing {member.name!r}: links and special files are not "
                    f"unpacked"
                )


def _extract_zip(file_path, root):
    with zipfile.ZipFile(file_path) as archive:
        members = archive.infolist()
        _check_totals(len(members), sum(m.file_size for m in members), file_path)
        for member in members:
            target = _safe_member_path(root, member.filename)
            if (member.external_attr >> 16) & 0o170000 == 0o120000:
                raise ValueError(f"extract_archive: refusing the symbolic link {member.filename!r}")
            if member.is_dir():
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with archive.open(member) as source, open(target, "wb") as out:
                _copy_limited(source, out, member.file_size, member.filename)


def _copy_limited(source, out, declared, name):
    """Copy at most the declared size: a member that inflates to more is refused."""
    written = 0
    for block in iter(lambda: source.read(2**20), b""):
        written += len(block)
        if written > declared:
            raise ValueError(f"extract_archive: {name!r} inflates to more than its declared size")
        out.write(block)
