"""One way to test every op (after PyTorch's OpInfo table): a case lists the op, how to make its
inputs, a plain-NumPy reference and a PyTorch reference; the checks below run on every case.

- forward: glassnet in float64 equals the NumPy reference;
- float32 in gives float32 out (no silent upcast);
- gradcheck: backward() equals central differences in float64;
- torch: outputs and gradients equal PyTorch's within 1e-6 relative, float64 (skipped without
  torch).
"""

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np
import pytest

from glassnet import Tensor, gradcheck

try:
    import torch
except ImportError:  # the torch comparisons skip; everything else runs
    torch = None

RTOL = 1e-6
ATOL = 1e-12


@dataclass
class OpCase:
    name: str
    fn: Callable  # glassnet: tensors -> tensor
    inputs: Sequence[Callable]  # each: rng -> array (float arrays are differentiated)
    numpy_ref: Optional[Callable] = None  # arrays -> array
    torch_ref: Optional[Callable] = None  # torch tensors -> torch tensor
    differentiable: bool = True
    tolerance: float = 1e-6
    tags: tuple = field(default_factory=tuple)

    def __str__(self):
        return self.name


def make_inputs(case, seed=0):
    rng = np.random.default_rng(seed)
    return [np.asarray(make(rng)) for make in case.inputs]


def check_forward(case):
    arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in make_inputs(case)]
    if case.numpy_ref is None:
        pytest.skip(f"{case.name}: no NumPy reference (covered by the torch comparison)")
    out = case.fn(*[Tensor(a) for a in arrays])
    expected = case.numpy_ref(*arrays)
    assert out.shape == np.shape(expected), (
        f"{case.name}: shape {out.shape}, expected {np.shape(expected)}"
    )
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12, err_msg=case.name)


def check_float32_stays_float32(case):
    arrays = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in make_inputs(case)]
    out = case.fn(*[Tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays])
    assert out.dtype == np.float32, f"{case.name}: float32 inputs gave {out.dtype}"
    if case.differentiable:
        tensors = [Tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
        case.fn(*tensors).sum().backward()
        for t in tensors:
            if t.requires_grad:
                assert t.grad is not None and t.grad.dtype == np.float32 and t.grad.shape == t.shape


def check_gradients(case):
    if not case.differentiable:
        pytest.skip(f"{case.name} has no gradient")
    result = gradcheck(case.fn, *make_inputs(case), tolerance=case.tolerance)
    assert result, f"{case.name}: {result}"


def check_against_torch(case):
    if torch is None:
        pytest.skip(
            "PyTorch is not installed (pip install torch==2.13.0): torch comparison skipped"
        )
    if case.torch_ref is None:
        pytest.skip(f"{case.name}: PyTorch has no counterpart")
    arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in make_inputs(case)]
    differentiable = [case.differentiable and a.dtype.kind == "f" for a in arrays]
    ours = [Tensor(a, requires_grad=d) for a, d in zip(arrays, differentiable)]
    theirs = [torch.tensor(a, requires_grad=d) for a, d in zip(arrays, differentiable)]
    out, expected = case.fn(*ours), case.torch_ref(*theirs)
    np.testing.assert_allclose(
        out.data, expected.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=f"{case.name} forward"
    )
    if not case.differentiable:
        return
    weights = np.random.default_rng(1).standard_normal(out.shape)
    (out * Tensor(weights)).sum().backward()
    (expected * torch.tensor(weights)).sum().backward()
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a.requires_grad:
            assert a.grad is not None, f"{case.name}: no gradient for input {i}"
            np.testing.assert_allclose(
                a.grad,
                b.grad.numpy(),
                rtol=RTOL,
                atol=ATOL,
                err_msg=f"{case.name} grad of input {i}",
            )


def parametrize(cases):
    return pytest.mark.parametrize("case", cases, ids=str)


def standard_tests(cases):
    """The four checks as pytest tests over ``cases``:
    ``test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)``."""

    @parametrize(cases)
    def test_forward(case):
        check_forward(case)

    @parametrize(cases)
    def test_float32(case):
        check_float32_stays_float32(case)

    @parametrize(cases)
    def test_gradcheck(case):
        check_gradients(case)

    @parametrize(cases)
    def test_torch(case):
        check_against_torch(case)

    return test_forward, test_float32, test_gradcheck, test_torch


# -- input makers ---------------------------------------------------------------------------------
def normal(*shape, scale=1.0):
    return lambda rng: rng.standard_normal(shape) * scale


def uniform(low, high, *shape):
    return lambda rng: rng.uniform(low, high, shape)


def away_from(points, *shape, gap=0.05, low=-3.0, high=3.0):
    """Uniform values at least ``gap`` from each kink in ``points`` (so finite differences are
    fair)."""
    points = np.atleast_1d(points)

    def make(rng):
        x = rng.uniform(low, high, shape)
        for p in points:
            near = np.abs(x - p) < gap
            x[near] = p + np.where(x[near] >= p, gap, -gap) * 2
        return x

    return make


def integers(low, high, *shape):
    return lambda rng: rng.integers(low, high, shape)


def probabilities(*shape):
    """Rows on the simplex (softmax of normals)."""

    def make(rng):
        z = rng.standard_normal(shape)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    return make
