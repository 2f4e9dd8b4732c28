"""Pooling layers: windowed max/average (1-D, 2-D, 3-D), global pooling, and adaptive pooling to a
fixed output size; channels_last by default, channels_first moved around the ops.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> layers.MaxPooling3D(2)(np.zeros((1, 4, 4, 4, 3), dtype="float32")).shape
(1, 2, 2, 2, 3)
>>> layers.AdaptiveAveragePooling2D((3, 5))(np.zeros((2, 7, 9, 4), dtype="float32")).shape
(2, 3, 5, 4)
"""

from glassnet import ops
from glassnet.layers.arguments import (
    ShapeFromArithmetic,
    as_tuple,
    conv_output_length,
    padding_mode,
    replace_spatial,
    spatial_axes,
    standard_data_format,
)
from glassnet.layers.layer import InputSpec, Layer
from glassnet.ops.pooling import (
    adaptive_average_pool,
    adaptive_max_pool,
    average_pool3d,
    max_pool3d,
)


def _to_last(x, rank, fmt):
    return x if fmt == "channels_last" else ops.transpose(x, (0, *range(2, rank + 2), 1))


def _from_last(x, rank, fmt):
    return x if fmt == "channels_last" else ops.transpose(x, (0, rank + 1, *range(1, rank + 1)))


class _Pooling(ShapeFromArithmetic, Layer):
    rank = 2
    op = None

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        self.pool_size = as_tuple(pool_size, self.rank, f"{where} pool_size")
        self.strides = as_tuple(
            pool_size if strides is None else strides, self.rank, f"{where} strides"
        )
        self.padding = padding_mode(padding, where)
        self.data_format = standard_data_format(data_format, where)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        x = _to_last(inputs, self.rank, self.data_format)
        out = type(self).op(x, self.pool_size, self.strides, self.padding)
        return _from_last(out, self.rank, self.data_format)

    def compute_output_shape(self, input_shape):
        sizes = [
            conv_output_length(input_shape[axis], pool, stride, 1, self.padding)
            for axis, pool, stride in zip(
                spatial_axes(self.rank, self.data_format), self.pool_size, self.strides
            )
        ]
        if any(size is not None and size <= 0 for size in sizes):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': input shape {tuple(input_shape)} is "
                f"smaller than pool_size {self.pool_size} with padding='{self.padding}'"
            )
        return replace_spatial(input_shape, self.rank, self.data_format, sizes)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }


class MaxPooling1D(_Pooling):
    """Largest value in each window of ``pool_size`` steps (stride = pool_size by default).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.MaxPooling1D(2)(np.arange(4.0).reshape(1, 4, 1)).data.ravel().tolist()
    [1.0, 3.0]
    """

    rank = 1
    op = staticmethod(ops.max_pool1d)


class AveragePooling1D(_Pooling):
    """Mean of each window of ``pool_size`` steps ('same' padding cells are not counted).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AveragePooling1D(2)(np.arange(4.0).reshape(1, 4, 1)).data.ravel().tolist()
    [0.5, 2.5]
    """

    rank = 1
    op = staticmethod(ops.average_pool1d)


class MaxPooling2D(_Pooling):
    """Largest value in each pool_size window (default 2x2, stride = pool_size).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.MaxPooling2D()(np.arange(16.0).reshape(1, 4, 4, 1)).data.ravel().tolist()
    [5.0, 7.0, 13.0, 15.0]
    """

    op = staticmethod(ops.max_pool2d)


class AveragePooling2D(_Pooling):
    """Mean of each pool_size window ('same' padding cells are not counted).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AveragePooling2D()(np.arange(16.0).reshape(1, 4, 4, 1)).data.ravel().tolist()
    [2.5, 4.5, 10.5, 12.5]
    """

    op = staticmethod(ops.average_pool2d)


class MaxPooling3D(_Pooling):
    """Largest value in each 3-D window: (batch, d, h, w, channels) -> (batch, d', h', w',
    channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.MaxPooling3D()(np.arange(8.0).reshape(1, 2, 2, 2, 1)).data.ravel().tolist()
    [7.0]
    """

    rank = 3
    op = staticmethod(max_pool3d)


class AveragePooling3D(_Pooling):
    """Mean of each 3-D window.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AveragePooling3D()(np.arange(8.0).reshape(1, 2, 2, 2, 1)).data.ravel().tolist()
    [3.5]
    """

    rank = 3
    op = staticmethod(average_pool3d)


class _GlobalPooling(ShapeFromArithmetic, Layer):
    rank = 2
    reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standard_data_format(data_format, type(self).__name__)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _axes(self):
        return tuple(spatial_axes(self.rank, self.data_format))

    def call(self, inputs):
        return type(self).reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        channels_first = self.data_format == "channels_first"
        channels = input_shape[1] if channels_first else input_shape[-1]
        if not self.keepdims:
            return (input_shape[0], channels)
        ones = (1,) * self.rank
        return (
            (input_shape[0], channels, *ones)
            if channels_first
            else (input_shape[0], *ones, channels)
        )

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """Mean over the steps: (batch, steps, features) -> (batch, features); with a padding mask
    (Embedding(mask_zero=True)) only the unmasked steps count.

    Args:
        data_format: "channels_last" or "channels_first"; None means the configured
            ``image_data_format()``.
        keepdims: keep the steps axis, with size 1, instead of dropping it.
        **kwargs: the base ``Layer`` arguments (name, dtype, ...).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> x = np.array([[[1.0], [3.0], [9.0]]])
    >>> layers.GlobalAveragePooling1D()(x, mask=np.array([[True, True, False]])).data.tolist()
    [[2.0]]
    """

    rank = 1
    reduce = staticmethod(ops.mean)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        steps = self._axes()
        expanded = ops.expand_dims(
            ops.convert_to_tensor(mask), 2 if self.data_format == "channels_last" else 1
        )
        weights = ops.cast(expanded, inputs.dtype)
        return ops.divide(
            ops.sum(ops.multiply(inputs, weights), axis=steps, keepdims=self.keepdims),
            ops.sum(weights, axis=steps, keepdims=self.keepdims),
        )


class GlobalMaxPooling1D(_GlobalPooling):
    """Largest value over the steps: (batch, steps, features) -> (batch, features).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.GlobalMaxPooling1D()(np.array([[[1.0], [3.0], [2.0]]])).data.tolist()
    [[3.0]]
    """

    rank = 1
    reduce = staticmethod(ops.max)


class GlobalAveragePooling2D(_GlobalPooling):
    """Mean over height and width: (batch, h, w, channels) -> (batch, channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.GlobalAveragePooling2D()(np.ones((2, 3, 3, 4))).shape
    (2, 4)
    """

    reduce = staticmethod(ops.mean)


class GlobalMaxPooling2D(_GlobalPooling):
    """Largest value over height and width: (batch, h, w, channels) -> (batch, channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.GlobalMaxPooling2D(keepdims=True)(np.ones((2, 3, 3, 4))).shape
    (2, 1, 1, 4)
    """

    reduce = staticmethod(ops.max)


class GlobalAveragePooling3D(_GlobalPooling):
    """Mean over depth, height and width: (batch, d, h, w, channels) -> (batch, channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.GlobalAveragePooling3D()(np.ones((2, 3, 3, 3, 4))).shape
    (2, 4)
    """

    rank = 3
    reduce = staticmethod(ops.mean)


class GlobalMaxPooling3D(_GlobalPooling):
    """Largest value over depth, height and width: (batch, d, h, w, channels) -> (batch,
    channels).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.GlobalMaxPooling3D(data_format="channels_first")(np.ones((2, 4, 3, 3, 3))).shape
    (2, 4)
    """

    rank = 3
    reduce = staticmethod(ops.max)


class _AdaptivePooling(ShapeFromArithmetic, Layer):
    """Pool to ``output_size`` whatever the input size: window i of an axis of length L spans
    [floor(i L / n), ceil((i + 1) L / n)) (as Keras and PyTorch place them)."""

    rank = 2
    op = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        if isinstance(output_size, bool) or not isinstance(output_size, (int, tuple, list)):
            raise TypeError(
                f"{where}: output_size must be an int or a tuple of {self.rank} ints, got "
                f"{output_size!r}"
            )
        self.output_size = as_tuple(output_size, self.rank, f"{where} output_size")
        self.data_format = standard_data_format(data_format, where)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        return type(self).op(inputs, self.output_size, self.data_format)

    def compute_output_shape(self, input_shape):
        return replace_spatial(input_shape, self.rank, self.data_format, self.output_size)

    def get_config(self):
        return {
            **super().get_config(),
            "output_size": self.output_size,
            "data_format": self.data_format,
        }


class AdaptiveAveragePooling1D(_AdaptivePooling):
    """Average over adaptive windows to ``output_size`` steps.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AdaptiveAveragePooling1D(2)(np.arange(5.0).reshape(1, 5, 1)).data.ravel().tolist()
    [1.0, 3.0]
    """

    rank = 1
    op = staticmethod(adaptive_average_pool)


class AdaptiveAveragePooling2D(_AdaptivePooling):
    """Average over adaptive windows to ``output_size`` = (height, width).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AdaptiveAveragePooling2D(1)(np.ones((2, 5, 3, 4))).shape
    (2, 1, 1, 4)
    """

    rank = 2
    op = staticmethod(adaptive_average_pool)


class AdaptiveAveragePooling3D(_AdaptivePooling):
    """Average over adaptive windows to ``output_size`` = (depth, height, width).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AdaptiveAveragePooling3D((1, 2, 2))(np.ones((1, 3, 5, 4, 2))).shape
    (1, 1, 2, 2, 2)
    """

    rank = 3
    op = staticmethod(adaptive_average_pool)


class AdaptiveMaxPooling1D(_AdaptivePooling):
    """Maximum over adaptive windows to ``output_size`` steps.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AdaptiveMaxPooling1D(2)(np.arange(5.0).reshape(1, 5, 1)).data.ravel().tolist()
    [2.0, 4.0]
    """

    rank = 1
    op = staticmethod(adaptive_max_pool)


class AdaptiveMaxPooling2D(_AdaptivePooling):
    """Maximum over adaptive windows to ``output_size`` = (height, width).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AdaptiveMaxPooling2D((2, 3))(np.ones((2, 5, 7, 4))).shape
    (2, 2, 3, 4)
    """

    rank = 2
    op = staticmethod(adaptive_max_pool)


class AdaptiveMaxPooling3D(_AdaptivePooling):
    """Maximum over adaptive windows to ``output_size`` = (depth, height, width).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.AdaptiveMaxPooling3D(2, data_format="channels_first")(np.ones((1, 3, 5, 4, 4))).shape
    (1, 3, 2, 2, 2)
    """

    rank = 3
    op = staticmethod(adaptive_max_pool)


MaxPool1D, AvgPool1D = MaxPooling1D, AveragePooling1D
MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D
MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D
GlobalAvgPool1D, GlobalMaxPool1D = GlobalAveragePooling1D, GlobalMaxPooling1D
GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
GlobalAvgPool3D, GlobalMaxPool3D = GlobalAveragePooling3D, GlobalMaxPooling3D
