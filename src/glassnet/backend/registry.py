"""The classes a saved config may name, by kind ("layer", "loss", "metric", "optimizer"...).

Loading a model file never imports a module: a config's ``class_name`` is looked up here, among
glassnet's own classes (each base class registers its subclasses defined inside glassnet) and the
classes a user registered or passed as ``custom_objects``.

Example:

>>> from glassnet.backend import registry
>>> registry.builtin_classes("layer")["Dense"].__name__
'Dense'
"""

_BUILTINS = {}  # kind -> {class name: class}


def register_builtin(kind, cls, name=None):
    """Record ``cls`` as glassnet's own class of ``kind`` under ``name`` (default: its __name__).

    Args:
        kind: what the class makes, e.g. "layer" or "loss"; names are unique within a kind.
        cls: the class.
        name: the name configs use; defaults to ``cls.__name__``.

    Returns:
        ``cls``, so the function also works as a decorator body.
    """
    _BUILTINS.setdefault(kind, {})[name or cls.__name__] = cls
    return cls


def register_builtin_subclasses(kind, cls):
    """Register ``cls`` if it is defined inside glassnet (called from base classes'
    ``__init_subclass__``): user subclasses are not registered behind the user's back."""
    if cls.__module__.startswith("glassnet.") and not cls.__name__.startswith("_"):
        register_builtin(kind, cls)


def builtin_classes(kind):
    """All of glassnet's registered classes of ``kind``, as a new dict name -> class.

    Args:
        kind: e.g. "layer".

    Returns:
        dict mapping class names to classes (empty for an unknown kind).
    """
    return dict(_BUILTINS.get(kind, {}))
