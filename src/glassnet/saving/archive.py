"""Reading and writing the zip container safely.

Writing: to a temporary file beside the target, fsync'd, then renamed over it, so a crash mid-save
leaves the old file intact. Reading: only whitelisted member names, sizes and compression ratios
are checked before anything is decompressed, and reads are capped, so a lying header cannot
exhaust memory. Arrays are .npy members read with allow_pickle=False: no code runs when a file is
loaded.

Example:

>>> import os, tempfile
>>> import numpy as np
>>> path = os.path.join(tempfile.mkdtemp(), "m.glassnet")
>>> write_atomic(path, {"config.json": b"{}", "0.npy": array_bytes(np.arange(3))})
>>> archive = SafeArchive(path, allowed=r"config[.]json|[0-9]+[.]npy")
>>> archive.read_array("0.npy").tolist()
[0, 1, 2]
>>> archive.close()
"""

import io
import json
import os
import re
import tempfile
import zipfile

import numpy as np

from glassnet.saving.errors import ModelFileError

MAX_CONFIG_BYTES = 32 * 2**20
MAX_MEMBER_BYTES = 4 * 2**30
MAX_COMPRESSION_RATIO = 200
MAX_JSON_DEPTH = 100
MAX_MEMBERS = 100_000
SAFE_DTYPES = {"bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"}


def write_atomic(path, members):
    """Write a zip file so that a crash mid-write leaves the old file intact.

    The members go to a temporary file beside ``path``, which is synced and then renamed over it.
    JSON members are deflated; arrays are stored as they are.

    Args:
        path: the file to write (str or path-like).
        members: ``{member name: bytes}``, in the order they are written.

    Example:

    >>> import os, tempfile, zipfile
    >>> path = os.path.join(tempfile.mkdtemp(), "m.zip")
    >>> write_atomic(path, {"config.json": b"{}"})
    >>> zipfile.ZipFile(path).namelist()
    ['config.json']
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".glassnet-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as raw:
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_STORED) as archive:
                for name, data in members.items():
                    compression = (
                        zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
                    )
                    archive.writestr(name, data, compress_type=compression)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    try:  # make the rename itself durable
        directory_handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_handle)
        finally:
            os.close(directory_handle)
    except OSError:
        pass


def array_bytes(array):
    """Serialize an array as the bytes of a ``.npy`` file, without pickling.

    Args:
        array: anything ``np.asarray`` takes; 0-d arrays stay 0-d.

    Returns:
        The ``.npy`` bytes (C order).

    Example:

    >>> import io
    >>> import numpy as np
    >>> np.load(io.BytesIO(array_bytes(np.float32(2.5)))).shape
    ()
    """
    buffer = io.BytesIO()
    # asarray, not ascontiguousarray: the latter would turn a 0-d array into a 1-d one
    np.save(buffer, np.asarray(array, order="C"), allow_pickle=False)
    return buffer.getvalue()


class SafeArchive:
    """A zip file opened for reading, every member checked before anything is decompressed.

    Member names must match ``allowed`` (and hold no ``..``, leading ``/`` or backslash); the
    number of members, each declared size and each compression ratio are bounded, so a forged
    header cannot exhaust memory. Any failure raises ``ModelFileError`` naming the file.

    Args:
        path: the zip file.
        allowed: a regular expression every member name must match in full.
        max_member_bytes: the largest member accepted, in bytes.
        limits: ``[(pattern, max_bytes)]``: a member whose name matches a pattern in full is
            held to that (smaller) size, e.g. the assets of a ``.keras`` file.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "m.zip")
    >>> write_atomic(path, {"evil.py": b"print(1)"})
    >>> SafeArchive(path, allowed=r"config[.]json")
    Traceback (most recent call last):
    ...
    glassnet.saving.errors.ModelFileError: ...unexpected member 'evil.py'...
    """

    def __init__(self, path, allowed, max_member_bytes=MAX_MEMBER_BYTES, limits=()):
        self.path = os.fspath(path)
        self.max_member_bytes = max_member_bytes
        self.limits = list(limits)
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ModelFileError(f"{self.path}: no such file") from None
        # BadZipFile, NotImplementedError for a mangled version field, ...
        except Exception as error:
            raise ModelFileError(
                f"{self.path}: not a glassnet model file, or truncated/corrupt "
                f"({type(error).__name__}: {error})"
            ) from None
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ModelFileError(
                f"{self.path}: {len(infos)} members is more than a model file holds"
            )
        self.members = {}
        for info in infos:
            name = info.filename
            if (
                not re.fullmatch(allowed, name)
                or ".." in name
                or name.startswith("/")
                or "\\" in name
            ):
                raise ModelFileError(
                    f"{self.path}: unexpected member {name!r}; a model file holds only its "
                    "config, numbered arrays and assets with plain names inside the archive"
                )
            if name in self.members:
                raise ModelFileError(f"{self.path}: member {name!r} appears twice")
            limit = self.limit_of(name)
            if info.file_size > limit:
                raise ModelFileError(
                    f"{self.path}: member {name!r} declares {info.file_size} bytes, over the "
                    f"limit of {limit}"
                )
            if (
                info.compress_type != zipfile.ZIP_STORED
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                ratio = info.file_size / max(info.compress_size, 1)
                raise ModelFileError(
                    f"{self.path}: member {name!r} expands {ratio:.0f}-fold; refusing a "
                    "possible zip bomb"
                )
            self.members[name] = info

    def limit_of(self, name):
        """The most bytes member ``name`` may hold.

        Args:
            name: a member name.

        Returns:
            The limit of the first pattern of ``limits`` it matches, else ``max_member_bytes``.
        """
        for pattern, limit in self.limits:
            if re.fullmatch(pattern, name):
                return min(limit, self.max_member_bytes)
        return self.max_member_bytes

    def read(self, name, limit=None):
        """The bytes of member ``name``, refused if longer than ``limit`` (or the archive's cap).

        Args:
            name: a member name.
            limit: the most bytes accepted; None means the member's limit (``limit_of``).

        Returns:
            The member's bytes.
        """
        if name not in self.members:
            raise ModelFileError(f"{self.path}: missing member {name!r}")
        limit = min(limit or self.limit_of(name), self.limit_of(name))
        try:
            with self.zip.open(self.members[name]) as member:
                data = member.read(limit + 1)
        # zlib.error, BadZipFile, CRC mismatch...: all mean a corrupt member
        except Exception as error:
            raise ModelFileError(
                f"{self.path}: member {name!r} is corrupt ({type(error).__name__}: {error})"
            ) from None
        if len(data) > limit:
            raise ModelFileError(
                f"{self.path}: member {name!r} is larger than the limit of {limit} bytes"
            )
        return data

    def read_json(self, name):
        """Member ``name`` parsed as UTF-8 JSON, refused if large or nested too deeply.

        Args:
            name: a member name.

        Returns:
            The parsed value.
        """
        data = self.read(name, MAX_CONFIG_BYTES)
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise ModelFileError(
                f"{self.path}: {name} is not valid JSON ({error.__class__.__name__})"
            ) from None
        check_depth(value, f"{self.path}: {name}")
        return value

    def read_array(self, name):
        """Member ``name`` loaded as a ``.npy`` array of a plain numeric dtype, never unpickled.

        Args:
            name: a member name.

        Returns:
            A NumPy array.
        """
        data = self.read(name)
        try:
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError, SyntaxError, TypeError) as error:
            raise ModelFileError(
                f"{self.path}: {name} is not a plain numeric array ({error})"
            ) from None
        if not isinstance(array, np.ndarray) or str(array.dtype) not in SAFE_DTYPES:
            dtype = getattr(array, "dtype", type(array).__name__)
            raise ModelFileError(f"{self.path}: {name} has dtype {dtype}, not a numeric dtype")
        return array

    def close(self):
        """Close the underlying zip file."""
        self.zip.close()


def check_depth(value, where, limit=MAX_JSON_DEPTH):
    """Refuse a config nested deeper than any real model needs.

    Walked with an explicit stack, so a hostile file cannot exhaust Python's recursion limit.

    Args:
        value: a parsed JSON value.
        where: what to name in the error (file and member).
        limit: the deepest nesting accepted.

    Raises:
        ModelFileError: when ``value`` is nested deeper than ``limit``.

    Example:

    >>> check_depth({"a": [1, 2]}, "config.json")
    >>> check_depth([[[1]]], "config.json", limit=2)
    Traceback (most recent call last):
    ...
    glassnet.saving.errors.ModelFileError: config.json is nested deeper than 2 levels
    """
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise ModelFileError(f"{where} is nested deeper than {limit} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
