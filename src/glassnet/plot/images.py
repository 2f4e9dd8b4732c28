"""Grids of images: samples with true and predicted labels, and first-layer convolution
filters.

Example:

>>> import numpy as np
>>> figure = plot_images(np.zeros((3, 4, 4)), labels=[0, 1, 2], columns=3)
>>> [ax.get_title() for ax in figure.axes]
['0', '1', '2']
"""

import numpy as np

from glassnet.plot.figure import finish, new_figure


def plot_images(
    images, labels=None, predictions=None, class_names=None, path=None, columns=8, max_images=32
):
    """A grid of images titled with their labels; mistakes are titled in red.

    With ``predictions``, each image is titled with its predicted class, and with
    "(true ...)" after it in red where that differs from the label.

    Args:
        images: (n, height, width) or (n, height, width, 1 or 3).
        labels: class ids, (n,), or None for untitled images.
        predictions: predicted class ids, (n,), or None.
        class_names: names shown instead of the ids.
        path: save the figure there as well (PNG by extension).
        columns: images per row.
        max_images: how many of the first images to show.

    Returns:
        The matplotlib Figure.

    Example:

    >>> import numpy as np
    >>> figure = plot_images(np.zeros((2, 4, 4, 1)), labels=[0, 1], predictions=[0, 0],
    ...                      class_names=["cat", "dog"], columns=2)
    >>> [ax.get_title() for ax in figure.axes]
    ['cat', 'cat (true dog)']
    """
    images = np.asarray(images)[:max_images]
    count = len(images)
    rows = -(-count // columns)
    figure = new_figure(1.3 * columns, 1.5 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()

    def name(class_id):
        return class_names[class_id] if class_names else str(class_id)

    for index, ax in enumerate(axes):
        ax.set_axis_off()
        if index >= count:
            continue
        image = images[index]
        if image.ndim == 3 and image.shape[-1] == 1:
            image = image[..., 0]
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        if labels is not None:
            label = int(np.asarray(labels)[index])
            if predictions is None:
                ax.set_title(name(label), fontsize=7)
            else:
                predicted = int(np.asarray(predictions)[index])
                wrong = predicted != label
                ax.set_title(
                    f"{name(predicted)}" + (f" (true {name(label)})" if wrong else ""),
                    fontsize=7,
                    color="red" if wrong else "black",
                )
    return finish(figure, path)


def plot_conv_filters(layer, path=None, columns=8):
    """The kernels of a Conv2D layer, one small image per filter (its first input channel).

    Colours are symmetric around zero (red negative, blue positive) on one scale for all.

    Args:
        layer: a built Conv2D layer.
        path: save the figure there as well (PNG by extension).
        columns: filters per row.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: for a layer without a 4-D kernel.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> conv = layers.Conv2D(4, 3)
    >>> _ = conv(np.zeros((1, 8, 8, 1), dtype="float32"))
    >>> len(plot_conv_filters(conv, columns=4).axes)
    4
    """
    kernel = getattr(layer, "kernel", None)
    if kernel is None or kernel.ndim != 4:
        raise ValueError(f"plot_conv_filters: expected a built Conv2D layer, got {layer!r}")
    filters = np.moveaxis(kernel.data[:, :, 0, :], -1, 0)
    count = len(filters)
    rows = -(-count // columns)
    figure = new_figure(1.1 * columns, 1.2 * rows)
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    limit = np.abs(filters).max() or 1
    for index, ax in enumerate(axes):
        ax.set_axis_off()
        if index < count:
            ax.imshow(filters[index], cmap="RdBu", vmin=-limit, vmax=limit)
            ax.set_title(str(index), fontsize=7)
    figure.suptitle(f"{layer.name} filters")
    return finish(figure, path)
