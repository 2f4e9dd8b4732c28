import numpy as np
import pytest

from glassnet import gradcheck, ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
except ImportError:
    torch = None


def complex_case(name, op, shape, numpy_fn, torch_fn):
    """Two rows per transform: the real and the imaginary part of the output."""
    rows = []
    for part, index in (("real", 0), ("imag", 1)):
        rows.append(
            OpCase(
                f"{name}_{part}",
                lambda a, b, index=index: op((a, b))[index],
                [normal(*shape), normal(*shape)],
                lambda a, b, index=index: (numpy_fn(a + 1j * b).real, numpy_fn(a + 1j * b).imag)[
                    index
                ],
                lambda a, b, index=index: (
                    torch_fn(torch.complex(a, b)).real,
                    torch_fn(torch.complex(a, b)).imag,
                )[index],
            )
        )
    return rows


def hann_stft(x, n_fft, hop, win_length):
    window = torch.hann_window(win_length, periodic=True, dtype=x.dtype)
    out = torch.stft(
        x,
        n_fft,
        hop,
        win_length,
        window=window,
        center=True,
        pad_mode="reflect",
        return_complex=True,
    )
    return out.transpose(-1, -2)


CASES = (
    complex_case("fft", ops.fft, (2, 5), np.fft.fft, lambda z: torch.fft.fft(z))
    + complex_case("fft2", ops.fft2, (2, 3, 4), np.fft.fft2, lambda z: torch.fft.fft2(z))
    + complex_case("ifft2", ops.ifft2, (3, 4), np.fft.ifft2, lambda z: torch.fft.ifft2(z))
    + [
        OpCase(
            "rfft_real",
            lambda x: ops.rfft(x)[0],
            [normal(2, 6)],
            lambda x: np.fft.rfft(x).real,
            lambda x: torch.fft.rfft(x).real,
        ),
        OpCase(
            "rfft_imag_padded",
            lambda x: ops.rfft(x, fft_length=9)[1],
            [normal(2, 6)],
            lambda x: np.fft.rfft(x, 9).imag,
            lambda x: torch.fft.rfft(x, 9).imag,
        ),
        OpCase(
            "rfft_imag_cut",
            lambda x: ops.rfft(x, fft_length=4)[1],
            [normal(2, 7)],
            lambda x: np.fft.rfft(x, 4).imag,
            lambda x: torch.fft.rfft(x, 4).imag,
        ),
        OpCase(
            "irfft",
            lambda a, b: ops.irfft((a, b)),
            [normal(2, 5), normal(2, 5)],
            lambda a, b: np.fft.irfft(a + 1j * b),
            lambda a, b: torch.fft.irfft(torch.complex(a, b)),
        ),
        OpCase(
            "irfft_odd_length",
            lambda a, b: ops.irfft((a, b), fft_length=7),
            [normal(2, 5), normal(2, 5)],
            lambda a, b: np.fft.irfft(a + 1j * b, 7),
            lambda a, b: torch.fft.irfft(torch.complex(a, b), 7),
        ),
        OpCase(
            "extract_sequences",
            lambda x: ops.extract_sequences(x, 4, 3),
            [normal(2, 12)],
            lambda x: np.lib.stride_tricks.sliding_window_view(x, 4, axis=-1)[:, ::3],
            lambda x: x.unfold(-1, 4, 3),
        ),
        OpCase(
            "stft_real",
            lambda x: ops.stft(x, 16, 4, 16)[0],
            [normal(2, 40)],
            None,
            lambda x: hann_stft(x, 16, 4, 16).real,
        ),
        OpCase(
            "stft_imag_short_window",
            lambda x: ops.stft(x, 10, 5, 16)[1],
            [normal(36)],
            None,
            lambda x: hann_stft(x, 16, 5, 10).imag,
        ),
        OpCase(
            "correlate_full",
            lambda a, v: ops.correlate(a, v, mode="full"),
            [normal(6), normal(3)],
            lambda a, v: np.correlate(a, v, "full"),
        ),
        OpCase(
            "correlate_same_longer_filter",
            lambda a, v: ops.correlate(a, v, mode="same"),
            [normal(4), normal(6)],
            lambda a, v: np.correlate(a, v, "same"),
        ),
        OpCase(
            "correlate_valid",
            lambda a, v: ops.correlate(a, v),
            [normal(7), normal(3)],
            lambda a, v: np.correlate(a, v, "valid"),
        ),
    ]
)

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


@pytest.mark.parametrize(
    "seq, stride, fft_length, window, center",
    [(16, 4, 16, "hann", True), (10, 4, 16, "hamming", True), (12, 5, 16, None, False)],
)
def test_istft_inverts_stft_and_is_differentiable(seq, stride, fft_length, window, center):
    signal = np.random.default_rng(0).standard_normal((2, 48))
    real, imag = ops.stft(signal, seq, stride, fft_length, window=window, center=center)
    assert gradcheck(
        lambda a, b: ops.istft((a, b), seq, stride, fft_length, window=window, center=center),
        real.data[:, :4],
        imag.data[:, :4],
    )
    if window == "hann":
        # exact wherever every overlapping frame is there (TensorFlow's synthesis window assumes
        # all fft_length / stride of them, so the first and last few samples are not)
        back = ops.istft((real, imag), seq, stride, fft_length, window=window, center=center)
        inner = slice(fft_length, back.shape[-1] - fft_length)
        np.testing.assert_allclose(back.data[:, inner], signal[:, inner], atol=1e-12)


def test_windows_match_numpy_in_floatx():
    for name in ("bartlett", "blackman", "hamming", "hanning"):
        out = getattr(ops, name)(7)
        assert out.dtype == np.float32
        np.testing.assert_allclose(out.data, getattr(np, name)(7), atol=1e-7)
    np.testing.assert_allclose(ops.kaiser(7, 3.0).data, np.kaiser(7, 3.0), atol=1e-7)


def test_complex_pairs_are_checked():
    with pytest.raises(ValueError, match="fft: expected a pair"):
        ops.fft(np.zeros(4))
    with pytest.raises(ValueError, match="fft: the real and imaginary parts must have one shape"):
        ops.fft((np.zeros(4), np.zeros(3)))
    with pytest.raises(TypeError, match="stft: expected a float32 or float64 input"):
        ops.stft(np.zeros(16, dtype="int32"), 8, 4, 8)
