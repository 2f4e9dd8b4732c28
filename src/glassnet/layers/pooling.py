"""Pooling layers: windowed max/average (1-D, 2-D) and global pooling."""

from glassnet import ops
from glassnet.layers.layer import InputSpec, Layer


class _Pooling(Layer):
    rank = 2
    op = None

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size, self.strides = pool_size, strides
        self.padding = padding.lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(
                f"{type(self).__name__}: padding must be 'valid' or 'same', got {padding!r}"
            )
        self.data_format = data_format or "channels_last"
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def call(self, inputs):
        x = (
            inputs
            if self.data_format == "channels_last"
            else ops.transpose(inputs, (0, *range(2, self.rank + 2), 1))
        )
        out = type(self).op(x, self.pool_size, self.strides, self.padding)
        return (
            out
            if self.data_format == "channels_last"
            else ops.transpose(out, (0, self.rank + 1, *range(1, self.rank + 1)))
        )

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
        }


class MaxPooling2D(_Pooling):
    """Largest value in each pool_size window (default 2x2, stride = pool_size)."""

    op = staticmethod(ops.max_pool2d)


class AveragePooling2D(_Pooling):
    op = staticmethod(ops.average_pool2d)


class MaxPooling1D(_Pooling):
    rank = 1
    op = staticmethod(ops.max_pool1d)


class AveragePooling1D(_Pooling):
    rank = 1
    op = staticmethod(ops.average_pool1d)


class _GlobalPooling(Layer):
    rank = 2
    reduce = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format, self.keepdims = data_format or "channels_last", keepdims
        self.supports_masking = self.rank == 1

    def call(self, inputs, mask=None):
        axes = (
            tuple(range(1, self.rank + 1))
            if self.data_format == "channels_last"
            else tuple(range(2, self.rank + 2))
        )
        if (
            mask is not None and type(self).reduce is ops.mean
        ):  # average over the unmasked steps only
            weights = ops.cast(ops.expand_dims(ops.convert_to_tensor(mask), -1), inputs.dtype)
            return ops.divide(
                ops.sum(ops.multiply(inputs, weights), axis=axes, keepdims=self.keepdims),
                ops.maximum(ops.sum(weights, axis=axes, keepdims=self.keepdims), 1.0),
            )
        return type(self).reduce(inputs, axis=axes, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(_GlobalPooling):
    reduce = staticmethod(ops.mean)


class GlobalMaxPooling2D(_GlobalPooling):
    reduce = staticmethod(ops.max)


class GlobalAveragePooling1D(_GlobalPooling):
    rank = 1
    reduce = staticmethod(ops.mean)


class GlobalMaxPooling1D(_GlobalPooling):
    rank = 1
    reduce = staticmethod(ops.max)


MaxPool2D, AvgPool2D, MaxPool1D, AvgPool1D = (
    MaxPooling2D,
    AveragePooling2D,
    MaxPooling1D,
    AveragePooling1D,
)
GlobalAvgPool2D, GlobalMaxPool2D, GlobalAvgPool1D, GlobalMaxPool1D = (
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
)
