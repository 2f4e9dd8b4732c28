"""The .glassnet format: one zip holding config.json (architecture, compile settings, weight manifest,
optimizer state manifest) and the arrays as numbered .npy members.

    model.save("model.glassnet");  model = glassnet.models.load_model("model.glassnet")

Loading never runs code from the file: classes come from glassnet's registry or ``custom_objects``,
arrays are read with allow_pickle=False, and any problem is reported as a ModelFileError.
"""

import json
import os

import numpy as np

from glassnet.saving.archive import SafeArchive, array_bytes, write_atomic
from glassnet.saving.errors import ModelFileError

FORMAT = "glassnet"
FORMAT_VERSION = 1
_MODEL_MEMBERS = r"config\.json|weights/\d{4,6}\.npy|optimizer/\d{4,6}-[a-z_]{1,40}\.npy"


# -- architecture --------------------------------------------------------------------------------------
def serialize_model(model):
    config = {"class_name": type(model).__name__, "config": model.get_config()}
    from glassnet.models import Functional, Sequential

    if not isinstance(model, (Sequential, Functional)):
        if model._build_shape is None:
            raise ValueError(
                f"Model '{model.name}' has not been called on data yet, so its weights do not exist; call or fit it before saving"
            )
        config["build_input_shape"] = _jsonable_shape(model._build_shape)
    return config


def _jsonable_shape(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple, dict)):
        return [_jsonable_shape(s) for s in shape]
    return None if shape is None else [None if n is None else int(n) for n in shape]


def deserialize_model(config, custom_objects=None):
    from glassnet.models import Functional, Sequential

    if (
        not isinstance(config, dict)
        or not isinstance(config.get("class_name"), str)
        or not isinstance(config.get("config"), dict)
    ):
        raise ModelFileError("model config must be {'class_name': ..., 'config': {...}}")
    class_name, inner = config["class_name"], config["config"]
    if class_name == "Sequential":
        return Sequential.from_config(inner, custom_objects)
    if class_name == "Functional":
        return Functional.from_config(inner, custom_objects)
    custom = (custom_objects or {}).get(class_name)
    if custom is None:
        raise ModelFileError(
            f"model class '{class_name}' is not a glassnet model; pass it in custom_objects={{'{class_name}': {class_name}}}"
        )
    model = custom.from_config(inner)
    if config.get("build_input_shape") is not None:
        model.build(tuple(config["build_input_shape"]))
    return model


def to_json(model, **kwargs):
    from glassnet import __version__

    return json.dumps({**serialize_model(model), "glassnet_version": __version__}, **kwargs)


def model_from_json(json_string, custom_objects=None):
    from glassnet.saving.archive import check_depth

    try:
        config = json.loads(json_string)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ModelFileError(
            f"model_from_json: not valid JSON ({error.__class__.__name__})"
        ) from None
    check_depth(config, "model_from_json")
    return _guarded(lambda: deserialize_model(config, custom_objects), "model_from_json")


# -- compile settings ------------------------------------------------------------------------------------
def _serialize_spec(spec):
    from glassnet.losses import Loss
    from glassnet.metrics import Metric

    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if isinstance(spec, (list, tuple)):
        return [_serialize_spec(s) for s in spec]
    if isinstance(spec, dict):
        return {"__dict__": {k: _serialize_spec(v) for k, v in spec.items()}}
    if isinstance(spec, (Loss, Metric)):
        return {"class_name": type(spec).__name__, "config": spec.get_config()}
    if callable(spec):
        return {"function": getattr(spec, "__name__", "function")}
    raise ValueError(f"cannot save compile setting {spec!r}")


def _deserialize_spec(spec, kind, custom_objects):
    from glassnet import losses, metrics

    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if isinstance(spec, list):
        return [_deserialize_spec(s, kind, custom_objects) for s in spec]
    if "__dict__" in spec:
        return {k: _deserialize_spec(v, kind, custom_objects) for k, v in spec["__dict__"].items()}
    if "function" in spec:
        function = (custom_objects or {}).get(spec["function"])
        if function is None:
            raise LookupError(f"the {kind} function '{spec['function']}' is not in custom_objects")
        return function
    module = losses if kind == "loss" else metrics
    return module.deserialize(spec)


def serialize_compile(model):
    if not model.compiled:
        return None
    args = model._compile_args
    return {
        "optimizer": {
            "class_name": type(model.optimizer).__name__,
            "config": model.optimizer.get_config(),
        },
        **{
            key: _serialize_spec(args[key])
            for key in ("loss", "loss_weights", "metrics", "weighted_metrics")
        },
    }


def compile_from_config(model, config, custom_objects=None):
    from glassnet import optimizers

    optimizer = optimizers.deserialize(config["optimizer"])
    model.compile(
        optimizer=optimizer,
        loss=_deserialize_spec(config.get("loss"), "loss", custom_objects),
        loss_weights=_deserialize_spec(config.get("loss_weights"), "loss", custom_objects),
        metrics=_deserialize_spec(config.get("metrics"), "metric", custom_objects),
        weighted_metrics=_deserialize_spec(
            config.get("weighted_metrics"), "metric", custom_objects
        ),
    )


# -- files -------------------------------------------------------------------------------------------------
def _manifest(variables):
    return [{"path": v.path, "shape": list(v.shape), "dtype": str(v.dtype)} for v in variables]


def save_model(model, filepath, include_optimizer=True):
    """Write ``model`` (architecture, weights, compile settings, optimizer state) to ``filepath``, atomically."""
    from glassnet import __version__

    variables = model.weights
    members = {f"weights/{i:04d}.npy": array_bytes(v.data) for i, v in enumerate(variables)}
    optimizer_state = None
    if include_optimizer and model.compiled and model.optimizer is not None:
        slots = []
        for i, variable in enumerate(model.trainable_weights):
            for slot, array in sorted(model.optimizer.state_of(variable).items()):
                slots.append([i, slot, list(np.shape(array))])
                members[f"optimizer/{i:04d}-{slot}.npy"] = array_bytes(array)
        optimizer_state = {"iterations": int(model.optimizer.iterations), "slots": slots}
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "glassnet_version": __version__,
        "model": serialize_model(model),
        "compile": serialize_compile(model),
        "weights": _manifest(variables),
        "optimizer_state": optimizer_state,
    }
    members["config.json"] = json.dumps(config, indent=1).encode("utf-8")
    write_atomic(filepath, members)


def _check_weight(array, spec, variable, where, allow_nonfinite):
    # auto-generated layer names differ between sessions, so the variable's own name is compared
    if str(spec.get("path", "")).rsplit("/", 1)[-1] != variable.path.rsplit("/", 1)[-1]:
        raise ModelFileError(
            f"{where}: weight {spec.get('path')!r} does not correspond to the model's {variable.path!r}"
        )
    if list(array.shape) != list(spec["shape"]) or tuple(array.shape) != variable.shape:
        raise ModelFileError(
            f"{where}: weight '{variable.path}' has shape {array.shape} in the file, the model needs {variable.shape}"
        )
    if str(array.dtype) != spec["dtype"] or array.dtype != variable.dtype:
        raise ModelFileError(
            f"{where}: weight '{variable.path}' has dtype {array.dtype} in the file, the model needs {variable.dtype}"
        )
    if not allow_nonfinite and array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ModelFileError(
            f"{where}: weight '{variable.path}' contains NaN or infinite values (pass allow_nonfinite=True to load it anyway)"
        )


def _restore_weights(archive, manifest, variables, where, allow_nonfinite):
    if not isinstance(manifest, list):
        raise ModelFileError(f"{where}: the weight manifest is missing")
    if len(manifest) != len(variables):
        raise ModelFileError(
            f"{where}: the file holds {len(manifest)} weights, the model has {len(variables)}"
        )
    stored = {n for n in archive.members if n.startswith("weights/")}
    expected = {f"weights/{i:04d}.npy" for i in range(len(variables))}
    if stored != expected:
        raise ModelFileError(
            f"{where}: weight members {sorted(stored ^ expected)[:5]} are missing or unexpected"
        )
    arrays = []
    for i, (spec, variable) in enumerate(zip(manifest, variables)):
        array = archive.read_array(f"weights/{i:04d}.npy")
        _check_weight(array, spec, variable, where, allow_nonfinite)
        arrays.append(array)
    for array, variable in zip(arrays, variables):  # assign only once everything checked out
        variable.assign(array)


def _restore_optimizer(archive, state, model, where):
    slots = state.get("slots", [])
    variables = model.trainable_weights
    stored = {n for n in archive.members if n.startswith("optimizer/")}
    expected = {f"optimizer/{i:04d}-{slot}.npy" for i, slot, _ in slots}
    if stored != expected:
        raise ModelFileError(
            f"{where}: optimizer members {sorted(stored ^ expected)[:5]} are missing or unexpected"
        )
    optimizer = model.optimizer
    for i, slot, shape in slots:
        if not 0 <= i < len(variables):
            raise ModelFileError(
                f"{where}: optimizer state for variable {i}, the model has {len(variables)} trainable"
            )
        array = archive.read_array(f"optimizer/{i:04d}-{slot}.npy")
        if list(array.shape) != list(shape):
            raise ModelFileError(
                f"{where}: optimizer slot {slot!r} of variable {i} has shape {array.shape}, manifest says {shape}"
            )
        optimizer._state.setdefault(id(variables[i]), {})[slot] = array.copy()
    optimizer.iterations = int(state.get("iterations", 0))


def _guarded(action, where):
    try:
        return action()
    except ModelFileError:
        raise
    except (
        Exception
    ) as error:  # anything else while rebuilding means the file does not describe a valid model
        raise ModelFileError(
            f"{where}: cannot rebuild the model ({type(error).__name__}: {error})"
        ) from None


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, allow_nonfinite=False):
    """Rebuild a model saved by ``save_model``; it predicts identically and, compiled, continues
    training with the same optimizer state."""
    where = os.fspath(filepath)
    if where.endswith(".keras"):  # a Keras 3 file
        from glassnet.saving.keras_format import load_keras

        return load_keras(filepath, custom_objects=custom_objects, compile=compile)
    archive = SafeArchive(filepath, _MODEL_MEMBERS)
    try:
        config = archive.read_json("config.json")
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            raise ModelFileError(f"{where}: config.json is not a glassnet model description")
        if (
            not isinstance(config.get("format_version"), int)
            or config["format_version"] > FORMAT_VERSION
        ):
            raise ModelFileError(
                f"{where}: format version {config.get('format_version')!r} is newer than this glassnet understands ({FORMAT_VERSION})"
            )
        model = _guarded(lambda: deserialize_model(config.get("model"), custom_objects), where)
        _restore_weights(archive, config.get("weights"), model.weights, where, allow_nonfinite)
        if compile and config.get("compile"):
            _guarded(lambda: compile_from_config(model, config["compile"], custom_objects), where)
            if config.get("optimizer_state"):
                _guarded(
                    lambda: _restore_optimizer(archive, config["optimizer_state"], model, where),
                    where,
                )
        elif {n for n in archive.members if n.startswith("optimizer/")} and not config.get(
            "optimizer_state"
        ):
            raise ModelFileError(f"{where}: optimizer arrays without an optimizer manifest")
        return model
    finally:
        archive.close()


# -- weights only ------------------------------------------------------------------------------------------
_WEIGHT_MEMBERS = r"config\.json|weights/\d{4,6}\.npy"


def save_weights(model, filepath):
    from glassnet import __version__

    variables = model.weights
    members = {f"weights/{i:04d}.npy": array_bytes(v.data) for i, v in enumerate(variables)}
    members["config.json"] = json.dumps(
        {
            "format": FORMAT + "-weights",
            "format_version": FORMAT_VERSION,
            "glassnet_version": __version__,
            "weights": _manifest(variables),
        }
    ).encode("utf-8")
    write_atomic(filepath, members)


def load_weights(model, filepath, allow_nonfinite=False):
    where = os.fspath(filepath)
    archive = SafeArchive(filepath, _WEIGHT_MEMBERS)
    try:
        config = archive.read_json("config.json")
        if not isinstance(config, dict) or config.get("format") not in (
            FORMAT + "-weights",
            FORMAT,
        ):
            raise ModelFileError(f"{where}: not a glassnet weights file")
        _restore_weights(archive, config.get("weights"), model.weights, where, allow_nonfinite)
    finally:
        archive.close()
