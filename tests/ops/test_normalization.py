"""ops.normalization.normalize (the normalization layers' batch-statistics op): gradients of every
argument, for the axis and scale layouts its fast paths treat differently (leading axes with a
per-feature scale as in BatchNormalization, trailing axes with a scale that varies over them as in
LayerNormalization, no scale, non-leading axes)."""

import contextlib

import numpy as np
import pytest

from glassnet import gradcheck
from glassnet.backend import compiled
from glassnet.ops import normalization

rng = np.random.default_rng(0)


def normalize_output(axes, with_scale=True, with_offset=True):
    def f(x, *weights):
        weights = list(weights)
        scale = weights.pop(0) if with_scale else None
        offset = weights.pop(0) if with_offset else None
        return normalization.normalize(x, axes, scale, offset)[0]

    return f


@pytest.mark.parametrize(
    "axes, scale_shape, with_scale, with_offset",
    [
        ((0, 1, 2), (3,), True, True),  # BatchNormalization on images, channels last
        ((0, 1, 2), (1, 1, 1, 3), True, True),  # the same with the layer's broadcast shape
        ((0,), (1,), True, True),  # one scale for everything: summed over the kept axis as well
        ((2,), (5,), True, True),  # LayerNormalization: the scale varies over the normalised axis
        ((0, 1, 2), (3,), False, True),
        ((0, 1, 2), (3,), True, False),
        ((0, 2), (1, 4, 1, 3), True, True),  # normalised axes that are not leading
    ],
    ids=[
        "bn",
        "bn_broadcast_shape",
        "scalar_scale",
        "layer_norm",
        "offset_only",
        "scale_only",
        "non_leading",
    ],
)
def test_normalize_gradients(axes, scale_shape, with_scale, with_offset):
    x = rng.normal(1.0, 2.0, size=(4, 2, 5, 3) if axes != (0, 2) else (3, 4, 2, 3))
    if axes == (2,):
        x = x.transpose(0, 1, 3, 2)  # (4, 2, 3, 5): normalise the last axis
        axes = (3,)
    weights = ([rng.normal(size=scale_shape)] if with_scale else []) + (
        [rng.normal(size=scale_shape)] if with_offset else []
    )
    assert gradcheck(
        normalize_output(axes, with_scale, with_offset), np.ascontiguousarray(x), *weights
    )


def test_normalize_statistics_match_numpy():
    x = rng.normal(3.0, 2.0, size=(6, 4, 4, 2)).astype(np.float32)
    out, mean, var = normalization.normalize(x, (0, 1, 2))
    np.testing.assert_allclose(mean.reshape(-1), x.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(var.reshape(-1), x.var(axis=(0, 1, 2)), rtol=1e-4)
    np.testing.assert_allclose(
        out.data,
        (x - x.mean(axis=(0, 1, 2))) / np.sqrt(x.var(axis=(0, 1, 2)) + 1e-3),
        rtol=1e-4,
        atol=1e-5,
    )
    assert out.dtype == np.float32


def test_layer_norm_statistics_are_row_sums_by_blas_and_match_numpy(monkeypatch):
    """Without the compiled kernels, trailing axes (LayerNormalization) take their sums as one
    matrix-vector product each (``sum_columns``): two in the forward, two in the backward; the
    values are NumPy's within float32 rounding, and the gradients pass gradcheck above (the
    "layer_norm" case, which runs the kernels when numba is installed)."""
    with compiled.disabled():  # the reference path; the kernels are tested with the others
        _check_layer_norm_sums_by_blas(monkeypatch)


def _check_layer_norm_sums_by_blas(monkeypatch):
    calls = []
    real = normalization.sum_columns
    monkeypatch.setattr(normalization, "sum_columns", lambda m: calls.append(m.shape) or real(m))
    x = rng.normal(3.0, 2.0, size=(32, 6, 16)).astype(np.float32)
    scale, offset = rng.normal(size=16), rng.normal(size=16)
    out, mean, var = normalization.normalize(x, (1, 2), scale.astype(np.float32))
    assert calls == [(32, 96), (32, 96)]
    np.testing.assert_allclose(mean.reshape(-1), x.mean(axis=(1, 2)), rtol=1e-5)
    np.testing.assert_allclose(var.reshape(-1), x.var(axis=(1, 2)), rtol=1e-4)
    from glassnet import Tensor

    tensor = Tensor(x, requires_grad=True)
    y, _, _ = normalization.normalize(tensor, -1, None, offset)  # no scale: see below
    calls.clear()
    y.backward(np.ones_like(x))
    assert calls == [(192, 16), (192, 16)]
    # without a scale each row of y sums to a constant (x_hat sums to 0): no gradient
    assert np.abs(tensor.grad).max() < 1e-4
    calls.clear()
    normalization.normalize(x[:1], (1, 2))  # one row too: its statistics whatever the batch
    assert calls == [(1, 96), (1, 96)]


# -- an activation inside the op (the fusion pass's batchnorm_activation rule) --------------------
def _normalized_then(x, axes, scale, offset, grad_output, activation, inside):
    """(y, dL/dx, dL/dscale, dL/doffset) of the activation of ``normalize``: applied inside the
    op, or as its own op after it."""
    from glassnet import Tensor, ops

    x = Tensor(x, requires_grad=True)
    weights = [None if w is None else Tensor(w, requires_grad=True) for w in (scale, offset)]
    if inside:
        y = normalization.normalize(x, axes, *weights, activation=activation)[0]
    else:
        y = getattr(ops, activation)(normalization.normalize(x, axes, *weights)[0])
    y.backward(grad_output)
    return [y.data, x.grad] + [None if w is None else w.grad for w in weights]


@pytest.mark.parametrize("kernels", [True, False], ids=["kernels", "numpy"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "shape, axes, weight_shape, activation",
    [
        ((16, 5, 5, 8), (0, 1, 2), (8,), "relu"),  # BatchNormalization, channels last
        ((40, 6), 0, (6,), "relu6"),
        ((6, 4, 9), (0, 1), (1, 1, 9), "tanh"),
        ((5, 12), -1, (12,), "relu"),  # LayerNormalization's axes
        ((4, 3, 5), (0, 2), (1, 3, 1), "sigmoid"),  # axes neither leading nor trailing
    ],
    ids=["images_relu", "features_relu6", "broadcast_tanh", "trailing_relu", "middle_sigmoid"],
)
@pytest.mark.parametrize("with_weights", [True, False], ids=["affine", "plain"])
@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_an_activation_inside_normalize_gives_the_bits_of_the_activation_after_it(
    kernels, dtype, shape, axes, weight_shape, activation, with_weights
):
    """The output and every gradient equal, bit for bit, those of the activation's own op after
    ``normalize``: on every path (the compiled kernels, which run a ReLU inside their passes and
    other activations around them, and the NumPy lines), with NaN and infinities in the input."""
    x = rng.normal(0.5, 2.0, size=shape).astype(dtype)
    x.flat[3], x.flat[17] = np.nan, np.inf  # their features' outputs are NaN
    grad_output = rng.standard_normal(shape).astype(dtype)
    weights = [rng.normal(size=weight_shape).astype(dtype) for _ in range(2)]
    scale, offset = weights if with_weights else (None, None)
    runs = []
    for inside in (True, False):
        with contextlib.nullcontext() if kernels else compiled.disabled():
            runs.append(_normalized_then(x, axes, scale, offset, grad_output, activation, inside))
    for fused, separate in zip(*runs, strict=True):
        if separate is None:
            assert fused is None
            continue
        assert fused.dtype == separate.dtype == dtype
        np.testing.assert_array_equal(fused, separate)
    assert np.isnan(runs[0][0]).any() and np.isfinite(runs[0][0]).any()


def test_normalize_leaves_its_normalized_values_alone_when_the_activation_runs_in_place():
    """Without scale and offset the output buffer is the normalised values the backward reads:
    the activation must not write over them (the gradient would then be wrong)."""
    x = rng.normal(size=(6, 4))
    with compiled.disabled():
        assert gradcheck(lambda t: normalization.normalize(t, -1, activation="tanh")[0], x)
        assert gradcheck(lambda t: normalization.normalize(t, 0, activation="tanh")[0], x)
    assert gradcheck(lambda t: normalization.normalize(t, -1, activation="tanh")[0], x)


def test_normalize_refuses_an_activation_whose_derivative_needs_its_input():
    with pytest.raises(ValueError, match="normalize: activation 'gelu'"):
        normalization.normalize(np.ones((2, 3)), 0, activation="gelu")
