"""Control flow runs eagerly and records what it runs: gradients through loops, scans and branches
equal those of the unrolled computation; stop_gradient cuts the graph; custom_gradient's function
is what backward uses."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import Tensor, gradcheck, ops

RNG = np.random.default_rng(0)


def grads_of(fn, *arrays):
    """fn(*tensors) summed with fixed weights, differentiated; returns (value, [grads])."""
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    out = fn(*tensors)
    weights = np.random.default_rng(1).standard_normal(out.shape)
    (out * Tensor(weights)).sum().backward()
    return out.data, [t.grad for t in tensors]


def assert_same_gradients(fn, unrolled, *arrays):
    value, grads = grads_of(fn, *arrays)
    expected_value, expected_grads = grads_of(unrolled, *arrays)
    np.testing.assert_allclose(value, expected_value, rtol=1e-12)
    for g, e in zip(grads, expected_grads):
        np.testing.assert_allclose(g, e, rtol=1e-12)


def test_while_loop_gradient_equals_unrolled():
    x = RNG.standard_normal(3)

    def looped(t):
        _, y = ops.while_loop(lambda i, y: i < 4, lambda i, y: (i + 1, ops.tanh(y) * t), (0, t))
        return y

    def unrolled(t):
        y = t
        for _ in range(4):
            y = ops.tanh(y) * t
        return y

    assert_same_gradients(looped, unrolled, x)
    assert gradcheck(looped, x)


def test_while_loop_single_variable_and_maximum_iterations():
    out = ops.while_loop(lambda v: v < 100.0, lambda v: v * 2.0, 1.0, maximum_iterations=3)
    assert out == 8.0
    assert ops.while_loop(lambda i, v: i < 2, lambda i, v: [i + 1, v + i], [0, 10]) == (2, 11)


def test_fori_loop_gradient_equals_unrolled():
    x = RNG.standard_normal((2, 2))
    w = RNG.standard_normal((2, 2))

    def looped(a, b):
        return ops.fori_loop(0, 3, lambda i, y: ops.tanh(ops.matmul(y, b)) + float(i), a)

    def unrolled(a, b):
        y = a
        for i in range(3):
            y = ops.tanh(ops.matmul(y, b)) + float(i)
        return y

    assert_same_gradients(looped, unrolled, x, w)
    assert gradcheck(looped, x, w)


def test_scan_gradient_equals_unrolled_and_stacks_outputs():
    xs = RNG.standard_normal((5, 3))
    h0 = RNG.standard_normal(3)

    def step(carry, x):
        new = ops.tanh(carry * 0.5 + x)
        return new, new * 2.0

    def scanned(h, seq):
        return ops.scan(step, h, seq)[1]

    def unrolled(h, seq):
        ys = []
        for t in range(seq.shape[0]):
            h, y = step(h, seq[t])
            ys.append(y)
        return ops.stack(ys)

    assert_same_gradients(scanned, unrolled, h0, xs)
    assert gradcheck(scanned, h0, xs)


def test_scan_reverse_length_and_nested_structures():
    carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, np.array([1.0, 2.0, 3.0]), reverse=True)
    assert float(carry) == 6.0
    assert ys.data.tolist() == [5.0, 3.0, 0.0]  # outputs stay in the order of xs
    carry, ys = ops.scan(lambda c, _: (c * 2, None), 1, length=3)
    assert carry == 8 and ys is None
    xs = {"a": np.ones((2, 1)), "b": np.arange(2.0)}
    carry, ys = ops.scan(lambda c, x: (c + x["b"], {"s": x["a"] * c}), 1.0, xs)
    assert float(carry.data) == 2.0 and ys["s"].data.ravel().tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="scan: give xs or length"):
        ops.scan(lambda c, x: (c, x), 0.0)


def test_associative_scan_equals_cumulative_functions():
    x = RNG.standard_normal((4, 5))
    np.testing.assert_allclose(
        ops.associative_scan(ops.add, x, axis=1).data, np.cumsum(x, axis=1), rtol=1e-12
    )
    reverse = ops.associative_scan(ops.maximum, x, reverse=True).data
    np.testing.assert_allclose(reverse, np.maximum.accumulate(x[::-1], axis=0)[::-1])
    assert gradcheck(lambda t: ops.associative_scan(ops.multiply, t), x)


def test_associative_scan_of_a_structure():
    # a linear recurrence h_t = a_t h_{t-1} + b_t as pairs combined associatively
    a, b = RNG.uniform(0.5, 1.0, 6), RNG.standard_normal(6)

    def combine(left, right):
        return (left[0] * right[0], left[1] * right[0] + right[1])

    _, h = ops.associative_scan(combine, (a, b))
    expected, state = [], 0.0
    for a_t, b_t in zip(a, b):
        state = a_t * state + b_t
        expected.append(state)
    np.testing.assert_allclose(h.data, expected, rtol=1e-12)


def test_cond_and_switch_run_only_the_chosen_branch():
    x = Tensor(np.array([2.0]), requires_grad=True)
    calls = []

    def square():
        calls.append("square")
        return x * x

    def negate():
        calls.append("negate")
        return -x

    ops.cond(x.sum() > 1.0, square, negate).sum().backward()
    assert calls == ["square"] and x.grad.tolist() == [4.0]
    assert ops.switch(-3, [lambda v: v + 1, lambda v: v * 10], 2) == 3  # clamped to 0
    assert ops.switch(np.int64(1), [lambda v: v + 1, lambda v: v * 10], 2) == 20
    with pytest.raises(ValueError, match="cond: the predicate must be a single value"):
        ops.cond(np.array([True, False]), square, negate)


def test_map_and_vectorized_map_gradients():
    x = RNG.standard_normal((3, 4))

    def mapped(t):
        return ops.map(lambda row: ops.sum(ops.exp(row)) * row, t)

    np.testing.assert_allclose(
        mapped(Tensor(x)).data, np.exp(x).sum(1, keepdims=True) * x, rtol=1e-12
    )
    assert gradcheck(mapped, x)
    np.testing.assert_allclose(
        ops.vectorized_map(lambda row: row * 2.0, x).data, x * 2.0, rtol=1e-12
    )
    pairs = ops.map(lambda p: (p[0] + p[1], p[0] * p[1]), (x, x))
    np.testing.assert_allclose(pairs[1].data, x * x, rtol=1e-12)


def test_stop_gradient_cuts_the_graph():
    x = Tensor(np.array([3.0, -1.0]), requires_grad=True)
    y = x * ops.stop_gradient(x * x)  # d/dx = x^2, not 3 x^2
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [9.0, 1.0])
    v = keras.Variable(np.array([1.0, 2.0]))
    assert not ops.stop_gradient(v).requires_grad


def test_custom_gradient_uses_the_given_function():
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(*args, upstream=None):  # Keras's portable signature
            if upstream is None:
                (upstream,) = args
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))

        return ops.log(1 + e), grad

    x = Tensor(np.array([0.0, 100.0, -3.0]), requires_grad=True)
    out = log1pexp(x)
    out.sum().backward()
    np.testing.assert_allclose(out.data[[0, 2]], np.log1p(np.exp([0.0, -3.0])))
    np.testing.assert_allclose(x.grad, 1 / (1 + np.exp(-x.data)), rtol=1e-12)


def test_custom_gradient_replaces_the_true_gradient_and_handles_several_inputs():
    @ops.custom_gradient
    def scaled_product(a, b, factor):
        def grad(upstream):
            return upstream * 10.0, None, None  # deliberately not the true gradient

        return a * b * factor, grad

    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)
    (scaled_product(a, b, 2.0) * 2.0).sum().backward()
    assert a.grad.tolist() == [20.0, 20.0] and b.grad is None


def test_custom_gradient_with_two_outputs():
    @ops.custom_gradient
    def split_scale(x):
        def grad(upstream):
            first, second = upstream
            return first * 2.0 + second * 3.0

        return (x * 2.0, x * 3.0), grad

    x = Tensor(np.array([1.0]), requires_grad=True)
    first, second = split_scale(x)
    (first * 5.0 + second * 7.0).sum().backward()
    assert x.grad.tolist() == [10.0 + 21.0]


def test_custom_gradient_refuses_a_wrong_number_of_gradients():
    @ops.custom_gradient
    def f(a, b):
        return a * b, lambda upstream: upstream

    a = Tensor(np.ones(1), requires_grad=True)
    with pytest.raises(ValueError, match="returned 1 gradients for 2 arguments"):
        f(a, a).sum().backward()


def test_loop_inside_a_layer_trains_with_fit():
    class Repeat(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, inputs):
            return ops.fori_loop(0, 3, lambda i, h: ops.tanh(h * self.w), inputs)

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), Repeat(), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = RNG.standard_normal((16, 2)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    assert model.layers[0].w.grad is not None
