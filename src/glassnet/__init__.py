"""glassnet: neural networks in plain, readable NumPy, with Keras's API.

    import glassnet as keras
"""
from glassnet import backend, ops, utils
from glassnet.autograd import Tensor, enable_grad, no_grad
from glassnet.inspect import gradcheck

__version__ = "0.1.0"

__all__ = ["Tensor", "no_grad", "enable_grad", "ops", "backend", "utils", "gradcheck", "__version__"]
