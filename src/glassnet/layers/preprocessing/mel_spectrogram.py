"""MelSpectrogram: audio -> mel-scaled power spectrogram in decibels."""

import math

from glassnet import ops
from glassnet.autograd.tensor import Tensor
from glassnet.backend import xp
from glassnet.layers.layer import Layer

MEL_BREAK_FREQUENCY_HERTZ = 700.0
MEL_HIGH_FREQUENCY_Q = 1127.0


def hertz_to_mel(frequencies):
    """The HTK mel scale: 1127 ln(1 + f / 700).

    Args:
        frequencies: frequencies in hertz, a number or an array.

    Example:

    >>> float(hertz_to_mel(700.0).round(3))
    781.177
    """
    return MEL_HIGH_FREQUENCY_Q * xp.log(1.0 + xp.asarray(frequencies) / MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(
    num_mel_bins=20,
    num_spectrogram_bins=129,
    sampling_rate=8000,
    lower_edge_hertz=125.0,
    upper_edge_hertz=3800.0,
    dtype="float32",
):
    """(num_spectrogram_bins, num_mel_bins): triangular mel filters over the linear frequency
    bins (the DC bin gets no weight), as tf.signal.linear_to_mel_weight_matrix.

    Args:
        num_mel_bins: the number of mel filters (columns).
        num_spectrogram_bins: the number of linear frequency bins (rows), fft_length // 2 + 1.
        sampling_rate: the audio's samples per second; the bins span [0, sampling_rate / 2].
        lower_edge_hertz: the lower edge of the lowest filter.
        upper_edge_hertz: the upper edge of the highest filter.
        dtype: the matrix's dtype.

    Example:

    >>> weights = linear_to_mel_weight_matrix(num_mel_bins=4, num_spectrogram_bins=9)
    >>> weights.shape, float(weights[0].sum())
    ((9, 4), 0.0)
    """
    dtype = xp.dtype(dtype)
    nyquist = sampling_rate / 2.0
    linear = xp.linspace(0.0, nyquist, num_spectrogram_bins, dtype=dtype)[1:]
    bins_mel = hertz_to_mel(linear).astype(dtype)[:, None]
    edges = xp.linspace(
        hertz_to_mel(xp.asarray(lower_edge_hertz, dtype)),
        hertz_to_mel(xp.asarray(upper_edge_hertz, dtype)),
        num_mel_bins + 2,
    ).astype(dtype)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = xp.maximum(0.0, xp.minimum(lower_slopes, upper_slopes)).astype(dtype)
    return xp.pad(weights, ((1, 0), (0, 0)))


def _periodic_window(window, length):
    if window is None:
        return xp.ones(length)
    if isinstance(window, str):
        n = xp.arange(length)
        if window == "hann":
            return 0.5 - 0.5 * xp.cos(2 * math.pi * n / length)
        if window == "hamming":
            return 0.54 - 0.46 * xp.cos(2 * math.pi * n / length)
        raise ValueError(
            f"MelSpectrogram: window must be 'hann', 'hamming', an array or None, got {window!r}"
        )
    return xp.asarray(window, dtype=float)


class MelSpectrogram(Layer):
    """Mel spectrogram of audio: |STFT|^mag_exp, mapped onto ``num_mel_bins`` mel filters and
    (by default) converted to decibels.

    The STFT centres frames on the samples (the signal is reflect-padded by fft_length // 2 on
    each side), windows ``sequence_length`` samples (a periodic window, centred in the
    fft_length frame) and takes the one-sided discrete Fourier transform, written as products
    with cosine and sine matrices.

    Args:
        fft_length: the transform size.
        sequence_stride: samples between frames.
        sequence_length: the windowed samples per frame (fft_length by default).
        window: "hann", "hamming", an array or None.
        sampling_rate: samples per second.
        num_mel_bins: mel filters.
        min_freq, max_freq: the filter bank's range (max_freq: sampling_rate / 2 by default).
        power_to_db: convert power to decibels: 10 log10(max(x, min_power) / ref_power),
            floored at top_db below the batch's maximum.
        top_db, mag_exp, min_power, ref_power: as above.

    Input: (batch, samples) or (samples,) float; output: (batch, num_mel_bins, frames).

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import MelSpectrogram
    >>> MelSpectrogram(fft_length=64, sequence_stride=32, num_mel_bins=8)(np.zeros((1, 128))).shape
    (1, 8, 5)
    """

    def __init__(
        self,
        fft_length=2048,
        sequence_stride=512,
        sequence_length=None,
        window="hann",
        sampling_rate=16000,
        num_mel_bins=128,
        min_freq=20.0,
        max_freq=None,
        power_to_db=True,
        top_db=80.0,
        mag_exp=2.0,
        min_power=1e-10,
        ref_power=1.0,
        **kwargs,
    ):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                f"MelSpectrogram: fft_length ({fft_length}) must be >= sequence_length "
                f"({self.sequence_length})"
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def _stft(self, signals):
        """(real, imag) of the centred STFT: (batch, frames, fft_length // 2 + 1) each."""
        dtype = signals.dtype
        half = self.fft_length // 2
        time = signals.shape[-1]
        # reflect padding as a gather: index -k reads k, index time - 1 + k reads time - 1 - k
        positions = xp.arange(-half, time + half)
        positions = xp.abs(positions)
        positions = xp.where(positions > time - 1, 2 * (time - 1) - positions, positions)
        padded = ops.take(signals, positions, axis=-1)
        frames = 1 + (padded.shape[-1] - self.fft_length) // self.sequence_stride
        starts = xp.arange(frames)[:, None] * self.sequence_stride
        framed = ops.take(padded, starts + xp.arange(self.fft_length)[None, :], axis=-1)
        left = (self.fft_length - self.sequence_length) // 2
        window = xp.zeros(self.fft_length)
        window[left : left + self.sequence_length] = _periodic_window(
            self.window, self.sequence_length
        )
        bins = xp.arange(self.fft_length // 2 + 1)
        angle = 2 * math.pi * xp.outer(xp.arange(self.fft_length), bins) / self.fft_length
        cosine = Tensor((window[:, None] * xp.cos(angle)).astype(dtype))
        sine = Tensor((-window[:, None] * xp.sin(angle)).astype(dtype))
        return ops.matmul(framed, cosine), ops.matmul(framed, sine)

    def call(self, inputs):
        dtype = self.dtype if self.dtype in ("float32", "float64") else "float32"
        signals = ops.cast(inputs, dtype)
        real, imag = self._stft(signals)
        spectrum = ops.sqrt(ops.add(ops.square(real), ops.square(imag)))
        spectrum = ops.power(spectrum, self.mag_exp)
        matrix = linear_to_mel_weight_matrix(
            self.num_mel_bins,
            spectrum.shape[-1],
            self.sampling_rate,
            self.min_freq,
            self.max_freq,
            dtype,
        )
        mel = ops.matmul(spectrum, Tensor(matrix))
        if self.power_to_db:
            mel = self._decibels(mel)
        return ops.cast(ops.swapaxes(mel, -1, -2), self.dtype)

    def _decibels(self, power):
        to_db = 10.0 / math.log(10.0)
        log_spec = ops.multiply(ops.log(ops.maximum(power, self.min_power)), to_db)
        reference = 10.0 * math.log10(max(abs(self.ref_power), self.min_power))
        log_spec = ops.subtract(log_spec, reference)
        floor = float(log_spec.data.max()) - self.top_db
        return ops.maximum(log_spec, floor)

    def compute_output_shape(self, input_shape):
        def frames(time):
            return (
                None if time is None else (time + self.sequence_stride + 1) // self.sequence_stride
            )

        if len(input_shape) == 1:
            return (self.num_mel_bins, frames(input_shape[0]))
        return (input_shape[0], self.num_mel_bins, frames(input_shape[1]))

    def get_config(self):
        return {
            **super().get_config(),
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": self.window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        }
