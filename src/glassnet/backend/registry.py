"""The classes a saved config may name, by kind ("layer", "loss", "metric", "optimizer"...).

Loading a model file never imports a module: a config's ``class_name`` is looked up here, among
glassnet's own classes (each base class registers its subclasses defined inside glassnet), the
classes and functions a user registered (``"package>Name"``, by
``keras.saving.register_keras_serializable``), the objects of the active custom-object scope and
the ``custom_objects`` a caller passes.

Example:

>>> from glassnet.backend import registry
>>> registry.builtin_classes("layer")["Dense"].__name__
'Dense'
"""

import threading

_BUILTINS = {}  # kind -> {class name: class}
_REGISTERED = {}  # "package>Name" -> class or function (what get_custom_objects() returns)
_REGISTERED_NAMES = {}  # class or function -> "package>Name"
_SCOPE = threading.local()  # .objects: the custom-object scope of this thread


def register_builtin(kind, cls, name=None):
    """Record ``cls`` as glassnet's own class of ``kind`` under ``name`` (default: its __name__).

    Args:
        kind: what the class makes, e.g. "layer" or "loss"; names are unique within a kind.
        cls: the class.
        name: the name configs use; defaults to ``cls.__name__``.

    Returns:
        ``cls``, so the function also works as a decorator body.

    Example:

    >>> class Thing:
    ...     pass
    >>> register_builtin("doc_example_kind", Thing) is Thing
    True
    >>> builtin_classes("doc_example_kind")
    {'Thing': <class '...Thing'>}
    """
    _BUILTINS.setdefault(kind, {})[name or cls.__name__] = cls
    return cls


def register_builtin_subclasses(kind, cls):
    """Register ``cls`` if it is defined inside glassnet.

    Called from base classes' ``__init_subclass__``; user subclasses are not registered behind
    the user's back, nor are private classes.

    Args:
        kind: e.g. "layer".
        cls: the new subclass.

    Example:

    >>> class MyLayer:
    ...     pass
    >>> MyLayer.__module__ = "my_project.layers"  # as for a class a user defines
    >>> register_builtin_subclasses("layer", MyLayer)
    >>> "MyLayer" in builtin_classes("layer")
    False
    """
    if cls.__module__.startswith("glassnet.") and not cls.__name__.startswith("_"):
        register_builtin(kind, cls)


def builtin_classes(kind):
    """All of glassnet's registered classes of ``kind``, as a new dict name -> class.

    Args:
        kind: e.g. "layer".

    Returns:
        dict mapping class names to classes (empty for an unknown kind).

    Example:

    >>> builtin_classes("optimizer")["Adam"].__name__, builtin_classes("no such kind")
    ('Adam', {})
    """
    return dict(_BUILTINS.get(kind, {}))


# -- user registrations -----------------------------------------------------------------------
def register(registered_name, obj):
    """Record ``obj`` (a class or function) under ``registered_name`` ("package>Name").

    Args:
        registered_name: the key saved files use.
        obj: the class or function.

    Returns:
        ``obj``.

    Example:

    >>> def halved(x):
    ...     return x / 2
    >>> _ = register("doc_register>halved", halved)
    >>> registered_name(halved)
    'doc_register>halved'
    >>> del registered_objects()["doc_register>halved"]
    """
    _REGISTERED[registered_name] = obj
    _REGISTERED_NAMES[obj] = registered_name
    return obj


def registered_objects():
    """The live dict "package>Name" -> object of every user registration (edits take effect).

    Returns:
        The dict itself, not a copy.

    Example:

    >>> isinstance(registered_objects(), dict)
    True
    """
    return _REGISTERED


def registered_name(obj):
    """The "package>Name" ``obj`` was registered under, or None.

    A registration removed from ``registered_objects()`` no longer counts.

    Args:
        obj: a class or function (unhashable objects give None).

    Returns:
        str or None.

    Example:

    >>> registered_name(len) is None
    True
    """
    try:
        name = _REGISTERED_NAMES.get(obj)
    except TypeError:  # an unhashable object is never registered
        return None
    return name if name is not None and _REGISTERED.get(name) is obj else None


def scope_objects():
    """The objects of the custom-object scope active in this thread.

    Returns:
        dict name -> object, empty outside any scope.

    Example:

    >>> scope_objects()
    {}
    """
    return getattr(_SCOPE, "objects", {})


def set_scope_objects(objects):
    """Make ``objects`` the custom-object scope of this thread.

    ``keras.saving.CustomObjectScope`` is built on it.

    Args:
        objects: dict name -> object, or None for no scope.

    Returns:
        The previous scope's dict, to restore afterwards.

    Example:

    >>> previous = set_scope_objects({"f": abs})
    >>> find("f") is abs
    True
    >>> _ = set_scope_objects(previous)
    """
    previous = scope_objects()
    _SCOPE.objects = dict(objects or {})
    return previous


def find(name, custom_objects=None):
    """The object a saved config names, from the caller's ``custom_objects``, the active scope
    or the user registrations; None when nothing matches.

    A plain class name (what glassnet's own configs store) finds a registered object whose own
    name it is, when exactly one registration has that name.

    Args:
        name: "package>Name" or a plain name.
        custom_objects: optional dict name -> object that wins over everything else.

    Returns:
        the class or function, or None.

    Example:

    >>> from glassnet.backend import registry
    >>> def scaled_error(y_true, y_pred):
    ...     return abs(y_true - y_pred)
    >>> _ = registry.register("doc_pkg>scaled_error", scaled_error)
    >>> registry.find("doc_pkg>scaled_error") is scaled_error
    True
    >>> registry.find("scaled_error") is scaled_error
    True
    >>> del registry.registered_objects()["doc_pkg>scaled_error"]
    """
    if not isinstance(name, str):
        return None
    for table in (custom_objects or {}, scope_objects(), _REGISTERED):
        if name in table:
            return table[name]
    if ">" in name:
        return None
    matches = [obj for key, obj in _REGISTERED.items() if key.split(">", 1)[1] == name]
    return matches[0] if len(matches) == 1 else None


def all_custom_objects(custom_objects=None):
    """One dict of every object a load may use.

    Each registration appears under its "package>Name" and, where unambiguous, its plain name;
    then come the scope's objects, then ``custom_objects``, each winning over the ones before.

    Args:
        custom_objects: the caller's dict, which wins over the rest.

    Returns:
        a new dict name -> object.

    Example:

    >>> all_custom_objects({"f": abs})["f"] is abs
    True
    """
    merged, plain_counts = {}, {}
    for key in _REGISTERED:
        plain = key.split(">", 1)[1]
        plain_counts[plain] = plain_counts.get(plain, 0) + 1
    for key, obj in _REGISTERED.items():
        merged[key] = obj
        plain = key.split(">", 1)[1]
        if plain_counts[plain] == 1:
            merged.setdefault(plain, obj)
    merged.update(scope_objects())
    merged.update(custom_objects or {})
    return merged
