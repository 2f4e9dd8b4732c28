"""Variable: a Tensor that persists across steps (a layer's kernel, bias, moving mean...).

Example:

>>> Variable([1.0, 2.0], trainable=False).requires_grad
False
"""

from glassnet.autograd.tensor import Tensor, to_array
from glassnet.backend import xp


class Variable(Tensor):
    """A named, in-place-updatable Tensor, as ``keras.Variable``.

    trainable variables require grad; optimizers update ``data`` in place, so references held
    elsewhere (optimizer state, a checkpoint callback) keep pointing at the live values.

    Args:
        initializer: an array/number, or a callable ``(shape, dtype) -> array``.
        shape: the shape to initialise.
        dtype: the dtype (default: the value's, floats as floatx).
        trainable: whether training updates it.
        name: its name; ``path`` is "layer/name" once a layer owns it.
        regularizer, constraint: penalty and projection used during training.
        aggregation, synchronization: how distributed replicas combine it (recorded, as Keras).
        overwrite_with_gradient: the optimizer writes the gradient into it instead of a step.

    Example:

    >>> from glassnet import Variable
    >>> weight = Variable([1.0, 2.0], name="w")
    >>> weight.assign_add([1.0, 1.0]).numpy().tolist(), weight.value is weight
    ([2.0, 3.0], True)
    """

    __slots__ = (
        "trainable",
        "regularizer",
        "constraint",
        "path",
        "aggregation",
        "synchronization",
        "overwrite_with_gradient",
    )

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        name=None,
        regularizer=None,
        constraint=None,
        aggregation="none",
        synchronization="auto",
        overwrite_with_gradient=False,
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
        self.aggregation, self.synchronization = aggregation, synchronization
        self.overwrite_with_gradient = overwrite_with_gradient

    @property
    def value(self):
        """The variable as a tensor (itself: ``v.value.grad`` is its gradient, as with Keras's
        PyTorch backend); ``v.numpy()`` is the array."""
        return self

    @property
    def handle(self):
        """The backend object holding the value: the NumPy array."""
        return self.data

    def assign(self, value):
        """Overwrite the values in place; the shape must stay the same.

        Args:
            value: an array or Tensor of the variable's shape.

        Returns:
            The variable itself.

        Example:

        >>> Variable([1.0, 2.0]).assign([5.0, 6.0]).numpy().tolist()
        [5.0, 6.0]
        """
        value = xp.asarray(getattr(value, "data", value))
        if value.shape != self.data.shape:
            raise ValueError(
                f"Variable '{self.path}': cannot assign a value of shape {value.shape} to a "
                f"variable of shape {self.data.shape}"
            )
        self.data[...] = value
        return self

    def assign_add(self, value):
        """Add ``value`` in place (cast to the variable's dtype); returns the variable."""
        self.data += xp.asarray(getattr(value, "data", value), dtype=self.data.dtype)
        return self

    def assign_sub(self, value):
        """Subtract ``value`` in place (cast to the variable's dtype); returns the variable."""
        self.data -= xp.asarray(getattr(value, "data", value), dtype=self.data.dtype)
        return self

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"trainable={self.trainable}>"
        )
