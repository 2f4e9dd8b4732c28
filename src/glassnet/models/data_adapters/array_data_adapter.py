"""Arrays in memory, and memory-mapped arrays read from disk batch by batch.

Example:

>>> import numpy as np
>>> from glassnet.models.data_adapters.array_data_adapter import ArrayDataAdapter
>>> adapter = ArrayDataAdapter(np.arange(10.0)[:, None], np.arange(10), batch_size=4)
>>> adapter.num_batches, [len(adapter.load(key)[0]) for key in adapter.epoch_keys(None)]
(3, [4, 4, 2])
"""

import mmap

import numpy as np

from glassnet.backend import get_generator
from glassnet.models import data as data_utils
from glassnet.models.data_adapters.data_adapter import DataAdapter


class ArrayDataAdapter(DataAdapter):
    """NumPy arrays (or lists/dicts of them) already in memory, sliced row by row.

    Args:
        x, y, sample_weight: the converted arrays (see ``glassnet.models.data.to_arrays``).
        batch_size: rows per batch (None: 32, or enough for ``steps`` batches).
        steps: the steps the caller asked for, used only to infer a missing batch size.
        shuffle: False, True (a new permutation of the rows each epoch) or "batch" (the order
            of batch-sized blocks is shuffled, the rows in a block stay together).
        class_weight: a table from ``data.class_weight_table`` (or None).
        where: the calling method, for messages.

    Example:

    >>> import numpy as np
    >>> adapter = ArrayDataAdapter(np.arange(5.0), batch_size=2)
    >>> adapter.epoch_keys(None)
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    >>> adapter.load(slice(0, 2))
    (array([0., 1.]), None, None)
    """

    indexable = True
    row_keys = True
    read_ahead = False

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        steps=None,
        shuffle=False,
        class_weight=None,
        where="fit()",
    ):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.class_weight, self.shuffle, self.where = class_weight, shuffle, where
        self.num_samples = data_utils.num_samples(x, where, "x")
        if batch_size is None:
            batch_size = -(-self.num_samples // steps) if steps else 32
        self.batch_size = max(int(batch_size), 1)
        self.num_batches = -(-self.num_samples // self.batch_size)

    def epoch_order(self):
        if self.shuffle == "batch":
            return get_generator().permutation(self.num_batches)
        if self.shuffle:
            return get_generator().permutation(self.num_samples)
        return None

    def epoch_keys(self, order):
        size, n = self.batch_size, self.num_samples
        if order is None:
            return [slice(start, min(start + size, n)) for start in range(0, n, size)]
        if self.shuffle == "batch":
            return [slice(b * size, min(b * size + size, n)) for b in order]
        return [order[start : start + size] for start in range(0, n, size)]

    def _rows(self, array, key):
        return array[key]

    def load(self, key):
        x = data_utils.take(self.x, key)
        y = data_utils.take(self.y, key)
        weight = None if self.sample_weight is None else self.sample_weight[key]
        if self.class_weight is not None:
            labels = y if not isinstance(y, (list, dict)) else data_utils.flatten(y)[0]
            class_weights = data_utils.class_weights_to_sample_weights(
                labels, self.class_weight, self.where
            )
            weight = class_weights if weight is None else weight * class_weights
        return x, y, weight


class MemmapDataAdapter(ArrayDataAdapter):
    """Memory-mapped arrays (``np.load(path, mmap_mode="r")``, ``np.memmap``): each batch is
    read from disk when it is needed and never the whole array.

    Shuffling is by batch index: the blocks of ``batch_size`` consecutive rows come in a new
    order every epoch, so every read is one contiguous range of the file. NaN and infinite
    values are looked for in each batch as it is read.

    Args:
        *args, **kwargs: those of ``ArrayDataAdapter``; shuffle=True becomes "batch".

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "x.npy")
    >>> np.save(path, np.arange(6.0).reshape(3, 2))
    >>> adapter = MemmapDataAdapter(np.load(path, mmap_mode="r"), batch_size=2, shuffle=True)
    >>> adapter.shuffle, type(adapter.load(slice(0, 2))[0]).__name__
    ('batch', 'ndarray')
    """

    read_ahead = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.shuffle:
            self.shuffle = "batch"

    def load(self, key):
        x, y, weight = super().load(key)
        x = _in_memory(x)
        y = _in_memory(y)
        if isinstance(key, slice):
            for array in data_utils.flatten(self.x) + data_utils.flatten(self.y):
                release_rows(array, key)
        data_utils.check_finite(x, self.where, "x")
        data_utils.check_finite(y, self.where, "y")
        return x, y, weight


def _in_memory(data):
    """Plain arrays from memmap slices, so that later steps never touch the file again."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _in_memory(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_in_memory(v) for v in data]
    return np.array(data, copy=True) if isinstance(data, np.memmap) else data


def release_rows(array, rows):
    """Tell the kernel this process is done with the pages holding ``array[rows]`` of a memory
    map (``madvise(MADV_DONTNEED)``): they stay in the page cache but stop counting in the
    process's resident memory, so one epoch over a file larger than RAM does not look like it
    loaded the file. Best effort: nothing happens where the platform lacks madvise.

    Args:
        array: an array; only a C-contiguous ``np.memmap`` is acted on.
        rows: a slice of the rows that are done with.
    """
    mapping = getattr(array, "_mmap", None)
    if mapping is None or not hasattr(mapping, "madvise") or not array.flags.c_contiguous:
        return
    start, stop, _ = rows.indices(len(array))
    if stop <= start:
        return
    row_bytes = array.strides[0]
    base = np.frombuffer(mapping, dtype=np.uint8).ctypes.data
    first = array.ctypes.data - base + start * row_bytes
    last = first + (stop - start) * row_bytes
    page = mmap.PAGESIZE
    first = -(-first // page) * page  # whole pages inside the range only
    last = last // page * page
    if last > first:
        try:
            mapping.madvise(mmap.MADV_DONTNEED, first, last - first)
        except (OSError, ValueError):
            pass


def has_memmap(data):
    """True when any array in the structure is memory-mapped.

    Args:
        data: an array, a structure of arrays, or None.

    Example:

    >>> import numpy as np
    >>> has_memmap([np.zeros(2)])
    False
    """
    return any(isinstance(a, np.memmap) for a in data_utils.flatten(data))
