"""Plots that return matplotlib Figures (headless) and save PNGs with path=...

Example:

>>> from glassnet import plot
>>> figure = plot.plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
>>> [ax.get_title() for ax in figure.axes]
['loss']
"""

from glassnet.plot.activation import activation_and_derivative, plot_activations
from glassnet.plot.boundary import plot_decision_boundary
from glassnet.plot.confusion import plot_confusion_matrix
from glassnet.plot.gradients import plot_gradient_flow
from glassnet.plot.history import plot_history
from glassnet.plot.images import plot_conv_filters, plot_images

__all__ = [
    "plot_history",
    "plot_confusion_matrix",
    "plot_decision_boundary",
    "plot_activations",
    "activation_and_derivative",
    "plot_images",
    "plot_conv_filters",
    "plot_gradient_flow",
]
