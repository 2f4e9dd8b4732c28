"""Regularisation layers, active only while training (identity in inference): noise
(GaussianNoise, GaussianDropout, AlphaDropout), dropout of whole channels (SpatialDropout1D/2D/3D),
and ActivityRegularization, which adds a penalty on its input to the training loss.

Each random layer draws from its own generator when given ``seed=``, otherwise from glassnet's
seeded global one (``keras.utils.set_random_seed``).

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> noise = layers.GaussianNoise(0.1, seed=0)
>>> noise(np.ones(3)).data.tolist()  # inference: unchanged
[1.0, 1.0, 1.0]
>>> bool((noise(np.ones(3), training=True).data != 1.0).all())
True
"""

import math

from glassnet import ops, regularizers
from glassnet.backend import get_generator, xp
from glassnet.layers.arguments import standard_data_format
from glassnet.layers.core import Dropout
from glassnet.layers.layer import InputSpec, Layer

_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805


class _RandomLayer(Layer):
    """A layer with a ``rate`` or ``stddev`` in [0, 1] and a ``seed``."""

    def _init_random(self, name, value, seed):
        if not 0 <= value <= 1:
            raise ValueError(f"{type(self).__name__}: {name} must be in [0, 1], got {value!r}")
        self.seed = seed
        self._rng = None if seed is None else xp.random.default_rng(seed)
        self.supports_masking = True

    def _generator(self):
        return self._rng if self._rng is not None else get_generator()

    def compute_output_shape(self, input_shape):
        return input_shape


class GaussianNoise(_RandomLayer):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` while training.

    Args:
        stddev: the noise's standard deviation, in [0, 1].
        seed: int for a generator of its own.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> out = layers.GaussianNoise(0.5, seed=1)(np.zeros((1000,)), training=True).data
    >>> bool(0.45 < out.std() < 0.55)
    True
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_random("stddev", stddev, seed)
        self.stddev = stddev

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = self._generator().normal(0.0, self.stddev, inputs.shape).astype(inputs.dtype)
        return ops.add(inputs, noise)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_RandomLayer):
    """Multiplies the inputs by Gaussian noise of mean 1 and standard deviation
    sqrt(rate / (1 - rate)) while training.

    Args:
        rate: the equivalent dropout rate, in [0, 1].
        seed: int for a generator of its own.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> out = layers.GaussianDropout(0.5, seed=1)(np.ones((2000,)), training=True).data
    >>> bool(0.95 < out.mean() < 1.05 and 0.95 < out.std() < 1.05)
    True
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_random("rate", rate, seed)
        self.rate = rate

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = self._generator().normal(1.0, stddev, inputs.shape).astype(inputs.dtype)
        return ops.multiply(inputs, noise)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(_RandomLayer):
    """Dropout for SELU networks: dropped units take SELU's negative saturation value and an
    affine correction keeps the inputs' mean and variance (Klambauer et al., 2017).

    Args:
        rate: fraction of units to drop, in [0, 1].
        noise_shape: shape of the keep mask (None entries take the input's size), e.g.
            (batch, 1, features) to drop the same features at every step.
        seed: int for a generator of its own.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> x = np.random.default_rng(0).standard_normal(20000)
    >>> out = layers.AlphaDropout(0.2, seed=0)(x, training=True).data
    >>> bool(abs(out.mean()) < 0.05 and abs(out.std() - 1) < 0.05)
    True
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_random("rate", rate, seed)
        self.rate, self.noise_shape = rate, noise_shape

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(n if m is None else m for n, m in zip(inputs.shape, self.noise_shape))
        keep = (self._generator().uniform(size=shape) >= self.rate).astype(inputs.dtype)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        # a * (x * keep + alpha_p * (1 - keep)) + b
        dropped = ops.add(ops.multiply(inputs, keep), alpha_p * (1 - keep))
        return ops.add(ops.multiply(dropped, a), b)

    def get_config(self):
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }


class _SpatialDropout(Dropout):
    """Dropout of whole feature maps: one keep/drop draw per (sample, channel)."""

    rank = 1

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.data_format = standard_data_format(data_format, type(self).__name__)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _noise_shape(self, shape):
        if self.data_format == "channels_first":
            return (shape[0], shape[1]) + (1,) * self.rank
        return (shape[0],) + (1,) * self.rank + (shape[-1],)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        return ops.dropout(inputs, self.rate, self._noise_shape(inputs.shape), rng=self._rng)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            "rate": self.rate,
            "seed": self.seed,
            "name": self.name,
            "dtype": self.dtype,
            "data_format": self.data_format,
        }


class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature channels of (batch, steps, channels) sequences while training.

    Args:
        rate: the fraction of channels dropped, in [0, 1); the kept ones are scaled by
            1 / (1 - rate).
        seed: an int for repeatable draws; None draws from glassnet's shared generator.
        name: the layer's name.
        dtype: the layer's dtype.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> out = layers.SpatialDropout1D(0.5, seed=0)(np.ones((1, 4, 6)), training=True).data
    >>> bool((out == out[:, :1]).all())  # a channel is kept or dropped at every step
    True
    """

    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None):
        super().__init__(rate, "channels_last", seed, name, dtype)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of (batch, h, w, channels) images while training.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> out = layers.SpatialDropout2D(0.5, seed=0)(np.ones((2, 3, 3, 4)), training=True).data
    >>> bool((out == out[:, :1, :1]).all())
    True
    """

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of (batch, d, h, w, channels) inputs while training.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.SpatialDropout3D(0.5)(np.ones((1, 2, 2, 2, 3))).shape
    (1, 2, 2, 2, 3)
    """

    rank = 3


class ActivityRegularization(Layer):
    """Passes its input through and adds l1 * sum|x| + l2 * sum(x^2) (divided by the batch size,
    as Keras does) to the training loss.

    Args:
        l1, l2: the penalties' factors.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layer = layers.ActivityRegularization(l1=0.5)
    >>> _ = layer(np.array([[1.0, -2.0], [3.0, 0.0]]))
    >>> float(layer.losses[0])  # 0.5 * 6 / 2 samples
    1.5
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
