"""PyDataset's loading options: max_queue_size is kept, and bounds the batches loaded ahead."""

import threading
import time

import numpy as np

import glassnet as keras
from glassnet.models.data_adapters import get_data_adapter


class Counted(keras.utils.PyDataset):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.loaded = []
        self.lock = threading.Lock()

    def __len__(self):
        return 20

    def __getitem__(self, index):
        with self.lock:
            self.loaded.append(index)
        return np.full((2, 1), index, "float32"), np.zeros((2, 1), "float32")


def test_the_loading_options_are_kept():
    data = Counted(workers=2, use_multiprocessing=False, max_queue_size=4)
    assert (data.workers, data.use_multiprocessing, data.max_queue_size) == (2, False, 4)


def test_at_most_max_queue_size_batches_are_loaded_ahead():
    data = Counted(workers=2, max_queue_size=3)
    pool = get_data_adapter(data, shuffle=False).pool()
    try:
        batches = pool.imap(range(len(data)))
        first = next(batches)
        np.testing.assert_array_equal(first[0], np.zeros((2, 1)))
        # three loads were queued; handing out the first queued one more, and no further
        deadline = time.perf_counter() + 3.0
        while len(data.loaded) < 4 and time.perf_counter() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        assert sorted(data.loaded) == [0, 1, 2, 3]
        batches.close()
    finally:
        pool.close()
