"""One adapter per kind of input to ``fit``/``evaluate``/``predict``, chosen in one place
(``get_data_adapter``), as in Keras 3's ``trainers/data_adapters``.

=====================  =====================================================================
input                  adapter
=====================  =====================================================================
arrays, lists, pandas  ArrayDataAdapter (sliced in memory; ``validation_split`` works)
memory-mapped arrays   MemmapDataAdapter (read batch by batch, shuffled by batch index)
PyDataset / Sequence   PyDatasetAdapter (workers, use_multiprocessing, max_queue_size)
grain.MapDataset       GrainMapDatasetAdapter (read by index)
generators, iterables  GeneratorDataAdapter (also grain.IterDataset/DataLoader and the
                       dataset objects of ``keras.utils.image_dataset_from_directory``)
=====================  =====================================================================

Under ``DataParallel`` each process reads only its share (``distributed``); slow sources are
read ahead in a background thread (``prefetch``).

Example:

>>> import numpy as np
>>> from glassnet.models.data_adapters import get_data_adapter
>>> type(get_data_adapter(np.zeros((4, 2)), np.zeros(4))).__name__
'ArrayDataAdapter'
>>> type(get_data_adapter((batch for batch in [(np.zeros((4, 2)),)]))).__name__
'GeneratorDataAdapter'
"""

import numbers
import warnings

import numpy as np

from glassnet.models import data as data_utils
from glassnet.models.data_adapters.array_data_adapter import (
    ArrayDataAdapter,
    MemmapDataAdapter,
    has_memmap,
)
from glassnet.models.data_adapters.data_adapter import Batch, DataAdapter, standardize_batch
from glassnet.models.data_adapters.epoch_iterator import EpochIterator
from glassnet.models.data_adapters.generator_data_adapter import GeneratorDataAdapter
from glassnet.models.data_adapters.grain_dataset_adapter import (
    GrainMapDatasetAdapter,
    is_grain_dataset,
    is_grain_map_dataset,
)
from glassnet.models.data_adapters.py_dataset_adapter import PyDataset, PyDatasetAdapter, Sequence

__all__ = [
    "get_data_adapter",
    "DataAdapter",
    "ArrayDataAdapter",
    "MemmapDataAdapter",
    "GeneratorDataAdapter",
    "PyDatasetAdapter",
    "GrainMapDatasetAdapter",
    "EpochIterator",
    "Batch",
    "PyDataset",
    "Sequence",
    "standardize_batch",
    "is_array_input",
]


def is_array_input(x):
    """True when ``x`` is arrays (in memory or memory-mapped) rather than a dataset.

    Args:
        x: what the user passed as ``x``.

    Example:

    >>> is_array_input([[1, 2]]), is_array_input(iter([])), is_array_input("abc")
    (True, False, False)
    """
    return data_utils.is_array_data(x) and not isinstance(x, (str, bytes))


def _is_iterable(x):
    return hasattr(x, "__iter__") and not isinstance(x, (str, bytes, dict, list, tuple))


def _refuse_with(kind, **arguments):
    for name, value in arguments.items():
        if value is not None:
            raise ValueError(
                f"when x is a {kind}, {name} must not be passed: put it in the batches the "
                f"{kind} gives ((x, y) or (x, y, sample_weight))"
            )


def get_data_adapter(
    x,
    y=None,
    sample_weight=None,
    batch_size=None,
    steps=None,
    shuffle=False,
    class_weight=None,
    where="fit()",
    check_finite=True,
):
    """The adapter for ``x`` (and ``y``, ``sample_weight``): the one place that tells the kinds
    of input apart. Anything else is refused here, before any work starts.

    Args:
        x: arrays, a structure of arrays, a PyDataset, a grain dataset, a generator or an
            iterable of batches.
        y, sample_weight: targets and per-sample weights (arrays only).
        batch_size: rows per batch (arrays only).
        steps: the steps the caller will take (infers a missing batch size for arrays).
        shuffle: False, True or "batch".
        class_weight: dict {class: weight}, or None.
        where: the calling method, for messages.
        check_finite: refuse NaN/inf in in-memory float arrays up front.

    Returns:
        a DataAdapter.

    Example:

    >>> import numpy as np
    >>> adapter = get_data_adapter(np.zeros((10, 2)), np.zeros(10), batch_size=4)
    >>> type(adapter).__name__, adapter.num_batches, adapter.num_samples
    ('ArrayDataAdapter', 3, 10)
    >>> type(get_data_adapter(iter([(np.zeros((2, 2)), np.zeros(2))]))).__name__
    'GeneratorDataAdapter'
    """
    table = None if class_weight is None else data_utils.class_weight_table(class_weight, where)
    if isinstance(x, DataAdapter):
        return x
    if isinstance(x, PyDataset):
        _refuse_with("PyDataset", y=y, sample_weight=sample_weight)
        return PyDatasetAdapter(x, shuffle=shuffle, class_weight=table, where=where)
    if is_grain_dataset(x):
        _refuse_with("grain dataset", y=y, sample_weight=sample_weight, class_weight=class_weight)
        if is_grain_map_dataset(x):
            return GrainMapDatasetAdapter(x, shuffle=shuffle, where=where)
        _warn_shuffle_ignored(shuffle, "grain dataset", where)
        return GeneratorDataAdapter(x, where=where)
    if x is None:
        raise ValueError(f"{where}: x (the inputs) is required, got None")
    if is_array_input(x):
        return _array_adapter(
            x, y, sample_weight, batch_size, steps, shuffle, table, where, check_finite
        )
    if _is_iterable(x) and not hasattr(x, "__array__"):
        _refuse_with(type(x).__name__, y=y, sample_weight=sample_weight)
        if not getattr(x, "orders_itself", False):  # glassnet's Dataset: .shuffle() decides
            _warn_shuffle_ignored(shuffle, type(x).__name__, where)
        return GeneratorDataAdapter(x, class_weight=table, where=where)
    raise TypeError(
        f"{where}: x of type {type(x).__name__} is not data glassnet can read; pass NumPy arrays "
        f"(or lists, dicts, pandas objects), a keras.utils.PyDataset, a generator or iterable "
        f"of batches, or a grain dataset"
    )


def _warn_shuffle_ignored(shuffle, kind, where):
    if shuffle:
        warnings.warn(
            f"{where}: shuffle=True is ignored when x is a {kind}; the {kind} is expected to "
            f"give its batches already shuffled",
            stacklevel=4,
        )


def _array_adapter(x, y, sample_weight, batch_size, steps, shuffle, table, where, check):
    x = data_utils.to_arrays(x, where, "x")
    y = data_utils.to_arrays(y, where, "y")
    n = data_utils.num_samples(x, where, "x")
    if y is not None:
        ny = data_utils.num_samples(y, where, "y")
        if ny != n:
            raise ValueError(
                f"{where}: x has {n} samples but y has {ny}; they must have the same length"
            )
    if sample_weight is not None:
        sample_weight = sample_weight_array(sample_weight, n, where)
    memmapped = has_memmap(x) or has_memmap(y)
    if check and not memmapped:
        data_utils.check_finite(x, where, "x")
        data_utils.check_finite(y, where, "y")
    if table is not None:
        if y is None:
            raise ValueError(f"{where}: class_weight needs y (the targets)")
        labels = y if not isinstance(y, (list, dict)) else data_utils.flatten(y)[0]
        if not memmapped:  # every class present must have a weight: say so before training
            data_utils.class_weights_to_sample_weights(labels, table, where)
    kind = MemmapDataAdapter if memmapped else ArrayDataAdapter
    return kind(x, y, sample_weight, batch_size, steps, shuffle, table, where)


def sample_weight_array(sample_weight, n, where):
    """``sample_weight`` as a float32 array of ``n`` rows (a ValueError naming it otherwise).

    Args:
        sample_weight: one weight per sample (array-like).
        n: the number of samples of x.
        where: the calling method, for error messages.

    Example:

    >>> sample_weight_array([1, 2], 2, "fit()")
    array([1., 2.], dtype=float32)
    """
    if isinstance(sample_weight, (numbers.Number, str, bytes)) or isinstance(sample_weight, dict):
        raise TypeError(
            f"{where}: sample_weight must be an array with one weight per sample, got "
            f"{type(sample_weight).__name__}"
        )
    try:
        weights = np.asarray(sample_weight, dtype=np.float32)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{where}: sample_weight must be numbers, one per sample ({error})"
        ) from None
    if weights.ndim == 0 or len(weights) != n:
        raise ValueError(
            f"{where}: sample_weight has {weights.size if weights.ndim == 0 else len(weights)} "
            f"entries but x has {n} samples; give one weight per sample"
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError(f"{where}: sample_weight contains NaN or infinite values")
    return weights
