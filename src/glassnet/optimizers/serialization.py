"""Optimizers to and from Keras's dicts, and by name. Classes come from glassnet's registry of
its own optimizers (each registers itself when defined) or from ``custom_objects``, never from
an import.

Example:

>>> from glassnet import optimizers
>>> type(optimizers.get("adamw")).__name__
'AdamW'
"""

from glassnet.backend import registry
from glassnet.backend.naming import lookup
from glassnet.optimizers.optimizer import Optimizer


def builtin_classes_by_name():
    """glassnet's optimizer classes by lower-case name (Keras looks names up case-insensitively:
    "adam", "Adam", "ADAMW").

    Example:

    >>> builtin_classes_by_name()["adamw"].__name__
    'AdamW'
    """
    return {name.lower(): cls for name, cls in registry.builtin_classes("optimizer").items()}


def serialize(optimizer):
    """An optimizer as Keras's dict: {"module", "class_name", "config", "registered_name"}.

    Args:
        optimizer: an Optimizer (or an OptimizerMap).

    Returns:
        A JSON-compatible dict; ``deserialize`` turns it back into an optimizer.

    Example:

    >>> from glassnet import optimizers
    >>> spec = optimizers.serialize(optimizers.Lion(learning_rate=0.01))
    >>> spec["class_name"], spec["config"]["learning_rate"]
    ('Lion', 0.01)
    """
    cls = type(optimizer)
    builtin = builtin_classes_by_name().get(cls.__name__.lower()) is cls
    return {
        "module": "keras.optimizers" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": optimizer.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """The optimizer a ``serialize`` dict (or {"class_name", "config"}) describes.

    Classes come from glassnet's optimizers (by name, any case) or ``custom_objects``
    (name -> class), never from an import; a schedule inside is rebuilt too.

    Args:
        config: the dict.
        custom_objects: optional dict of extra classes.

    Returns:
        The optimizer.

    Example:

    >>> from glassnet import optimizers
    >>> opt = optimizers.deserialize({"class_name": "SGD", "config": {"momentum": 0.5}})
    >>> type(opt).__name__, opt.momentum
    ('SGD', 0.5)
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "optimizers.deserialize: expected a dict with 'class_name' and 'config', "
            f"got {config!r}"
        )
    custom = dict(custom_objects or {})
    name = config.get("registered_name") or config["class_name"]
    if name in custom:
        cls = custom[name]
    elif config["class_name"] in custom:
        cls = custom[config["class_name"]]
    else:
        cls = lookup("optimizer", config["class_name"].lower(), builtin_classes_by_name())
    options = dict(config.get("config", {}))
    if cls.__name__ in ("MultiOptimizer", "OptimizerMap") or isinstance(
        options.get("learning_rate"), dict
    ):
        return cls.from_config(options, custom_objects=custom_objects)
    return cls.from_config(options)


def get(identifier):
    """An optimizer from a name ('adam'), a config dict or an instance.

    Args:
        identifier: a name (any case), a config dict, an Optimizer (returned as it is), or
            None (returns None).

    Raises:
        TypeError: for anything else; ValueError for an unknown name.

    Example:

    >>> from glassnet import optimizers
    >>> type(optimizers.get("adamw")).__name__
    'AdamW'
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return lookup("optimizer", identifier.lower(), builtin_classes_by_name())()
    raise TypeError(
        f"Could not interpret optimizer {identifier!r}: give a name such as 'adam', a config "
        "dict or an Optimizer instance"
    )
