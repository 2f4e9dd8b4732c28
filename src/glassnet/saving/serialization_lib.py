"""Objects to and from Keras 3's config dicts: ``serialize_keras_object`` and
``deserialize_keras_object``.

The format is Keras's: ``{"module", "class_name", "config", "registered_name"}`` for classes
(plus ``"build_config"``/``"compile_config"`` for layers and models), ``{"class_name":
"function", "config": name, ...}`` for functions, ``"__numpy__"``, ``"__tensor__"``,
``"__bytes__"``, ``"__slice__"`` and ``"__ellipsis__"`` for those values. Deserializing looks
classes up among glassnet's own, the registrations, the custom-object scope and
``custom_objects``; it never imports a module and never rebuilds code (``"__lambda__"`` is
refused whatever ``safe_mode`` says).

Example:

>>> import glassnet as keras
>>> config = keras.saving.serialize_keras_object(keras.layers.Dense(3, name="d"))
>>> config["module"], config["class_name"], config["registered_name"]
('keras.layers', 'Dense', None)
>>> keras.saving.deserialize_keras_object(config).units
3
"""

import inspect
import types

import numpy as np

from glassnet import (
    activations,
    constraints,
    initializers,
    metrics,
    optimizers,
    regularizers,
)
from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import config as backend_config
from glassnet.backend import registry
from glassnet.losses import losses
from glassnet.optimizers import schedules
from glassnet.saving.compile_config import compile_from_keras_config, keras_compile_config
from glassnet.saving.object_registration import CustomObjectScope

_PLAIN = (str, int, float, bool)

# glassnet module -> the public Keras module a builtin of it is saved under
_KERAS_MODULES = (
    ("glassnet.optimizers.schedules", "keras.optimizers.schedules"),
    ("glassnet.optimizers", "keras.optimizers"),
    ("glassnet.losses", "keras.losses"),
    ("glassnet.metrics", "keras.metrics"),
    ("glassnet.initializers", "keras.initializers"),
    ("glassnet.regularizers", "keras.regularizers"),
    ("glassnet.constraints", "keras.constraints"),
    ("glassnet.activations", "keras.activations"),
    ("glassnet.ops", "keras.activations"),
    ("glassnet.models", "keras.models"),
    ("glassnet.layers", "keras.layers"),
)

# Keras module -> the glassnet deserializer that knows its builtins
_DESERIALIZERS = {
    "keras.losses": losses.deserialize,
    "keras.metrics": metrics.deserialize,
    "keras.optimizers": optimizers.deserialize,
    "keras.optimizers.schedules": schedules.deserialize,
    "keras.initializers": initializers.deserialize,
    "keras.regularizers": regularizers.deserialize,
    "keras.constraints": constraints.deserialize,
}
_LAYER_MODULES = ("keras.layers", "keras.models", "keras", "keras.src.models.functional")


class SafeModeScope:
    """A ``with`` block inside which loading is in safe mode or not, as ``safe_mode`` says.

    Keras's name for the switch ``load_model(..., safe_mode=...)`` sets while it loads: inside
    the block ``keras.config.in_safe_mode()`` returns ``safe_mode`` (so ``Lambda.from_config``
    refuses or accepts a Lambda), and on exit the previous setting returns. It is also the way
    back from ``keras.config.enable_unsafe_deserialization()`` for a block of code.

    Args:
        safe_mode: True refuses files that hold code; False accepts them.

    Example:

    >>> from glassnet import config
    >>> with SafeModeScope(False):
    ...     config.in_safe_mode()
    False
    >>> config.in_safe_mode()
    True
    """

    def __init__(self, safe_mode=True):
        self.safe_mode = bool(safe_mode)
        self.previous = None

    def __enter__(self):
        self.previous = backend_config.set_safe_mode(self.safe_mode)
        return self

    def __exit__(self, *exc_info):
        backend_config.set_safe_mode(self.previous)


def effective_safe_mode(safe_mode):
    """The safe mode a load runs in: False once ``enable_unsafe_deserialization()`` was called
    (as in Keras, the global switch wins), else the caller's ``safe_mode``.

    Args:
        safe_mode: the loader's argument (None counts as True).

    Returns:
        bool.

    Example:

    >>> effective_safe_mode(False), effective_safe_mode(None)
    (False, True)
    """
    if not backend_config.in_safe_mode():
        return False
    return safe_mode is not False


def _builtin_module(obj):
    """The Keras module a glassnet builtin class or function is saved under, or None."""
    module = getattr(obj, "__module__", "") or ""
    if registry.registered_name(obj) is not None:
        return None
    for prefix, keras_module in _KERAS_MODULES:
        if module == prefix or module.startswith(prefix + "."):
            return keras_module
    return None


def serialize_keras_object(obj):
    """The Keras config dict of ``obj`` (nested values serialized in turn).

    Args:
        obj: a layer, model, loss, metric, optimizer, initializer..., a function, a NumPy
            array or tensor, or plain data (lists, tuples, dicts, numbers, strings, None).

    Returns:
        JSON-compatible data (tuples stay tuples).

    Raises:
        ValueError: for a lambda (configs hold no code; use a named, registered function).

    Example:

    >>> import numpy as np
    >>> from glassnet import saving
    >>> saving.serialize_keras_object(np.array([1, 2], dtype="int32"))
    {'class_name': '__numpy__', 'config': {'value': [1, 2], 'dtype': 'int32'}}
    """
    if obj is None or isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(item) for item in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, SymbolicTensor):
        node = getattr(obj, "node", None)
        layer = getattr(node, "layer", None)
        return {
            "class_name": "__keras_tensor__",
            "config": {
                "shape": list(obj.shape),
                "dtype": str(obj.dtype),
                "keras_history": [layer.name, 0, 0] if layer is not None else None,
            },
        }
    if isinstance(obj, Tensor):
        array = np.asarray(obj.data)
        return {
            "class_name": "__tensor__",
            "config": {"value": array.tolist(), "dtype": str(array.dtype)},
        }
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": str(obj.dtype)},
        }
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.dtype):
        return str(obj)
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        raise ValueError(
            "serialize_keras_object: a lambda cannot be saved (glassnet configs hold no code); "
            "define a named function and decorate it with "
            "@keras.saving.register_keras_serializable()"
        )
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return _serialize_function(obj)
    if inspect.isclass(obj):
        raise ValueError(
            f"serialize_keras_object: got the class {obj.__name__}, not an instance of it"
        )
    if not hasattr(obj, "get_config"):
        raise ValueError(
            f"serialize_keras_object: {type(obj).__name__} has no get_config(), so it cannot be "
            "saved"
        )
    return _serialize_instance(obj)


def _serialize_function(function):
    module = _builtin_module(function)
    if module is not None:
        return {
            "module": module,
            "class_name": "function",
            "config": function.__name__,
            "registered_name": "function",
        }
    return {
        "module": function.__module__,
        "class_name": "function",
        "config": function.__name__,
        "registered_name": registry.registered_name(function) or function.__name__,
    }


def _serialize_instance(obj):
    cls = type(obj)
    module = _builtin_module(cls)
    config = {
        "module": module if module is not None else cls.__module__,
        "class_name": cls.__name__,
        "config": serialize_keras_object(obj.get_config()),
        "registered_name": None
        if module is not None
        else registry.registered_name(cls) or cls.__name__,
    }
    if hasattr(obj, "get_build_config"):
        build_config = obj.get_build_config()
        if build_config is not None:
            config["build_config"] = serialize_keras_object(build_config)
    if getattr(obj, "compiled", False) and hasattr(obj, "get_compile_config"):
        config["compile_config"] = keras_compile_config(obj)
    return config


def _missing(kind, name, registered_name):
    key = registered_name if registered_name and registered_name != "function" else name
    package, _, short = key.rpartition(">")
    how = (
        f"@keras.saving.register_keras_serializable(package={package!r})"
        if package
        else "@keras.saving.register_keras_serializable()"
    )
    return ValueError(
        f"Unknown {kind} '{key}': it is not one of glassnet's, not registered in this program "
        f"and not in custom_objects. Define it and decorate it with {how}, or pass "
        f"custom_objects={{'{short}': {short}}} (glassnet never imports a module to find it)."
    )


def _find_custom(name, registered_name, custom_objects):
    for key in (registered_name, name):
        if key and key != "function":
            found = registry.find(key, custom_objects)
            if found is not None:
                return found
    return None


def _deserialize_function(config, custom_objects):
    name, module = config["config"], config.get("module")
    if not isinstance(name, str):
        raise TypeError(f"deserialize_keras_object: a function's config must be its name: {config}")
    found = _find_custom(name, config.get("registered_name"), custom_objects)
    if found is not None:
        return found
    candidates = [module] if module in ("keras.losses", "keras.metrics") else []
    candidates += ["keras.losses", "keras.metrics"]
    for keras_module in candidates:
        table = losses.FUNCTIONS if keras_module == "keras.losses" else metrics.FUNCTIONS
        if name in table:
            return table[name]
    try:
        return activations.get(name)
    except ValueError:
        raise _missing("function", name, config.get("registered_name")) from None


def _from_config(cls, inner, custom_objects):
    parameters = inspect.signature(cls.from_config).parameters
    if "custom_objects" in parameters:
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def _deserialize_class(config, custom_objects):
    class_name, module = config["class_name"], config.get("module")
    registered_name = config.get("registered_name")
    inner = config.get("config") or {}
    if not isinstance(inner, dict):
        raise TypeError(
            f"deserialize_keras_object: the config of {class_name} must be a dict, got {inner!r}"
        )
    cls = _find_custom(class_name, registered_name, custom_objects)
    layer_classes = registry.builtin_classes("layer")
    if cls is None and (module in _LAYER_MODULES or module is None) and class_name in layer_classes:
        cls = layer_classes[class_name]
    if cls is None:
        modules = [module] if module in _DESERIALIZERS else list(_DESERIALIZERS)
        for keras_module in modules:
            try:
                return _DESERIALIZERS[keras_module](
                    {"class_name": class_name, "config": inner}, custom_objects
                )
            except (ValueError, KeyError):
                continue
        if class_name in layer_classes:
            cls = layer_classes[class_name]
    if cls is None:
        raise _missing("class", class_name, registered_name)
    if inspect.isfunction(cls):
        return cls
    instance = _from_config(cls, inner, custom_objects)
    build_config = config.get("build_config")
    if build_config and not getattr(instance, "built", True):
        instance.build_from_config(build_config)
    if config.get("compile_config"):
        compile_from_keras_config(instance, config["compile_config"], custom_objects)
    return instance


def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object a ``serialize_keras_object`` dict (or Keras's) describes.

    Args:
        config: the dict (lists and dicts of them too; plain values come back unchanged).
        custom_objects: optional dict name -> class or function, used first.
        safe_mode: True refuses a Lambda layer's config; False lets ``Lambda.from_config``
            take its function from ``custom_objects`` or the registrations (a ``"__lambda__"``
            entry, Python code, is refused either way: glassnet never rebuilds code).
        **kwargs: Keras's ``module_objects`` etc. are accepted and ignored.

    Returns:
        the rebuilt object.

    Raises:
        ValueError: for a name that is neither glassnet's nor registered nor in
            ``custom_objects`` (the message names it and how to register it).

    Example:

    >>> from glassnet import saving
    >>> spec = {"module": "keras.losses", "class_name": "Huber",
    ...         "config": {"delta": 2.0}, "registered_name": None}
    >>> saving.deserialize_keras_object(spec).fn_kwargs
    {'delta': 2.0}
    """
    if config is None or isinstance(config, _PLAIN):
        return config
    if isinstance(config, (list, tuple)):
        items = [deserialize_keras_object(item, custom_objects) for item in config]
        return tuple(items) if isinstance(config, tuple) else items
    if not isinstance(config, dict):
        raise TypeError(f"deserialize_keras_object: cannot read {config!r}")
    if "class_name" not in config or "config" not in config:
        return {key: deserialize_keras_object(v, custom_objects) for key, v in config.items()}
    class_name, inner = config["class_name"], config["config"]
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__tensor__":
        return as_tensor(np.array(inner["value"], dtype=inner["dtype"]))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        return slice(
            *(deserialize_keras_object(inner[k], custom_objects) for k in ("start", "stop", "step"))
        )
    if class_name == "__lambda__":
        raise ValueError(
            "deserialize_keras_object: the config holds a Python lambda (code); glassnet never "
            "rebuilds code from configs, whatever safe_mode says. Replace the lambda by a named "
            "function registered with @keras.saving.register_keras_serializable()"
        )
    if class_name == "__keras_tensor__":
        raise ValueError(
            "deserialize_keras_object: a symbolic tensor is rebuilt only as part of its "
            "functional model; deserialize the model instead"
        )
    merged = {**registry.scope_objects(), **(custom_objects or {})}
    with CustomObjectScope(merged), SafeModeScope(effective_safe_mode(safe_mode)):
        if class_name == "function":
            return _deserialize_function(config, merged)
        return _deserialize_class(config, merged)
