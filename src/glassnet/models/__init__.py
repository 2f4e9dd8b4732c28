"""Models: Sequential, functional ``Model(inputs, outputs)`` and subclassed ``Model``."""

from glassnet.models.cloning import clone_model
from glassnet.models.functional import Functional
from glassnet.models.model import Model
from glassnet.models.sequential import Sequential
from glassnet.saving import load_model, model_from_json, save_model

__all__ = [
    "Model",
    "Sequential",
    "Functional",
    "load_model",
    "model_from_json",
    "save_model",
    "clone_model",
]
