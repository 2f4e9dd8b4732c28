import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.inspect import gradcheck_model

rng = np.random.default_rng(0)


@pytest.mark.parametrize(
    "name,build,x,y,loss",
    [
        (
            "dense",
            lambda: keras.Sequential(
                [
                    keras.Input((4,)),
                    layers.Dense(5, activation="tanh"),
                    layers.Dropout(0.3),
                    layers.Dense(3, activation="softmax"),
                ]
            ),
            rng.standard_normal((6, 4)),
            rng.integers(0, 3, 6),
            "sparse_categorical_crossentropy",
        ),
        (
            "conv2d",
            lambda: keras.Sequential(
                [
                    keras.Input((5, 5, 2)),
                    layers.Conv2D(3, 3, padding="same", activation="relu"),
                    layers.MaxPooling2D(),
                    layers.Flatten(),
                    layers.Dense(2),
                ]
            ),
            rng.standard_normal((3, 5, 5, 2)),
            rng.standard_normal((3, 2)),
            "mse",
        ),
        (
            "lstm",
            lambda: keras.Sequential(
                [
                    keras.Input((4, 3)),
                    layers.LSTM(4, return_sequences=True),
                    layers.GRU(3),
                    layers.Dense(1),
                ]
            ),
            rng.standard_normal((3, 4, 3)),
            rng.standard_normal((3, 1)),
            "mse",
        ),
        (
            "batchnorm",
            lambda: keras.Sequential(
                [
                    keras.Input((4,)),
                    layers.Dense(5),
                    layers.BatchNormalization(),
                    layers.Activation("relu"),
                    layers.Dense(1),
                ]
            ),
            rng.standard_normal((8, 4)),
            rng.standard_normal((8, 1)),
            "mse",
        ),
    ],
)
def test_gradcheck_model_passes(name, build, x, y, loss):
    model = build()
    model.compile("sgd", loss)
    before = [w.copy() for w in model.get_weights()]
    result = gradcheck_model(model, x, y)
    assert result, str(result)
    assert result.max_error < 1e-5 and len(result.per_variable) == len(model.trainable_weights)
    for a, b in zip(
        before, model.get_weights()
    ):  # the check leaves the model as it was, float32 included
        np.testing.assert_array_equal(a, b)
        assert b.dtype == np.float32


def test_gradcheck_model_finds_a_broken_layer():
    from glassnet.autograd import from_op

    class BrokenSquare(layers.Layer):
        def call(self, inputs):
            def backward(grad_output):  # forgets the factor 2
                return (grad_output * inputs.data,)

            return from_op(inputs.data**2, (inputs,), backward)

    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(3, name="before_the_bug"),
            BrokenSquare(),
            layers.Dense(1, name="after"),
        ]
    )
    model.compile("sgd", "mse")
    result = gradcheck_model(model, rng.standard_normal((4, 3)), rng.standard_normal((4, 1)))
    assert not result and result.worst_layer == "before_the_bug"
    assert "FAILED" in str(result)
