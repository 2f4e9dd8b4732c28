"""get_config/from_config round trip for every layer class of glassnet.layers (the preprocessing
layers have their own tests): the clone's config equals the original's, built or not."""

import inspect

import pytest

from glassnet import layers
from glassnet.layers import preprocessing


def squares(x):
    return x * x


MAKERS = {
    "Activation": lambda: layers.Activation("tanh"),
    "ActivityRegularization": lambda: layers.ActivityRegularization(0.1, 0.2),
    "AdaptiveAveragePooling1D": lambda: layers.AdaptiveAveragePooling1D(3),
    "AdaptiveAveragePooling2D": lambda: layers.AdaptiveAveragePooling2D((2, 3)),
    "AdaptiveAveragePooling3D": lambda: layers.AdaptiveAveragePooling3D(2),
    "AdaptiveMaxPooling1D": lambda: layers.AdaptiveMaxPooling1D(3),
    "AdaptiveMaxPooling2D": lambda: layers.AdaptiveMaxPooling2D(2, data_format="channels_first"),
    "AdaptiveMaxPooling3D": lambda: layers.AdaptiveMaxPooling3D((1, 2, 3)),
    "Add": lambda: layers.Add(),
    "AdditiveAttention": lambda: layers.AdditiveAttention(use_scale=False, dropout=0.1),
    "AlphaDropout": lambda: layers.AlphaDropout(0.2, noise_shape=(None, 1), seed=3),
    "Attention": lambda: layers.Attention(use_scale=True, score_mode="concat"),
    "Average": lambda: layers.Average(),
    "AveragePooling1D": lambda: layers.AveragePooling1D(3, 2, "same"),
    "AveragePooling2D": lambda: layers.AveragePooling2D((2, 3)),
    "AveragePooling3D": lambda: layers.AveragePooling3D(2, data_format="channels_first"),
    "BatchNormalization": lambda: layers.BatchNormalization(momentum=0.9, center=False),
    "Bidirectional": lambda: layers.Bidirectional(layers.GRU(3), merge_mode="sum"),
    "Concatenate": lambda: layers.Concatenate(axis=1),
    "Conv1D": lambda: layers.Conv1D(3, 2, padding="causal", activation="relu"),
    "Conv1DTranspose": lambda: layers.Conv1DTranspose(3, 2, strides=2, output_padding=1),
    "Conv2D": lambda: layers.Conv2D(3, (2, 3), groups=1, kernel_regularizer="l2"),
    "Conv2DTranspose": lambda: layers.Conv2DTranspose(3, 3, padding="same"),
    "Conv3D": lambda: layers.Conv3D(4, 2, groups=2, bias_constraint="non_neg"),
    "Conv3DTranspose": lambda: layers.Conv3DTranspose(2, 3, data_format="channels_first"),
    "ConvLSTM1D": lambda: layers.ConvLSTM1D(2, 3, return_sequences=True),
    "ConvLSTM2D": lambda: layers.ConvLSTM2D(2, 3, padding="same", dropout=0.1),
    "ConvLSTM3D": lambda: layers.ConvLSTM3D(2, 2, go_backwards=True),
    "Cropping1D": lambda: layers.Cropping1D((1, 2)),
    "Cropping2D": lambda: layers.Cropping2D(((1, 0), (2, 1))),
    "Cropping3D": lambda: layers.Cropping3D(1),
    "Dense": lambda: layers.Dense(3, use_bias=False, activity_regularizer="l1"),
    "DepthwiseConv1D": lambda: layers.DepthwiseConv1D(3, depth_multiplier=2),
    "DepthwiseConv2D": lambda: layers.DepthwiseConv2D(3, padding="same"),
    "Dot": lambda: layers.Dot(axes=(1, 2), normalize=True),
    "Dropout": lambda: layers.Dropout(0.3, noise_shape=(None, 1), seed=1),
    "ELU": lambda: layers.ELU(0.5),
    "EinsumDense": lambda: layers.EinsumDense("ab,bc->ac", 4, bias_axes="c"),
    "Embedding": lambda: layers.Embedding(10, 3, mask_zero=True),
    "Flatten": lambda: layers.Flatten(data_format="channels_first"),
    "GRU": lambda: layers.GRU(3, reset_after=False, return_state=True),
    "GRUCell": lambda: layers.GRUCell(3, recurrent_dropout=0.2, seed=4),
    "GaussianDropout": lambda: layers.GaussianDropout(0.2, seed=1),
    "GaussianNoise": lambda: layers.GaussianNoise(0.1),
    "GlobalAveragePooling1D": lambda: layers.GlobalAveragePooling1D(keepdims=True),
    "GlobalAveragePooling2D": lambda: layers.GlobalAveragePooling2D(),
    "GlobalAveragePooling3D": lambda: layers.GlobalAveragePooling3D(),
    "GlobalMaxPooling1D": lambda: layers.GlobalMaxPooling1D(),
    "GlobalMaxPooling2D": lambda: layers.GlobalMaxPooling2D(data_format="channels_first"),
    "GlobalMaxPooling3D": lambda: layers.GlobalMaxPooling3D(keepdims=True),
    "GroupNormalization": lambda: layers.GroupNormalization(2, epsilon=0.1),
    "GroupedQueryAttention": lambda: layers.GroupedQueryAttention(2, 4, 2, sliding_window=3),
    "Identity": lambda: layers.Identity(),
    "InputLayer": None,  # the model's, tested with the models
    "LSTM": lambda: layers.LSTM(3, unit_forget_bias=False, stateful=False),
    "LSTMCell": lambda: layers.LSTMCell(3, activation="relu"),
    "Lambda": lambda: layers.Lambda(squares, output_shape=(3,), arguments={}),
    "Layer": lambda: layers.Layer(),
    "LayerNormalization": lambda: layers.LayerNormalization(axis=[1, 2], scale=False),
    "LeakyReLU": lambda: layers.LeakyReLU(0.2),
    "Masking": lambda: layers.Masking(-1.0),
    "MaxPooling1D": lambda: layers.MaxPooling1D(2),
    "MaxPooling2D": lambda: layers.MaxPooling2D(3, 2),
    "MaxPooling3D": lambda: layers.MaxPooling3D(2, padding="same"),
    "Maximum": lambda: layers.Maximum(),
    "Minimum": lambda: layers.Minimum(),
    "MultiHeadAttention": lambda: layers.MultiHeadAttention(2, 3, use_gate=True),
    "Multiply": lambda: layers.Multiply(),
    "PReLU": lambda: layers.PReLU(shared_axes=[1]),
    "Permute": lambda: layers.Permute((2, 1)),
    "RMSNormalization": lambda: layers.RMSNormalization(axis=[1, 2]),
    "RNN": lambda: layers.RNN([layers.SimpleRNNCell(2), layers.LSTMCell(3)]),
    "ReLU": lambda: layers.ReLU(6.0, 0.1, 0.5),
    "RepeatVector": lambda: layers.RepeatVector(4),
    "Reshape": lambda: layers.Reshape((2, -1)),
    "ReversibleEmbedding": lambda: layers.ReversibleEmbedding(8, 3, tie_weights=False),
    "SeparableConv1D": lambda: layers.SeparableConv1D(3, 2, depth_multiplier=2),
    "SeparableConv2D": lambda: layers.SeparableConv2D(3, 2, pointwise_regularizer="l2"),
    "SimpleRNN": lambda: layers.SimpleRNN(3, go_backwards=True),
    "SimpleRNNCell": lambda: layers.SimpleRNNCell(3, use_bias=False),
    "Softmax": lambda: layers.Softmax(axis=1),
    "SpatialDropout1D": lambda: layers.SpatialDropout1D(0.2),
    "SpatialDropout2D": lambda: layers.SpatialDropout2D(0.2, data_format="channels_first"),
    "SpatialDropout3D": lambda: layers.SpatialDropout3D(0.2, seed=2),
    "SpectralNormalization": lambda: layers.SpectralNormalization(layers.Dense(3), 2),
    "StackedRNNCells": lambda: layers.StackedRNNCells([layers.GRUCell(2), layers.GRUCell(3)]),
    "Subtract": lambda: layers.Subtract(),
    "TimeDistributed": lambda: layers.TimeDistributed(layers.Dense(2)),
    "UnitNormalization": lambda: layers.UnitNormalization(axis=[1]),
    "UpSampling1D": lambda: layers.UpSampling1D(3),
    "UpSampling2D": lambda: layers.UpSampling2D(2, interpolation="bilinear"),
    "UpSampling3D": lambda: layers.UpSampling3D((1, 2, 3)),
    "Wrapper": lambda: layers.Wrapper(layers.Dense(2)),
    "ZeroPadding1D": lambda: layers.ZeroPadding1D((2, 1)),
    "ZeroPadding2D": lambda: layers.ZeroPadding2D(((1, 0), (0, 2))),
    "ZeroPadding3D": lambda: layers.ZeroPadding3D(2),
}

PREPROCESSING = set(dir(preprocessing))


def _layer_classes():
    """Every Layer class glassnet.layers exports outside the preprocessing package, by its own
    name (aliases such as Convolution2D point at one of these)."""
    found = {}
    for name in dir(layers):
        value = getattr(layers, name)
        if inspect.isclass(value) and issubclass(value, layers.Layer) and name not in PREPROCESSING:
            found[value.__name__] = value
    return found


def test_every_layer_class_has_a_maker():
    missing = set(_layer_classes()) - set(MAKERS)
    assert not missing, f"add these layers to MAKERS: {sorted(missing)}"


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", sorted(n for n, make in MAKERS.items() if make is not None))
def test_config_round_trip(name):
    layer = MAKERS[name]()
    config = layer.get_config()
    if name == "Lambda":  # the function comes back by name, outside safe mode
        clone = layers.Lambda.from_config(config, {"squares": squares}, safe_mode=False)
    else:
        clone = type(layer).from_config(config)
    assert _plain(clone.get_config()) == _plain(config)
    assert type(clone) is type(layer)
