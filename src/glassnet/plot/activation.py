"""Activation functions and their derivatives (the derivative through glassnet's own backward)."""

import numpy as np

from glassnet import activations
from glassnet.autograd.tensor import Tensor
from glassnet.plot.figure import finish, new_figure


def activation_and_derivative(name, x):
    """(f(x), f'(x)) for a named activation, the derivative taken by backward()."""
    t = Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    y = activations.get(name)(t)
    y.sum().backward()
    return y.data, t.grad


def plot_activations(
    names=("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "swish", "softplus"),
    path=None,
    span=5.0,
):
    x = np.linspace(-span, span, 401)
    columns = 4
    rows = -(-len(names) // columns)
    figure = new_figure(3.2 * columns, 2.8 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        y, dy = activation_and_derivative(name, x)
        ax.plot(x, y, label=name)
        ax.plot(x, dy, "--", label="derivative")
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set(title=name)
        ax.legend(fontsize=7)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    return finish(figure, path)
