"""Saving and loading models: the native .glassnet file (safe to load from strangers) and Keras 3's
.keras and .weights.h5 files; the registry of custom objects those files may name.

Example:

>>> import os, tempfile
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "m.glassnet")
>>> model.save(path)
>>> keras.saving.load_model(path).count_params()
8
"""

from glassnet.saving.errors import ModelFileError
from glassnet.saving.keras_format import (
    load_keras,
    load_keras_weights,
    save_keras,
    save_keras_weights,
)
from glassnet.saving.native import (
    load_model,
    load_weights,
    model_from_json,
    save_weights,
    to_json,
)
from glassnet.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from glassnet.saving.saving_api import save_model
from glassnet.saving.serialization_lib import (
    deserialize_keras_object,
    serialize_keras_object,
)

__all__ = [
    "ModelFileError",
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "model_from_json",
    "to_json",
    "load_keras",
    "save_keras",
    "load_keras_weights",
    "save_keras_weights",
    "CustomObjectScope",
    "custom_object_scope",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
    "deserialize_keras_object",
]
