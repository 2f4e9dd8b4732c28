import numpy as np
import pytest

from glassnet.ops._helpers import broadcast_view, restore_reduced


@pytest.mark.parametrize(
    "array,shape",
    [
        (np.array(2.5, dtype="float32"), (3, 4)),
        (np.arange(3.0).reshape(3, 1), (3, 5)),
        (np.arange(3.0), (2, 3)),
        (np.arange(6.0).reshape(2, 3).T, (3, 2)),  # not contiguous
        (np.arange(4.0).reshape(1, 4, 1), (2, 4, 3)),
        (np.ones((0, 1)), (0, 4)),
        (np.ones(1), (2, 0)),
        (np.ones((2, 3)), (2, 3)),
    ],
)
def test_broadcast_view_is_what_numpy_broadcast_to_gives(array, shape):
    view, expected = broadcast_view(array, shape), np.broadcast_to(array, shape)
    assert view.shape == expected.shape and view.dtype == expected.dtype
    np.testing.assert_array_equal(view, expected)
    assert not view.flags.writeable
    with pytest.raises(ValueError):
        view[...] = 0


@pytest.mark.parametrize("array,shape", [(np.ones(3), (4,)), (np.ones((2, 3)), (3,))])
def test_broadcast_view_refuses_shapes_that_do_not_broadcast(array, shape):
    with pytest.raises(ValueError, match="broadcast_view"):
        broadcast_view(array, shape)


@pytest.mark.parametrize("axes", [(0,), (1,), (0, 2), (0, 1, 2), ()])
def test_restore_reduced_puts_the_axes_back_as_expand_dims_does(axes):
    x = np.arange(24.0).reshape(2, 3, 4)
    reduced = x.sum(axis=axes)
    assert (
        restore_reduced(reduced, axes, keepdims=False).shape == np.expand_dims(reduced, axes).shape
    )
    assert restore_reduced(reduced, axes, keepdims=True) is reduced


def test_broadcast_view_of_a_scalar_array_to_no_axes_is_that_scalar():
    view = broadcast_view(np.array(1.5), ())
    assert view.shape == () and float(view) == 1.5
