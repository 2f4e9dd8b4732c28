"""Bounding boxes in dict inputs: ``{"boxes": (batch, n, 4), "labels": (batch, n)}``.

Formats (Keras's names): "xyxy" (corners, pixels), "yxyx", "xywh" (corner and size),
"center_xywh", "center_yxhw", and the same relative to the image size with a "rel_" prefix.
Conversions go through "xyxy". Boxes are plain arrays: no gradient flows through them.
"""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp

FORMATS = (
    "xyxy",
    "yxyx",
    "xywh",
    "center_xywh",
    "center_yxhw",
    "rel_xyxy",
    "rel_yxyx",
    "rel_xywh",
    "rel_center_xywh",
)


def _array(value, dtype=None):
    value = value.data if isinstance(value, Tensor) else xp.asarray(value)
    return value if dtype is None else value.astype(dtype)


def _to_xyxy(boxes, source, height, width):
    a, b, c, d = (boxes[..., i] for i in range(4))
    relative = source.startswith("rel_")
    kind = source[4:] if relative else source
    if kind == "xyxy":
        x1, y1, x2, y2 = a, b, c, d
    elif kind == "yxyx":
        y1, x1, y2, x2 = a, b, c, d
    elif kind == "xywh":
        x1, y1, x2, y2 = a, b, a + c, b + d
    elif kind == "center_xywh":
        x1, y1, x2, y2 = a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0
    else:  # center_yxhw
        x1, y1, x2, y2 = b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0
    if relative:
        x1, x2, y1, y2 = x1 * width, x2 * width, y1 * height, y2 * height
    return xp.stack([x1, y1, x2, y2], axis=-1)


def _from_xyxy(boxes, target, height, width):
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    relative = target.startswith("rel_")
    kind = target[4:] if relative else target
    if relative:
        x1, x2, y1, y2 = x1 / width, x2 / width, y1 / height, y2 / height
    if kind == "xyxy":
        parts = (x1, y1, x2, y2)
    elif kind == "yxyx":
        parts = (y1, x1, y2, x2)
    elif kind == "xywh":
        parts = (x1, y1, x2 - x1, y2 - y1)
    elif kind == "center_xywh":
        parts = (x1 + (x2 - x1) / 2.0, y1 + (y2 - y1) / 2.0, x2 - x1, y2 - y1)
    else:
        parts = (y1 + (y2 - y1) / 2.0, x1 + (x2 - x1) / 2.0, y2 - y1, x2 - x1)
    return xp.stack(parts, axis=-1)


def convert_format(boxes, source, target, height=None, width=None, dtype="float32"):
    """Boxes (an array, or a dict with "boxes") from ``source`` to ``target`` format.

    Args:
        boxes: (..., 4) boxes, an array, Tensor or nested list, or a dict whose "boxes" entry
            holds them (its other entries are kept).
        source: the format the boxes are in, one of ``FORMATS``.
        target: the format wanted, one of ``FORMATS``.
        height: the image height in pixels; needed when only one of the formats is relative.
        width: the image width in pixels; needed likewise.
        dtype: the dtype of the converted boxes.

    Returns:
        The converted array, or a new dict with the converted "boxes".

    Example:

    >>> convert_format([[10.0, 20.0, 30.0, 60.0]], "xyxy", "center_xywh")
    array([[20., 40., 20., 40.]], dtype=float32)
    """
    if isinstance(boxes, dict):
        return {
            **boxes,
            "boxes": convert_format(boxes["boxes"], source, target, height, width, dtype),
        }
    source, target = source.lower(), target.lower()
    if source not in FORMATS or target not in FORMATS:
        raise ValueError(
            f"convert_format: formats must be among {FORMATS}, got {source!r} -> {target!r}"
        )
    boxes = _array(boxes, dtype)
    if boxes.shape[-1] != 4:
        raise ValueError(
            f"convert_format: boxes must have a last axis of 4, got shape {boxes.shape}"
        )
    if (source.startswith("rel_") or target.startswith("rel_")) and (
        height is None or width is None
    ):
        raise ValueError("convert_format: relative formats need the image height and width")
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        source, target, height, width = source[4:], target[4:], 1.0, 1.0
    height = None if height is None else xp.asarray(height, dtype)
    width = None if width is None else xp.asarray(width, dtype)
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width).astype(dtype)


def clip_to_image_size(bounding_boxes, height=None, width=None, bounding_box_format="xyxy"):
    """Clip xyxy (or rel_xyxy) boxes to the image; labels of boxes left empty become -1.

    Args:
        bounding_boxes: a dict with "boxes" (..., 4) and optionally "labels" (...).
        height: the image height in pixels (used with "xyxy").
        width: the image width in pixels (used with "xyxy").
        bounding_box_format: "xyxy" (clipped to [0, width] x [0, height]) or "rel_xyxy"
            (clipped to [0, 1]).

    Returns:
        A new dict with the clipped boxes and, when given, the updated labels.

    Example:

    >>> out = clip_to_image_size(
    ...     {"boxes": [[-2.0, 1.0, 4.0, 3.0], [12.0, 0.0, 15.0, 2.0]], "labels": [5, 6]}, 10, 10
    ... )
    >>> out["boxes"].tolist(), out["labels"].tolist()
    ([[0.0, 1.0, 4.0, 3.0], [10.0, 0.0, 10.0, 2.0]], [5, -1])
    """
    boxes = _array(bounding_boxes["boxes"])
    high_x, high_y = (width, height) if bounding_box_format == "xyxy" else (1.0, 1.0)
    clipped = xp.stack(
        [
            xp.clip(boxes[..., 0], 0, high_x),
            xp.clip(boxes[..., 1], 0, high_y),
            xp.clip(boxes[..., 2], 0, high_x),
            xp.clip(boxes[..., 3], 0, high_y),
        ],
        axis=-1,
    ).astype(boxes.dtype)
    result = {**bounding_boxes, "boxes": clipped}
    if "labels" in bounding_boxes:
        area = (clipped[..., 2] - clipped[..., 0]) * (clipped[..., 3] - clipped[..., 1])
        result["labels"] = xp.where(area > 0, _array(bounding_boxes["labels"]), -1)
    return result


def densify(bounding_boxes, batched):
    """The boxes dict as arrays with a batch axis (float32 boxes).

    Args:
        bounding_boxes: a dict with "boxes" (n, 4) or (batch, n, 4) and "labels".
        batched: whether the boxes already have a batch axis; if not, one of size 1 is added.

    Returns:
        A new dict with "boxes" (batch, n, 4) float32 and "labels" (batch, n) arrays.

    Example:

    >>> dense = densify({"boxes": [[0, 0, 2, 2]], "labels": [1]}, batched=False)
    >>> dense["boxes"].shape, dense["boxes"].dtype, dense["labels"].shape
    ((1, 1, 4), dtype('float32'), (1, 1))
    """
    if (
        not isinstance(bounding_boxes, dict)
        or "boxes" not in bounding_boxes
        or "labels" not in bounding_boxes
    ):
        raise ValueError(
            f"bounding_boxes must be a dict with 'boxes' and 'labels', got {bounding_boxes!r}"
        )
    boxes = _array(bounding_boxes["boxes"], "float32")
    labels = _array(bounding_boxes["labels"])
    if not batched:
        boxes, labels = boxes[None], labels[None]
    return {**bounding_boxes, "boxes": boxes, "labels": labels}


def unbatch(bounding_boxes):
    """The boxes dict of a batch of one without its batch axis (the inverse of ``densify``).

    Args:
        bounding_boxes: a dict with "boxes" (1, n, 4) and "labels" (1, n) arrays.

    Returns:
        A new dict with "boxes" (n, 4) and "labels" (n,); other entries are kept.

    Example:

    >>> unbatch(densify({"boxes": [[0, 0, 2, 2]], "labels": [1]}, batched=False))["boxes"]
    array([[0., 0., 2., 2.]], dtype=float32)
    """
    return {
        **bounding_boxes,
        "boxes": bounding_boxes["boxes"][0],
        "labels": bounding_boxes["labels"][0],
    }


def warp_boxes(bounding_boxes, transforms, height, width, box_format, apply=None):
    """Boxes moved with an image warped by ``ops.image.affine_transform``'s (batch, 8)
    ``transforms``: the warp reads output point p at input point T p, so box corners move by
    T's inverse; each new box is the bounding box of its moved corners, clipped to the image.
    ``apply`` (batch,) booleans keep the boxes of images that were not warped.

    Args:
        bounding_boxes: a dict with "boxes" (batch, n, 4) in ``box_format`` and "labels".
        transforms: (batch, 8) projective transforms, as ``ops.image.affine_transform`` takes.
        height: the image height in pixels.
        width: the image width in pixels.
        box_format: the format of the boxes, in and out.
        apply: optional (batch,) booleans; None warps the boxes of every image.

    Returns:
        A new dict with the moved boxes; labels of boxes that left the image become -1.

    Example:

    >>> boxes = {"boxes": [[[1.0, 1.0, 3.0, 2.0]]], "labels": [[0]]}
    >>> shift_right = [[1, 0, -2, 0, 1, 0, 0, 0]]
    >>> warp_boxes(boxes, shift_right, 10, 10, "xyxy")["boxes"].tolist()
    [[[3.0, 1.0, 5.0, 2.0]]]
    """
    boxes = convert_format(bounding_boxes, box_format, "xyxy", height, width)
    xyxy = boxes["boxes"].astype(xp.float64)
    t = xp.asarray(transforms, dtype=xp.float64).reshape(-1, 8)
    inverse = xp.linalg.inv(xp.concatenate([t, xp.ones((len(t), 1))], axis=1).reshape(-1, 3, 3))
    x1, y1, x2, y2 = (xyxy[..., i] for i in range(4))
    ones = xp.ones_like(x1)
    corners = [(x1, y1, ones), (x2, y1, ones), (x1, y2, ones), (x2, y2, ones)]
    corners = xp.stack([xp.stack(c, axis=-1) for c in corners], axis=-2)  # (b, n, 4, 3)
    moved = xp.einsum("bij,bnkj->bnki", inverse, corners)
    moved = moved[..., :2] / moved[..., 2:]
    warped = xp.concatenate([moved.min(axis=-2), moved.max(axis=-2)], axis=-1)
    if apply is not None:
        warped = xp.where(xp.asarray(apply).reshape(-1, 1, 1), warped, xyxy)
    boxes = clip_to_image_size({**boxes, "boxes": warped.astype("float32")}, height, width)
    return convert_format(boxes, "xyxy", box_format, height, width)
