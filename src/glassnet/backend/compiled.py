"""Compiled kernels: optional siblings of NumPy reference code, compiled by numba when installed.

A kernel is a plain Python loop over arrays (readable as it stands, and the same arithmetic as
the NumPy reference it replaces), registered here under a name. ``get(name)`` returns the
compiled function, or None when it should not be used, and the caller then runs its NumPy
reference code:

- numba is not installed (it comes with the ``fast`` extra: ``pip install glassnet[fast]``);
- compiled kernels are switched off (``set_enabled(False)``, ``disabled()``, or the environment
  variable ``GLASSNET_COMPILED_KERNELS=0``);
- fusion is switched off (``glassnet.config.fusion_disabled()``): then every computation runs
  the reference path.

numba is imported on the first ``get``, not with glassnet, and each kernel is compiled on its
first use (cached on disk by numba afterwards).

Example:

>>> from glassnet.backend import compiled
>>> "adam_update" in compiled.kernels()
True
>>> with compiled.disabled():
...     compiled.get("adam_update") is None
True
"""

import contextlib
import importlib.util
import os

from glassnet.backend import config

_KERNELS = {}  # name -> the Python function numba compiles
_REASSOCIATE = set()  # names of the kernels whose sums may be added in any order
_COMPILED = {}  # name -> the compiled function, once made
_ENABLED = os.environ.get("GLASSNET_COMPILED_KERNELS", "1") != "0"
_NUMBA = None  # the numba module once imported; False when it is not installed


def register(name, reassociate=False):
    """Decorator: register a plain-Python array loop as the kernel ``name``.

    The function itself is returned unchanged (it still runs, slowly, as Python).

    Args:
        name: the kernel's name, as ``get`` and ``kernels`` use it.
        reassociate: let the compiler add (and multiply) in any order, so that a sum over a
            row runs as vector lanes: numba's ``fastmath={"reassoc"}`` and no other flag, so
            NaN, infinities and signed zeros keep their IEEE meaning. Only for kernels whose
            reference adds in an unspecified order too (a BLAS product), and whose tests
            compare to a tolerance: the last bits then differ from NumPy's. The order is the
            same for every row of a given length, so a row's result does not depend on the
            other rows of its batch.

    Example:

    >>> @register("doctest_double")
    ... def double(values):
    ...     for i in range(values.size):
    ...         values[i] *= 2
    >>> "doctest_double" in kernels()
    True
    >>> _ = _KERNELS.pop("doctest_double")
    """

    def decorate(function):
        if name in _KERNELS and _KERNELS[name] is not function:
            raise ValueError(f"compiled.register: a kernel named {name!r} already exists")
        _KERNELS[name] = function
        if reassociate:
            _REASSOCIATE.add(name)
        return function

    return decorate


def numba_available():
    """Whether numba can be imported (the ``fast`` extra is installed).

    Example:

    >>> isinstance(numba_available(), bool)
    True
    """
    global _NUMBA
    if _NUMBA is None:
        if importlib.util.find_spec("numba") is None:
            _NUMBA = False
        else:
            import numba

            _NUMBA = numba
    return _NUMBA is not False


def is_enabled():
    """Whether compiled kernels are used when numba is there (the default; see ``set_enabled``).

    Example:

    >>> isinstance(is_enabled(), bool)
    True
    """
    return _ENABLED


def set_enabled(value):
    """Use compiled kernels (True) or always the NumPy reference code (False).

    Args:
        value: bool.

    Example:

    >>> before = is_enabled()
    >>> set_enabled(False)
    >>> get("adam_update") is None
    True
    >>> set_enabled(before)
    """
    global _ENABLED
    _ENABLED = bool(value)


@contextlib.contextmanager
def disabled():
    """Context manager: the NumPy reference code inside the block, the previous setting after.

    Example:

    >>> with disabled():
    ...     is_enabled()
    False
    """
    before = _ENABLED
    set_enabled(False)
    try:
        yield
    finally:
        set_enabled(before)


def kernels():
    """The registered kernels: {name: 'compiled' | 'not compiled yet' | 'off (reason)'}.

    Example:

    >>> isinstance(kernels()["adam_update"], str)
    True
    """
    if not numba_available():
        reason = "off (numba is not installed)"
    elif not _ENABLED:
        reason = "off (switched off)"
    elif not config.is_fusion_enabled():
        reason = "off (fusion is switched off)"
    else:
        reason = None
    return {
        name: reason or ("compiled" if name in _COMPILED else "not compiled yet")
        for name in _KERNELS
    }


def get(name):
    """The compiled kernel ``name``, or None when the caller should run its NumPy reference.

    Args:
        name: a registered kernel's name.

    Returns:
        The compiled function (same arguments as the registered Python one), or None.

    Example:

    >>> kernel = get("adam_update")
    >>> kernel is None or callable(kernel)
    True
    """
    # the switches read as attributes, not through their functions: a one-sample predict asks
    # for four kernels
    if not (_ENABLED and config._FUSION_ENABLED):
        return None
    kernel = _COMPILED.get(name)
    if kernel is not None and _NUMBA:  # (False once numba is known to be missing)
        return kernel
    if not numba_available():
        return None
    if kernel is None:
        if name not in _KERNELS:
            raise KeyError(f"compiled.get: no kernel named {name!r}; known: {sorted(_KERNELS)}")
        # error_model="numpy": division follows IEEE (no Python ZeroDivisionError check), which
        # lets the loop vectorise; no fastmath, so the arithmetic rounds as NumPy's does, except
        # the reassociated sums of kernels registered with reassociate=True
        fastmath = {"reassoc"} if name in _REASSOCIATE else False
        kernel = _NUMBA.njit(cache=True, error_model="numpy", fastmath=fastmath)(_KERNELS[name])
        _COMPILED[name] = kernel
    return kernel
