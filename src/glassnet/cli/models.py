"""The ready-made architectures of ``glassnet train --model {mlp,cnn}``."""

import numpy as np


def output_layer(classes):
    from glassnet import layers

    return (
        layers.Dense(1, activation="sigmoid")
        if classes == 2
        else layers.Dense(classes, activation="softmax")
    )


def loss_for(classes):
    return "binary_crossentropy" if classes == 2 else "sparse_categorical_crossentropy"


def mlp(input_shape, classes, hidden=(128, 64)):
    import glassnet as keras
    from glassnet import layers

    stack = [keras.Input(input_shape)]
    if len(input_shape) > 1:
        stack.append(layers.Flatten())
    stack += [layers.Dense(units, activation="relu") for units in hidden]
    return keras.Sequential(stack + [output_layer(classes)], name="mlp")


def cnn(input_shape, classes):
    import glassnet as keras
    from glassnet import layers

    if len(input_shape) != 3:
        raise ValueError(
            f"--model cnn needs image data (height, width, channels), this dataset has samples of shape {input_shape}; use --model mlp"
        )
    small = input_shape[0] < 16
    filters = (16, 32) if small else (32, 64)
    padding = "same" if small else "valid"
    return keras.Sequential(
        [
            keras.Input(input_shape),
            layers.Conv2D(filters[0], 3, padding=padding, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(filters[1], 3, padding=padding, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            output_layer(classes),
        ],
        name="cnn",
    )


def classes_of(y):
    return int(np.max(y)) + 1
