"""MelSpectrogram and STFTSpectrogram against Keras 3.15."""

import numpy as np
import pytest

from glassnet import Tensor, gradcheck, layers
from tests.layers.preprocessing.keras_fixtures import assert_matches, load

KERAS, _ = load("audio_layers")


def test_mel_spectrogram_matches_keras():
    audio = KERAS["audio"]
    layer = layers.MelSpectrogram(
        fft_length=256, sequence_stride=128, sampling_rate=8000, num_mel_bins=20
    )
    out = layer(audio).numpy()
    expected = KERAS["mel"]
    assert out.shape == expected.shape == layer.compute_output_shape(audio.shape)
    # power in deep spectral valleys (below -30 dB of the peak) is float32 rounding in both
    # FFTs; the decibels of the rest agree to 1e-5
    audible = expected > expected.max() - 30.0
    np.testing.assert_allclose(out[audible], expected[audible], rtol=1e-5, atol=1e-5)
    assert audible.mean() > 0.5


def test_mel_spectrogram_options_match_keras():
    layer = layers.MelSpectrogram(
        fft_length=128,
        sequence_stride=50,
        sequence_length=100,
        window="hamming",
        sampling_rate=8000,
        num_mel_bins=10,
        min_freq=100.0,
        max_freq=3000.0,
        power_to_db=False,
        mag_exp=1.0,
    )
    assert_matches(layer(KERAS["audio"]), KERAS["mel_options"])
    config = layer.get_config()
    assert config["sequence_length"] == 100 and config["max_freq"] == 3000.0


@pytest.mark.parametrize("mode", ["log", "magnitude", "psd", "real", "imag", "stft"])
def test_stft_spectrogram_modes_match_keras(mode):
    layer = layers.STFTSpectrogram(mode=mode, frame_length=32, frame_step=16, fft_length=64)
    out = layer(KERAS["signals"])
    assert_matches(out, KERAS[f"stft/{mode}"])
    assert layer.compute_output_shape(KERAS["signals"].shape) == out.shape


def test_stft_angle_matches_keras_up_to_full_turns():
    layer = layers.STFTSpectrogram(mode="angle", frame_length=32, frame_step=16, fft_length=64)
    out, expected = layer(KERAS["signals"]).numpy(), KERAS["stft/angle"]
    # at a phase of pi the sign of a zero imaginary part picks -pi or pi, and a coefficient's
    # phase is only as precise as the coefficient relative to its size: compare the unit
    # vectors scaled by the magnitude (the coefficients the phases belong to) to 1e-5
    magnitude = np.hypot(KERAS["stft/real"], KERAS["stft/imag"])
    np.testing.assert_allclose(magnitude * np.cos(out), magnitude * np.cos(expected), atol=1e-5)
    np.testing.assert_allclose(magnitude * np.sin(out), magnitude * np.sin(expected), atol=1e-5)


def test_stft_options_and_layouts():
    signals = KERAS["signals"]
    layer = layers.STFTSpectrogram(
        mode="magnitude",
        frame_length=20,
        frame_step=7,
        window="hamming",
        periodic=True,
        scaling="spectrum",
        padding="same",
        expand_dims=True,
    )
    assert_matches(layer(signals), KERAS["stft/options"])
    plain = layers.STFTSpectrogram(mode="real", frame_length=16, window=None, scaling=None)
    assert_matches(plain(signals), KERAS["stft/no_window"])
    last = layers.STFTSpectrogram(mode="log", frame_length=16, expand_dims=True)
    first = layers.STFTSpectrogram(
        mode="log", frame_length=16, expand_dims=True, data_format="channels_first"
    )
    expected = np.transpose(last(signals).numpy(), (0, 3, 1, 2))
    np.testing.assert_allclose(first(np.transpose(signals, (0, 2, 1))).numpy(), expected, rtol=1e-6)
    assert [w.name for w in last.weights] == ["real_kernel", "imag_kernel"]


def test_stft_gradient_reaches_the_signal(float64):
    layer = layers.STFTSpectrogram(mode="magnitude", frame_length=8, frame_step=4)
    signal = np.random.default_rng(0).normal(size=(1, 24, 1))
    assert gradcheck(lambda x: layer(x), signal)
    mel = layers.MelSpectrogram(fft_length=16, sequence_stride=8, num_mel_bins=4, power_to_db=False)
    assert gradcheck(lambda x: mel(x), np.random.default_rng(1).normal(size=(1, 40)))
    assert isinstance(mel(np.zeros((1, 40))), Tensor)
