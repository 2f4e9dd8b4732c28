import gc
import weakref

import numpy as np
import pytest

from glassnet import Tensor, enable_grad, no_grad, ops
from glassnet.autograd import is_grad_enabled, topological_order
from glassnet.autograd.tensor import from_op


def test_default_dtypes_follow_keras():
    assert Tensor([1.0, 2.0]).dtype == np.float32  # Python floats -> floatx
    assert Tensor(3.5).dtype == np.float32
    assert Tensor([1, 2]).dtype.kind == "i"  # integer labels stay integers
    assert Tensor(np.zeros(2)).dtype == np.float64  # float64 on request: an explicit float64 array
    assert Tensor([1, 2], dtype="float64").dtype == np.float64


def test_attributes():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert t.numpy() is t.data
    assert np.asarray(t) is t.data
    assert "Tensor(" in repr(t)


def test_only_float_tensors_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        Tensor([1, 2], requires_grad=True)


def test_backward_simple_chain_rule():
    x = Tensor([2.0, -3.0], requires_grad=True)
    y = (x * x * 3.0 + x).sum()  # dy/dx = 6x + 1
    y.backward()
    np.testing.assert_allclose(x.grad, [13.0, -17.0])


def test_tensor_used_twice_accumulates():
    x = Tensor([1.5], requires_grad=True)
    a = x * 2.0
    y = (a * a + a).sum()  # a used twice: dy/da = 2a + 1, dy/dx = 2 (2a + 1) = 2 * 7 = 14
    y.backward()
    np.testing.assert_allclose(x.grad, [14.0])


def test_diamond_graph_visits_each_node_once():
    x = Tensor([1.0, 2.0], requires_grad=True)
    b = ops.exp(x)
    y = (b * 2.0 + b * 3.0).sum()  # dy/dx = 5 exp(x)
    y.backward()
    np.testing.assert_allclose(x.grad, 5 * np.exp([1.0, 2.0]))


def test_grad_accumulates_across_backward_calls():
    x = Tensor([1.0], requires_grad=True)
    (x * 2.0).sum().backward()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad, [5.0])
    x.zero_grad()
    assert x.grad is None


def test_non_scalar_without_seed_is_a_clear_error():
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"only for a scalar output, got shape \(2, 2\)"):
        (x * 2.0).backward()


def test_explicit_seed():
    x = Tensor(np.ones((2, 2)), requires_grad=True)
    (x * 3.0).backward(np.array([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(x.grad, [[3.0, 6.0], [9.0, 12.0]])
    with pytest.raises(ValueError, match="grad_output has shape"):
        (x * 3.0).backward(np.ones(3))


def test_backward_on_constant_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).sum().backward()


def test_graph_is_freed_after_backward_unless_retained():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, [4.0, 8.0])
    with pytest.raises(RuntimeError, match="already used by an earlier backward"):
        y.backward()


def test_gradient_arrays_are_not_shared_between_leaves():
    a, b = Tensor([1.0], requires_grad=True), Tensor([1.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad *= 10  # an in-place change (as optimizers make) must not reach b
    np.testing.assert_array_equal(b.grad, [1.0])


def test_gradients_of_broadcast_inputs_are_writable():
    x = Tensor(np.ones(3), requires_grad=True)
    x.sum().backward()
    x.grad += 1  # would fail on a read-only broadcast view
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 2.0])


def test_retain_grad_on_intermediate():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3.0).retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, 2 * h.data)


def test_detach_cuts_the_graph():
    x = Tensor([2.0], requires_grad=True)
    y = (x * x.detach()).sum()  # only the first factor is differentiated: dy/dx = x
    y.backward()
    np.testing.assert_allclose(x.grad, [2.0])
    assert not x.detach().requires_grad


def test_no_grad_records_nothing_and_keeps_no_memory():
    x = Tensor(np.ones(1000), requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        hidden = x * 2.0
        watcher = weakref.ref(hidden)
        y = hidden + 1.0
        with enable_grad():
            assert is_grad_enabled()
    assert is_grad_enabled()
    assert not y.requires_grad and y._parents == ()
    del hidden
    gc.collect()
    assert watcher() is None  # the intermediate is not held by the graph


def test_no_grad_as_decorator():
    @no_grad()
    def f(t):
        return t * 2.0

    assert not f(Tensor([1.0], requires_grad=True)).requires_grad


def test_operators_and_reflected_operators():
    x = Tensor([2.0, 4.0], requires_grad=True)
    y = (1.0 + x) * 2 - 3 / x + x**2 - (-x) + 2.0**x
    y = y @ Tensor([1.0, 1.0])
    y.backward()

    def derivative(v):
        return 2 + 3 / v**2 + 2 * v + 1 + np.log(2) * 2.0**v

    np.testing.assert_allclose(x.grad, [derivative(2.0), derivative(4.0)], rtol=1e-6)


def test_ndarray_on_the_left_gives_a_tensor():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, Tensor) and y.requires_grad


def test_comparisons_return_boolean_tensors_without_grad():
    x = Tensor([1.0, 3.0], requires_grad=True)
    assert (x > 2.0).data.tolist() == [False, True]
    assert not (x > 2.0).requires_grad
    assert {x: "usable as a key"}[x] == "usable as a key"  # elementwise == keeps identity hashing


def test_indexing_and_methods():
    x = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    y = x[1:, :2].sum() + x.T.mean() + x.reshape(4, 3).max()
    y.backward()
    expected = np.full((3, 4), 1 / 12)
    expected[1:, :2] += 1
    expected[2, 3] += 1
    np.testing.assert_allclose(x.grad, expected)


def test_deep_graph_does_not_hit_the_recursion_limit():
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0])


def test_each_node_passes_its_gradient_on_once_complete():
    """backward takes tensors latest-created first: a tensor used by branches created long after
    it, in interleaved order, passes on its gradient once, after every use has added to it. A
    hook on it sees that complete gradient, and the result equals the depth-first order's."""
    x = Tensor([0.5, -1.0], requires_grad=True)
    w = Tensor([2.0, 3.0], requires_grad=True)
    a = x * w  # used three times, by tensors created at different points
    b = ops.exp(a)
    c = a * a
    d = ops.sin(b) + c * a
    seen = []
    a.register_hook(lambda grad: seen.append(grad.copy()))
    (d.sum() + b.sum()).backward()
    ax = np.array([0.5, -1.0]) * np.array([2.0, 3.0])
    dd_da = np.cos(np.exp(ax)) * np.exp(ax) + 3 * ax**2 + np.exp(ax)
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], dd_da, rtol=1e-6)
    np.testing.assert_allclose(x.grad, dd_da * [2.0, 3.0], rtol=1e-6)
    np.testing.assert_allclose(w.grad, dd_da * [0.5, -1.0], rtol=1e-6)
    order = topological_order(d)
    assert [t._order for t in order] != [] and all(
        parent._order < node._order for node in order for parent in node._parents
    )


def test_a_leaf_created_after_the_graph_began_is_still_reached_last():
    x = Tensor([1.0], requires_grad=True)
    y = x * 2.0
    late = Tensor([3.0], requires_grad=True)  # created after y, used with it
    z = (y * late + late).sum()
    z.backward()
    np.testing.assert_allclose(x.grad, [6.0])
    np.testing.assert_allclose(late.grad, [3.0])


def test_chain_links_that_skip_the_queue_still_wait_for_every_contribution():
    """backward runs a chain's next link at once while nothing else waits. A tensor used twice
    by one op (x * x), an op whose first parent also feeds its second, and a hook in the chain
    must still give each tensor its whole gradient, once."""
    x = Tensor([0.5, -1.5], requires_grad=True)
    y = Tensor([2.0, 0.25], requires_grad=True)
    square = x * x  # one parent twice
    # two parents with gradients, the first older than the second, which also reads it: the
    # first must wait for the second's contribution
    joined = square * (y * square)
    tail = ops.tanh(ops.exp(joined) * 0.5)  # a plain chain
    seen = []
    tail.register_hook(lambda grad: seen.append(grad.copy()))
    loss = tail.sum()
    loss.backward()
    xs, ys = np.array([0.5, -1.5]), np.array([2.0, 0.25])
    inner = np.exp(ys * xs**4) * 0.5
    d_joined = (1 - np.tanh(inner) ** 2) * inner
    d_square = d_joined * 2 * ys * xs**2
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(x.grad, 2 * xs * d_square, rtol=1e-6)
    np.testing.assert_allclose(y.grad, d_joined * xs**4, rtol=1e-6)
    with pytest.raises(RuntimeError):
        loss.backward()  # freed: every link ran once


def test_a_chain_link_casts_its_parents_gradient_and_may_end_the_walk():
    """A one-parent link whose backward hands back another dtype gives its parent a gradient of
    the parent's dtype, as every other link does; a link that gives None ends the walk."""
    x = Tensor(np.array([1.0, 2.0], dtype="float32"), requires_grad=True)
    doubled = from_op(x.data * 2, (x,), lambda grad: ((grad * 2).astype("float64"),))
    ops.exp(doubled).sum().backward()  # every link has one parent and nothing else waits
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, 2 * np.exp(2 * x.data), rtol=1e-6)

    x.grad = None
    cut = from_op(x.data * 2, (x,), lambda grad: (None,))
    seen = []
    cut.register_hook(lambda grad: seen.append(grad.copy()))
    ops.exp(cut).sum().backward()
    assert x.grad is None and len(seen) == 1
