"""Reverse-mode automatic differentiation: the Tensor, the graph it records, and ``backward``.

Example:

>>> from glassnet.autograd import Tensor
>>> x = Tensor([1.0, 2.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad.tolist()
[2.0, 4.0]
"""

from glassnet.autograd.engine import backward, topological_order
from glassnet.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad
from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.autograd.variable import Variable

__all__ = [
    "Tensor",
    "Variable",
    "as_tensor",
    "from_op",
    "backward",
    "topological_order",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
]
