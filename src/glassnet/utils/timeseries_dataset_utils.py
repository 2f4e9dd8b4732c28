"""``timeseries_dataset_from_array``: sliding windows over an array as a dataset of batches.

Example:

>>> import numpy as np
>>> from glassnet.utils import timeseries_dataset_from_array
>>> data = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10, sequence_length=3,
...                                      batch_size=4)
>>> inputs, targets = next(iter(data))
>>> inputs.tolist(), targets.tolist()
([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]], [0, 10, 20, 30])
"""

import numpy as np

from glassnet.utils.dataset import Dataset


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
):
    """Windows ``data[i], data[i + r], ..., data[i + (sequence_length - 1) * r]`` (r =
    ``sampling_rate``) for i = start, start + sequence_stride, ..., as Keras makes them.

    Args:
        data: array of time steps (rows).
        targets: ``targets[i]`` belongs to the window that starts at row i (None for none).
        sequence_length: steps per window.
        sequence_stride: rows between the starts of consecutive windows.
        sampling_rate: rows between the steps of a window.
        batch_size: windows per batch; None gives single windows.
        shuffle: shuffle the windows.
        seed: the shuffling seed.
        start_index, end_index: use only rows [start_index, end_index).

    Returns:
        a ``Dataset`` of window batches (and target batches).

    Example:

    >>> import numpy as np
    >>> dataset = timeseries_dataset_from_array(
    ...     np.arange(6), np.arange(6) * 10, sequence_length=3, batch_size=2
    ... )
    >>> [(windows.tolist(), targets.tolist()) for windows, targets in dataset]
    [([[0, 1, 2], [1, 2, 3]], [0, 10]), ([[2, 3, 4], [3, 4, 5]], [20, 30])]
    """
    where = "timeseries_dataset_from_array"
    data = np.asarray(data)
    for name, value in (
        ("sequence_length", sequence_length),
        ("sampling_rate", sampling_rate),
        ("sequence_stride", sequence_stride),
    ):
        if int(value) <= 0:
            raise ValueError(f"{where}: {name} must be higher than 0, got {value}")
    if sampling_rate >= len(data):
        raise ValueError(
            f"{where}: sampling_rate must be lower than the data's length {len(data)}, got "
            f"{sampling_rate}"
        )
    if sequence_stride >= len(data):
        raise ValueError(
            f"{where}: sequence_stride must be lower than the data's length {len(data)}, got "
            f"{sequence_stride}"
        )
    start_index = 0 if start_index is None else int(start_index)
    end_index = len(data) if end_index is None else int(end_index)
    if not 0 <= start_index < len(data):
        raise ValueError(f"{where}: start_index must be in [0, {len(data)}), got {start_index}")
    if not start_index < end_index <= len(data):
        raise ValueError(
            f"{where}: end_index must be in ({start_index}, {len(data)}], got {end_index}"
        )
    if targets is not None:
        targets = np.asarray(targets)
        if len(targets) != len(data):
            raise ValueError(f"{where}: data has {len(data)} rows but targets has {len(targets)}")
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    starts = np.arange(0, max(count, 0), sequence_stride)
    if shuffle:
        if seed is None:
            seed = int(np.random.randint(1e6))
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(sequence_length) * sampling_rate
    window_rows = start_index + starts[:, None] + offsets  # (windows, sequence_length)

    def windows(chunk):
        rows = window_rows[chunk]
        if targets is None:
            return data[rows]
        return data[rows], targets[start_index + starts[chunk]]

    size = len(starts) if batch_size is None else int(batch_size)
    chunks = [slice(i, i + size) for i in range(0, len(starts), size)]
    if batch_size is None:
        return Dataset(lambda: (windows(i) for i in range(len(starts))), len(starts))
    return Dataset(lambda: (windows(chunk) for chunk in chunks), len(chunks))
