"""Seeding, as ``keras.utils.set_random_seed``."""

import random

import numpy as np

from glassnet.backend import set_seed


def set_random_seed(seed):
    """Seed glassnet's generator (initializers, dropout, shuffling draw from it), and, as Keras
    does for the user's own code, Python's ``random`` and NumPy's legacy global state."""
    set_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
