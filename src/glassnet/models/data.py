"""What fit/evaluate/predict accept as in-memory data: conversion to NumPy, the checks, slicing.

The data adapters (``glassnet.models.data_adapters``) call these once per input; the training
loops never see raw inputs.

Example:

>>> import numpy as np
>>> from glassnet.models import data
>>> data.to_arrays([[0, 1], [1, 0]], "fit()", "x").shape
(2, 2)
>>> data.num_samples({"a": np.zeros((3, 2)), "b": np.ones(3)}, "fit()", "x")
3
"""

import numbers

import numpy as np

from glassnet.backend import nest
from glassnet.ops._helpers import ones_vector

STRING_KINDS = "USO"


def is_array(value):
    """True for a NumPy array, a glassnet Tensor, a pandas object or anything with ``__array__``
    (one array, as opposed to a structure of several).

    Args:
        value: anything.

    Example:

    >>> import numpy as np
    >>> is_array(np.zeros(2)), is_array([1, 2])
    (True, False)
    """
    return (
        isinstance(value, np.ndarray)
        or hasattr(value, "to_numpy")
        or (hasattr(value, "shape") and hasattr(value, "dtype") and np.ndim(value) > 0)
        or hasattr(value, "__array__")
    )


def is_structure_of_arrays(value):
    """True when ``value`` is several arrays (a list/tuple/dict whose members are arrays or such
    structures), as opposed to one array written as nested Python lists.

    Args:
        value: anything.

    Example:

    >>> import numpy as np
    >>> from glassnet.models.data import is_structure_of_arrays
    >>> is_structure_of_arrays([np.zeros((2, 3)), np.ones((2, 1))]), is_structure_of_arrays([0, 1])
    (True, False)
    """
    if isinstance(value, dict):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(
            (is_array(member) and np.ndim(member) > 0)
            or isinstance(member, dict)
            or (isinstance(member, (list, tuple)) and is_structure_of_arrays(member))
            for member in value
        )
    return False


def is_array_data(value):
    """True when ``value`` is data :func:`to_arrays` can convert: an array, nested lists of
    numbers or strings, or a list/tuple/dict of those.

    Args:
        value: anything (None counts as data: an absent argument).

    Example:

    >>> is_array_data([[1, 2], [3, 4]]), is_array_data(object())
    (True, False)
    """
    if value is None:
        return True
    if isinstance(value, dict):
        return all(is_array_data(v) for v in value.values())
    if is_array(value):
        return True
    if isinstance(value, (list, tuple)):
        return all(
            is_array_data(member) or isinstance(member, (numbers.Number, str, bytes))
            for member in value
        )
    return False


def to_arrays(data, where, name="x"):
    """NumPy arrays from arrays, nested lists, pandas objects and Tensors; lists/tuples of arrays
    and dicts stay structures (several model inputs or outputs).

    Memory-mapped arrays stay memory-mapped (nothing is read). String and object arrays of
    strings are kept for models that start with a text layer.

    Args:
        data: what the user passed.
        where: the calling method, for error messages ("fit() of model 'm'").
        name: the argument's name ("x", "y", "sample_weight").

    Returns:
        an array, a list of arrays or a dict of arrays (None stays None).

    Example:

    >>> to_arrays({"a": [1, 2]}, "fit()")
    {'a': array([1, 2])}
    >>> to_arrays([1, None], "fit()")
    Traceback (most recent call last):
    ...
    TypeError: fit(): x is an object array that holds other things than strings; ...
    """
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: to_arrays(v, where, f"{name}['{k}']") for k, v in data.items()}
    if is_structure_of_arrays(data):
        return [to_arrays(d, where, f"{name}[{i}]") for i, d in enumerate(data)]
    if isinstance(data, np.ndarray):
        array = data
    else:
        if hasattr(data, "to_numpy"):  # pandas DataFrame / Series
            data = data.to_numpy()
        data = getattr(data, "data", data) if hasattr(data, "grad") else data  # a Tensor
        try:
            array = np.asarray(data)
        except ValueError as error:
            raise ValueError(
                f"{where}: {name} could not be made into one array ({error}); pass rows of "
                f"equal length (pad_sequences pads lists of different lengths)"
            ) from None
    if array.dtype.kind == "O":
        if not all(isinstance(item, (str, bytes)) for item in array.ravel()):
            raise TypeError(
                f"{where}: {name} is an object array that holds other things than strings; "
                f"convert it to numbers (or strings for a text model) first"
            )
    elif array.dtype.kind not in "biuf" + STRING_KINDS:
        raise TypeError(
            f"{where}: expected numeric (or string) data for {name}, got an array of dtype "
            f"{array.dtype}; convert it to numbers first"
        )
    return array


def flatten(data):
    """The arrays of a (nested) input or target structure.

    Args:
        data: an array, or a list/tuple/dict structure of arrays.

    Example:

    >>> import numpy as np
    >>> len(flatten({"a": np.zeros(2), "b": [np.ones(1)]}))
    2
    """
    return nest.flatten(data, lambda v: isinstance(v, np.ndarray))


def num_samples(data, where, name):
    """The number of rows every array of ``data`` has (a ValueError if they differ).

    Args:
        data: an array or a structure of arrays (a 0-d array counts as one sample).
        where: the calling method, for the error message.
        name: the argument's name, for the error message.
    """
    arrays = flatten(data)
    sizes = {len(a) if a.ndim else 1 for a in arrays}
    if len(sizes) > 1:
        raise ValueError(
            f"{where}: all arrays in {name} must have the same number of samples, got sizes "
            f"{sorted(sizes)}"
        )
    return sizes.pop() if sizes else 0


def take(data, index):
    """Rows ``index`` (a slice or an index array) of every array in the structure.

    Args:
        data: an array, a list/tuple/dict structure of arrays, or None (returned as None).
        index: a slice or an integer index array.

    Example:

    >>> import numpy as np
    >>> take([np.arange(4), np.arange(4) * 2], slice(1, 3))
    [array([1, 2]), array([2, 4])]
    """
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: take(v, index) for k, v in data.items()}
    if isinstance(data, list):
        return [take(v, index) for v in data]
    if isinstance(data, tuple):
        return tuple(take(v, index) for v in data)
    return data[index]


_SMALL_ARRAY = 4096


def _sum_screen(array):
    """A sum of ``array`` that carries any NaN or inf through, in one pass and without a
    data-sized temporary (it may also overflow on huge finite values: the caller then looks
    element by element). Row sums as one matrix-vector product read the data faster than np.sum,
    which matters for predict on large batches."""
    with np.errstate(over="ignore", invalid="ignore"):
        if array.dtype in (np.float32, np.float64) and (
            array.ndim == 2 or (array.ndim > 2 and array.flags.c_contiguous)
        ):
            rows = array.reshape(array.shape[0], -1)
            return np.sum(rows @ ones_vector(rows.shape[1], array.dtype))
        return np.sum(array)


def check_finite(data, where, name):
    """Refuse NaN or infinite values in the float arrays of ``data`` (a ValueError naming them).

    Args:
        data: an array or a structure of arrays; only float arrays are checked.
        where: the calling method, for the error message.
        name: the argument's name, for the error message.

    Example:

    >>> import numpy as np
    >>> check_finite(np.array([1.0, np.nan]), "fit()", "x")
    Traceback (most recent call last):
    ...
    ValueError: fit(): x contains 1 NaN or infinite value(s); clean or impute them before training
    """
    for array in (data,) if type(data) is np.ndarray else flatten(data):
        if array.dtype.kind != "f":
            continue
        # a small array takes one isfinite pass, which costs less than setting up a screen
        if array.size > _SMALL_ARRAY and np.isfinite(_sum_screen(array)):
            continue
        # (count_nonzero: 0.9 us for one row of 784, ``.all()`` 1.5)
        bad = array.size - np.count_nonzero(np.isfinite(array))
        if bad:
            raise ValueError(
                f"{where}: {name} contains {bad} NaN or infinite value(s); clean or impute them "
                f"before training"
            )


def class_labels(y):
    """The integer class of each row of ``y`` (sparse labels, or the argmax of one-hot rows).

    Args:
        y: targets: integer labels (n,) or (n, 1), or one-hot rows (n, classes).

    Example:

    >>> import numpy as np
    >>> class_labels(np.array([[0, 1], [1, 0]])), class_labels([2, 0])
    (array([1, 0]), array([2, 0]))
    """
    labels = np.asarray(y)
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    return labels.reshape(len(labels), -1)[:, 0].astype(np.int64)


def class_weight_table(class_weight, where):
    """``{class: weight}`` -> an array indexed by class (checked once per fit).

    Args:
        class_weight: a non-empty dict of class index (int >= 0) -> finite weight.
        where: the calling method, for error messages.

    Returns:
        A float32 array; classes missing from the dict hold NaN.

    Example:

    >>> class_weight_table({0: 1.0, 2: 3.0}, "fit()")
    array([ 1., nan,  3.], dtype=float32)
    """
    if not isinstance(class_weight, dict) or not class_weight:
        raise TypeError(
            f"{where}: class_weight must be a non-empty dict {{class index: weight}}, got "
            f"{class_weight!r}"
        )
    for key, weight in class_weight.items():
        if not isinstance(key, numbers.Integral) or key < 0:
            raise ValueError(
                f"{where}: class_weight keys must be class indices (integers >= 0), got {key!r}"
            )
        if not isinstance(weight, numbers.Real) or not np.isfinite(weight):
            raise ValueError(
                f"{where}: class_weight[{key}] must be a finite number, got {weight!r}"
            )
    table = np.full(max(class_weight) + 1, np.nan, dtype=np.float32)
    for key, weight in class_weight.items():
        table[key] = weight
    return table


def class_weights_to_sample_weights(y, class_weight, where):
    """Each row's weight from its class: ``class_weight`` is a dict or a table from
    :func:`class_weight_table`.

    Args:
        y: the targets (integer labels or one-hot rows).
        class_weight: a dict class -> weight, or the table ``class_weight_table`` makes.
        where: the calling method, for error messages.

    Example:

    >>> import numpy as np
    >>> class_weights_to_sample_weights(np.array([0, 2, 2]), {0: 1.0, 2: 3.0}, "fit()")
    array([1., 3., 3.], dtype=float32)
    """
    table = (
        class_weight
        if isinstance(class_weight, np.ndarray)
        else class_weight_table(class_weight, where)
    )
    labels = class_labels(y)
    if labels.size and (labels.min() < 0 or labels.max() >= len(table)):
        missing = sorted({int(v) for v in labels if v < 0 or v >= len(table)})
        raise ValueError(f"{where}: class_weight has no entry for class(es) {missing}")
    weights = table[labels]
    if np.isnan(weights).any():
        missing = sorted({int(v) for v in labels[np.isnan(weights)]})
        raise ValueError(f"{where}: class_weight has no entry for class(es) {missing}")
    return weights


def positive_int(value, name, where, minimum=1, allow_none=True):
    """``value`` as an int >= ``minimum`` (None passes when ``allow_none``); a TypeError for
    something that is not a whole number, a ValueError naming ``name`` for one out of range.

    Args:
        value: the argument's value.
        name: its name, for the error message.
        where: the calling method, for the error message.
        minimum: the least value allowed (1 by default).
        allow_none: whether None is accepted (and returned).

    Example:

    >>> from glassnet.models.data import positive_int
    >>> positive_int(32, "batch_size", "fit()")
    32
    >>> positive_int(0, "batch_size", "fit()")
    Traceback (most recent call last):
    ...
    ValueError: fit(): batch_size must be an integer >= 1, got 0
    """
    if value is None and allow_none:
        return None
    if type(value) is int and value >= minimum:  # the usual case, without the ABC checks
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and float(value).is_integer():
            value = int(value)
        else:
            raise TypeError(f"{where}: {name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be an integer >= {minimum}, got {value}")
    return int(value)
