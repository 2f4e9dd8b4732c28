"""The .glassnet format: one zip holding config.json (architecture, compile settings, weight
manifest, optimizer state manifest, layer state manifest), the arrays as numbered .npy members,
and the state layers keep beyond their weights: what ``save_own_variables`` writes (tf-idf
weights, a Discretization's summary) as ``state/NNNN/<key>.npy`` and what ``save_assets`` writes
(an adapted vocabulary) as ``assets/NNNN/<file>``, NNNN numbering the layer in Keras's walk of
the model (``layer_state.walk``).

Loading never runs code from the file: classes come from glassnet's registry or
``custom_objects``, arrays are read with allow_pickle=False, and any problem is reported as a
ModelFileError.

Example:

>>> import os, tempfile
>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
>>> path = os.path.join(tempfile.mkdtemp(), "model.glassnet")
>>> save_model(model, path)
>>> load_model(path).predict(np.array([[1.0, 2.0]]), verbose=0).tolist()
[[3.0]]
"""

import json
import os

import numpy as np

from glassnet.backend import registry
from glassnet.saving import layer_state
from glassnet.saving.archive import (
    SAFE_DTYPES,
    SafeArchive,
    array_bytes,
    check_depth,
    write_atomic,
)
from glassnet.saving.errors import ModelFileError
from glassnet.saving.keras_format import load_keras, load_keras_weights
from glassnet.saving.object_registration import CustomObjectScope
from glassnet.saving.serialization_lib import SafeModeScope, effective_safe_mode
from glassnet.version import __version__

FORMAT = "glassnet"
FORMAT_VERSION = 2  # 2: layer state and assets; files without them are still written as 1
_STATE_MEMBER = r"state/\d{4,6}/" + layer_state.STATE_KEY + r"\.npy"
_ASSET_MEMBER = r"assets/\d{4,6}/" + layer_state.ASSET_FILE
_MODEL_MEMBERS = (
    r"config\.json|weights/\d{4,6}\.npy|optimizer/\d{4,6}-[a-z_]{1,40}\.npy|"
    + _STATE_MEMBER
    + "|"
    + _ASSET_MEMBER
)


# -- architecture ---------------------------------------------------------------------------
def _graph_model_classes():
    classes = registry.builtin_classes("layer")
    return classes["Sequential"], classes["Functional"]


def serialize_model(model):
    """A model's architecture as a JSON-ready dict.

    Args:
        model: a Sequential or Functional model, or a built subclassed model.

    Returns:
        ``{"class_name": ..., "config": ...}``, plus ``"build_input_shape"`` for a subclassed
        model (which ``deserialize_model`` needs to create its weights).

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> serialize_model(model)["class_name"]
    'Sequential'
    """
    config = {"class_name": type(model).__name__, "config": model.get_config()}
    sequential, _ = _graph_model_classes()
    if isinstance(model, sequential) and model._input_dtype not in (None, model.dtype):
        # an integer or string Input: kept as the first layer, which Sequential.from_config
        # reads with its dtype (its own config holds only the input shape)
        inner = dict(config["config"])
        shape = inner.pop("input_shape", None) or model._input_shape
        first = {
            "class_name": "InputLayer",
            "config": {"batch_shape": _jsonable_shape(shape), "dtype": str(model._input_dtype)},
        }
        inner["layers"] = [first, *inner["layers"]]
        config["config"] = inner
    if not isinstance(model, _graph_model_classes()):
        build = model.get_build_config()
        if build is None:
            raise ValueError(
                f"Model '{model.name}' has not been called on data yet, so its weights do not "
                f"exist; call or fit it before saving"
            )
        config["build_input_shape"] = _jsonable_shape(build["input_shape"])
    return config


def _jsonable_shape(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple, dict)):
        return [_jsonable_shape(s) for s in shape]
    return None if shape is None else [None if n is None else int(n) for n in shape]


def deserialize_model(config, custom_objects=None):
    """Build the (untrained) model a ``serialize_model`` dict describes.

    Args:
        config: the dict ``serialize_model`` returned.
        custom_objects: ``{name: class or function}`` for classes glassnet does not define.

    Returns:
        A new model with freshly initialized weights.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> deserialize_model(serialize_model(model)).count_params()
    3
    """
    if (
        not isinstance(config, dict)
        or not isinstance(config.get("class_name"), str)
        or not isinstance(config.get("config"), dict)
    ):
        raise ModelFileError("model config must be {'class_name': ..., 'config': {...}}")
    class_name, inner = config["class_name"], config["config"]
    sequential, functional = _graph_model_classes()
    if class_name == "Sequential":
        return sequential.from_config(inner, custom_objects)
    if class_name == "Functional":
        return functional.from_config(inner, custom_objects)
    custom = (custom_objects or {}).get(class_name)
    if custom is None:
        raise ModelFileError(
            f"model class '{class_name}' is not a glassnet model; pass it in "
            f"custom_objects={{'{class_name}': {class_name}}}"
        )
    model = custom.from_config(inner)
    if config.get("build_input_shape") is not None:
        model.build(tuple(config["build_input_shape"]))
    return model


def to_json(model, **kwargs):
    """The architecture of ``model`` as JSON text (no weights).

    Args:
        model: the model.
        **kwargs: passed to ``json.dumps`` (``indent=2``, for example).

    Returns:
        A str that ``model_from_json`` reads back.

    Example:

    >>> import json
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> json.loads(to_json(model))["class_name"]
    'Sequential'
    """
    return json.dumps({**serialize_model(model), "glassnet_version": __version__}, **kwargs)


def model_from_json(json_string, custom_objects=None):
    """Build a new model from ``to_json``'s text.

    Args:
        json_string: the text ``to_json`` wrote.
        custom_objects: ``{name: class or function}`` for classes glassnet does not define.

    Returns:
        A model with freshly initialized weights.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model_from_json(to_json(model)).count_params()
    3
    """
    try:
        config = json.loads(json_string)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ModelFileError(
            f"model_from_json: not valid JSON ({error.__class__.__name__})"
        ) from None
    check_depth(config, "model_from_json")
    return _guarded(lambda: deserialize_model(config, custom_objects), "model_from_json")


# -- files ----------------------------------------------------------------------------------
def _manifest(variables):
    return [{"path": v.path, "shape": list(v.shape), "dtype": str(v.dtype)} for v in variables]


def save_model(model, filepath, include_optimizer=True):
    """Write ``model`` (architecture, weights, compile settings, optimizer state) to a file.

    The file is written atomically: a crash mid-save leaves any old file intact.

    Args:
        model: the model.
        filepath: where to write the .glassnet file.
        include_optimizer: also keep the optimizer's state (slots and iteration count).

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.glassnet")
    >>> save_model(model, path)
    >>> os.path.getsize(path) > 0
    True
    """

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
    state = _layer_state_members(model, members)
    model_config = serialize_model(model)
    compile_config = model.get_compile_config() if model.compiled else None
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION if state else 1,
        "glassnet_version": __version__,
        "model": model_config,
        "compile": compile_config,
        "weights": _manifest(variables),
        "optimizer_state": optimizer_state,
    }
    if state:
        config["state"] = state
    registered = registered_names_in(model, model_config, compile_config)
    if registered:
        config["registered_objects"] = registered
    members["config.json"] = json.dumps(config, indent=1).encode("utf-8")
    write_atomic(filepath, members)


def _layer_state_members(model, members):
    """Add the layers' state beyond weights to ``members``; return its manifest: one entry per
    layer that has some, ``{"index", "path", "class_name", "keys", "assets"}``."""
    manifest = []
    for index, entry in enumerate(layer_state.walk(model)):
        keys, files = [], []
        if layer_state.has_state_hooks(entry.obj):
            for key, array in layer_state.saved_state(entry.obj, entry.path).items():
                if str(array.dtype) not in SAFE_DTYPES:
                    raise ValueError(
                        f"{type(entry.obj).__name__} '{entry.obj.name}': save_own_variables "
                        f"wrote '{key}' of dtype {array.dtype}; a .glassnet file holds numbers "
                        "only (strings go in assets)"
                    )
                members[f"state/{index:04d}/{key}.npy"] = array_bytes(array)
                keys.append(key)
        if hasattr(entry.obj, "save_assets"):
            for name, data in layer_state.saved_assets(entry.obj, entry.path).items():
                members[f"assets/{index:04d}/{name}"] = data
                files.append(name)
        if keys or files:
            manifest.append(
                {
                    "index": index,
                    "path": entry.path,
                    "class_name": type(entry.obj).__name__,
                    "keys": keys,
                    "assets": files,
                }
            )
    return manifest


def registered_names_in(model, *configs):
    """The registered custom classes and functions that ``model`` and ``configs`` use.

    Saved in the file, so that a program lacking a registration is told which one when it
    loads the file.

    Args:
        model: the model (its class, every layer's class and its optimizer's are looked at).
        *configs: nested dicts whose "class_name" / "function" / "registered_name" entries
            name objects.

    Returns:
        ``{plain name: "package>Name"}``, sorted by name; empty when nothing is custom.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> registered_names_in(model, {"function": "mse"})
    {}
    """
    found = {}

    def note(obj):
        name = registry.registered_name(obj)
        if name is not None:
            found[getattr(obj, "__name__", name.split(">", 1)[1])] = name

    note(type(model))
    for layer in _all_layers(model):
        note(type(layer))
    if getattr(model, "optimizer", None) is not None:
        note(type(model.optimizer))
    stack = list(configs)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in ("class_name", "function", "registered_name"):
                value = item.get(key)
                if isinstance(value, str):
                    custom = registry.find(value)
                    if custom is not None:
                        note(custom)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return dict(sorted(found.items()))


def _all_layers(layer):
    out, stack = [], list(layer._sublayers)
    while stack:
        sub = stack.pop()
        out.append(sub)
        stack.extend(sub._sublayers)
    return out


def check_registrations(registered, custom_objects, where):
    """Refuse a file that names custom objects this program has not registered.

    Args:
        registered: the file's ``registered_objects`` entry (``registered_names_in``'s dict).
        custom_objects: the ``custom_objects`` the caller passed, or None.
        where: the file, for the message.

    Raises:
        ModelFileError: naming each registration the file needs and this program lacks.

    Example:

    >>> check_registrations({"Gone": "mypackage>Gone"}, None, "m.glassnet")
    Traceback (most recent call last):
    ...
    glassnet.saving.errors.ModelFileError: m.glassnet: the file uses the custom object(s) ...
    """
    if not isinstance(registered, dict):
        return
    missing = [
        full
        for plain, full in sorted(registered.items())
        if registry.find(full, custom_objects) is None
        and (custom_objects or {}).get(plain) is None
        and registry.scope_objects().get(plain) is None
    ]
    if missing:
        packages = sorted({name.split(">", 1)[0] for name in missing})
        raise ModelFileError(
            f"{where}: the file uses the custom object(s) {', '.join(map(repr, missing))}, which "
            f"this program has not registered. Import or define them with "
            f"@keras.saving.register_keras_serializable(package={packages[0]!r}) before loading, "
            f"or pass custom_objects={{...}} (glassnet never imports a module named in a file)."
        )


def _check_weight(array, spec, variable, where, allow_nonfinite):
    # auto-generated layer names differ between sessions, so the variable's own name is compared
    if str(spec.get("path", "")).rsplit("/", 1)[-1] != variable.path.rsplit("/", 1)[-1]:
        raise ModelFileError(
            f"{where}: weight {spec.get('path')!r} does not correspond to the model's "
            f"{variable.path!r}"
        )
    if list(array.shape) != list(spec["shape"]) or tuple(array.shape) != variable.shape:
        raise ModelFileError(
            f"{where}: weight '{variable.path}' has shape {array.shape} in the file, the model "
            f"needs {variable.shape}"
        )
    if str(array.dtype) != spec["dtype"] or array.dtype != variable.dtype:
        raise ModelFileError(
            f"{where}: weight '{variable.path}' has dtype {array.dtype} in the file, the model "
            f"needs {variable.dtype}"
        )
    if not allow_nonfinite and array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ModelFileError(
            f"{where}: weight '{variable.path}' contains NaN or infinite values (pass "
            "allow_nonfinite=True to load it anyway)"
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
                f"{where}: optimizer state for variable {i}, the model has {len(variables)} "
                "trainable"
            )
        array = archive.read_array(f"optimizer/{i:04d}-{slot}.npy")
        if list(array.shape) != list(shape):
            raise ModelFileError(
                f"{where}: optimizer slot {slot!r} of variable {i} has shape {array.shape}, "
                f"manifest says {shape}"
            )
        optimizer._state.setdefault(id(variables[i]), {})[slot] = array.copy()
    optimizer.iterations = int(state.get("iterations", 0))


def _restore_state(archive, manifest, model, where):
    """Give each layer listed in the state manifest its saved state and files, after checking
    that the manifest, the members and the rebuilt model agree."""
    if manifest is None:
        manifest = []
    if not isinstance(manifest, list) or not all(isinstance(e, dict) for e in manifest):
        raise ModelFileError(f"{where}: the layer state manifest is malformed")
    expected = set()
    for entry in manifest:
        index, keys, files = entry.get("index"), entry.get("keys", []), entry.get("assets", [])
        if not isinstance(index, int) or not isinstance(keys, list) or not isinstance(files, list):
            raise ModelFileError(f"{where}: the layer state manifest is malformed")
        expected |= {f"state/{index:04d}/{key}.npy" for key in keys}
        expected |= {f"assets/{index:04d}/{name}" for name in files}
    stored = {n for n in archive.members if n.startswith(("state/", "assets/"))}
    layer_state.check_assets_total(archive, [n for n in stored if n.startswith("assets/")], where)
    if stored != expected:
        raise ModelFileError(
            f"{where}: layer state members {sorted(stored ^ expected)[:5]} are missing or "
            "unexpected"
        )
    entries = layer_state.walk(model)
    for entry in manifest:
        index = entry["index"]
        if not 0 <= index < len(entries) or entries[index].path != entry.get("path"):
            raise ModelFileError(
                f"{where}: layer state for {entry.get('path')!r}, which the model does not have"
            )
        obj = entries[index].obj
        if type(obj).__name__ != entry.get("class_name"):
            raise ModelFileError(
                f"{where}: layer state of a {entry.get('class_name')} for "
                f"'{entry['path']}', which is a {type(obj).__name__}"
            )
        if entry["keys"]:
            store = {
                key: archive.read_array(f"state/{index:04d}/{key}.npy") for key in entry["keys"]
            }
            try:
                obj.load_own_variables(store)
            except (KeyError, ValueError, TypeError) as error:
                raise ModelFileError(
                    f"{where}: the state of '{obj.name}' ({type(obj).__name__}) cannot be "
                    f"loaded ({type(error).__name__}: {error})"
                ) from None
        if entry["assets"]:
            files = {name: archive.read(f"assets/{index:04d}/{name}") for name in entry["assets"]}
            layer_state.load_assets(obj, files, f"{where}: '{entry['path']}'")


def _guarded(action, where):
    try:
        return action()
    except ModelFileError:
        raise
    # anything else while rebuilding means the file does not describe a valid model
    except Exception as error:
        raise ModelFileError(
            f"{where}: cannot rebuild the model ({type(error).__name__}: {error})"
        ) from None


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, allow_nonfinite=False):
    """Rebuild a model saved by ``save_model`` (or a Keras 3 ``.keras`` file).

    The model predicts identically and, compiled, continues training with the same optimizer
    state. Nothing in the file is executed: classes come from glassnet's registry or
    ``custom_objects``, arrays are read without pickle.

    Args:
        filepath: a ``.glassnet`` or ``.keras`` file.
        custom_objects: ``{name: class or function}`` for custom objects the file names.
        compile: also restore the compile settings and optimizer state.
        safe_mode: True (the default) refuses a file holding a Lambda layer; False accepts it,
            the function then coming from ``custom_objects`` or the registrations (glassnet never
            runs code stored in a file). ``keras.config.enable_unsafe_deserialization()`` makes
            every load behave as False.
        allow_nonfinite: accept weights holding NaN or infinity (refused by default).

    Returns:
        The model.

    Raises:
        ModelFileError: for a malformed, truncated, unsafe or mismatched file.

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.glassnet")
    >>> save_model(model, path)
    >>> load_model(path).count_params()
    3
    """
    where = os.fspath(filepath)
    if where.endswith(".keras"):  # a Keras 3 file
        return load_keras(
            filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
    archive = _open(filepath)
    try:
        config = archive.read_json("config.json")
        if isinstance(config, dict):
            check_registrations(config.get("registered_objects"), custom_objects, where)
        custom_objects = registry.all_custom_objects(custom_objects)
        with CustomObjectScope(custom_objects), SafeModeScope(effective_safe_mode(safe_mode)):
            return _load_native(archive, config, custom_objects, compile, allow_nonfinite, where)
    finally:
        archive.close()


def _open(filepath):
    return SafeArchive(
        filepath, _MODEL_MEMBERS, limits=[(_ASSET_MEMBER, layer_state.MAX_ASSET_BYTES)]
    )


def _load_native(archive, config, custom_objects, compile, allow_nonfinite, where):
    """Rebuild the model described by ``config`` and the arrays of ``archive``."""
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ModelFileError(f"{where}: config.json is not a glassnet model description")
    if (
        not isinstance(config.get("format_version"), int)
        or config["format_version"] > FORMAT_VERSION
    ):
        raise ModelFileError(
            f"{where}: format version {config.get('format_version')!r} is newer than this "
            f"glassnet understands ({FORMAT_VERSION})"
        )
    model = _guarded(lambda: deserialize_model(config.get("model"), custom_objects), where)
    _restore_weights(archive, config.get("weights"), model.weights, where, allow_nonfinite)
    _restore_state(archive, config.get("state"), model, where)
    if compile and config.get("compile"):
        _guarded(lambda: model.compile_from_config(config["compile"], custom_objects), where)
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


# -- weights only ---------------------------------------------------------------------------
_WEIGHT_MEMBERS = r"config\.json|weights/\d{4,6}\.npy"


def save_weights(model, filepath):
    """Write only the weights of ``model``, atomically, as a .glassnet container of arrays.

    Args:
        model: the model.
        filepath: where to write.

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.glassnet")
    >>> save_weights(model, path)
    >>> os.path.exists(path)
    True
    """
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
    """Assign the weights stored in a weights file or a whole-model file to ``model``.

    Every weight is checked (name, shape, dtype, finiteness) before any is assigned; the
    optimizer state of a whole-model file is ignored.

    Args:
        model: a built model with the same weights as the saved one.
        filepath: a file from ``save_weights`` or ``save_model``, or a Keras ``.keras`` file.
        allow_nonfinite: accept weights holding NaN or infinity.

    Raises:
        ModelFileError: when the file does not fit the model.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import glassnet as keras
    >>> def make():
    ...     return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> source, target = make(), make()
    >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.glassnet")
    >>> save_weights(source, path)
    >>> load_weights(target, path)
    >>> np.array_equal(source.weights[0].numpy(), target.weights[0].numpy())
    True
    """
    where = os.fspath(filepath)
    if where.endswith(".keras"):  # the weights of a Keras 3 file
        return load_keras_weights(model, filepath)
    archive = _open(filepath)
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
