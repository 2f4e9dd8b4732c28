"""The array backend: every array computation in glassnet reaches NumPy through ``xp``.

Today ``xp`` is NumPy. A CuPy (GPU) backend is meant to be a change of this
module, not a rewrite of the ops: ops call ``xp.exp``, ``xp.matmul``... and
never import NumPy for array math themselves.
"""

import numpy as xp

from glassnet.backend.config import epsilon, floatx, set_epsilon, set_floatx, standardize_dtype
from glassnet.backend.memory import tune_malloc
from glassnet.backend.random import get_generator, set_seed

tune_malloc()  # reuse freed memory for the large per-step temporaries (see backend/memory.py)

__all__ = [
    "xp",
    "floatx",
    "set_floatx",
    "epsilon",
    "set_epsilon",
    "standardize_dtype",
    "get_generator",
    "set_seed",
]
