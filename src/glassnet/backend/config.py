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
    """The default float dtype as a string, as ``keras.config.floatx()``.

    Returns:
        "float32" unless changed with ``set_floatx``.

    Example:

    >>> floatx()
    'float32'
    """
    return _FLOATX


def set_floatx(value):
    """Set the default float dtype of new weights and of Python floats turned into tensors.

    Args:
        value: "float16", "float32" or "float64" (or the NumPy dtype).

    Raises:
        ValueError: for another dtype.

    Example:

    >>> set_floatx("float64")
    >>> floatx()
    'float64'
    >>> set_floatx("float32")
    """
    global _FLOATX
    value = str(np.dtype(value)) if not isinstance(value, str) else value
    if value not in _ALLOWED_FLOATX:
        raise ValueError(f"set_floatx: expected one of {_ALLOWED_FLOATX}, got {value!r}")
    _FLOATX = value


def epsilon():
    """The small constant used to keep logs and divisions finite (1e-7, as in Keras).

    Returns:
        float.

    Example:

    >>> epsilon()
    1e-07
    """
    return _EPSILON


def set_epsilon(value):
    """Set the fuzz factor ``epsilon()`` returns.

    Args:
        value: a small positive number.

    Example:

    >>> set_epsilon(1e-5)
    >>> epsilon()
    1e-05
    >>> set_epsilon(1e-7)
    """
    global _EPSILON
    _EPSILON = float(value)


def standardize_dtype(dtype):
    """Return ``dtype`` as a NumPy dtype; ``None`` means ``floatx()``.

    Args:
        dtype: a dtype name, NumPy dtype or type, or None.

    Returns:
        ``numpy.dtype``.

    Example:

    >>> standardize_dtype(None), standardize_dtype("int32")
    (dtype('float32'), dtype('int32'))
    """
    return np.dtype(floatx() if dtype is None else dtype)


def is_fusion_enabled():
    """Whether models run their fused fast paths (``glassnet.models.fusion`` lists the rules).

    Returns:
        bool; True unless turned off with ``set_fusion_enabled(False)`` or ``fusion_disabled()``.

    Example:

    >>> is_fusion_enabled()
    True
    """
    return _FUSION_ENABLED


def set_fusion_enabled(value):
    """Turn the fusion rules on or off for every model, from the next call on.

    With fusion off every layer runs its own ``call`` (the reference path): slower, and every
    intermediate value (each Dense's pre-activation, each Conv2D's output) exists to be
    inspected.

    Args:
        value: bool.

    Example:

    >>> set_fusion_enabled(False)
    >>> is_fusion_enabled()
    False
    >>> set_fusion_enabled(True)
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
    """The default image layout of conv and pooling layers.

    Returns:
        "channels_last" (Keras's default) or "channels_first".

    Example:

    >>> image_data_format()
    'channels_last'
    """
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    """Set the default image layout of conv and pooling layers created from now on.

    Args:
        data_format: "channels_last" or "channels_first" (any case).

    Raises:
        ValueError: for another value.

    Example:

    >>> set_image_data_format("CHANNELS_FIRST")
    >>> image_data_format()
    'channels_first'
    >>> set_image_data_format("channels_last")
    """
    global _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "set_image_data_format: expected 'channels_last' or 'channels_first', got "
            f"{data_format!r}"
        )
    _IMAGE_DATA_FORMAT = data_format


def max_epochs():
    """The cap on the epochs of any ``fit`` (None: no cap; for quick debugging runs).

    Returns:
        int or None.

    Example:

    >>> max_epochs() is None
    True
    """
    return _MAX_EPOCHS


def set_max_epochs(value):
    """Cap the epochs of every ``fit``, whatever its ``epochs`` argument says.

    Args:
        value: the most epochs, or None to remove the cap.

    Example:

    >>> set_max_epochs(2)
    >>> max_epochs()
    2
    >>> set_max_epochs(None)
    """
    global _MAX_EPOCHS
    _MAX_EPOCHS = None if value is None else int(value)


def max_steps_per_epoch():
    """The cap on the steps of one epoch of fit/evaluate/predict (None: no cap).

    Returns:
        int or None.

    Example:

    >>> max_steps_per_epoch() is None
    True
    """
    return _MAX_STEPS_PER_EPOCH


def set_max_steps_per_epoch(value):
    """Cap the steps of every epoch of fit/evaluate/predict.

    Args:
        value: the most steps, or None to remove the cap.

    Example:

    >>> set_max_steps_per_epoch(5)
    >>> max_steps_per_epoch()
    5
    >>> set_max_steps_per_epoch(None)
    """
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = None if value is None else int(value)


def is_interactive_logging_enabled():
    """Whether progress bars and logs are printed (True unless disabled).

    Returns:
        bool.

    Example:

    >>> is_interactive_logging_enabled()
    True
    """
    return _INTERACTIVE_LOGGING


def enable_interactive_logging():
    """Print progress bars and logs (the default).

    Example:

    >>> enable_interactive_logging()
    >>> is_interactive_logging_enabled()
    True
    """
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging():
    """Print no progress bars or logs from fit/evaluate/predict.

    Example:

    >>> disable_interactive_logging()
    >>> is_interactive_logging_enabled()
    False
    >>> enable_interactive_logging()
    """
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_traceback_filtering_enabled():
    """Keras shortens tracebacks; glassnet never hides frames (this only records the setting).

    Returns:
        bool, the recorded setting.

    Example:

    >>> is_traceback_filtering_enabled()
    True
    """
    return _TRACEBACK_FILTERING


def enable_traceback_filtering():
    """Recorded for Keras compatibility; glassnet tracebacks are always complete.

    Example:

    >>> enable_traceback_filtering()
    >>> is_traceback_filtering_enabled()
    True
    """
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering():
    """Recorded for Keras compatibility; glassnet tracebacks are always complete.

    Example:

    >>> disable_traceback_filtering()
    >>> is_traceback_filtering_enabled()
    False
    >>> enable_traceback_filtering()
    """
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def in_safe_mode():
    """Whether loading refuses files that hold code (Lambda layers): True unless disabled.

    Returns:
        bool.

    Example:

    >>> in_safe_mode()
    True
    """
    return _SAFE_MODE


def set_safe_mode(value):
    """Set safe mode for the loads that follow (``saving.SafeModeScope`` uses it for the span of
    one load); returns the previous setting.

    Args:
        value: bool.

    Example:

    >>> previous = set_safe_mode(True)
    >>> in_safe_mode(), previous
    (True, True)
    """
    global _SAFE_MODE
    previous, _SAFE_MODE = _SAFE_MODE, bool(value)
    return previous


def enable_unsafe_deserialization():
    """Allow loading files that hold Python code (Keras's Lambda layers).

    Only for files you wrote yourself: loading such a file runs its code. There is no
    function to switch safe mode back on, as in Keras, so the example below is not run.

    Example:

    >>> enable_unsafe_deserialization()  # doctest: +SKIP
    >>> in_safe_mode()  # doctest: +SKIP
    False
    """
    global _SAFE_MODE
    _SAFE_MODE = False


class DTypePolicy:
    """A dtype policy as Keras names it: the compute and variable dtype of layers.

    Args:
        name: "float32", "float64", "float16", "bfloat16" or "mixed_float16"/"mixed_bfloat16"
            (mixed: computations in the low precision, variables in float32).

    Example:

    >>> policy = DTypePolicy("mixed_float16")
    >>> policy.compute_dtype, policy.variable_dtype, policy.get_config()
    ('float16', 'float32', {'name': 'mixed_float16'})
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
        """``{"name": ...}``, what ``DTypePolicy(**config)`` rebuilds it from."""
        return {"name": self.name}


_DTYPE_POLICY = None


def dtype_policy():
    """The default dtype policy (a policy named after ``floatx()`` unless set).

    Returns:
        A DTypePolicy.

    Example:

    >>> dtype_policy().name
    'float32'
    """
    return _DTYPE_POLICY or DTypePolicy(floatx())


def set_dtype_policy(policy):
    """Set the default dtype policy; floatx becomes its variable dtype.

    Args:
        policy: a DTypePolicy or its name.

    Example (not run: once set, the policy no longer follows ``floatx()``, so running it would
    change the process's defaults):

    >>> set_dtype_policy("float64")  # doctest: +SKIP
    >>> dtype_policy().name, floatx()  # doctest: +SKIP
    ('float64', 'float64')
    """
    global _DTYPE_POLICY
    policy = policy if isinstance(policy, DTypePolicy) else DTypePolicy(policy)
    if policy.variable_dtype in _ALLOWED_FLOATX:
        set_floatx(policy.variable_dtype)
    _DTYPE_POLICY = policy


def backend():
    """The name of the array backend, as ``keras.config.backend()``.

    Returns:
        "numpy".

    Example:

    >>> backend()
    'numpy'
    """
    return "numpy"
