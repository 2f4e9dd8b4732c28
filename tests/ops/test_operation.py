import numpy as np
import pytest

from glassnet import Tensor, Variable, ops
from glassnet.autograd.symbolic import SymbolicTensor


def _symbolic():
    return SymbolicTensor((None, 3), "float32")


@pytest.mark.parametrize(
    "call",
    [
        lambda s: ops.add(s, 1.0),  # positional, the first
        lambda s: ops.add(np.ones(3, dtype="float32"), s),  # positional, after an array
        lambda s: ops.concatenate([s, s], axis=1),  # inside a list, axis as a keyword
        lambda s: ops.concatenate((s, s)),  # inside a tuple
        lambda s: ops.where(ops.greater(s, 0.0), x1=s, x2=0.0),  # as keywords
    ],
)
def test_a_public_op_records_a_node_wherever_the_symbolic_tensor_is(call):
    # the eager shortcut checks argument types only; containers and keywords take the full check
    out = call(_symbolic())
    assert isinstance(out, SymbolicTensor) and out.node is not None


@pytest.mark.parametrize(
    "argument",
    [
        Tensor(np.ones(3, dtype="float32")),
        Variable(np.ones(3, dtype="float32")),
        np.ones(3, dtype="float32"),
        [1.0, 1.0, 1.0],
        1.0,
    ],
)
def test_a_public_op_computes_on_everything_that_is_not_symbolic(argument):
    out = ops.multiply(argument, 2.0)
    assert isinstance(out, Tensor)
    np.testing.assert_array_equal(np.broadcast_to(out.data, (3,)), [2.0, 2.0, 2.0])
