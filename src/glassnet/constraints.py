"""Constraints: projections the optimizer applies to a variable after each update.

A constraint is called on the variable's array and returns the constrained array (same shape);
custom ones may compute with NumPy or ``glassnet.ops``.
"""

import numpy as np

from glassnet.backend import epsilon
from glassnet.backend.naming import lookup, snake_case


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class Constraint:
    """Base class: ``__call__(w) -> constrained w`` (the identity here) and ``get_config``.

    Example:

    >>> import numpy as np
    >>> from glassnet import constraints
    >>> class Clip(constraints.Constraint):
    ...     def __call__(self, w):
    ...         return np.clip(w, -1, 1)
    >>> Clip()(np.array([-3.0, 0.5]))
    array([-1. ,  0.5])
    """

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class MaxNorm(Constraint):
    """Rescale each slice along ``axis`` whose L2 norm exceeds max_value back to max_value.

    Args:
        max_value: the largest norm allowed.
        axis: the axis (or axes) the norm is taken over; 0 for a Dense kernel (in, out) limits
            each unit's incoming weights.

    Example:

    >>> import numpy as np
    >>> from glassnet import constraints
    >>> np.round(constraints.MaxNorm(1.0)(np.array([[3.0, 0.1], [4.0, 0.1]])), 4)
    array([[0.6, 0.1],
           [0.8, 0.1]])
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (epsilon() + norms)).astype(w.dtype)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Move each slice's L2 norm towards [min_value, max_value], by the fraction ``rate``.

    new norm = rate * clip(norm, min_value, max_value) + (1 - rate) * norm.

    Args:
        min_value: the smallest norm.
        max_value: the largest norm.
        rate: 1.0 enforces the bounds at once; smaller values move part of the way each step.
        axis: the axis (or axes) the norm is taken over.

    Example:

    >>> import numpy as np
    >>> from glassnet import constraints
    >>> np.round(constraints.MinMaxNorm(1.0, 2.0)(np.array([[0.3, 3.0], [0.4, 4.0]])), 4)
    array([[0.6, 1.2],
           [0.8, 1.6]])
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value)
        desired = desired + (1 - self.rate) * norms
        return w * (desired / (epsilon() + norms)).astype(w.dtype)

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """Negative weights become zero.

    Example:

    >>> import numpy as np
    >>> from glassnet import constraints
    >>> constraints.NonNeg()(np.array([-1.0, 2.0]))
    array([0., 2.])
    """

    def __call__(self, w):
        return np.maximum(w, 0).astype(w.dtype, copy=False)


class UnitNorm(Constraint):
    """Each slice along ``axis`` divided by its L2 norm.

    Args:
        axis: the axis (or axes) the norm is taken over.

    Example:

    >>> import numpy as np
    >>> from glassnet import constraints
    >>> np.round(constraints.UnitNorm(axis=1)(np.array([[3.0, 4.0]])), 4)
    array([[0.6, 0.8]])
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (epsilon() + _norms(w, self.axis)).astype(w.dtype)

    def get_config(self):
        return {"axis": self.axis}


# Keras's lower-case names for the same classes
max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
_BY_NAME = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{snake_case(cls.__name__): cls for cls in _CLASSES},
}


def serialize(constraint):
    """A constraint as Keras's dict {"module", "class_name", "config", "registered_name"}.

    Args:
        constraint: a constraint instance (built-in or custom).

    Example:

    >>> from glassnet import constraints
    >>> constraints.serialize(constraints.MinMaxNorm(max_value=2.0))["config"]["max_value"]
    2.0
    """
    cls = type(constraint)
    builtin = _BY_NAME.get(cls.__name__) is cls
    return {
        "module": "keras.constraints" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": constraint.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """The constraint a ``serialize`` dict describes; classes from glassnet or
    ``custom_objects`` only.

    Args:
        config: the dict (Keras's "module" and "registered_name" keys are understood).
        custom_objects: optional dict name -> class for constraints glassnet does not define.

    Example:

    >>> from glassnet import constraints
    >>> constraints.deserialize({"class_name": "NonNeg", "config": {}})
    NonNeg()
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "constraints.deserialize: expected a dict with 'class_name' and 'config', "
            f"got {config!r}"
        )
    known = {**_BY_NAME, **(custom_objects or {})}
    name = config.get("registered_name") or config["class_name"]
    if name not in known:
        name = config["class_name"]
    return lookup("constraint", name, known).from_config(dict(config.get("config", {})))


def get(identifier):
    """A constraint from a name ('max_norm'), a config dict, a class, an instance or a function.

    Args:
        identifier: a name, a config dict, a class (instantiated), an instance or a function
            (returned as they are), or None (returns None).

    Example:

    >>> from glassnet import constraints
    >>> constraints.get("min_max_norm").get_config()["max_value"]
    1.0
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup("constraint", identifier, _BY_NAME)()
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint {identifier!r}")
