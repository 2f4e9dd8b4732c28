import numpy as np
import pytest

import glassnet as keras
from glassnet import Tensor, gradcheck, ops


def test_elementwise_function_maps_over_every_element():
    clipped = ops.vectorize(lambda v: ops.minimum(v * v, 4.0))
    x = np.array([[1.0, -3.0], [0.5, 2.5]])
    np.testing.assert_allclose(clipped(x).data, np.minimum(x * x, 4.0))
    assert clipped.__name__ == "<lambda>"


def test_signature_maps_over_rows_and_broadcasts_loop_axes():
    row_dot = ops.vectorize(lambda a, b: ops.sum(a * b), signature="(n),(n)->()")
    a = np.random.default_rng(0).standard_normal((2, 1, 3))
    b = np.random.default_rng(1).standard_normal((4, 3))
    out = row_dot(a, b)
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out.data, np.einsum("xyk,zk->xz", a, b))
    assert gradcheck(lambda p, q: row_dot(p, q), a, b)


def test_tuple_outputs_excluded_arguments_and_keywords():
    def stats(v, scale, offset=0.0):
        return ops.mean(v) * scale + offset, ops.max(v)

    mapped = ops.vectorize(stats, excluded={1}, signature="(n)->(),()")
    means, maxima = mapped(np.arange(6.0).reshape(2, 3), 10.0, offset=1.0)
    np.testing.assert_allclose(means.data, [11.0, 41.0])
    np.testing.assert_allclose(maxima.data, [2.0, 5.0])


def test_gradients_flow_through_the_mapped_function():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    ops.vectorize(lambda v: ops.sin(v) * v)(x).sum().backward()
    np.testing.assert_allclose(x.grad, np.cos(x.data) * x.data + np.sin(x.data))


def test_works_in_a_functional_model_and_checks_signatures():
    row_norm = ops.vectorize(lambda v: ops.sqrt(ops.sum(v * v)), signature="(n)->()")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, row_norm(inputs))
    data = np.array([[3.0, 4.0, 0.0], [1.0, 2.0, 2.0]], dtype="float32")
    np.testing.assert_allclose(model.predict(data, verbose=0), [5.0, 3.0])
    with pytest.raises(ValueError, match="vectorize: not a valid signature"):
        ops.vectorize(lambda v: v, signature="(n)")
    with pytest.raises(ValueError, match="names 2 inputs"):
        ops.vectorize(lambda v: v, signature="(n),(n)->()")(np.zeros(3))
