"""Weight penalties added to the training loss (and reported in it, as Keras does)."""

from glassnet import ops
from glassnet.utils.lookup import lookup


class Regularizer:
    def __call__(self, x):
        raise NotImplementedError

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|w|) + l2 * sum(w^2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty = ops.multiply(ops.sum(ops.abs(x)), self.l1)
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(ops.sum(ops.square(x)), self.l2))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """factor * mean of the off-diagonal |cosine similarities| of the rows (or columns)."""

    def __init__(self, factor=0.01, mode="rows"):
        self.factor, self.mode = factor, mode

    def __call__(self, x):
        x = x if self.mode == "rows" else ops.transpose(x)
        x = ops.l2_normalize(x, axis=-1)
        product = ops.matmul(x, ops.transpose(x))
        n = x.shape[0]
        off_diagonal = ops.subtract(ops.sum(ops.abs(product)), float(n))
        return ops.multiply(off_diagonal, self.factor / (n * (n - 1)))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1(l1=0.01):
    return L1(l1)


def l2(l2=0.01):
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


_BY_NAME = {
    "l1": L1,
    "l2": L2,
    "l1_l2": lambda: L1L2(0.01, 0.01),
    "l1l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}
_BY_CLASS = {"L1": L1, "L2": L2, "L1L2": L1L2, "OrthogonalRegularizer": OrthogonalRegularizer}


def get(identifier):
    if (
        identifier is None
        or isinstance(identifier, Regularizer)
        or (callable(identifier) and not isinstance(identifier, type))
    ):
        return identifier
    if isinstance(identifier, dict):
        return lookup("regularizer", identifier["class_name"], _BY_CLASS).from_config(
            identifier.get("config", {})
        )
    return lookup("regularizer", identifier, _BY_NAME)()


def serialize(regularizer):
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}
