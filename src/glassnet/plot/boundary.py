"""Decision boundary of a classifier on 2-D data."""

import numpy as np

from glassnet.evaluation import predicted_classes
from glassnet.plot.figure import finish, new_figure


def plot_decision_boundary(model, x, y, path=None, resolution=200, title=None, ax=None):
    """Colour the plane by the model's predicted class and scatter the points (x: (n, 2), y: class ids)."""
    x, y = np.asarray(x), np.asarray(y).reshape(-1)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: needs 2-D points (n, 2), got shape {x.shape}")
    margin = 0.5
    (x0, y0), (x1, y1) = x.min(axis=0) - margin, x.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    classes = predicted_classes(model.predict(grid, batch_size=4096, verbose=0)).reshape(gx.shape)
    figure = None
    if ax is None:
        figure = new_figure(5, 4.5)
        ax = figure.subplots()
    ax.contourf(
        gx, gy, classes, alpha=0.3, cmap="coolwarm", levels=np.arange(classes.max() + 2) - 0.5
    )
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
    ax.set(title=title or getattr(model, "name", ""), xticks=[], yticks=[])
    return finish(figure, path) if figure is not None else ax
