"""Decision boundary of a classifier on 2-D data.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
>>> points, labels = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
>>> plot_decision_boundary(model, points, labels, resolution=20, title="t").axes[0].get_title()
't'
"""

import numpy as np

from glassnet.evaluation import predicted_classes
from glassnet.plot.figure import finish, new_figure


def plot_decision_boundary(model, x, y, path=None, resolution=200, title=None, ax=None):
    """Colour the plane by the model's predicted class and scatter the labelled points.

    The plane is the points' bounding box widened by 0.5 on every side, sampled on a
    ``resolution`` x ``resolution`` grid.

    Args:
        model: a classifier taking (n, 2) inputs (softmax, sigmoid or class-score outputs).
        x: the points, (n, 2).
        y: their class ids, (n,).
        path: save the figure there as well (PNG by extension).
        resolution: grid points per side.
        title: the panel title (default: the model's name).
        ax: draw into this matplotlib Axes instead of a new Figure.

    Returns:
        A new Figure, or ``ax`` when one was given.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    >>> points, labels = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1])
    >>> figure = plot_decision_boundary(model, points, labels, resolution=10)
    >>> len(figure.axes)
    1
    """
    x, y = np.asarray(x), np.asarray(y).reshape(-1)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: needs 2-D points (n, 2), got shape {x.shape}")
    margin = 0.5
    (left, bottom), (right, top) = x.min(axis=0) - margin, x.max(axis=0) + margin
    grid_x, grid_y = np.meshgrid(
        np.linspace(left, right, resolution), np.linspace(bottom, top, resolution)
    )
    grid = np.stack([grid_x.ravel(), grid_y.ravel()], axis=1).astype(np.float32)
    scores = model.predict(grid, batch_size=4096, verbose=0)
    classes = predicted_classes(scores).reshape(grid_x.shape)
    figure = None
    if ax is None:
        figure = new_figure(5, 4.5)
        ax = figure.subplots()
    ax.contourf(
        grid_x,
        grid_y,
        classes,
        alpha=0.3,
        cmap="coolwarm",
        levels=np.arange(classes.max() + 2) - 0.5,
    )
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
    ax.set(title=title or getattr(model, "name", ""), xticks=[], yticks=[])
    return finish(figure, path) if figure is not None else ax
