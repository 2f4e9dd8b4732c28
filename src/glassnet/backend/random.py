"""The one random generator that initializers, dropout and shuffling draw from.

Nothing in glassnet touches NumPy's global random state implicitly: every random
draw goes through ``get_generator()`` (or a generator the caller passes in), so
``glassnet.utils.set_random_seed(n)`` makes a run bit-for-bit repeatable.
"""

import numpy as np

_generator = np.random.default_rng()


def get_generator():
    """The shared ``numpy.random.Generator``."""
    return _generator


def set_seed(seed):
    """Re-seed the shared generator; the same seed gives the same stream of draws."""
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"set_seed: expected a non-negative integer seed, got {seed!r}")
    _generator = np.random.default_rng(int(seed))
