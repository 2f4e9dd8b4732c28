"""Each process of a DataParallel run reads only its share of every global batch.

- Row-keyed sources (arrays, memory maps): ``batch_size`` is the global batch; each process
  loads only its contiguous share of the batch's rows (``DataParallel.shard``), so a memory map
  is read once in total, not once per process.
- Batch-keyed sources (PyDataset, grain MapDataset): one step takes as many consecutive batches
  as there are processes; process r loads only batches r, r + P, r + 2P, ... of the epoch's
  order.
- Streams (generators, iterables): every process runs its own copy of the source and keeps the
  batches r, r + P, ... (a generator cannot skip without producing).

The gradient of a step is weighted by each process's row count (``DataParallel.average_gradients``),
so unequal shares give the gradient of the whole global batch. A process with no rows in a step
(a last batch smaller than the number of processes) still takes part with a weight of zero.

Example:

>>> import numpy as np
>>> from glassnet.models.data_adapters.distributed import batches_for_this_process
>>> from glassnet.models.data_adapters.array_data_adapter import ArrayDataAdapter
>>> [b.local_count for b in batches_for_this_process(ArrayDataAdapter(np.zeros((5, 1))), None)]
[5]
"""

import itertools

from glassnet.models import data as data_utils
from glassnet.models.data_adapters.data_adapter import Batch, rows


def _loads(adapter, keys):
    """``adapter.load`` over ``keys``, by the adapter's worker pool where it has one."""
    pool = adapter.pool()
    if pool is None:
        for key in keys:
            yield adapter.load(key)
        return
    try:
        yield from pool.imap(keys)
    finally:
        pool.close()


def batches_for_this_process(adapter, order, dist=None, first_step=0):
    """The Batches of one pass over ``adapter`` for this process, starting at ``first_step``.

    Args:
        adapter: a DataAdapter.
        order: the pass's order from ``adapter.epoch_order()`` (the same on every process).
        dist: the DataParallel distribution, or None for one process.
        first_step: steps to skip (resuming inside an epoch).

    Returns:
        a generator of ``Batch``; ``global_count`` is None where the processes still have to
        agree on it (batch-keyed sources and streams).

    Example (one process):

    >>> import numpy as np
    >>> from glassnet.models.data_adapters import get_data_adapter
    >>> adapter = get_data_adapter(np.arange(5.0), batch_size=2)
    >>> batches = batches_for_this_process(adapter, None)
    >>> [(batch.local_count, batch.global_count) for batch in batches]
    [(2, 2), (2, 2), (1, 1)]
    """
    if dist is None or dist.size == 1:
        if adapter.indexable:
            keys = itertools.islice(adapter.epoch_keys(order), first_step, None)
            loads = _loads(adapter, keys)
        else:
            loads = itertools.islice(adapter.stream(), first_step, None)
        for data in loads:
            count = rows(data)
            yield Batch(data, count, count)
        return
    if adapter.row_keys:
        for key in adapter.epoch_keys(order)[first_step:]:
            local = dist.shard(key)
            global_count = (
                len(range(adapter.num_samples)[key]) if isinstance(key, slice) else len(key)
            )
            local_count = (
                len(range(adapter.num_samples)[local]) if isinstance(local, slice) else len(local)
            )
            if local_count == 0:  # a stand-in row, weighted zero: see the module's notes
                data = adapter.load(key[:1] if not isinstance(key, slice) else _first(key))
            else:
                data = adapter.load(local)
            yield Batch(data, local_count, global_count)
        return
    size, rank = dist.size, dist.rank
    if adapter.indexable:
        keys = itertools.islice(adapter.epoch_keys(order), first_step * size + rank, None, size)
        loads = _loads(adapter, keys)
    else:
        loads = itertools.islice(adapter.stream(), first_step * size + rank, None, size)
    for data in loads:
        yield Batch(data, rows(data), None)


def _first(key):
    return slice(key.start or 0, (key.start or 0) + 1)


def stand_in(data):
    """The first row of a batch, kept to take part in steps where this process has no rows.

    Args:
        data: a batch (x, y, sample_weight).

    Example:

    >>> import numpy as np
    >>> stand_in((np.arange(3.0), np.arange(3), None))
    (array([0.]), array([0]), None)
    """
    x, y, weight = data
    first = slice(0, 1)
    return (
        data_utils.take(x, first),
        data_utils.take(y, first),
        None if weight is None else weight[first],
    )
