"""Helpers with Keras's names."""

from glassnet.utils.data_utils import normalize, pad_sequences, to_categorical
from glassnet.backend.naming import clear_session
from glassnet.utils.random import set_random_seed

__all__ = ["set_random_seed", "to_categorical", "normalize", "pad_sequences", "clear_session"]
