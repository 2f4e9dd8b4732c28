"""Switching gradient recording on and off (``no_grad``), as in PyTorch."""

import functools

_enabled = True


def is_grad_enabled():
    """True when ops record the graph needed for ``backward()``."""
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

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Inside ``with no_grad():`` ops compute values only: no graph, no memory kept for backward."""

    mode = False


class enable_grad(_GradMode):
    """Turn recording back on inside a ``no_grad`` block."""

    mode = True
