"""Registering custom classes and functions so saved files can name them: Keras's
``register_keras_serializable``, ``get_registered_name``/``get_registered_object``,
``custom_object_scope``/``CustomObjectScope`` and ``get_custom_objects``.

A registration is a name -> object entry in glassnet's registry (``glassnet.backend.registry``);
loading looks names up there and never imports a module, so a file can only use classes that the
loading program defined and registered itself (or passed as ``custom_objects``).

Example:

>>> import glassnet as keras
>>> @keras.saving.register_keras_serializable(package="doc_reg")
... class Twice(keras.layers.Layer):
...     def call(self, inputs):
...         return inputs * 2
>>> keras.saving.get_registered_name(Twice)
'doc_reg>Twice'
>>> keras.saving.get_registered_object("doc_reg>Twice") is Twice
True
"""

import inspect

from glassnet.backend import registry


def register_keras_serializable(package="Custom", name=None):
    """A decorator that registers a class or function under ``"package>name"``.

    Saved configs then name it, and loading finds it without ``custom_objects`` in any program
    that defined (and so registered) it.

    Args:
        package: the first part of the key; keep it unique to your project.
        name: the second part; defaults to the object's ``__name__``.

    Returns:
        the decorator; it returns the object unchanged.

    Raises:
        ValueError: for a class without ``get_config()``, or a ``package`` containing ">".

    Example:

    >>> import glassnet as keras
    >>> @keras.saving.register_keras_serializable("doc_fn")
    ... def halved_error(y_true, y_pred):
    ...     return abs(y_true - y_pred) / 2
    >>> keras.saving.get_custom_objects()["doc_fn>halved_error"] is halved_error
    True
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(
            f"register_keras_serializable: package must be a string without '>', got {package!r}"
        )

    def decorator(obj):
        key = f"{package}>{name if name is not None else obj.__name__}"
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"register_keras_serializable: class {obj.__name__} has no get_config() method, "
                "so it cannot be saved; define get_config() returning its constructor arguments"
            )
        return registry.register(key, obj)

    return decorator


def get_registered_name(obj):
    """The name ``obj`` was registered under, else its ``__name__``.

    Args:
        obj: a class or function.

    Returns:
        "package>Name" for a registered object, the plain name otherwise.

    Example:

    >>> from glassnet import saving
    >>> saving.get_registered_name(len)
    'len'
    """
    return registry.registered_name(obj) or obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The class or function registered under ``name``, looked up in the active custom-object
    scope, the registrations, then ``custom_objects`` and ``module_objects``.

    Args:
        name: "package>Name" (or any key of the dicts given).
        custom_objects: optional dict name -> object.
        module_objects: optional dict name -> object, searched last.

    Returns:
        the object, or None.

    Example:

    >>> from glassnet import saving
    >>> saving.get_registered_object("nobody>Nothing") is None
    True
    >>> saving.get_registered_object("f", custom_objects={"f": abs}) is abs
    True
    """
    for table in (registry.scope_objects(), registry.registered_objects()):
        if name in table:
            return table[name]
    for table in (custom_objects or {}, module_objects or {}):
        if name in table:
            return table[name]
    return None


def get_custom_objects():
    """The live dict of registrations, "package>Name" -> object.

    Adding to it registers (``get_custom_objects()["MyLayer"] = MyLayer``); a scope's objects
    are not in it.

    Returns:
        the dict itself, not a copy.

    Example:

    >>> from glassnet import saving
    >>> isinstance(saving.get_custom_objects(), dict)
    True
    """
    return registry.registered_objects()


class CustomObjectScope:
    """A ``with`` block inside which loading and deserializing also find the given objects.

    As in Keras 3, an inner scope replaces the outer one for its duration; on exit the previous
    scope returns. The scope belongs to the thread that entered it.

    Args:
        custom_objects: dict name -> class or function (or several dicts, merged in order).

    Example:

    >>> import glassnet as keras
    >>> class Doubling(keras.layers.Layer):
    ...     def call(self, inputs):
    ...         return inputs * 2
    >>> config = {"class_name": "Doubling", "config": {"name": "d"}}
    >>> with keras.saving.custom_object_scope({"Doubling": Doubling}):
    ...     layer = keras.saving.deserialize_keras_object(config)
    >>> type(layer).__name__
    'Doubling'
    """

    def __init__(self, *custom_objects):
        self.custom_objects = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})
        self.backup = None

    def __enter__(self):
        self.backup = registry.set_scope_objects(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        registry.set_scope_objects(self.backup)


custom_object_scope = CustomObjectScope
