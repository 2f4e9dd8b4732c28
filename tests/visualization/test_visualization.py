"""keras.visualization's functions: boxes and masks drawn pixel-exactly, galleries laid out
with the right titles, and saved as PNG."""

import numpy as np
import pytest

from glassnet.visualization import (
    convert_boxes_to_xyxy,
    draw_bounding_boxes,
    draw_segmentation_masks,
    plot_bounding_box_gallery,
    plot_image_gallery,
    plot_segmentation_mask_gallery,
)
from glassnet.visualization.draw import color_palette


@pytest.mark.parametrize(
    "box, bounding_box_format",
    [
        ([2, 1, 6, 5], "xyxy"),
        ([1, 2, 5, 6], "yxyx"),
        ([2, 1, 4, 4], "xywh"),
        ([4, 3, 4, 4], "center_xywh"),
        ([3, 4, 4, 4], "center_yxhw"),
        ([0.2, 0.1, 0.6, 0.5], "rel_xyxy"),
        ([0.1, 0.2, 0.5, 0.6], "rel_yxyx"),
        ([0.2, 0.1, 0.4, 0.4], "rel_xywh"),
        ([0.4, 0.3, 0.4, 0.4], "rel_center_xywh"),
    ],
)
def test_every_box_format_names_the_same_corners(box, bounding_box_format):
    corners = convert_boxes_to_xyxy(np.array(box, float), bounding_box_format, 10, 10)
    np.testing.assert_allclose(corners, [2, 1, 6, 5])


def test_unknown_box_format_is_refused():
    with pytest.raises(ValueError, match="bounding_box_format"):
        convert_boxes_to_xyxy(np.zeros(4), "corners", 1, 1)


def test_boxes_are_outlined_in_their_colour_and_padding_is_skipped():
    images = np.zeros((2, 10, 10, 3), dtype="float32")  # floats in [0, 1]
    boxes = {
        "boxes": np.array([[[2, 1, 6, 5], [0, 0, 9, 9]], [[0, 0, 3, 3], [0, 0, 0, 0]]]),
        "labels": np.array([[0, -1], [1, -1]]),
    }
    drawn = draw_bounding_boxes(images, boxes, "xyxy", color=(255, 0, 0), line_thickness=1)
    assert drawn.dtype == np.uint8 and drawn.shape == (2, 10, 10, 3)
    outline = np.zeros((10, 10), bool)
    outline[1, 2:7] = outline[5, 2:7] = outline[1:6, 2] = outline[1:6, 6] = True
    np.testing.assert_array_equal(drawn[0, :, :, 0] == 255, outline)  # the -1 box is not drawn
    assert not drawn[0, :, :, 1:].any()
    assert drawn[1, 0, 0:4, 0].tolist() == [255] * 4 and drawn[1, 5, 5, 0] == 0


def test_class_names_are_written_above_the_box():
    images = np.zeros((1, 40, 60, 3), dtype="uint8")
    boxes = {"boxes": np.array([[[5, 20, 55, 35]]]), "labels": np.array([[3]])}
    plain = draw_bounding_boxes(images, boxes, "xyxy", color=(0, 255, 0), line_thickness=1)
    named = draw_bounding_boxes(
        images, boxes, "xyxy", class_mapping={3: "cat"}, color=(0, 255, 0), line_thickness=1
    )
    text_rows = named[0, 9:20, :, 1] != plain[0, 9:20, :, 1]
    assert text_rows.sum() > 10  # the text's pixels, above the top edge at y=20
    assert not (named[0, 21:35, 6:55] != plain[0, 21:35, 6:55]).any()  # nothing inside


def test_bad_box_arguments():
    with pytest.raises(ValueError, match="4-D batch"):
        draw_bounding_boxes(np.zeros((4, 4, 3)), {"boxes": [], "labels": []}, "xyxy")
    with pytest.raises(ValueError, match="'boxes' and 'labels'"):
        draw_bounding_boxes(np.zeros((1, 4, 4, 3)), {"boxes": []}, "xyxy")


def test_segmentation_masks_blend_and_paint():
    images = np.full((1, 2, 2, 3), 100.0, dtype="float32")
    masks = np.array([[[[0], [1]], [[2], [-1]]]])
    colours = {0: (0, 0, 0), 1: (200, 0, 0), 2: (0, 200, 0)}
    blended = draw_segmentation_masks(images, masks, num_classes=3, color_mapping=colours)
    assert blended.dtype == np.uint8
    np.testing.assert_array_equal(
        blended[0], [[[20, 20, 20], [180, 20, 20]], [[20, 180, 20], [100, 100, 100]]]
    )
    painted = draw_segmentation_masks(
        images, masks, num_classes=3, color_mapping=colours, blend=False
    )
    np.testing.assert_array_equal(painted[0, 0, 1], [200, 0, 0])
    default = draw_segmentation_masks(images, masks)  # 3 classes from the largest id
    np.testing.assert_array_equal(
        default[0, 0, 1], np.floor(0.2 * 100 + 0.8 * np.array(color_palette(3)[1]))
    )
    with pytest.raises(TypeError, match="integers"):
        draw_segmentation_masks(images, masks.astype("float32"))


def test_channels_first_images():
    images = np.zeros((1, 3, 4, 4), dtype="uint8")
    boxes = {"boxes": np.array([[[0, 0, 3, 3]]]), "labels": np.array([[0]])}
    drawn = draw_bounding_boxes(
        images, boxes, "xyxy", color=(9, 9, 9), data_format="channels_first"
    )
    assert drawn.shape == (1, 4, 4, 3) and drawn[0, 0, 0, 0] == 9


def test_image_gallery_layout_titles_and_png(tmp_path):
    images = np.random.default_rng(0).uniform(0, 1, size=(5, 6, 6, 3))
    figure = plot_image_gallery(
        images,
        y_true=np.array([0, 1, 0, 1, 0]),
        y_pred=np.array([0, 0, 0, 1, 1]),
        label_map={0: "cat", 1: "dog"},
        value_range=(0, 1),
        path=tmp_path / "gallery.png",
    )
    assert len(figure.axes) == 6  # a 3 x 2 grid for 5 images, the last cell empty
    assert figure.axes[1].get_title() == "Label: dog  Pred: cat"
    assert not figure.axes[5].images
    shown = figure.axes[0].images[0].get_array()
    np.testing.assert_array_equal(shown, (images[0] * 255).astype("uint8"))
    assert (tmp_path / "gallery.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="label_map"):
        plot_image_gallery(images, y_true=np.zeros(5))


def test_box_and_mask_galleries():
    images = np.zeros((2, 16, 16, 3), dtype="float32")
    truth = {"boxes": np.array([[[1, 1, 8, 8]]] * 2), "labels": np.array([[0]] * 2)}
    figure = plot_bounding_box_gallery(
        images, "xyxy", y_true=truth, y_pred=truth, legend=True, rows=1, cols=2
    )
    assert len(figure.axes) == 2 and len(figure.legends) == 1
    shown = figure.axes[0].images[0].get_array()
    assert tuple(shown[1, 4]) == (255, 235, 59)  # predictions drawn over the truth
    masks = np.zeros((2, 16, 16, 1), dtype="int32")
    masks[:, :8] = 1
    figure = plot_segmentation_mask_gallery(images, num_classes=2, y_true=masks, y_pred=masks)
    assert len(figure.axes) == 6  # image, truth, prediction for each of the 2 images
    drawn_truth = figure.axes[1].images[0].get_array()
    np.testing.assert_array_equal(drawn_truth[0, 0], np.floor(0.8 * np.array(color_palette(2)[1])))
