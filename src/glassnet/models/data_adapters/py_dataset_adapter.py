"""``keras.utils.PyDataset``: a dataset written as Python code, one batch per index, loaded by a
pool of threads or processes while the model trains.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> class Squares(keras.utils.PyDataset):
...     def __len__(self):
...         return 3
...     def __getitem__(self, index):
...         x = np.full((2, 1), float(index))
...         return x, x**2
>>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
>>> model.compile("sgd", "mse")
>>> len(model.fit(Squares(workers=2), epochs=2, verbose=0).history["loss"])
2
"""

import concurrent.futures
import itertools
import multiprocessing
import threading
import warnings
from collections import deque

from glassnet.backend import get_generator
from glassnet.models.data_adapters.data_adapter import DataAdapter, standardize_batch
from glassnet.models.data_adapters.generator_data_adapter import _with_class_weight


class PyDataset:
    """Base class for a dataset that gives one whole batch per index.

    Subclasses define ``__len__`` (the number of batches; or the ``num_batches`` property,
    None for an endless dataset) and ``__getitem__(index)`` returning x, (x, y) or
    (x, y, sample_weight). ``on_epoch_begin``/``on_epoch_end`` run before and after each epoch
    of ``fit`` (to reshuffle, for instance). Call ``super().__init__(**kwargs)`` in
    ``__init__``.

    Args:
        workers: how many batches ``fit`` loads at the same time (threads, or processes with
            ``use_multiprocessing``). With 1, one background thread loads the next batch while
            the model trains on the current one.
        use_multiprocessing: load in worker processes (for Python code that holds the GIL);
            the dataset is copied into each process at the start of every epoch, so changes
            ``on_epoch_end`` makes reach the workers.
        max_queue_size: batches loaded ahead at most.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> class Halves(keras.utils.PyDataset):
    ...     def __init__(self, x, batch_size, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.x, self.batch_size = x, batch_size
    ...     def __len__(self):
    ...         return -(-len(self.x) // self.batch_size)
    ...     def __getitem__(self, index):
    ...         rows = self.x[index * self.batch_size : (index + 1) * self.batch_size]
    ...         return rows, rows / 2
    >>> data = Halves(np.arange(5.0)[:, None], batch_size=2)
    >>> len(data), data[2][1].tolist()
    (3, [[2.0]])
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        missing = [
            name
            for name in ("_workers", "_use_multiprocessing", "_max_queue_size")
            if not hasattr(self, name)
        ]
        if missing:
            self._workers = getattr(self, "_workers", 1)
            self._use_multiprocessing = getattr(self, "_use_multiprocessing", False)
            self._max_queue_size = getattr(self, "_max_queue_size", 10)
            warnings.warn(
                f"{type(self).__name__} should call super().__init__(**kwargs) in its "
                f"__init__ (kwargs may hold workers, use_multiprocessing, max_queue_size)",
                stacklevel=3,
            )

    @property
    def workers(self):
        """How many batches are loaded at the same time."""
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self):
        """Whether the workers are processes instead of threads."""
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self):
        """How many batches may be loaded ahead."""
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """The batch at position ``index``."""
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    @property
    def num_batches(self):
        """The number of batches (``len(self)``), or None for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must define __len__ or the num_batches property"
        )

    def __iter__(self):
        count = self.num_batches
        index = 0
        while count is None or index < count:
            yield self[index]
            index += 1

    def on_epoch_begin(self):
        """Called at the start of every epoch of ``fit``."""

    def on_epoch_end(self):
        """Called at the end of every epoch of ``fit``."""


Sequence = PyDataset  # the Keras 2 name


class PyDatasetAdapter(DataAdapter):
    """Iterate a PyDataset by index; ``shuffle=True`` shuffles the order of the batches.

    Args:
        dataset: the PyDataset.
        shuffle: whether to visit the batches in a new order each epoch.
        class_weight: a table from ``data.class_weight_table`` (or None).
        where: the calling method, for messages.

    Example:

    >>> import numpy as np
    >>> class Squares(PyDataset):
    ...     def __len__(self):
    ...         return 3
    ...     def __getitem__(self, index):
    ...         return np.full((2, 1), index**2, "float32"), np.zeros(2)
    >>> adapter = PyDatasetAdapter(Squares())
    >>> adapter.num_batches, adapter.epoch_keys(None), adapter.load(2)[0].ravel().tolist()
    (3, [0, 1, 2], [4.0, 4.0])
    """

    def __init__(self, dataset, shuffle=False, class_weight=None, where="fit()"):
        self.dataset, self.shuffle = dataset, bool(shuffle)
        self.class_weight, self.where = class_weight, where
        workers = int(dataset.workers or 0)
        self.workers = max(workers, 1)
        self.use_multiprocessing = bool(dataset.use_multiprocessing)
        self.max_queue_size = max(int(dataset.max_queue_size or 1), 1)
        self.num_batches = dataset.num_batches
        self.read_ahead = workers >= 1 and not (self.workers > 1 or self.use_multiprocessing)
        if self.num_batches is None and shuffle:
            warnings.warn(
                f"{where}: shuffle=True is ignored for an endless PyDataset (num_batches is "
                f"None); shuffle inside the dataset",
                stacklevel=3,
            )

    indexable = True

    def epoch_order(self):
        if self.shuffle and self.num_batches is not None:
            return get_generator().permutation(self.num_batches)
        return None

    def epoch_keys(self, order):
        if self.num_batches is None:
            return itertools.count()
        return list(range(self.num_batches)) if order is None else [int(i) for i in order]

    def load(self, key):
        batch = self.dataset[key]
        source = f"{type(self.dataset).__name__}.__getitem__({key})"
        return _with_class_weight(
            standardize_batch(batch, self.where, source), self.class_weight, self.where
        )

    def pool(self):
        if self.workers > 1 or self.use_multiprocessing:
            return WorkerPool(self, self.workers, self.use_multiprocessing, self.max_queue_size)
        return None

    def on_epoch_begin(self):
        self.dataset.on_epoch_begin()

    def on_epoch_end(self):
        self.dataset.on_epoch_end()


# -- loading keys in parallel, in order ---------------------------------------------------
_process_adapter = None  # the adapter a worker process loads from (set when the pool starts)


def _process_start(adapter):
    global _process_adapter
    _process_adapter = adapter


def _process_load(key):
    return _process_adapter.load(key)


class WorkerPool:
    """Load ``adapter.load(key)`` for a sequence of keys with several threads or processes,
    keeping at most ``max_queue_size`` loads in flight, and give the results in key order.

    A failed load raises its exception (the worker's message included) from the ``next()``
    that would have returned it; worker processes that die raise ``BrokenProcessPool``
    instead of hanging. Processes start with the dataset as it is when the pool is made.

    Args:
        adapter: the object whose ``load(key)`` is called.
        workers: threads or processes.
        use_multiprocessing: processes instead of threads.
        max_queue_size: loads in flight at most.

    Example (threads):

    >>> class TimesTen:
    ...     def load(self, key):
    ...         return key * 10
    >>> pool = WorkerPool(TimesTen(), workers=2, use_multiprocessing=False, max_queue_size=4)
    >>> list(pool.imap([1, 2, 3]))
    [10, 20, 30]
    >>> pool.close()
    """

    def __init__(self, adapter, workers, use_multiprocessing, max_queue_size):
        self.max_queue_size = max(max_queue_size, workers)
        if use_multiprocessing:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._executor = concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=context, initializer=_process_start, initargs=(adapter,)
            )
            self._load = _process_load
        else:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                workers, thread_name_prefix="glassnet-loader"
            )
            self._load = adapter.load
        self._lock = threading.Lock()

    def imap(self, keys):
        """Results of loading each key, in order, loaded ahead."""
        keys = iter(keys)
        pending = deque()
        try:
            for key in keys:
                pending.append(self._executor.submit(self._load, key))
                if len(pending) >= self.max_queue_size:
                    break
            while pending:
                result = pending.popleft().result()
                for key in keys:
                    pending.append(self._executor.submit(self._load, key))
                    break
                yield result
        finally:
            for future in pending:
                future.cancel()

    def close(self):
        """Stop the workers (queued loads are cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
