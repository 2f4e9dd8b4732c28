"""Keras's preprocessing helpers: to_categorical, normalize, pad_sequences."""

import numpy as np


def to_categorical(x, num_classes=None):
    """Integer class ids (any shape; a trailing axis of 1 is dropped) -> one-hot float32 rows.

    Args:
        x: non-negative integer class ids (whole-number floats are accepted).
        num_classes: the length of the one-hot rows; None means the largest id + 1.

    Example:

    >>> to_categorical([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    """
    y = np.asarray(x)
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            raise ValueError("to_categorical: class ids must be whole numbers")
        y = y.astype(np.int64)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if y.size and y.min() < 0:
        raise ValueError(f"to_categorical: class ids must be non-negative, got {y.min()}")
    num_classes = int(y.max()) + 1 if num_classes is None else int(num_classes)
    if y.size and y.max() >= num_classes:
        raise ValueError(
            f"to_categorical: class id {y.max()} does not fit num_classes={num_classes}"
        )
    return np.eye(num_classes, dtype=np.float32)[y]


def normalize(x, axis=-1, order=2):
    """x divided by its L-``order`` norm along ``axis`` (zero vectors stay zero).

    Args:
        x: an array (integers become float32).
        axis: the axis along which the norm is taken (the last by default).
        order: the norm's order (2, the Euclidean norm, by default).

    Example:

    >>> normalize([[3.0, 4.0], [0.0, 0.0]])
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    x = np.asarray(x, dtype=np.float32) if np.asarray(x).dtype.kind != "f" else np.asarray(x)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


def pad_sequences(
    sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0
):
    """Lists of varying length -> a (n, maxlen) array, padded/truncated at the start ('pre') or
    end ('post').

    Args:
        sequences: a list of sequences (lists or arrays of numbers).
        maxlen: the output length; None means the longest sequence's length.
        dtype: the output dtype ("int32").
        padding: "pre" (the default) or "post": where the padding goes.
        truncating: "pre" (the default) or "post": which end of a longer sequence is cut.
        value: the padding value (0).

    Example:

    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
    array([[2, 3],
           [0, 4]], dtype=int32)
    >>> pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post", truncating="post")
    array([[1, 2],
           [4, 0]], dtype=int32)
    """
    if padding not in ("pre", "post") or truncating not in ("pre", "post"):
        raise ValueError(
            f"pad_sequences: padding and truncating must be 'pre' or 'post', got {padding!r}, "
            f"{truncating!r}"
        )
    lengths = [len(s) for s in sequences]
    maxlen = max(lengths, default=0) if maxlen is None else maxlen
    out = np.full((len(sequences), maxlen), value, dtype=dtype)
    for i, seq in enumerate(sequences):
        seq = np.asarray(seq, dtype=dtype)
        if not len(seq):
            continue
        seq = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if padding == "post":
            out[i, : len(seq)] = seq
        else:
            out[i, maxlen - len(seq) :] = seq
    return out
