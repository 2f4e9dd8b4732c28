import numpy as np
import pytest

from glassnet import ops

A = np.array([[12, 7, 0], [255, 3, 8]], dtype="int32")
B = np.array([[10, 3, 5], [1, 2, 3]], dtype="int32")


@pytest.mark.parametrize(
    "name, reference",
    [
        ("bitwise_and", np.bitwise_and),
        ("bitwise_or", np.bitwise_or),
        ("bitwise_xor", np.bitwise_xor),
        ("bitwise_left_shift", np.left_shift),
        ("left_shift", np.left_shift),
        ("bitwise_right_shift", np.right_shift),
        ("right_shift", np.right_shift),
        ("gcd", np.gcd),
        ("lcm", np.lcm),
    ],
)
def test_binary_bitwise_ops_match_numpy(name, reference):
    out = getattr(ops, name)(A, B)
    assert out.dtype == np.int32 and not out.requires_grad
    np.testing.assert_array_equal(out.data, reference(A, B))


def test_not_and_invert():
    np.testing.assert_array_equal(ops.bitwise_not(A).data, np.invert(A))
    np.testing.assert_array_equal(ops.bitwise_invert(np.array([True, False])).data, [False, True])


def test_keras_dtypes_of_mixed_integers():
    small = np.array([3], dtype="int8")
    assert ops.bitwise_and(small, np.array([1], dtype="int16")).dtype == np.int16
    assert ops.bitwise_or(np.array([1], dtype="uint8"), small).dtype == np.int16
    assert ops.bitwise_and(small, 1).dtype == np.int32  # Keras makes the Python 1 an int32
    assert ops.left_shift(small, 1).dtype == np.int8  # but shifts keep x's dtype


def test_floats_are_refused():
    with pytest.raises(TypeError, match="bitwise_and: expected integer or bool tensors"):
        ops.bitwise_and(np.array([1.0]), np.array([1]))
