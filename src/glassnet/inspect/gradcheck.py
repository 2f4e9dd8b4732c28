"""Numerical gradient checking: compare backward() with central differences, in float64.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> bool(gradcheck(ops.tanh, np.array([0.5, -1.0])))
True
"""

from dataclasses import dataclass

import numpy as np

from glassnet.autograd.tensor import Tensor


@dataclass
class GradcheckResult:
    """Outcome of ``gradcheck``; truthy when every entry agrees within ``tolerance``.

    Printing it gives a one-line verdict naming the worst entry.

    Args:
        passed: whether ``max_error <= tolerance``.
        max_error: the worst |analytic - numeric| / max(1, |numeric|) over all inputs and
            entries.
        input_index: which input the worst entry belongs to (-1 when none was checked).
        element_index: the worst entry's index within that input.
        analytic: the gradient backward() gave there.
        numeric: the central-difference estimate there.
        tolerance: the tolerance the check used.

    Example:

    >>> result = GradcheckResult(True, 1e-9, 0, (1,), 2.0, 2.0, 1e-6)
    >>> bool(result), str(result).split(":")[0]
    (True, 'gradcheck passed')
    """

    passed: bool
    max_error: float
    input_index: int
    element_index: tuple
    analytic: float
    numeric: float
    tolerance: float

    def __bool__(self):
        return self.passed

    def __str__(self):
        verdict = "passed" if self.passed else "FAILED"
        return (
            f"gradcheck {verdict}: worst error {self.max_error:.3e} (tolerance "
            f"{self.tolerance:.0e}) at input {self.input_index}, index {self.element_index}: "
            f"analytic {self.analytic:.10g}, numeric {self.numeric:.10g}"
        )


def gradcheck(fn, *inputs, eps=1e-6, tolerance=1e-6, seed=0, raise_exception=False):
    """Check the gradients ``backward()`` gives for ``fn(*inputs)`` against central differences.

    A non-scalar output is reduced to a scalar with fixed random weights, so every output entry
    is exercised.

    Args:
        fn: takes tensors, returns one tensor (any shape).
        *inputs: arrays or tensors; float inputs are converted to float64 and differentiated,
            integer ones (labels, indices) are passed through unchanged.
        eps: the step of the central differences.
        tolerance: the largest error accepted, relative to max(1, |numeric gradient|).
        seed: seed of the random weights that reduce the output to a scalar.
        raise_exception: raise AssertionError with the report instead of returning a failure.

    Returns:
        A ``GradcheckResult``, truthy if the check passed.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> result = gradcheck(lambda a, b: ops.matmul(a, b), np.ones((2, 3)), np.ones((3, 2)))
    >>> result.passed, result.max_error < 1e-8
    (True, True)
    """
    arrays = [np.array(getattr(x, "data", x)) for x in inputs]
    wrt = [i for i, array in enumerate(arrays) if array.dtype.kind == "f"]
    for i in wrt:
        arrays[i] = arrays[i].astype(np.float64)
    weights_rng = np.random.default_rng(seed)
    output_weights = None

    def objective(values, requires_grad=False):
        nonlocal output_weights
        tensors = [
            Tensor(value, requires_grad=requires_grad and i in wrt)
            for i, value in enumerate(values)
        ]
        out = fn(*tensors)
        if output_weights is None:
            output_weights = weights_rng.standard_normal(out.shape)
        return tensors, (out * Tensor(output_weights)).sum()

    tensors, loss = objective(arrays, requires_grad=True)
    loss.backward()
    worst = GradcheckResult(True, 0.0, -1, (), 0.0, 0.0, tolerance)
    for i in wrt:
        analytic = tensors[i].grad if tensors[i].grad is not None else np.zeros_like(arrays[i])
        numeric = np.zeros_like(arrays[i])
        for index in np.ndindex(arrays[i].shape):
            original = arrays[i][index]
            arrays[i][index] = original + eps
            plus = objective(arrays)[1].item()
            arrays[i][index] = original - eps
            minus = objective(arrays)[1].item()
            arrays[i][index] = original
            numeric[index] = (plus - minus) / (2 * eps)
        errors = np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))
        if errors.size and (worst.input_index < 0 or errors.max() > worst.max_error):
            at = np.unravel_index(int(np.argmax(errors)), errors.shape)
            worst = GradcheckResult(
                True,
                float(errors[at]),
                i,
                tuple(int(position) for position in at),
                float(analytic[at]),
                float(numeric[at]),
                tolerance,
            )
    worst.passed = bool(np.isfinite(worst.max_error) and worst.max_error <= tolerance)
    if raise_exception and not worst.passed:
        raise AssertionError(str(worst))
    return worst
