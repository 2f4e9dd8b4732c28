"""The confusion matrix as a heatmap with counts.

Example:

>>> figure = plot_confusion_matrix([[3, 1], [0, 4]], class_names=["cat", "dog"])
>>> [label.get_text() for label in figure.axes[0].get_yticklabels()]
['cat', 'dog']
"""

import numpy as np

from glassnet.plot.figure import finish, new_figure


def plot_confusion_matrix(
    matrix, class_names=None, path=None, normalize=False, title="Confusion matrix"
):
    """The confusion matrix as a heatmap, each cell written with its count (or rate).

    Args:
        matrix: (classes, classes) counts, rows the true class and columns the predicted one
            (``EvaluationReport.confusion_matrix``, for example).
        class_names: tick labels (default: the class ids).
        path: save the figure there as well (PNG by extension).
        normalize: show each row as rates that sum to 1 instead of counts.
        title: the panel title.

    Returns:
        The matplotlib Figure (the heatmap and its colour bar).

    Example:

    >>> figure = plot_confusion_matrix([[3, 1], [0, 4]], normalize=True)
    >>> [text.get_text() for text in figure.axes[0].texts]
    ['0.75', '0.25', '0.00', '1.00']
    """
    matrix = np.asarray(matrix)
    count = len(matrix)
    names = class_names or [str(i) for i in range(count)]
    shown = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) if normalize else matrix
    size = max(4.0, 0.55 * count + 2)
    figure = new_figure(size + 1, size)
    ax = figure.subplots()
    image = ax.imshow(shown, cmap="Blues")
    figure.colorbar(image, ax=ax, shrink=0.8)
    ax.set(xticks=range(count), yticks=range(count), xlabel="predicted", ylabel="true", title=title)
    ax.set_xticklabels(names, rotation=45, ha="right")
    ax.set_yticklabels(names)
    threshold = shown.max() / 2 if shown.size else 0
    for i in range(count):
        for j in range(count):
            text = f"{shown[i, j]:.2f}" if normalize else f"{matrix[i, j]:d}"
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="white" if shown[i, j] > threshold else "black",
            )
    return finish(figure, path)
