"""Learning curves from ``model.fit``'s History."""

from glassnet.plot.figure import finish, new_figure


def plot_history(history, path=None):
    """Loss and each metric over epochs, training vs validation; the learning rate too if it changed.

    history: a History (``model.fit(...)``) or its ``.history`` dict.
    """
    logs = getattr(history, "history", history)
    names = [k for k in logs if not k.startswith("val_") and k != "learning_rate"]
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
