"""Gradient health while training: a callback that records, per layer, the numbers that show whether
learning works, and says in plain words when it does not.

Every ``every`` steps it records for each layer with weights: gradient norm, weight norm,
update-to-weight ratio (||delta W|| / ||W||), and for its outputs the mean and standard deviation,
the fraction of dead ReLU units (never positive in the batch) and of saturated sigmoid/tanh units.
Problems are warned about once per kind and layer, naming the step, with a likely cause and remedy.
"""

import math
import warnings

import numpy as np

from glassnet.callbacks.callback import Callback
from glassnet.layers import layer as layer_module


class GradientHealthWarning(UserWarning):
    """Training shows a problem: vanishing or exploding gradients, NaN/inf, or dead units."""


ADVICE = {
    "vanishing": "gradients are vanishing: the early layers barely learn. Likely cause: many saturating (sigmoid/tanh) "
    "layers or a poor initialisation. Remedy: use ReLU with He initialisation, add BatchNormalization, "
    "or use fewer layers.",
    "exploding": "gradients are exploding: updates are as large as the weights themselves. Likely cause: a learning "
    "rate that is too high or unnormalised inputs. Remedy: lower the learning rate, clip gradients "
    "(clipnorm=1.0) and normalise the inputs.",
    "nonfinite": "NaN or infinite values appeared. Likely cause: a learning rate that is too high, or log/divide of 0 "
    "in a custom loss. Remedy: lower the learning rate, clip gradients and check the inputs for NaN.",
    "dead": "most ReLU units are dead (never active), so they pass no gradient. Likely cause: a learning rate that is "
    "too high or a large negative bias. Remedy: lower the learning rate, use He initialisation or LeakyReLU.",
    "saturated": "most sigmoid/tanh units are saturated (outputs near their limits), so their gradients are tiny. "
    "Remedy: normalise the inputs, use Glorot initialisation or switch to ReLU.",
}


def _norm(array):
    return float(np.sqrt(np.sum(np.square(array, dtype=np.float64))))


class GradientMonitor(Callback):
    """``model.fit(..., callbacks=[GradientMonitor(every=10)])``; afterwards ``monitor.records`` (list of
    dicts: step, layer, grad_norm, weight_norm, update_ratio, act_mean, act_std, dead_fraction,
    saturated_fraction) feeds ``glassnet.plot.plot_gradient_flow``; ``monitor.problems`` lists warnings."""

    def __init__(
        self,
        every=10,
        vanishing_ratio=1e-5,
        exploding_update_ratio=0.5,
        dead_fraction=0.9,
        saturated_fraction=0.9,
        warn=True,
    ):
        super().__init__()
        self.every, self.warn = every, warn
        self.vanishing_ratio, self.exploding_update_ratio = vanishing_ratio, exploding_update_ratio
        self.dead_threshold, self.saturated_threshold = dead_fraction, saturated_fraction
        self.records, self.problems = [], []
        self._warned = set()
        self._step = 0

    def _layers(self):
        return [l for l in _leaf_layers(self.model) if l.trainable_weights]

    def on_train_begin(self, logs=None):
        self._step = 0

    def on_train_batch_begin(self, batch, logs=None):
        self._active = self._step % self.every == 0
        self.model._keep_gradients = self._active
        if self._active:
            self._before = {id(v): v.data.copy() for v in self.model.trainable_weights}
            self._outputs = {}
            layer_module.output_observers.append(self._observe)

    def _observe(self, layer, inputs, outputs):
        if hasattr(outputs, "data"):
            self._outputs[id(layer)] = outputs.data

    def on_train_batch_end(self, batch, logs=None):
        if self._active:
            layer_module.output_observers.remove(self._observe)
            self.model._keep_gradients = False
            self._record(logs or {})
        self._step += 1

    def on_train_end(self, logs=None):
        if self._observe in layer_module.output_observers:
            layer_module.output_observers.remove(self._observe)
        self.model._keep_gradients = False

    def _record(self, logs):
        step, gradients = self._step, self.model.last_gradients
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            self._problem("nonfinite", "loss", step)
        rows = []
        for layer in self._layers():
            variables = layer.trainable_weights
            grads = [gradients.get(id(v)) for v in variables]
            grads = [g for g in grads if g is not None]
            if not grads:
                continue
            grad_norm = math.sqrt(sum(_norm(g) ** 2 for g in grads))
            weight_norm = math.sqrt(sum(_norm(v.data) ** 2 for v in variables))
            delta = math.sqrt(
                sum(
                    _norm(v.data - self._before[id(v)]) ** 2
                    for v in variables
                    if id(v) in self._before
                )
            )
            row = {
                "step": step,
                "layer": layer.name,
                "grad_norm": grad_norm,
                "weight_norm": weight_norm,
                "update_ratio": delta / weight_norm if weight_norm else float("inf"),
                "act_mean": None,
                "act_std": None,
                "dead_fraction": None,
                "saturated_fraction": None,
            }
            out = self._outputs.get(id(layer))
            if out is not None and out.size:
                finite = np.isfinite(out).all()
                row["act_mean"], row["act_std"] = (
                    (float(out.mean()), float(out.std())) if finite else (float("nan"),) * 2
                )
                kind = _activation_kind(layer)
                units = out.reshape(len(out), -1)
                if kind == "relu":
                    row["dead_fraction"] = float(np.mean(np.all(units <= 0, axis=0)))
                elif kind == "sigmoid":
                    row["saturated_fraction"] = float(np.mean((units < 0.01) | (units > 0.99)))
                elif kind == "tanh":
                    row["saturated_fraction"] = float(np.mean(np.abs(units) > 0.99))
            if not all(np.isfinite(g).all() for g in grads) or not all(
                np.isfinite(v.data).all() for v in variables
            ):
                self._problem("nonfinite", layer.name, step)
            rows.append(row)
        self.records.extend(rows)
        self._diagnose(rows, step)

    def _diagnose(self, rows, step):
        if not rows:
            return
        norms = [r["grad_norm"] for r in rows if math.isfinite(r["grad_norm"])]
        largest = max(norms) if norms else 0
        for row in rows:
            if largest > 0 and row["grad_norm"] < self.vanishing_ratio * largest:
                self._problem(
                    "vanishing",
                    row["layer"],
                    step,
                    f"(gradient norm {row['grad_norm']:.2e}, largest layer {largest:.2e})",
                )
            if (
                math.isfinite(row["update_ratio"])
                and row["update_ratio"] > self.exploding_update_ratio
            ):
                self._problem(
                    "exploding",
                    row["layer"],
                    step,
                    f"(update/weight ratio {row['update_ratio']:.2f})",
                )
            if row["dead_fraction"] is not None and row["dead_fraction"] >= self.dead_threshold:
                self._problem(
                    "dead", row["layer"], step, f"({row['dead_fraction']:.0%} of units dead)"
                )
            if (
                row["saturated_fraction"] is not None
                and row["saturated_fraction"] >= self.saturated_threshold
            ):
                self._problem(
                    "saturated", row["layer"], step, f"({row['saturated_fraction']:.0%} saturated)"
                )

    def _problem(self, kind, layer, step, detail=""):
        if (kind, layer) in self._warned:
            return
        self._warned.add((kind, layer))
        message = f"Layer '{layer}', step {step}: {ADVICE[kind]} {detail}".strip()
        self.problems.append({"kind": kind, "layer": layer, "step": step, "message": message})
        if self.warn:
            warnings.warn(message, GradientHealthWarning, stacklevel=2)


def _activation_kind(layer):
    from glassnet import activations

    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    try:
        name = activations.serialize(activation) if callable(activation) else activation
    except ValueError:
        return None
    return {"relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh"}.get(name)


def _leaf_layers(model):
    """Layers that own weights directly, in order, however deeply nested."""
    out = []
    for layer in model._sublayers:
        if layer._own_variables():
            out.append(layer)
        out.extend(_leaf_layers(layer))
    return out
