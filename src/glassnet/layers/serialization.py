"""Layer configs to and from plain dicts. Classes come only from glassnet's registry of its own
classes, the user's registrations (``register_keras_serializable``), the custom-object scope or
the ``custom_objects`` a caller passes: a config never names code to import.

``serialize``/``deserialize`` are Keras's ``keras.layers.serialize``/``deserialize`` (the dict
format of Keras 3's files, with "module" and "registered_name"); ``serialize_layer`` is the
shorter ``{"class_name", "config"}`` form glassnet's own files use. Both readers take both forms.

Example:

>>> from glassnet.layers import Dense, deserialize, serialize
>>> config = serialize(Dense(3, name="d"))
>>> config["module"], config["class_name"], deserialize(config).units
('keras.layers', 'Dense', 3)
"""

import difflib
import inspect

from glassnet.backend import registry


def serialize_layer(layer):
    """``{"class_name": ..., "config": layer.get_config()}``.

    Args:
        layer: any layer or model with ``get_config``.

    Example:

    >>> from glassnet import layers
    >>> config = serialize_layer(layers.Dropout(0.25, name="drop"))
    >>> config["class_name"], config["config"]["rate"]
    ('Dropout', 0.25)
    """
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _layer_class(class_name, registered_name, custom_objects):
    for name in (registered_name, class_name):
        if isinstance(name, str):
            found = registry.find(name, custom_objects)
            if found is not None:
                return found
    known = registry.builtin_classes("layer")
    if class_name in known:
        return known[class_name]
    names = list(known) + list(custom_objects or {})
    close = difflib.get_close_matches(str(class_name), names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ValueError(
        f"Unknown layer class '{class_name}'.{hint} Pass custom layers in "
        f"custom_objects={{'{class_name}': {class_name}}} or register them with "
        f"@keras.saving.register_keras_serializable()."
    )


def _from_config(cls, config, custom_objects):
    """``cls.from_config(config)``, handing ``custom_objects`` on to layers that hold layers."""
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        return cls.from_config(config, custom_objects=custom_objects)
    return cls.from_config(config)


def deserialize_layer(config, custom_objects=None):
    """The layer (or model) a ``serialize_layer`` or ``serialize`` dict describes.

    Args:
        config: ``{"class_name": name, "config": {...}}`` (Keras's "module" and
            "registered_name" keys are understood too).
        custom_objects: dict name -> class for layers glassnet does not define.

    Returns:
        a new layer.

    Raises:
        ValueError: naming the unknown class, the closest known name and the remedy.

    Example:

    >>> from glassnet import layers
    >>> deserialize_layer(serialize_layer(layers.Dropout(0.25, name="drop")))
    <Dropout name=drop, built=False>
    >>> deserialize_layer({"class_name": "Dense2", "config": {}})
    Traceback (most recent call last):
    ...
    ValueError: Unknown layer class 'Dense2'. Did you mean 'Dense'? Pass custom layers in ...
    """
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(
            f"deserialize: expected {{'class_name': ..., 'config': ...}}, got {config!r}"
        )
    cls = _layer_class(config["class_name"], config.get("registered_name"), custom_objects)
    inner = dict(config.get("config") or {})
    dtype = inner.get("dtype")
    if isinstance(dtype, dict):  # Keras's DTypePolicy: {"class_name": ..., "config": {"name"}}
        inner["dtype"] = (dtype.get("config") or {}).get("name")
    layer = _from_config(cls, inner, custom_objects)
    build = config.get("build_config")
    if build and not getattr(layer, "built", True) and hasattr(layer, "build_from_config"):
        layer.build_from_config(build)
    return layer


def serialize(layer):
    """A layer as Keras 3 writes it: ``{"module": "keras.layers", "class_name", "config",
    "registered_name"}`` (plus "build_config" once built).

    Args:
        layer: the layer.

    Returns:
        a JSON-safe dict.

    Example:

    >>> from glassnet import layers
    >>> layers.serialize(layers.Dropout(0.5, name="drop"))["config"]["rate"]
    0.5
    """
    cls = type(layer)
    builtin = registry.builtin_classes("layer").get(cls.__name__) is cls
    config = {
        "module": "keras.layers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": layer.get_config(),
        "registered_name": None if builtin else registry.registered_name(cls) or cls.__name__,
    }
    build = layer.get_build_config() if hasattr(layer, "get_build_config") else None
    if build is not None:
        config["build_config"] = build
    return config


def deserialize(config, custom_objects=None):
    """The layer a ``serialize`` (or Keras's) dict describes; classes from glassnet, the
    registrations, the custom-object scope or ``custom_objects``, never from an import.

    Args:
        config: the dict.
        custom_objects: dict name -> class.

    Returns:
        a new layer.

    Example:

    >>> from glassnet import layers
    >>> layers.deserialize({"class_name": "Dense", "config": {"units": 2}}).units
    2
    """
    return deserialize_layer(config, custom_objects)
