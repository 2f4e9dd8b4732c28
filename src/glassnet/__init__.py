"""glassnet: neural networks in plain, readable NumPy, with Keras's API.

import glassnet as keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax", input_shape=(784,))])
"""

from glassnet import (
    activations,
    backend,
    callbacks,
    constraints,
    datasets,
    distribution,
    evaluation,
    initializers,
    inspect,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    scratch,
    utils,
)
from glassnet.autograd import Tensor, Variable, enable_grad, no_grad
from glassnet.inspect import gradcheck
from glassnet.layers import Input, Layer
from glassnet.models import Model, Sequential

__version__ = "0.1.0"

__all__ = [
    "Tensor",
    "Variable",
    "no_grad",
    "enable_grad",
    "gradcheck",
    "Sequential",
    "Model",
    "Input",
    "Layer",
    "activations",
    "backend",
    "callbacks",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "regularizers",
    "utils",
    "__version__",
]
