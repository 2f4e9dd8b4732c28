"""Numerical gradient check of a whole model: every parameter (or a random sample of the entries
of large ones) against central differences, in float64, reporting the worst layer.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="tanh")])
>>> model.compile(optimizer="sgd", loss="mse")
>>> x, y = np.ones((4, 3)), np.zeros((4, 2))
>>> bool(gradcheck_model(model, x, y))
True
"""

from dataclasses import dataclass

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.backend import config
from glassnet.backend import random as random_module


@dataclass
class ModelGradcheckResult:
    """Outcome of ``gradcheck_model``; truthy when every weight agrees within ``tolerance``.

    Printing it gives the verdict and one line per weight.

    Args:
        passed: whether ``max_error <= tolerance``.
        worst_layer: the name of the layer holding the worst weight.
        worst_variable: the path of the worst weight.
        max_error: its worst |analytic - numeric| / max(1, |numeric|).
        per_variable: {weight path: (worst error, entries checked)}.
        tolerance: the tolerance the check used.

    Example:

    >>> result = ModelGradcheckResult(False, "dense", "dense/kernel", 0.1,
    ...                               {"dense/kernel": (0.1, 6)}, 1e-5)
    >>> bool(result)
    False
    >>> print(str(result).splitlines()[0])
    gradcheck_model FAILED: worst layer 'dense' (dense/kernel), error 1.00e-01 (tolerance 1e-05)
    """

    passed: bool
    worst_layer: str
    worst_variable: str
    max_error: float
    per_variable: dict  # path -> (max error, entries checked)
    tolerance: float

    def __bool__(self):
        return self.passed

    def __str__(self):
        verdict = "passed" if self.passed else "FAILED"
        rows = "\n".join(
            f"  {path:<40} worst error {error:.2e} over {entries} entries"
            for path, (error, entries) in self.per_variable.items()
        )
        return (
            f"gradcheck_model {verdict}: worst layer '{self.worst_layer}' "
            f"({self.worst_variable}), error {self.max_error:.2e} (tolerance "
            f"{self.tolerance:.0e})\n{rows}"
        )


def gradcheck_model(model, x, y, eps=1e-6, tolerance=1e-5, max_entries=60, training=True, seed=0):
    """Compare backward()'s gradient of the compiled loss with central differences, per weight.

    The model's weights are switched to float64 for the check and restored afterwards; each loss
    evaluation reseeds the random generator, so Dropout draws the same mask every time. The
    check runs with fusion off: it verifies every layer's own backward.

    Args:
        model: a compiled model, built (called once or given an Input).
        x: a small batch of inputs.
        y: its targets.
        eps: the step of the central differences.
        tolerance: the largest error accepted, relative to max(1, |numeric gradient|).
        max_entries: weights with more entries are checked on a random sample of this many.
        training: run the layers in training mode (Dropout, BatchNormalization's batch
            statistics).
        seed: seed of the sample of entries.

    Returns:
        A ``ModelGradcheckResult``, truthy if every weight passed.

    Raises:
        RuntimeError: for a model that is not compiled.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="out")])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> result = gradcheck_model(model, np.ones((2, 2)), np.zeros((2, 1)))
    >>> sorted(result.per_variable), result.passed
    (['out/bias', 'out/kernel'], True)
    """
    if not model.compiled:
        raise RuntimeError(
            "gradcheck_model: compile the model first (the loss being differentiated is the "
            "compiled one)"
        )
    variables = model.trainable_weights
    saved = [(variable, variable.data) for variable in model.weights]
    rng_state = random_module.get_generator().bit_generator.state
    sample_rng = np.random.default_rng(seed)
    inputs = Tensor(np.asarray(x, dtype=np.float64))
    targets = np.asarray(y)

    def loss():
        random_module.set_seed(1234)
        for variable, original in saved:  # moving statistics must not drift between calls
            if not variable.trainable:
                variable.data = np.array(
                    original,
                    dtype=np.float64 if original.dtype.kind == "f" else original.dtype,
                    order="C",
                )
        prediction = model(inputs, training=training)
        return model.compute_loss(x, targets, prediction, training=training)

    try:
        for variable, original in saved:
            # C order, so reshape(-1) below is a view that perturbs the weight itself
            if original.dtype.kind == "f":
                variable.data = np.array(original, dtype=np.float64, order="C")
        for variable in variables:
            variable.grad = None
        with config.fusion_disabled():  # the reference path: every layer's own call
            loss().backward()
        analytic = {id(variable): variable.grad.copy() for variable in variables}
        per_variable, worst = {}, (0.0, "", "")
        for variable in variables:
            flat = variable.data.reshape(-1)
            count = flat.size
            chosen = (
                np.arange(count)
                if count <= max_entries
                else sample_rng.choice(count, max_entries, replace=False)
            )
            grad = analytic[id(variable)].reshape(-1)
            errors = []
            with no_grad(), config.fusion_disabled():
                for entry in chosen:
                    original = flat[entry]
                    flat[entry] = original + eps
                    plus = float(loss().data)
                    flat[entry] = original - eps
                    minus = float(loss().data)
                    flat[entry] = original
                    numeric = (plus - minus) / (2 * eps)
                    errors.append(abs(grad[entry] - numeric) / max(1.0, abs(numeric)))
            error = max(errors) if errors else 0.0
            per_variable[variable.path] = (error, len(chosen))
            if error >= worst[0]:
                worst = (error, variable.path.split("/")[0], variable.path)
    finally:
        for variable, original in saved:
            variable.data = original
            variable.grad = None
        random_module.get_generator().bit_generator.state = rng_state
    return ModelGradcheckResult(
        bool(worst[0] <= tolerance), worst[1], worst[2], float(worst[0]), per_variable, tolerance
    )
