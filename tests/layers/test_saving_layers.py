"""A model holding every kind of new layer survives a .glassnet round trip (architecture, weights,
predictions); a Lambda layer's file is refused unless the caller opts out of safe mode."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

rng = np.random.default_rng(0)


def volumes_model():
    inputs = keras.Input((4, 6, 6, 2))
    x = layers.Conv3D(3, 2, padding="same")(inputs)
    x = layers.Conv3DTranspose(2, 2, strides=(1, 2, 2), output_padding=(0, 1, 1))(x)
    x = layers.ZeroPadding3D(1)(x)
    x = layers.Cropping3D(((1, 0), (1, 1), (0, 1)))(x)
    x = layers.MaxPooling3D(2)(x)
    x = layers.UpSampling3D((1, 2, 2))(x)
    x = layers.GroupNormalization(groups=2)(x)
    x = layers.SpatialDropout3D(0.2)(x)
    x = layers.AdaptiveAveragePooling3D((1, 2, 2))(x)
    x = layers.GlobalMaxPooling3D()(x)
    return keras.Model(inputs, layers.Dense(2)(x))


def sequences_model():
    inputs = keras.Input((6, 3))
    x = layers.Conv1DTranspose(4, 3, padding="same")(inputs)
    x = layers.DepthwiseConv1D(2, padding="same", depth_multiplier=2)(x)
    x = layers.SeparableConv1D(4, 2)(x)
    x = layers.ZeroPadding1D((1, 0))(x)
    x = layers.Cropping1D((0, 1))(x)
    x = layers.UpSampling1D(2)(x)
    x = layers.AdaptiveMaxPooling1D(5)(x)
    x = layers.GaussianNoise(0.1)(x)
    x = layers.RNN(
        [layers.GRUCell(4, reset_after=False), layers.LSTMCell(3)], return_sequences=True
    )(x)
    x = layers.SimpleRNN(3, return_sequences=True, go_backwards=True)(x)
    y = layers.GroupQueryAttention(2, 2, 1, use_gate=True)(x, x)
    merged = layers.average([x, y])
    dotted = layers.Dot(axes=(2, 2), normalize=True)([merged, x])
    x = layers.Flatten()(dotted)
    x = layers.UnitNormalization()(x)
    x = layers.RMSNormalization()(x)
    x = layers.ActivityRegularization(l2=0.01)(x)
    x = layers.AlphaDropout(0.1)(x)
    x = layers.SpectralNormalization(layers.Dense(2))(x)
    return keras.Model(inputs, x)


def conv_lstm_model():
    inputs = keras.Input((3, 5, 5, 2))
    x = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)(inputs)
    x = layers.TimeDistributed(layers.AdaptiveAveragePooling2D(2))(x)
    x = layers.ConvLSTM1D(2, 2)(layers.Reshape((3, 4, 2))(x))
    x = layers.Flatten()(x)
    x = layers.GaussianDropout(0.1)(x)
    return keras.Model(inputs, layers.Identity()(x))


def embeddings_model():
    inputs = keras.Input((5,), dtype="int32")
    embed = layers.ReversibleEmbedding(9, 4, tie_weights=False)
    x = embed(inputs)
    x = layers.LSTM(4, return_sequences=True)(x)
    x = layers.Bidirectional(layers.GRU(2, return_sequences=True))(x)
    x = layers.Conv1D(4, 2, padding="causal")(x)
    return keras.Model(inputs, x)


@pytest.mark.parametrize(
    "make,x",
    [
        (volumes_model, rng.standard_normal((2, 4, 6, 6, 2)).astype("float32")),
        (sequences_model, rng.standard_normal((2, 6, 3)).astype("float32")),
        (conv_lstm_model, rng.standard_normal((2, 3, 5, 5, 2)).astype("float32")),
        (embeddings_model, rng.integers(0, 9, (2, 5))),
    ],
    ids=["volumes", "sequences", "conv_lstm", "embeddings"],
)
def test_glassnet_file_round_trip(tmp_path, make, x):
    model = make()
    expected = model.predict(x, verbose=0)
    path = tmp_path / "model.glassnet"
    model.save(path)
    restored = keras.models.load_model(path)
    assert [type(layer).__name__ for layer in restored.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    assert [w.shape for w in restored.weights] == [w.shape for w in model.weights]
    np.testing.assert_allclose(restored.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-6)


def doubled(x):
    return x * 2.0


def test_a_file_with_a_lambda_is_refused_in_safe_mode(tmp_path, monkeypatch):
    from glassnet.backend import config

    model = keras.Sequential([keras.Input((3,)), layers.Lambda(doubled), layers.Dense(1)])
    path = tmp_path / "lambda.glassnet"
    model.save(path)
    with pytest.raises(Exception, match="refusing to load a Lambda layer in safe mode"):
        keras.models.load_model(path)
    monkeypatch.setattr(config, "_SAFE_MODE", False)  # keras.config.enable_unsafe_deserialization()
    restored = keras.models.load_model(path, custom_objects={"doubled": doubled})
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), model.predict(x, verbose=0))
