"""Batches prepared in a background thread while the model computes on the previous one.

NumPy's matrix products, file reads and ``time.sleep`` release the GIL, so a batch that takes as
long to load as a step takes to compute costs nearly nothing on top: the epoch lasts about the
longer of the two, not their sum.

Example:

>>> from glassnet.models.data_adapters.prefetch import Prefetcher
>>> with Prefetcher(iter(range(5)), depth=2) as batches:
...     list(batches)
[0, 1, 2, 3, 4]
"""

import queue
import threading

_DONE = object()


class _Failure:
    def __init__(self, error):
        self.error = error


class Prefetcher:
    """Iterate ``source`` in a daemon thread, ``depth`` items ahead of the consumer.

    An exception raised by ``source`` is raised again, with its traceback, by the ``next()``
    that would have returned the failed item. ``close()`` (or leaving the ``with`` block) stops
    the thread without waiting for ``source`` to finish.

    Args:
        source: an iterator.
        depth: how many items may wait, ready, in the queue.

    Example:

    >>> with Prefetcher(iter(range(5)), depth=2) as items:
    ...     list(items)
    [0, 1, 2, 3, 4]
    """

    def __init__(self, source, depth=2):
        self._source = source
        self._queue = queue.Queue(maxsize=max(1, int(depth)))
        self._stop = threading.Event()
        self._finished = False
        self._thread = threading.Thread(target=self._run, name="glassnet-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self):
        try:
            for item in self._source:
                if not self._put(item):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            self._put(_Failure(error))
            return
        self._put(_DONE)

    def __iter__(self):
        return self

    def __next__(self):
        if self._finished:
            raise StopIteration
        item = self._queue.get()
        if item is _DONE:
            self._finished = True
            raise StopIteration
        if isinstance(item, _Failure):
            self._finished = True
            raise item.error
        return item

    def close(self):
        """Stop the background thread (the source is not read further)."""
        self._stop.set()
        self._finished = True
        while True:  # unblock a producer waiting on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        close = getattr(self._source, "close", None)
        if close is not None and not self._thread.is_alive():
            close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
