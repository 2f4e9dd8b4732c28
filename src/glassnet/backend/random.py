"""The one random generator that initializers, dropout and shuffling draw from.

Nothing in glassnet touches NumPy's global random state implicitly: every random
draw goes through ``get_generator()`` (or a generator the caller passes in), so
``glassnet.utils.set_random_seed(n)`` makes a run bit-for-bit repeatable.

Example:

>>> import numpy as np
>>> isinstance(get_generator(), np.random.Generator)
True
"""

import random

import numpy as np

_generator = np.random.default_rng()


def get_generator():
    """The shared ``numpy.random.Generator`` every random draw in glassnet comes from.

    Returns:
        The generator (a new one after each ``set_seed``: do not keep it across seeding).

    Example:

    >>> set_seed(0)
    >>> first = get_generator().integers(100)
    >>> set_seed(0)
    >>> bool(get_generator().integers(100) == first)
    True
    """
    return _generator


def set_seed(seed):
    """Re-seed the shared generator; the same seed gives the same stream of draws.

    Args:
        seed: a non-negative integer.

    Raises:
        ValueError: for anything else (negative numbers, floats, bools).

    Example:

    >>> set_seed(1.5)
    Traceback (most recent call last):
    ...
    ValueError: set_seed: expected a non-negative integer seed, got 1.5
    """
    global _generator
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"set_seed: expected a non-negative integer seed, got {seed!r}")
    _generator = np.random.default_rng(int(seed))


def set_random_seed(seed):
    """Seed glassnet's generator (initializers, dropout, shuffling draw from it), and, as Keras
    does for the user's own code, Python's ``random`` and NumPy's legacy global state.

    Args:
        seed: a non-negative integer.

    Example:

    >>> from glassnet.backend.random import get_generator, set_random_seed
    >>> set_random_seed(3); a = get_generator().random()
    >>> set_random_seed(3); a == get_generator().random()
    True
    """
    set_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
