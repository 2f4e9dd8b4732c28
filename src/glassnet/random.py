"""``keras.random``: random tensors from NumPy's generators, with Keras's seeding rules.

Every sampler takes ``seed``:

- an int: a fresh generator from that seed, so the same call gives the same numbers every time;
- a ``SeedGenerator``: its generator, which moves on with each draw, so repeated calls differ but
  two SeedGenerators made with the same seed give the same sequence;
- None: glassnet's shared generator (``glassnet.backend.get_generator()``), which
  ``keras.utils.set_random_seed`` reseeds, so a whole run is repeatable.

The draws are NumPy's own (``Generator.standard_normal``, ``.gamma``, ``.binomial``...); float
samples are drawn in float64 and cast to the requested dtype (floatx by default). ``dropout`` and
``shuffle`` take a tensor and are differentiable.

Example:

>>> import glassnet as keras
>>> a = keras.random.normal((2,), seed=7)
>>> b = keras.random.normal((2,), seed=7)
>>> bool((a.data == b.data).all()), a.dtype
(True, dtype('float32'))
"""

import numpy as np

from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import get_generator, standardize_dtype, xp
from glassnet.backend.naming import snake_case, unique_name
from glassnet.ops.dropout import dropout as _dropout_op
from glassnet.ops.manipulation import take
from glassnet.ops.operation import keras_op


class SeedGenerator:
    """A seeded source of random numbers that moves on with each draw.

    Pass it as ``seed=`` to the samplers (and to initializers): each call then gives new numbers,
    and the whole sequence is fixed by the seed. Layers that draw random numbers in ``call``
    (dropout, noise, a VAE's sampling step) keep one as an attribute.

    Args:
        seed: an int; None draws one from glassnet's shared generator (so
            ``keras.utils.set_random_seed`` fixes it too).
        name: a name (unique by default).

    Attributes:
        generator: the ``numpy.random.Generator`` the draws come from.

    Example:

    >>> import glassnet as keras
    >>> first, second = keras.random.SeedGenerator(42), keras.random.SeedGenerator(42)
    >>> a = keras.random.uniform((3,), seed=first)
    >>> bool((a.data == keras.random.uniform((3,), seed=second).data).all())
    True
    >>> bool((a.data == keras.random.uniform((3,), seed=first).data).all())
    False
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)  # Keras's backend override; there is one backend here
        if kwargs:
            raise ValueError(f"SeedGenerator: unexpected arguments {sorted(kwargs)}")
        self._initial_seed = seed
        if seed is None:
            seed = int(get_generator().integers(1, 10**9))
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"SeedGenerator: seed must be an int or None, got {seed!r}")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.generator = np.random.default_rng(int(seed) & 0xFFFFFFFFFFFFFFFF)

    def next(self, ordered=True):
        """A new seed drawn from the generator: two uint32 values, Keras's seed format.

        Args:
            ordered: accepted for Keras compatibility.

        Example:

        >>> import glassnet as keras
        >>> keras.random.SeedGenerator(1).next().dtype
        dtype('uint32')
        """
        del ordered
        return self.generator.integers(0, 2**32, size=2, dtype=np.uint32)

    def get_config(self):
        """{"seed": the seed given (None if none was), "name": ...}."""
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        """A SeedGenerator from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name} seed={self._initial_seed}>"


def _generator(seed, where):
    """The numpy Generator a draw with this ``seed`` argument uses."""
    if seed is None:
        return get_generator()
    if isinstance(seed, SeedGenerator):
        return seed.generator
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(int(seed) & 0xFFFFFFFFFFFFFFFF)
    raise ValueError(
        f"random.{where}: seed must be None, an int or a keras.random.SeedGenerator, got {seed!r}"
    )


def _float_dtype(dtype, where):
    dtype = standardize_dtype(dtype)
    if dtype.kind != "f":
        raise ValueError(f"random.{where}: dtype must be a float dtype, got {dtype}")
    return dtype


def _shape(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(n) for n in shape)


def _value(x):
    return xp.asarray(getattr(x, "data", x))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from N(mean, stddev**2).

    Args:
        shape: the shape of the result.
        mean, stddev: floats (or arrays broadcastable to ``shape``).
        dtype: a float dtype (default floatx).
        seed: None, an int or a SeedGenerator (see the module docstring).

    Example:

    >>> import glassnet as keras
    >>> keras.random.normal((2, 3), seed=0).shape
    (2, 3)
    """
    dtype = _float_dtype(dtype, "normal")
    draws = _generator(seed, "normal").standard_normal(_shape(shape))
    return Tensor((draws * _value(stddev) + _value(mean)).astype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples from the uniform distribution on [minval, maxval).

    Args:
        shape: the shape of the result.
        minval, maxval: the bounds.
        dtype: a float dtype (default floatx); use ``randint`` for integers.
        seed: None, an int or a SeedGenerator.

    Example:

    >>> import glassnet as keras
    >>> x = keras.random.uniform((1000,), -2.0, 2.0, seed=1).data
    >>> bool(x.min() >= -2.0 and x.max() < 2.0)
    True
    """
    dtype = _float_dtype(dtype, "uniform")
    draws = _generator(seed, "uniform").uniform(_value(minval), _value(maxval), _shape(shape))
    return Tensor(draws.astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples from N(mean, stddev**2) restricted to within 2 standard deviations of the mean
    (draws outside are drawn again).

    Args:
        shape: the shape of the result.
        mean: the mean of the distribution (0.0).
        stddev: its standard deviation (1.0).
        dtype: a float dtype (floatx by default).
        seed: None (glassnet's shared generator), an int or a SeedGenerator.

    Example:

    >>> import glassnet as keras
    >>> x = keras.random.truncated_normal((1000,), seed=2).data
    >>> bool(abs(x).max() <= 2.0)
    True
    """
    dtype = _float_dtype(dtype, "truncated_normal")
    rng = _generator(seed, "truncated_normal")
    draws = rng.standard_normal(_shape(shape))
    outside = np.abs(draws) > 2
    while outside.any():
        draws[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(draws) > 2
    return Tensor((draws * _value(stddev) + _value(mean)).astype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers drawn uniformly from [minval, maxval).

    Args:
        shape: the shape of the result.
        minval: the lowest value drawn.
        maxval: one more than the highest value drawn.
        dtype: an integer dtype ("int32" by default).
        seed: None (glassnet's shared generator), an int or a SeedGenerator.

    Example:

    >>> import glassnet as keras
    >>> x = keras.random.randint((100,), 0, 3, seed=0)
    >>> x.dtype, sorted(set(x.data.tolist()))
    (dtype('int32'), [0, 1, 2])
    """
    dtype = standardize_dtype(dtype)
    if dtype.kind not in "iu":
        raise ValueError(f"random.randint: dtype must be an integer dtype, got {dtype}")
    draws = _generator(seed, "randint").integers(_value(minval), _value(maxval), _shape(shape))
    return Tensor(draws.astype(dtype))


@keras_op(name="random.categorical")
def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from the categorical distributions softmax(logits).

    Args:
        logits: (batch, num_classes) unnormalised log-probabilities.
        num_samples: draws per row.
        dtype: an integer dtype.
        seed: None, an int or a SeedGenerator.

    Returns:
        (batch, num_samples) integer tensor.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> logits = np.log(np.array([[0.0, 1.0], [1.0, 0.0]]) + 1e-30)
    >>> keras.random.categorical(logits, 3, seed=0).data.tolist()
    [[1, 1, 1], [0, 0, 0]]
    """
    logits = _value(logits).astype(np.float64)
    if logits.ndim != 2:
        raise ValueError(
            f"random.categorical: logits must be (batch, num_classes), got shape {logits.shape}"
        )
    dtype = standardize_dtype(dtype)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    cumulative = np.cumsum(probabilities, axis=1)
    cumulative /= cumulative[:, -1:]
    draws = _generator(seed, "categorical").random((logits.shape[0], int(num_samples)))
    # inverse CDF: the first class whose cumulative probability exceeds the draw
    classes = (draws[:, :, None] >= cumulative[:, None, :]).sum(axis=-1)
    return Tensor(np.minimum(classes, logits.shape[1] - 1).astype(dtype))


@keras_op(name="random.dropout")
def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zero each entry with probability ``rate``, scale the rest by 1 / (1 - rate).

    Args:
        inputs: tensor.
        rate: the drop probability, in [0, 1).
        noise_shape: the mask's shape, broadcast against inputs (None entries: inputs' size).
        seed: None, an int or a SeedGenerator.

    Returns:
        tensor of inputs' shape; differentiable.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> sorted(set(keras.random.dropout(np.ones(100), 0.5, seed=0).data.tolist()))
    [0.0, 2.0]
    """
    return _dropout_op.eager(inputs, rate, noise_shape=noise_shape, rng=_generator(seed, "dropout"))


@keras_op(name="random.shuffle")
def shuffle(x, axis=0, seed=None):
    """x with its slices along ``axis`` in a random order (differentiable).

    Args:
        x: a tensor or array.
        axis: the axis whose slices are reordered (0, the first, by default).
        seed: None (glassnet's shared generator), an int or a SeedGenerator.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> sorted(keras.random.shuffle(np.arange(5), seed=0).data.tolist())
    [0, 1, 2, 3, 4]
    """
    x = as_tensor(x, where="random.shuffle")
    order = _generator(seed, "shuffle").permutation(x.shape[axis])
    return take(x, order, axis=axis)


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples from the Gamma distribution with shape ``alpha`` and scale 1.

    Args:
        shape: the shape of the result.
        alpha: the shape parameter of the distribution (positive).
        dtype: a float dtype (floatx by default).
        seed: None (glassnet's shared generator), an int or a SeedGenerator.

    Example:

    >>> import glassnet as keras
    >>> bool((keras.random.gamma((100,), alpha=2.0, seed=0).data > 0).all())
    True
    """
    dtype = _float_dtype(dtype, "gamma")
    draws = _generator(seed, "gamma").standard_gamma(_value(alpha), _shape(shape))
    return Tensor(draws.astype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Numbers of successes in ``counts`` trials of probability ``probabilities``.

    Args:
        shape: the shape of the result.
        counts: number of trials (int or array broadcastable to ``shape``).
        probabilities: success probability of each trial.
        dtype: the result's dtype (default floatx, as in Keras).
        seed: None, an int or a SeedGenerator.

    Example:

    >>> import glassnet as keras
    >>> x = keras.random.binomial((50,), counts=4, probabilities=0.5, seed=0).data
    >>> bool(x.min() >= 0 and x.max() <= 4)
    True
    """
    dtype = standardize_dtype(dtype)
    draws = _generator(seed, "binomial").binomial(
        _value(counts).astype(np.int64), _value(probabilities), _shape(shape)
    )
    return Tensor(draws.astype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples from the Beta(alpha, beta) distribution on [0, 1].

    Args:
        shape: the shape of the result.
        alpha: the first shape parameter (positive).
        beta: the second shape parameter (positive).
        dtype: a float dtype (floatx by default).
        seed: None (glassnet's shared generator), an int or a SeedGenerator.

    Example:

    >>> import glassnet as keras
    >>> x = keras.random.beta((100,), 2.0, 5.0, seed=0).data
    >>> bool(x.min() >= 0 and x.max() <= 1)
    True
    """
    dtype = _float_dtype(dtype, "beta")
    draws = _generator(seed, "beta").beta(_value(alpha), _value(beta), _shape(shape))
    return Tensor(draws.astype(dtype))


__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
