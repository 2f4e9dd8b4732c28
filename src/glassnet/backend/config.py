"""Global settings, named as in ``keras.config``: the default float dtype, the fuzz factor, and
glassnet's switch for fused fast paths.

Example:

>>> from glassnet.backend import config
>>> config.floatx()
'float32'
>>> with config.fusion_disabled():
...     config.is_fusion_enabled()
False
"""

import contextlib

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED_FLOATX = ("float16", "float32", "float64")
_FUSION_ENABLED = True


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


def is_fusion_enabled():
    """Whether models run their fused fast paths (``glassnet.models.fusion`` lists the rules).

    Returns:
        bool; True unless turned off with ``set_fusion_enabled(False)`` or ``fusion_disabled()``.
    """
    return _FUSION_ENABLED


def set_fusion_enabled(value):
    """Turn the fusion rules on or off for every model, from the next call on.

    With fusion off every layer runs its own ``call`` (the reference path): slower, and every
    intermediate value (each Dense's pre-activation, each Conv2D's output) exists to be inspected.

    Args:
        value: bool.
    """
    global _FUSION_ENABLED
    _FUSION_ENABLED = bool(value)


@contextlib.contextmanager
def fusion_disabled():
    """Context manager: the reference (unfused) path inside the block, the previous setting after.

    Example:

    >>> from glassnet.backend import config
    >>> with config.fusion_disabled():
    ...     assert not config.is_fusion_enabled()
    >>> config.is_fusion_enabled()
    True
    """
    previous = _FUSION_ENABLED
    set_fusion_enabled(False)
    try:
        yield
    finally:
        set_fusion_enabled(previous)


_IMAGE_DATA_FORMAT = "channels_last"
_MAX_EPOCHS = None
_MAX_STEPS_PER_EPOCH = None
_INTERACTIVE_LOGGING = True
_TRACEBACK_FILTERING = True
_SAFE_MODE = True


def image_data_format():
    """The default image layout of conv and pooling layers: 'channels_last' (Keras's default)."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Set the default image layout: 'channels_last' or 'channels_first'."""
    global _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "set_image_data_format: expected 'channels_last' or 'channels_first', got "
            f"{data_format!r}"
        )
    _IMAGE_DATA_FORMAT = data_format


def max_epochs():
    """The cap on the epochs of any ``fit`` (None: no cap; for quick debugging runs)."""
    return _MAX_EPOCHS


def set_max_epochs(value):
    """Cap the epochs of every ``fit`` (None removes the cap)."""
    global _MAX_EPOCHS
    _MAX_EPOCHS = None if value is None else int(value)


def max_steps_per_epoch():
    """The cap on the steps of one epoch of fit/evaluate/predict (None: no cap)."""
    return _MAX_STEPS_PER_EPOCH


def set_max_steps_per_epoch(value):
    """Cap the steps of every epoch of fit/evaluate/predict (None removes the cap)."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = None if value is None else int(value)


def is_interactive_logging_enabled():
    """Whether progress bars and logs are printed (True unless disabled)."""
    return _INTERACTIVE_LOGGING


def enable_interactive_logging():
    """Print progress bars and logs (the default)."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging():
    """Print no progress bars or logs from fit/evaluate/predict."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_traceback_filtering_enabled():
    """Keras shortens tracebacks; glassnet never hides frames (this only records the setting)."""
    return _TRACEBACK_FILTERING


def enable_traceback_filtering():
    """Recorded for Keras compatibility; glassnet tracebacks are always complete."""
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering():
    """Recorded for Keras compatibility; glassnet tracebacks are always complete."""
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def in_safe_mode():
    """Whether loading refuses files that hold code (Lambda layers): True unless disabled."""
    return _SAFE_MODE


def enable_unsafe_deserialization():
    """Allow loading files that hold Python code (Keras's Lambda layers). Only for your own files."""
    global _SAFE_MODE
    _SAFE_MODE = False


class DTypePolicy:
    """A dtype policy as Keras names it: the compute and variable dtype of layers.

    Args:
        name: "float32", "float64", "float16", "bfloat16" or "mixed_float16"/"mixed_bfloat16"
            (mixed: computations in the low precision, variables in float32).
    """

    def __init__(self, name=None):
        name = floatx() if name is None else str(name)
        if name.startswith("mixed_"):
            self.compute_dtype, self.variable_dtype = name[len("mixed_") :], "float32"
        else:
            self.compute_dtype = self.variable_dtype = name
        self.name = name

    def __repr__(self):
        return f'<DTypePolicy "{self.name}">'

    def get_config(self):
        return {"name": self.name}


_DTYPE_POLICY = None


def dtype_policy():
    """The default dtype policy (``floatx()`` unless set)."""
    return _DTYPE_POLICY or DTypePolicy(floatx())


def set_dtype_policy(policy):
    """Set the default dtype policy (a DTypePolicy or its name); sets floatx to its dtype."""
    global _DTYPE_POLICY
    policy = policy if isinstance(policy, DTypePolicy) else DTypePolicy(policy)
    if policy.variable_dtype in _ALLOWED_FLOATX:
        set_floatx(policy.variable_dtype)
    _DTYPE_POLICY = policy


def backend():
    """The name of the array backend: 'numpy'."""
    return "numpy"
