"""Switching gradient recording on and off (``no_grad``), as in PyTorch.

Example:

>>> with no_grad():
...     print(is_grad_enabled())
False
>>> is_grad_enabled()
True
"""

import functools

_enabled = True


def is_grad_enabled():
    """Whether ops record the graph needed for ``backward()`` (outside ``no_grad``: True).

    Returns:
        bool.

    Example:

    >>> is_grad_enabled()
    True
    """
    return _enabled


class _GradMode:
    """Context manager and decorator that sets gradient recording to ``self.mode``."""

    mode = True

    def __enter__(self):
        global _enabled
        self._previous = _enabled
        _enabled = self.mode

    def __exit__(self, *exc):
        global _enabled
        _enabled = self._previous
        return False

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return function(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Inside ``with no_grad():`` ops compute values only: no graph, no memory kept for backward.

    Also a decorator: ``@no_grad()`` runs the whole function without recording.

    Example:

    >>> from glassnet import Tensor
    >>> x = Tensor([1.0], requires_grad=True)
    >>> with no_grad():
    ...     y = x * 2.0
    >>> y.requires_grad
    False
    """

    mode = False


class enable_grad(_GradMode):
    """Turn recording back on inside a ``no_grad`` block (also a decorator).

    Example:

    >>> from glassnet import Tensor
    >>> x = Tensor([1.0], requires_grad=True)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x * 2.0
    >>> y.requires_grad
    True
    """

    mode = True
