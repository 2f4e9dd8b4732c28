"""``keras.utils.standardize_dtype``: any spelling of a dtype -> Keras's dtype name.

Example:

>>> import numpy as np
>>> from glassnet.utils import standardize_dtype
>>> standardize_dtype(np.float64), standardize_dtype(bool), standardize_dtype(None)
('float64', 'bool', 'float32')
"""

import numpy as np

from glassnet.backend.config import floatx

ALLOWED_DTYPES = (
    "float16",
    "float32",
    "float64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "int8",
    "int16",
    "int32",
    "int64",
    "bfloat16",
    "bool",
    "string",
    "float8_e4m3fn",
    "float8_e5m2",
    "complex64",
    "complex128",
)
# Python's own types, as Keras maps them outside TensorFlow
_PYTHON_DTYPES = {
    bool: "bool",
    int: "int32",
    float: "float32",
    str: "string",
    complex: "complex64",
    "int": "int32",
}


def standardize_dtype(dtype):
    """The name Keras uses for ``dtype``.

    Args:
        dtype: None (floatx), a name, a Python type (int, float, bool, str, complex), a NumPy
            dtype or scalar type, or anything with a ``dtype``/``name`` attribute.

    Returns:
        str, one of Keras's dtype names ("float32", "int64", "bool", "string"...).

    Raises:
        ValueError: naming the dtype that is not one of Keras's.

    Example:

    >>> from glassnet.utils import standardize_dtype
    >>> standardize_dtype("int8"), standardize_dtype(int)
    ('int8', 'int32')
    """
    if dtype is None:
        return floatx()
    if isinstance(dtype, (str, type)) and dtype in _PYTHON_DTYPES:
        return _PYTHON_DTYPES[dtype]
    if isinstance(dtype, type) and issubclass(dtype, np.generic):
        dtype = np.dtype(dtype).name
    elif isinstance(dtype, np.dtype):
        dtype = "string" if dtype.kind in "US" else dtype.name
    elif hasattr(dtype, "name") and isinstance(dtype.name, str):
        dtype = dtype.name
    elif hasattr(dtype, "__name__"):
        dtype = dtype.__name__
    if dtype not in ALLOWED_DTYPES:
        raise ValueError(
            f"standardize_dtype: {dtype!r} is not a dtype Keras knows; use one of "
            f"{', '.join(ALLOWED_DTYPES)}"
        )
    return dtype
