"""Augmentation layers: identity in inference, shapes and value ranges in training, the same
seed giving the same output, and one statistical property per layer on a batch of 1,000."""

import numpy as np
import pytest

from glassnet import layers

RNG = np.random.default_rng(0)
SMALL = RNG.uniform(0, 255, (4, 6, 5, 3)).astype("float32")
MANY = RNG.uniform(0, 255, (1000, 4, 4, 3)).astype("float32")

# name -> (constructor, clipped to [0, 255] in training)
AUGMENTERS = {
    "RandomFlip": (lambda seed: layers.RandomFlip(seed=seed), False),
    "RandomRotation": (lambda seed: layers.RandomRotation(0.3, seed=seed), False),
    "RandomZoom": (lambda seed: layers.RandomZoom(0.4, seed=seed), False),
    "RandomTranslation": (lambda seed: layers.RandomTranslation(0.3, 0.3, seed=seed), False),
    "RandomShear": (lambda seed: layers.RandomShear(0.3, 0.3, seed=seed), False),
    "RandomPerspective": (lambda seed: layers.RandomPerspective(scale=0.5, seed=seed), False),
    "RandomElasticTransform": (lambda seed: layers.RandomElasticTransform(seed=seed), True),
    "RandomBrightness": (lambda seed: layers.RandomBrightness(0.3, seed=seed), True),
    "RandomContrast": (lambda seed: layers.RandomContrast(0.5, seed=seed), True),
    "RandomColorDegeneration": (lambda seed: layers.RandomColorDegeneration(0.8, seed=seed), True),
    # Keras clips the scaled saturation to value_range, not [0, 1]: factors above 0.5 can
    # leave the RGB range, so no range check for it
    "RandomSaturation": (lambda seed: layers.RandomSaturation((0.2, 0.7), seed=seed), False),
    "RandomHue": (lambda seed: layers.RandomHue(0.5, seed=seed), True),
    "RandomColorJitter": (
        lambda seed: layers.RandomColorJitter(
            brightness_factor=0.2,
            contrast_factor=0.2,
            saturation_factor=(0.3, 0.6),
            hue_factor=0.2,
            seed=seed,
        ),
        True,
    ),
    "RandomGrayscale": (lambda seed: layers.RandomGrayscale(0.5, seed=seed), True),
    "RandomInvert": (lambda seed: layers.RandomInvert(seed=seed), True),
    "RandomPosterization": (lambda seed: layers.RandomPosterization(4, seed=seed), True),
    "RandomSharpness": (lambda seed: layers.RandomSharpness(0.6, seed=seed), True),
    "RandomErasing": (lambda seed: layers.RandomErasing(seed=seed), True),
    "RandomGaussianBlur": (lambda seed: layers.RandomGaussianBlur(seed=seed), True),
    "Solarization": (lambda seed: layers.Solarization(0.5, 0.5, seed=seed), True),
    "MixUp": (lambda seed: layers.MixUp(seed=seed), True),
    "CutMix": (lambda seed: layers.CutMix(seed=seed), True),
    "AugMix": (lambda seed: layers.AugMix(seed=seed), True),
    "RandAugment": (lambda seed: layers.RandAugment(seed=seed), True),
    "RandomCrop": (lambda seed: layers.RandomCrop(4, 4, seed=seed), True),
    "Equalization": (lambda seed: layers.Equalization(), True),
}


@pytest.mark.parametrize("name", sorted(AUGMENTERS))
def test_identity_in_inference(name):
    make, _ = AUGMENTERS[name]
    out = make(1)(SMALL, training=False)
    np.testing.assert_array_equal(np.asarray(out.numpy(), dtype="float32"), SMALL)


@pytest.mark.parametrize("name", sorted(AUGMENTERS))
def test_training_shapes_ranges_and_seeds(name):
    make, clipped = AUGMENTERS[name]
    first = make(7)(SMALL, training=True).numpy()
    again = make(7)(SMALL, training=True).numpy()
    expected_shape = (4, 4, 4, 3) if name == "RandomCrop" else SMALL.shape
    assert first.shape == expected_shape and first.dtype == np.float32
    np.testing.assert_array_equal(first, again)
    if clipped:
        assert first.min() >= 0.0 and first.max() <= 255.0
    if name != "Equalization":  # deterministic: the seed has nothing to draw
        other = [make(seed)(SMALL, training=True).numpy() for seed in (8, 9, 10)]
        assert any(not np.array_equal(first, o) for o in other), f"{name} ignores its seed"
    single = make(7)(SMALL[0], training=True)
    assert single.shape == expected_shape[1:]


def test_unseeded_layers_repeat_under_set_random_seed():
    from glassnet import utils

    utils.set_random_seed(3)
    first = layers.RandomRotation(0.3)(SMALL, training=True).numpy()
    utils.set_random_seed(3)
    np.testing.assert_array_equal(layers.RandomRotation(0.3)(SMALL, training=True).numpy(), first)


def fraction(mask):
    return float(np.mean(mask))


def changed(out, images=MANY):
    return np.abs(out - images).reshape(len(images), -1).max(axis=1) > 1e-3


def test_random_flip_flips_about_half():
    out = layers.RandomFlip("horizontal", seed=0)(MANY, training=True).numpy()
    flipped = (out == MANY[:, :, ::-1]).all(axis=(1, 2, 3))
    kept = (out == MANY).all(axis=(1, 2, 3))
    assert (flipped | kept).all() and 0.45 < fraction(flipped) < 0.55


def test_random_rotation_quarter_turn_and_angles():
    square = RNG.random((2, 5, 5, 1)).astype("float32")
    quarter = layers.RandomRotation((0.25, 0.25), interpolation="nearest")
    np.testing.assert_allclose(
        quarter(square, training=True).numpy(), np.rot90(square, k=1, axes=(1, 2)), atol=1e-6
    )
    angles = layers.RandomRotation(0.5, seed=0).get_random_transformation(MANY)["angle"]
    assert angles.min() >= -180 and angles.max() <= 180
    assert abs(angles.mean()) < 10 and 95 < angles.std() < 113  # uniform: std = 360 / sqrt(12)


def test_random_zoom_keeps_the_centre_and_draws_in_range():
    zoom = layers.RandomZoom((-0.5, -0.5), interpolation="nearest")
    image = np.arange(25.0, dtype="float32").reshape(1, 5, 5, 1)
    assert zoom(image, training=True).numpy()[0, 2, 2, 0] == 12.0
    draws = layers.RandomZoom(0.4, seed=0).get_random_transformation(MANY)["height_zoom"]
    assert draws.min() >= 0.6 and draws.max() <= 1.4 and abs(draws.mean() - 1.0) < 0.02


def test_random_translation_shifts_by_the_drawn_amount():
    layer = layers.RandomTranslation(
        0.5, 0.5, fill_mode="constant", interpolation="nearest", seed=0
    )
    shifts = layer.get_random_transformation(MANY)["translations"]
    assert np.abs(shifts).max() <= 2.0 and abs(shifts.mean()) < 0.1
    exact = layers.RandomTranslation(
        (0.25, 0.25), (-0.25, -0.25), fill_mode="constant", interpolation="nearest"
    )
    image = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
    expected = np.zeros_like(image)
    expected[0, 1:, :3] = image[0, :3, 1:]
    np.testing.assert_array_equal(exact(image, training=True).numpy(), expected)


def test_random_shear_signs_are_balanced():
    shear = layers.RandomShear(0.4, 0.0, seed=0).get_random_transformation(MANY)["shear_factor"]
    assert 0.45 < fraction(shear[:, 0] < 0) < 0.55 and np.abs(shear).max() <= 0.4


def test_random_perspective_applies_with_its_probability():
    out = layers.RandomPerspective(factor=(0.3, 0.3), scale=0.8, seed=0)(
        MANY, training=True
    ).numpy()
    assert 0.25 < fraction(changed(out)) < 0.35


def test_random_elastic_transform_keeps_constant_images():
    flat = np.full((20, 8, 8, 3), 60.0, "float32")
    out = layers.RandomElasticTransform(seed=0)(flat, training=True).numpy()
    np.testing.assert_allclose(out, 60.0, rtol=1e-5)
    moved = layers.RandomElasticTransform(factor=(1.0, 1.0), seed=0)(SMALL, training=True).numpy()
    assert changed(moved, SMALL).all()


def test_random_brightness_offsets_are_uniform():
    mid = np.full((1000, 2, 2, 3), 128.0, "float32")
    out = layers.RandomBrightness(0.2, seed=0)(mid, training=True).numpy()
    offsets = out[:, 0, 0, 0] - 128.0
    assert np.abs(offsets).max() <= 0.2 * 255 + 1e-4
    assert abs(offsets.mean()) < 2.0 and (out == out[:, :1, :1, :1]).all()


def test_random_contrast_scales_deviations_within_the_factor_range():
    out = layers.RandomContrast((0.5, 0.5), seed=0)(MANY, training=True).numpy()
    centred_in = MANY - MANY.mean(axis=(1, 2), keepdims=True)
    centred_out = out - MANY.mean(axis=(1, 2), keepdims=True)
    unclipped = (out > 0) & (out < 255)
    ratio = centred_out[unclipped] / np.where(centred_in[unclipped] == 0, 1, centred_in[unclipped])
    assert (
        ratio.min() > 0.5 - 1e-3 and ratio.max() < 1.5 + 1e-3 and abs(np.median(ratio) - 1.0) < 0.1
    )


def test_colour_degeneration_and_saturation_reach_grayscale():
    gray = layers.RandomColorDegeneration((1.0, 1.0))(MANY, training=True).numpy()
    np.testing.assert_allclose(gray[..., 0], gray[..., 1], rtol=1e-5)
    desaturated = layers.RandomSaturation((0.0, 0.0))(MANY, training=True).numpy()
    np.testing.assert_allclose(desaturated[..., 0], desaturated[..., 2], rtol=1e-5)
    grayscale = layers.RandomGrayscale(0.3, seed=0)(MANY, training=True).numpy()
    is_gray = (grayscale[..., 0] == grayscale[..., 1]).all(axis=(1, 2))
    assert 0.25 < fraction(is_gray) < 0.35


def test_random_hue_keeps_value_and_saturation():
    from glassnet.ops import image

    unit = MANY[:200] / 255.0
    out = layers.RandomHue(0.4, value_range=(0, 1), seed=0)(unit, training=True).numpy()
    before, after = image.rgb_to_hsv(unit).numpy(), image.rgb_to_hsv(out).numpy()
    np.testing.assert_allclose(after[..., 1:], before[..., 1:], atol=1e-4)
    shift = (after[..., 0] - before[..., 0] + 0.5) % 1.0 - 0.5
    per_image = shift[:, 0, 0]
    assert np.abs(per_image).max() <= 0.2 + 1e-4 and 0.4 < fraction(per_image < 0) < 0.6


def test_random_invert_inverts_with_its_probability():
    out = layers.RandomInvert((0.5, 0.5), seed=0)(MANY, training=True).numpy()
    inverted = np.isclose(out, 255.0 - MANY).all(axis=(1, 2, 3))
    assert 0.45 < fraction(inverted) < 0.55 and (inverted | (out == MANY).all(axis=(1, 2, 3))).all()


def test_random_posterization_keeps_the_top_bits():
    out = layers.RandomPosterization((3, 3))(MANY, training=True).numpy()
    assert (out % 32 == 0).all()  # 3 bits kept: multiples of 2 ** 5
    bits = layers.RandomPosterization(6, seed=0).get_random_transformation(MANY)["shift_factor"]
    assert set(np.unique(8 - bits)) == {1, 2, 3, 4, 5}


def test_random_sharpness_of_zero_is_smoothing():
    flat_centre = np.zeros((1, 5, 5, 1), "float32")
    flat_centre[0, 2, 2, 0] = 130.0
    blurred = layers.RandomSharpness((0.0, 0.0))(flat_centre, training=True).numpy()
    assert blurred[0, 2, 2, 0] == pytest.approx(50.0, rel=1e-5)  # 130 * 5 / 13
    sharpened = layers.RandomSharpness((1.0, 1.0))(flat_centre, training=True).numpy()
    assert sharpened[0, 2, 2, 0] == pytest.approx(
        210.0, rel=1e-5
    )  # 2 x - smooth(x), clipped to 255


def test_random_erasing_erases_about_half_with_rectangles():
    out = layers.RandomErasing(fill_value=0.0, seed=0)(MANY + 1.0, training=True).numpy()
    erased = (out == 0).any(axis=(1, 2, 3))
    assert 0.4 < fraction(erased) < 0.6


def test_random_gaussian_blur_lowers_local_variation():
    layer = layers.RandomGaussianBlur(factor=(1.0, 1.0), sigma=(1.0, 1.0), seed=0)
    out = layer(MANY[:100], training=True).numpy()
    assert np.abs(np.diff(out, axis=1)).mean() < 0.8 * np.abs(np.diff(MANY[:100], axis=1)).mean()


def test_solarization_inverts_above_the_threshold():
    inverting = layers.Solarization(threshold_factor=0.0)  # threshold 0: every pixel inverts
    np.testing.assert_allclose(inverting(MANY, training=True).numpy(), 255.0 - MANY, rtol=1e-6)
    layer = layers.Solarization(threshold_factor=(0.5, 0.5), seed=0)
    thresholds = layer.get_random_transformation(MANY)["thresholds"]
    # as Keras draws it: from the lower factor itself up to the upper factor times 255
    assert thresholds.min() >= 0.5 and thresholds.max() <= 127.5
    transformation = {
        "additions": np.zeros((1, 1, 1, 1)),
        "thresholds": np.full((1, 1, 1, 1), 100.0),
    }
    out = layer.transform_images(MANY[:1], transformation).numpy()
    np.testing.assert_allclose(out, np.where(MANY[:1] < 100, MANY[:1], 255.0 - MANY[:1]), rtol=1e-6)


def test_mix_up_weights_and_labels():
    labels = np.eye(10, dtype="float32")[RNG.integers(0, 10, 1000)]
    out = layers.MixUp(alpha=0.5, seed=0)({"images": MANY, "labels": labels}, training=True)
    mixed = out["labels"].numpy()
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, rtol=1e-5)
    top = mixed.max(axis=1)
    assert 0.5 <= top.min() and 0.7 < top.mean() < 0.9  # Beta(0.5, 0.5): mostly one image


def test_cut_mix_labels_follow_the_pasted_area():
    size = 32
    halves = np.concatenate([np.zeros((500, size, size, 1)), np.ones((500, size, size, 1))])
    labels = np.repeat(np.eye(2, dtype="float32"), 500, axis=0)
    out = layers.CutMix(seed=0)(
        {"images": halves.astype("float32"), "labels": labels}, training=True
    )
    images, mixed = out["images"].numpy(), out["labels"].numpy()
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, rtol=1e-5)
    # the share of class 1 in the label is the share of the rectangle's exact area taken from
    # a class-1 image; the pixels pasted differ from that area by at most the pixels its
    # border cuts: (height + width + 1) / (height * width)
    ones_share = images.reshape(1000, -1).mean(axis=1)
    bound = (2 * size + 1) / size**2
    np.testing.assert_allclose(ones_share, mixed[:, 1], atol=bound)
    assert ((ones_share > 0.01) & (ones_share < 0.99)).mean() > 0.3  # real mixing happened


def test_policies_change_images_and_stay_in_range():
    for layer in (layers.AugMix(seed=0), layers.RandAugment(num_ops=3, seed=0)):
        out = layer(SMALL, training=True).numpy()
        assert changed(out, SMALL).any() and out.min() >= 0 and out.max() <= 255


def test_random_crop_visits_every_offset():
    layer = layers.RandomCrop(2, 2, seed=0)
    offsets = {layer.get_random_transformation(SMALL) for _ in range(300)}
    assert offsets == {(top, left) for top in range(5) for left in range(4)}


@pytest.mark.parametrize("name", sorted(AUGMENTERS))
def test_configs_round_trip(name):
    layer = AUGMENTERS[name][0](5)
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == {**layer.get_config(), "name": clone.name}
