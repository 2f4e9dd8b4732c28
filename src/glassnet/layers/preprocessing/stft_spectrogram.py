"""STFTSpectrogram: short-time Fourier transforms of signals as a convolution whose kernels are
the windowed Fourier basis (``initializers.STFT``)."""

import math
import warnings

from glassnet import initializers, ops
from glassnet.autograd.tensor import Tensor
from glassnet.backend import epsilon, xp
from glassnet.layers.layer import InputSpec, Layer
from glassnet.ops.image import standardize_data_format

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


def window_values(window, length, periodic=False):
    """The window as an array: a scipy.signal window name, an array of ``length`` values, or
    None (no window). ``periodic`` windows are for spectral analysis (the DFT-even form).

    Args:
        window: a scipy.signal window name ("hann", ...), an array of ``length`` values, or
            None.
        length: the window's length in samples.
        periodic: the periodic (DFT-even) form of a named window; False gives the symmetric one.

    Example:

    >>> window_values("hann", 4, periodic=True)
    array([0. , 0.5, 1. , 0.5])
    >>> window_values(None, 4) is None
    True
    """
    if window is None:
        return None
    if isinstance(window, str):
        from scipy.signal import get_window  # only to name windows

        return get_window(window, length, fftbins=periodic)
    values = xp.asarray(window, dtype=float)
    if values.shape != (length,):
        raise ValueError(f"STFT: the window must have shape ({length},), got {values.shape}")
    return values


class STFTSpectrogram(Layer):
    """Spectrogram of each channel of a signal: frames of ``frame_length`` every
    ``frame_step`` samples, windowed, Fourier-transformed by a convolution.

    Args:
        mode: "log" (log magnitude), "magnitude", "psd" (one-sided power), "real", "imag",
            "angle" or "stft" (real and imaginary stacked along frequency).
        frame_length: samples per frame.
        frame_step: samples between frames (frame_length // 2 by default).
        fft_length: the transform size (the next power of two by default); fft_length // 2 + 1
            frequencies.
        window: a scipy.signal window name, an array, or None.
        periodic: use the periodic form of a named window.
        scaling: "density", "spectrum" or None: the window normalisation.
        padding: "valid" or "same" (of the framing convolution).
        expand_dims: keep channels as their own axis instead of stacking them with frequency.
        data_format: "channels_last" ((batch, time, channels)) or "channels_first".

    Input: (batch, time, channels) float; output: (batch, frames, channels * frequencies), or
    with expand_dims (batch, frames, frequencies, channels) (channels_first: channel axes
    first).

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import STFTSpectrogram
    >>> layer = STFTSpectrogram(mode="magnitude", frame_length=8, frame_step=4)
    >>> layer(np.zeros((2, 32, 1), "float32")).shape
    (2, 7, 5)
    """

    def __init__(
        self,
        mode="log",
        frame_length=256,
        frame_step=None,
        fft_length=None,
        window="hann",
        periodic=False,
        scaling="density",
        padding="valid",
        expand_dims=False,
        data_format=None,
        **kwargs,
    ):
        where = "STFTSpectrogram"
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                f"{where}: frame_step must be in [1, frame_length={frame_length}], got {frame_step}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                f"{where}: fft_length must be >= frame_length={frame_length}, got {fft_length}"
            )
        if fft_length is not None and fft_length & -fft_length != fft_length:
            warnings.warn(f"{where}: fft_length={fft_length} is best a power of two", stacklevel=2)
        if mode not in MODES:
            raise ValueError(f"{where}: mode must be one of {MODES}, got {mode!r}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                f"{where}: scaling must be None, 'density' or 'spectrum', got {scaling!r}"
            )
        if padding not in ("valid", "same"):
            raise ValueError(f"{where}: padding must be 'valid' or 'same', got {padding!r}")
        if isinstance(window, str):
            window_values(window, 1)  # an unknown window name fails here, not at build
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = _data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                shape,
                initializers.STFT("real", self.window, self.scaling, self.periodic),
                name="real_kernel",
            )
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                shape,
                initializers.STFT("imag", self.window, self.scaling, self.periodic),
                name="imag_kernel",
            )

    def _frames(self, inputs, kernel):
        """(batch, channels, frequencies, frames) of one kernel."""
        if self.data_format == "channels_first":
            inputs = ops.transpose(inputs, (0, 2, 1))
        _, time, channels = inputs.shape
        signals = ops.reshape(ops.transpose(inputs, (0, 2, 1)), (-1, time, 1))
        out = ops.conv1d(
            signals, ops.cast(kernel, inputs.dtype), strides=self._frame_step, padding=self.padding
        )
        _, frames, bins = out.shape
        return ops.reshape(ops.transpose(out, (0, 2, 1)), (-1, channels, bins, frames))

    def _layout(self, outputs):
        _, channels, bins, frames = outputs.shape
        if self.data_format == "channels_last":
            if self.expand_dims:
                return ops.transpose(outputs, (0, 3, 2, 1))
            return ops.transpose(ops.reshape(outputs, (-1, channels * bins, frames)), (0, 2, 1))
        if self.expand_dims:
            return ops.transpose(outputs, (0, 1, 3, 2))
        return ops.reshape(outputs, (-1, channels * bins, frames))

    def call(self, inputs):
        if inputs.dtype.kind != "f":
            raise TypeError(
                f"STFTSpectrogram '{self.name}': expected float inputs, got {inputs.dtype}"
            )
        real = self._frames(inputs, self.real_kernel) if self.mode != "imag" else None
        imag = self._frames(inputs, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._layout(real)
        if self.mode == "imag":
            return self._layout(imag)
        if self.mode == "angle":
            # no arctan2 op yet: the phase is computed outside the graph (it has no gradient)
            return self._layout(Tensor(xp.arctan2(imag.data, real.data)))
        if self.mode == "stft":
            return self._layout(ops.concatenate([real, imag], axis=2))
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "psd":
            inner = ops.getitem(power, (slice(None), slice(None), slice(1, -1)))
            return self._layout(ops.add(power, ops.pad(inner, ((0, 0), (0, 0), (1, 1), (0, 0)))))
        magnitude = self._layout(ops.sqrt(ops.maximum(power, epsilon())))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, epsilon()))

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        if self.data_format == "channels_last":
            time, channels = input_shape[1], input_shape[2]
        else:
            channels, time = input_shape[1], input_shape[2]
        bins = self._fft_length // 2 + 1
        if self.mode == "stft":
            bins *= 2
        if time is None:
            frames = None
        elif self.padding == "same":
            frames = -(-time // self._frame_step)
        else:
            frames = (time - self.frame_length) // self._frame_step + 1
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, bins, channels)
            return (batch, channels, frames, bins)
        if self.data_format == "channels_last":
            return (batch, frames, bins * channels)
        return (batch, bins * channels, frames)

    def get_config(self):
        return {
            **super().get_config(),
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": self.window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        }


def _data_format(value):

    return standardize_data_format(value, "STFTSpectrogram")
