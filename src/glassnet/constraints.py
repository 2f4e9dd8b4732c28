"""Constraints applied to a variable after each optimizer update (in place)."""

import numpy as np

from glassnet.utils.lookup import lookup


class Constraint:
    def __call__(self, w):
        """w: array -> constrained array of the same shape."""
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescale each slice along ``axis`` whose L2 norm exceeds max_value back to max_value."""

    def __init__(self, max_value=2.0, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True))
        desired = np.clip(norms, 0, self.max_value)
        return w * (desired / (1e-7 + norms)).astype(w.dtype)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Negative weights become zero."""

    def __call__(self, w):
        return w * (w >= 0)


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (1e-7 + np.sqrt(np.sum(np.square(w), axis=self.axis, keepdims=True))).astype(
            w.dtype
        )

    def get_config(self):
        return {"axis": self.axis}


max_norm, non_neg, unit_norm = MaxNorm, NonNeg, UnitNorm
_BY_NAME = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}
_BY_CLASS = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm}


def get(identifier):
    if (
        identifier is None
        or isinstance(identifier, Constraint)
        or (callable(identifier) and not isinstance(identifier, type))
    ):
        return identifier
    if isinstance(identifier, dict):
        return lookup("constraint", identifier["class_name"], _BY_CLASS).from_config(
            identifier.get("config", {})
        )
    return lookup("constraint", identifier, _BY_NAME)()


def serialize(constraint):
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}
