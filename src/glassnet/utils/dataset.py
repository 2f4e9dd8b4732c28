"""A small dataset object in the shape of ``tf.data.Dataset``: what the folder loaders return.

It is lazy: each ``iter()`` runs the pipeline again from its source, so ``fit`` can iterate it
once per epoch. Elements are NumPy arrays, or tuples/dicts of them; the methods the keras.io
tutorials call are here: ``map``, ``filter``, ``shuffle``, ``batch``, ``unbatch``,
``prefetch``, ``cache``, ``repeat``, ``take``, ``skip``, ``concatenate``, ``zip``,
``enumerate``, ``as_numpy_iterator``, ``cardinality``. ``AUTOTUNE`` stands in for
``tf.data.AUTOTUNE``.

Example:

>>> import numpy as np
>>> from glassnet.utils.dataset import Dataset
>>> data = Dataset.from_tensor_slices((np.arange(5.0), np.arange(5) % 2))
>>> [x.tolist() for x, y in data.map(lambda x, y: (x * 10, y)).batch(2)]
[[0.0, 10.0], [20.0, 30.0], [40.0]]
>>> len(data.batch(2)), len(data.take(3))
(3, 3)
"""

import concurrent.futures
import itertools
from collections import deque

import numpy as np

from glassnet.autograd.tensor import Tensor
from glassnet.backend import get_generator

AUTOTUNE = -1
INFINITE = -1
UNKNOWN = -2


def _leaves_map(fn, element):
    if isinstance(element, tuple):
        return tuple(_leaves_map(fn, e) for e in element)
    if isinstance(element, list):
        return [_leaves_map(fn, e) for e in element]
    if isinstance(element, dict):
        return {k: _leaves_map(fn, v) for k, v in element.items()}
    return fn(element)


def _to_numpy(value):
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (str, bytes)):
        return value
    return np.asarray(value)


def _stack(elements):
    first = elements[0]
    if isinstance(first, tuple):
        return tuple(_stack([e[i] for e in elements]) for i in range(len(first)))
    if isinstance(first, list):
        return [_stack([e[i] for e in elements]) for i in range(len(first))]
    if isinstance(first, dict):
        return {k: _stack([e[k] for e in elements]) for k in first}
    if isinstance(first, (str, bytes)):
        return np.array(elements, dtype=object)
    return np.stack([np.asarray(e) for e in elements])


def _rows(element):
    """The elements of a batch, one per row."""
    if isinstance(element, (tuple, list, dict)):
        parts = list(element.values()) if isinstance(element, dict) else list(element)
        count = len(_rows(parts[0]))
        rows = [_index(element, i) for i in range(count)]
        return rows
    return list(np.asarray(element))


def _index(element, i):
    if isinstance(element, tuple):
        return tuple(_index(e, i) for e in element)
    if isinstance(element, list):
        return [_index(e, i) for e in element]
    if isinstance(element, dict):
        return {k: _index(v, i) for k, v in element.items()}
    return element[i]


class Dataset:
    """A lazy, re-iterable sequence of elements built from a source and transformations.

    Args:
        make_iterator: a function returning a new iterator over the elements.
        cardinality: the number of elements, ``INFINITE`` (-1) or ``UNKNOWN`` (-2).
        class_names: kept through transformations (the folder loaders set it).
        file_paths: the files behind the elements, where they come from files.

    Example:

    >>> import numpy as np
    >>> dataset = Dataset.from_tensor_slices(np.arange(5)).map(lambda v: v * 2).batch(2)
    >>> [batch.tolist() for batch in dataset], dataset.cardinality()
    ([[0, 2], [4, 6], [8]], 3)
    """

    AUTOTUNE = AUTOTUNE
    INFINITE = INFINITE
    UNKNOWN = UNKNOWN
    orders_itself = True  # its order is the pipeline's (.shuffle()); fit's shuffle leaves it be

    def __init__(self, make_iterator, cardinality=UNKNOWN, class_names=None, file_paths=None):
        self._make_iterator = make_iterator
        self._cardinality = int(cardinality)
        self.class_names = class_names
        self.file_paths = file_paths

    def _derived(self, make_iterator, cardinality):
        return Dataset(make_iterator, cardinality, self.class_names, self.file_paths)

    # -- sources -------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(data):
        """One element per row of ``data`` (an array, or a tuple/dict of arrays of equal length).

        Example:

        >>> import numpy as np
        >>> from glassnet.utils.dataset import Dataset
        >>> [int(v) for v in Dataset.from_tensor_slices(np.arange(3))]
        [0, 1, 2]
        """
        data = _leaves_map(lambda v: v if isinstance(v, np.ndarray) else _to_numpy(v), data)
        if isinstance(data, list):
            data = tuple(data)
        leaves = []
        _leaves_map(leaves.append, data)
        lengths = {len(leaf) for leaf in leaves}
        if len(lengths) != 1:
            raise ValueError(
                f"Dataset.from_tensor_slices: every array needs the same number of rows, got "
                f"{sorted(lengths)}"
            )
        count = lengths.pop()
        return Dataset(lambda: (_index(data, i) for i in range(count)), count)

    @staticmethod
    def from_tensors(data):
        """A dataset of one element: ``data`` itself."""
        return Dataset(lambda: iter([data]), 1)

    @staticmethod
    def from_generator(generator, output_signature=None, args=None):
        """The elements a generator function yields (called again for each iteration)."""
        if not callable(generator):
            raise TypeError("Dataset.from_generator: generator must be a function to call")
        return Dataset(lambda: iter(generator(*(args or ()))), UNKNOWN)

    @staticmethod
    def range(*args):
        """Integers as ``range(*args)`` gives them."""
        values = range(*args)
        return Dataset(lambda: (np.int64(v) for v in values), len(values))

    @staticmethod
    def zip(*datasets):
        """Elements that are tuples of one element from each dataset."""
        if len(datasets) == 1 and isinstance(datasets[0], tuple):
            datasets = datasets[0]
        counts = [d._cardinality for d in datasets]
        finite = [c for c in counts if c >= 0]
        count = min(finite) if finite else (UNKNOWN if UNKNOWN in counts else INFINITE)
        first = datasets[0]
        return first._derived(lambda: zip(*[iter(d) for d in datasets]), count)

    # -- iteration -------------------------------------------------------------------------------
    def __iter__(self):
        return iter(self._make_iterator())

    def __len__(self):
        if self._cardinality < 0:
            raise TypeError("this dataset's length is unknown or infinite (see cardinality())")
        return self._cardinality

    def cardinality(self):
        """The number of elements; -1 for infinite, -2 for unknown."""
        return self._cardinality

    def as_numpy_iterator(self):
        """An iterator over the elements (already NumPy arrays)."""
        return iter(self)

    def __repr__(self):
        count = {INFINITE: "infinite", UNKNOWN: "unknown"}.get(self._cardinality)
        return f"<Dataset cardinality={count or self._cardinality}>"

    # -- transformations -------------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """``map_func`` applied to each element (its members as arguments when it is a tuple).

        With ``num_parallel_calls`` (or ``AUTOTUNE``) a pool of threads maps several elements
        at once, in order.
        """

        def apply(element):
            out = map_func(*element) if isinstance(element, tuple) else map_func(element)
            return _leaves_map(_to_numpy, out)

        workers = num_parallel_calls
        if workers == AUTOTUNE:
            workers = 4
        if not workers or workers <= 1:
            return self._derived(lambda: map(apply, iter(self)), self._cardinality)
        return self._derived(
            lambda: _ordered_parallel_map(apply, iter(self), workers), self._cardinality
        )

    def filter(self, predicate):
        """The elements for which ``predicate`` is true."""

        def keep(element):
            result = predicate(*element) if isinstance(element, tuple) else predicate(element)
            return bool(np.asarray(_to_numpy(result)))

        return self._derived(lambda: filter(keep, iter(self)), UNKNOWN)

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None):
        """Consecutive elements stacked into batches of ``batch_size`` (the last may be smaller)."""
        if int(batch_size) < 1:
            raise ValueError(f"Dataset.batch: batch_size must be >= 1, got {batch_size}")
        size = int(batch_size)

        def batches():
            iterator = iter(self)
            while True:
                chunk = list(itertools.islice(iterator, size))
                if not chunk or (drop_remainder and len(chunk) < size):
                    return
                yield _stack(chunk)

        count = self._cardinality
        if count >= 0:
            count = count // size if drop_remainder else -(-count // size)
        return self._derived(batches, count)

    def unbatch(self):
        """The rows of each batch as separate elements."""

        def rows():
            for element in self:
                yield from _rows(element)

        return self._derived(rows, UNKNOWN if self._cardinality != INFINITE else INFINITE)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Elements in random order, drawn from a buffer of ``buffer_size`` (as tf.data does).

        Without a seed the order comes from glassnet's generator (``set_random_seed``).
        """
        buffer_size = max(int(buffer_size), 1)
        seeds = np.random.default_rng(seed) if seed is not None else None
        fixed = None if reshuffle_each_iteration else _draw_seed(seeds)

        def shuffled():
            rng = np.random.default_rng(fixed if fixed is not None else _draw_seed(seeds))
            buffer = []
            for element in self:
                if len(buffer) < buffer_size:
                    buffer.append(element)
                    continue
                i = int(rng.integers(len(buffer)))
                buffer[i], element = element, buffer[i]
                yield element
            for i in rng.permutation(len(buffer)):
                yield buffer[i]

        return self._derived(shuffled, self._cardinality)

    def prefetch(self, buffer_size=AUTOTUNE, name=None):
        """Elements prepared ahead in a background thread."""
        from glassnet.models.data_adapters.prefetch import Prefetcher

        depth = 2 if buffer_size in (None, AUTOTUNE) else max(int(buffer_size), 1)
        return self._derived(lambda: Prefetcher(iter(self), depth), self._cardinality)

    def cache(self, filename="", name=None):
        """Elements kept in memory after the first full pass (``filename`` is not supported)."""
        if filename:
            raise ValueError("Dataset.cache: only the in-memory cache (filename='') is supported")
        stored = []
        complete = []

        def cached():
            if complete:
                yield from stored
                return
            stored.clear()
            for element in self:
                stored.append(element)
                yield element
            complete.append(True)

        return self._derived(cached, self._cardinality)

    def repeat(self, count=None):
        """The elements ``count`` times over (forever with None)."""

        def repeated():
            for _ in itertools.count() if count is None or count < 0 else range(count):
                yield from self

        if count is None or count < 0:
            cardinality = INFINITE if self._cardinality != 0 else 0
        else:
            cardinality = self._cardinality * count if self._cardinality >= 0 else self._cardinality
        return self._derived(repeated, cardinality)

    def take(self, count):
        """The first ``count`` elements (all with -1)."""
        count = int(count)
        if count < 0:
            return self
        cardinality = min(count, self._cardinality) if self._cardinality >= 0 else count
        if self._cardinality == UNKNOWN:
            cardinality = UNKNOWN
        return self._derived(lambda: itertools.islice(iter(self), count), cardinality)

    def skip(self, count):
        """All but the first ``count`` elements."""
        count = int(count)
        cardinality = (
            max(self._cardinality - count, 0) if self._cardinality >= 0 else self._cardinality
        )
        return self._derived(lambda: itertools.islice(iter(self), count, None), cardinality)

    def concatenate(self, dataset):
        """This dataset's elements, then ``dataset``'s."""
        counts = (self._cardinality, dataset._cardinality)
        if INFINITE in counts:
            count = INFINITE
        elif UNKNOWN in counts:
            count = UNKNOWN
        else:
            count = sum(counts)
        return self._derived(lambda: itertools.chain(iter(self), iter(dataset)), count)

    def enumerate(self, start=0):
        """Elements as (index, element) pairs."""
        return self._derived(
            lambda: ((np.int64(i), e) for i, e in enumerate(iter(self), start)), self._cardinality
        )

    def rebatch(self, batch_size, drop_remainder=False):
        """The same rows in batches of a new size."""
        return self.unbatch().batch(batch_size, drop_remainder)


def _draw_seed(seeds):
    source = seeds if seeds is not None else get_generator()
    return int(source.integers(2**63 - 1))


def _ordered_parallel_map(fn, iterator, workers):
    """``map(fn, iterator)`` by a thread pool, in order, a few elements ahead."""
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        pending = deque()
        for element in iterator:
            pending.append(pool.submit(fn, element))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
