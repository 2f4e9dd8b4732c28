"""The IDX file format of MNIST and Fashion-MNIST, read with every field checked.

Layout: two zero bytes, a type code (0x08 = uint8), the number of dimensions, then each
dimension as a big-endian uint32, then the values. gzip-compressed files are recognised by
their magic bytes.
"""

import gzip

import numpy as np

_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DatasetError(ValueError):
    """A dataset file that is missing, truncated, corrupt or not what it should be.

    A subclass of ValueError.

    Example:

    >>> parse_idx(b"PK", "demo.idx")
    Traceback (most recent call last):
    ...
    glassnet.datasets.idx.DatasetError: demo.idx: not an IDX file (bad magic number 504b)
    """


def parse_idx(raw, name="IDX data"):
    """bytes of an IDX file (gzip or not) -> ndarray, refusing anything malformed.

    Args:
        raw: the file's bytes; gzip-compressed data is recognised by its magic bytes.
        name: what to call the data in error messages.

    Returns:
        An array of the file's shape, in native byte order.

    Raises:
        DatasetError: the data is not a well-formed IDX file.

    Example:

    >>> parse_idx(bytes([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9]))
    array([7, 9], dtype=uint8)
    """
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise DatasetError(
                f"{name}: the gzip stream is truncated or corrupt ({error})"
            ) from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DatasetError(f"{name}: not an IDX file (bad magic number {raw[:4].hex() or 'empty'})")
    type_code, ndim = raw[2], raw[3]
    if type_code not in _TYPES:
        raise DatasetError(f"{name}: unknown IDX type code 0x{type_code:02x}")
    if ndim == 0 or len(raw) < 4 + 4 * ndim:
        raise DatasetError(
            f"{name}: header declares {ndim} dimensions but the file ends inside the header"
        )
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_TYPES[type_code])
    expected = int(np.prod(shape)) * dtype.itemsize
    body = raw[4 + 4 * ndim :]
    if len(body) != expected:
        raise DatasetError(
            f"{name}: header says shape {shape} ({expected} bytes of data) but the file holds "
            f"{len(body)} bytes; it is truncated or corrupt"
        )
    return (
        np.frombuffer(body, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="), copy=True)
    )


def write_idx(path, array):
    """Write ``array`` (uint8) as an IDX file, gzip-compressed when the name ends in .gz.

    Used by tests.

    Args:
        path: the file to write.
        array: the values, converted to uint8.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.idx.gz"
    >>> write_idx(path, [[1, 2], [3, 4]])
    >>> parse_idx(path.read_bytes()).tolist()
    [[1, 2], [3, 4]]
    """
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    data = header + array.tobytes()
    if str(path).endswith(".gz"):
        data = gzip.compress(data)
    with open(path, "wb") as handle:
        handle.write(data)
