import pathlib

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from tests.layers.helpers import layer_gradcheck

try:
    import torch
except ImportError:
    torch = None

rng = np.random.default_rng(0)
SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "datasets"


def tutorial_cnn():
    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def test_tutorial_cnn_has_kerass_parameter_count_and_shapes():
    model = tutorial_cnn()
    lines = []
    model.summary(print_fn=lines.append)
    assert " Total params: 121,930 (476.29 KB)" in lines
    assert [layer.output_shape_ for layer in model.layers] == [
        (None, 26, 26, 32),
        (None, 13, 13, 32),
        (None, 11, 11, 64),
        (None, 5, 5, 64),
        (None, 1600),
        (None, 64),
        (None, 10),
    ]
    assert [layer.name for layer in model.layers[:2]] == ["conv2d", "max_pooling2d"]


@pytest.mark.skipif(
    not (SHARED / "fashion-mnist").is_dir(), reason="the shared Fashion-MNIST files are not present"
)
def test_tutorial_cnn_trains_on_a_fashion_mnist_subset(monkeypatch):
    monkeypatch.setenv("GLASSNET_DATA", str(SHARED))
    (x, y), (xt, yt) = keras.datasets.fashion_mnist.load_data()
    x, xt = (
        (x[:3000, ..., None] / 255).astype("float32"),
        (xt[:1000, ..., None] / 255).astype("float32"),
    )
    model = tutorial_cnn()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y[:3000], batch_size=64, epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    assert model.evaluate(xt, yt[:1000], verbose=0)[1] > 0.65  # chance is 0.1


def test_conv2d_layer_gradients(float64):
    conv = layers.Conv2D(
        3, (2, 3), strides=(2, 1), padding="same", dilation_rate=1, activation="tanh"
    )
    x = rng.standard_normal((2, 5, 4, 2))
    conv(x)
    assert layer_gradcheck(conv, x, ["kernel", "bias"])


def test_channels_first_equals_transposed_channels_last():
    last = layers.Conv2D(4, 3, padding="same")
    first = layers.Conv2D(4, 3, padding="same", data_format="channels_first")
    x = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    last(x)
    first(x.transpose(0, 3, 1, 2))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(
        first(x.transpose(0, 3, 1, 2)).data,
        last(x).data.transpose(0, 3, 1, 2),
        rtol=1e-5,
        atol=1e-6,
    )
    pool_first = layers.MaxPooling2D(data_format="channels_first")(x.transpose(0, 3, 1, 2)).data
    np.testing.assert_array_equal(pool_first, layers.MaxPooling2D()(x).data.transpose(0, 3, 1, 2))


def test_other_conv_layers_shapes_and_counts():
    x = np.zeros((2, 8, 8, 3), dtype=np.float32)
    t = layers.Conv2DTranspose(5, 3, strides=2, padding="same")
    assert t(x).shape == (2, 16, 16, 5) and t.kernel.shape == (3, 3, 5, 3)
    d = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")
    assert d(x).shape == (2, 8, 8, 6) and d.count_params() == 3 * 3 * 3 * 2 + 6
    s = layers.SeparableConv2D(4, 3)
    assert s(x).shape == (2, 6, 6, 4) and s.count_params() == 27 + 12 + 4
    g = layers.Conv2D(6, 3, groups=3)
    assert g(x).shape == (2, 6, 6, 6) and g.kernel.shape == (3, 3, 1, 6)
    c1 = layers.Conv1D(4, 3, padding="causal", dilation_rate=2)
    assert c1(np.zeros((2, 10, 3), dtype=np.float32)).shape == (2, 10, 4)


def test_conv1d_causal_output_depends_only_on_the_past():
    conv = layers.Conv1D(2, 3, padding="causal")
    x = rng.standard_normal((1, 10, 1)).astype(np.float32)
    changed = x.copy()
    changed[0, 6:] += 5.0
    np.testing.assert_allclose(conv(x).data[0, :6], conv(changed).data[0, :6], rtol=1e-6)


def test_pooling_and_reshaping_layers():
    x = np.arange(2 * 4 * 4 * 1, dtype=np.float32).reshape(2, 4, 4, 1)
    assert layers.MaxPooling2D()(x).data[0, :, :, 0].tolist() == [[5, 7], [13, 15]]
    assert layers.AveragePooling2D()(x).data[0, :, :, 0].tolist() == [[2.5, 4.5], [10.5, 12.5]]
    np.testing.assert_allclose(layers.GlobalAveragePooling2D()(x).data, x.mean(axis=(1, 2)))
    np.testing.assert_allclose(
        layers.GlobalMaxPooling2D(keepdims=True)(x).data, x.max(axis=(1, 2), keepdims=True)
    )
    assert layers.ZeroPadding2D(((1, 2), (0, 1)))(x).shape == (2, 7, 5, 1)
    np.testing.assert_array_equal(layers.Cropping2D(((1, 0), (1, 2)))(x).data, x[:, 1:, 1:2])
    up = layers.UpSampling2D((2, 3))(x).data
    assert (
        up.shape == (2, 8, 12, 1)
        and up[0, 1, 2, 0] == x[0, 0, 0, 0]
        and up[0, 2, 3, 0] == x[0, 1, 1, 0]
    )
    seq = np.arange(12, dtype=np.float32).reshape(1, 6, 2)
    np.testing.assert_array_equal(
        layers.MaxPooling1D(2)(seq).data, seq.reshape(1, 3, 2, 2).max(axis=2)
    )
    np.testing.assert_allclose(layers.GlobalAveragePooling1D()(seq).data, seq.mean(axis=1))


def test_wrong_channels_are_named():
    conv = layers.Conv2D(4, 3)
    conv(np.zeros((1, 5, 5, 3), dtype=np.float32))
    with pytest.raises(
        ValueError,
        match=r"Conv2D 'conv2d' expected input with last dimension 3, got \(1, 5, 5, 1\)",
    ):
        conv(np.zeros((1, 5, 5, 1), dtype=np.float32))
    with pytest.raises(ValueError, match="Conv2D 'conv2d' expected input with 4 dimensions"):
        conv(np.zeros((5, 5, 3), dtype=np.float32))


# -- 3-D, transposed, depthwise and separable layers -----------------------------------------------
@pytest.mark.parametrize(
    "make,shape,names",
    [
        (lambda: layers.Conv3D(2, 2, padding="same"), (2, 3, 3, 3, 2), ["kernel", "bias"]),
        (lambda: layers.Conv3D(2, 2, data_format="channels_first"), (1, 2, 3, 3, 3), ["kernel"]),
        (lambda: layers.Conv1DTranspose(2, 3, strides=2), (2, 3, 2), ["kernel", "bias"]),
        (
            lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1),
            (1, 2, 3, 2),
            ["kernel", "bias"],
        ),
        (lambda: layers.Conv3DTranspose(2, 2, strides=2), (1, 2, 2, 2, 1), ["kernel", "bias"]),
        (lambda: layers.DepthwiseConv1D(2, depth_multiplier=2), (2, 4, 2), ["kernel", "bias"]),
        (
            lambda: layers.SeparableConv1D(3, 2, depth_multiplier=2),
            (2, 4, 2),
            ["depthwise_kernel", "pointwise_kernel", "bias"],
        ),
    ],
    ids=[
        "Conv3D",
        "Conv3D-channels_first",
        "Conv1DTranspose",
        "Conv2DTranspose-output_padding",
        "Conv3DTranspose",
        "DepthwiseConv1D",
        "SeparableConv1D",
    ],
)
def test_new_convolution_layers_gradients(float64, make, shape, names):
    layer = make()
    x = rng.standard_normal(shape)
    layer(x)
    assert layer_gradcheck(layer, x, names)


def test_symbolic_shapes_follow_kerass_arithmetic_even_for_unknown_lengths():
    """Output shapes come from the size formulas, so a kernel longer than a placeholder size
    does not matter (Conv1D(kernel_size=5) on sequences of unknown length)."""
    x = keras.Input((None, 8))
    assert layers.Conv1D(4, 5)(x).shape == (None, None, 4)
    assert layers.Conv1DTranspose(4, 5, strides=3)(x).shape == (None, None, 4)
    assert layers.SeparableConv1D(4, 5)(x).shape == (None, None, 4)
    volumes = keras.Input((9, 8, 7, 2))
    assert layers.Conv3D(3, 3, strides=2)(volumes).shape == (None, 4, 3, 3, 3)
    assert layers.Conv3DTranspose(3, 3, strides=2, padding="same")(volumes).shape == (
        None,
        18,
        16,
        14,
        3,
    )
    assert layers.Conv2DTranspose(1, 3, strides=2, output_padding=1)(
        keras.Input((5, 5, 1))
    ).shape == (None, 12, 12, 1)


def test_convolution_arguments_are_checked_as_keras_does():
    with pytest.raises(ValueError, match="strides > 1 together with dilation_rate > 1"):
        layers.Conv3D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="output_padding must be less than its stride"):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match="padding must be one of"):
        layers.Conv3D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="Conv3D 'conv3d': input shape .* is too small"):
        layers.Conv3D(2, 3, name="conv3d")(keras.Input((2, 5, 5, 1)))


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_conv3d_transpose_layer_equals_pytorch(float64):
    layer = layers.Conv3DTranspose(3, (2, 3, 2), strides=(2, 1, 2))
    x = rng.standard_normal((2, 3, 2, 3, 4))
    out = layer(x).data
    expected = torch.nn.functional.conv_transpose3d(
        torch.tensor(x).permute(0, 4, 1, 2, 3),
        torch.tensor(layer.kernel.data).permute(4, 3, 0, 1, 2),
        torch.tensor(layer.bias.data),
        stride=(2, 1, 2),
    ).permute(0, 2, 3, 4, 1)
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-10, atol=1e-12)
