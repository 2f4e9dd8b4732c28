"""Gradient health while training: a callback that records, per layer, the numbers that show
whether learning works, and says in plain words when it does not.

Every ``every`` steps it records for each layer with weights: the gradient norm and its RMS (norm
/ sqrt(number of weights)), the weight norm, the update-to-weight ratio (||delta W|| / ||W||), and
for the layer's outputs the mean and standard deviation, the fraction of dead ReLU units (never
positive in the batch) and of saturated sigmoid/tanh outputs. On those steps the monitor watches
each layer through its public forward hook: a fused step whose layer has a hook runs that
layer's reference ops instead, and the loss rules (cross-entropy from the logits) stay as they
are. So looking does not change the training: a Dense or LSTM model ends with the same weights
to the bit as without the monitor; a Conv2D + MaxPooling2D pair, which the fusion pass pools
before its bias, differs by float rounding. The gradients are the ones the training step left
in each variable's ``.grad``.

Problems are warned about once per kind and layer, naming the step, with a likely cause and
remedy. The thresholds were calibrated on the runs in ``tests/inspect/test_monitor.py`` (which
lists what each measured): 8 sigmoid layers trained with SGD and a softmax saturated by huge
inputs under a loss on its clipped probabilities (vanishing), a learning rate of 10
(exploding), ReLUs killed by a large negative bias (dead), sigmoid units fed raw pixel values
(saturated), inputs that overflow (non-finite), and healthy MLP, deep tanh, CNN and LSTM runs
(nothing flagged).

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> from glassnet.inspect import GradientMonitor
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="relu"),
...                           keras.layers.Dense(1)])
>>> model.compile("adam", "mse")
>>> monitor = GradientMonitor(every=1)
>>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=1, verbose=0, callbacks=[monitor])
>>> sorted(monitor.records[0])[:4]
['act_mean', 'act_std', 'dead_fraction', 'grad_norm']
"""

import math
import warnings

import numpy as np

from glassnet import activations
from glassnet.callbacks.callback import Callback


class GradientHealthWarning(UserWarning):
    """Training shows a problem: vanishing or exploding gradients, NaN/inf, or dead units.

    Example:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("layer 'dense': gradients are vanishing", GradientHealthWarning)
    >>> caught[0].category.__name__
    'GradientHealthWarning'
    """


ADVICE = {
    "vanishing": "gradients are vanishing: the early layers barely learn. Likely cause: many "
    "saturating (sigmoid/tanh) layers or a poor initialisation. Remedy: use ReLU with He "
    "initialisation, add BatchNormalization, or use fewer layers.",
    "exploding": "gradients are exploding: updates are as large as the weights themselves. "
    "Likely cause: a learning rate that is too high or unnormalised inputs. Remedy: lower the "
    "learning rate, clip gradients (clipnorm=1.0) and normalise the inputs.",
    "nonfinite": "NaN or infinite values appeared. Likely cause: a learning rate that is too "
    "high, inputs too large, or log/divide of 0 in a custom loss. Remedy: lower the learning "
    "rate, clip gradients and normalise and check the inputs.",
    "dead": "most ReLU units are dead (never active), so they pass no gradient. Likely cause: a "
    "learning rate that is too high or a large negative bias. Remedy: lower the learning rate, "
    "use He initialisation or LeakyReLU.",
    "saturated": "most sigmoid/tanh units are saturated (outputs near their limits), so their "
    "gradients are tiny. Remedy: normalise the inputs, use Glorot initialisation or switch to "
    "ReLU.",
}


def _norm(array):
    return float(np.sqrt(np.sum(np.square(array, dtype=np.float64))))


class GradientMonitor(Callback):
    """Watch gradient health during ``fit``: ``callbacks=[GradientMonitor(every=10)]``.

    Args:
        every: record every this many training steps (step 0 included).
        vanishing_ratio: a layer whose gradient RMS is below this fraction of the largest
            layer's gradient RMS (at the same step) has vanishing gradients; so has every
            layer when none gets any gradient while the loss is above zero.
        exploding_update_ratio: an update larger than this fraction of the weights' norm is
            exploding.
        dead_fraction: fraction of ReLU units never active in a batch that counts as dead.
        saturated_fraction: fraction of sigmoid/tanh outputs within 0.01 of their limits that
            counts as saturated.
        warn: also raise each problem as a ``GradientHealthWarning``.

    After training, ``records`` holds one dict per layer and recorded step (step, layer,
    grad_norm, grad_rms, weight_norm, update_ratio, act_mean, act_std, dead_fraction,
    saturated_fraction) -- ``glassnet.plot.plot_gradient_flow`` draws them -- and ``problems``
    one dict per problem found (kind, layer, step, message).

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4, activation="relu",
    ...                           name="hidden"), keras.layers.Dense(1, name="out")])
    >>> model.compile("sgd", "mse")
    >>> monitor = GradientMonitor(every=2, warn=False)
    >>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), batch_size=4, epochs=2, verbose=0,
    ...               callbacks=[monitor])
    >>> len(monitor.records), sorted({record["layer"] for record in monitor.records})
    (4, ['hidden', 'out'])
    """

    def __init__(
        self,
        every=10,
        vanishing_ratio=1e-3,
        exploding_update_ratio=0.5,
        dead_fraction=0.9,
        saturated_fraction=0.9,
        warn=True,
    ):
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"GradientMonitor: every must be a positive integer, got {every!r}")
        self.every, self.warn = every, warn
        self.vanishing_ratio, self.exploding_update_ratio = vanishing_ratio, exploding_update_ratio
        self.dead_threshold, self.saturated_threshold = dead_fraction, saturated_fraction
        self.records, self.problems = [], []
        self._warned = set()
        self._step = 0
        self._active = False
        self._handles = []

    def watched_layers(self):
        """The layers whose weights are monitored: those with trainable weights and no
        ``layers`` of their own, found through ``layers`` from the model down."""
        return [layer for layer in _leaf_layers(self.model) if layer.trainable_weights]

    def on_train_begin(self, logs=None):
        self._step = 0

    def on_train_batch_begin(self, batch, logs=None):
        self._active = self._step % self.every == 0
        if not self._active:
            return
        self._before = {id(v): v.data.copy() for v in self.model.trainable_weights}
        self._outputs = {}
        for layer in self.watched_layers():
            self._handles.append(layer.register_forward_hook(self._observe))

    def _observe(self, layer, inputs, outputs):
        tensor = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
        if hasattr(tensor, "data"):
            self._outputs[id(layer)] = tensor.data

    def on_train_batch_end(self, batch, logs=None):
        if self._active:
            self._stop_watching()
            self._record(logs or {})
        self._step += 1

    def on_train_end(self, logs=None):
        self._stop_watching()

    def _stop_watching(self):
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def _record(self, logs):
        step = self._step
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            self._problem("nonfinite", "loss", step)
        rows = []
        for layer in self.watched_layers():
            variables = layer.trainable_weights
            grads = [v.grad for v in variables if v.grad is not None]
            if not grads:
                continue
            grad_norm = math.sqrt(sum(_norm(g) ** 2 for g in grads))
            count = sum(g.size for g in grads)
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
                "grad_rms": grad_norm / math.sqrt(max(count, 1)),
                "weight_norm": weight_norm,
                "update_ratio": delta / weight_norm if weight_norm else float("inf"),
                "act_mean": None,
                "act_std": None,
                "dead_fraction": None,
                "saturated_fraction": None,
            }
            self._activation_statistics(layer, row)
            finite = all(np.isfinite(g).all() for g in grads)
            if not finite or not all(np.isfinite(v.data).all() for v in variables):
                self._problem("nonfinite", layer.name, step)
            rows.append(row)
        self.records.extend(rows)
        self._diagnose(rows, step, loss)

    def _activation_statistics(self, layer, row):
        out = self._outputs.get(id(layer))
        if out is None or not out.size or out.dtype.kind != "f":
            return
        if not np.isfinite(out).all():
            row["act_mean"] = row["act_std"] = float("nan")
            self._problem("nonfinite", layer.name, row["step"], "(in the layer's outputs)")
            return
        # float64: the statistics of large but finite outputs must not overflow themselves
        row["act_mean"], row["act_std"] = (
            float(out.mean(dtype=np.float64)),
            float(out.std(dtype=np.float64)),
        )
        kind = _activation_kind(layer)
        units = out.reshape(len(out), -1)
        if kind == "relu":
            row["dead_fraction"] = float(np.mean(np.all(units <= 0, axis=0)))
        elif kind == "sigmoid":
            row["saturated_fraction"] = float(np.mean((units < 0.01) | (units > 0.99)))
        elif kind == "tanh":
            row["saturated_fraction"] = float(np.mean(np.abs(units) > 0.99))

    def _diagnose(self, rows, step, loss=None):
        rms = [r["grad_rms"] for r in rows if math.isfinite(r["grad_rms"])]
        largest = max(rms) if rms else 0.0
        if rms and largest == 0 and loss is not None and math.isfinite(loss) and loss > 0:
            # no layer gets any gradient although the loss is not zero: a saturated output or
            # dead units everywhere; nothing can learn, and no ratio can show it
            for row in rows:
                detail = f"(no layer receives any gradient although the loss is {loss:.3g})"
                self._problem("vanishing", row["layer"], step, detail)
        for row in rows:
            if largest > 0 and row["grad_rms"] < self.vanishing_ratio * largest:
                detail = (
                    f"(gradient RMS {row['grad_rms']:.2e}, largest layer {largest:.2e}; "
                    f"update/weight ratio {row['update_ratio']:.2e})"
                )
                self._problem("vanishing", row["layer"], step, detail)
            ratio = row["update_ratio"]
            if math.isfinite(ratio) and ratio > self.exploding_update_ratio:
                self._problem("exploding", row["layer"], step, f"(update/weight ratio {ratio:.2f})")
            dead = row["dead_fraction"]
            if dead is not None and dead >= self.dead_threshold:
                self._problem("dead", row["layer"], step, f"({dead:.0%} of units dead)")
            saturated = row["saturated_fraction"]
            if saturated is not None and saturated >= self.saturated_threshold:
                self._problem("saturated", row["layer"], step, f"({saturated:.0%} saturated)")

    def _problem(self, kind, layer, step, detail=""):
        if (kind, layer) in self._warned:
            return
        self._warned.add((kind, layer))
        message = f"Layer '{layer}', step {step}: {ADVICE[kind]} {detail}".strip()
        self.problems.append({"kind": kind, "layer": layer, "step": step, "message": message})
        if self.warn:
            warnings.warn(message, GradientHealthWarning, stacklevel=2)


def _activation_kind(layer):
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    try:
        name = activations.serialize(activation) if callable(activation) else activation
    except ValueError:
        return None
    return name if name in ("relu", "sigmoid", "tanh") else None


def _leaf_layers(model):
    """Layers without sublayer lists of their own, in order, however deeply nested."""
    out = []
    for layer in getattr(model, "layers", []):
        nested = getattr(layer, "layers", None)
        if nested:
            out.extend(_leaf_layers(layer))
        else:
            out.append(layer)
    return out
