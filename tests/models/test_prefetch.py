"""The read-ahead thread of models/data_adapters/prefetch.py: how far ahead it reads, and that
leaving a ``with`` block stops it."""

import time

from glassnet.models.data_adapters.prefetch import Prefetcher


def counting_source(produced):
    def endless():
        for i in range(10**9):
            produced.append(i)
            yield i

    return endless()


def settled_count(produced, seconds=3.0):
    """len(produced) once it has stopped growing for a moment (the reader is blocked)."""
    deadline = time.perf_counter() + seconds
    count = -1
    while time.perf_counter() < deadline and count != len(produced):
        count = len(produced)
        time.sleep(0.2)
    return len(produced)


def test_by_default_two_items_wait_ready_and_one_more_is_in_hand():
    produced = []
    reader = Prefetcher(counting_source(produced))
    try:
        # nothing consumed: two items fill the queue, the third waits to be put
        assert settled_count(produced) == 3
        assert next(reader) == 0
        assert settled_count(produced) == 4
    finally:
        reader.close()


def test_leaving_the_with_block_stops_the_reader():
    produced = []
    with Prefetcher(counting_source(produced), depth=1) as reader:
        assert next(reader) == 0
    stopped_at = settled_count(produced)
    time.sleep(0.3)
    assert len(produced) == stopped_at <= 3
    assert next(reader, "finished") == "finished"
