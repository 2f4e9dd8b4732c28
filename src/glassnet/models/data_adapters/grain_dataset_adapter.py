"""grain's datasets (``pip install "glassnet[grain]"``): ``grain.MapDataset`` is read by index,
like a PyDataset; ``grain.IterDataset`` and ``grain.DataLoader`` are read as iterables.

The elements must already be batches (``dataset.batch(32)``), as Keras expects.

Example:

>>> from glassnet.models.data_adapters.grain_dataset_adapter import is_grain_dataset
>>> is_grain_dataset([1, 2])
False
"""

from glassnet.backend import get_generator
from glassnet.models.data_adapters.data_adapter import DataAdapter, standardize_batch


def is_grain_dataset(value):
    """True for grain's MapDataset, IterDataset and DataLoader (found without importing grain).

    Args:
        value: anything.
    """
    return any(
        parent.__name__ in ("MapDataset", "IterDataset", "DataLoader")
        and "grain" in str(parent.__module__)
        for parent in type(value).__mro__
    )


def is_grain_map_dataset(value):
    """True for a grain MapDataset (random access by index).

    Args:
        value: anything.

    Example:

    >>> is_grain_map_dataset([1, 2])
    False
    """
    return any(
        parent.__name__ == "MapDataset" and "grain" in str(parent.__module__)
        for parent in type(value).__mro__
    )


class GrainMapDatasetAdapter(DataAdapter):
    """A grain MapDataset of batches, read by index (so each process of a distributed run
    reads only its own batches, and ``shuffle=True`` visits them in a new order).

    Args:
        dataset: a ``grain.MapDataset`` whose elements are batches.
        shuffle: whether to visit the batches in a new order each epoch.
        where: the calling method, for messages.

    Example:

    >>> import grain
    >>> import numpy as np
    >>> batches = grain.MapDataset.source([(np.zeros((2, 3)), np.zeros(2))] * 3)
    >>> adapter = GrainMapDatasetAdapter(batches, shuffle=True)
    >>> adapter.num_batches, sorted(adapter.epoch_keys(adapter.epoch_order()))
    (3, [0, 1, 2])
    >>> adapter.load(0)[0].shape
    (2, 3)
    """

    indexable = True

    def __init__(self, dataset, shuffle=False, where="fit()"):
        self.dataset, self.shuffle, self.where = dataset, bool(shuffle), where
        self.num_batches = len(dataset)

    def epoch_order(self):
        if not self.shuffle:
            return None

        return get_generator().permutation(self.num_batches)

    def epoch_keys(self, order):
        return list(range(self.num_batches)) if order is None else [int(i) for i in order]

    def load(self, key):
        return standardize_batch(self.dataset[key], self.where, f"grain.MapDataset[{key}]")
