"""Global numeric settings, named as in ``keras.config``: the default float dtype and the fuzz factor."""

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED_FLOATX = ("float16", "float32", "float64")


def floatx():
    """The default float dtype as a string ('float32' unless changed), as ``keras.config.floatx()``."""
    return _FLOATX


def set_floatx(value):
    """Set the default float dtype: one of 'float16', 'float32', 'float64'."""
    global _FLOATX
    value = str(np.dtype(value)) if not isinstance(value, str) else value
    if value not in _ALLOWED_FLOATX:
        raise ValueError(f"set_floatx: expected one of {_ALLOWED_FLOATX}, got {value!r}")
    _FLOATX = value


def epsilon():
    """The small constant used to keep logs and divisions finite (1e-7, as in Keras)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def standardize_dtype(dtype):
    """Return ``dtype`` as a NumPy dtype; ``None`` means floatx()."""
    return np.dtype(floatx() if dtype is None else dtype)
