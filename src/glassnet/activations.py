"""``keras.activations``: activation functions by Keras's names, for
``Dense(..., activation='relu')`` and friends, with ``get``, ``serialize`` and ``deserialize``.

Defaults are those of ``keras.activations``, which differ from ``keras.ops`` in two places: 'gelu'
is the exact form here, and ``relu`` takes ``negative_slope``, ``max_value`` and ``threshold``.
The math lives in ``glassnet.ops.activation`` (one table for every elementwise activation).

Example:

>>> import glassnet as keras
>>> keras.activations.relu([-10.0, -5.0, 0.0, 5.0, 10.0], max_value=5.0).data.tolist()
[0.0, 0.0, 0.0, 5.0, 5.0]
>>> keras.activations.serialize(keras.activations.get("hard_swish"))
'hard_silu'
"""

from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import registry
from glassnet.backend.naming import lookup
from glassnet.ops import activation as act
from glassnet.ops import elementwise
from glassnet.ops.operation import keras_op


@keras_op(name="activations.linear")
def linear(x):
    """The identity: x unchanged (as a tensor).

    Args:
        x: a tensor, array or nested list of numbers.

    Example:

    >>> import glassnet as keras
    >>> keras.activations.linear([1.0, -2.0]).data.tolist()
    [1.0, -2.0]
    """
    return x if isinstance(x, (Tensor, SymbolicTensor)) else as_tensor(x, where="linear")


@keras_op(name="activations.exponential")
def exponential(x):
    """exp(x).

    Args:
        x: a tensor, array or number.

    Example:

    >>> import glassnet as keras
    >>> float(keras.activations.exponential(0.0).data)
    1.0
    """
    return elementwise.exp(x)


@keras_op(name="activations.relu")
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras's options.

    Without options, max(x, 0). Otherwise: x where x > ``threshold`` (else 0), capped at
    ``max_value``, minus ``negative_slope * max(threshold - x, 0)``.

    Args:
        x: tensor.
        negative_slope: slope below the threshold.
        max_value: the largest value returned (None: no cap).
        threshold: the value below which the output is damped.

    Example:

    >>> import glassnet as keras
    >>> x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    >>> keras.activations.relu(x, negative_slope=0.5).data.tolist()
    [-5.0, -2.5, 0.0, 5.0, 10.0]
    >>> keras.activations.relu(x, threshold=5.0).data.tolist()
    [0.0, 0.0, 0.0, 0.0, 10.0]
    """
    if negative_slope == 0 and max_value is None and threshold == 0:
        return act.relu(x)
    if negative_slope != 0 and max_value is None and threshold == 0:
        return act.leaky_relu(x, negative_slope=negative_slope)
    x = as_tensor(x, where="relu")
    out = x
    if threshold != 0:
        out = elementwise.where(x.data > threshold, x, 0.0)
    elif max_value == 6:
        out, max_value = act.relu6(x), None
    else:
        out = act.relu(x)
    if max_value is not None:
        out = elementwise.clip(out, 0.0, float(max_value))
    if negative_slope != 0:
        below = act.relu(elementwise.negative(x) + threshold)  # max(threshold - x, 0)
        out = out - below * float(negative_slope)
    return out


@keras_op(name="activations.gelu")
def gelu(x, approximate=False):
    """Gaussian error linear unit; the exact form unless ``approximate`` (the tanh formula).

    Args:
        x: a tensor, array or number.
        approximate: use 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) instead of the exact
            x Phi(x) (False by default).

    Example:

    >>> import glassnet as keras
    >>> round(float(keras.activations.gelu(1.0).data), 4)
    0.8413
    """
    return act.gelu(x, approximate=approximate)


relu6, sigmoid, tanh, softplus, softsign = (
    act.relu6,
    act.sigmoid,
    act.tanh,
    act.softplus,
    act.softsign,
)
elu, selu, silu, hard_sigmoid, hard_silu = (
    act.elu,
    act.selu,
    act.silu,
    act.hard_sigmoid,
    act.hard_silu,
)
leaky_relu, softmax, log_softmax = act.leaky_relu, act.softmax, act.log_softmax
celu, glu, hard_shrink, hard_tanh, log_sigmoid = (
    act.celu,
    act.glu,
    act.hard_shrink,
    act.hard_tanh,
    act.log_sigmoid,
)
mish, soft_shrink, sparse_plus, sparse_sigmoid, sparsemax = (
    act.mish,
    act.soft_shrink,
    act.sparse_plus,
    act.sparse_sigmoid,
    act.sparsemax,
)
squareplus, tanh_shrink, threshold = act.squareplus, act.tanh_shrink, act.threshold
swish = silu
hard_swish = hard_silu

_BY_NAME = {
    "celu": celu,
    "elu": elu,
    "exponential": exponential,
    "gelu": gelu,
    "glu": glu,
    "hard_shrink": hard_shrink,
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu,
    "hard_tanh": hard_tanh,
    "leaky_relu": leaky_relu,
    "linear": linear,
    "log_sigmoid": log_sigmoid,
    "log_softmax": log_softmax,
    "mish": mish,
    "relu": relu,
    "relu6": relu6,
    "selu": selu,
    "sigmoid": sigmoid,
    "silu": silu,
    "soft_shrink": soft_shrink,
    "softmax": softmax,
    "softplus": softplus,
    "softsign": softsign,
    "sparse_plus": sparse_plus,
    "sparse_sigmoid": sparse_sigmoid,
    "sparsemax": sparsemax,
    "squareplus": squareplus,
    "tanh": tanh,
    "tanh_shrink": tanh_shrink,
    "threshold": threshold,
}
_NAME_OF = {fn: name for name, fn in _BY_NAME.items()}  # the aliases below share a function
_BY_NAME["swish"] = silu
_BY_NAME["hard_swish"] = hard_silu


def get(identifier):
    """An activation function from a name ('relu'), a serialized config, None (linear) or a
    callable (returned as is).

    Args:
        identifier: a name, a config (str or dict), a callable, or None.

    Raises:
        ValueError: for an unknown name or anything else.

    Example:

    >>> import glassnet as keras
    >>> keras.activations.get("swish") is keras.activations.silu
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return lookup("activation", identifier, _BY_NAME)
    raise ValueError(
        f"activations.get: cannot interpret {identifier!r} as an activation; give a name such as "
        "'relu', a config dict, a callable or None"
    )


def serialize(activation):
    """The Keras name of a built-in activation, as ``keras.activations.serialize`` returns it.

    A custom function is stored by its registered name ("package>name") when it was registered
    with ``register_keras_serializable``; other callables are refused: configs hold names,
    never code.

    Args:
        activation: an activation function (a built-in, an alias, or a registered custom one).

    Example:

    >>> import glassnet as keras
    >>> keras.activations.serialize(keras.activations.swish)
    'silu'
    """
    name = _NAME_OF.get(getattr(activation, "func", activation))
    if name is None:
        name = getattr(activation, "__name__", None)
        if name not in _BY_NAME:
            name = registry.registered_name(activation)
        if name is None:
            raise ValueError(
                f"Cannot serialize the custom activation {activation!r}: configs store names, "
                "never code; register it with @keras.saving.register_keras_serializable()"
            )
    return name


def deserialize(config, custom_objects=None):
    """The activation a config names: a name ('relu'), or the dict Keras 3 writes for a function
    ({"class_name": "function", "config": "relu", ...}).

    Args:
        config: the name or dict.
        custom_objects: optional {name: function}, consulted before the built-ins.

    Example:

    >>> import glassnet as keras
    >>> config = {"module": "keras.activations", "class_name": "function", "config": "mish"}
    >>> keras.activations.deserialize(config) is keras.activations.mish
    True
    """
    name = config
    if isinstance(config, dict):
        name = config.get("config", config.get("class_name"))
        if isinstance(name, dict):
            name = name.get("name")
        name = config.get("registered_name", name) if name is None else name
    if not isinstance(name, str):
        raise ValueError(f"activations.deserialize: cannot read an activation from {config!r}")
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return lookup("activation", name, _BY_NAME)


__all__ = sorted([*_BY_NAME, "get", "serialize", "deserialize"])
