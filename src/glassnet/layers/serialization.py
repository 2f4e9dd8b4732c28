"""Layer configs to and from plain dicts. Classes come only from glassnet's registry of its own
classes or from ``custom_objects`` the caller passes: a config never names code to import.

Example:

>>> from glassnet.layers import Dense, deserialize_layer, serialize_layer
>>> config = serialize_layer(Dense(3, name="d"))
>>> config["class_name"], deserialize_layer(config).units
('Dense', 3)
"""

import difflib

from glassnet.backend import registry


def serialize_layer(layer):
    """``{"class_name": ..., "config": layer.get_config()}``."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config, custom_objects=None):
    """The layer (or model) a ``serialize_layer`` dict describes.

    Args:
        config: ``{"class_name": name, "config": {...}}``.
        custom_objects: dict name -> class for layers glassnet does not define.

    Returns:
        a new layer.

    Raises:
        ValueError: naming the unknown class, the closest known name and the remedy.
    """
    known = {**registry.builtin_classes("layer"), **(custom_objects or {})}
    class_name = config.get("class_name")
    if class_name not in known:
        close = difflib.get_close_matches(str(class_name), list(known), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(
            f"Unknown layer class '{class_name}'.{hint} Pass custom layers in "
            f"custom_objects={{'{class_name}': {class_name}}}."
        )
    return known[class_name].from_config(dict(config.get("config", {})))
