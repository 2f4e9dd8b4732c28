"""The page's network as a Python program that builds and trains it with the Keras API.

The program makes the same points (it copies the data generator, or holds the uploaded CSV),
the same split, the same input features and the same model, seeds glassnet's generator the way
the page did, and calls ``model.fit`` for the epochs the page trained: with glassnet it ends with
the page's exact weights. It starts with ``import glassnet as keras``; with ``import keras``
instead it runs on Keras 3 (different random draws, so close, not equal, results).

Example:

>>> from glassnet.playground.export import program
>>> from glassnet.playground.settings import DEFAULT_CONFIG
>>> text = program(DEFAULT_CONFIG, epochs=20)
>>> "import glassnet as keras" in text and "epochs=20" in text
True
>>> compile(text, "playground.py", "exec") is not None
True
"""

import json
import re
from inspect import getsource

from glassnet.playground import data as data_module
from glassnet.playground.settings import OPTIMIZERS

LINE_LENGTH = 99


def program(config, epochs, table=None):
    """The program's text.

    Args:
        config: the session's settings.
        epochs: how many epochs the page trained (the program trains as many).
        table: the uploaded CSV table when the data is "csv".

    Returns:
        str: a complete Python script that prints the test loss and accuracy.

    Example:

    >>> from glassnet.playground.session import DEFAULT_CONFIG
    >>> text = program(DEFAULT_CONFIG, epochs=3)
    >>> text.splitlines()[0].lstrip('"')
    'A network trained in the glassnet playground, as a program.'
    >>> compile(text, "playground.py", "exec") is not None
    True
    """
    spec = config["data"]
    features = config["features"]
    sizes = [len(features), *config["hidden"], 1]
    header = [
        '"""A network trained in the glassnet playground, as a program.',
        "",
        f"Data: {_describe_data(spec, table)}.",
        f"Network: {' -> '.join(str(size) for size in sizes)} "
        f"(inputs {', '.join(features)}); {config['activation']} hidden layers, sigmoid output.",
        f"Training: {OPTIMIZERS[config['optimizer']]}, learning rate {config['learning_rate']:g}, "
        f"batch size {config['batch_size']}, {epochs} epochs.",
        "",
        "With `import glassnet as keras` it reproduces the page's model exactly; with",
        "`import keras` it runs on Keras 3 (other random draws: close, not equal).",
        '"""',
        "",
        "import numpy as np",
        "",
        "import glassnet as keras",
        "",
        "",
    ]
    body = header + _data_lines(spec, features, table) + _model_lines(config, len(features))
    body += _training_lines(config, epochs)
    return "\n".join(body) + "\n"


def _describe_data(spec, table):
    if spec["name"] == "csv":
        first, second = (_plain(name) for name in table.classes)
        return (
            f"an uploaded CSV, {len(table.labels)} points, classes '{first}' = 0 "
            f"and '{second}' = 1, {spec['test_percent']:g}% held out for testing"
        )
    return (
        f"{spec['name']}, {spec['samples']} points, noise {spec['noise']:g}%, "
        f"{spec['test_percent']:g}% held out for testing"
    )


def _data_lines(spec, features, table):
    lines = []
    if spec["name"] == "csv":
        rows = [f"[{a!r}, {b!r}]" for a, b in table.raw.tolist()]
        labels = [str(v) for v in table.labels.tolist()]
        lines += [
            "# the uploaded CSV's two feature columns, and its labels as 0 and 1",
            *_wrapped("raw = np.array([", rows, "])"),
            *_wrapped("labels = np.array([", labels, "])"),
            "# each column scaled into the page's plane [-5, 5]",
            f"center = np.array({table.center.tolist()!r})",
            f"half_range = np.array({table.half_range.tolist()!r})",
            f"points = (raw - center) / half_range * {data_module.CSV_EXTENT!r}",
            f"rng = np.random.default_rng({spec['seed']})",
        ]
    else:
        generator = data_module.GENERATORS[spec["name"]]
        lines += getsource(generator).rstrip("\n").split("\n") + ["", ""]
        lines += [
            f"rng = np.random.default_rng({spec['seed']})",
            f"points, labels = {generator.__name__}({spec['samples']}, "
            f"{float(spec['noise'])!r}, rng)",
        ]
    n_test = data_module.held_out_count(
        len(table.labels) if spec["name"] == "csv" else spec["samples"], spec["test_percent"]
    )
    expressions = ", ".join(data_module.FEATURES[name][0] for name in features)
    lines += [
        "order = rng.permutation(len(points))",
        f"test, train = order[:{n_test}], order[{n_test}:]",
        "",
        "",
        "def input_features(points):",
        f'    """The network\'s inputs: {", ".join(features)}."""',
        "    x1, x2 = points[:, 0], points[:, 1]",
        f'    return np.stack([{expressions}], axis=1).astype("float32")',
        "",
        "",
        "x_train = input_features(points[train])",
        'y_train = labels[train].astype("float32")[:, None]',
        "x_test = input_features(points[test])",
        'y_test = labels[test].astype("float32")[:, None]',
        "",
    ]
    return lines


def _model_lines(config, n_features):
    common = [f"kernel_initializer={_string(config['initializer'])}"]
    if config["regularization"] != "none" and config["regularization_rate"] > 0:
        kind = config["regularization"].upper()
        common.append(
            f"kernel_regularizer=keras.regularizers.{kind}({config['regularization_rate']!r})"
        )
    layers = [f"keras.Input(({n_features},)),"]
    for number, units in enumerate(config["hidden"], start=1):
        arguments = [str(units), f"activation={_string(config['activation'])}", *common]
        layers.append(_call("keras.layers.Dense", [*arguments, f'name="hidden_{number}"']))
        if config["dropout"] > 0:
            layers.append(
                _call("keras.layers.Dropout", [repr(config["dropout"]), f'name="dropout_{number}"'])
            )
    layers.append(
        _call("keras.layers.Dense", ["1", 'activation="sigmoid"', *common, 'name="output"'])
    )
    optimizer = OPTIMIZERS[config["optimizer"]]
    lines = [f"keras.utils.set_random_seed({config['seed']})", "model = keras.Sequential(", "    ["]
    for layer in layers:
        lines += _indented(layer, 8)
    lines += [
        "    ],",
        '    name="playground",',
        ")",
        "model.compile(",
        f"    optimizer=keras.optimizers.{optimizer}(learning_rate={config['learning_rate']!r}),",
        '    loss="binary_crossentropy",',
        '    metrics=["accuracy"],',
        ")",
    ]
    return lines


def _training_lines(config, epochs):
    batch_size = config["batch_size"]
    fit = f"model.fit(x_train, y_train, batch_size={batch_size}, epochs={epochs}, verbose=0)"
    if not epochs:
        fit = "# the page had not trained the network yet, so the program does not call fit"
    return [fit] + [
        "test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)",
        'print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")',
    ]


def _plain(text):
    """A class name from a CSV, safe inside the program's docstring (no quotes, backslashes or
    line breaks)."""
    return re.sub(r"[^\w .,:;()+-]", "?", text)[:40]


def _string(text):
    """A string literal in double quotes, as ruff format writes them."""
    return json.dumps(text)


def _call(function, arguments):
    """``function(arg, ...)`` on one line, or one argument a line when that is too long."""
    one_line = f"{function}({', '.join(arguments)}),"
    if len(one_line) + 8 <= LINE_LENGTH:
        return one_line
    return "\n".join([f"{function}(", *[f"    {a}," for a in arguments], "),"])


def _indented(text, spaces):
    return [" " * spaces + line for line in text.split("\n")]


def _wrapped(start, items, end):
    lines, line = [], start
    for item in items:
        if len(line) + len(item) + 2 > LINE_LENGTH:
            lines.append(line.rstrip())
            line = "    "
        line += item + ", "
    lines.append(line.rstrip(", ") + end)
    return lines
