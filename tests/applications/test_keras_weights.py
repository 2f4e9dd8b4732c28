"""Weights written by real Keras 3.15 load into glassnet's models, which then predict what Keras
predicted, within 1e-4: one model per family, in Keras 3's .weights.h5 layout and in the Keras 2
HDF5 layout of the published ImageNet files (matched by layer order).

Both sides compute in float64: deep networks with random weights amplify float32 rounding to about
1e-3 at their outputs (in Keras as in glassnet: the generator prints Keras's own float32-float64
difference), which would hide a real difference of that size; in float64 the two agree to ~1e-9.

The files, the inputs and Keras's outputs come from tests/fixtures/
make_keras_applications_fixtures.py --models (the weights repeat a small table, so the files are
stored compressed; each is unpacked into the test's temporary folder)."""

import json
import lzma

import numpy as np
import pytest

import glassnet.applications as applications
from tests.applications.common import FIXTURES, layer_table

FAMILIES = sorted(p.name[: -len(".npz")] for p in FIXTURES.glob("*.npz"))
TOLERANCE = 1e-4


def fixture(family):
    data = np.load(FIXTURES / f"{family}.npz")
    kwargs = json.loads(str(data["kwargs"]))
    constructor = getattr(applications, kwargs.pop("constructor"))
    kwargs["input_shape"] = tuple(kwargs["input_shape"])
    x = data["pixels"].astype("float64") / 128
    return constructor, kwargs, x, data["y64"], json.loads(str(data["layers"]))


def unpack(name, folder):
    path = folder / name
    path.write_bytes(lzma.decompress((FIXTURES / f"{name}.xz").read_bytes()))
    return path


def test_every_family_has_a_fixture():
    assert FAMILIES == [
        "convnext",
        "densenet",
        "efficientnet",
        "efficientnet_v2",
        "inception_resnet_v2",
        "inception_v3",
        "mobilenet",
        "mobilenet_v2",
        "mobilenet_v3",
        "nasnet",
        "resnet",
        "resnet_v2",
        "vgg16",
        "vgg19",
        "xception",
    ]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("layout", [".weights.h5", "_legacy.h5"])
def test_keras_weights_give_keras_predictions(family, layout, tmp_path, float64):
    constructor, kwargs, x, expected, layers = fixture(family)
    model = constructor(weights=str(unpack(family + layout, tmp_path)), **kwargs)
    assert layer_table(model) == layers
    np.testing.assert_allclose(
        model.predict(x, verbose=0), expected, rtol=TOLERANCE, atol=TOLERANCE
    )


def pattern(index, path, shape):
    """The generator's weight values (make_keras_applications_fixtures.pattern)."""
    table = np.random.default_rng(0).standard_normal(251).astype("float32")
    size = int(np.prod(shape)) if shape else 1
    values = table[(np.arange(size) + 131 * index) % table.size].reshape(shape)
    name = path.split("/")[-1]
    if name == "count":
        return np.zeros(shape, "float32")
    if name in ("gamma", "moving_variance", "variance"):
        return (1.0 + 0.1 * values).astype("float32")
    if len(shape) <= 1:
        return (0.1 * values).astype("float32")
    fan_in = np.prod(shape[:-2]) if name == "depthwise_kernel" else np.prod(shape[:-1])
    return (values / np.sqrt(fan_in)).astype("float32")


def test_convnext_predicts_as_keras_with_the_same_weights(float64):
    """ConvNeXt (no BatchNormalization, so every weight follows the pattern) with the generator's
    weights set in model.weights order: Keras's order, Keras's predictions."""
    constructor, kwargs, x, expected, layers = fixture("convnext")
    model = constructor(weights=None, **kwargs)
    assert layer_table(model) == layers
    for index, variable in enumerate(model.weights):
        variable.assign(pattern(index, variable.path, variable.shape))
    np.testing.assert_allclose(
        model.predict(x, verbose=0), expected, rtol=TOLERANCE, atol=TOLERANCE
    )
