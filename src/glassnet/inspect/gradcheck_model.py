"""Numerical gradient check of a whole model: every parameter (or a random sample of the entries of
large ones) against central differences, in float64, reporting the worst layer."""

from dataclasses import dataclass

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.autograd.tensor import Tensor
from glassnet.backend import config
from glassnet.backend import random as random_module


@dataclass
class ModelGradcheckResult:
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
            f"  {path:<40} worst error {err:.2e} over {n} entries"
            for path, (err, n) in self.per_variable.items()
        )
        return f"gradcheck_model {verdict}: worst layer '{self.worst_layer}' ({self.worst_variable}), error {self.max_error:.2e} (tolerance {self.tolerance:.0e})\n{rows}"


def gradcheck_model(model, x, y, eps=1e-6, tolerance=1e-5, max_entries=60, training=True, seed=0):
    """Compare backward()'s gradient of the compiled loss with central differences for every weight.

    The model's weights are switched to float64 for the check and restored afterwards; each loss
    evaluation reseeds the random generator, so Dropout draws the same mask every time.
    """
    if not model.compiled:
        raise RuntimeError(
            "gradcheck_model: compile the model first (the loss being differentiated is the compiled one)"
        )
    variables = model.trainable_weights
    saved = [(v, v.data) for v in model.weights]
    rng_state = random_module.get_generator().bit_generator.state
    sample_rng = np.random.default_rng(seed)
    inputs = Tensor(np.asarray(x, dtype=np.float64))
    targets = np.asarray(y)

    def loss():
        random_module.set_seed(1234)
        for v, original in saved:  # BatchNorm's moving statistics must not drift between calls
            if not v.trainable:
                v.data = np.array(
                    original,
                    dtype=np.float64 if original.dtype.kind == "f" else original.dtype,
                    order="C",
                )
        prediction = model(inputs, training=training)
        return model.compute_loss(x, targets, prediction, training=training)

    try:
        for v, original in saved:
            if (
                original.dtype.kind == "f"
            ):  # C order, so reshape(-1) below is a view that perturbs the weight itself
                v.data = np.array(original, dtype=np.float64, order="C")
        for v in variables:
            v.grad = None
        with config.fusion_disabled():  # the reference path: every layer's own call
            loss().backward()
        analytic = {id(v): v.grad.copy() for v in variables}
        per_variable, worst = {}, (0.0, "", "")
        for v in variables:
            flat = v.data.reshape(-1)
            count = flat.size
            chosen = (
                np.arange(count)
                if count <= max_entries
                else sample_rng.choice(count, max_entries, replace=False)
            )
            grad = analytic[id(v)].reshape(-1)
            errors = []
            with no_grad(), config.fusion_disabled():
                for k in chosen:
                    original = flat[k]
                    flat[k] = original + eps
                    plus = float(loss().data)
                    flat[k] = original - eps
                    minus = float(loss().data)
                    flat[k] = original
                    numeric = (plus - minus) / (2 * eps)
                    errors.append(abs(grad[k] - numeric) / max(1.0, abs(numeric)))
            error = max(errors) if errors else 0.0
            per_variable[v.path] = (error, len(chosen))
            if error >= worst[0]:
                worst = (error, v.path.split("/")[0], v.path)
    finally:
        for v, original in saved:
            v.data = original
            v.grad = None
        random_module.get_generator().bit_generator.state = rng_state
    return ModelGradcheckResult(
        bool(worst[0] <= tolerance), worst[1], worst[2], float(worst[0]), per_variable, tolerance
    )
