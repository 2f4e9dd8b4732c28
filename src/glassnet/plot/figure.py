"""Figures without pyplot: no GUI backend is ever touched, so plots work headless and in threads."""

from matplotlib.figure import Figure


def new_figure(width=6.4, height=4.8, **kwargs):
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def finish(figure, path=None, dpi=100):
    """Save to ``path`` (PNG by extension) when given; return the Figure either way."""
    if path is not None:
        figure.savefig(path, dpi=dpi)
    return figure
