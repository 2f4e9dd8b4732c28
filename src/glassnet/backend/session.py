"""Session-wide state under ``keras.backend``'s names: ``clear_session``, ``get_uid``,
``is_keras_tensor``, and the scopes ``name_scope``, ``device`` and ``SymbolicScope`` that
``keras`` exports at its top level.

Example:

>>> from glassnet.backend import session
>>> session.get_uid("block"), session.get_uid("block")
(1, 2)
>>> with session.name_scope("encoder"), session.name_scope("dense"):
...     session.current_name_scope()
'encoder/dense'
"""

import collections
import gc
import sys

from glassnet.backend import naming

_uids = collections.defaultdict(int)
_name_scopes = []  # the open name_scope objects, outermost first
_devices = []
_symbolic_depth = [0]


def get_uid(prefix=""):
    """1 the first time a prefix is asked for, then 2, 3... (until ``clear_session``).

    Args:
        prefix: the counter's name.

    Example:

    >>> from glassnet.backend.session import get_uid
    >>> get_uid("get_uid_example")
    1
    """
    _uids[prefix] += 1
    return _uids[prefix]


def clear_session(free_memory=True):
    """Reset the session: automatic layer names start again ('dense', 'dense_1'...), as do the
    ``get_uid`` counters and the open scopes.

    Args:
        free_memory: also run Python's garbage collector, as Keras does.

    Example:

    >>> from glassnet.backend.session import clear_session, get_uid
    >>> clear_session(); get_uid("after_clear")
    1
    """
    naming.clear_session()
    _uids.clear()
    _name_scopes.clear()
    _devices.clear()
    _symbolic_depth[0] = 0
    if free_memory:
        gc.collect()


def is_keras_tensor(x):
    """True for a symbolic tensor of the functional API (a KerasTensor), False for real tensors
    and arrays.

    Args:
        x: anything.

    Returns:
        bool.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> keras.backend.is_keras_tensor(keras.Input((3,))), keras.backend.is_keras_tensor(np.ones(3))
    (True, False)
    """
    # the backend sits below autograd, so it looks the class up instead of importing it: if the
    # module that defines it has not been loaded, no symbolic tensor exists yet
    symbolic = sys.modules.get("glassnet.autograd.symbolic")
    return symbolic is not None and isinstance(x, symbolic.SymbolicTensor)


class name_scope:
    """Context manager that prefixes names with ``name`` ('outer/inner'), as ``keras.name_scope``.

    glassnet builds no graph of names, so the scope only records the path: read it with
    ``current_name_scope()`` (and ``name_scope.path`` on the object).

    Args:
        name: the scope's name.
        caller: accepted for Keras compatibility.
        deduplicate: a scope of the same name directly inside itself adds nothing.
        override_parent: a path to use instead of the enclosing scopes'.

    Example:

    >>> import glassnet as keras
    >>> with keras.name_scope("block") as scope:
    ...     scope.path
    'block'
    """

    def __init__(self, name, caller=None, deduplicate=True, override_parent=None):
        if not isinstance(name, str) or "/" in name:
            raise ValueError(f"name_scope: expected a name without '/', got {name!r}")
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        self.path = None
        self._entered = False

    def __enter__(self):
        parent = self.override_parent
        if parent is None:
            parent = current_name_scope()
        if self.deduplicate and _name_scopes and _name_scopes[-1].name == self.name:
            self.path = parent
        else:
            self.path = f"{parent}/{self.name}" if parent else self.name
        _name_scopes.append(self)
        self._entered = True
        return self

    def __exit__(self, *exc):
        if self._entered and _name_scopes and _name_scopes[-1] is self:
            _name_scopes.pop()
        self._entered = False
        return False


def current_name_scope():
    """The path of the innermost open ``name_scope`` ('' outside any).

    Returns:
        str, e.g. "encoder/dense".

    Example:

    >>> current_name_scope()
    ''
    """
    return _name_scopes[-1].path if _name_scopes else ""


class device:
    """Context manager naming the device to compute on, as ``keras.device``.

    glassnet computes with NumPy on the CPU whatever the name (as Keras's NumPy backend does);
    the scope records the name so code written for other backends runs unchanged.

    Args:
        device_name: e.g. "cpu:0" or "gpu:0".

    Example:

    >>> import glassnet as keras
    >>> with keras.device("cpu:0"):
    ...     keras.backend.session.current_device()
    'cpu:0'
    """

    def __init__(self, device_name):
        if not isinstance(device_name, str):
            raise ValueError(f"device: expected a device name such as 'cpu:0', got {device_name!r}")
        self.device_name = device_name

    def __enter__(self):
        _devices.append(self.device_name)
        return self

    def __exit__(self, *exc):
        if _devices:
            _devices.pop()
        return False


def current_device():
    """The innermost ``device`` scope's name, or 'cpu:0' outside any.

    Returns:
        str.

    Example:

    >>> current_device()
    'cpu:0'
    """
    return _devices[-1] if _devices else "cpu:0"


class SymbolicScope:
    """Context manager marking code that runs on symbolic tensors, as ``keras.SymbolicScope``
    (glassnet's own symbolic runs, shape inference on zeros, need no such marker; layers may
    check ``in_symbolic_scope()``).

    Example:

    >>> import glassnet as keras
    >>> with keras.SymbolicScope():
    ...     keras.backend.session.in_symbolic_scope()
    True
    """

    def __enter__(self):
        _symbolic_depth[0] += 1
        return self

    def __exit__(self, *exc):
        _symbolic_depth[0] = max(_symbolic_depth[0] - 1, 0)
        return False


def in_symbolic_scope():
    """True inside a ``SymbolicScope``.

    Returns:
        bool.

    Example:

    >>> in_symbolic_scope()
    False
    """
    return _symbolic_depth[0] > 0
