"""One training step, every number recorded: the worked example of a textbook, for any Sequential model.

``trace(model, x, y)`` runs forward, loss, backward and the optimizer update on (x, y) and keeps, per
layer, the input, the pre-activation z and activation a of Dense layers, dL/da, dL/dz, the weight
gradients and the weights before and after the update. ``print(trace)`` shows them as equations.
"""

from dataclasses import dataclass, field

import numpy as np

from glassnet import activations, ops
from glassnet.autograd.tensor import Tensor
from glassnet.layers import layer as layer_module
from glassnet.layers.core import Dense


@dataclass
class LayerTrace:
    name: str
    kind: str
    activation: str
    inputs: np.ndarray
    z: np.ndarray = None  # pre-activation (Dense layers)
    a: np.ndarray = None  # output
    dL_da: np.ndarray = None
    dL_dz: np.ndarray = None
    gradients: dict = field(default_factory=dict)  # weight name -> dL/dW
    weights_before: dict = field(default_factory=dict)
    weights_after: dict = field(default_factory=dict)


@dataclass
class Trace:
    layers: list
    loss: float
    loss_name: str
    y_true: np.ndarray
    y_pred: np.ndarray
    optimizer: str
    learning_rate: float
    decimals: int = 4

    def _fmt(self, array):
        return np.array2string(
            np.asarray(array),
            precision=self.decimals,
            suppress_small=True,
            separator=", ",
            max_line_width=100,
        )

    def __str__(self):
        f = self._fmt
        lines = ["Forward pass"]
        for i, t in enumerate(self.layers, start=1):
            lines.append(
                f"  layer {i}: {t.name} ({t.kind}{', ' + t.activation if t.activation else ''})"
            )
            if t.z is not None:
                lines.append(f"    z{i} = a{i - 1} @ W{i} + b{i} = {f(t.z)}   shape {t.z.shape}")
                lines.append(f"    a{i} = {t.activation}(z{i}) = {f(t.a)}")
            else:
                lines.append(f"    a{i} = {t.name}(a{i - 1}) = {f(t.a)}   shape {t.a.shape}")
        lines.append(
            f"  loss = {self.loss_name}(y = {f(self.y_true)}, y_pred = {f(self.y_pred)}) = {self.loss:.{self.decimals + 2}f}"
        )
        lines.append("Backward pass")
        for i in range(len(self.layers), 0, -1):
            t = self.layers[i - 1]
            lines.append(f"  layer {i}: {t.name}")
            lines.append(f"    dL/da{i} = {f(t.dL_da)}")
            if t.dL_dz is not None:
                lines.append(f"    dL/dz{i} = dL/da{i} * {t.activation}'(z{i}) = {f(t.dL_dz)}")
            for name, grad in t.gradients.items():
                formula = (
                    f"a{i - 1}^T @ dL/dz{i}"
                    if name == "kernel" and t.dL_dz is not None
                    else f"sum over the batch of dL/dz{i}"
                    if name == "bias" and t.dL_dz is not None
                    else "backward()"
                )
                lines.append(f"    dL/d{name} = {formula} = {f(grad)}")
        lines.append(f"Update ({self.optimizer}, learning rate {self.learning_rate:g})")
        for i, t in enumerate(self.layers, start=1):
            for name, after in t.weights_after.items():
                rule = (
                    f"{name} - {self.learning_rate:g} * dL/d{name}"
                    if self.optimizer == "SGD"
                    else "optimizer step"
                )
                lines.append(f"  {t.name}/{name}: {rule} = {f(after)}")
        return "\n".join(lines)


def trace(model, x, y):
    """Run one training step of a compiled Sequential model on (x, y), recording every value."""
    from glassnet.models import Sequential

    if not isinstance(model, Sequential):
        raise TypeError(
            f"trace: needs a Sequential model (one layer after another), got {type(model).__name__}"
        )
    if not model.compiled:
        raise RuntimeError("trace: compile the model first (the trace uses its loss and optimizer)")
    x = np.asarray(x, dtype=model.layers[0].dtype if model.layers else "float32")
    a = Tensor(x)
    records, tensors = [], []
    layer_module._training_context.append(True)
    try:
        for layer in model.layers:
            if not layer.built:
                layer._maybe_build(a.shape)
            record = LayerTrace(
                layer.name,
                type(layer).__name__,
                "",
                a.data.copy(),
                weights_before={v.name: v.data.copy() for v in layer.trainable_weights},
            )
            z = None
            if isinstance(layer, Dense):
                record.activation = activations.serialize(layer.activation)
                z = ops.matmul(a, layer.kernel)
                if layer.bias is not None:
                    z = ops.add(z, layer.bias)
                z.retain_grad()
                out = layer.activation(z)
                if out is z:  # linear: a and z are the same tensor
                    out = ops.multiply(z, 1.0)
            else:
                out = layer(a, training=True)
            out.retain_grad()
            records.append(record)
            tensors.append((z, out))
            a = out
    finally:
        layer_module._training_context.pop()
    y_true = [np.asarray(y)]
    compiled = model._resolve_compiled(y_true, [a])
    loss, _ = compiled.compute_loss(y_true, [a], None)
    for penalty in model.losses:
        loss = loss + penalty
    variables = model.trainable_weights
    for v in variables:
        v.grad = None
    loss.backward()
    for record, (z, out), layer in zip(records, tensors, model.layers):
        record.z = None if z is None else z.data
        record.a, record.dL_da = out.data, out.grad
        record.dL_dz = None if z is None else z.grad
        record.gradients = {
            v.name: v.grad.copy() for v in layer.trainable_weights if v.grad is not None
        }
    model.optimizer.apply([v.grad for v in variables], variables)
    for v in variables:
        v.grad = None
    for record, layer in zip(records, model.layers):
        record.weights_after = {v.name: v.data.copy() for v in layer.trainable_weights}
    loss_spec = model._compile_args["loss"]
    return Trace(
        records,
        float(loss.data),
        loss_spec if isinstance(loss_spec, str) else compiled.losses[0].name,
        y_true[0],
        a.data,
        type(model.optimizer).__name__,
        model.optimizer.learning_rate,
    )


def textbook_example():
    """The classic hand-worked network: 2 inputs, 2 sigmoid hidden units, 1 sigmoid output, fixed weights,
    one sample (0.05, 0.10) with target 0.01, squared error, plain gradient descent with rate 0.5."""
    import glassnet as keras

    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(2, activation="sigmoid", name="hidden"),
            keras.layers.Dense(1, activation="sigmoid", name="output"),
        ]
    )
    model.layers[0].set_weights([np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([0.35, 0.35])])
    model.layers[1].set_weights([np.array([[0.40], [0.45]]), np.array([0.60])])
    model.compile(keras.optimizers.SGD(0.5), "mse")
    return model, np.array([[0.05, 0.10]], dtype=np.float32), np.array([[0.01]], dtype=np.float32)
