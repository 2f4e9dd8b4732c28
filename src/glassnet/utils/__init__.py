"""Helpers with Keras's names."""
from glassnet.utils.random import set_random_seed

__all__ = ["set_random_seed"]
