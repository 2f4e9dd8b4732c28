"""The models of ``glassnet train``: the ready-made ``mlp`` and ``cnn``, or a model config file,
each behind the preprocessing its dataset needs (see ``glassnet.cli.data``).

Example:

>>> from glassnet.cli import data
>>> model = build("mlp", data.load("xor"))
>>> [layer.__class__.__name__ for layer in model.layers]
['Dense', 'Dense', 'Dense']
"""

import os

import numpy as np


def output_layer(classes):
    """A sigmoid unit for two classes, a softmax over ``classes`` otherwise.

    Args:
        classes: the number of classes.

    Example:

    >>> output_layer(2).units, output_layer(3).units
    (1, 3)
    """
    from glassnet import layers

    if classes == 2:
        return layers.Dense(1, activation="sigmoid")
    return layers.Dense(classes, activation="softmax")


def loss_for(classes):
    """The cross-entropy that matches ``output_layer(classes)``.

    Args:
        classes: the number of classes.

    Example:

    >>> loss_for(2), loss_for(10)
    ('binary_crossentropy', 'sparse_categorical_crossentropy')
    """
    return "binary_crossentropy" if classes == 2 else "sparse_categorical_crossentropy"


def mlp(input_shape, classes, preprocessing=(), hidden=(128, 64)):
    """Dense ReLU layers on the (flattened) input.

    Args:
        input_shape: the shape of one sample.
        classes: the number of classes.
        preprocessing: layers put right after the Input (see ``Dataset.preprocessing``).
        hidden: the units of each hidden Dense layer.

    Example:

    >>> mlp((4,), 3, hidden=(8,)).count_params()
    67
    """
    import glassnet as keras
    from glassnet import layers

    stack = [keras.Input(input_shape), *preprocessing]
    if len(input_shape) > 1:
        stack.append(layers.Flatten())
    stack += [layers.Dense(units, activation="relu") for units in hidden]
    return keras.Sequential(stack + [output_layer(classes)], name="mlp")


def cnn(input_shape, classes, preprocessing=()):
    """Two convolution + pooling blocks and a dense layer, for (height, width, channels).

    Args:
        input_shape: (height, width, channels) of one image; below 16 rows, "same" padding and
            fewer filters.
        classes: the number of classes.
        preprocessing: layers put right after the Input.

    Example:

    >>> cnn((8, 8, 1), 10).outputs[0].shape
    (None, 10)
    """
    import glassnet as keras
    from glassnet import layers

    if len(input_shape) != 3:
        raise ValueError(
            f"--model cnn needs image data (height, width, channels), this dataset has samples "
            f"of shape {tuple(input_shape)}; use --model mlp"
        )
    small = input_shape[0] < 16
    filters = (16, 32) if small else (32, 64)
    padding = "same" if small else "valid"
    return keras.Sequential(
        [
            keras.Input(input_shape),
            *preprocessing,
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


def from_config_file(path, dataset):
    """The model a config file (``model.to_json()``) describes, behind the dataset's
    preprocessing; its input and output must suit the dataset.

    Args:
        path: the JSON file.
        dataset: the ``cli.data.Dataset`` the model is for.

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> from glassnet.cli import data
    >>> config = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, "sigmoid")]).to_json()
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.json")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write(config)
    >>> from_config_file(path, data.load("xor")).outputs[0].shape
    (None, 1)
    """
    import glassnet as keras
    from glassnet.saving import model_from_json

    try:
        with open(path) as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"--model: cannot read the model config {path!r} ({error})") from None
    try:
        model = model_from_json(text)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise ValueError(
            f"--model: {path!r} is not a model config as model.to_json() writes it ({error})"
        ) from None
    if not getattr(model, "inputs", None):
        raise ValueError(f"--model: the model in {path!r} has no Input; start it with keras.Input")
    wanted = tuple(dataset.x_train.shape[1:])
    given = tuple(model.inputs[0].shape[1:])
    if len(given) != len(wanted) or any(g is not None and g != w for g, w in zip(given, wanted)):
        raise ValueError(
            f"--model: the model in {path!r} takes samples of shape {given}, but "
            f"{dataset.name} has samples of shape {wanted}"
        )
    check_outputs(model, dataset, f"the model in {path!r}")
    preprocessing = dataset.preprocessing()
    if not preprocessing:
        return model
    name = os.path.splitext(os.path.basename(path))[0] or "model"
    return keras.Sequential([keras.Input(wanted), *preprocessing, model], name=_safe_name(name))


def check_outputs(model, dataset, what):
    """Refuse a model whose outputs cannot be the dataset's classes.

    Args:
        model: the model.
        dataset: the ``cli.data.Dataset``.
        what: what to call the model in the error message.

    Example:

    >>> import glassnet as keras
    >>> from glassnet.cli import data
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(5)])
    >>> check_outputs(model, data.load("xor"), "the model")
    Traceback (most recent call last):
    ...
    ValueError: the model has 5 output unit(s), but xor has 2 classes; use 1 sigmoid unit ...
    """
    units = model.outputs[0].shape[-1] if getattr(model, "outputs", None) else None
    if units is None:
        return
    if units != dataset.classes and not (units == 1 and dataset.classes == 2):
        raise ValueError(
            f"{what} has {units} output unit(s), but {dataset.name} has {dataset.classes} "
            f"classes; use 1 sigmoid unit for 2 classes, else one softmax unit per class"
        )


def build(spec, dataset):
    """The model named by ``--model`` for ``dataset``: 'mlp', 'cnn' or a .json config file.

    Args:
        spec: "mlp", "cnn" or the path of a .json model config.
        dataset: the ``cli.data.Dataset`` the model is for.
    """
    shape = dataset.x_train.shape[1:]
    if spec == "mlp":
        return mlp(shape, dataset.classes, dataset.preprocessing())
    if spec == "cnn":
        return cnn(shape, dataset.classes, dataset.preprocessing())
    if spec.lower().endswith(".json"):
        return from_config_file(spec, dataset)
    raise ValueError(
        f"--model must be 'mlp', 'cnn' or a model config file ending in .json, got {spec!r}"
    )


def _safe_name(text):
    cleaned = "".join(c if c.isalnum() or c in "_-" else "_" for c in text)
    return cleaned or "model"


def classes_of(y):
    """The number of classes in integer labels ``y`` (largest id + 1).

    Args:
        y: integer class ids.

    Example:

    >>> classes_of(np.array([0, 2, 1]))
    3
    """
    return int(np.max(y)) + 1
