"""A model's compile settings in Keras 3's ``compile_config`` form (what a .keras file and
``serialize_keras_object`` hold), and back.

glassnet's own form is ``Trainer.get_compile_config()`` (the .glassnet file keeps that and
reloads it with ``compile_from_config``); Keras writes the optimizer, losses and metrics as its
config dicts instead. The two differ only in how an object is spelled, so each is translated
entry by entry.

Example:

>>> import glassnet as keras
>>> from glassnet.saving.compile_config import keras_compile_config
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
>>> config = keras_compile_config(model)
>>> config["optimizer"]["class_name"], config["loss"], config["metrics"]
('SGD', 'mse', ['mae'])
"""

from glassnet import metrics, optimizers
from glassnet.backend import registry
from glassnet.losses import losses


def _keras_spec(spec, kind):
    """glassnet's compile-spec entry -> Keras's."""
    if spec is None or isinstance(spec, (str, int, float, bool)):
        return spec
    if isinstance(spec, list):
        return [_keras_spec(item, kind) for item in spec]
    if "__dict__" in spec:
        return {key: _keras_spec(value, kind) for key, value in spec["__dict__"].items()}
    builtin_module = "keras.losses" if kind == "loss" else "keras.metrics"
    builtin_functions = losses.FUNCTIONS if kind == "loss" else metrics.FUNCTIONS
    builtin_classes = losses.CLASSES if kind == "loss" else metrics.CLASSES
    if "function" in spec:
        name = spec["function"]
        if name in builtin_functions:
            return {
                "module": builtin_module,
                "class_name": "function",
                "config": name,
                "registered_name": "function",
            }
        custom = registry.find(name)
        return {
            "module": getattr(custom, "__module__", None),
            "class_name": "function",
            "config": name,
            "registered_name": registry.registered_name(custom) or name,
        }
    class_name = spec["class_name"]
    if class_name in builtin_classes:
        return {
            "module": builtin_module,
            "class_name": class_name,
            "config": spec["config"],
            "registered_name": None,
        }
    custom = registry.find(class_name)
    return {
        "module": getattr(custom, "__module__", None),
        "class_name": class_name,
        "config": spec["config"],
        "registered_name": registry.registered_name(custom) or class_name,
    }


def keras_compile_config(model):
    """``model``'s compile settings as Keras 3 writes them in a .keras file.

    Args:
        model: a compiled model.

    Returns:
        dict with "optimizer", "loss", "loss_weights", "metrics", "weighted_metrics",
        "run_eagerly", "steps_per_execution", "jit_compile" (None for an uncompiled model).

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> keras_compile_config(model) is None
    True
    >>> model.compile(optimizer="adam", loss=keras.losses.MeanSquaredError())
    >>> keras_compile_config(model)["loss"]["class_name"]
    'MeanSquaredError'
    """
    if not getattr(model, "compiled", False):
        return None
    native = model.get_compile_config()
    optimizer = optimizers.serialize(model.optimizer)
    if optimizer.get("registered_name") is not None:
        optimizer["registered_name"] = (
            registry.registered_name(type(model.optimizer)) or optimizer["class_name"]
        )
    return {
        "optimizer": optimizer,
        "loss": _keras_spec(native.get("loss"), "loss"),
        "loss_weights": _keras_spec(native.get("loss_weights"), "loss"),
        "metrics": _keras_spec(native.get("metrics"), "metric"),
        "weighted_metrics": _keras_spec(native.get("weighted_metrics"), "metric"),
        "run_eagerly": False,
        "steps_per_execution": 1,
        "jit_compile": False,
    }


def _glassnet_spec(spec, kind, custom_objects):
    """Keras's compile-spec entry -> an argument ``compile`` takes (loss or metric ``kind``)."""
    if spec is None or isinstance(spec, (str, int, float, bool)):
        return spec
    if isinstance(spec, list):
        return [_glassnet_spec(item, kind, custom_objects) for item in spec]
    if isinstance(spec, dict) and "class_name" in spec and "config" in spec:
        registered = spec.get("registered_name")
        custom = None
        if registered not in (None, "function"):
            custom = registry.find(registered, custom_objects)
        if custom is not None:
            return (
                custom
                if spec["class_name"] == "function"
                else custom.from_config(dict(spec["config"]))
            )
        module = losses if kind == "loss" else metrics
        plain = {"class_name": spec["class_name"], "config": spec["config"]}
        return module.deserialize(plain, registry.all_custom_objects(custom_objects))
    if isinstance(spec, dict):
        return {key: _glassnet_spec(value, kind, custom_objects) for key, value in spec.items()}
    raise ValueError(f"compile_config: cannot read the entry {spec!r}")


def compile_from_keras_config(model, config, custom_objects=None):
    """Compile ``model`` with a Keras-written ``compile_config`` (or glassnet's own form).

    Args:
        model: the model to compile.
        config: the dict from a .keras file's config.json (or ``get_compile_config()``).
        custom_objects: optional dict name -> class or function for custom losses, metrics and
            optimizers (registered ones are found without it).

    Example:

    >>> import glassnet as keras
    >>> source = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> source.compile(optimizer="sgd", loss="mse")
    >>> target = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> compile_from_keras_config(target, keras_compile_config(source))
    >>> type(target.optimizer).__name__, target.compiled
    ('SGD', True)
    """
    optimizer = config.get("optimizer", "rmsprop")
    if isinstance(optimizer, dict) and "module" not in optimizer:
        model.compile_from_config(config, custom_objects)  # glassnet's own form
        return
    if isinstance(optimizer, dict):
        optimizer = optimizers.deserialize(optimizer, registry.all_custom_objects(custom_objects))
    model.compile(
        optimizer=optimizer,
        loss=_glassnet_spec(config.get("loss"), "loss", custom_objects),
        loss_weights=_glassnet_spec(config.get("loss_weights"), "loss", custom_objects),
        metrics=_glassnet_spec(config.get("metrics"), "metric", custom_objects),
        weighted_metrics=_glassnet_spec(config.get("weighted_metrics"), "metric", custom_objects),
    )
