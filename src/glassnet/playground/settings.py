"""The playground's settings: what the page may choose, the caps, checking a change, and the
glassnet model a set of settings describes.

Example:

>>> from glassnet.playground.settings import DEFAULT_CONFIG, build_model, merge_config
>>> config = merge_config(DEFAULT_CONFIG, {"hidden": [8, 8], "activation": "relu"})
>>> [layer.units for layer in build_model(config, 2).layers]
[8, 8, 1]
"""

import copy
import math

from glassnet import layers as layers_module
from glassnet import optimizers, regularizers
from glassnet.backend import set_seed
from glassnet.models import Sequential
from glassnet.playground import data as data_module

MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 16
MAX_BATCH_SIZE = 500

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "leaky_relu", "elu", "gelu")
INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "random_normal",
)
# name on the page -> Keras class name (the exported program writes keras.optimizers.<Class>)
OPTIMIZERS = {
    "sgd": "SGD",
    "adam": "Adam",
    "rmsprop": "RMSprop",
    "adagrad": "Adagrad",
    "adamw": "AdamW",
    "nadam": "Nadam",
}
REGULARIZATIONS = ("none", "l1", "l2")

DEFAULT_CONFIG = {
    "data": {"name": "circles", "samples": 500, "noise": 0, "test_percent": 50, "seed": 0},
    "features": ["x1", "x2"],
    "hidden": [4, 2],
    "activation": "tanh",
    "initializer": "glorot_uniform",
    "regularization": "none",
    "regularization_rate": 0.0,
    "dropout": 0.0,
    "optimizer": "adam",
    "learning_rate": 0.03,
    "batch_size": 10,
    "seed": 0,
}

# key -> (smallest, largest, type) for the numbers in the settings
NUMBER_LIMITS = {
    "learning_rate": (1e-6, 10.0, float),
    "regularization_rate": (0.0, 1.0, float),
    "dropout": (0.0, 0.9, float),
    "batch_size": (1, MAX_BATCH_SIZE, int),
    "seed": (0, 2**31 - 1, int),
}
DATA_LIMITS = {
    "samples": (data_module.MIN_SAMPLES, data_module.MAX_SAMPLES, int),
    "noise": (0.0, 50.0, float),
    "test_percent": (10.0, 90.0, float),
    "seed": (0, 2**31 - 1, int),
}
CHOICES = {
    "activation": ACTIVATIONS,
    "initializer": INITIALIZERS,
    "regularization": REGULARIZATIONS,
    "optimizer": tuple(OPTIMIZERS),
}


def options(grid, thumbnail):
    """What the page may choose from, and the caps (sent to the page with the state); grid and
    thumbnail are the sides, in cells, of the boundary and of the neuron pictures.

    Args:
        grid: the side, in cells, of the decision-boundary picture.
        thumbnail: the side, in cells, of each neuron's picture.

    Example:

    >>> from glassnet.playground.settings import options
    >>> limits = options(64, 32)
    >>> limits["max_hidden_layers"], limits["max_neurons"], limits["datasets"][-1]
    (6, 16, 'csv')
    """
    return {
        "datasets": list(data_module.DATASETS),
        "features": list(data_module.FEATURES),
        "activations": list(ACTIVATIONS),
        "initializers": list(INITIALIZERS),
        "regularizations": list(REGULARIZATIONS),
        "optimizers": list(OPTIMIZERS),
        "max_hidden_layers": MAX_HIDDEN_LAYERS,
        "max_neurons": MAX_NEURONS,
        "max_samples": data_module.MAX_SAMPLES,
        "min_samples": data_module.MIN_SAMPLES,
        "max_batch_size": MAX_BATCH_SIZE,
        "max_upload_bytes": data_module.MAX_UPLOAD_BYTES,
        "plane": data_module.PLANE,
        "grid": grid,
        "thumbnail": thumbnail,
    }


def merge_config(current, changes):
    """The settings after applying ``changes`` (a dict of some keys) to ``current``, checked.

    Args:
        current: a complete, valid settings dict.
        changes: a dict with any of its keys ("data" may itself be partial).

    Returns:
        a new complete settings dict.

    Raises:
        ValueError: naming the setting, what it accepts and what came.

    Example:

    >>> from glassnet.playground.settings import DEFAULT_CONFIG, merge_config
    >>> merge_config(DEFAULT_CONFIG, {"hidden": [8, 8], "data": {"name": "spirals"}})["hidden"]
    [8, 8]
    >>> merge_config(DEFAULT_CONFIG, {"hidden": [8] * 7})
    Traceback (most recent call last):
    ...
    ValueError: hidden: at most 6 hidden layers, got 7
    """
    if not isinstance(changes, dict):
        raise ValueError(f"settings must be a JSON object, got {type(changes).__name__}")
    config = copy.deepcopy(current)
    for key, value in changes.items():
        if key not in DEFAULT_CONFIG:
            raise ValueError(
                f"unknown setting {key!r}; the settings are {', '.join(DEFAULT_CONFIG)}"
            )
        if key == "data":
            config["data"] = _merge_data(config["data"], value)
        elif key == "features":
            config["features"] = _check_features(value)
        elif key == "hidden":
            config["hidden"] = _check_hidden(value)
        elif key in CHOICES:
            if value not in CHOICES[key]:
                raise ValueError(f"{key}: choose one of {', '.join(CHOICES[key])}, got {value!r}")
            config[key] = value
        else:
            config[key] = _check_number(key, value, NUMBER_LIMITS[key])
    return config


def _merge_data(current, changes):
    if not isinstance(changes, dict):
        raise ValueError(f"data: expected an object, got {type(changes).__name__}")
    merged = dict(current)
    for key, value in changes.items():
        if key == "name":
            if value not in data_module.DATASETS:
                raise ValueError(
                    f"data.name: choose one of {', '.join(data_module.DATASETS)}, got {value!r}"
                )
            merged["name"] = value
        elif key in DATA_LIMITS:
            merged[key] = _check_number(f"data.{key}", value, DATA_LIMITS[key])
        else:
            raise ValueError(
                f"unknown data setting {key!r}; they are name, {', '.join(DATA_LIMITS)}"
            )
    return merged


def _check_number(key, value, limits):
    low, high, kind = limits
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{key}: expected a number, got {value!r}")
    if kind is int and value != int(value):
        raise ValueError(f"{key}: expected a whole number, got {value!r}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{key}: must be between {low:g} and {high:g}, got {value!r}")
    return kind(value)


def _check_features(value):
    if not isinstance(value, list) or not value:
        raise ValueError("features: choose at least one input feature")
    unknown = [name for name in value if name not in data_module.FEATURES]
    if unknown:
        raise ValueError(
            f"features: unknown {unknown!r}; choose from {', '.join(data_module.FEATURES)}"
        )
    return [name for name in data_module.FEATURES if name in value]  # the page's order


def _check_hidden(value):
    if not isinstance(value, list):
        raise ValueError(f"hidden: expected a list of neuron counts, got {value!r}")
    if len(value) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"hidden: at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(value)}")
    for units in value:
        if isinstance(units, bool) or not isinstance(units, int) or not 1 <= units <= MAX_NEURONS:
            raise ValueError(f"hidden: each layer has 1 to {MAX_NEURONS} neurons, got {units!r}")
    return list(value)


def build_model(config, n_features):
    """The compiled glassnet model the settings describe (the exported program builds the same).

    Args:
        config: complete settings.
        n_features: number of input features.

    Returns:
        a compiled ``Sequential``: hidden Dense layers named hidden_1..., each followed by a
        Dropout where dropout > 0, and a sigmoid Dense named output; binary cross-entropy.

    Example:

    >>> from glassnet.playground.settings import DEFAULT_CONFIG, build_model
    >>> [layer.name for layer in build_model(DEFAULT_CONFIG, 2).layers]
    ['hidden_1', 'hidden_2', 'output']
    """
    set_seed(config["seed"])
    regularizer = _regularizer(config)
    common = {"kernel_initializer": config["initializer"], "kernel_regularizer": regularizer}
    stack = [layers_module.Input((n_features,))]
    for number, units in enumerate(config["hidden"], start=1):
        stack.append(
            layers_module.Dense(
                units, activation=config["activation"], name=f"hidden_{number}", **common
            )
        )
        if config["dropout"] > 0:
            stack.append(layers_module.Dropout(config["dropout"], name=f"dropout_{number}"))
    stack.append(layers_module.Dense(1, activation="sigmoid", name="output", **common))
    model = Sequential(stack, name="playground")
    optimizer_class = getattr(optimizers, OPTIMIZERS[config["optimizer"]])
    model.compile(
        optimizer=optimizer_class(learning_rate=config["learning_rate"]),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _regularizer(config):
    if config["regularization"] == "none" or config["regularization_rate"] == 0:
        return None
    regularizer_class = regularizers.L1 if config["regularization"] == "l1" else regularizers.L2
    return regularizer_class(config["regularization_rate"])
