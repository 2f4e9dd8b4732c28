"""Layer configs to and from plain dicts. Classes come only from glassnet's own registry or from
``custom_objects`` the caller passes: a config never names code to import."""


def registry():
    import glassnet.layers as layers_module
    from glassnet.layers.layer import Layer

    return {
        name: value
        for name, value in vars(layers_module).items()
        if isinstance(value, type) and issubclass(value, Layer)
    }


def serialize_layer(layer):
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config, custom_objects=None):
    import difflib

    from glassnet.models import Sequential

    known = {**registry(), "Sequential": Sequential, **(custom_objects or {})}
    class_name = config.get("class_name")
    if class_name not in known:
        close = difflib.get_close_matches(str(class_name), list(known), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(
            f"Unknown layer class '{class_name}'.{hint} Pass custom layers in custom_objects={{'{class_name}': {class_name}}}."
        )
    return known[class_name].from_config(dict(config.get("config", {})))
