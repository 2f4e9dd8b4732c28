"""Layers that combine a list of inputs: Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate and Dot, and their functional forms (``add([a, b])``...). Elementwise merges
broadcast (an input with fewer axes gets size-1 axes after the batch axis, as in Keras); the
output mask is the logical OR of the input masks.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> layers.average([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])]).data.tolist()
[[2.0, 3.0]]
>>> layers.Dot(axes=1)([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])]).data.tolist()
[[11.0]]
"""

from functools import reduce

from glassnet import ops
from glassnet.backend import xp
from glassnet.layers.layer import Layer


def _as_list(inputs, layer, least=2):
    if not isinstance(inputs, (list, tuple)) or len(inputs) < least:
        raise ValueError(
            f"{type(layer).__name__} '{layer.name}': expected a list of at least {least} inputs, "
            f"got {type(inputs).__name__}"
        )
    return list(inputs)


class _Merge(Layer):
    """Combine a list of tensors elementwise; subclasses give ``merge(tensors)``."""

    least = 2

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def merge(self, tensors):
        raise NotImplementedError

    def call(self, inputs):
        tensors = _as_list(inputs, self, self.least)
        widest = max(t.ndim for t in tensors)
        lifted = []
        for t in tensors:  # Keras aligns inputs of fewer axes by adding axes after the batch
            for _ in range(widest - t.ndim):
                t = ops.expand_dims(t, 1)
            lifted.append(t)
        return self.merge(lifted)

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)):
            return None
        if any(m is None for m in mask):
            return None
        return reduce(xp.logical_or, [xp.asarray(getattr(m, "data", m), dtype=bool) for m in mask])


class Add(_Merge):
    """Sum of the inputs.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Add()([np.ones(2), np.ones(2)]).data.tolist()
    [2.0, 2.0]
    """

    def merge(self, tensors):
        return reduce(ops.add, tensors)


class Subtract(_Merge):
    """First input minus the second (exactly two inputs).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Subtract()([np.array([3.0]), np.array([1.0])]).data.tolist()
    [2.0]
    """

    def merge(self, tensors):
        if len(tensors) != 2:
            raise ValueError(
                f"Subtract '{self.name}': expected exactly 2 inputs, got {len(tensors)}"
            )
        return ops.subtract(tensors[0], tensors[1])


class Multiply(_Merge):
    """Elementwise product of the inputs.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Multiply()([np.array([2.0]), np.array([3.0])]).data.tolist()
    [6.0]
    """

    def merge(self, tensors):
        return reduce(ops.multiply, tensors)


class Average(_Merge):
    """Elementwise mean of the inputs.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Average()([np.array([2.0]), np.array([4.0])]).data.tolist()
    [3.0]
    """

    def merge(self, tensors):
        return ops.multiply(reduce(ops.add, tensors), 1.0 / len(tensors))


class Maximum(_Merge):
    """Elementwise maximum of the inputs.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Maximum()([np.array([2.0, 5.0]), np.array([4.0, 1.0])]).data.tolist()
    [4.0, 5.0]
    """

    def merge(self, tensors):
        return reduce(ops.maximum, tensors)


class Minimum(_Merge):
    """Elementwise minimum of the inputs.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Minimum()([np.array([2.0, 5.0]), np.array([4.0, 1.0])]).data.tolist()
    [2.0, 1.0]
    """

    def merge(self, tensors):
        return reduce(ops.minimum, tensors)


class Concatenate(_Merge):
    """Join the inputs along ``axis`` (default the last); masks are joined the same way.

    Args:
        axis: the axis along which the inputs are joined (-1, the last, by default); the
            inputs must match on every other axis.
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Concatenate()([np.ones((1, 2)), np.zeros((1, 1))]).data.tolist()
    [[1.0, 1.0, 0.0]]
    """

    least = 1

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.concatenate(_as_list(inputs, self, self.least), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)) or all(m is None for m in mask):
            return None
        masks = []
        for tensor, m in zip(inputs, mask):
            shape = tuple(tensor.shape)
            if m is None:
                m = xp.ones(shape, dtype=bool)
            m = xp.asarray(getattr(m, "data", m), dtype=bool)
            if m.ndim < len(shape):
                m = xp.broadcast_to(m[..., None], shape)
            masks.append(m)
        return xp.all(xp.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _normalize_l2(x, axis):
    """x / ||x|| along ``axis`` (the norm floored at 1e-7, as Keras's ops.normalize)."""
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.divide(x, ops.maximum(ops.sqrt(squares), 1e-7))


def _letters(count, start=0):
    return "".join(chr(ord("a") + start + i) for i in range(count))


class Dot(_Merge):
    """Dot product of two tensors along ``axes``, sample by sample (the batch axis is kept):
    for (batch, n) inputs and axes=1, (batch, 1); for (batch, m, n) and (batch, n, p) with
    axes=(2, 1), (batch, m, p).

    Args:
        axes: int (the same axis of both) or a pair (axis of the first, axis of the second);
            negative values count from the end. Not 0 (the batch axis).
        normalize: L2-normalise both inputs along ``axes`` first (the result is then the cosine
            similarity).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> x, y = np.ones((2, 3, 4)), np.ones((2, 4, 5))
    >>> layers.Dot(axes=(2, 1))([x, y]).shape
    (2, 3, 5)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)) or len(axes) != 2:
                raise ValueError(f"Dot: axes must be an int or a pair of ints, got {axes!r}")
            if not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot: axes must be integers, got {axes!r}")
        self.axes, self.normalize = axes, normalize

    def _axes(self, shapes):
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        axes = tuple(a % len(shape) if a < 0 else a for a, shape in zip(pair, shapes))
        if 0 in axes:
            raise ValueError(
                f"Dot '{self.name}': cannot take the dot product over axis 0, the batch axis"
            )
        if shapes[0][axes[0]] != shapes[1][axes[1]]:
            raise ValueError(
                f"Dot '{self.name}': axis {axes[0]} of the first input ({shapes[0][axes[0]]}) and "
                f"axis {axes[1]} of the second ({shapes[1][axes[1]]}) differ; shapes "
                f"{tuple(shapes[0])} and {tuple(shapes[1])}"
            )
        return axes

    def call(self, inputs):
        tensors = _as_list(inputs, self)
        if len(tensors) != 2:
            raise ValueError(f"Dot '{self.name}': expected exactly 2 inputs, got {len(tensors)}")
        x, y = tensors
        if x.ndim < 2 or y.ndim < 2:
            raise ValueError(
                f"Dot '{self.name}': inputs need a batch axis and at least one more, got shapes "
                f"{x.shape} and {y.shape}"
            )
        ax, ay = self._axes([x.shape, y.shape])
        if self.normalize:
            x, y = _normalize_l2(x, ax), _normalize_l2(y, ay)
        # einsum: batch 'a', contracted 'z', the other axes of x, then the other axes of y
        x_letters = ["a"] + list(_letters(x.ndim - 1, 1))
        y_letters = ["a"] + list(_letters(y.ndim - 1, x.ndim))
        x_letters[ax], y_letters[ay] = "z", "z"
        out_letters = x_letters[:ax] + x_letters[ax + 1 :] + y_letters[1:ay] + y_letters[ay + 1 :]
        out = ops.einsum(f"{''.join(x_letters)},{''.join(y_letters)}->{''.join(out_letters)}", x, y)
        return ops.expand_dims(out, -1) if out.ndim == 1 else out

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs, **kwargs):
    """Functional form of ``Add``: ``add([a, b])``.

    Args:
        inputs: a list of two or more tensors of one shape (or shapes that broadcast).
        **kwargs: the layer's arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.add([np.ones(2), np.ones(2)]).data.tolist()
    [2.0, 2.0]
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of ``Subtract``: ``subtract([a, b])`` = a - b.

    Args:
        inputs: a list of exactly two tensors, [a, b], of one shape.
        **kwargs: the layer's arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.subtract([np.array([3.0]), np.array([1.0])]).data.tolist()
    [2.0]
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of ``Multiply``.

    Args:
        inputs: a list of two or more tensors of one shape (or shapes that broadcast).
        **kwargs: the layer's arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.multiply([np.array([3.0]), np.array([2.0])]).data.tolist()
    [6.0]
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of ``Average``.

    Args:
        inputs: a list of two or more tensors of one shape (or shapes that broadcast).
        **kwargs: the layer's arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.average([np.array([3.0]), np.array([1.0])]).data.tolist()
    [2.0]
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of ``Maximum``.

    Args:
        inputs: a list of two or more tensors of one shape (or shapes that broadcast).
        **kwargs: the layer's arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.maximum([np.array([3.0]), np.array([1.0])]).data.tolist()
    [3.0]
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of ``Minimum``.

    Args:
        inputs: a list of two or more tensors of one shape (or shapes that broadcast).
        **kwargs: the layer's arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.minimum([np.array([3.0]), np.array([1.0])]).data.tolist()
    [1.0]
    """
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of ``Concatenate``.

    Args:
        inputs: a list of tensors that match on every axis but ``axis``.
        axis: the axis along which they are joined (the last by default).
        **kwargs: the layer's arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.concatenate([np.ones((1, 2)), np.ones((1, 3))]).shape
    (1, 5)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of ``Dot``: ``dot([a, b], axes=1)``.

    Args:
        inputs: a list of exactly two tensors.
        axes: an int (the same axis of both) or a pair of axes, as ``Dot`` takes.
        **kwargs: the layer's other arguments (normalize, name, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.dot([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])], axes=1).data.tolist()
    [[11.0]]
    """
    return Dot(axes=axes, **kwargs)(inputs)
