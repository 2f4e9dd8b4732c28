"""multi_hot: Keras's rules (max over axis 1 of the one-hot encoding; out-of-range ids set
nothing), dtypes and errors."""

import numpy as np
import pytest

from glassnet import ops


def test_multi_hot_rows_and_vectors():
    out = ops.multi_hot(np.array([[0, 2, 2], [1, 4, 4]]), num_classes=5)
    assert out.dtype == np.float32
    assert out.data.tolist() == [[1, 0, 1, 0, 0], [0, 1, 0, 0, 1]]
    assert ops.multi_hot([0, 4], num_tokens=5).data.tolist() == [1, 0, 0, 0, 1]


def test_multi_hot_ignores_ids_out_of_range_and_takes_a_dtype():
    out = ops.multi_hot(np.array([[-1, 3, 7]]), num_classes=4, dtype="int32")
    assert out.dtype == np.int32 and out.data.tolist() == [[0, 0, 0, 1]]


def test_multi_hot_of_a_3d_input_reduces_axis_1_as_keras_does():
    ids = np.array([[[0, 1], [1, 2]]])  # (batch 1, 2 steps, 2 ids)
    assert ops.multi_hot(ids, num_classes=3).data.tolist() == [[[1, 1, 0], [0, 1, 1]]]


def test_multi_hot_errors():
    with pytest.raises(ValueError, match="num_classes must be given"):
        ops.multi_hot([0, 1])
    with pytest.raises(ValueError, match="sparse=True is not supported"):
        ops.multi_hot([0, 1], 3, sparse=True)
    with pytest.raises(TypeError, match="expected integer class ids"):
        ops.multi_hot(np.array(["a"]), 3)
