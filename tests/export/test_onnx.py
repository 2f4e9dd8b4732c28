"""Exported ONNX files run in onnxruntime with outputs equal to glassnet's within 1e-5."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

onnxruntime = pytest.importorskip(
    "onnxruntime",
    reason='onnxruntime not installed (pip install "glassnet[onnx]"): export checks skipped',
)
from glassnet.export import to_onnx  # noqa: E402

rng = np.random.default_rng(0)


def run_onnx(path, inputs):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    return session.run(None, dict(zip(names, inputs)))


def trained(model, x, y, loss):
    model.compile("adam", loss)
    model.fit(
        x, y, epochs=1, batch_size=8, verbose=0
    )  # moves BatchNorm statistics away from their defaults
    return model


@pytest.mark.parametrize(
    "name,model,x,y,loss",
    [
        (
            "mlp_batchnorm_dropout",
            lambda: keras.Sequential(
                [
                    keras.Input((6,)),
                    layers.Dense(8, activation="relu"),
                    layers.BatchNormalization(),
                    layers.Dropout(0.3),
                    layers.Dense(5, activation="tanh"),
                    layers.Dense(3, activation="softmax"),
                ]
            ),
            rng.standard_normal((16, 6)).astype("float32"),
            rng.integers(0, 3, 16),
            "sparse_categorical_crossentropy",
        ),
        (
            "cnn",
            lambda: keras.Sequential(
                [
                    keras.Input((9, 8, 2)),
                    layers.Conv2D(4, 3, padding="same", activation="relu"),
                    layers.MaxPooling2D(),
                    layers.Conv2D(6, 2, strides=2, padding="same"),
                    layers.BatchNormalization(),
                    layers.ReLU(),
                    layers.AveragePooling2D(2, strides=1, padding="same"),
                    layers.Flatten(),
                    layers.Dense(2),
                ]
            ),
            rng.standard_normal((8, 9, 8, 2)).astype("float32"),
            rng.standard_normal((8, 2)).astype("float32"),
            "mse",
        ),
        (
            "dilated_and_global",
            lambda: keras.Sequential(
                [
                    keras.Input((10, 10, 1)),
                    layers.Conv2D(3, 3, dilation_rate=2, activation="elu"),
                    layers.GlobalAveragePooling2D(),
                    layers.Dense(2, activation="sigmoid"),
                ]
            ),
            rng.standard_normal((8, 10, 10, 1)).astype("float32"),
            rng.random((8, 2)).astype("float32"),
            "mse",
        ),
        (
            "lstm",
            lambda: keras.Sequential(
                [
                    keras.Input((7, 3)),
                    layers.LSTM(5, return_sequences=True),
                    layers.LSTM(4),
                    layers.Dense(1),
                ]
            ),
            rng.standard_normal((8, 7, 3)).astype("float32"),
            rng.standard_normal((8, 1)).astype("float32"),
            "mse",
        ),
        (
            "reshape_and_activations",
            lambda: keras.Sequential(
                [
                    keras.Input((12,)),
                    layers.Reshape((3, 4)),
                    layers.LayerNormalization(),
                    layers.Flatten(),
                    layers.Dense(6, activation="gelu"),
                    layers.LeakyReLU(0.1),
                    layers.Dense(4, activation="swish"),
                    layers.Activation("softplus"),
                ]
            ),
            rng.standard_normal((8, 12)).astype("float32"),
            rng.standard_normal((8, 4)).astype("float32"),
            "mse",
        ),
    ],
)
def test_exported_model_matches(tmp_path, name, model, x, y, loss):
    model = trained(model(), x, y, loss)
    to_onnx(model, tmp_path / f"{name}.onnx")
    (ours,) = [model.predict(x, verbose=0)]
    (theirs,) = run_onnx(tmp_path / f"{name}.onnx", [x])
    np.testing.assert_allclose(theirs, ours, rtol=1e-5, atol=1e-5)


def test_functional_with_add_and_concatenate(tmp_path):
    a, b = keras.Input((4,), name="a"), keras.Input((3,), name="b")
    h = layers.Dense(4, activation="relu")(a)
    merged = layers.Concatenate()([layers.Add()([a, h]), layers.Dense(2)(b)])
    model = keras.Model(
        [a, b], [layers.Dense(1)(merged), layers.Dense(2, activation="softmax")(merged)]
    )
    x = [
        rng.standard_normal((5, 4)).astype("float32"),
        rng.standard_normal((5, 3)).astype("float32"),
    ]
    to_onnx(model, tmp_path / "f.onnx")
    for ours, theirs in zip(model.predict(x, verbose=0), run_onnx(tmp_path / "f.onnx", x)):
        np.testing.assert_allclose(theirs, ours, rtol=1e-5, atol=1e-6)


def test_unsupported_layers_are_named(tmp_path):
    model = keras.Sequential([keras.Input((5, 2)), layers.GRU(3)])
    with pytest.raises(ValueError, match=r"to_onnx: layer 0 'gru' \(GRU\) has no ONNX export yet"):
        to_onnx(model, tmp_path / "g.onnx")
