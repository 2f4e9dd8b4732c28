"""Activation functions and their derivatives (the derivative through glassnet's own backward).

Example:

>>> figure = plot_activations(names=("relu", "tanh"))
>>> [ax.get_title() for ax in figure.axes if ax.get_visible()]
['relu', 'tanh']
"""

import numpy as np

from glassnet import activations
from glassnet.autograd.tensor import Tensor
from glassnet.plot.figure import finish, new_figure


def activation_and_derivative(name, x):
    """A named activation and its derivative at the points ``x``.

    The derivative is the one glassnet's backward computes (so the plot shows what training
    uses), taken in float64.

    Args:
        name: an activation name, as ``keras.activations.get`` takes.
        x: points, any shape.

    Returns:
        ``(f(x), f'(x))``, two float64 arrays of the shape of ``x``.

    Example:

    >>> values, slopes = activation_and_derivative("relu", [-1.0, 2.0])
    >>> values.tolist(), slopes.tolist()
    ([0.0, 2.0], [0.0, 1.0])
    """
    inputs = Tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    outputs = activations.get(name)(inputs)
    outputs.sum().backward()
    return outputs.data, inputs.grad


def plot_activations(
    names=("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "swish", "softplus"),
    path=None,
    span=5.0,
):
    """Each activation and its derivative over ``[-span, span]``, one panel per name.

    Args:
        names: activation names, four panels to a row.
        path: save the figure there as well (PNG by extension).
        span: the plotted range of x on each side of 0.

    Returns:
        The matplotlib Figure.

    Example:

    >>> figure = plot_activations(names=("sigmoid",), span=3.0)
    >>> [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    ['sigmoid', 'derivative']
    """
    x = np.linspace(-span, span, 401)
    columns = 4
    rows = -(-len(names) // columns)
    figure = new_figure(3.2 * columns, 2.8 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        values, slopes = activation_and_derivative(name, x)
        ax.plot(x, values, label=name)
        ax.plot(x, slopes, "--", label="derivative")
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set(title=name)
        ax.legend(fontsize=7)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    return finish(figure, path)
