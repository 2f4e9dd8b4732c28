"""``keras.applications.resnet50``: ResNet50 alone, with its preprocessing (as in Keras)."""

from glassnet.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
