"""Per-layer gradient norms over training, from a GradientMonitor's records."""

from glassnet.plot.figure import finish, new_figure


def plot_gradient_flow(records, path=None, quantity="grad_norm"):
    """records: list of dicts with 'step', 'layer' and the quantity (GradientMonitor.records)."""
    if not records:
        raise ValueError("plot_gradient_flow: no records (attach a GradientMonitor to fit first)")
    layers = list(dict.fromkeys(r["layer"] for r in records))
    figure = new_figure(7, 4)
    ax = figure.subplots()
    for layer in layers:
        points = [
            (r["step"], r[quantity])
            for r in records
            if r["layer"] == layer and r.get(quantity) is not None
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
