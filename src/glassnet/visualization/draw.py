"""Drawing onto batches of images: bounding boxes (with their class names) and segmentation
masks, returned as new uint8 arrays.

Example:

>>> import numpy as np
>>> from glassnet.visualization import draw_bounding_boxes
>>> images = np.zeros((1, 8, 8, 3), dtype="uint8")
>>> boxes = {"boxes": np.array([[[1, 2, 5, 6]]]), "labels": np.array([[0]])}
>>> drawn = draw_bounding_boxes(images, boxes, "xyxy", color=(255, 0, 0), line_thickness=1)
>>> drawn[0, 2, 1:6, 0].tolist()  # the top edge, from x=1 to x=5, in red
[255, 255, 255, 255, 255]
"""

import numpy as np

from glassnet.backend.config import image_data_format

# format -> function (boxes, height, width) -> x1, y1, x2, y2 in pixels
_FORMATS = {
    "xyxy": lambda b, h, w: (b[..., 0], b[..., 1], b[..., 2], b[..., 3]),
    "yxyx": lambda b, h, w: (b[..., 1], b[..., 0], b[..., 3], b[..., 2]),
    "xywh": lambda b, h, w: (b[..., 0], b[..., 1], b[..., 0] + b[..., 2], b[..., 1] + b[..., 3]),
    "center_xywh": lambda b, h, w: (
        b[..., 0] - b[..., 2] / 2,
        b[..., 1] - b[..., 3] / 2,
        b[..., 0] + b[..., 2] / 2,
        b[..., 1] + b[..., 3] / 2,
    ),
    "center_yxhw": lambda b, h, w: (
        b[..., 1] - b[..., 3] / 2,
        b[..., 0] - b[..., 2] / 2,
        b[..., 1] + b[..., 3] / 2,
        b[..., 0] + b[..., 2] / 2,
    ),
}


def convert_boxes_to_xyxy(boxes, bounding_box_format, height, width):
    """Boxes (..., 4) in any of Keras's formats -> pixel corners (x1, y1, x2, y2).

    Args:
        boxes: array (..., 4).
        bounding_box_format: "xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", or one of
            them prefixed "rel_" (coordinates as fractions of the image's width and height).
        height, width: the image's size, for the relative formats.

    Returns:
        float64 array (..., 4).

    Example:

    >>> import numpy as np
    >>> from glassnet.visualization import convert_boxes_to_xyxy
    >>> convert_boxes_to_xyxy(np.array([0.5, 0.5, 0.2, 0.4]), "rel_center_xywh", 10, 20).tolist()
    [8.0, 3.0, 12.0, 7.0]
    """
    boxes = np.asarray(boxes, dtype=np.float64)
    relative = bounding_box_format.startswith("rel_")
    base = bounding_box_format[4:] if relative else bounding_box_format
    if base not in _FORMATS:
        raise ValueError(
            f"bounding_box_format must be one of {sorted(_FORMATS)} (optionally prefixed "
            f"'rel_'), got {bounding_box_format!r}"
        )
    if relative:
        scale = np.array([width, height, width, height], dtype=np.float64)
        if base in ("yxyx", "center_yxhw"):
            scale = scale[[1, 0, 3, 2]]
        boxes = boxes * scale
    return np.stack(_FORMATS[base](boxes, height, width), axis=-1)


def _to_uint8(images):
    images = np.asarray(images)
    if images.dtype.kind == "f" and images.size:
        images = np.clip(images, 0, 1) * 255 if images.max() <= 1.0 else np.clip(images, 0, 255)
    return images.astype(np.uint8)


def _channels_last(images, data_format):
    return np.transpose(images, (0, 2, 3, 1)) if data_format == "channels_first" else images


def draw_bounding_boxes(
    images,
    bounding_boxes,
    bounding_box_format,
    class_mapping=None,
    color=(128, 128, 128),
    line_thickness=2,
    text_thickness=1,
    font_scale=1.0,
    data_format=None,
):
    """Draw each image's boxes, and the class name above each box whose class is mapped.

    Args:
        images: (batch, height, width, channels) (or channels first); floats in [0, 1] or
            [0, 255], or uint8.
        bounding_boxes: dict with "boxes" (batch, n, 4), "labels" (batch, n) and optionally
            "confidences" (batch, n); a label of -1 marks padding and is skipped.
        bounding_box_format: the boxes' format (see ``convert_boxes_to_xyxy``).
        class_mapping: dict class id -> name written on the box.
        color: RGB of lines and text.
        line_thickness: pixels of the box outline.
        text_thickness, font_scale: accepted for Keras compatibility (the text is drawn with
            Pillow's built-in font).
        data_format: "channels_last" or "channels_first" (default: the configured one).

    Returns:
        uint8 array (batch, height, width, channels), channels last.

    Raises:
        ValueError: for images that are not a 4-D batch or boxes without "boxes"/"labels".

    Example:

    >>> import numpy as np
    >>> boxes = {"boxes": [[[1, 1, 5, 5]]], "labels": [[0]]}
    >>> drawn = draw_bounding_boxes(np.zeros((1, 8, 8, 3)), boxes, "xyxy", color=(255, 0, 0))
    >>> drawn.shape, drawn[0, 1, 1].tolist(), drawn[0, 3, 3].tolist()  # on the outline, inside
    ((1, 8, 8, 3), [255, 0, 0], [0, 0, 0])
    """
    from PIL import Image, ImageDraw

    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(
            f"draw_bounding_boxes: images must be a 4-D batch, got shape {images.shape}"
        )
    if not isinstance(bounding_boxes, dict) or not {"boxes", "labels"} <= set(bounding_boxes):
        raise ValueError(
            "draw_bounding_boxes: bounding_boxes must be a dict with 'boxes' and 'labels', got "
            f"{type(bounding_boxes).__name__}"
        )
    images = _to_uint8(_channels_last(images, data_format or image_data_format()))
    height, width = images.shape[1:3]
    corners = convert_boxes_to_xyxy(bounding_boxes["boxes"], bounding_box_format, height, width)
    labels = np.asarray(bounding_boxes["labels"])
    confidences = bounding_boxes.get("confidences")
    class_mapping = class_mapping or {}
    out = []
    for index, image in enumerate(images):
        squeeze = image.shape[-1] == 1
        picture = Image.fromarray(image[..., 0] if squeeze else image)
        pen = ImageDraw.Draw(picture)
        ink = int(np.mean(color)) if squeeze else tuple(int(c) for c in color)
        for box_index, (box, label) in enumerate(zip(corners[index], labels[index])):
            if int(label) == -1:
                continue
            x1, y1, x2, y2 = (int(v) for v in box)
            pen.rectangle([x1, y1, x2, y2], outline=ink, width=int(line_thickness))
            if int(label) in class_mapping:
                text = str(class_mapping[int(label)])
                if confidences is not None:
                    text += f" | {float(np.asarray(confidences)[index][box_index]):.2f}"
                pen.text((x1, max(y1 - 11, 0)), text, fill=ink)
        drawn = np.asarray(picture)
        out.append(drawn[..., None] if squeeze else drawn)
    return np.stack(out)


def color_palette(num_classes):
    """``num_classes`` distinct RGB colours, the same each time (class 0 is black).

    Args:
        num_classes: the number of colours.

    Example:

    >>> from glassnet.visualization.draw import color_palette
    >>> color_palette(3)[1]
    [1, 127, 31]
    """
    steps = np.array([2**25 - 1, 2**15 - 1, 2**21 - 1], dtype=np.int64)
    return ((np.arange(num_classes, dtype=np.int64)[:, None] * steps) % 255).tolist()


def draw_segmentation_masks(
    images,
    segmentation_masks,
    num_classes=None,
    color_mapping=None,
    alpha=0.8,
    blend=True,
    ignore_index=-1,
    data_format=None,
):
    """Colour each pixel of the images by its class in the mask.

    Args:
        images: (batch, height, width, 3) (or channels first), values in [0, 255].
        segmentation_masks: integer (batch, height, width, 1) class ids.
        num_classes: how many classes (default: the largest id + 1).
        color_mapping: dict class id -> RGB colour (default: ``color_palette``).
        alpha: weight of the colour where blended.
        blend: mix the colour with the image (``alpha``); otherwise paint it.
        ignore_index: the id of pixels left as they are.
        data_format: "channels_last" or "channels_first".

    Returns:
        array (batch, height, width, 3): uint8 when blended, float32 otherwise.

    Raises:
        TypeError: for masks that are not integers.

    Example:

    >>> import numpy as np
    >>> from glassnet.visualization import draw_segmentation_masks
    >>> images = np.full((1, 1, 2, 3), 100.0)
    >>> masks = np.array([[[[1], [-1]]]])
    >>> draw_segmentation_masks(images, masks, color_mapping={0: (0, 0, 0), 1: (200, 0, 0)},
    ...                         alpha=0.5)[0].tolist()
    [[[150, 50, 50], [100, 100, 100]]]
    """
    data_format = data_format or image_data_format()
    images = np.asarray(images)
    masks = np.asarray(segmentation_masks)
    if images.ndim != 4:
        raise ValueError(
            f"draw_segmentation_masks: images must be a 4-D batch, got shape {images.shape}"
        )
    if data_format == "channels_first":
        images, masks = np.transpose(images, (0, 2, 3, 1)), np.transpose(masks, (0, 2, 3, 1))
    if masks.dtype.kind not in "iu":
        raise TypeError(
            f"draw_segmentation_masks: segmentation_masks must be integers, got {masks.dtype}"
        )
    masks = masks[..., 0] if masks.ndim == 4 else masks
    images = images.astype(np.float32)
    if num_classes is None:
        num_classes = int(masks.max()) + 1
    colors = (
        color_palette(num_classes)
        if color_mapping is None
        else [color_mapping[i] for i in range(num_classes)]
    )
    painted = images.copy()
    for class_id, color in enumerate(colors):
        painted[masks == class_id] = np.asarray(color, dtype=np.float32)
    if not blend:
        return painted
    blended = images * (1 - alpha) + painted * alpha
    valid = (masks != ignore_index)[..., None]
    return np.where(valid, blended, images).astype(np.uint8)
