"""The contract every data adapter keeps, and the batch every adapter yields.

An adapter turns one kind of input (arrays, a generator, a PyDataset...) into batches. Sources
that can be read in any order (arrays, memory maps, PyDataset, grain's MapDataset) describe an
epoch as a list of *keys* -- row indices or batch indices -- and load a key on demand; that lets
a process of a distributed run read only its own share, and lets a pool of workers load several
keys at once. Sources that can only be read front to back (generators, iterables) give a stream.

Example:

>>> import numpy as np
>>> from glassnet.models.data_adapters.data_adapter import standardize_batch
>>> x, y, w = standardize_batch((np.zeros((2, 3)), [0, 1]), "fit()")
>>> y.dtype.kind, w is None
('i', True)
"""

from collections import namedtuple

import numpy as np

from glassnet.autograd.tensor import Tensor
from glassnet.models import data as data_utils

Batch = namedtuple("Batch", ["data", "local_count", "global_count"])
Batch.__doc__ = """One step's data: ``data`` is (x, y, sample_weight); ``local_count`` the rows this
process holds, ``global_count`` the rows of the whole (global) batch, None until the processes
have agreed on it."""


class DataAdapter:
    """Base class: one kind of input, iterated batch by batch.

    Attributes:
        num_batches: batches in one epoch, or None when unknown (a generator).
        num_samples: rows in one epoch, or None when unknown.
        indexable: True when epochs are lists of keys (``epoch_keys``/``load``), False for
            streams (``stream``).
        row_keys: True when a key is a set of rows that can be split between processes.
        read_ahead: True when loading should run in a background thread (disk, Python code).

    Example (an adapter over arrays, keyed by row slices):

    >>> import numpy as np
    >>> from glassnet.models.data_adapters import get_data_adapter
    >>> adapter = get_data_adapter(np.zeros((10, 2)), np.zeros(10), batch_size=4)
    >>> isinstance(adapter, DataAdapter), adapter.indexable, adapter.row_keys
    (True, True, True)
    >>> keys = adapter.epoch_keys(adapter.epoch_order())
    >>> len(keys), rows(adapter.load(keys[-1]))
    (3, 2)
    """

    num_batches = None
    num_samples = None
    indexable = False
    row_keys = False
    read_ahead = True
    where = "fit()"

    def epoch_order(self):
        """This epoch's order (an index array) or None; drawn once per epoch."""
        return None

    def epoch_keys(self, order):
        """The keys of one epoch, in order (indexable adapters)."""
        raise NotImplementedError

    def load(self, key):
        """The batch (x, y, sample_weight) for one key (indexable adapters)."""
        raise NotImplementedError

    def stream(self):
        """An iterator over the batches of one pass (stream adapters)."""
        raise NotImplementedError

    def pool(self):
        """A worker pool that loads keys in parallel, or None (see PyDatasetAdapter)."""
        return None

    def on_epoch_begin(self):
        """Called before each epoch's first batch."""

    def on_epoch_end(self):
        """Called after each epoch's last batch."""

    def close(self):
        """Release what the adapter holds (worker pools)."""


def rows(data):
    """The number of rows in a batch (x, y, sample_weight), from the first array of x.

    Args:
        data: a batch (x, y, sample_weight); x an array, a Tensor or a structure of arrays.

    Example:

    >>> import numpy as np
    >>> rows((np.zeros((5, 2)), None, None))
    5
    """
    x = data[0]
    if isinstance(x, Tensor):
        return int(x.shape[0]) if x.ndim else 1
    arrays = data_utils.flatten(x)
    if not arrays:
        return 0
    return int(len(arrays[0])) if arrays[0].ndim else 1


def _leaf_to_array(value):
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, np.ndarray) or value is None:
        return value
    if hasattr(value, "numpy") and not hasattr(value, "__array__"):
        value = value.numpy()
    return np.asarray(value)


def _convert(value, where, name):
    if value is None:
        return None
    if isinstance(value, (np.ndarray, Tensor)):
        return _leaf_to_array(value)
    return data_utils.to_arrays(value, where, name)


def standardize_batch(batch, where, source="the data"):
    """(x, y, sample_weight) as NumPy data from a batch given as x, (x,), (x, y), (x, y, w), a
    list of those, or a dict holding the inputs.

    Args:
        batch: what a generator, PyDataset or dataset produced.
        where: the calling method, for messages.
        source: what produced it, for messages ("PyDataset.__getitem__(3)").

    Returns:
        a 3-tuple; y and sample_weight may be None.

    Example:

    >>> import numpy as np
    >>> x, y, w = standardize_batch(({"a": np.zeros((2, 1))}, [0, 1]), "fit()")
    >>> list(x), y, w
    (['a'], array([0, 1]), None)
    """
    if isinstance(batch, list):  # as Keras: a list is read as the tuple (x, y, ...)
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        batch = (batch,)
    if len(batch) not in (1, 2, 3):
        raise ValueError(
            f"{where}: {source} must give x, (x,), (x, y) or (x, y, sample_weight); got a "
            f"tuple of {len(batch)}"
        )
    x = _convert(batch[0], where, "x")
    if x is None:
        raise ValueError(f"{where}: {source} gave a batch whose x is None")
    y = _convert(batch[1], where, "y") if len(batch) > 1 else None
    weight = batch[2] if len(batch) > 2 else None
    if weight is not None:
        weight = np.asarray(_leaf_to_array(weight), dtype=np.float32)
    return x, y, weight
