"""ops.clip's gradient at the bounds themselves: it passes (x_min <= x <= x_max), as in
PyTorch's clamp and TensorFlow's clip_by_value (issue 16: "clip gradients exactly at the
bounds")."""

import numpy as np
import pytest

from glassnet import ops
from glassnet.autograd import Tensor

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("low,high", [(-1.0, 1.0), (0.0, None), (None, 0.5), (0.25, 0.25)], ids=str)
def test_clip_gradient_passes_at_the_bounds_and_inside_only(low, high):
    values = np.array([-2.0, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 2.0])
    x = Tensor(values, requires_grad=True)
    ops.clip(x, low, high).sum().backward()
    reference = torch.tensor(values, requires_grad=True)
    torch.clamp(reference, low, high).sum().backward()
    np.testing.assert_array_equal(x.grad, reference.grad.numpy())
    at_bounds = [v in (low, high) for v in values]
    assert all(x.grad[at_bounds] == 1.0)  # the bounds themselves pass the gradient
