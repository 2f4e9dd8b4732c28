"""Pictures of image data and of what a model found in it (Keras's ``keras.visualization``):
bounding boxes and segmentation masks drawn onto images, and galleries of images on matplotlib."""

from glassnet.visualization.draw import (
    convert_boxes_to_xyxy,
    draw_bounding_boxes,
    draw_segmentation_masks,
)
from glassnet.visualization.gallery import (
    plot_bounding_box_gallery,
    plot_image_gallery,
    plot_segmentation_mask_gallery,
)

__all__ = [
    "convert_boxes_to_xyxy",
    "draw_bounding_boxes",
    "draw_segmentation_masks",
    "plot_bounding_box_gallery",
    "plot_image_gallery",
    "plot_segmentation_mask_gallery",
]
