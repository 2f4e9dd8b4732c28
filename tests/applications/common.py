"""Shared by the applications tests: where the Keras fixtures are, and the layers to compare."""

import json
import lzma
import os
import pathlib

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures" / "keras_applications"
SLOW = os.environ.get("GLASSNET_SLOW_TESTS") == "1"


def architectures():
    with lzma.open(FIXTURES / "architectures.json.xz", "rt") as handle:
        return json.load(handle)["architectures"]


def layer_table(model):
    """[name, class, parameter count] of each layer, in the model's order."""
    return [[layer.name, type(layer).__name__, int(layer.count_params())] for layer in model.layers]
