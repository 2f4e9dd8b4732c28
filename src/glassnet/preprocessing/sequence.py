"""``keras.preprocessing.sequence``: padding lists of different lengths.

Example:

>>> from glassnet.preprocessing.sequence import pad_sequences
>>> pad_sequences([[1, 2], [3]]).tolist()
[[1, 2], [0, 3]]
"""

from glassnet.utils.data_utils import pad_sequences

__all__ = ["pad_sequences"]
