"""glassnet's version (``glassnet.__version__``, ``keras.version()``).

Example:

>>> from glassnet.version import version
>>> version() == __import__("glassnet").__version__
True
"""

__version__ = "0.2.0"


def version():
    """The installed glassnet version, as a string.

    Example:

    >>> version() == __version__
    True
    """
    return __version__
