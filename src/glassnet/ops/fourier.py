"""Fourier transforms and signal processing: fft, fft2, ifft2, rfft, irfft, stft, istft,
extract_sequences, correlate, and the windows bartlett, blackman, hamming, hanning, kaiser.

Keras passes complex values as a pair (real, imag) of float tensors, and so do these functions.
The transforms are linear; each backward applies the adjoint transform (for the DFT, its
conjugate: F^H g = conj(F conj(g))). The short-time transforms are composed of differentiable
pieces (reflect padding, framing, windowing, rfft / irfft, overlap-add), so their gradients follow.

Example:

>>> from glassnet import ops
>>> real, imag = ops.rfft([1.0, 0.0, 0.0, 0.0])
>>> real.data.tolist(), imag.data.tolist()
([1.0, 1.0, 1.0], [0.0, 0.0, 0.0])
"""

import math

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import floatx, xp
from glassnet.ops._promotion import array_of, float_operand, promoted
from glassnet.ops.elementwise import multiply
from glassnet.ops.linalg import matmul
from glassnet.ops.manipulation import getitem, pad
from glassnet.ops.operation import keras_op


def _complex_pair(x, op):
    """The (real, imag) tensors of Keras's complex pair, checked."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{op}: expected a pair (real, imag) of float tensors, got {type(x).__name__}"
        )
    real, imag = as_tensor(x[0], where=op), as_tensor(x[1], where=op)
    if real.shape != imag.shape:
        raise ValueError(
            f"{op}: the real and imaginary parts must have one shape, got {real.shape} and "
            f"{imag.shape}"
        )
    if real.dtype.kind != "f" or imag.dtype.kind != "f":
        raise ValueError(
            f"{op}: real and imag must be float tensors, got {real.dtype}, {imag.dtype}"
        )
    if real.dtype != imag.dtype:
        real, imag = promoted(real, imag, op)
    return real, imag


def _linear_complex(real, imag, transform):
    """(Re, Im) of transform(real + i imag) for a DFT-like (symmetric) linear map, as two
    differentiable outputs: dL/d(real + i imag) = conj(transform(conj(G))), G = gR + i gI."""
    dtype = real.dtype
    out = transform(real.data + 1j * imag.data)

    def gradient(grad_complex):
        adjoint = xp.conj(transform(xp.conj(grad_complex)))
        return adjoint.real.astype(dtype), adjoint.imag.astype(dtype)

    return (
        from_op(out.real.astype(dtype), (real, imag), lambda g: gradient(g)),
        from_op(out.imag.astype(dtype), (real, imag), lambda g: gradient(1j * g)),
    )


@keras_op
def fft(x):
    """Discrete Fourier transform along the last axis.

    Args:
        x: (real, imag) pair of float tensors of one shape.

    Returns:
        (real, imag) of the transform; differentiable.

    Example:

    >>> from glassnet import ops
    >>> real, imag = ops.fft(([1.0, 1.0], [0.0, 0.0]))
    >>> real.data.tolist(), imag.data.tolist()
    ([2.0, 0.0], [0.0, 0.0])
    """
    real, imag = _complex_pair(x, "fft")
    return _linear_complex(real, imag, lambda z: xp.fft.fft(z, axis=-1))


@keras_op
def fft2(x):
    """2-D discrete Fourier transform over the last two axes.

    Args:
        x: (real, imag) pair of float tensors, at least 2-D.

    Returns:
        (real, imag) of the transform; differentiable.

    Example:

    >>> from glassnet import ops
    >>> real, imag = ops.fft2(([[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]))
    >>> real.data.tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    real, imag = _complex_pair(x, "fft2")
    return _linear_complex(real, imag, lambda z: xp.fft.fft2(z, axes=(-2, -1)))


@keras_op
def ifft2(x):
    """Inverse 2-D discrete Fourier transform over the last two axes.

    Args:
        x: (real, imag) pair of float tensors, at least 2-D.

    Returns:
        (real, imag) of the inverse transform; differentiable.

    Example:

    >>> from glassnet import ops
    >>> real, imag = ops.ifft2(([[4.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]]))
    >>> real.data.tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    real, imag = _complex_pair(x, "ifft2")
    return _linear_complex(real, imag, lambda z: xp.fft.ifft2(z, axes=(-2, -1)))


@keras_op
def rfft(x, fft_length=None):
    """Fourier transform of a real signal along the last axis: the fft_length // 2 + 1
    non-negative frequencies.

    Args:
        x: real tensor (..., n); integers become floatx.
        fft_length: transform length (x is cut or zero-padded to it); default n.

    Returns:
        (real, imag), each (..., fft_length // 2 + 1) of x's dtype; differentiable.

    Example:

    >>> from glassnet import ops
    >>> real, imag = ops.rfft([1.0, 2.0, 3.0, 4.0])
    >>> real.data.tolist(), imag.data.tolist()
    ([10.0, -2.0, -2.0], [0.0, 2.0, 0.0])
    """
    x = float_operand(x, "rfft")
    n = x.shape[-1]
    length = n if fft_length is None else int(fft_length)
    out = xp.fft.rfft(x.data, n=length, axis=-1)

    def gradient(grad_complex):  # dL/dx_t = Re(sum_k G_k e^(2 pi i k t / L)) = Re(L ifft(G, L))
        full = (xp.fft.ifft(grad_complex, n=length, axis=-1) * length).real
        if length >= n:
            return (full[..., :n].astype(x.dtype),)
        widths = [(0, 0)] * (x.ndim - 1) + [(0, n - length)]
        return (xp.pad(full, widths).astype(x.dtype),)

    return (
        from_op(out.real.astype(x.dtype), (x,), lambda g: gradient(g)),
        from_op(out.imag.astype(x.dtype), (x,), lambda g: gradient(1j * g)),
    )


@keras_op
def irfft(x, fft_length=None):
    """Inverse of ``rfft``: the real signal whose non-negative frequencies are x.

    Args:
        x: (real, imag) pair (..., m).
        fft_length: output length (default 2 (m - 1)); x is cut or zero-padded to
            fft_length // 2 + 1 frequencies.

    Returns:
        real tensor (..., fft_length); differentiable in both parts (the imaginary parts of the
        zero and Nyquist frequencies do not matter, so their gradient is 0).

    Example:

    >>> from glassnet import ops
    >>> ops.irfft(([10.0, -2.0, -2.0], [0.0, 2.0, 0.0])).data.tolist()
    [1.0, 2.0, 3.0, 4.0]
    """
    real, imag = _complex_pair(x, "irfft")
    m = real.shape[-1]
    length = 2 * (m - 1) if fft_length is None else int(fft_length)
    out = xp.fft.irfft(real.data + 1j * imag.data, n=length, axis=-1).astype(real.dtype)
    used = length // 2 + 1

    def backward(grad_output):
        # dL/dz_k = c_k rfft(g)_k / L: c = 1 at the zero (and Nyquist) frequency, else 2
        spectrum = xp.fft.rfft(grad_output, axis=-1) / length
        spectrum[..., 1 : (length + 1) // 2] *= 2
        kept = min(m, used)
        grad = xp.zeros(real.shape, dtype=complex)
        grad[..., :kept] = spectrum[..., :kept]
        return grad.real.astype(real.dtype), grad.imag.astype(real.dtype)

    return from_op(out, (real, imag), backward)


@keras_op
def extract_sequences(x, sequence_length, sequence_stride):
    """Overlapping frames of the last axis: frame i is x[..., i * stride : i * stride + length].

    Args:
        x: tensor (..., n).
        sequence_length: frame length.
        sequence_stride: step between frame starts.

    Returns:
        (..., (n - length) // stride + 1, length) tensor; differentiable (overlaps add up).

    Example:

    >>> from glassnet import ops
    >>> ops.extract_sequences([1, 2, 3, 4, 5], 3, 2).data.tolist()
    [[1, 2, 3], [3, 4, 5]]
    """
    x = as_tensor(x, where="extract_sequences")
    if sequence_length <= 0 or sequence_stride <= 0:
        raise ValueError(
            f"extract_sequences: sequence_length and sequence_stride must be positive, got "
            f"{sequence_length} and {sequence_stride}"
        )
    frames = max(0, (x.shape[-1] - sequence_length) // sequence_stride + 1)
    starts = sequence_stride * xp.arange(frames)
    positions = starts[:, None] + xp.arange(sequence_length)[None, :]
    return getitem(x, (Ellipsis, positions))


def _overlap_add(frames, stride):
    """The frames (..., count, length) placed ``stride`` apart and summed where they overlap."""
    count, length = frames.shape[-2:]
    total = (count - 1) * stride + length if count else 0
    positions = stride * xp.arange(count)[:, None] + xp.arange(length)[None, :]
    out = xp.zeros(frames.shape[:-2] + (total,), dtype=frames.dtype)
    for i in range(count):  # one slice per frame; frames overlap, so each adds into the sum
        out[..., i * stride : i * stride + length] += frames.data[..., i, :]

    def backward(grad_output):  # each frame reads back its own window of the gradient
        return (grad_output[..., positions],)

    return from_op(out, (frames,), backward)


def _periodic_window(name, length, dtype):
    """TensorFlow's periodic Hann or Hamming window of ``length``."""
    phase = 2 * math.pi * xp.arange(length) / length
    if name == "hann":
        return (0.5 - 0.5 * xp.cos(phase)).astype(dtype)
    return (0.54 - 0.46 * xp.cos(phase)).astype(dtype)


def _stft_window(window, sequence_length, fft_length, dtype, op):
    """The analysis window, centred in fft_length samples (None when there is no window)."""
    if window is None:
        return None
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"{op}: a window name must be 'hann' or 'hamming', got {window!r}")
        values = _periodic_window(window, sequence_length, dtype)
    else:
        values = xp.asarray(array_of(window), dtype=dtype)
    if values.shape != (sequence_length,):
        raise ValueError(
            f"{op}: the window must have shape ({sequence_length},) (sequence_length), got "
            f"{values.shape}"
        )
    left = (fft_length - sequence_length) // 2
    return xp.pad(values, (left, fft_length - sequence_length - left))


@keras_op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform along the last axis, as Keras (TensorFlow) computes it.

    Frames of fft_length samples, ``sequence_stride`` apart, are multiplied by the window
    (``sequence_length`` long, centred with zeros) and Fourier transformed.

    Args:
        x: float32 or float64 tensor (..., samples).
        sequence_length: window length.
        sequence_stride: hop between frames.
        fft_length: frame and transform length, at least sequence_length.
        window: "hann", "hamming" (periodic), a (sequence_length,) tensor, or None.
        center: pad fft_length // 2 samples on both sides by reflection first.

    Returns:
        (real, imag), each (..., frames, fft_length // 2 + 1); differentiable in x.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> real, imag = ops.stft(np.ones(16, dtype="float32"), 8, 4, 8)
    >>> real.shape
    (5, 5)
    """
    x = as_tensor(x, where="stft")
    if x.dtype not in (xp.float32, xp.float64):
        raise TypeError(f"stft: expected a float32 or float64 input, got {x.dtype}")
    if fft_length < sequence_length:
        raise ValueError(
            f"stft: fft_length ({fft_length}) must be at least sequence_length ({sequence_length})"
        )
    win = _stft_window(window, sequence_length, fft_length, x.dtype, "stft")
    if center:
        x = pad(x, [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)], mode="reflect")
    frames = extract_sequences(x, fft_length, sequence_stride)
    if win is not None:
        frames = multiply(frames, win)
    return rfft(frames, fft_length)


@keras_op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """Inverse short-time Fourier transform, as Keras (TensorFlow) computes it.

    Each frame is inverse-transformed, multiplied by the synthesis window (the analysis window
    divided by the overlapping sum of its squares, so windowing twice cancels), and the frames
    are overlap-added.

    Args:
        x: (real, imag) pair (..., frames, fft_length // 2 + 1).
        sequence_length: window length.
        sequence_stride: hop between frames.
        fft_length: frame and transform length.
        length: samples to return (default: all, less the centring padding).
        window: "hann", "hamming", a (sequence_length,) tensor, or None (no window).
        center: the transform was centred (drop fft_length // 2 samples at each end).

    Returns:
        real tensor (..., samples); differentiable in both parts.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> signal = np.sin(np.arange(32) / 3.0)
    >>> back = ops.istft(ops.stft(signal, 8, 2, 8), 8, 2, 8)
    >>> bool(np.allclose(back.data[8:-8], signal[8 : back.shape[-1] - 8]))  # where frames overlap
    True
    """
    real, _ = _complex_pair(x, "istft")
    frames = irfft(x, fft_length)
    win = _stft_window(window, sequence_length, fft_length, real.dtype, "istft")
    if win is not None:
        # inverse_stft_window_fn: w / (sum of w^2 over the frames that overlap each sample)
        overlaps = -(-fft_length // sequence_stride)
        squares = xp.pad(win * win, (0, overlaps * sequence_stride - fft_length))
        denominator = squares.reshape(overlaps, sequence_stride).sum(axis=0)
        denominator = xp.tile(denominator, overlaps)[:fft_length]
        safe = xp.where(denominator == 0, 1, denominator)
        frames = multiply(frames, xp.where(denominator == 0, 0, win / safe))  # 0 where 0 / 0
    signal = _overlap_add(frames, sequence_stride)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = signal.shape[-1] - fft_length // 2
    else:
        end = signal.shape[-1]
    return getitem(signal, (Ellipsis, slice(start, end)))


@keras_op
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D signals: c[k] = sum_n x1[n + k] x2[n].

    Args:
        x1, x2: 1-D tensors.
        mode: "valid" (full overlap only), "same" (length max(n, m), centred) or "full".

    Returns:
        1-D float tensor (int64 inputs give float64, other integers float32); differentiable.

    Example:

    >>> from glassnet import ops
    >>> ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5], mode="full").data.tolist()
    [0.5, 2.0, 3.5, 3.0, 0.0]
    """
    a, v = promoted(x1, x2, "correlate", weak_scalars=False)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"correlate: expected 1-D inputs, got {a.shape} and {v.shape}")
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full', got {mode!r}")
    if a.dtype.kind not in "fc":
        dtype = xp.float64 if a.dtype == xp.int64 else xp.dtype(floatx())
        a, v = Tensor(a.data.astype(dtype)), Tensor(v.data.astype(dtype))
    n, m = a.shape[0], v.shape[0]
    padded = pad(a, [(m - 1, m - 1)])
    full = matmul(extract_sequences(padded, m, 1), v)  # (n + m - 1,)
    if mode == "full":
        return full
    size = max(n, m) if mode == "same" else abs(n - m) + 1
    if mode == "valid":
        start = min(n, m) - 1
    else:  # centred; NumPy rounds the other way when the filter is the longer one
        extra = n + m - 1 - size
        start = extra // 2 if n >= m else extra - extra // 2
    return getitem(full, slice(start, start + size))


# -- windows (no gradient) -----------------------------------------------------------------------
def _window(x, op, make, *args):
    size = int(array_of(x))
    return Tensor(make(size, *args).astype(floatx()))


@keras_op
def bartlett(x):
    """The Bartlett (triangular) window of x points.

    Args:
        x: the number of points, an int (or a 0-d tensor holding one).

    Returns:
        1-D floatx tensor of x values.

    Example:

    >>> from glassnet import ops
    >>> ops.bartlett(5).data.tolist()
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    return _window(x, "bartlett", xp.bartlett)


@keras_op
def blackman(x):
    """The Blackman window of x points.

    Args:
        x: the number of points, an int (or a 0-d tensor holding one).

    Returns:
        1-D floatx tensor of x values.

    Example:

    >>> from glassnet import ops
    >>> ops.blackman(3).data.round(4).tolist()
    [-0.0, 1.0, -0.0]
    """
    return _window(x, "blackman", xp.blackman)


@keras_op
def hamming(x):
    """The Hamming window of x points (symmetric).

    Args:
        x: the number of points, an int (or a 0-d tensor holding one).

    Returns:
        1-D floatx tensor of x values.

    Example:

    >>> from glassnet import ops
    >>> [round(float(v), 4) for v in ops.hamming(3).data]
    [0.08, 1.0, 0.08]
    """
    return _window(x, "hamming", xp.hamming)


@keras_op
def hanning(x):
    """The Hann window of x points (symmetric).

    Args:
        x: the number of points, an int (or a 0-d tensor holding one).

    Returns:
        1-D floatx tensor of x values.

    Example:

    >>> from glassnet import ops
    >>> ops.hanning(3).data.tolist()
    [0.0, 1.0, 0.0]
    """
    return _window(x, "hanning", xp.hanning)


@keras_op
def kaiser(x, beta):
    """The Kaiser window of x points with shape parameter ``beta``.

    Args:
        x: the number of points, an int (or a 0-d tensor holding one).
        beta: the shape parameter, a number: 0 gives a rectangular window, larger values narrow it.

    Returns:
        1-D floatx tensor of x values.

    Example:

    >>> from glassnet import ops
    >>> ops.kaiser(3, 0.0).data.tolist()
    [1.0, 1.0, 1.0]
    """
    return _window(x, "kaiser", xp.kaiser, float(array_of(beta)))
