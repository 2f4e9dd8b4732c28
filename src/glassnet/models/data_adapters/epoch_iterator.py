"""Steps and epochs over a data adapter, with Keras 3's rules.

- Without ``steps_per_epoch`` an epoch is one pass over the data (a generator: until it ends).
- With ``steps_per_epoch`` the pass goes on across epochs; when data of known length runs out
  before the epoch's steps are done, the epoch ends early with a warning and the next one starts
  a new pass, as in Keras.
- Sources that may read slowly (memory maps, PyDatasets, generators) are timed on their first
  batches; when a batch takes longer to make than ``READ_AHEAD_MIN_SECONDS`` the rest are read
  ahead in a background thread (``Prefetcher``) while the model computes.

Example:

>>> import numpy as np
>>> from glassnet.models.data_adapters import get_data_adapter
>>> from glassnet.models.data_adapters.epoch_iterator import EpochIterator
>>> adapter = get_data_adapter(np.arange(16.0)[:, None], np.zeros(16), batch_size=4)
>>> iterator = EpochIterator(adapter, steps_per_epoch=2)
>>> [[int(b.data[0][0, 0]) for _, b in iterator.epoch()] for _ in range(3)]
[[0, 4], [8, 12], [0, 4]]
"""

import time
import warnings

from glassnet.models.data_adapters.data_adapter import Batch
from glassnet.models.data_adapters.distributed import batches_for_this_process, stand_in
from glassnet.models.data_adapters.prefetch import Prefetcher

PREFETCH_DEPTH = 2
READ_AHEAD = True  # False reads every batch in the training thread (for measurements)
# A batch that takes longer than this to make is read ahead in a thread; a cheaper one is not,
# since handing it from thread to thread would cost more than making it.
READ_AHEAD_MIN_SECONDS = 0.5e-3
PROBE_BATCHES = 3


class EpochIterator:
    """The batches of each epoch, for ``fit``, ``evaluate`` and ``predict``.

    Args:
        adapter: a DataAdapter.
        steps_per_epoch: steps per epoch, or None for one pass.
        dist: the DataParallel distribution, or None.
        where: the calling method, for messages.

    Example:

    >>> import numpy as np
    >>> from glassnet.models.data_adapters import get_data_adapter
    >>> iterator = EpochIterator(get_data_adapter(np.arange(5.0), batch_size=2))
    >>> iterator.num_batches, [(step, batch.local_count) for step, batch in iterator.epoch()]
    (3, [(0, 2), (1, 2), (2, 1)])
    """

    def __init__(self, adapter, steps_per_epoch=None, dist=None, where="fit()"):
        self.adapter, self.steps_per_epoch, self.where = adapter, steps_per_epoch, where
        self.dist = dist if dist is not None and dist.size > 1 else None
        self.order = None
        self._iterator = None
        self._steps_in_pass = 0
        self._stand_in = None
        self._slow_source = None  # unknown until the first batches are timed
        self.pass_length = adapter.num_batches
        if self.dist is not None and not adapter.row_keys and adapter.num_batches is not None:
            self.pass_length = -(-adapter.num_batches // self.dist.size)

    @property
    def num_batches(self):
        """Steps per epoch, or None while unknown."""
        if self.steps_per_epoch:
            return self.steps_per_epoch
        return self.pass_length

    def _start_pass(self, order=None, first_step=0, draw=True):
        self.close()
        if order is None and draw:
            order = self.adapter.epoch_order()
            if order is not None and self.dist is not None:
                order = self.dist.broadcast_array(order)
        self.order = order
        batches = batches_for_this_process(self.adapter, order, self.dist, first_step)
        if not (self.adapter.read_ahead and READ_AHEAD) or self._slow_source is False:
            self._iterator = batches
        elif self._slow_source:
            self._iterator = Prefetcher(batches, PREFETCH_DEPTH)
        else:
            self._iterator = _Probe(batches, self)
        self._steps_in_pass = first_step

    def _next(self):
        try:
            batch = next(self._iterator)
        except StopIteration:
            batch = None
        if self.dist is None or (batch is not None and batch.global_count is not None):
            return batch
        local = 0 if batch is None else batch.local_count
        total = self.dist.sum_count(local)
        if total == 0:
            return None
        if batch is None:
            if self._stand_in is None:
                raise ValueError(
                    f"{self.where}: process {self.dist.rank} of {self.dist.size} got no batch "
                    f"at all; the data has fewer batches than there are processes"
                )
            return Batch(self._stand_in, 0, total)
        self._stand_in = stand_in(batch.data)
        return Batch(batch.data, local, total)

    def epoch(self, resume_order=None, first_step=0):
        """Yield ``(step, Batch)`` for one epoch.

        Args:
            resume_order: the order of an interrupted epoch to continue (BackupAndRestore).
            first_step: the step to continue from.
        """
        self.adapter.on_epoch_begin()
        if first_step:
            self._start_pass(resume_order, first_step, draw=False)
        elif (
            self._iterator is None
            or not self.steps_per_epoch
            or (self.pass_length is not None and self._steps_in_pass >= self.pass_length)
        ):
            self._start_pass()
        step = first_step
        while not self.steps_per_epoch or step < self.steps_per_epoch:
            batch = self._next()
            if batch is None:
                self.close()
                if self.steps_per_epoch:
                    warnings.warn(
                        f"{self.where}: the data ran out after {step} of steps_per_epoch="
                        f"{self.steps_per_epoch} steps; the epoch ends early. Give at least "
                        f"steps_per_epoch * epochs batches (for a dataset, .repeat())",
                        stacklevel=4,
                    )
                break
            self._steps_in_pass += 1
            yield step, batch
            step += 1
        if self.pass_length is None and self._iterator is None:
            self.pass_length = self._steps_in_pass if step else None
        self.adapter.on_epoch_end()

    def close(self):
        """Stop any background reading and close the current pass."""
        iterator, self._iterator = self._iterator, None
        if iterator is not None:
            iterator.close()


class _Probe:
    """Time the first batches of a source; if they are slow, read the rest ahead in a thread
    (and remember the verdict for the following passes)."""

    def __init__(self, batches, owner):
        self._batches, self._owner = batches, owner
        self._seconds, self._count = 0.0, 0
        self._reader = None

    def __iter__(self):
        return self

    def __next__(self):
        if self._reader is not None:
            return next(self._reader)
        start = time.perf_counter()
        batch = next(self._batches)
        self._seconds += time.perf_counter() - start
        self._count += 1
        if self._count == PROBE_BATCHES:
            slow = self._seconds / self._count > READ_AHEAD_MIN_SECONDS
            self._owner._slow_source = slow
            if slow:
                self._reader = Prefetcher(self._batches, PREFETCH_DEPTH)
        return batch

    def close(self):
        if self._reader is not None:
            self._reader.close()  # it closes the source once its thread has stopped
            return
        close = getattr(self._batches, "close", None)
        if close is not None:
            close()
