"""Galleries on matplotlib: a grid of images with their labels, with boxes drawn on, or beside
their segmentation masks. Each returns the matplotlib Figure (made without pyplot, so it works
headless) and saves it when ``path`` is given.

Example:

>>> import numpy as np
>>> from glassnet.visualization import plot_image_gallery
>>> figure = plot_image_gallery(np.zeros((4, 8, 8, 3)), rows=2, cols=2)
>>> len(figure.axes)
4
"""

import math

import numpy as np

from glassnet.backend.config import image_data_format
from glassnet.visualization.draw import draw_bounding_boxes, draw_segmentation_masks


def _rescale(images, value_range):
    low, high = value_range
    scaled = (np.asarray(images, dtype=np.float64) - low) / (high - low) * 255.0
    return np.clip(scaled, 0, 255)


def plot_image_gallery(
    images,
    y_true=None,
    y_pred=None,
    label_map=None,
    rows=None,
    cols=None,
    value_range=(0, 255),
    scale=2,
    path=None,
    show=None,
    transparent=True,
    dpi=60,
    legend_handles=None,
    data_format=None,
):
    """A grid of images, titled with their true and predicted labels.

    Args:
        images: (batch, height, width, channels), or one image (height, width, channels).
        y_true, y_pred: labels per image, looked up in ``label_map`` for the titles.
        label_map: dict label -> name; needed with ``y_true`` or ``y_pred``.
        rows, cols: the grid (default: about square, filled).
        value_range: the range of the image values, mapped to [0, 255].
        scale: inches per image.
        path: save the figure there (PNG by extension).
        show: accepted for Keras compatibility; the Figure is returned, nothing pops up.
        transparent, dpi: as for matplotlib's savefig.
        legend_handles: matplotlib handles for a legend below the grid.
        data_format: "channels_last" or "channels_first".

    Returns:
        the matplotlib Figure, one Axes per cell.

    Raises:
        ValueError: for labels without ``label_map``.

    Example:

    >>> import numpy as np
    >>> figure = plot_image_gallery(
    ...     np.zeros((3, 8, 8, 3)), y_true=[0, 1, 0], label_map={0: "cat", 1: "dog"}
    ... )
    >>> [axis.get_title() for axis in figure.axes]
    ['Label: cat', 'Label: dog', 'Label: cat', '']
    """
    from matplotlib.figure import Figure

    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError("plot_image_gallery: y_true or y_pred need a label_map to name them")
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[None]
    if (data_format or image_data_format()) == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
    count = len(images)
    rows = rows or int(math.ceil(math.sqrt(count)))
    cols = cols or max(int(math.ceil(count / rows)), 1)
    images = _rescale(images, value_range).astype(np.uint8)
    figure = Figure(figsize=(cols * scale, rows * scale), frameon=False, layout="tight")
    axes = np.asarray(figure.subplots(rows, cols, squeeze=False))
    if legend_handles is not None:
        figure.legend(handles=legend_handles, loc="lower center")
    for index, axis in enumerate(axes.ravel()):
        axis.axis("off")
        if index >= count:
            continue
        image = images[index]
        if image.shape[-1] == 1:
            axis.imshow(image[..., 0], cmap="gray", vmin=0, vmax=255)
        else:
            axis.imshow(image)
        axis.margins(x=0, y=0)
        title = []
        if y_true is not None and index < len(y_true):
            title.append(f"Label: {label_map.get(np.asarray(y_true)[index].item(), 'Unknown')}")
        if y_pred is not None and index < len(y_pred):
            title.append(f"Pred: {label_map.get(np.asarray(y_pred)[index].item(), 'Unknown')}")
        if title:
            axis.set_title("  ".join(title), fontsize=8)
    if path is not None:
        figure.savefig(path, pad_inches=0, bbox_inches="tight", transparent=transparent, dpi=dpi)
    return figure


def plot_bounding_box_gallery(
    images,
    bounding_box_format,
    y_true=None,
    y_pred=None,
    value_range=(0, 255),
    true_color=(0, 188, 212),
    pred_color=(255, 235, 59),
    line_thickness=2,
    font_scale=1.0,
    text_thickness=None,
    class_mapping=None,
    ground_truth_mapping=None,
    prediction_mapping=None,
    legend=False,
    legend_handles=None,
    rows=None,
    cols=None,
    data_format=None,
    **kwargs,
):
    """A gallery of images with their true boxes and predicted boxes drawn on.

    Args:
        images: (batch, height, width, channels).
        bounding_box_format: the boxes' format (see ``convert_boxes_to_xyxy``).
        y_true, y_pred: dicts of "boxes" and "labels" (and "confidences"), as
            ``draw_bounding_boxes`` takes.
        value_range: the range of the image values.
        true_color, pred_color: RGB of each set of boxes.
        line_thickness, font_scale, text_thickness: as ``draw_bounding_boxes``.
        class_mapping: class id -> name for both sets, unless the next two are given.
        ground_truth_mapping, prediction_mapping: names for each set.
        legend: add a legend naming the two colours.
        legend_handles: your own legend handles instead.
        rows, cols, data_format, **kwargs: as ``plot_image_gallery``.

    Returns:
        the matplotlib Figure.

    Example:

    >>> import numpy as np
    >>> boxes = {"boxes": np.array([[[1.0, 1.0, 5.0, 5.0]]] * 2), "labels": np.array([[0]] * 2)}
    >>> figure = plot_bounding_box_gallery(
    ...     np.zeros((2, 8, 8, 3)), "xyxy", y_true=boxes, class_mapping={0: "cat"}
    ... )
    >>> len(figure.axes)
    2
    """
    from matplotlib import patches

    if legend and legend_handles:
        raise ValueError("plot_bounding_box_gallery: pass legend or legend_handles, not both")
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            f"plot_bounding_box_gallery: images must be a 4-D batch, got shape {images.shape}"
        )
    if (data_format or image_data_format()) == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
    drawn = _rescale(images, value_range).astype(np.uint8)
    options = dict(
        bounding_box_format=bounding_box_format,
        line_thickness=line_thickness,
        text_thickness=text_thickness,
        font_scale=font_scale,
        data_format="channels_last",
    )
    if y_true is not None:
        mapping = ground_truth_mapping or class_mapping
        drawn = draw_bounding_boxes(
            drawn, y_true, color=true_color, class_mapping=mapping, **options
        )
    if y_pred is not None:
        mapping = prediction_mapping or class_mapping
        drawn = draw_bounding_boxes(
            drawn, y_pred, color=pred_color, class_mapping=mapping, **options
        )
    if legend:
        legend_handles = [
            patches.Patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
            patches.Patch(color=np.array(pred_color) / 255.0, label="Prediction"),
        ]
    return plot_image_gallery(
        drawn,
        value_range=(0, 255),
        legend_handles=legend_handles,
        rows=rows,
        cols=cols,
        data_format="channels_last",
        **kwargs,
    )


def plot_segmentation_mask_gallery(
    images,
    num_classes,
    value_range=(0, 255),
    y_true=None,
    y_pred=None,
    color_mapping=None,
    blend=True,
    alpha=0.8,
    ignore_index=-1,
    data_format=None,
    **kwargs,
):
    """One row per image: the image, then its true mask and its predicted mask drawn on it.

    Args:
        images: (batch, height, width, 3).
        num_classes: the number of classes.
        value_range: the range of the image values.
        y_true, y_pred: integer masks (batch, height, width, 1).
        color_mapping, blend, alpha, ignore_index: as ``draw_segmentation_masks``.
        data_format, **kwargs: as ``plot_image_gallery``.

    Returns:
        the matplotlib Figure.

    Example:

    >>> import numpy as np
    >>> masks = np.zeros((2, 8, 8, 1), dtype=int)
    >>> figure = plot_segmentation_mask_gallery(np.zeros((2, 8, 8, 3)), num_classes=2, y_true=masks)
    >>> len(figure.axes)  # two rows: each image, then its true mask
    4
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            f"plot_segmentation_mask_gallery: images must be a 4-D batch, got {images.shape}"
        )
    channels_first = (data_format or image_data_format()) == "channels_first"
    if channels_first:
        images = np.transpose(images, (0, 2, 3, 1))
    images = _rescale(images, value_range)
    draw = dict(
        num_classes=num_classes,
        color_mapping=color_mapping,
        alpha=alpha,
        blend=blend,
        ignore_index=ignore_index,
        data_format="channels_last",
    )
    columns = [images]
    for masks in (y_true, y_pred):
        if masks is not None:
            masks = np.asarray(masks).astype(np.int32)
            if channels_first:
                masks = np.transpose(masks, (0, 2, 3, 1))
            columns.append(draw_segmentation_masks(images, masks, **draw).astype(np.float64))
    gallery = np.stack(columns, axis=1).reshape((-1,) + images.shape[1:])
    return plot_image_gallery(
        gallery,
        value_range=(0, 255),
        rows=len(images),
        cols=len(columns),
        data_format="channels_last",
        **kwargs,
    )
