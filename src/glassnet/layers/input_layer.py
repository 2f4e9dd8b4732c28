"""The entry point of a functional model: ``Input(shape)`` makes a symbolic tensor to build on.

Example:

>>> from glassnet import layers
>>> x = layers.Input((784,))
>>> x.shape
(None, 784)
"""

from glassnet.autograd.symbolic import Node, SymbolicTensor
from glassnet.layers.layer import Layer


class InputLayer(Layer):
    """The layer behind ``Input``: it produces the model's input tensor and computes nothing.

    Args:
        shape: shape without the batch axis.
        batch_size: fixed batch size, or None.
        dtype: dtype of the input (default floatx; "int32" for ids, "string" for text).
        name: name of the input (keys of dict inputs refer to it).
        batch_shape: full shape, batch axis included, instead of shape + batch_size.
        input_shape: the older name of ``shape``.
        sparse: accepted for Keras compatibility and not used (inputs are dense arrays).
        ragged: accepted for Keras compatibility and not used.
        input_tensor: accepted for Keras compatibility and not used.
        optional: accepted for Keras compatibility and not used.
        **kwargs: the base ``Layer`` arguments.

    Example:

    >>> layer = InputLayer(shape=(3,), name="features")
    >>> layer.output
    <SymbolicTensor shape=(None, 3), dtype=float32, name=features>
    """

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        name=None,
        batch_shape=None,
        input_shape=None,
        sparse=None,
        ragged=None,
        input_tensor=None,
        optional=False,
        **kwargs,
    ):
        super().__init__(name=name, dtype=dtype, **kwargs)
        shape = shape if shape is not None else input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "InputLayer: give shape=(...) (without the batch axis) or batch_shape=(...)"
                )
            batch_shape = (batch_size,) + tuple(shape)
        self.batch_shape = tuple(batch_shape)
        self.built = True
        self._output = SymbolicTensor(self.batch_shape, self.dtype, name=self.name)
        self._output.node = Node(self, (), {}, [self._output])
        self._inbound_nodes.append(self._output.node)
        self.output_shape_ = self.batch_shape

    @property
    def output(self):
        """The symbolic tensor this input layer produces (what ``Input`` returns)."""
        return self._output

    def call(self, inputs):
        return inputs

    def get_config(self):
        return {"name": self.name, "batch_shape": self.batch_shape, "dtype": self.dtype}


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    name=None,
    batch_shape=None,
    tensor=None,
    sparse=None,
    ragged=None,
    optional=False,
):
    """A symbolic input of the given shape (without the batch axis), as ``keras.Input``.

    Args:
        shape: shape without the batch axis, e.g. ``(28, 28, 1)``.
        batch_size: fixed batch size, or None.
        dtype: input dtype (default floatx).
        name: the input's name.
        batch_shape: full shape with the batch axis, instead of shape + batch_size.

    Returns:
        a SymbolicTensor to call layers on.

    Example:

    >>> import glassnet as keras
    >>> inputs = keras.Input((4,))
    >>> outputs = keras.layers.Dense(2)(inputs)
    >>> keras.Model(inputs, outputs).output_shape
    (None, 2)
    """
    return InputLayer(
        shape=shape, batch_size=batch_size, dtype=dtype, name=name, batch_shape=batch_shape
    ).output
