"""Compiled kernels (numba, the ``fast`` extra) against their NumPy reference paths."""

import contextlib
import importlib

import numpy as np
import pytest

from glassnet import Variable, config, ops, optimizers
from glassnet.autograd.tensor import Tensor
from glassnet.backend import compiled
from glassnet.optimizers import adam as adam_module

needs_numba = pytest.mark.skipif(
    not compiled.numba_available(), reason="numba (the fast extra) is not installed"
)


def _train(optimizer_factory, weights, grads, context):
    variables = [Variable(w.copy()) for w in weights]
    optimizer = optimizer_factory()
    with context:
        for step_grads in grads:
            optimizer.apply(step_grads, variables)
    return [v.data for v in variables], optimizer


def _problem(dtype, steps=6, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(7, 5), (5,), (), (3, 4, 2)]
    weights = [rng.standard_normal(s).astype(dtype) for s in shapes]
    grads = [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(steps)]
    return weights, grads


@needs_numba
@pytest.mark.parametrize(
    "factory",
    [
        lambda: optimizers.Adam(0.05),
        lambda: optimizers.Adam(0.05, beta_1=0.5, beta_2=0.9, epsilon=1e-3),
        lambda: optimizers.AdamW(0.05, weight_decay=0.1),
        lambda: optimizers.Adam(optimizers.schedules.ExponentialDecay(0.1, 2, 0.5)),
    ],
    ids=["adam", "adam_betas", "adamw", "adam_schedule"],
)
def test_compiled_adam_equals_the_numpy_reference_in_float64(factory):
    weights, grads = _problem(np.float64)
    fast, fast_opt = _train(factory, weights, grads, contextlib.nullcontext())
    assert compiled.kernels()["adam_update"] == "compiled"
    reference, reference_opt = _train(factory, weights, grads, compiled.disabled())
    for a, b in zip(fast, reference):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for fast_state, reference_state in zip(
        fast_opt._state.values(), reference_opt._state.values(), strict=True
    ):
        for slot in ("m", "v"):
            np.testing.assert_allclose(fast_state[slot], reference_state[slot], rtol=1e-10)
    assert fast_opt.iterations == reference_opt.iterations == len(grads)


@needs_numba
def test_compiled_adam_rounds_as_numpy_does_in_float32():
    # The scalars are passed in the arrays' dtype and the operations keep NumPy's order, so the
    # float32 results are the same bits, not just close.
    weights, grads = _problem(np.float32, steps=20, seed=1)
    fast, _ = _train(lambda: optimizers.Adam(0.01), weights, grads, contextlib.nullcontext())
    reference, _ = _train(lambda: optimizers.Adam(0.01), weights, grads, compiled.disabled())
    for a, b in zip(fast, reference):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)


@needs_numba
def test_the_kernel_is_really_called_and_amsgrad_and_float16_keep_the_reference(monkeypatch):
    calls = []
    real_get = compiled.get

    def spy(name):
        kernel = real_get(name)
        if kernel is None:
            return None
        return lambda *args: (calls.append(args[0].dtype), kernel(*args))[1]

    monkeypatch.setattr(adam_module.compiled, "get", spy)
    weights, grads = _problem(np.float32, steps=1)
    _train(lambda: optimizers.Adam(0.01), weights, grads, contextlib.nullcontext())
    assert calls == [np.float32] * len(weights)
    calls.clear()
    _train(lambda: optimizers.Adam(0.01, amsgrad=True), weights, grads, contextlib.nullcontext())
    weights16, grads16 = _problem(np.float16, steps=1)
    _train(lambda: optimizers.Adam(0.01), weights16, grads16, contextlib.nullcontext())
    assert calls == []


@needs_numba
def test_adams_kept_flat_views_follow_replaced_arrays_and_mixed_operands():
    """Adam keeps each variable's flat views between steps; a variable whose array is replaced,
    restored moments (set_weights), a float64 gradient for a float32 weight, a Fortran-ordered
    weight and a non-contiguous gradient all give the reference path's bits, step after step."""
    import copy

    rng = np.random.default_rng(3)
    shapes = [(6, 5), (5,), (4, 3)]
    start = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    start[2] = np.asfortranarray(start[2])
    grads = [[rng.standard_normal(s).astype(np.float32) for s in shapes] for _ in range(4)]
    for step in grads:
        step[1] = step[1].astype(np.float64)  # promoted on the way, as the base loop does
        step[0] = np.asfortranarray(step[0])  # copied to a contiguous gradient
    replacement = rng.standard_normal(shapes[0]).astype(np.float32)

    def run(context):
        variables = [Variable(w.copy(order="K")) for w in start]
        optimizer = optimizers.Adam(0.05)
        with context:
            optimizer.apply(grads[0], variables)
            copied = copy.deepcopy(optimizer)  # a copy steps on its own arrays
            copied.apply(grads[1], variables)
            variables[0].data = replacement.copy()  # another array for the same variable
            optimizer.apply(grads[1], variables)
            kept = [variable.data for variable in optimizer.variables]
            optimizer.set_weights(kept[:1] + [w * 0.5 for w in kept[1:]])  # in place
            state = optimizer._state[id(variables[0])]
            state["v"] = state["v"] * 2  # a new array, as a restore of another shape makes
            optimizer.apply(grads[2], variables)
            optimizer.apply(grads[3], variables)
        moments = [optimizer._state[id(v)][k] for v in variables for k in ("m", "v")]
        return [v.data for v in variables] + moments

    fast, reference = run(contextlib.nullcontext()), run(compiled.disabled())
    for a, b in zip(fast, reference, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@needs_numba
def test_an_adam_subclass_with_its_own_update_runs_it():
    class Halved(optimizers.Adam):
        def update(self, value, grad, lr, state, step):
            super().update(value, grad / 2, lr, state, step)

    variable = Variable(np.zeros(4))
    Halved(0.1, epsilon=0.0).apply([np.full(4, 2.0)], [variable])
    np.testing.assert_allclose(variable.data, -0.1)  # the first step moves lr * sign(g)
    optimizer = Halved(0.1, beta_1=0.0, beta_2=0.0, epsilon=0.0)
    optimizer.apply([np.full(4, 8.0)], [variable])
    assert optimizer._state[id(variable)]["m"].tolist() == [4.0] * 4  # the halved gradient


@needs_numba
def test_non_contiguous_arrays_are_updated_by_the_reference_path():
    # Adam.update on Fortran-ordered arrays: reshape(-1) would copy, so the kernel must not run.
    rng = np.random.default_rng(2)
    start = np.asfortranarray(rng.standard_normal((7, 5)))
    grads = [np.asfortranarray(rng.standard_normal((7, 5))) for _ in range(3)]
    results = []
    for context in (contextlib.nullcontext(), compiled.disabled()):
        optimizer = optimizers.Adam(0.05)
        value = start.copy(order="F")
        state = {"m": np.zeros_like(value), "v": np.zeros_like(value)}
        assert not value.flags.c_contiguous and not state["m"].flags.c_contiguous
        with context:
            for step, grad in enumerate(grads, start=1):
                optimizer.update(value, grad, 0.05, state, step)
        results.append(value)
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)
    assert not np.allclose(results[0], start)


def test_without_numba_every_kernel_is_off_and_adam_runs_the_reference(monkeypatch):
    monkeypatch.setattr(compiled, "_NUMBA", False)  # as if the fast extra were absent
    assert compiled.get("adam_update") is None
    assert set(compiled.kernels().values()) == {"off (numba is not installed)"}
    assert {"adam_update", "lstm_step_forward", "lstm_step_backward"} <= set(compiled.kernels())
    weights, grads = _problem(np.float64, steps=2)
    variable = Variable(weights[0].copy())
    optimizers.Adam(0.1, epsilon=0.0).apply([grads[0][0]], [variable])
    # first Adam step with epsilon 0: each weight moves by lr * sign(g)
    np.testing.assert_allclose(variable.data, weights[0] - 0.1 * np.sign(grads[0][0]))


def test_the_switches_turn_the_kernels_off():
    with compiled.disabled():
        assert compiled.get("adam_update") is None
        assert compiled.kernels()["adam_update"] in (
            "off (switched off)",
            "off (numba is not installed)",
        )
    with config.fusion_disabled():
        assert compiled.get("adam_update") is None
    assert compiled.is_enabled()


def test_unknown_kernel_and_duplicate_names_are_refused():
    if compiled.numba_available():
        with pytest.raises(KeyError, match="no kernel named 'nope'"):
            compiled.get("nope")
    with pytest.raises(ValueError, match="already exists"):
        compiled.register("adam_update")(lambda x: x)


def _lstm_with_gradients(dtype, mask, recurrent_mask, activation, context, seed=3):
    rng = np.random.default_rng(seed)
    n, steps, features, units = 5, 7, 3, 4
    shapes = [(n, steps, features), (features, 4 * units), (units, 4 * units), (4 * units,)]
    shapes += [(n, units), (n, units)]
    tensors = [Tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]
    grad_output = rng.standard_normal((n, steps, 2 * units)).astype(dtype)
    with context:
        out = ops.lstm(*tensors, mask=mask, recurrent_mask=recurrent_mask, activation=activation)
        out.backward(grad_output)
    return [out.data] + [t.grad for t in tensors]


LSTM_CASES = {
    "plain": (None, None),
    "masked": (np.random.default_rng(4).random((5, 7)) > 0.3, None),
    "recurrent_dropout": (None, (np.random.default_rng(5).random((5, 4)) > 0.5) * 2.0),
}


@needs_numba
@pytest.mark.parametrize("case", list(LSTM_CASES))
def test_compiled_lstm_steps_equal_the_numpy_reference(case):
    mask, recurrent_mask = LSTM_CASES[case]
    for dtype, rtol in ((np.float64, 1e-10), (np.float32, 1e-6)):
        drop = None if recurrent_mask is None else recurrent_mask.astype(dtype)
        fast = _lstm_with_gradients(dtype, mask, drop, "tanh", contextlib.nullcontext())
        reference = _lstm_with_gradients(dtype, mask, drop, "tanh", compiled.disabled())
        for a, b in zip(fast, reference, strict=True):
            assert a.dtype == dtype
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * 1e-2)
    assert compiled.kernels()["lstm_step_forward"] == "compiled"
    assert compiled.kernels()["lstm_step_backward"] == "compiled"


@needs_numba
def test_lstm_kernels_run_only_for_sigmoid_gates_and_a_tanh_cell(monkeypatch):
    from glassnet.ops import recurrent

    used = []
    real_get = compiled.get
    monkeypatch.setattr(recurrent.compiled, "get", lambda name: used.append(name) or real_get(name))
    _lstm_with_gradients(np.float64, None, None, "tanh", contextlib.nullcontext())
    assert used == ["lstm_step_forward", "lstm_step_backward"]
    used.clear()
    _lstm_with_gradients(np.float64, None, None, "relu", contextlib.nullcontext())
    _lstm_with_gradients(np.float16, None, None, "tanh", contextlib.nullcontext())
    assert used == []


@needs_numba
def test_a_keras_lstm_layer_trains_to_the_same_weights_with_and_without_kernels():
    import glassnet as keras

    rng = np.random.default_rng(6)
    x = rng.standard_normal((32, 6, 3)).astype(np.float32)
    y = rng.standard_normal((32, 1)).astype(np.float32)
    weights = []
    for context in (contextlib.nullcontext(), compiled.disabled()):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((6, 3)), keras.layers.LSTM(5), keras.layers.Dense(1)])
        model.compile(keras.optimizers.Adam(0.01), "mse")
        with context:
            model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _max_pool_with_gradient(x, pool, strides, padding, context):
    tensor = Tensor(x.copy(), requires_grad=True)
    with context:
        out = ops.max_pool2d(tensor, pool, strides, padding)
        grad_output = np.random.default_rng(7).standard_normal(out.shape).astype(x.dtype)
        out.backward(grad_output)
    return out.data, tensor.grad


def _pool_input(dtype, shape=(3, 7, 6, 4), transpose=False):
    # small whole numbers: ties inside a window are common, so the tie rule is exercised
    x = np.random.default_rng(8).integers(-2, 3, size=shape).astype(dtype)
    if transpose:  # a view whose channels are not contiguous
        x = np.ascontiguousarray(x.transpose(0, 1, 3, 2)).transpose(0, 1, 3, 2)
    return x


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "pool,strides,padding",
    [((2, 2), None, "valid"), ((3, 2), (3, 2), "same"), ((3, 3), (2, 1), "valid"), (2, 1, "same")],
    ids=["2x2", "3x2_same", "overlapping", "stride_1_same"],
)
@pytest.mark.parametrize("transpose", [False, True], ids=["contiguous", "strided"])
def test_compiled_max_pool_equals_the_numpy_reference(dtype, pool, strides, padding, transpose):
    """Forward values and the routed gradient, bit for bit, with ties in most windows; the
    gradient of overlapping windows is summed by the NumPy lines in both cases."""
    x = _pool_input(dtype, transpose=transpose)
    fast = _max_pool_with_gradient(x, pool, strides, padding, contextlib.nullcontext())
    reference = _max_pool_with_gradient(x, pool, strides, padding, compiled.disabled())
    for a, b in zip(fast, reference, strict=True):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)
    assert compiled.kernels()["max_pool2d_forward"] == "compiled"


@needs_numba
def test_compiled_max_pool_keeps_nan_and_infinities_as_numpy_does(monkeypatch):
    x = _pool_input(np.float64, shape=(1, 4, 4, 2))
    x[0, 0, 1, 0] = np.nan  # in the first window, after its first cell
    x[0, 2, 2, 1] = np.inf
    x[0, 3, 3, 1] = -np.inf
    fast = _max_pool_with_gradient(x, 2, None, "valid", contextlib.nullcontext())
    reference = _max_pool_with_gradient(x, 2, None, "valid", compiled.disabled())
    np.testing.assert_array_equal(fast[0], reference[0])  # NaN where NumPy has NaN
    assert np.isnan(fast[0][0, 0, 0, 0]) and fast[0][0, 1, 1, 1] == np.inf
    np.testing.assert_array_equal(fast[1], reference[1])
    from glassnet.ops import pooling

    kernels_used = []
    real_get = compiled.get
    monkeypatch.setattr(
        pooling.compiled, "get", lambda name: kernels_used.append(name) or real_get(name)
    )
    _max_pool_with_gradient(x, 2, None, "valid", contextlib.nullcontext())
    _max_pool_with_gradient(x.astype(np.float16), 2, None, "valid", contextlib.nullcontext())
    assert kernels_used == ["max_pool2d_forward", "max_pool2d_backward"]  # not for float16


@needs_numba
def test_a_cnn_trains_to_the_same_weights_with_and_without_the_pool_kernels():
    import glassnet as keras

    rng = np.random.default_rng(9)
    x = rng.standard_normal((16, 9, 9, 2)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    weights = []
    for context in (contextlib.nullcontext(), compiled.disabled()):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((9, 9, 2)),
                keras.layers.Conv2D(4, 3, activation="relu"),
                keras.layers.MaxPooling2D(),
                keras.layers.Flatten(),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
        model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        with context:
            model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


def _conv_input_gradient(x, kernel, strides, padding, dilation, context):
    tensor = Tensor(x.copy(), requires_grad=True)
    with context:
        out = ops.conv2d(tensor, kernel, None, strides, padding, dilation)
        grad_output = np.random.default_rng(10).standard_normal(out.shape).astype(x.dtype)
        out.backward(grad_output.transpose(0, 2, 1, 3).copy().transpose(0, 2, 1, 3))
    return tensor.grad


@needs_numba
@pytest.mark.parametrize(
    "kernel_shape,strides,padding,dilation",
    [
        ((3, 3, 4, 5), 1, "valid", 1),
        ((3, 2, 4, 5), (2, 1), "same", 1),
        ((2, 3, 4, 3), 1, "same", (2, 1)),
        ((1, 1, 4, 6), 2, "valid", 1),
    ],
    ids=["3x3", "3x2_stride_same", "dilated", "1x1_stride"],
)
@pytest.mark.parametrize("chunk", [None, 1], ids=["one_chunk", "chunk_per_image"])
def test_compiled_col2im_input_gradient_equals_the_per_offset_reference(
    kernel_shape, strides, padding, dilation, chunk, monkeypatch
):
    """conv2d's input gradient through one GEMM and the compiled col2im_add equals the NumPy
    per-offset additions: float64 to 1e-10 (the additions come in another order), float32 to
    float32 rounding; also when the batch is split into chunks, the last one partial."""
    conv_module = importlib.import_module("glassnet.ops.conv")  # ops.conv is also an op's name
    if chunk is not None:  # one image per chunk: 3 chunks for the batch of 3
        monkeypatch.setattr(conv_module, "_COL2IM_CHUNK_FLOATS", 1)
    used = []
    real_get = compiled.get

    def spy(name):
        kernel = real_get(name)
        if kernel is not None:
            used.append(name)
        return kernel

    monkeypatch.setattr(conv_module.compiled, "get", spy)
    rng = np.random.default_rng(11)
    for dtype, rtol in ((np.float64, 1e-10), (np.float32, 1e-5)):
        x = rng.standard_normal((3, 7, 6, 4)).astype(dtype)
        kernel = rng.standard_normal(kernel_shape).astype(dtype)
        args = (x, kernel, strides, padding, dilation)
        fast = _conv_input_gradient(*args, contextlib.nullcontext())
        reference = _conv_input_gradient(*args, compiled.disabled())
        assert fast.dtype == dtype and fast.shape == x.shape
        np.testing.assert_allclose(fast, reference, rtol=rtol, atol=rtol)
    assert "col2im_add" in used


# -- ReLU's bias-and-forward and its backward, one pass each ------------------------------------
def _relu_operands(dtype, shape, seed=11):
    """z, bias and dL/dy with the values where a max or a product by 0 could round differently:
    -0.0 in z and in the bias, NaN and both infinities in z and in the gradient."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(shape).astype(dtype)
    bias = rng.standard_normal(shape[-1]).astype(dtype)
    grad = rng.standard_normal(shape).astype(dtype)
    z.flat[::7] = -0.0
    bias[::5] = -0.0
    z.flat[3], z.flat[-2], z.flat[-5] = np.nan, np.inf, -np.inf
    grad.flat[::11] = np.nan
    grad.flat[1::13] = -np.inf
    return z, bias, grad


def _kernel_spy(monkeypatch):
    """The names of the compiled kernels that run from here on, in order (every module holds the
    same ``compiled`` module, so one patch sees them all)."""
    calls = []
    real_get = compiled.get

    def spy(name):
        kernel = real_get(name)
        return None if kernel is None else (lambda *a: (calls.append(name), kernel(*a))[1])

    monkeypatch.setattr(compiled, "get", spy)
    return calls


@needs_numba
@pytest.mark.filterwarnings("ignore:invalid value encountered in multiply")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(128, 256), (37, 61), (5, 3, 100)], ids=["wide", "odd", "3d"])
def test_compiled_relu_kernels_give_numpys_bits(dtype, shape, monkeypatch):
    """max(z + bias, 0) in place and dL/dz = dL/dy (y > 0), each in one compiled pass, equal the
    NumPy lines bit for bit (the dtype kept, -0.0 made 0.0 as NumPy's maximum does, NaN kept)."""
    from glassnet.ops.activation import ACTIVATIONS

    relu = ACTIVATIONS["relu"]
    z, bias, grad = _relu_operands(dtype, shape)
    calls = _kernel_spy(monkeypatch)
    fast_y = relu.apply_inplace(z.copy(), bias)
    fast_grad = relu.chain(grad, None, fast_y)
    assert calls == ["relu_add_bias", "relu_chain"]
    with compiled.disabled():
        reference_y = relu.apply_inplace(z.copy(), bias)
        reference_grad = relu.chain(grad, None, reference_y)
    assert calls == ["relu_add_bias", "relu_chain"]  # the switch stops them
    for fast, reference in ((fast_y, reference_y), (fast_grad, reference_grad)):
        assert fast.dtype == reference.dtype == dtype
        assert fast.tobytes() == reference.tobytes()
    assert not np.signbit(fast_y[fast_y == 0]).any()


@needs_numba
def test_relu_kernels_step_aside_where_numpy_must_do_it(monkeypatch):
    """Small gradients, float16, a bias of another dtype or byte order, a non-contiguous array
    and a gradient that broadcasts run NumPy's lines, with the reference's results. The
    forward's kernel takes small arrays too (one sample's row)."""
    from glassnet.ops import activation

    relu = activation.ACTIVATIONS["relu"]
    calls = _kernel_spy(monkeypatch)
    big = activation.KERNEL_MIN_SIZE
    z, bias, grad = _relu_operands(np.float32, (big // 32 + 1, 32))
    cases = [  # (z, bias, dL/dy, the kernels that may run)
        (z[:2], bias, grad[:2], ["relu_add_bias"]),  # too small for the backward's kernel
        (z[:1, :5], bias[:5], grad[:1, :5], ["relu_add_bias"]),
        (z, bias.astype(">f4"), grad, ["relu_chain"]),  # equal to float32 but not native
        (z.astype(np.float16), bias.astype(np.float16), grad.astype(np.float16), []),
        # z += bias casts with NumPy's rounding; the backward's operands are one dtype again
        (z, bias.astype(np.float64), grad, ["relu_chain"]),
        (np.asfortranarray(z), bias, np.asfortranarray(grad), []),
        (z, bias, grad.astype(np.float64), ["relu_add_bias"]),  # the product promotes
    ]
    with np.errstate(invalid="ignore"):
        for z_case, bias_case, grad_case, kernels in cases:
            calls.clear()
            y = relu.apply_inplace(z_case.copy(order="K"), bias_case)
            expected_y = np.maximum(z_case + bias_case, 0).astype(z_case.dtype)
            np.testing.assert_array_equal(y, expected_y)
            grad_z = relu.chain(grad_case, None, y)
            assert grad_z.dtype == (grad_case * (y > 0)).dtype
            np.testing.assert_array_equal(grad_z, grad_case * (expected_y > 0))
            assert calls == kernels
        calls.clear()
        y = relu.apply_inplace(z.copy(), bias)
        column = grad[:, :1]  # broadcast against y: NumPy's product
        np.testing.assert_array_equal(relu.chain(column, None, y), column * (y > 0))
        np.testing.assert_array_equal(relu.chain(2.0, None, y), 2.0 * (y > 0))  # a scalar
        masked = np.ma.masked_array(grad, mask=np.zeros_like(grad, dtype=bool))
        assert isinstance(relu.chain(masked, None, y), np.ma.MaskedArray)  # a subclass
    assert calls == ["relu_add_bias"]


@needs_numba
def test_an_mlp_trains_to_the_same_weights_with_and_without_the_relu_kernels(monkeypatch):
    import glassnet as keras

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(12)
    x = rng.standard_normal((64, 20)).astype(np.float32)
    y = rng.integers(0, 4, 64)
    weights = []
    for context in (contextlib.nullcontext(), compiled.disabled()):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((20,)),
                keras.layers.Dense(48, activation="relu"),
                keras.layers.Dense(32, activation="relu"),
                keras.layers.Dense(4, activation="softmax"),
            ]
        )
        model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        with context:
            model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    assert {"relu_add_bias", "relu_chain"} <= set(calls)
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


# -- LayerNormalization's forward and backward, one pass per row --------------------------------
def _normalize_results(x, axes, scale, offset, grad_output):
    """(y, mean, var, dL/dx, dL/dscale, dL/doffset) of ``normalize`` with this seed gradient."""
    from glassnet.ops.normalization import normalize

    x = Tensor(x, requires_grad=True)
    weights = [None if w is None else Tensor(w, requires_grad=True) for w in (scale, offset)]
    y, mean, var = normalize(x, axes, *weights, epsilon=1e-5)
    y.backward(grad_output)
    return [y.data, mean, var, x.grad] + [None if w is None else w.grad for w in weights]


def _normalize_operands(seed, loc, spread, shape, weight_shape, dtype, with_scale, with_offset):
    """(x, dL/dy, scale, offset) in ``dtype`` for the kernel-vs-reference tests: x normal around
    ``loc``; a weight is None when not asked for or when ``weight_shape`` is None."""
    rng = np.random.default_rng(seed)
    x = rng.normal(loc, spread, size=shape).astype(dtype)
    grad_output = rng.standard_normal(shape).astype(dtype)
    weights = [
        rng.standard_normal(weight_shape).astype(dtype)
        if wanted and weight_shape is not None
        else None
        for wanted in (with_scale, with_offset)
    ]
    return x, grad_output, *weights


def _normalize_kernels_match(monkeypatch, kernels, tolerance, x, axes, scale, offset, grad):
    """``normalize`` with its compiled ``kernels`` (which must be the ones that run) and with the
    NumPy lines: the same output, statistics and gradients within ``tolerance`` (NaN equal to
    NaN); returns the kernels' results."""
    calls = _kernel_spy(monkeypatch)
    fast = _normalize_results(x, axes, scale, offset, grad)
    assert calls == kernels
    with compiled.disabled():
        reference = _normalize_results(x, axes, scale, offset, grad)
    assert calls == kernels  # the switch stops them
    for a, b in zip(fast, reference, strict=True):
        if b is None:
            assert a is None
            continue
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance)
    return fast


@needs_numba
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-10), (np.float32, 1e-5)])
@pytest.mark.parametrize(
    "shape, axes, weight_shape",
    [
        ((32, 6, 16), -1, (16,)),
        ((7, 33), -1, (1, 33)),  # an odd row length: vector lanes and a scalar remainder
        ((4, 3, 5), (1, 2), (3, 5)),  # two normalised axes, a scale over both
        ((5, 8), -1, None),  # neither scale nor offset
    ],
    ids=["features", "odd", "two_axes", "plain"],
)
@pytest.mark.parametrize("with_scale, with_offset", [(True, True), (True, False), (False, True)])
def test_compiled_layer_norm_equals_the_numpy_reference(
    dtype, tolerance, shape, axes, weight_shape, with_scale, with_offset, monkeypatch
):
    """The kernels give the NumPy lines' output, statistics and gradients within rounding (their
    row sums are added in another order): float64 to 1e-10, float32 to float32 rounding."""
    x, grad_output, scale, offset = _normalize_operands(
        13, 2.0, 3.0, shape, weight_shape, dtype, with_scale, with_offset
    )
    kernels = ["layer_norm_forward", "layer_norm_backward"]
    _normalize_kernels_match(monkeypatch, kernels, tolerance, x, axes, scale, offset, grad_output)


@needs_numba
@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_compiled_layer_norm_carries_nan_and_infinities_as_numpy_does(monkeypatch):
    """A row with NaN or an infinity gives what the NumPy lines give (NaN rows, an infinite
    mean), and the other rows are untouched by it."""
    rng = np.random.default_rng(14)
    x = rng.standard_normal((6, 40))
    x[1, 3], x[2, 39], x[3, 0], x[4, 7] = np.nan, np.inf, -np.inf, np.inf
    x[4, 8] = -np.inf
    scale, offset = rng.standard_normal((2, 40))
    grad_output = rng.standard_normal((6, 40))
    kernels = ["layer_norm_forward", "layer_norm_backward"]
    fast = _normalize_kernels_match(monkeypatch, kernels, 1e-10, x, -1, scale, offset, grad_output)
    assert np.isnan(fast[0][1:5]).all() and np.isfinite(fast[0][[0, 5]]).all()
    assert fast[1][2, 0] == np.inf and fast[1][3, 0] == -np.inf


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_rows_compiled_layer_norm_does_not_depend_on_its_batch(dtype, monkeypatch):
    """Each row's output and statistics are the same bits in any slice of its batch, whatever
    the row's address (33 values a row: the rows start at every alignment)."""
    from glassnet.ops.normalization import normalize

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(15)
    x = rng.standard_normal((40, 33)).astype(dtype)
    scale, offset = rng.standard_normal((2, 33)).astype(dtype)
    whole, mean, var = normalize(x, -1, scale, offset)
    for start, stop in ((0, 1), (5, 6), (3, 20), (7, 40), (1, 2)):
        part, part_mean, part_var = normalize(x[start:stop].copy(), -1, scale, offset)
        np.testing.assert_array_equal(part.data, whole.data[start:stop])
        np.testing.assert_array_equal(part_mean, mean[start:stop])
        np.testing.assert_array_equal(part_var, var[start:stop])
    assert calls == ["layer_norm_forward"] * 6


@needs_numba
def test_layer_norm_kernels_step_aside_where_the_numpy_lines_must_run(monkeypatch):
    """A middle axis, float16, a non-contiguous input, a scale that is one number, and statistics
    summed across processes run the NumPy lines."""
    from glassnet.ops.normalization import normalize

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(16)
    x = rng.standard_normal((8, 12)).astype(np.float32)
    features = rng.standard_normal(12).astype(np.float32)
    cases = [
        # a middle axis: neither LayerNormalization's trailing nor BatchNormalization's leading
        (x.reshape(2, 4, 12), 1, rng.standard_normal((4, 1)).astype(np.float32), {}),
        (x.astype(np.float16), -1, features.astype(np.float16), {}),
        (np.asfortranarray(x), -1, features, {}),
        (x[:, ::2], -1, features[::2], {}),
        (x, -1, np.float32(2.0), {}),  # one scale for every position: broadcast
        (x, -1, features, {"cross_replica_sum": lambda arrays: arrays}),
    ]
    for array, axes, scale, options in cases:
        out, _, _ = normalize(array, axes, scale, None, 1e-3, **options)
        with compiled.disabled():
            expected, _, _ = normalize(array, axes, scale, None, 1e-3, **options)
        np.testing.assert_array_equal(out.data, expected.data)
    assert calls == []
    normalize(x, -1, features)  # and the ordinary case does run them
    assert calls == ["layer_norm_forward"]


@needs_numba
def test_a_transformer_block_trains_alike_with_and_without_the_layer_norm_kernels(
    monkeypatch, float64
):
    """Attention, residual additions and two LayerNormalization layers, in float64 with SGD (so
    that a rounding difference stays that small): three epochs give the same weights to 1e-10
    with the compiled kernels and without, and the layer-norm kernels ran."""
    import glassnet as keras

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(17)
    x = rng.standard_normal((16, 6, 8))
    y = rng.standard_normal((16, 6, 8))
    weights = []
    for context in (contextlib.nullcontext(), compiled.disabled()):
        keras.utils.set_random_seed(0)
        inputs = keras.Input((6, 8))
        attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inputs, inputs)
        hidden = keras.layers.LayerNormalization()(keras.layers.Add()([inputs, attended]))
        feed = keras.layers.Dense(8)(keras.layers.Dense(16, activation="relu")(hidden))
        outputs = keras.layers.LayerNormalization()(keras.layers.Add()([hidden, feed]))
        model = keras.Model(inputs, outputs)
        model.compile(keras.optimizers.SGD(0.1), "mse")
        with context:
            model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    assert {"layer_norm_forward", "layer_norm_backward"} <= set(calls)
    assert weights[0][0].dtype == np.float64
    for a, b in zip(*weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


# -- softmax's forward: the shift, NumPy's exp and the normalisation -----------------------------
@needs_numba
@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-6)])
@pytest.mark.parametrize(
    "shape",
    [(8, 4, 16, 16), (128, 10), (1, 10), (5, 1), (7, 33)],
    ids=["scores", "classes", "one_sample", "one", "odd"],
)
def test_compiled_softmax_equals_the_numpy_reference(dtype, tolerance, shape, monkeypatch):
    """The shift and the division by the row sum in one pass each: the NumPy lines' values
    within rounding (the sum is added in another order), summing to 1, with a NaN, +inf or
    -inf in a row making that row NaN as in NumPy's lines."""
    from glassnet.ops.activation import softmax_array

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(20)
    x = (rng.standard_normal(shape) * 30).astype(dtype)
    fast = softmax_array(x)
    assert calls == ["subtract_row_max", "divide_by_row_sum"]
    with compiled.disabled():
        reference = softmax_array(x)
    assert fast.dtype == reference.dtype == dtype and fast.shape == shape
    np.testing.assert_allclose(fast, reference, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(fast.sum(axis=-1), 1, rtol=10 * tolerance)
    rows = x.reshape(-1, shape[-1]).copy()
    for value, row in zip((np.nan, np.inf, -np.inf), range(len(rows))):
        rows[row, 0] = value
    fast = softmax_array(rows)
    with compiled.disabled():
        reference = softmax_array(rows)
    np.testing.assert_array_equal(np.isnan(fast), np.isnan(reference))
    np.testing.assert_allclose(fast, reference, rtol=tolerance, atol=tolerance)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_samples_softmax_does_not_depend_on_its_batch(dtype):
    """Each row of a width takes the same path whatever the batch: one sample's probabilities
    are the bits of its row in a batch of 128."""
    from glassnet.ops.activation import softmax_array

    batch = np.random.default_rng(21).standard_normal((128, 10)).astype(dtype) * 5
    together = softmax_array(batch)
    for row in (0, 63, 127):
        assert softmax_array(batch[row : row + 1]).tobytes() == together[row].tobytes()


@needs_numba
def test_softmax_forward_kernels_step_aside_where_the_numpy_lines_must_run(monkeypatch):
    """float16, the first axis, rows longer than SHIFT_KERNEL_MAX_ROW, a strided array and
    big-endian floats run the NumPy lines (the same values as with the kernels off)."""
    from glassnet.ops._helpers import SHIFT_KERNEL_MAX_ROW
    from glassnet.ops.activation import softmax_array

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(22)
    x = rng.standard_normal((6, 5))
    cases = [
        (x.astype(np.float16), -1),
        (x, 0),
        (rng.standard_normal((3, SHIFT_KERNEL_MAX_ROW + 1)), -1),
        (rng.standard_normal((40, 6))[:, ::2], -1),
        (x.astype(">f8"), -1),  # float64 of the other byte order
    ]
    for array, axis in cases:
        fast = softmax_array(array, axis)
        with compiled.disabled():
            np.testing.assert_array_equal(fast, softmax_array(array, axis))
        assert fast.dtype == array.dtype.newbyteorder("=")
        np.testing.assert_allclose(fast.sum(axis=axis), 1, rtol=1e-3)
    assert "divide_by_row_sum" not in calls


# -- softmax's backward, one pass per row ------------------------------------------------------
def _softmax_gradient(x, grad_output, axis=-1):
    x = Tensor(x, requires_grad=True)
    ops.softmax(x, axis=axis).backward(grad_output)
    return x.grad


@needs_numba
@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-12), (np.float32, 1e-6)])
@pytest.mark.parametrize(
    "shape", [(8, 4, 16, 16), (128, 10), (5, 1), (7, 33)], ids=["scores", "classes", "one", "odd"]
)
def test_compiled_softmax_backward_equals_the_numpy_reference(dtype, tolerance, shape, monkeypatch):
    """dL/dx = (g - sum(g y)) y in one pass per row: the einsum lines' values within rounding
    (the dot product is added in another order), NaN carried through its row; also for a
    gradient that arrives transposed (copied first, as the reference does)."""
    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(18)
    x = rng.standard_normal(shape).astype(dtype) * 3
    grad_output = rng.standard_normal(shape).astype(dtype)
    grad_output.flat[5 % grad_output.size] = np.nan
    transposed = np.swapaxes(rng.standard_normal(shape[:-2] + shape[-1:] + shape[-2:-1]), -1, -2)
    for seed in (grad_output, transposed.astype(dtype)):
        calls.clear()
        fast = _softmax_gradient(x, seed)
        assert calls.count("softmax_backward_rows") == 1
        with compiled.disabled():
            reference = _softmax_gradient(x, seed)
        assert fast.dtype == reference.dtype == dtype
        np.testing.assert_allclose(fast, reference, rtol=tolerance, atol=tolerance)
    with compiled.disabled():  # the gradient's NaN spreads over its row, in both
        assert np.isnan(_softmax_gradient(x, grad_output).reshape(-1, shape[-1])[0]).all()


@needs_numba
def test_softmax_backward_kernel_steps_aside_for_float16_and_other_axes(monkeypatch):
    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(19)
    x, grad_output = rng.standard_normal((2, 6, 5))
    half = _softmax_gradient(x.astype(np.float16), grad_output.astype(np.float16))
    assert half.dtype == np.float16
    first_axis = _softmax_gradient(x, grad_output, axis=0)
    with compiled.disabled():
        np.testing.assert_array_equal(first_axis, _softmax_gradient(x, grad_output, axis=0))
    assert "softmax_backward_rows" not in calls


# -- BatchNormalization's forward and backward, all features at once ----------------------------
@needs_numba
@pytest.mark.parametrize("dtype, tolerance", [(np.float64, 1e-10), (np.float32, 1e-5)])
@pytest.mark.parametrize(
    "shape, axes, weight_shape",
    [
        ((16, 5, 5, 8), (0, 1, 2), (8,)),  # images, channels last
        ((64, 10), 0, (10,)),  # features of a Dense layer
        ((3, 4, 7), (0, 1), (1, 1, 7)),  # the layer's broadcast shape
    ],
    ids=["images", "features", "broadcast_shape"],
)
@pytest.mark.parametrize(
    "with_scale, with_offset", [(True, True), (True, False), (False, True), (False, False)]
)
def test_compiled_batch_norm_equals_the_numpy_reference(
    dtype, tolerance, shape, axes, weight_shape, with_scale, with_offset, monkeypatch
):
    """The kernels give the NumPy lines' output, batch statistics and gradients within rounding
    (each feature's sums are added in float64, the reference's by BLAS in x's dtype)."""
    x, grad_output, scale, offset = _normalize_operands(
        20, 1.5, 2.0, shape, weight_shape, dtype, with_scale, with_offset
    )
    kernels = ["batch_norm_forward", "batch_norm_backward"]
    _normalize_kernels_match(monkeypatch, kernels, tolerance, x, axes, scale, offset, grad_output)


@needs_numba
@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_compiled_batch_norm_carries_nan_and_infinities_as_numpy_does(monkeypatch):
    """A feature with NaN or an infinity among its rows gives what the NumPy lines give, and the
    other features are untouched by it."""
    rng = np.random.default_rng(21)
    x = rng.standard_normal((30, 6))
    x[4, 1], x[7, 2], x[9, 3], x[2, 4], x[3, 4] = np.nan, np.inf, -np.inf, np.inf, -np.inf
    scale, offset = rng.standard_normal((2, 6))
    grad_output = rng.standard_normal((30, 6))
    kernels = ["batch_norm_forward", "batch_norm_backward"]
    fast = _normalize_kernels_match(monkeypatch, kernels, 1e-10, x, 0, scale, offset, grad_output)
    assert np.isnan(fast[0][:, 1:5]).all() and np.isfinite(fast[0][:, [0, 5]]).all()


@needs_numba
def test_batch_norm_kernels_step_aside_where_the_numpy_lines_must_run(monkeypatch):
    """Channels first, float16, a non-contiguous input, one scale for every feature and
    statistics summed across processes run the NumPy lines."""
    from glassnet.ops.normalization import normalize

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(22)
    x = rng.standard_normal((6, 3, 4, 5)).astype(np.float32)
    channels = rng.standard_normal(5).astype(np.float32)
    cases = [
        (x, (0, 2, 3), rng.standard_normal((1, 3, 1, 1)).astype(np.float32), {}),
        (x.astype(np.float16), (0, 1, 2), channels.astype(np.float16), {}),
        (x[:, :, :, ::2], (0, 1, 2), channels[::2], {}),
        (x, (0, 1, 2), np.float32(2.0), {}),
        (x, (0, 1, 2), channels, {"cross_replica_sum": lambda arrays: arrays}),
    ]
    for array, axes, scale, options in cases:
        out, _, _ = normalize(array, axes, scale, None, 1e-3, **options)
        with compiled.disabled():
            expected, _, _ = normalize(array, axes, scale, None, 1e-3, **options)
        np.testing.assert_array_equal(out.data, expected.data)
    assert calls == []
    normalize(x, (0, 1, 2), channels)  # and the ordinary case does run them
    assert calls == ["batch_norm_forward"]


@needs_numba
def test_a_cnn_with_batch_norm_trains_alike_with_and_without_its_kernels(monkeypatch, float64):
    """Conv2D -> BatchNormalization -> ReLU twice, in float64 with SGD: three epochs give the
    same weights, moving statistics included, to 1e-10 with the kernels and without."""
    import glassnet as keras

    calls = _kernel_spy(monkeypatch)
    rng = np.random.default_rng(23)
    x = rng.standard_normal((24, 8, 8, 2))
    y = rng.integers(0, 3, 24)
    weights = []
    for context in (contextlib.nullcontext(), compiled.disabled()):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((8, 8, 2)),
                keras.layers.Conv2D(4, 3, use_bias=False),
                keras.layers.BatchNormalization(),
                keras.layers.ReLU(),
                keras.layers.Conv2D(6, 3),
                keras.layers.BatchNormalization(center=False),
                keras.layers.ReLU(),
                keras.layers.Flatten(),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
        model.compile(keras.optimizers.SGD(0.05), "sparse_categorical_crossentropy")
        with context:
            model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    assert {"batch_norm_forward", "batch_norm_backward"} <= set(calls)
    assert weights[0][0].dtype == np.float64
    for a, b in zip(*weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
