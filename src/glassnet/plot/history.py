"""Learning curves from ``model.fit``'s History.

Example:

>>> figure = plot_history({"loss": [1.0, 0.5], "accuracy": [0.5, 0.8]})
>>> [ax.get_title() for ax in figure.axes]
['loss', 'accuracy']
"""

from glassnet.plot.figure import finish, new_figure


def plot_history(history, path=None):
    """Loss and each metric over epochs, training against validation, one panel each.

    A last panel shows the learning rate when it changed during training.

    Args:
        history: a History (what ``model.fit`` returns) or its ``.history`` dict.
        path: save the figure there as well (PNG by extension).

    Returns:
        The matplotlib Figure.

    Example:

    >>> logs = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.9], "learning_rate": [0.1, 0.01]}
    >>> figure = plot_history(logs)
    >>> [ax.get_title() for ax in figure.axes]
    ['loss', 'learning rate']
    >>> [line.get_label() for line in figure.axes[0].lines]
    ['training', 'validation']
    """
    logs = getattr(history, "history", history)
    names = [key for key in logs if not key.startswith("val_") and key != "learning_rate"]
    rates = logs.get("learning_rate")
    show_rate = rates is not None and len(set(rates)) > 1
    panels = len(names) + show_rate
    figure = new_figure(4.2 * panels, 3.4)
    axes = figure.subplots(1, panels, squeeze=False)[0]
    for ax, name in zip(axes, names):
        epochs = range(1, len(logs[name]) + 1)
        ax.plot(epochs, logs[name], marker="o", label="training")
        if f"val_{name}" in logs:
            ax.plot(epochs, logs[f"val_{name}"], marker="o", label="validation")
        ax.set(title=name, xlabel="epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    if show_rate:
        ax = axes[-1]
        ax.plot(range(1, len(rates) + 1), rates, marker="o", color="tab:green")
        ax.set(title="learning rate", xlabel="epoch", yscale="log")
        ax.grid(alpha=0.3)
    return finish(figure, path)
