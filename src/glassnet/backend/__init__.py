"""The array backend: every array computation in glassnet reaches NumPy through ``xp``.

Today ``xp`` is NumPy. A CuPy (GPU) backend is meant to be a change of this module, not a
rewrite of the ops: ops call ``xp.exp``, ``xp.matmul``... and never import NumPy for array math
themselves. Importing glassnet changes nothing in the process: the allocator settings in
``memory.py`` are applied when training starts (see ``tune_malloc``).

Example:

>>> from glassnet.backend import xp, floatx
>>> xp.zeros(2, dtype=floatx()).dtype
dtype('float32')
"""

import numpy as xp

from glassnet.backend.config import (
    backend,
    epsilon,
    floatx,
    fusion_disabled,
    image_data_format,
    is_fusion_enabled,
    set_epsilon,
    set_floatx,
    set_fusion_enabled,
    set_image_data_format,
    standardize_dtype,
)
from glassnet.backend.dtypes import is_float_dtype, is_int_dtype, result_type
from glassnet.backend.random import get_generator, set_random_seed, set_seed
from glassnet.backend.session import clear_session, get_uid, is_keras_tensor

__all__ = [
    "xp",
    "floatx",
    "set_floatx",
    "epsilon",
    "set_epsilon",
    "standardize_dtype",
    "is_fusion_enabled",
    "set_fusion_enabled",
    "fusion_disabled",
    "get_generator",
    "set_seed",
    "set_random_seed",
    "backend",
    "clear_session",
    "get_uid",
    "image_data_format",
    "set_image_data_format",
    "is_float_dtype",
    "is_int_dtype",
    "is_keras_tensor",
    "result_type",
]
