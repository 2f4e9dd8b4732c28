"""Grids of images: samples with true and predicted labels, and first-layer convolution filters."""

import numpy as np

from glassnet.plot.figure import finish, new_figure


def plot_images(
    images, labels=None, predictions=None, class_names=None, path=None, columns=8, max_images=32
):
    """Images (n, h, w) or (n, h, w, 1|3) with their labels; mistakes (prediction != label) titled in red."""
    images = np.asarray(images)[:max_images]
    n = len(images)
    rows = -(-n // columns)
    figure = new_figure(1.3 * columns, 1.5 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()

    def name(i):
        return class_names[i] if class_names else str(i)

    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k >= n:
            continue
        image = images[k]
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        if labels is not None:
            label = int(np.asarray(labels)[k])
            if predictions is None:
                ax.set_title(name(label), fontsize=7)
            else:
                predicted = int(np.asarray(predictions)[k])
                wrong = predicted != label
                ax.set_title(
                    f"{name(predicted)}" + (f" (true {name(label)})" if wrong else ""),
                    fontsize=7,
                    color="red" if wrong else "black",
                )
    return finish(figure, path)


def plot_conv_filters(layer, path=None, columns=8):
    """The kernels of a Conv2D layer, one small image per (filter, input channel 0)."""
    kernel = getattr(layer, "kernel", None)
    if kernel is None or kernel.ndim != 4:
        raise ValueError(f"plot_conv_filters: expected a built Conv2D layer, got {layer!r}")
    filters = np.moveaxis(kernel.data[:, :, 0, :], -1, 0)
    n = len(filters)
    rows = -(-n // columns)
    figure = new_figure(1.1 * columns, 1.2 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    limit = np.abs(filters).max() or 1
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k < n:
            ax.imshow(filters[k], cmap="RdBu", vmin=-limit, vmax=limit)
            ax.set_title(str(k), fontsize=7)
    figure.suptitle(f"{layer.name} filters")
    return finish(figure, path)
