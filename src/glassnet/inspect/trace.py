"""One training step, every number recorded: the worked example of a textbook, for any model.

``trace(model, x, y)`` runs the forward pass, the compiled loss, ``backward()`` and the update the
optimizer would make, and keeps per layer: its input, the pre-activation z and activation a (for
layers with an activation), dL/da, dL/dz, each weight's gradient, and the weights before and after
the update. It runs the reference path (fusion off, so every z exists), watches the layers
through their public forward hooks and computes the loss with the model's own
``compute_loss``. Looking does not change the model: weights, optimizer state, the iteration
count, metric states and the random generator are put back afterwards (``apply=True`` keeps the
step instead). ``print(trace(...))`` shows the numbers as equations; ``.to_dict()`` gives them
as data.

Example:

>>> from glassnet.inspect import textbook_example, trace
>>> model, x, y = textbook_example()
>>> t = trace(model, x, y)
>>> round(t.loss, 4)
0.5496
>>> [round(float(g), 4) for g in t.layers[1].gradients["bias"]]
[0.277]
"""

import copy
from dataclasses import dataclass, field

import numpy as np

from glassnet.autograd.tensor import Tensor
from glassnet.backend import config
from glassnet.backend import random as random_module
from glassnet.layers import Dense, Input, InputLayer, training_mode
from glassnet.models import Sequential
from glassnet.optimizers import SGD

SIGNIFICANT_DIGITS = 4


def format_array(array, prefix="", digits=SIGNIFICANT_DIGITS):
    """An array as text with ``digits`` significant digits (scientific notation where small or
    large), continuation lines indented to sit under the first value after ``prefix``.

    Args:
        array: an array or a number (a 0-d array gives one value).
        prefix: the text that will precede the array on its first line.
        digits: significant digits (``SIGNIFICANT_DIGITS``, 4, by default).

    Example:

    >>> import numpy as np
    >>> from glassnet.inspect.trace import format_array
    >>> format_array(np.array([0.001337, 1e-6, 2.0]))
    '[0.001337, 1e-06, 2]'
    """
    array = np.asarray(array)
    if array.ndim == 0:
        return _format_value(float(array), digits)
    return np.array2string(
        array,
        separator=", ",
        prefix=prefix,
        max_line_width=100,
        threshold=200,
        formatter={"float_kind": lambda v: _format_value(v, digits)},
    )


def _format_value(value, digits):
    return f"{value:.{digits}g}"


@dataclass
class LayerTrace:
    """The numbers of one layer in one step (None where the layer has no such value).

    Args:
        name: the layer's name.
        kind: the layer's class name.
        activation: the activation's name, "" where the layer has none to show.
        inputs: the layer's input.
        z: the pre-activation (the layer's output before its activation).
        a: the layer's output.
        dL_da: the loss's gradient with respect to the output.
        dL_dz: the loss's gradient with respect to the pre-activation.
        gradients: weight name -> dL/dW.
        weights_before: weight name -> value before the update.
        weights_after: weight name -> value after the update.

    Example:

    >>> model, x, y = textbook_example()
    >>> output = trace(model, x, y).layers[1]
    >>> output.name, output.activation, format_array(output.gradients["kernel"].ravel())
    ('output', 'sigmoid', '[0.1643, 0.1653]')
    """

    name: str
    kind: str
    activation: str
    inputs: np.ndarray
    z: np.ndarray = None
    a: np.ndarray = None
    dL_da: np.ndarray = None
    dL_dz: np.ndarray = None
    gradients: dict = field(default_factory=dict)  # weight name -> dL/dW
    weights_before: dict = field(default_factory=dict)
    weights_after: dict = field(default_factory=dict)

    @property
    def updates(self):
        """weight name -> the change the optimizer makes (after - before)."""
        return {k: self.weights_after[k] - self.weights_before[k] for k in self.weights_after}

    def to_dict(self):
        """The record as plain lists and numbers (JSON-safe)."""
        out = {"name": self.name, "kind": self.kind, "activation": self.activation}
        for key in ("inputs", "z", "a", "dL_da", "dL_dz"):
            value = getattr(self, key)
            out[key] = None if value is None else np.asarray(value).tolist()
        for key in ("gradients", "weights_before", "weights_after", "updates"):
            out[key] = {k: np.asarray(v).tolist() for k, v in getattr(self, key).items()}
        return out


@dataclass
class Trace:
    """A whole step: the layer records in call order, the loss, and the optimizer used.

    Args:
        layers: the ``LayerTrace`` records, in call order.
        loss: the loss's value.
        loss_name: the compiled loss (its name, or its class name).
        y_true: the targets (of the first output).
        y_pred: the predictions (of the first output).
        optimizer: the optimizer's class name.
        learning_rate: the learning rate of the step.
        applied: whether the update was kept.

    Example:

    >>> model, x, y = textbook_example()
    >>> step = trace(model, x, y)
    >>> round(step.loss, 6), [layer.name for layer in step.layers], step.applied
    (0.549622, ['hidden', 'output'], False)
    """

    layers: list
    loss: float
    loss_name: str
    y_true: np.ndarray
    y_pred: np.ndarray
    optimizer: str
    learning_rate: float
    applied: bool = False

    def to_dict(self):
        """The trace as plain data (what the printout is made from)."""
        return {
            "layers": [layer.to_dict() for layer in self.layers],
            "loss": self.loss,
            "loss_name": self.loss_name,
            "y_true": np.asarray(self.y_true).tolist(),
            "y_pred": np.asarray(self.y_pred).tolist(),
            "optimizer": self.optimizer,
            "learning_rate": self.learning_rate,
            "applied": self.applied,
        }

    def __str__(self):
        lines = ["Forward pass"]
        for i, t in enumerate(self.layers, start=1):
            label = f"{t.kind}, {t.activation}" if t.activation else t.kind
            lines.append(f"  layer {i}: {t.name} ({label})")
            if t.z is not None:
                weighted = t.kind in ("Dense",)
                formula = f"a{i - 1} @ W{i} + b{i}" if weighted else f"{t.name}(a{i - 1})"
                lines.append(_equation(f"    z{i} = {formula} = ", t.z, f"   shape {t.z.shape}"))
                lines.append(_equation(f"    a{i} = {t.activation}(z{i}) = ", t.a))
            else:
                lines.append(
                    _equation(f"    a{i} = {t.name}(a{i - 1}) = ", t.a, f"   shape {t.a.shape}")
                )
        lines.append(
            _equation(f"  loss = {self.loss_name}(y = ", self.y_true, "")
            + ", y_pred = a"
            + f"{len(self.layers)}) = {_format_value(self.loss, 6)}"
        )
        lines.append("Backward pass")
        for i in range(len(self.layers), 0, -1):
            t = self.layers[i - 1]
            lines.append(f"  layer {i}: {t.name}")
            if t.dL_da is not None:
                lines.append(_equation(f"    dL/da{i} = ", t.dL_da))
            if t.dL_dz is not None:
                if t.activation == "softmax":
                    rule = f"J_softmax(z{i})^T dL/da{i}"  # a Jacobian, not an elementwise product
                    if self._softmax_with_cross_entropy(i):
                        rule += f" = a{i} - y"
                else:
                    rule = f"dL/da{i} * {t.activation}'(z{i})"
                lines.append(_equation(f"    dL/dz{i} = {rule} = ", t.dL_dz))
            for name, grad in t.gradients.items():
                if t.kind == "Dense" and name == "kernel" and t.dL_dz is not None:
                    formula = f"a{i - 1}^T @ dL/dz{i}"
                elif t.kind == "Dense" and name == "bias" and t.dL_dz is not None:
                    formula = f"sum over the batch of dL/dz{i}"
                else:
                    formula = "backward()"
                lines.append(_equation(f"    dL/d{name} = {formula} = ", grad))
        verb = "applied" if self.applied else "not applied: the model is unchanged"
        lines.append(f"Update ({self.optimizer}, learning rate {self.learning_rate:g}; {verb})")
        for t in self.layers:
            for name, after in t.weights_after.items():
                step = after - t.weights_before[name]
                if self.optimizer == "SGD":
                    rule = f"{name} - {self.learning_rate:g} * dL/d{name}"
                    lines.append(_equation(f"  {t.name}/{name}: new = {rule} = ", after))
                else:
                    lines.append(_equation(f"  {t.name}/{name}: step = ", step))
                    lines.append(_equation(f"  {t.name}/{name}: new = old + step = ", after))
        return "\n".join(lines)

    def _softmax_with_cross_entropy(self, index):
        return index == len(self.layers) and "crossentropy" in self.loss_name.replace("_", "")


def _equation(prefix, array, suffix=""):
    return prefix + format_array(array, prefix=prefix) + suffix


def _snapshot(model):
    """What a training step changes besides the optimizer: weights (moving statistics too),
    metric states and the random generator."""
    return {
        "weights": [(v, v.data.copy()) for v in model.weights],
        "metrics": [(m, [np.array(a, copy=True) for a in m.state()]) for m in model.metrics],
        "rng": random_module.get_generator().bit_generator.state,
    }


def _restore(model, snapshot):
    for variable, data in snapshot["weights"]:
        variable.data[...] = data
        variable.grad = None
    for metric, state in snapshot["metrics"]:
        metric.set_state(state)
    random_module.get_generator().bit_generator.state = snapshot["rng"]


def weight_names(layer):
    """``(name, variable)`` for each trainable weight of ``layer``: the weight's own name
    ("kernel"), or, where a layer holds several of one name (MultiHeadAttention's query, key,
    value and output projections), its path inside the layer ("query/kernel").

    Args:
        layer: a layer.

    Example:

    >>> import glassnet as keras
    >>> dense = keras.layers.Dense(2)
    >>> _ = dense(keras.Input((3,)))
    >>> [name for name, _ in weight_names(dense)]
    ['kernel', 'bias']
    """
    weights = layer.trainable_weights
    names = [v.name for v in weights]
    if len(set(names)) == len(names):
        return list(zip(names, weights))
    prefix = f"{layer.name}/"
    paths = [v.path[len(prefix) :] if v.path.startswith(prefix) else v.path for v in weights]
    return list(zip(paths, weights))


def trace(model, x, y, sample_weight=None, apply=False):
    """Run one training step of a compiled model on (x, y), recording every value.

    Args:
        model: a compiled model (Sequential, functional or subclassed).
        x, y: one batch (small: every number is kept).
        sample_weight: optional per-sample weights.
        apply: keep the update (as a real training step would); by default the model, its
            optimizer and the random generator are left exactly as they were.

    Returns:
        a ``Trace``; ``print`` it for the equations, ``.to_dict()`` for the data.

    Example:

    >>> model, x, y = textbook_example()
    >>> step = trace(model, x, y)
    >>> step.optimizer, step.learning_rate, format_array(step.layers[0].a)
    ('SGD', 0.5, '[[0.5933, 0.5969]]')
    """
    if not getattr(model, "compiled", False):
        raise RuntimeError("trace: compile the model first (the trace uses its loss and optimizer)")
    x = np.asarray(x)
    if x.dtype.kind in "biuf":
        x = x.astype(model.dtype)
    snapshot = _snapshot(model)
    records, outputs, handles = [], {}, []

    def watch(layer, inputs, out):
        tensor = out[0] if isinstance(out, (list, tuple)) else out
        if not isinstance(tensor, Tensor):
            return
        tensor.retain_grad()
        z = tensor.pre_activation if tensor.activation is not None else None
        if z is not None and getattr(layer, "activation", None) is not None:
            z.retain_grad()
        else:
            z = None
        layer_inputs = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        records.append(
            LayerTrace(
                layer.name,
                type(layer).__name__,
                tensor.activation if z is not None else "",
                np.asarray(getattr(layer_inputs, "data", layer_inputs)).copy(),
                weights_before={k: v.data.copy() for k, v in weight_names(layer)},
            )
        )
        outputs[layer.name] = (tensor, z, layer)

    try:
        for layer in _traced_layers(model):
            handles.append(layer.register_forward_hook(watch))
        with config.fusion_disabled(), training_mode(True):
            y_pred = model(x, training=True)
            loss = model.compute_loss(x, y, y_pred, sample_weight, training=True)
        variables = model.trainable_weights
        for variable in variables:
            variable.grad = None
        loss.backward()
        for record in records:
            tensor, z, layer = outputs[record.name]
            record.a = tensor.data
            record.dL_da = None if tensor.grad is None else tensor.grad.copy()
            if z is not None:
                record.z = z.data
                record.dL_dz = None if z.grad is None else z.grad.copy()
            record.gradients = {
                k: v.grad.copy() for k, v in weight_names(layer) if v.grad is not None
            }
        # a private copy of the optimizer makes the update unless it is to be kept: the model's
        # own optimizer (slots, iteration count) is never touched
        optimizer = model.optimizer if apply else copy.deepcopy(model.optimizer)
        learning_rate = optimizer.learning_rate
        optimizer.apply([v.grad for v in variables], variables)
        for record in records:
            layer = outputs[record.name][2]
            record.weights_after = {k: v.data.copy() for k, v in weight_names(layer)}
    finally:
        for handle in handles:
            handle.remove()
        if not apply:
            _restore(model, snapshot)
    loss_spec = model._compile_args["loss"]
    y_first = y[0] if isinstance(y, (list, tuple)) else y
    y_pred_first = y_pred[0] if isinstance(y_pred, (list, tuple)) else y_pred
    return Trace(
        records,
        float(loss.data),
        loss_spec if isinstance(loss_spec, str) else type(loss_spec).__name__,
        np.asarray(y_first),
        np.asarray(getattr(y_pred_first, "data", y_pred_first)),
        type(model.optimizer).__name__,
        float(learning_rate),
        applied=bool(apply),
    )


def _traced_layers(model):
    """The layers a trace shows, in the model's order (Input layers have nothing to show)."""
    return [layer for layer in model.layers if not isinstance(layer, InputLayer)]


def textbook_example():
    """The classic hand-worked network: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output, fixed
    weights, one sample (0.05, 0.10) with target 0.01, squared error, gradient descent at 0.5.

    Returns:
        (model, x, y).

    Example:

    >>> model, x, y = textbook_example()
    >>> x, y
    (array([[0.05, 0.1 ]], dtype=float32), array([[0.01]], dtype=float32))
    """
    model = Sequential(
        [
            Input((2,)),
            Dense(2, activation="sigmoid", name="hidden"),
            Dense(1, activation="sigmoid", name="output"),
        ]
    )
    model.layers[0].set_weights([np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([0.35, 0.35])])
    model.layers[1].set_weights([np.array([[0.40], [0.45]]), np.array([0.60])])
    model.compile(SGD(0.5), "mse")
    return model, np.array([[0.05, 0.10]], dtype=np.float32), np.array([[0.01]], dtype=np.float32)
