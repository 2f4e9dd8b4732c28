"""Activation functions as layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> layers.ReLU()(np.array([-1.0, 2.0])).data.tolist()
[0.0, 2.0]
"""

from glassnet import constraints, initializers, ops, regularizers
from glassnet.layers.layer import Layer


class ReLU(Layer):
    """Rectified linear unit with Keras's options: min(max_value, x) for x >= threshold,
    negative_slope * (x - threshold) below.

    Args:
        max_value: upper bound of the output (None: unbounded).
        negative_slope: slope below the threshold.
        threshold: where the slope changes.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.ReLU(max_value=2.0)(np.array([-1.0, 1.0, 3.0])).data.tolist()
    [0.0, 1.0, 2.0]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value, self.negative_slope, self.threshold = (
            max_value,
            float(negative_slope),
            float(threshold),
        )
        self.supports_masking = True

    def call(self, inputs):
        if self.negative_slope == 0 and self.threshold == 0:
            x = ops.relu(inputs)
        else:
            shifted = ops.subtract(inputs, self.threshold)
            x = ops.where(
                inputs.data >= self.threshold, inputs, ops.multiply(shifted, self.negative_slope)
            )
        return x if self.max_value is None else ops.minimum(x, float(self.max_value))

    def get_config(self):
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(Layer):
    """x for x >= 0, negative_slope * x below (Keras's layer default slope: 0.3).

    Args:
        negative_slope: the slope below zero (``alpha`` is Keras 2's name for it).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> [round(float(v), 2) for v in layers.LeakyReLU()(np.array([-1.0, 2.0])).data]
    [-0.3, 2.0]
    """

    def __init__(self, negative_slope=0.3, alpha=None, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope if alpha is None else alpha)
        self.supports_masking = True

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """Leaky ReLU whose slope ``alpha`` is learned: relu(x) - alpha * relu(-x), one alpha per input
    entry (batch excluded) unless ``shared_axes`` shares it along some axes.

    Args:
        alpha_initializer, alpha_regularizer, alpha_constraint: for the slopes.
        shared_axes: axes (counting the batch as 0) along which one slope is shared.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.PReLU(alpha_initializer="ones")(np.array([[-2.0, 3.0]])).data.tolist()
    [[-2.0, 3.0]]
    """

    def __init__(
        self,
        alpha_initializer="zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = (
            None
            if shared_axes is None
            else tuple([shared_axes] if isinstance(shared_axes, int) else shared_axes)
        )

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            shape[axis - 1] = 1
        self.alpha = self.add_weight(
            tuple(shape),
            self.alpha_initializer,
            name="alpha",
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )

    def call(self, inputs):
        # relu(x) - alpha * relu(-x)
        return ops.subtract(
            ops.relu(inputs), ops.multiply(self.alpha, ops.relu(ops.negative(inputs)))
        )

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": None
            if self.alpha_regularizer is None
            else regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": None
            if self.alpha_constraint is None
            else constraints.serialize(self.alpha_constraint),
            "shared_axes": None if self.shared_axes is None else list(self.shared_axes),
        }


class ELU(Layer):
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below.

    Args:
        alpha: the scale of the negative part.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> [round(float(v), 4) for v in layers.ELU()(np.array([-1.0, 2.0])).data]
    [-0.6321, 2.0]
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax along ``axis``; masked positions (a boolean ``mask``) get no probability.

    Args:
        axis: the axis (or axes) the probabilities sum to one over.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.Softmax()(np.array([[1.0, 1.0]])).data.tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is not None:  # masked positions get (almost) no probability
            inputs = ops.where(mask, inputs, -1e9)
        return ops.softmax(inputs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
