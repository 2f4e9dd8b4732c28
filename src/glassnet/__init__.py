"""glassnet: neural networks in plain, readable NumPy, with Keras's API.

import glassnet as keras
model = keras.Sequential([keras.layers.Dense(10, activation="softmax", input_shape=(784,))])
"""

from glassnet import (
    activations,
    applications,
    backend,
    callbacks,
    config,
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
    preprocessing,
    random,
    regularizers,
    saving,
    scratch,
    tree,
    utils,
    visualization,
    wrappers,
)
from glassnet.autograd import Tensor, Variable, enable_grad, no_grad
from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.backend.session import SymbolicScope, device, name_scope
from glassnet.initializers import Initializer
from glassnet.inspect import gradcheck
from glassnet.layers import Input, InputSpec, Layer
from glassnet.losses import Loss
from glassnet.metrics import Metric
from glassnet.models import Model, Sequential
from glassnet.ops import Operation
from glassnet.ops.function import Function
from glassnet.optimizers import Optimizer
from glassnet.regularizers import Regularizer
from glassnet.version import __version__, version

KerasTensor = SymbolicTensor

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
    "InputSpec",
    "Operation",
    "KerasTensor",
    "SymbolicTensor",
    "version",
    "Initializer",
    "Loss",
    "Metric",
    "Optimizer",
    "Regularizer",
    "Function",
    "SymbolicScope",
    "device",
    "name_scope",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "preprocessing",
    "random",
    "regularizers",
    "tree",
    "saving",
    "utils",
    "visualization",
    "wrappers",
    "datasets",
    "distribution",
    "evaluation",
    "inspect",
    "scratch",
    "__version__",
]
