"""Saving and loading models: the native .glassnet file (safe to load from strangers)."""

from glassnet.saving.errors import ModelFileError
from glassnet.saving.native import (
    load_model,
    load_weights,
    model_from_json,
    save_model,
    save_weights,
    to_json,
)

__all__ = [
    "ModelFileError",
    "save_model",
    "load_model",
    "save_weights",
    "load_weights",
    "model_from_json",
    "to_json",
]
