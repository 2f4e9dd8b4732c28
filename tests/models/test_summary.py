"""Parameter counts of summary() equal Keras's for the same models (figures as Keras reports
them)."""

import glassnet as keras
from glassnet import layers


def summary_lines(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def test_tiny_mlp_from_the_tutorials():
    model = keras.Sequential(
        [
            layers.Dense(4, activation="relu", input_shape=(2,)),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    lines = summary_lines(model)
    assert lines[0] == 'Model: "sequential"'
    assert any("dense (Dense)" in line and "(None, 4)" in line and "12" in line for line in lines)
    assert " Total params: 17 (68.00 B)" in lines
    assert " Trainable params: 17 (68.00 B)" in lines
    assert " Non-trainable params: 0 (0.00 B)" in lines


def test_fashion_mnist_mlp():
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            layers.Flatten(),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    assert " Total params: 235,146 (918.54 KB)" in summary_lines(model)


def test_batchnorm_counts_non_trainable():
    model = keras.Sequential(
        [keras.Input((20,)), layers.Dense(64), layers.BatchNormalization(), layers.Dense(1)]
    )
    lines = summary_lines(model)
    assert " Total params: 1,665 (6.50 KB)" in lines
    assert " Trainable params: 1,537 (6.00 KB)" in lines
    assert " Non-trainable params: 128 (512.00 B)" in lines


def test_embedding_model():
    model = keras.Sequential(
        [
            keras.Input((10,), dtype="int32"),
            layers.Embedding(1000, 16),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    assert model.count_params() == 16000 + 161
    assert any("(None, 10, 16)" in line for line in summary_lines(model))


def test_functional_model_lists_input_layer():
    inputs = keras.Input((5,))
    model = keras.Model(inputs, layers.Dense(2)(layers.LayerNormalization()(inputs)))
    lines = summary_lines(model)
    assert any("InputLayer" in line and "(None, 5)" in line for line in lines)
    assert model.count_params() == 10 + 12


def test_the_table_is_drawn_as_keras_draws_it():
    model = keras.Sequential(
        [keras.Input((2,)), layers.Dense(4, activation="relu"), layers.Dense(1)]
    )
    # Keras 3.15's summary of the same model, line for line
    assert summary_lines(model) == [
        'Model: "sequential"',
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓",
        "┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃",
        "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩",
        "│ dense (Dense)                   │ (None, 4)              │            12 │",
        "├─────────────────────────────────┼────────────────────────┼───────────────┤",
        "│ dense_1 (Dense)                 │ (None, 1)              │             5 │",
        "└─────────────────────────────────┴────────────────────────┴───────────────┘",
        " Total params: 17 (68.00 B)",
        " Trainable params: 17 (68.00 B)",
        " Non-trainable params: 0 (0.00 B)",
    ]
