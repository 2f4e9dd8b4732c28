import numpy as np

from glassnet import gradcheck, ops
from glassnet.autograd import from_op


def wrong_square(x):
    # forward x^2 with a backward that forgets the factor 2
    def backward(grad_output):
        return (grad_output * x.data,)

    return from_op(x.data**2, (x,), backward)


def test_gradcheck_passes_a_correct_op():
    result = gradcheck(
        lambda a, b: ops.sum(ops.tanh(a) * b, axis=0),
        np.random.default_rng(0).standard_normal((3, 2)),
        np.ones(2),
    )
    assert result.passed and bool(result)
    assert result.max_error < 1e-8


def test_gradcheck_catches_a_wrong_backward_and_says_where():
    x = np.array([[0.0, 0.0], [0.0, 3.0]])  # the missing factor 2 shows only where x != 0
    result = gradcheck(wrong_square, x)
    assert not result
    assert result.input_index == 0
    assert result.element_index == (1, 1)
    assert abs(result.numeric - 2 * result.analytic) < 1e-6
    assert result.max_error == abs(result.analytic - result.numeric) / max(1.0, abs(result.numeric))
    assert "FAILED" in str(result) and "index (1, 1)" in str(result)


def test_gradcheck_raise_exception():
    import pytest

    with pytest.raises(AssertionError, match="gradcheck FAILED"):
        gradcheck(wrong_square, np.array([2.0]), raise_exception=True)


def test_gradcheck_passes_integer_inputs_through():
    labels = np.array([1, 0])
    result = gradcheck(
        lambda y, x: ops.sparse_categorical_crossentropy(y, x, from_logits=True),
        labels,
        np.random.default_rng(1).standard_normal((2, 3)),
    )
    assert result.passed and result.input_index == 1


def test_gradcheck_works_in_float64_even_for_float32_inputs():
    seen = []
    gradcheck(lambda a: seen.append(a.dtype) or a * 2.0, np.ones(2, dtype=np.float32))
    assert set(seen) == {np.dtype(np.float64)}
