"""Reading ``.npz`` files whose arrays may hold Python objects (IMDB's and Reuters's word-id
lists) without trusting them: an object array is a pickle stream, and a pickle can call any
function. Here only the three constructors NumPy needs to rebuild an array of lists are
admitted; lists and integers need no constructor at all. Anything else -- ``os.system``, a
class of some module -- stops the load with a DatasetError.

Example:

>>> import io, numpy as np
>>> from glassnet.datasets.safe_npz import load_npz
>>> buffer = io.BytesIO()
>>> ragged = np.empty(2, dtype=object); ragged[0], ragged[1] = [1, 2], [3]
>>> np.savez(buffer, x=ragged, y=np.arange(2))
>>> data = load_npz(buffer)
>>> data["x"].tolist(), data["y"].tolist()
([[1, 2], [3]], [0, 1])
"""

import io
import pickle
import zipfile

import numpy as np

from glassnet.datasets.idx import DatasetError

ALLOWED_GLOBALS = frozenset(
    {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }
)


class RestrictedUnpickler(pickle.Unpickler):
    """An Unpickler whose ``find_class`` admits only ``ALLOWED_GLOBALS``.

    Example:

    >>> import io, pickle
    >>> RestrictedUnpickler(io.BytesIO(pickle.dumps(print))).load()
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: refusing to load builtins.print: only NumPy's array constructors ...
    """

    def find_class(self, module, name):
        if (module, name) in ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"refusing to load {module}.{name}: only NumPy's array constructors are allowed in "
            f"a dataset file"
        )


def _read_member(handle, where):
    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
    if not dtype.hasobject:
        count = int(np.prod(shape))
        raw = handle.read(count * dtype.itemsize)
        if len(raw) != count * dtype.itemsize:
            raise DatasetError(f"{where}: the array is truncated")
        array = np.frombuffer(raw, dtype=dtype, count=count)
        return array.reshape(shape, order="F" if fortran else "C").copy()
    try:
        array = RestrictedUnpickler(handle).load()
    except (pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError) as error:
        raise DatasetError(f"{where}: {error}") from None
    if not isinstance(array, np.ndarray) or array.shape != tuple(shape):
        raise DatasetError(f"{where}: the object array does not have the shape its header gives")
    return array


def load_npz(file):
    """{name: array} of an ``.npz`` file (a path or a binary file object), object arrays read
    through :class:`RestrictedUnpickler`.

    Args:
        file: a path or a binary file object of an ``.npz`` archive.

    Returns:
        A dict of member name (without ".npy") -> array.

    Raises:
        DatasetError: the file is not an .npz, an array is truncated, or a pickled object is
            not a plain NumPy array.

    Example:

    >>> import io
    >>> import numpy as np
    >>> buffer = io.BytesIO()
    >>> np.savez(buffer, x=np.arange(3), s=np.array([[1], [2, 3]], dtype=object))
    >>> arrays = load_npz(io.BytesIO(buffer.getvalue()))
    >>> arrays["x"], arrays["s"][1]
    (array([0, 1, 2]), [2, 3])
    """
    where = f"{getattr(file, 'name', file)}"
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as error:
        raise DatasetError(f"{where}: not an .npz file ({error})") from None
    arrays = {}
    with archive:
        for member in archive.namelist():
            if not member.endswith(".npy"):
                continue
            with archive.open(member) as handle:
                data = io.BytesIO(handle.read())
            arrays[member[: -len(".npy")]] = _read_member(data, f"{where}[{member}]")
    return arrays
