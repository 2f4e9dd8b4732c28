"""Compiled kernels (numba, the ``fast`` extra) against their NumPy reference paths."""

import contextlib

import numpy as np
import pytest

from glassnet import Variable, config, optimizers
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
    assert compiled.kernels() == {"adam_update": "off (numba is not installed)"}
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
