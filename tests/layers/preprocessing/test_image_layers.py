"""The image layers against Keras 3.15: deterministic layers on fixed inputs, and every random
layer's ``transform_images`` on a transformation Keras drew (so only the randomness differs)."""

import numpy as np
import pytest

from glassnet import layers
from tests.layers.preprocessing.keras_fixtures import assert_matches, load

KERAS, _ = load("image_layers")
IMAGES, UINT8 = KERAS["images"], KERAS["uint8"]
PIXELS = dict(rtol=1e-5, atol=1e-4)  # values in [0, 255]


def test_resizing_matches_keras():
    assert_matches(layers.Resizing(4, 9)(IMAGES), KERAS["resizing/bilinear"], **PIXELS)
    crop = layers.Resizing(4, 4, crop_to_aspect_ratio=True)
    assert_matches(crop(IMAGES), KERAS["resizing/crop"], **PIXELS)
    pad = layers.Resizing(5, 3, pad_to_aspect_ratio=True, fill_value=7.0)
    assert_matches(pad(IMAGES), KERAS["resizing/pad"], **PIXELS)
    assert_matches(layers.Resizing(3, 8, interpolation="bicubic")(UINT8), KERAS["resizing/uint8"])
    first = layers.Resizing(8, 3, data_format="channels_first", interpolation="area")
    assert_matches(
        first(np.transpose(IMAGES, (0, 3, 1, 2))), KERAS["resizing/channels_first"], **PIXELS
    )
    assert first.compute_output_shape((None, 3, 6, 7)) == (None, 3, 8, 3)


def test_center_crop_matches_keras():
    assert_matches(layers.CenterCrop(3, 4)(IMAGES), KERAS["center_crop/smaller"], **PIXELS)
    assert_matches(layers.CenterCrop(8, 5)(IMAGES), KERAS["center_crop/larger"], **PIXELS)
    assert_matches(layers.CenterCrop(4, 4)(UINT8), KERAS["center_crop/uint8"], **PIXELS)


def test_deterministic_pixel_layers_match_keras():
    assert_matches(layers.AutoContrast()(IMAGES), KERAS["auto_contrast"], **PIXELS)
    flat = layers.AutoContrast(value_range=(0, 255))(KERAS["auto_contrast/flat_input"])
    assert_matches(flat, KERAS["auto_contrast/flat"], **PIXELS)
    unit = layers.AutoContrast(value_range=(0, 1))(IMAGES / 255.0)
    assert_matches(unit, KERAS["auto_contrast/unit"])
    assert_matches(layers.Equalization()(IMAGES, training=True), KERAS["equalization"], **PIXELS)
    binned = layers.Equalization(value_range=(0, 1), bins=16)(IMAGES / 255.0, training=True)
    assert_matches(binned, KERAS["equalization/bins"])
    big = KERAS["clahe/images"]
    clahe = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(3, 4))
    assert_matches(clahe(big), KERAS["clahe"], **PIXELS)
    unclipped = layers.ContrastLimitedAdaptiveHistogramEqualization(
        value_range=(0, 1), clip_limit=0.0, tile_grid_size=(2, 2)
    )
    assert_matches(unclipped(big / 255.0), KERAS["clahe/no_clip"])


def test_pipeline_matches_keras_and_round_trips():
    pipeline = layers.Pipeline([layers.Rescaling(1 / 255.0), layers.CenterCrop(4, 4)])
    assert_matches(pipeline(IMAGES), KERAS["pipeline"])
    clone = layers.Pipeline.from_config(pipeline.get_config())
    assert [type(layer).__name__ for layer in clone.layers] == ["Rescaling", "CenterCrop"]
    np.testing.assert_allclose(clone(IMAGES).numpy(), KERAS["pipeline"], rtol=1e-6)
    assert pipeline.compute_output_shape((None, 6, 7, 3)) == (None, 4, 4, 3)


RANDOM_LAYERS = {
    "random_flip": lambda: layers.RandomFlip(),
    "random_flip_h": lambda: layers.RandomFlip("horizontal"),
    "random_rotation": lambda: layers.RandomRotation(0.2, fill_mode="constant", fill_value=9.0),
    "random_rotation_nearest": lambda: layers.RandomRotation((-0.4, 0.1), interpolation="nearest"),
    "random_zoom": lambda: layers.RandomZoom(0.3, 0.2, fill_mode="wrap"),
    "random_zoom_in": lambda: layers.RandomZoom((-0.5, -0.2), fill_mode="nearest"),
    "random_translation": lambda: layers.RandomTranslation(0.3, 0.2),
    "random_shear": lambda: layers.RandomShear(0.4, 0.3, fill_mode="constant"),
    "random_perspective": lambda: layers.RandomPerspective(factor=(0.5, 1.0), scale=0.6),
    "random_brightness": lambda: layers.RandomBrightness(0.4),
    "random_contrast": lambda: layers.RandomContrast(0.5),
    "random_color_degeneration": lambda: layers.RandomColorDegeneration(0.7),
    "random_saturation": lambda: layers.RandomSaturation((0.2, 0.8)),
    "random_hue": lambda: layers.RandomHue(0.6),
    "random_grayscale": lambda: layers.RandomGrayscale(0.5),
    "random_invert": lambda: layers.RandomInvert(0.8),
    "random_posterization": lambda: layers.RandomPosterization((2, 6)),
    "random_sharpness": lambda: layers.RandomSharpness(0.8),
    "random_erasing": lambda: layers.RandomErasing(fill_value=3.0),
    "random_gaussian_blur": lambda: layers.RandomGaussianBlur(kernel_size=(3, 5), sigma=(0.5, 2.0)),
    "solarization": lambda: layers.Solarization(0.3, 0.8),
    "cut_mix": lambda: layers.CutMix(),
    "mix_up": lambda: layers.MixUp(0.4),
    "random_crop": lambda: layers.RandomCrop(4, 5),
}


def keras_transformation(name):
    prefix = f"{name}/transformation"
    if prefix in KERAS.files:
        value = KERAS[prefix]
        return tuple(int(v) for v in value) if name == "random_crop" else value
    return {
        key[len(prefix) + 1 :]: KERAS[key] for key in KERAS.files if key.startswith(prefix + "/")
    }


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_random_layer_applies_a_keras_transformation_as_keras_does(name):
    layer = RANDOM_LAYERS[name]()
    transformation = keras_transformation(name)
    out = layer.transform_images(IMAGES, transformation, training=True)
    assert_matches(out, KERAS[f"{name}/output"], **PIXELS)
    if name in ("cut_mix", "mix_up"):
        labels = layer.transform_labels(KERAS["labels"], transformation, training=True)
        assert_matches(labels, KERAS[f"{name}/labels"])


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_glassnet_transformations_have_keras_keys_and_shapes(name):
    layer = RANDOM_LAYERS[name]()
    data = IMAGES if name == "random_grayscale" else {"images": IMAGES, "labels": KERAS["labels"]}
    ours = layer.get_random_transformation(data, training=True, seed=0)
    theirs = keras_transformation(name)
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs)
        for key, value in theirs.items():
            assert np.shape(ours[key]) == value.shape, key
    else:
        assert np.shape(ours) == np.shape(theirs)


def test_bounding_boxes_follow_flips_resizes_and_crops():
    images = np.zeros((1, 10, 20, 3), "float32")
    boxes = {"boxes": np.array([[[2.0, 1.0, 6.0, 5.0]]], "float32"), "labels": np.array([[4]])}
    flip = layers.RandomFlip("horizontal", bounding_box_format="xyxy")
    flipped = flip.transform_bounding_boxes(
        dict(boxes), {"flips": np.ones((1, 1, 1, 1), bool), "input_shape": images.shape}
    )
    np.testing.assert_allclose(flipped["boxes"], [[[14.0, 1.0, 18.0, 5.0]]])
    resized = layers.Resizing(5, 10, bounding_box_format="xyxy")(
        {"images": images, "bounding_boxes": dict(boxes)}
    )
    np.testing.assert_allclose(resized["bounding_boxes"]["boxes"], [[[1.0, 0.5, 3.0, 2.5]]])
    assert resized["images"].shape == (1, 5, 10, 3)
    cropped = layers.CenterCrop(6, 8, bounding_box_format="xyxy")(
        {"images": images, "bounding_boxes": dict(boxes)}
    )
    np.testing.assert_allclose(cropped["bounding_boxes"]["boxes"], [[[0.0, 0.0, 0.0, 3.0]]])
    np.testing.assert_array_equal(cropped["bounding_boxes"]["labels"], [[-1]])
    relative = layers.RandomTranslation((0.5, 0.5), (0.0, 0.0), bounding_box_format="rel_xyxy")(
        {"images": images, "bounding_boxes": {"boxes": [[[0.1, 0.1, 0.3, 0.3]]], "labels": [[1]]}},
        training=True,
    )
    np.testing.assert_allclose(
        relative["bounding_boxes"]["boxes"], [[[0.1, 0.6, 0.3, 0.8]]], atol=1e-6
    )


def test_max_num_bounding_boxes_pads_and_cuts():
    data = {
        "images": np.zeros((2, 4, 4, 3)),
        "bounding_boxes": {"boxes": np.ones((2, 3, 4)), "labels": np.array([[1, 2, 3], [4, 5, 6]])},
    }
    two = layers.MaxNumBoundingBoxes(2, bounding_box_format="xyxy")(data)
    assert two["bounding_boxes"]["boxes"].shape == (2, 2, 4)
    np.testing.assert_array_equal(two["bounding_boxes"]["labels"], [[1, 2], [4, 5]])
    five = layers.MaxNumBoundingBoxes(5, bounding_box_format="xyxy")(data)
    np.testing.assert_array_equal(five["bounding_boxes"]["labels"][0], [1, 2, 3, -1, -1])
    assert (five["bounding_boxes"]["boxes"][:, 3:] == -1).all()


def test_dict_inputs_without_a_box_format_are_refused():
    layer = layers.RandomFlip(name="flip")
    data = {
        "images": IMAGES,
        "bounding_boxes": {"boxes": np.ones((3, 1, 4)), "labels": np.ones((3, 1))},
    }
    with pytest.raises(ValueError, match="RandomFlip 'flip': the input has 'bounding_boxes'"):
        layer(data, training=True)


def test_bounding_boxes_follow_rotation_shear_and_perspective():
    images = np.zeros((1, 11, 11, 1), "float32")
    box = {"boxes": np.array([[[6.0, 4.0, 9.0, 6.0]]], "float32"), "labels": np.array([[2]])}
    quarter = layers.RandomRotation((0.25, 0.25), bounding_box_format="xyxy")
    rotated = quarter({"images": images, "bounding_boxes": dict(box)}, training=True)
    # a quarter turn about the centre (5, 5) maps (x, y) to (y, 10 - x)
    np.testing.assert_allclose(
        rotated["bounding_boxes"]["boxes"], [[[4.0, 1.0, 6.0, 4.0]]], atol=1e-4
    )
    shear = layers.RandomShear(bounding_box_format="xyxy")
    sheared = shear.transform_bounding_boxes(
        {"boxes": box["boxes"], "labels": box["labels"]},
        {"shear_factor": np.array([[0.5, 0.0]]), "input_shape": images.shape},
    )
    # output x reads input x + 0.5 y: corners move left by half their y
    np.testing.assert_allclose(sheared["boxes"], [[[3.0, 4.0, 7.0, 6.0]]], atol=1e-5)
    perspective = layers.RandomPerspective(bounding_box_format="xyxy")
    corners = np.array([[[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]]], "float32")
    moved = perspective.transform_bounding_boxes(
        {"boxes": box["boxes"], "labels": box["labels"]},
        {
            "apply_perspective": np.array([True]),
            "start_points": corners,
            "end_points": corners * 0.5,
            "input_shape": images.shape,
        },
    )
    np.testing.assert_allclose(moved["boxes"], box["boxes"] * 0.5, atol=1e-4)
    with pytest.raises(NotImplementedError, match="does not transform bounding boxes"):
        layers.RandomElasticTransform(bounding_box_format="xyxy")(
            {"images": images, "bounding_boxes": dict(box)}, training=True
        )
