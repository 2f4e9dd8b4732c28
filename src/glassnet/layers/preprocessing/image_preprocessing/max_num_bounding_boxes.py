"""MaxNumBoundingBoxes: pad or cut the boxes of each image to a fixed number."""

from glassnet.backend import xp
from glassnet.layers.preprocessing.image_preprocessing.base import BaseImagePreprocessingLayer


class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Give every image exactly ``max_number`` boxes: extra boxes are dropped, missing ones
    are filled with ``fill_value`` (boxes and labels). Images pass unchanged.

    Args:
        max_number: the number of boxes per image.
        fill_value: the value of padding boxes and labels (-1).

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import MaxNumBoundingBoxes
    >>> data = {"images": np.zeros((1, 4, 4, 3)),
    ...         "bounding_boxes": {"boxes": np.ones((1, 1, 4)), "labels": np.array([[3]])}}
    >>> out = MaxNumBoundingBoxes(3, bounding_box_format="xyxy")(data)
    >>> out["bounding_boxes"]["labels"].tolist()
    [[3, -1, -1]]
    """

    _USE_BASE_FACTOR = False

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def transform_images(self, images, transformation=None, training=True):
        return images

    def transform_segmentation_masks(self, segmentation_masks, transformation=None, training=True):
        return segmentation_masks

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        boxes = xp.asarray(bounding_boxes["boxes"])[:, : self.max_number]
        labels = xp.asarray(bounding_boxes["labels"])[:, : self.max_number]
        missing = self.max_number - boxes.shape[1]
        boxes = xp.pad(boxes, ((0, 0), (0, missing), (0, 0)), constant_values=self.fill_value)
        labels = xp.pad(labels, ((0, 0), (0, missing)), constant_values=self.fill_value)
        return {**bounding_boxes, "boxes": boxes, "labels": labels}

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict) and "bounding_boxes" in input_shape:
            shapes = dict(input_shape["bounding_boxes"])
            extra = set(shapes) - {"boxes", "labels"}
            if extra:
                raise KeyError(
                    f"MaxNumBoundingBoxes '{self.name}': unsupported keys in bounding_boxes: "
                    f"{sorted(extra)}"
                )
            boxes, labels = list(shapes["boxes"]), list(shapes["labels"])
            boxes[1] = labels[1] = self.max_number
            return {
                **input_shape,
                "bounding_boxes": {"boxes": tuple(boxes), "labels": tuple(labels)},
            }
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "max_number": self.max_number,
            "fill_value": self.fill_value,
        }
