"""Variable: a Tensor that persists across steps (a layer's kernel, bias, moving mean...)."""

from glassnet.autograd.tensor import Tensor, to_array
from glassnet.backend import xp


class Variable(Tensor):
    """A named, in-place-updatable Tensor, as ``keras.Variable``.

    trainable variables require grad; optimizers update ``data`` in place, so references held
    elsewhere (optimizer state, a checkpoint callback) keep pointing at the live values.
    """

    __slots__ = ("trainable", "regularizer", "constraint", "path")

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        name=None,
        regularizer=None,
        constraint=None,
    ):
        value = initializer(shape, dtype=dtype) if callable(initializer) else initializer
        data = to_array(value, dtype=dtype)
        super().__init__(
            xp.array(data, copy=True, order="C"),
            requires_grad=trainable and data.dtype.kind == "f",
            name=name,
        )
        self.trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint
        self.path = name

    @property
    def value(self):
        return self.data

    def assign(self, value):
        """Overwrite the values in place; the shape must stay the same."""
        value = xp.asarray(getattr(value, "data", value))
        if value.shape != self.data.shape:
            raise ValueError(
                f"Variable '{self.path}': cannot assign a value of shape {value.shape} to a variable of shape {self.data.shape}"
            )
        self.data[...] = value
        return self

    def assign_add(self, value):
        self.data += xp.asarray(getattr(value, "data", value), dtype=self.data.dtype)
        return self

    def assign_sub(self, value):
        self.data -= xp.asarray(getattr(value, "data", value), dtype=self.data.dtype)
        return self

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, trainable={self.trainable}>"
