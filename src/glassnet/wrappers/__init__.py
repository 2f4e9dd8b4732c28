"""scikit-learn estimators around glassnet models: ``SKLearnClassifier``, ``SKLearnRegressor``
and ``SKLearnTransformer`` (Keras 3's ``keras.wrappers``).

They are loaded at first use (``glassnet.wrappers.SKLearnClassifier``), so that ``import
glassnet`` does not pay scikit-learn's import time.
"""

import importlib

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]


def __getattr__(name):
    if name in __all__:
        return getattr(importlib.import_module("glassnet.wrappers.sklearn_wrapper"), name)
    raise AttributeError(f"module 'glassnet.wrappers' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
