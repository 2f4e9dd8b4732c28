"""Reading and writing the zip container safely.

Writing: to a temporary file beside the target, fsync'd, then renamed over it, so a crash mid-save
leaves the old file intact. Reading: only whitelisted member names, sizes and compression ratios are
checked before anything is decompressed, and reads are capped, so a lying header cannot exhaust memory.
Arrays are .npy members read with allow_pickle=False: no code runs when a file is loaded.
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
    """members: {name: bytes}. Written to a temporary file, synced, then renamed over ``path``."""
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
    buffer = io.BytesIO()
    np.save(
        buffer, np.asarray(array, order="C"), allow_pickle=False
    )  # (ascontiguousarray would turn 0-d into 1-d)
    return buffer.getvalue()


class SafeArchive:
    """A zip opened for reading with every member checked against ``allowed`` (a regex) and the limits."""

    def __init__(self, path, allowed, max_member_bytes=MAX_MEMBER_BYTES):
        self.path = os.fspath(path)
        self.max_member_bytes = max_member_bytes
        try:
            self.zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ModelFileError(f"{self.path}: no such file") from None
        except (
            Exception
        ) as error:  # BadZipFile, NotImplementedError for a mangled version field, ...
            raise ModelFileError(
                f"{self.path}: not a glassnet model file, or truncated/corrupt ({type(error).__name__}: {error})"
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
                    f"{self.path}: unexpected member {name!r}; a model file holds only config.json and numbered .npy arrays"
                )
            if name in self.members:
                raise ModelFileError(f"{self.path}: member {name!r} appears twice")
            if info.file_size > max_member_bytes:
                raise ModelFileError(
                    f"{self.path}: member {name!r} declares {info.file_size} bytes, over the limit of {max_member_bytes}"
                )
            if (
                info.compress_type != zipfile.ZIP_STORED
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise ModelFileError(
                    f"{self.path}: member {name!r} expands {info.file_size / max(info.compress_size, 1):.0f}-fold; refusing a possible zip bomb"
                )
            self.members[name] = info

    def read(self, name, limit=None):
        if name not in self.members:
            raise ModelFileError(f"{self.path}: missing member {name!r}")
        limit = min(limit or self.max_member_bytes, self.max_member_bytes)
        try:
            with self.zip.open(self.members[name]) as member:
                data = member.read(limit + 1)
        except (
            Exception
        ) as error:  # zlib.error, BadZipFile, CRC mismatch...: all mean a corrupt member
            raise ModelFileError(
                f"{self.path}: member {name!r} is corrupt ({type(error).__name__}: {error})"
            ) from None
        if len(data) > limit:
            raise ModelFileError(
                f"{self.path}: member {name!r} is larger than the limit of {limit} bytes"
            )
        return data

    def read_json(self, name):
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
        data = self.read(name)
        try:
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, OSError, EOFError, SyntaxError, TypeError) as error:
            raise ModelFileError(
                f"{self.path}: {name} is not a plain numeric array ({error})"
            ) from None
        if not isinstance(array, np.ndarray) or str(array.dtype) not in SAFE_DTYPES:
            raise ModelFileError(
                f"{self.path}: {name} has dtype {getattr(array, 'dtype', type(array).__name__)}, not a numeric dtype"
            )
        return array

    def close(self):
        self.zip.close()


def check_depth(value, where, limit=MAX_JSON_DEPTH):
    """Refuse configs nested deeper than any real model needs (iteratively: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise ModelFileError(f"{where} is nested deeper than {limit} levels")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
