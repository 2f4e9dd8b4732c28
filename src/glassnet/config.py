"""``keras.config``: global settings (float dtype, epsilon, image layout, debugging caps, logging),
plus glassnet's switch for its fused fast paths.

Example:

>>> import glassnet as keras
>>> keras.config.floatx()
'float32'
>>> with keras.config.fusion_disabled():
...     keras.config.is_fusion_enabled()
False
"""

from glassnet.backend.config import (
    DTypePolicy,
    backend,
    disable_interactive_logging,
    disable_traceback_filtering,
    dtype_policy,
    enable_interactive_logging,
    enable_traceback_filtering,
    enable_unsafe_deserialization,
    epsilon,
    floatx,
    fusion_disabled,
    image_data_format,
    in_safe_mode,
    is_fusion_enabled,
    is_interactive_logging_enabled,
    is_traceback_filtering_enabled,
    max_epochs,
    max_steps_per_epoch,
    set_dtype_policy,
    set_epsilon,
    set_floatx,
    set_fusion_enabled,
    set_image_data_format,
    set_max_epochs,
    set_max_steps_per_epoch,
)


def enable_fusion():
    """Run the fusion rules (the default).

    Example:

    >>> enable_fusion()
    >>> is_fusion_enabled()
    True
    """
    set_fusion_enabled(True)


def disable_fusion():
    """Run every layer's own ``call``: the reference path (see ``glassnet.models.fusion``).

    Example:

    >>> disable_fusion()
    >>> is_fusion_enabled()
    False
    >>> enable_fusion()  # back to the default
    """
    set_fusion_enabled(False)


__all__ = [
    "DTypePolicy",
    "backend",
    "disable_fusion",
    "disable_interactive_logging",
    "disable_traceback_filtering",
    "dtype_policy",
    "enable_fusion",
    "enable_interactive_logging",
    "enable_traceback_filtering",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "fusion_disabled",
    "image_data_format",
    "in_safe_mode",
    "is_fusion_enabled",
    "is_interactive_logging_enabled",
    "is_traceback_filtering_enabled",
    "max_epochs",
    "max_steps_per_epoch",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_fusion_enabled",
    "set_image_data_format",
    "set_max_epochs",
    "set_max_steps_per_epoch",
]
