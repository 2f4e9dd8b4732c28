"""The names keras.applications and each keras.applications.<family> module export (Keras 3.15),
and the helpers every family shares."""

import numpy as np
import pytest

import glassnet.applications as applications
from glassnet import Input
from glassnet.applications import imagenet_utils

KERAS_MODULES = {
    "convnext": [
        "ConvNeXtBase",
        "ConvNeXtLarge",
        "ConvNeXtSmall",
        "ConvNeXtTiny",
        "ConvNeXtXLarge",
    ],
    "densenet": ["DenseNet121", "DenseNet169", "DenseNet201"],
    "efficientnet": [f"EfficientNetB{i}" for i in range(8)],
    "efficientnet_v2": [f"EfficientNetV2{v}" for v in ("B0", "B1", "B2", "B3", "L", "M", "S")],
    "imagenet_utils": [],
    "inception_resnet_v2": ["InceptionResNetV2"],
    "inception_v3": ["InceptionV3"],
    "mobilenet": ["MobileNet"],
    "mobilenet_v2": ["MobileNetV2"],
    "mobilenet_v3": [],
    "nasnet": ["NASNetLarge", "NASNetMobile"],
    "resnet": ["ResNet101", "ResNet152", "ResNet50"],
    "resnet50": ["ResNet50"],
    "resnet_v2": ["ResNet101V2", "ResNet152V2", "ResNet50V2"],
    "vgg16": ["VGG16"],
    "vgg19": ["VGG19"],
    "xception": ["Xception"],
}


@pytest.mark.parametrize("module", sorted(KERAS_MODULES))
def test_family_modules_export_keras_names(module):
    family = getattr(applications, module)
    for name in KERAS_MODULES[module] + ["decode_predictions", "preprocess_input"]:
        assert callable(getattr(family, name)), f"{module}.{name}"


def test_top_level_has_the_40_constructors():
    constructors = {n for n in applications.__all__ if n[0].isupper()}
    in_modules = {n for names in KERAS_MODULES.values() for n in names}
    assert constructors == in_modules | {"MobileNetV3Large", "MobileNetV3Small"}
    assert len(constructors) == 40
    assert all(callable(getattr(applications, n)) for n in constructors)


def test_preprocess_modes_as_keras():
    pixels = np.array([[[[10.0, 20.0, 30.0]]]], "float32")
    caffe = imagenet_utils.preprocess_input(pixels.copy(), mode="caffe")
    np.testing.assert_allclose(caffe[0, 0, 0], [30 - 103.939, 20 - 116.779, 10 - 123.68], 1e-5)
    tf = imagenet_utils.preprocess_input(pixels.copy(), mode="tf")
    np.testing.assert_allclose(tf[0, 0, 0], [10 / 127.5 - 1, 20 / 127.5 - 1, 30 / 127.5 - 1])
    torch = imagenet_utils.preprocess_input(pixels.copy(), mode="torch")
    expected = (np.array([10, 20, 30]) / 255 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]
    np.testing.assert_allclose(torch[0, 0, 0], expected, 1e-5)
    first = imagenet_utils.preprocess_input(pixels.transpose(0, 3, 1, 2).copy(), "channels_first")
    np.testing.assert_allclose(first[0, :, 0, 0], caffe[0, 0, 0], 1e-5)
    assert imagenet_utils.preprocess_input(np.zeros((1, 1, 3), "uint8")).dtype == np.float32
    for family in ("efficientnet", "efficientnet_v2", "convnext", "mobilenet_v3"):
        assert getattr(applications, family).preprocess_input(pixels) is pixels


def test_input_shape_rules():
    rules = imagenet_utils.obtain_input_shape
    assert rules(None, 224, 32, "channels_last", require_flatten=True) == (224, 224, 3)
    assert rules((64, 48, 3), 224, 32, "channels_last", require_flatten=False) == (64, 48, 3)
    with pytest.raises(ValueError, match="at least 32x32"):
        rules((16, 16, 3), 224, 32, "channels_last", require_flatten=False)
    with pytest.raises(ValueError, match=r"must be \(224, 224, 3\)"):
        rules((64, 64, 3), 224, 32, "channels_last", require_flatten=True, weights="imagenet")
    assert imagenet_utils.correct_pad(Input((33, 32, 3)), 3) == ((1, 1), (0, 1))


def test_argument_errors_name_the_model():
    with pytest.raises(ValueError, match="resnet50.*classes must be 1000"):
        applications.ResNet50(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="weights must be None"):
        applications.ResNet50(weights="no/such/file.h5")
    with pytest.raises(ValueError, match="classifier_activation"):
        imagenet_utils.validate_activation("relu", "imagenet")
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def test_unknown_image_size_builds_for_the_default_size_with_a_warning():
    with pytest.warns(UserWarning, match="unknown size"):
        model = applications.MobileNetV2(weights=None, include_top=False, alpha=0.35)
    assert model.inputs[0].shape == (None, 224, 224, 3)


def test_input_tensor_is_used_and_its_inputs_become_the_models():
    from glassnet import layers

    image = Input((32, 32, 3))
    scaled = layers.Rescaling(1 / 255)(image)
    model = applications.MobileNet(
        weights=None, alpha=0.25, input_tensor=scaled, include_top=False, pooling="avg"
    )
    assert model.inputs == [image]
    assert model.layers[1].name == "rescaling"
    assert model(np.ones((1, 32, 32, 3), "float32")).shape == (1, 256)
