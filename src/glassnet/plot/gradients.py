"""Per-layer gradient norms over training, from a GradientMonitor's records.

Example:

>>> records = [{"step": 1, "layer": "dense", "grad_norm": 0.5}]
>>> plot_gradient_flow(records).axes[0].get_title()
'grad norm per layer'
"""

from glassnet.plot.figure import finish, new_figure


def plot_gradient_flow(records, path=None, quantity="grad_norm"):
    """One line per layer: a recorded quantity (the gradient norm by default) against the step.

    Args:
        records: list of dicts with "step", "layer" and ``quantity`` (``GradientMonitor.records``).
        path: save the figure there as well (PNG by extension).
        quantity: the key to plot, on a log scale.

    Returns:
        The matplotlib Figure.

    Raises:
        ValueError: when ``records`` is empty.

    Example:

    >>> records = [{"step": s, "layer": name, "grad_norm": 1.0 / s}
    ...            for s in (1, 2, 3) for name in ("dense", "dense_1")]
    >>> [line.get_label() for line in plot_gradient_flow(records).axes[0].lines]
    ['dense', 'dense_1']
    """
    if not records:
        raise ValueError("plot_gradient_flow: no records (attach a GradientMonitor to fit first)")
    layers = list(dict.fromkeys(record["layer"] for record in records))
    figure = new_figure(7, 4)
    ax = figure.subplots()
    for layer in layers:
        points = [
            (record["step"], record[quantity])
            for record in records
            if record["layer"] == layer and record.get(quantity) is not None
        ]
        if points:
            steps, values = zip(*points)
            ax.plot(steps, values, marker=".", label=layer)
    ax.set(
        yscale="log",
        xlabel="step",
        ylabel=quantity.replace("_", " "),
        title=f"{quantity.replace('_', ' ')} per layer",
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return finish(figure, path)
