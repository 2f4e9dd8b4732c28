"""Seeding, as ``keras.utils.set_random_seed`` (implemented in ``glassnet.backend.random``)."""

from glassnet.backend.random import set_random_seed

__all__ = ["set_random_seed"]
