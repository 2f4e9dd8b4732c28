"""Weight penalties added to the training loss (and reported in it, as Keras does).

A regularizer is called on a weight (a Variable) and returns a scalar Tensor built from
``glassnet.ops``, so its gradient flows into the weight with the loss's.
"""

import math

import numpy as np

from glassnet import ops
from glassnet.backend.naming import lookup, snake_case


def _non_negative(value, name, where):
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or math.isnan(value)
        or math.isinf(value)
        or value < 0
    ):
        raise ValueError(f"{where}: {name} must be a non-negative number, got {value!r}")
    return float(value)


class Regularizer:
    """Base class: subclasses implement ``__call__(weight) -> scalar`` and ``get_config``.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops, regularizers
    >>> class SumOfSquares(regularizers.Regularizer):
    ...     def __call__(self, x):
    ...         return ops.sum(ops.square(x))
    ...     def get_config(self):
    ...         return {}
    >>> float(SumOfSquares()(np.array([1.0, 2.0])))
    5.0
    """

    def __call__(self, x):
        return 0.0

    def get_config(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|w|) + l2 * sum(w^2).

    Args:
        l1: >= 0 (None counts as 0).
        l2: >= 0 (None counts as 0).

    Example:

    >>> import numpy as np
    >>> from glassnet import regularizers
    >>> float(regularizers.L1L2(l1=0.5, l2=0.25)(np.array([1.0, -2.0])))
    2.75
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _non_negative(0.0 if l1 is None else l1, "l1", type(self).__name__)
        self.l2 = _non_negative(0.0 if l2 is None else l2, "l2", type(self).__name__)

    def __call__(self, x):
        terms = []
        if self.l1:
            terms.append(ops.multiply(ops.sum(ops.abs(x)), self.l1))
        if self.l2:
            terms.append(ops.multiply(ops.sum(ops.square(x)), self.l2))
        if not terms:
            return 0.0
        return terms[0] if len(terms) == 1 else ops.add(terms[0], terms[1])

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """l1 * sum(|w|).

    Args:
        l1: >= 0 (default 0.01).

    Example:

    >>> import numpy as np
    >>> from glassnet import regularizers
    >>> float(regularizers.L1(0.25)(np.array([1.0, -2.0])))
    0.75
    """

    def __init__(self, l1=0.01):
        super().__init__(l1=0.01 if l1 is None else l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """l2 * sum(w^2).

    Args:
        l2: >= 0 (default 0.01).

    Example:

    >>> import numpy as np
    >>> from glassnet import regularizers
    >>> float(regularizers.L2(0.5)(np.array([1.0, -2.0])))
    2.5
    """

    def __init__(self, l2=0.01):
        super().__init__(l2=0.01 if l2 is None else l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards orthogonality.

    With the rows (columns) L2-normalised into u_i (a zero row stays zero), the penalty is
    factor * mean over pairs i != j of |u_i . u_j|.

    Args:
        factor: >= 0, the strength.
        mode: "rows" or "columns".

    Example:

    >>> import numpy as np
    >>> from glassnet import regularizers
    >>> w = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> round(float(regularizers.OrthogonalRegularizer(factor=1.0)(w)), 6)
    0.707107
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _non_negative(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(
                f"OrthogonalRegularizer: mode must be 'rows' or 'columns', got {mode!r}"
            )
        self.mode = mode

    def __call__(self, inputs):
        if len(inputs.shape) != 2:
            raise ValueError(
                "OrthogonalRegularizer: needs a 2-D weight (rank 2), got shape "
                f"{tuple(inputs.shape)}"
            )
        vectors = inputs if self.mode == "rows" else ops.transpose(inputs)
        # x / max(||x||, 1e-7) (Keras's normalisation): a zero row stays zero
        unit = ops.l2_normalize(vectors, axis=1, epsilon=1e-14)
        size = vectors.shape[0]
        off_diagonal = 1.0 - np.eye(size, dtype=unit.dtype)
        product = ops.multiply(ops.matmul(unit, ops.transpose(unit)), off_diagonal)
        return ops.multiply(ops.sum(ops.abs(product)), self.factor / (size * (size - 1.0)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras's lower-case names for the same classes
orthogonal_regularizer = OrthogonalRegularizer
l1 = L1
l2 = L2
l1_l2 = L1L2


_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
_BY_NAME = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{snake_case(cls.__name__): cls for cls in _CLASSES},
    "l1_l2": L1L2,
}


def serialize(regularizer):
    """A regularizer as Keras's dict {"module", "class_name", "config", "registered_name"}.

    Args:
        regularizer: a regularizer instance (built-in or custom).

    Example:

    >>> from glassnet import regularizers
    >>> regularizers.serialize(regularizers.L2(0.5))["config"]
    {'l2': 0.5}
    """
    cls = type(regularizer)
    builtin = _BY_NAME.get(cls.__name__) is cls
    return {
        "module": "keras.regularizers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": regularizer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """The regularizer a ``serialize`` dict describes; classes from glassnet or
    ``custom_objects`` only.

    Args:
        config: the dict (Keras's "module" and "registered_name" keys are understood).
        custom_objects: optional dict name -> class for regularizers glassnet does not define.

    Example:

    >>> from glassnet import regularizers
    >>> regularizers.deserialize({"class_name": "L1L2", "config": {"l1": 0.1}}).l1
    0.1
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "regularizers.deserialize: expected a dict with 'class_name' and 'config', "
            f"got {config!r}"
        )
    known = {**_BY_NAME, **(custom_objects or {})}
    name = config.get("registered_name") or config["class_name"]
    if name not in known:
        name = config["class_name"]
    return lookup("regularizer", name, known).from_config(dict(config.get("config", {})))


def get(identifier):
    """A regularizer from a name ('l2'), a config dict, a class, an instance or a function.

    Args:
        identifier: a name, a config dict, a class (instantiated), an instance or a function
            (returned as they are), or None (returns None).

    Example:

    >>> from glassnet import regularizers
    >>> regularizers.get("l1_l2").get_config()
    {'l1': 0.0, 'l2': 0.0}
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup("regularizer", identifier, _BY_NAME)()
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer {identifier!r}")
