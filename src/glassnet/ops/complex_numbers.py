"""``polar``: complex numbers from magnitude and angle (keras.ops.nn.polar).

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.polar(np.array([2.0]), np.array([0.0])).data.tolist()
[(2+0j)]
"""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops._helpers import operands, unbroadcast
from glassnet.ops.operation import keras_op


@keras_op
def polar(abs_, angle):
    """abs_ * (cos(angle) + i sin(angle)).

    Args:
        abs_: the magnitudes (real).
        angle: the angles in radians (real), broadcastable against ``abs_``.

    Returns:
        complex tensor (complex64 from float32 inputs, complex128 from float64).

    The backward takes PyTorch's convention for real inputs of a complex output: with upstream
    gradient g, dL/dr = Re(conj(e^(i angle)) g) and dL/dangle = Re(conj(i r e^(i angle)) g).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> z = ops.polar(np.array([1.0]), np.array([np.pi / 2]))
    >>> bool(abs(z.data[0] - 1j) < 1e-12)
    True
    """
    r, theta = operands(abs_, angle, "polar")
    if r.dtype.kind != "f":
        r = as_tensor(r.data.astype("float32"))
    if theta.dtype.kind != "f":
        theta = as_tensor(theta.data.astype(r.dtype))
    dtype = xp.result_type(r.data, theta.data, xp.complex64)
    direction = xp.exp(1j * theta.data.astype(dtype))  # e^(i angle)
    out = (r.data * direction).astype(dtype, copy=False)

    def backward(grad_output):  # dz/dr = e^(i angle), dz/dangle = i r e^(i angle)
        grad_r = xp.real(xp.conj(direction) * grad_output)
        grad_theta = xp.real(xp.conj(1j * r.data * direction) * grad_output)
        return unbroadcast(grad_r, r.shape), unbroadcast(grad_theta, theta.shape)

    return from_op(out, (r, theta), backward)
