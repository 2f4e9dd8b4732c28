"""Figures without pyplot: no GUI backend is ever touched, so plots work headless and in
threads.

Example:

>>> figure = new_figure(4, 3)
>>> finish(figure) is figure
True
"""


def new_figure(width=6.4, height=4.8, **kwargs):
    """A matplotlib Figure with constrained layout, made without pyplot.

    Args:
        width: width in inches.
        height: height in inches.
        **kwargs: passed to ``matplotlib.figure.Figure``.

    Returns:
        The Figure (no GUI window, no global pyplot state).

    Example:

    >>> new_figure(4, 3).get_size_inches().tolist()
    [4.0, 3.0]
    """
    from matplotlib.figure import Figure  # here, not at import: matplotlib takes 0.5 s

    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def finish(figure, path=None, dpi=100):
    """Save ``figure`` to ``path`` when one is given, and return it either way.

    Args:
        figure: the Figure.
        path: a file name; the format follows its extension (``.png``, ``.svg``...). None
            saves nothing.
        dpi: resolution of raster formats.

    Returns:
        ``figure``.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "empty.png")
    >>> _ = finish(new_figure(2, 2), path)
    >>> os.path.exists(path)
    True
    """
    if path is not None:
        figure.savefig(path, dpi=dpi)
    return figure
