"""Activation functions by Keras's names, for ``Dense(..., activation='relu')`` and friends.

Defaults are those of ``keras.activations`` (e.g. 'gelu' is the exact form, 'leaky_relu' uses
slope 0.2); the math lives in ``glassnet.ops.activation``.
"""

import functools

from glassnet.autograd.tensor import as_tensor
from glassnet.ops import activation as act
from glassnet.ops import elementwise
from glassnet.backend.naming import lookup


def linear(x):
    """Identity."""
    return as_tensor(x, where="linear")


def exponential(x):
    return elementwise.exp(x)


def gelu(x, approximate=False):
    return act.gelu(x, approximate=approximate)


relu, relu6, sigmoid, tanh, softplus, softsign = (
    act.relu,
    act.relu6,
    act.sigmoid,
    act.tanh,
    act.softplus,
    act.softsign,
)
elu, selu, silu, swish, hard_sigmoid, hard_silu = (
    act.elu,
    act.selu,
    act.silu,
    act.swish,
    act.hard_sigmoid,
    act.hard_silu,
)
leaky_relu, softmax, log_softmax = act.leaky_relu, act.softmax, act.log_softmax
hard_swish = hard_silu

_BY_NAME = {
    "linear": linear,
    "relu": relu,
    "relu6": relu6,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "softplus": softplus,
    "softsign": softsign,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
    "silu": silu,
    "swish": swish,
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu,
    "hard_swish": hard_swish,
    "leaky_relu": leaky_relu,
    "exponential": exponential,
}
_NAME_OF = {fn: name for name, fn in _BY_NAME.items()}
_NAME_OF[silu] = "silu"


def get(identifier):
    """A callable from a name ('relu'), None (linear) or a callable (returned as is)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        identifier = identifier.get("config", {}).get("name", identifier.get("class_name"))
    return lookup("activation", identifier, _BY_NAME)


def serialize(activation):
    """The Keras name of a built-in activation (custom callables are refused: configs hold no code)."""
    if isinstance(activation, functools.partial):
        activation = activation.func
    name = _NAME_OF.get(activation)
    if name is None:
        name = getattr(activation, "__name__", None)
        if name not in _BY_NAME:
            raise ValueError(
                f"Cannot serialize the custom activation {activation!r}: only built-in names are stored in configs"
            )
    return name
