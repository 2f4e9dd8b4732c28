"""The confusion matrix as a heatmap with counts."""

import numpy as np

from glassnet.plot.figure import finish, new_figure


def plot_confusion_matrix(
    matrix, class_names=None, path=None, normalize=False, title="Confusion matrix"
):
    """matrix: (classes, classes), rows true and columns predicted (e.g. ``report.confusion_matrix``)."""
    matrix = np.asarray(matrix)
    n = len(matrix)
    names = class_names or [str(i) for i in range(n)]
    shown = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1) if normalize else matrix
    size = max(4.0, 0.55 * n + 2)
    figure = new_figure(size + 1, size)
    ax = figure.subplots()
    image = ax.imshow(shown, cmap="Blues")
    figure.colorbar(image, ax=ax, shrink=0.8)
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted", ylabel="true", title=title)
    ax.set_xticklabels(names, rotation=45, ha="right")
    ax.set_yticklabels(names)
    threshold = shown.max() / 2 if shown.size else 0
    for i in range(n):
        for j in range(n):
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
