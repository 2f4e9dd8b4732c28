"""Weight initializers with Keras's names, defaults and configs; each is called as
``initializer(shape, dtype)`` and returns a NumPy array.

Random ones draw from glassnet's shared generator (seeded by ``utils.set_random_seed``) unless
given their own ``seed``: an integer seed gives the same values on every call.
"""

import math

import numpy as np

from glassnet.backend import get_generator, standardize_dtype
from glassnet.backend.naming import lookup, snake_case


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` (and ``get_config``).

    Example:

    >>> import numpy as np
    >>> from glassnet import initializers
    >>> class Twos(initializers.Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return np.full(shape, 2.0, dtype=dtype or "float32")
    >>> Twos()((2,))
    array([2., 2.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__}: initializers implement __call__(shape, dtype=None)"
        )

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        """A new initializer with the same configuration (``from_config(get_config())``)."""
        return type(self).from_config(self.get_config())


class RandomInitializer(Initializer):
    """Base of the random initializers: holds the seed and hands out the generator to draw from.

    Args:
        seed: None (glassnet's shared generator), an int (a fresh generator with that seed at
            every call: the same values every time) or a ``numpy.random.Generator`` (drawn from
            in turn); an object with a ``generator`` attribute holding one is accepted too.

    Example:

    >>> import numpy as np
    >>> from glassnet import initializers
    >>> class Gaussian(initializers.RandomInitializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return self._rng().standard_normal(shape).astype(dtype or "float32")
    >>> bool((Gaussian(seed=1)((3,)) == Gaussian(seed=1)((3,))).all())
    True
    """

    def __init__(self, seed=None):
        generator = getattr(seed, "generator", None)
        if not (
            seed is None
            or isinstance(seed, np.random.Generator)
            or isinstance(generator, np.random.Generator)
            or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0)
        ):
            raise ValueError(
                f"{type(self).__name__}: seed must be None, a non-negative int or a "
                f"numpy.random.Generator, got {seed!r}"
            )
        self.seed = seed

    def _rng(self):
        if self.seed is None:
            return get_generator()
        if isinstance(self.seed, np.random.Generator):
            return self.seed
        if isinstance(getattr(self.seed, "generator", None), np.random.Generator):
            return self.seed.generator
        return np.random.default_rng(int(self.seed))

    def get_config(self):
        return {"seed": self.seed if self.seed is None or _is_int(self.seed) else None}


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


class Zeros(Initializer):
    """All zeros.

    Example:

    >>> from glassnet import initializers
    >>> initializers.Zeros()((2,))
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """All ones.

    Example:

    >>> from glassnet import initializers
    >>> initializers.Ones()((2,), dtype="int32")
    array([1, 1], dtype=int32)
    """

    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=standardize_dtype(dtype))


class Constant(Initializer):
    """Every element ``value`` (a number, or an array broadcast to the shape).

    Args:
        value: the value.

    Example:

    >>> from glassnet import initializers
    >>> initializers.Constant(0.5)((2,))
    array([0.5, 0.5], dtype=float32)
    """

    def __init__(self, value=0.0):
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            value = np.array(value["config"]["value"], dtype=value["config"].get("dtype"))
        self.value = value

    def __call__(self, shape, dtype=None):
        return np.broadcast_to(np.asarray(self.value), shape).astype(standardize_dtype(dtype))

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray) or isinstance(value, np.generic):
            value = np.asarray(value).tolist()
        return {"value": value}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes; rectangular ones get ones on the diagonal).

    Args:
        gain: the diagonal's value.

    Example:

    >>> from glassnet import initializers
    >>> initializers.Identity(gain=2.0)((2, 3))
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(
                f"Identity: the identity initializer needs a 2-D shape, got {tuple(shape)}"
            )
        return (self.gain * np.eye(*shape)).astype(standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


class RandomNormal(RandomInitializer):
    """Normal draws with mean ``mean`` and standard deviation ``stddev``.

    Args:
        mean: the mean.
        stddev: the standard deviation.
        seed: see ``RandomInitializer``.

    Example:

    >>> from glassnet import initializers
    >>> init = initializers.RandomNormal(stddev=1.0, seed=3)
    >>> bool((init((2, 2)) == init((2, 2))).all())
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        values = self._rng().normal(self.mean, self.stddev, shape)
        return values.astype(standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform draws in [minval, maxval).

    Args:
        minval: the lower bound.
        maxval: the upper bound.
        seed: see ``RandomInitializer``.

    Example:

    >>> from glassnet import initializers
    >>> values = initializers.RandomUniform(0.0, 1.0, seed=0)((100,))
    >>> bool(values.min() >= 0.0 and values.max() < 1.0)
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        values = self._rng().uniform(self.minval, self.maxval, shape)
        return values.astype(standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def _truncated_normal(rng, shape, mean, stddev):
    # standard normal draws, those beyond two standard deviations drawn again
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return mean + stddev * values


class TruncatedNormal(RandomInitializer):
    """Normal draws, redrawn where they fall more than two standard deviations from the mean.

    Args:
        mean: the mean.
        stddev: the standard deviation before truncation.
        seed: see ``RandomInitializer``.

    Example:

    >>> from glassnet import initializers
    >>> values = initializers.TruncatedNormal(stddev=1.0, seed=0)((1000,))
    >>> bool(abs(values).max() <= 2.0)
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        values = _truncated_normal(self._rng(), shape, self.mean, self.stddev)
        return values.astype(standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) as Keras computes them.

    A conv kernel (..., in, out) counts its receptive field; ``input_axes``/``output_axes``
    (both given) name the axes whose sizes multiply into each fan instead.

    Args:
        shape: the weight's shape; for rank > 2, the last two axes are (in, out) and the others
            the receptive field.
        input_axes: the axes whose sizes multiply into fan_in (with ``output_axes``), or None.
        output_axes: the axes whose sizes multiply into fan_out, or None.

    Example:

    >>> from glassnet.initializers import compute_fans
    >>> compute_fans((3, 3, 16, 32)), compute_fans((4, 5, 6), input_axes=[0], output_axes=[1, 2])
    ((144, 288), (4, 30))
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (
            int(math.prod(shape[axis] for axis in input_axes)),
            int(math.prod(shape[axis] for axis in output_axes)),
        )
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return int(shape[-2] * receptive), int(shape[-1] * receptive)


class VarianceScaling(RandomInitializer):
    """Draws with variance scale / n, n = fan_in, fan_out or their mean (at least 1).

    "truncated_normal" (or "normal") divides the standard deviation by 0.8796 so that the
    truncated draws keep the variance; "uniform" draws in [-sqrt(3 var), sqrt(3 var)].

    Args:
        scale: > 0.
        mode: "fan_in", "fan_out" or "fan_avg".
        distribution: "truncated_normal" (same as "normal"), "untruncated_normal" or "uniform".
        seed: see ``RandomInitializer``.
        input_axes: axes counted in fan_in (with output_axes), for kernels of other layouts.
        output_axes: axes counted in fan_out.

    Example:

    >>> from glassnet import initializers
    >>> init = initializers.VarianceScaling(2.0, "fan_in", "untruncated_normal", seed=0)
    >>> round(float(init((400, 400)).std() ** 2 * 400), 1)
    2.0
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        if scale <= 0:
            raise ValueError(f"VarianceScaling: scale must be > 0, got {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(
                f"VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}"
            )
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(
                "VarianceScaling: distribution must be 'truncated_normal', 'untruncated_normal' "
                f"or 'uniform', got {distribution!r}"
            )
        super().__init__(seed)
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
        variance = self.scale / max(1.0, fan[self.mode])
        rng = self._rng()
        if self.distribution == "uniform":
            limit = math.sqrt(3 * variance)
            values = rng.uniform(-limit, limit, shape)
        elif self.distribution == "untruncated_normal":
            values = rng.normal(0.0, math.sqrt(variance), shape)
        else:  # the std of a normal truncated at 2 sigma is 0.8796 of the untruncated one
            values = _truncated_normal(rng, shape, 0.0, math.sqrt(variance) / 0.87962566103423978)
        return values.astype(standardize_dtype(dtype))

    def _axes_config(self):
        # Keras 3.15 writes the axes always; they are left out while unset so that configs
        # stay readable by the Keras versions before them
        return {
            key: value
            for key, value in (("input_axes", self.input_axes), ("output_axes", self.output_axes))
            if value is not None
        }

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **self._axes_config(),
        }


class _PresetVarianceScaling(VarianceScaling):
    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "truncated_normal"

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(self.SCALE, self.MODE, self.DISTRIBUTION, seed, input_axes, output_axes)

    def get_config(self):
        return {**RandomInitializer.get_config(self), **self._axes_config()}


class GlorotUniform(_PresetVarianceScaling):
    """Glorot (Xavier) uniform: limit sqrt(6 / (fan_in + fan_out)); Dense's default kernel.

    Args:
        seed: see ``RandomInitializer``.
        input_axes: see ``VarianceScaling``.
        output_axes: see ``VarianceScaling``.

    Example:

    >>> from glassnet import initializers
    >>> bool(abs(initializers.GlorotUniform(seed=0)((10, 50))).max() <= (6 / 60) ** 0.5)
    True
    """

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_avg", "uniform"


class GlorotNormal(_PresetVarianceScaling):
    """Glorot (Xavier) truncated normal: variance 2 / (fan_in + fan_out).

    Args:
        seed: see ``RandomInitializer``.
        input_axes: see ``VarianceScaling``.
        output_axes: see ``VarianceScaling``.

    Example:

    >>> from glassnet import initializers
    >>> initializers.GlorotNormal(seed=0)((3, 2)).shape
    (3, 2)
    """

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_avg", "truncated_normal"


class HeUniform(_PresetVarianceScaling):
    """He (Kaiming) uniform: limit sqrt(6 / fan_in); suited to ReLU.

    Args:
        seed: see ``RandomInitializer``.
        input_axes: see ``VarianceScaling``.
        output_axes: see ``VarianceScaling``.

    Example:

    >>> from glassnet import initializers
    >>> bool(abs(initializers.HeUniform(seed=0)((24, 5))).max() <= 0.5)
    True
    """

    SCALE, MODE, DISTRIBUTION = 2.0, "fan_in", "uniform"


class HeNormal(_PresetVarianceScaling):
    """He (Kaiming) truncated normal: variance 2 / fan_in.

    Args:
        seed: see ``RandomInitializer``.
        input_axes: see ``VarianceScaling``.
        output_axes: see ``VarianceScaling``.

    Example:

    >>> from glassnet import initializers
    >>> initializers.HeNormal(seed=0)((3, 3, 2, 4)).shape
    (3, 3, 2, 4)
    """

    SCALE, MODE, DISTRIBUTION = 2.0, "fan_in", "truncated_normal"


class LecunUniform(_PresetVarianceScaling):
    """LeCun uniform: limit sqrt(3 / fan_in).

    Args:
        seed: see ``RandomInitializer``.
        input_axes: see ``VarianceScaling``.
        output_axes: see ``VarianceScaling``.

    Example:

    >>> from glassnet import initializers
    >>> bool(abs(initializers.LecunUniform(seed=0)((12, 5))).max() <= 0.5)
    True
    """

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "uniform"


class LecunNormal(_PresetVarianceScaling):
    """LeCun truncated normal: variance 1 / fan_in (for SELU networks).

    Args:
        seed: see ``RandomInitializer``.
        input_axes: see ``VarianceScaling``.
        output_axes: see ``VarianceScaling``.

    Example:

    >>> from glassnet import initializers
    >>> initializers.LecunNormal(seed=0)((4,)).shape
    (4,)
    """

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "truncated_normal"


class Orthogonal(RandomInitializer):
    """``gain`` times a random orthogonal matrix (rows or columns orthonormal), from the QR
    decomposition of a normal matrix; shapes of more than 2 dimensions are flattened to
    (prod(shape[:-1]), shape[-1]).

    Args:
        gain: the scale.
        seed: see ``RandomInitializer``.

    Example:

    >>> import numpy as np
    >>> from glassnet import initializers
    >>> q = initializers.Orthogonal(seed=0)((4, 4), dtype="float64")
    >>> bool(np.allclose(q.T @ q, np.eye(4)))
    True
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal: needs a shape with at least 2 dimensions, got {tuple(shape)}"
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        flat = self._rng().standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(flat)
        q *= np.sign(np.diag(r))  # makes the decomposition unique: q is uniformly distributed
        if rows < cols:
            q = q.T
        return (self.gain * q).reshape(shape).astype(standardize_dtype(dtype))

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


_NUMPY_WINDOWS = {
    "hann": np.hanning,
    "hanning": np.hanning,
    "hamming": np.hamming,
    "blackman": np.blackman,
    "bartlett": np.bartlett,
    "boxcar": np.ones,
    "rect": np.ones,
    "rectangular": np.ones,
    "ones": np.ones,
}


def get_window(window, length, periodic=False):
    """The window named ``window`` (NumPy's formulas for hann, hamming, blackman, bartlett and
    boxcar; SciPy's ``get_window`` for the others), ``length`` samples long. Periodic windows
    (for spectral analysis) are the symmetric window of length + 1 without its last sample.

    Args:
        window: the window's name ("hann", "hamming", "blackman", "bartlett", "boxcar" or
            another name SciPy knows).
        length: the number of samples.
        periodic: the periodic (DFT-even) form; False gives the symmetric one.

    Example:

    >>> from glassnet.initializers import get_window
    >>> get_window("hann", 4, periodic=True)
    array([0. , 0.5, 1. , 0.5])
    """
    name = window.lower() if isinstance(window, str) else None
    if name in _NUMPY_WINDOWS:
        if length == 1:
            return np.ones(1)
        return _NUMPY_WINDOWS[name](length + 1)[:-1] if periodic else _NUMPY_WINDOWS[name](length)
    import scipy.signal

    spec = tuple(window) if isinstance(window, list) else window
    try:
        values = scipy.signal.get_window(spec, length, fftbins=periodic)
    except ValueError as error:
        raise ValueError(
            f"get_window: unknown window {window!r} ({error}); use 'hann', 'hamming', "
            "'blackman', 'bartlett', 'boxcar' or a name scipy.signal.get_window knows"
        ) from None
    return np.asarray(values, dtype=np.float64)


class STFT(Initializer):
    """The kernel of a short-time Fourier transform as a 1-D convolution (frames x DFT bins).

    For shape (frame_length, input_channels, fft_bins), with N = 2 (fft_bins - 1):
    kernel[t, :, f] = cos(-2 pi t f / N) ("real") or sin(-2 pi t f / N) ("imag"), times the
    window w[t], divided by sqrt(sum w^2) ("density") or sum |w| ("spectrum").

    Args:
        side: "real" or "imag".
        window: a window name ("hann", "hamming", ...), an array of frame_length values, or None.
        scaling: "density", "spectrum" or None.
        periodic: use the periodic form of a named window.

    Example:

    >>> import numpy as np
    >>> from glassnet import initializers
    >>> kernel = initializers.STFT("real", window=None, scaling=None)((4, 1, 3), "float64")
    >>> np.round(kernel[:, 0, :], 12) + 0.0
    array([[ 1.,  1.,  1.],
           [ 1.,  0., -1.],
           [ 1., -1.,  1.],
           [ 1.,  0., -1.]])
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT: side must be 'real' or 'imag', got {side!r}")
        if isinstance(window, (str, tuple, list)) and not (
            isinstance(window, list) and window and not isinstance(window[0], str)
        ):
            get_window(window, 1)  # an unknown name fails here, not when the layer builds
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(
                f"STFT: scaling must be None, 'density' or 'spectrum', got {scaling!r}"
            )
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        if len(shape) != 3:
            raise ValueError(
                f"STFT: needs a shape (frame_length, input_channels, fft_bins), got {tuple(shape)}"
            )
        frame_length, channels, bins = shape
        time = np.arange(frame_length, dtype=np.float64)[:, None, None]
        frequency = np.arange(bins, dtype=np.float64)[None, None, :] / ((bins - 1) * 2)
        angle = -2 * np.pi * time * frequency
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            if isinstance(self.window, str) or (
                isinstance(self.window, (tuple, list)) and isinstance(self.window[0], str)
            ):
                window = get_window(self.window, frame_length, self.periodic)
            else:
                window = np.asarray(self.window, dtype=np.float64)
            if window.shape != (frame_length,):
                raise ValueError(
                    f"STFT: the window must have frame_length={frame_length} values, got shape "
                    f"{window.shape}"
                )
            kernel = kernel * window[:, None, None]
            if self.scaling == "density":
                kernel = kernel / np.sqrt(np.sum(window**2))
            elif self.scaling == "spectrum":
                kernel = kernel / np.sum(np.abs(window))
        kernel = np.broadcast_to(kernel, (frame_length, channels, bins))
        return kernel.astype(standardize_dtype(dtype))

    def get_config(self):
        window = self.window
        if isinstance(window, np.ndarray):
            window = window.tolist()
        return {
            "side": self.side,
            "window": window,
            "periodic": self.periodic,
            "scaling": self.scaling,
        }


_CLASSES = (
    Constant,
    Identity,
    Ones,
    STFT,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)
# class names, their snake_case forms and Keras's extra aliases
_BY_NAME = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{snake_case(cls.__name__): cls for cls in _CLASSES},
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
    "STFTInitializer": STFT,
    "normal": RandomNormal,
    "uniform": RandomUniform,
    "one": Ones,
    "zero": Zeros,
}


def serialize(initializer):
    """An initializer as Keras's dict {"module", "class_name", "config", "registered_name"}.

    Args:
        initializer: an initializer instance (built-in or custom).

    Example:

    >>> from glassnet import initializers
    >>> initializers.serialize(initializers.Orthogonal(gain=2.0))["config"]
    {'seed': None, 'gain': 2.0}
    """
    cls = type(initializer)
    builtin = _BY_NAME.get(cls.__name__) is cls
    return {
        "module": "keras.initializers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": initializer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """The initializer a ``serialize`` dict (or {"class_name", "config"}) describes; classes come
    from glassnet's initializers or ``custom_objects`` (name -> class), never from an import.

    Args:
        config: the dict (Keras's "module" and "registered_name" keys are understood).
        custom_objects: optional dict name -> class for initializers glassnet does not define.

    Example:

    >>> from glassnet import initializers
    >>> type(initializers.deserialize({"class_name": "he_normal", "config": {}})).__name__
    'HeNormal'
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "initializers.deserialize: expected a dict with 'class_name' and 'config', "
            f"got {config!r}"
        )
    known = {**_BY_NAME, **(custom_objects or {})}
    name = config.get("registered_name") or config["class_name"]
    if name not in known:
        name = config["class_name"]
    return lookup("initializer", name, known).from_config(dict(config.get("config", {})))


def get(identifier):
    """An initializer from a name ('he_normal'), a config dict, a class, an instance, a function
    or an array (used as the value, for that shape only).

    Args:
        identifier: a name, a config dict, a class (instantiated), an instance or a function
            (returned as they are), an array, or None (returns None).

    Example:

    >>> from glassnet import initializers
    >>> type(initializers.get("glorot_uniform")).__name__
    'GlorotUniform'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup("initializer", identifier, _BY_NAME)()
    if isinstance(identifier, type):
        return identifier()
    if isinstance(identifier, (np.ndarray, np.generic)) or hasattr(identifier, "__array__"):
        value = np.asarray(identifier)

        def from_value(shape, dtype=None):
            if tuple(shape) != value.shape:
                raise ValueError(
                    f"initializer: an array initializer has shape {value.shape}, the variable "
                    f"needs {tuple(shape)}"
                )
            return value.astype(standardize_dtype(dtype))

        return from_value
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret initializer {identifier!r}: give a name such as 'he_normal', a "
        "config dict, an Initializer or a function (shape, dtype) -> array"
    )


# Keras's lower-case names for the same classes
constant = Constant
identity = Identity
ones = Ones
zeros = Zeros
stft = STFT
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
STFTInitializer = STFT
