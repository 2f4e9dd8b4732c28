"""glassnet.ops.image against Keras 3.15's outputs (TensorFlow backend), written by
tests/fixtures/make_keras_preprocessing_fixtures.py, and float64 gradient checks of the
differentiable ops."""

import os

import numpy as np
import pytest

from glassnet import Tensor, gradcheck
from glassnet.ops import image

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_preprocessing")
KERAS = np.load(os.path.join(FIXTURES, "ops_image.npz"))
TOL = dict(rtol=1e-5, atol=1e-5)


def close(ours, theirs, **tolerance):
    ours = ours.numpy() if isinstance(ours, Tensor) else np.asarray(ours)
    assert ours.shape == theirs.shape, f"shape {ours.shape}, Keras {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"dtype {ours.dtype}, Keras {theirs.dtype}"
    np.testing.assert_allclose(ours, theirs, **(tolerance or TOL))


RESIZE_CASES = [
    (interpolation, antialias, size)
    for interpolation in ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5")
    for antialias in (False, True)
    for size in ((9, 11), (3, 4), (5, 3))
]


@pytest.mark.parametrize("interpolation, antialias, size", RESIZE_CASES)
def test_resize_matches_keras(interpolation, antialias, size):
    out = image.resize(KERAS["images"], size, interpolation=interpolation, antialias=antialias)
    close(out, KERAS[f"resize/{interpolation}/{int(antialias)}/{size[0]}x{size[1]}"])


def test_resize_aspect_ratio_options_and_layouts_match_keras():
    images = KERAS["images"]
    close(
        image.resize(images, (4, 4), crop_to_aspect_ratio=True),
        KERAS["resize/crop_to_aspect_ratio"],
    )
    close(
        image.resize(images, (6, 3), pad_to_aspect_ratio=True, fill_value=0.25),
        KERAS["resize/pad_to_aspect_ratio"],
    )
    close(
        image.resize(images, (2, 9), pad_to_aspect_ratio=True, fill_value=0.5),
        KERAS["resize/pad_to_aspect_ratio_wide"],
    )
    first = np.transpose(images, (0, 3, 1, 2))
    close(
        image.resize(first, (8, 4), interpolation="bicubic", data_format="channels_first"),
        KERAS["resize/channels_first"],
    )
    out = image.resize(KERAS["resize/uint8_images"], (7, 4))
    np.testing.assert_array_equal(out.numpy(), KERAS["resize/uint8"])


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "reflect"])
def test_affine_transform_matches_keras(interpolation, fill_mode):
    out = image.affine_transform(
        KERAS["warp/images"], KERAS["warp/transforms"], interpolation, fill_mode, fill_value=0.5
    )
    close(out, KERAS[f"affine/{interpolation}/{fill_mode}"])


def test_affine_transform_channels_first_matches_keras():
    images = np.transpose(KERAS["warp/images"], (0, 3, 1, 2))
    out = image.affine_transform(images, KERAS["warp/transforms"], data_format="channels_first")
    close(out, KERAS["affine/channels_first"])


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_perspective_transform_matches_keras(interpolation):
    out = image.perspective_transform(
        KERAS["warp/images"],
        KERAS["perspective/start"],
        KERAS["perspective/end"],
        interpolation=interpolation,
        fill_value=0.25,
    )
    close(out, KERAS[f"perspective/{interpolation}"], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "reflect"])
def test_map_coordinates_matches_keras(order, fill_mode):
    coordinates = KERAS["map/coordinates"]
    out = image.map_coordinates(KERAS["map/inputs"], coordinates, order, fill_mode, fill_value=0.5)
    expected = KERAS[f"map/{order}/{fill_mode}"]
    if fill_mode == "reflect":
        # Keras's TensorFlow backend reflects negative indices like "mirror" (-1 reads b, not a);
        # glassnet follows the documented (d c b a | a b c d | d c b a), as Keras's NumPy and
        # JAX backends do, so only points read from non-negative indices are compared here
        readable = (np.floor(coordinates) >= 0).all(axis=0)
        out, expected = out.numpy()[readable], expected[readable]
    close(out, expected)


def test_map_coordinates_reflect_before_the_first_index():
    out = image.map_coordinates(
        np.array([0.0, 1.0, 2.0, 3.0]), np.array([[-1.0, -3.0, 4.0]]), 0, "reflect"
    )
    np.testing.assert_array_equal(out.numpy(), [0.0, 2.0, 3.0])


@pytest.mark.parametrize("order", [0, 1])
def test_map_coordinates_mirror_matches_keras(order):
    out = image.map_coordinates(
        KERAS["map/inputs"], KERAS["map/mirror_coordinates"], order, "mirror"
    )
    close(out, KERAS[f"map/{order}/mirror"])


def test_map_coordinates_mirror_beyond_the_far_edge():
    # (c d c b | a b c d | c b a b): index 4 reads c, 5 reads b
    out = image.map_coordinates(
        np.array([0.0, 1.0, 2.0, 3.0]), np.array([[4.0, 5.0, -2.0]]), 0, "mirror"
    )
    np.testing.assert_array_equal(out.numpy(), [2.0, 1.0, 2.0])


def test_colour_conversions_match_keras():
    images = KERAS["images"]
    close(image.rgb_to_grayscale(images), KERAS["grayscale"])
    close(image.rgb_to_hsv(images), KERAS["hsv"])
    close(image.hsv_to_rgb(KERAS["hsv_input"]), KERAS["rgb"])
    round_trip = image.hsv_to_rgb(image.rgb_to_hsv(images))
    np.testing.assert_allclose(round_trip.numpy(), images, atol=1e-6)


def test_filters_match_keras():
    images = KERAS["images"]
    close(image.gaussian_blur(images, (3, 5), (1.0, 2.0)), KERAS["blur"])
    close(image.gaussian_blur(images, (5, 5), (1.5, 1.5)), KERAS["blur_square"])
    close(image.sobel_edges(images), KERAS["sobel"])
    close(image.ssim(KERAS["ssim/images"], KERAS["ssim/other"], filter_size=7), KERAS["ssim"])
    close(
        image.ssim(images, KERAS["ssim/small_other"], filter_size=3), KERAS["ssim_identical_small"]
    )


def test_scale_and_translate_matches_keras():
    images = KERAS["images"]
    out = image.scale_and_translate(
        images, (2, 8, 5, 3), [1.6, 0.7], [0.5, -0.25], [1, 2], "bilinear", antialias=True
    )
    close(out, KERAS["scale_and_translate"])
    out = image.scale_and_translate(
        images, (2, 4, 9, 3), [0.8, 1.3], [0.0, 1.0], [1, 2], "cubic", antialias=False
    )
    close(out, KERAS["scale_and_translate_cubic"])


def test_patches_crops_and_pads_match_keras():
    images, volumes = KERAS["images"], KERAS["patches3d/volumes"]
    close(image.extract_patches(images, (2, 3)), KERAS["patches"])
    close(image.extract_patches(images, 3, 2, padding="same"), KERAS["patches_same"])
    close(
        image.extract_patches(images, (2, 2), strides=1, dilation_rate=2), KERAS["patches_dilated"]
    )
    close(image.extract_patches_3d(volumes, (2, 2, 3)), KERAS["patches3d"])
    close(image.extract_patches_3d(volumes, 3, strides=2, padding="same"), KERAS["patches3d_same"])
    close(image.crop_images(images, 1, 2, target_height=3, target_width=4), KERAS["crop"])
    close(image.pad_images(images, 1, 2, bottom_padding=2, target_width=10), KERAS["pad"])


def test_elastic_transform_is_seeded_and_keeps_shape():
    x = np.random.default_rng(0).random((2, 12, 10, 3)).astype("float32")
    first = image.elastic_transform(x, alpha=3.0, sigma=2.0, seed=7)
    again = image.elastic_transform(x, alpha=3.0, sigma=2.0, seed=7)
    other = image.elastic_transform(x, alpha=3.0, sigma=2.0, seed=8)
    assert first.shape == x.shape and first.dtype == np.float32
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    assert not np.allclose(first.numpy(), other.numpy())
    # each channel moves by the same field: a constant image stays constant (reflect fill)
    flat = image.elastic_transform(np.full((1, 8, 8, 2), 0.3, "float32"), alpha=4.0, seed=1)
    np.testing.assert_allclose(flat.numpy(), 0.3, rtol=1e-6)


def test_bad_arguments_name_the_function():
    with pytest.raises(ValueError, match="ops.image.resize: interpolation"):
        image.resize(np.zeros((1, 4, 4, 1)), (2, 2), interpolation="cubic")
    with pytest.raises(ValueError, match="ops.image.affine_transform: expected images of rank"):
        image.affine_transform(np.zeros((4, 4)), np.zeros(8))
    with pytest.raises(ValueError, match="ops.image.rgb_to_hsv: expected float"):
        image.rgb_to_hsv(np.zeros((1, 2, 2, 3), dtype="uint8"))
    with pytest.raises(ValueError, match="ops.image.crop_images: give exactly two"):
        image.crop_images(np.zeros((4, 4, 1)), 1, 1, bottom_cropping=1, target_height=2)


# -- gradients (float64 central differences) -------------------------------------------------------
RNG = np.random.default_rng(3)
SMALL = RNG.random((2, 4, 5, 3))
TRANSFORM = np.array([0.9, 0.15, 0.4, -0.1, 1.1, 0.3, 0.0, 0.0])

GRADIENT_CASES = {
    "resize_bilinear_up": lambda x: image.resize(x, (7, 6)),
    "resize_bicubic_down_antialias": lambda x: image.resize(x, (3, 2), "bicubic", antialias=True),
    "resize_area": lambda x: image.resize(x, (2, 3), "area"),
    "resize_lanczos3": lambda x: image.resize(x, (5, 7), "lanczos3"),
    "resize_nearest": lambda x: image.resize(x, (6, 3), "nearest"),
    "resize_pad_to_aspect": lambda x: image.resize(x, (4, 8), pad_to_aspect_ratio=True),
    "crop_images": lambda x: image.crop_images(x, 1, 1, target_height=2, target_width=3),
    "pad_images": lambda x: image.pad_images(x, 1, 2, target_height=6, target_width=8),
    "rgb_to_grayscale": lambda x: image.rgb_to_grayscale(x),
    "rgb_to_hsv": lambda x: image.rgb_to_hsv(x),
    "hsv_to_rgb": lambda x: image.hsv_to_rgb(x),
    "affine_bilinear": lambda x: image.affine_transform(x, TRANSFORM, fill_mode="constant"),
    "affine_reflect": lambda x: image.affine_transform(x, TRANSFORM, fill_mode="reflect"),
    "perspective": lambda x: image.perspective_transform(
        x, [[0.1, 0.2], [4.0, 0.1], [0.3, 3.1], [3.8, 2.9]], [[0, 0], [4, 0], [0, 3], [4, 3]]
    ),
    "gaussian_blur": lambda x: image.gaussian_blur(x, (3, 3), (0.8, 1.2)),
    "sobel_edges": lambda x: image.sobel_edges(x),
    "extract_patches": lambda x: image.extract_patches(x, 2, 1, padding="same"),
    "scale_and_translate": lambda x: image.scale_and_translate(
        x, (2, 6, 3, 3), [1.5, 0.6], [0.2, 0.1], [1, 2], "linear"
    ),
    "elastic_transform": lambda x: image.elastic_transform(x, alpha=1.5, sigma=1.0, seed=0),
    "map_coordinates": lambda x: image.map_coordinates(
        x[0, :, :, 0], np.array([[0.3, 2.6, -0.4], [1.2, 3.7, 4.5]]), 1, "nearest"
    ),
}


@pytest.mark.parametrize("name", sorted(GRADIENT_CASES))
def test_gradients(name):
    result = gradcheck(GRADIENT_CASES[name], SMALL.copy())
    assert result, f"{name}: {result}"


def test_ssim_gradient():
    other = RNG.random((2, 5, 5, 1))
    result = gradcheck(lambda a: image.ssim(a, other, filter_size=3), RNG.random((2, 5, 5, 1)))
    assert result, str(result)


def test_float32_stays_float32_and_ints_keep_their_dtype():
    x32 = SMALL.astype("float32")
    for fn in GRADIENT_CASES.values():
        assert fn(x32).dtype == np.float32
    ints = (SMALL * 255).astype("uint8")
    assert image.resize(ints, (3, 3)).dtype == np.uint8
    assert image.affine_transform(ints, TRANSFORM).dtype == np.uint8
    assert image.rgb_to_grayscale(ints).dtype == np.uint8


def test_affine_transform_refuses_an_unknown_fill_mode():
    with pytest.raises(ValueError, match="fill_mode"):
        image.affine_transform(np.zeros((1, 4, 4, 1)), np.zeros(8), fill_mode="wrap-around")
