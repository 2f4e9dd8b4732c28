"""Normalization: (x - mean) / sqrt(variance) per feature, with statistics given or learnt by
``adapt()``."""

import math

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.backend import epsilon, xp
from glassnet.layers.layer import Layer


def _first(batch):
    """The inputs of a batch that may be an (x, y) or (x, y, sample_weight) tuple."""
    return batch[0] if isinstance(batch, tuple) else batch


def _as_numpy(value):
    return value.data if isinstance(value, Tensor) else xp.asarray(value)


class Normalization(Layer):
    """Shift and scale inputs to mean 0 and variance 1 per feature.

    The statistics are per index of the kept ``axis`` (features) and pooled over the other
    axes. Give them as ``mean``/``variance`` or learn them from data with ``adapt()``; adapted
    statistics are the non-trainable weights ``mean``, ``variance`` and ``count``.

    Args:
        axis: the axis (or axes) that keep separate statistics; -1 (default) for the last;
            None for one mean and variance over everything.
        mean, variance: the statistics (numbers or arrays broadcast over the kept axes).
        invert: apply the inverse, mean + x * sqrt(variance) (turns outputs back into data).

    Input: any float array whose kept axes have known sizes; output: the same shape.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Normalization
    >>> layer = Normalization()
    >>> layer.adapt(np.array([[0.0, 10.0], [2.0, 30.0]]))
    >>> layer(np.array([[1.0, 20.0]])).numpy()
    array([[0., 0.]], dtype=float32)
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        if (mean is None) != (variance is None):
            raise ValueError(
                f"Normalization: give both mean and variance or neither, got mean={mean} and "
                f"variance={variance}"
            )
        if mean is not None:
            if xp.shape(mean) != xp.shape(variance):
                raise ValueError(
                    f"Normalization: mean and variance must have the same shape, got "
                    f"{xp.shape(mean)} and {xp.shape(variance)}"
                )
            if len(xp.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"Normalization: mean has rank {len(xp.shape(mean))}, more than the "
                    f"{len(self.axis)} kept axes {self.axis}"
                )

    def build(self, input_shape):
        if input_shape is None:
            return
        ndim = len(input_shape)
        self._build_input_shape = tuple(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"Normalization '{self.name}': axis {self.axis} is out of range for inputs of "
                f"rank {ndim}"
            )
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep_axis:
            if input_shape[a] is None:
                raise ValueError(
                    f"Normalization '{self.name}': kept axis {a} must have a known size, got "
                    f"input shape {tuple(input_shape)}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                self._mean_and_var_shape, "zeros", name="mean", trainable=False
            )
            self.adapt_variance = self.add_weight(
                self._mean_and_var_shape, "ones", name="variance", trainable=False
            )
            self.count = self.add_weight((), "zeros", dtype="int64", name="count", trainable=False)
        self.built = True

    def _statistics(self):
        """(mean, variance) as arrays shaped to broadcast against the inputs."""
        if self.input_mean is None:
            mean = self.adapt_mean.data.reshape(self._broadcast_shape)
            variance = self.adapt_variance.data.reshape(self._broadcast_shape)
        else:
            mean = xp.asarray(self.input_mean, dtype=float)
            variance = xp.asarray(self.input_variance, dtype=float)
            if mean.ndim:  # the given values fill the last kept axes
                shape = [1] * len(self._broadcast_shape)
                for i in range(1, mean.ndim + 1):
                    shape[self._keep_axis[-i]] = mean.shape[-i]
                mean, variance = mean.reshape(shape), variance.reshape(shape)
            mean = xp.broadcast_to(mean, self._broadcast_shape)
            variance = xp.broadcast_to(variance, self._broadcast_shape)
        return mean.astype(self.dtype), variance.astype(self.dtype)

    def adapt(self, data):
        """Learn the mean and variance of ``data``: an array, a Tensor, or an iterable of
        batches (arrays, or (x, y) tuples whose x is used), pooled exactly."""
        if isinstance(data, (xp.ndarray, Tensor)):
            batches, input_shape = None, tuple(data.shape)
        elif hasattr(data, "__iter__"):
            batches = iter(data)
            first = next(batches, None)
            if first is None:
                raise ValueError(
                    f"Normalization '{self.name}': adapt() received an empty iterable; give an "
                    "array or at least one batch"
                )
            first = _first(first)
            if not hasattr(first, "shape"):
                raise TypeError(
                    f"Normalization '{self.name}': adapt() expects batches with a shape (arrays "
                    f"or Tensors), got {type(first).__name__}"
                )
            input_shape = tuple(first.shape)
            batches = _chain(first, batches)
        else:
            raise TypeError(
                f"Normalization '{self.name}': adapt() takes an array or an iterable of batches, "
                f"got {type(data).__name__}"
            )
        if not self.built:
            self.build(input_shape)
        else:
            self._check_shape(input_shape)
        if batches is None:
            array = _as_numpy(data).astype(xp.float64)
            total_mean = array.mean(axis=self._reduce_axis)
            total_var = array.var(axis=self._reduce_axis)
            count = math.prod(array.shape[d] for d in self._reduce_axis)
        else:
            total_mean = xp.zeros(self._mean_and_var_shape)
            total_var = xp.zeros(self._mean_and_var_shape)
            count = 0
            for batch in batches:
                batch = _as_numpy(_first(batch)).astype(xp.float64)
                self._check_shape(batch.shape)
                batch_mean = batch.mean(axis=self._reduce_axis)
                batch_var = batch.var(axis=self._reduce_axis)
                batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
                count += batch_count
                weight = batch_count / count
                new_mean = total_mean * (1 - weight) + batch_mean * weight
                # pooled variance: each part's variance plus its mean's squared distance
                total_var = (total_var + (total_mean - new_mean) ** 2) * (1 - weight) + (
                    batch_var + (batch_mean - new_mean) ** 2
                ) * weight
                total_mean = new_mean
        self.adapt_mean.assign(xp.asarray(total_mean, dtype=self.dtype))
        self.adapt_variance.assign(xp.asarray(total_var, dtype=self.dtype))
        self.count.assign(xp.asarray(count, dtype="int64"))

    def _check_shape(self, shape):
        for d in self._keep_axis:
            if shape[d] != self._build_input_shape[d]:
                raise ValueError(
                    f"Normalization '{self.name}': built for inputs of shape "
                    f"{self._build_input_shape}, got data of shape {tuple(shape)}"
                )

    def finalize_state(self):
        """Nothing to do: the statistics are read from the weights at every call."""

    def call(self, inputs):
        if not self.built or self._build_input_shape is None:
            raise ValueError(
                f"Normalization '{self.name}': call build(input_shape) or adapt() first"
            )
        mean, variance = self._statistics()
        inputs = ops.cast(inputs, self.dtype)
        scale = ops.maximum(ops.sqrt(variance), epsilon())
        if self.invert:
            return ops.add(mean, ops.multiply(inputs, scale))
        return ops.divide(ops.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": _listify(self.input_mean),
            "variance": _listify(self.input_variance),
        }

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config):
        if config:
            self.build(config["input_shape"])


def _listify(value):
    return None if value is None else xp.asarray(value).tolist()


def _chain(first, rest):
    yield first
    yield from rest
