"""polar: values and dtypes, and the gradient with PyTorch's convention for complex outputs."""

import numpy as np
import pytest

from glassnet import Tensor, ops

try:
    import torch
except ImportError:
    torch = None


def test_polar_values_and_dtypes():
    r, theta = np.array([1.0, 2.0]), np.array([0.0, np.pi / 2])
    z = ops.polar(r, theta)
    assert z.dtype == np.complex128
    np.testing.assert_allclose(z.data, [1.0, 2j], atol=1e-15)
    assert ops.polar(r.astype("float32"), theta.astype("float32")).dtype == np.complex64


def test_polar_gradients_equal_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    rng = np.random.default_rng(0)
    r, theta = rng.uniform(0.5, 2, 5), rng.uniform(-3, 3, 5)
    upstream = rng.standard_normal(5) + 1j * rng.standard_normal(5)
    ours_r, ours_t = Tensor(r, requires_grad=True), Tensor(theta, requires_grad=True)
    ops.polar(ours_r, ours_t).backward(upstream)
    theirs_r = torch.tensor(r, requires_grad=True)
    theirs_t = torch.tensor(theta, requires_grad=True)
    torch.polar(theirs_r, theirs_t).backward(torch.tensor(upstream))
    np.testing.assert_allclose(ours_r.grad, theirs_r.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours_t.grad, theirs_t.grad.numpy(), rtol=1e-12)


def test_polar_gradient_is_the_real_chain_rule():
    # L = sum(w_re * Re z + w_im * Im z): dL/dr = w_re cos + w_im sin, upstream = w_re + i w_im
    rng = np.random.default_rng(1)
    r, theta = rng.uniform(0.5, 2, 4), rng.uniform(-3, 3, 4)
    w_re, w_im = rng.standard_normal(4), rng.standard_normal(4)
    ours_r, ours_t = Tensor(r, requires_grad=True), Tensor(theta, requires_grad=True)
    ops.polar(ours_r, ours_t).backward(w_re + 1j * w_im)
    np.testing.assert_allclose(ours_r.grad, w_re * np.cos(theta) + w_im * np.sin(theta))
    np.testing.assert_allclose(
        ours_t.grad, r * (-w_re * np.sin(theta) + w_im * np.cos(theta)), rtol=1e-12
    )
