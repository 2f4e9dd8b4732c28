"""scikit-learn estimators around glassnet models: ``SKLearnClassifier``, ``SKLearnRegressor``
and ``SKLearnTransformer`` (Keras 3's ``keras.wrappers``)."""

from glassnet.wrappers.sklearn_wrapper import (
    SKLearnClassifier,
    SKLearnRegressor,
    SKLearnTransformer,
)

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
