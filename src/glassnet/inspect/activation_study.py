"""The same network trained with different hidden activations, to compare how each learns.

A fair comparison changes one thing. By default every network gets the same initialisation
(He normal) and sees the same inputs; ``initializer="recommended"`` gives each activation its
usual partner instead (He for the ReLU family, Glorot for sigmoid/tanh), and the plot says which
was used. Accuracy is measured on the held-out test set and labelled so.

Example:

>>> from glassnet import datasets
>>> from glassnet.inspect import compare_activations
>>> (x, y), (xt, yt) = datasets.load_2d("moons", n_samples=100)
>>> study = compare_activations(x, y, xt, yt, activations=("relu",), hidden=(8,), epochs=2)
>>> sorted(study["relu"])
['history', 'initializer', 'model', 'test_accuracy']
"""

import numpy as np

from glassnet.backend import set_random_seed
from glassnet.layers import Dense, Flatten, Input
from glassnet.models import Sequential
from glassnet.optimizers import Adam
from glassnet.plot.figure import finish, new_figure

RECOMMENDED_INITIALIZERS = {
    "relu": "he_normal",
    "elu": "he_normal",
    "leaky_relu": "he_normal",
    "selu": "lecun_normal",
    "gelu": "he_normal",
    "silu": "he_normal",
}


def initializer_for(activation, initializer):
    """The kernel initializer a study uses for ``activation``.

    Args:
        activation: the activation's name.
        initializer: an initializer name, or "recommended" for the activation's usual one
            (``RECOMMENDED_INITIALIZERS``, "glorot_uniform" for the others).

    Example:

    >>> initializer_for("selu", "recommended"), initializer_for("selu", "he_normal")
    ('lecun_normal', 'he_normal')
    """
    if initializer == "recommended":
        return RECOMMENDED_INITIALIZERS.get(activation, "glorot_uniform")
    return initializer


def compare_activations(
    x_train,
    y_train,
    x_test,
    y_test,
    activations=("sigmoid", "tanh", "relu"),
    hidden=(16, 16),
    epochs=30,
    batch_size=32,
    learning_rate=0.01,
    seed=0,
    verbose=0,
    initializer="he_normal",
):
    """Train one network per activation, everything else equal, and measure each on test data.

    Args:
        x_train, y_train, x_test, y_test: a classification problem (integer labels).
        activations: names of the hidden activations to compare.
        hidden: units of each hidden layer.
        epochs, batch_size, learning_rate: training settings (Adam), the same for every network.
        seed: the same seed for every network (same initial draws).
        verbose: ``fit``'s verbosity (0, silent, by default).
        initializer: one initializer for every network (default "he_normal"), or
            "recommended" for each activation's usual one.

    Returns:
        {activation: {"history", "test_accuracy", "model", "initializer"}}.

    Example:

    >>> from glassnet.datasets import toy
    >>> (x_train, y_train), (x_test, y_test) = toy.load_2d("xor", 40)
    >>> results = compare_activations(
    ...     x_train, y_train, x_test, y_test, activations=("tanh", "relu"), hidden=(4,), epochs=2
    ... )
    >>> sorted(results), sorted(results["relu"])
    (['relu', 'tanh'], ['history', 'initializer', 'model', 'test_accuracy'])
    """
    classes = int(np.max(y_train)) + 1
    results = {}
    for name in activations:
        set_random_seed(seed)
        init = initializer_for(name, initializer)
        stack = [Input(np.shape(x_train)[1:])]
        if len(np.shape(x_train)) > 2:
            stack.append(Flatten())
        stack += [Dense(units, activation=name, kernel_initializer=init) for units in hidden]
        binary = classes == 2
        stack.append(Dense(1, activation="sigmoid") if binary else Dense(classes, "softmax"))
        model = Sequential(stack, name=f"{name}_network")
        loss = "binary_crossentropy" if binary else "sparse_categorical_crossentropy"
        model.compile(Adam(learning_rate), loss, metrics=["accuracy"])
        history = model.fit(
            x_train,
            y_train,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=(x_test, y_test),
            verbose=verbose,
        )
        results[name] = {
            "history": history.history,
            "test_accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1]),
            "model": model,
            "initializer": init,
        }
    return results


def plot_activation_study(results, path=None):
    """Training loss and test accuracy per epoch, one line per activation; the title says which
    initialisation each network had.

    Args:
        results: what ``compare_activations`` returns.
        path: a file to save the figure to (its extension gives the format), or None.

    Returns:
        The matplotlib Figure.
    """
    figure = new_figure(9, 3.6)
    loss_ax, acc_ax = figure.subplots(1, 2)
    for name, result in results.items():
        history = result["history"]
        epochs = range(1, len(history["loss"]) + 1)
        loss_ax.plot(epochs, history["loss"], label=name)
        acc_ax.plot(
            epochs, history["val_accuracy"], label=f"{name} ({result['test_accuracy']:.2f})"
        )
    inits = sorted({result["initializer"] for result in results.values()})
    setting = f"all {inits[0]} init" if len(inits) == 1 else "each its recommended init"
    loss_ax.set(title=f"training loss ({setting})", xlabel="epoch", yscale="log")
    acc_ax.set(title="test accuracy", xlabel="epoch")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend()
    return finish(figure, path)
