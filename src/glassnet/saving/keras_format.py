"""Keras 3's .keras files, both ways: a zip of config.json (Keras's serialized layers),
metadata.json, model.weights.h5 (HDF5, read with h5py: ``pip install "glassnet[keras]"``) and
assets/ (an adapted vocabulary, for example); Keras 3's ``.weights.h5`` and Keras 2's HDF5
weights too.

Reading follows the native format's rules: classes only from glassnet's registry (or
custom_objects), no code (a Lambda layer only with ``safe_mode=False``, and then only a function
the program supplies), member names and sizes checked, HDF5 links refused, weight shapes checked
against the model. In the HDF5 file each object keeps its variables at the path Keras's walk
gives it (``layers/bidirectional/forward_layer/cell/vars``, see ``layer_state``); its files go
to ``assets/<the same path>/``.

Example:

>>> import os, tempfile
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
>>> save_keras(model, path)
>>> load_keras(path).count_params()
8
"""

import datetime
import inspect
import io
import json
import os
import warnings

import numpy as np

from glassnet.backend import config as backend_config
from glassnet.backend import registry
from glassnet.layers.layer import Layer
from glassnet.ops.operation import FunctionOperation
from glassnet.saving import layer_state
from glassnet.saving.archive import MAX_MEMBER_BYTES, SafeArchive, write_atomic
from glassnet.saving.compile_config import compile_from_keras_config, keras_compile_config
from glassnet.saving.errors import ModelFileError
from glassnet.saving.object_registration import CustomObjectScope
from glassnet.saving.serialization_lib import (
    SafeModeScope,
    deserialize_keras_object,
    effective_safe_mode,
)

_ASSET_MEMBER = r"assets/(?:[A-Za-z0-9_]{1,100}/){0,32}" + layer_state.ASSET_FILE
_MEMBERS = r"config\.json|metadata\.json|model\.weights\.h5|" + _ASSET_MEMBER
_KERAS_VERSION = "3.15.1"
_IGNORED_IF_DEFAULT = {
    "quantization_config": None,
    "renorm": False,
    "renorm_clipping": None,
    "renorm_momentum": 0.99,
    "lora_rank": None,
    "lora_alpha": None,
    "sparse": False,
    "ragged": False,
    "optional": False,
    "implementation": 2,
    "unroll": False,
    "stateful": False,
    "time_major": False,
    "use_cudnn": "auto",
    "input_axes": None,
    "output_axes": None,
    "flash_attention": None,
    "attention_axes": None,
}
_SHAPE_KEYS = (
    "kernel_size",
    "strides",
    "dilation_rate",
    "pool_size",
    "batch_shape",
    "target_shape",
    "dims",
    "size",
)
_DTYPE_POLICIES = ("DTypePolicy", "FloatDTypePolicy")
_MODEL_CLASSES = ("Sequential", "Functional")
# glassnet class -> the name Keras exports it under (and writes in its configs), where they differ
# layers whose state Keras keeps in the config alone (Discretization: its bin boundaries)
_KERAS_KEEPS_NO_STATE = ("Discretization",)
# keys glassnet's from_config takes beyond the constructor's named arguments
_LOOKUP_KEYS = {"vocabulary_size"}
_FROM_CONFIG_KEYS = {
    "StringLookup": _LOOKUP_KEYS,
    "IntegerLookup": _LOOKUP_KEYS,
    "TextVectorization": _LOOKUP_KEYS,
}
_KERAS_CLASS_NAMES = {"GroupedQueryAttention": "GroupQueryAttention"}
_GLASSNET_CLASS_NAMES = {keras: ours for ours, keras in _KERAS_CLASS_NAMES.items()}


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError(
            'reading and writing .keras files needs h5py: pip install "glassnet[keras]"'
        ) from None
    return h5py


# -- configs: Keras -> glassnet -------------------------------------------------------------
def _accepted_arguments(cls):
    """Constructor arguments of ``cls``, following **kwargs up the class hierarchy."""
    names = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        parameters = inspect.signature(klass.__init__).parameters
        names |= {
            n for n, p in parameters.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
        }
        if not any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            break
    return names - {"self"}


def _layer_class(item, custom_objects):
    """The glassnet (or registered, or custom) class a Keras layer entry names, or None."""
    class_name = item.get("class_name")
    registered_name = item.get("registered_name")
    cls = registry.find(registered_name, custom_objects) if registered_name else None
    if cls is None and isinstance(class_name, str):
        builtin = registry.builtin_classes("layer")
        cls = (
            (custom_objects or {}).get(class_name)
            or builtin.get(class_name)
            or builtin.get(_GLASSNET_CLASS_NAMES.get(class_name, ""))
        )
    return cls if inspect.isclass(cls) and issubclass(cls, Layer) else None


def _is_layer_entry(value, custom_objects):
    if not (isinstance(value, dict) and "class_name" in value and "config" in value):
        return False
    if value.get("module") in ("keras.layers", "keras", "keras.models"):
        return True
    if value.get("class_name") in _MODEL_CLASSES:
        return True
    return _layer_class(value, custom_objects) is not None


def _glassnet_value(value, custom_objects):
    """A value of a Keras config as glassnet's constructors take it: dtype policies become their
    names, nested objects ``{"class_name", "config"}``, nested layers glassnet layer entries."""
    if isinstance(value, list):
        return [_glassnet_value(item, custom_objects) for item in value]
    if not isinstance(value, dict):
        return value
    if "class_name" not in value or "config" not in value:
        return {
            key: _glassnet_value(item, custom_objects)
            for key, item in value.items()
            if key != "shared_object_id"
        }
    class_name = value["class_name"]
    if class_name in _DTYPE_POLICIES:
        return value["config"]["name"]
    if class_name in ("function", "__lambda__"):
        return {key: item for key, item in value.items() if key != "shared_object_id"}
    if class_name in ("__numpy__", "__tensor__", "__bytes__", "__slice__", "__ellipsis__"):
        return deserialize_keras_object(value)
    if _is_layer_entry(value, custom_objects):
        return _nested_layer_entry(value, custom_objects)
    inner = value["config"]
    if isinstance(inner, dict):
        inner = {
            key: _glassnet_value(item, custom_objects)
            for key, item in inner.items()
            if key != "shared_object_id"
            and not (key in _IGNORED_IF_DEFAULT and item == _IGNORED_IF_DEFAULT[key])
        }
    return {"class_name": class_name, "config": inner}


def _check_class(item, custom_objects):
    class_name = item.get("class_name")
    cls = _layer_class(item, custom_objects)
    if cls is None:
        name = item.get("registered_name") or class_name
        package = name.split(">", 1)[0] if isinstance(name, str) and ">" in name else "..."
        raise ModelFileError(
            f"the .keras file uses layer class '{name}', which glassnet does not have and this "
            f"program has not registered; define it with "
            f"@keras.saving.register_keras_serializable(package={package!r}) before loading, "
            f"or pass it in custom_objects={{'{class_name}': {class_name}}}"
        )
    return cls


def _layer_config(cls, item, custom_objects):
    """The constructor arguments of a Keras layer entry, checked against what ``cls`` takes."""
    class_name = item["class_name"]
    raw = item.get("config") or {}
    if not isinstance(raw, dict):
        raise ModelFileError(f"the config of layer class '{class_name}' is not a dict")
    config = {
        key: _glassnet_value(value, custom_objects)
        for key, value in raw.items()
        if key != "shared_object_id"
    }
    accepted = _accepted_arguments(cls) | _FROM_CONFIG_KEYS.get(cls.__name__, set())
    for key in list(config):
        if key in accepted:
            continue
        if key in _IGNORED_IF_DEFAULT and config[key] == _IGNORED_IF_DEFAULT[key]:
            del config[key]
        elif config[key] is None:
            del config[key]
        else:
            raise ModelFileError(
                f"layer '{config.get('name')}' ({class_name}) sets {key}={config[key]!r}, which "
                "glassnet does not support"
            )
    for key in _SHAPE_KEYS:
        if isinstance(config.get(key), list):
            config[key] = tuple(config[key])
    if class_name == "InputLayer":
        config.pop("input_shape", None)
    return config


def _refuse_lambda(item):
    if item.get("class_name") == "Lambda" and backend_config.in_safe_mode():
        name = (item.get("config") or {}).get("name", "lambda")
        raise ModelFileError(
            f"the .keras file holds a Lambda layer ('{name}'), that is Python code; glassnet "
            "refuses it in safe mode. If you trust the file, load it with safe_mode=False and "
            "pass the function in custom_objects (glassnet never runs code stored in a file)"
        )


def _nested_layer_entry(item, custom_objects):
    """A layer held in another layer's config (Bidirectional's ``layer``, RNN's ``cell``...) as
    the ``{"class_name", "config", "registered_name"}`` entry glassnet's ``from_config`` reads."""
    _refuse_lambda(item)
    class_name = item["class_name"]
    if class_name == "Sequential":
        inner = item.get("config") or {}
        layers = [entry for entry in inner.get("layers", []) if entry["class_name"] != "InputLayer"]
        shape = inner.get("build_input_shape")
        for entry in inner.get("layers", []):
            if entry["class_name"] == "InputLayer":
                shape = entry["config"].get("batch_shape") or shape
        config = {
            "name": inner.get("name"),
            "trainable": inner.get("trainable", True),
            "layers": [_nested_layer_entry(entry, custom_objects) for entry in layers],
        }
        if shape:
            config["input_shape"] = list(shape)  # glassnet's Sequential: with the batch axis
        return {"class_name": "Sequential", "config": config}
    if class_name == "Functional":
        raise ModelFileError(
            "the .keras file holds a functional model inside a layer's config; glassnet reads "
            "functional models nested in models, not in layers"
        )
    cls = _check_class(item, custom_objects)
    entry = {"class_name": class_name, "config": _layer_config(cls, item, custom_objects)}
    if item.get("registered_name"):
        entry["registered_name"] = item["registered_name"]
    return entry


def _from_config(cls, config, custom_objects):
    parameters = inspect.signature(cls.from_config).parameters
    if "custom_objects" in parameters:
        return cls.from_config(config, custom_objects=custom_objects)
    return cls.from_config(config)


def _layer_from_keras(item, custom_objects):
    if item.get("class_name") in _MODEL_CLASSES:
        return _model_from_keras(item, custom_objects)
    _refuse_lambda(item)
    cls = _check_class(item, custom_objects)
    return _from_config(cls, _layer_config(cls, item, custom_objects), custom_objects)


def _first_node_index(layer):
    """Keras numbers a functional model's calls from 1: its node 0 joins its own inputs to its
    outputs."""
    return 1 if isinstance(layer, registry.builtin_classes("layer")["Functional"]) else 0


def _model_from_keras(config, custom_objects):
    classes = registry.builtin_classes("layer")
    class_name, inner = config.get("class_name"), config.get("config", {})
    if class_name == "Sequential":
        model = classes["Sequential"](
            name=inner.get("name"), trainable=inner.get("trainable", True)
        )
        for item in inner.get("layers", []):
            model.add(_layer_from_keras(item, custom_objects))
        if not model.built and inner.get("build_input_shape"):
            model.build(tuple(inner["build_input_shape"]))
        return model
    if class_name == "Functional":
        tensors = {}

        def resolve(value):
            if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
                layer_name, node_index, tensor_index = value["config"]["keras_history"]
                return tensors[(layer_name, node_index)][tensor_index]
            if isinstance(value, list):
                return [resolve(v) for v in value]
            if isinstance(value, dict):
                return {k: resolve(v) for k, v in value.items()}
            return value

        for item in inner["layers"]:
            if item["class_name"] == "InputLayer":
                input_config = {
                    k: _glassnet_value(v, custom_objects)
                    for k, v in item["config"].items()
                    if k in ("batch_shape", "dtype", "name")
                }
                tensors[(input_config["name"], 0)] = [
                    classes["InputLayer"](
                        batch_shape=tuple(input_config["batch_shape"]),
                        dtype=input_config.get("dtype"),
                        name=input_config["name"],
                    ).output
                ]
                continue
            layer = _layer_from_keras(item, custom_objects)
            first = _first_node_index(layer)
            for node_index, node in enumerate(item.get("inbound_nodes", []), start=first):
                out = layer(*resolve(node.get("args", [])), **resolve(node.get("kwargs", {})))
                tensors[(layer.name, node_index)] = out if isinstance(out, (list, tuple)) else [out]

        def pick(spec):
            if spec and isinstance(spec[0], list):
                return [pick(s) for s in spec]
            return tensors[(spec[0], spec[1])][spec[2]]

        inputs, outputs = pick(inner["input_layers"]), pick(inner["output_layers"])
        return classes["Functional"](
            inputs, outputs, name=inner.get("name"), trainable=inner.get("trainable", True)
        )
    raise ModelFileError(
        f"the .keras file holds a '{class_name}' model; glassnet reads Sequential and Functional "
        "models"
    )


# -- HDF5, read safely ------------------------------------------------------------------------
def _h5_child(h5py, group, name, where):
    """``group[name]`` for a hard link only: soft and external links (which could reach other
    files) are refused."""
    link = group.get(name, getlink=True)
    if link is None:
        return None
    if not isinstance(link, h5py.HardLink):
        raise ModelFileError(
            f"{where}: the HDF5 file links '{name}' elsewhere ({type(link).__name__})"
        )
    return group[name]


def _h5_group(h5py, root, path, where):
    """The group at ``path`` ("a/b/c"), or None where it is absent."""
    node = root
    for part in path.split("/"):
        if not isinstance(node, h5py.Group):
            return None
        node = _h5_child(h5py, node, part, where)
        if node is None:
            return None
    return node if isinstance(node, h5py.Group) else None


def _h5_array(h5py, group, name, where):
    """A dataset of ``group`` as a NumPy array, after checking that it is plain numbers stored
    in the file (no external or virtual storage, no declared size far beyond what is stored)."""
    parent, _, leaf = name.rpartition("/")
    if parent:
        group = _h5_group(h5py, group, parent, where)
        if group is None:
            raise ModelFileError(f"{where}: the HDF5 file has no dataset '{name}'")
    dataset = _h5_child(h5py, group, leaf, where)
    if not isinstance(dataset, h5py.Dataset):
        raise ModelFileError(f"{where}: '{name}' in the HDF5 file is not a dataset")
    if dataset.external or dataset.is_virtual:
        raise ModelFileError(f"{where}: the dataset '{name}' keeps its data outside the file")
    if dataset.dtype.kind not in "biuf":
        raise ModelFileError(
            f"{where}: the dataset '{name}' has dtype {dataset.dtype}, not a numeric dtype"
        )
    declared = int(np.prod(dataset.shape, dtype=np.int64)) * dataset.dtype.itemsize
    stored = dataset.id.get_storage_size()
    if declared > MAX_MEMBER_BYTES or (declared > 2**20 and declared > 1000 * stored):
        raise ModelFileError(
            f"{where}: the dataset '{name}' declares {declared} bytes and stores {stored}; "
            "refusing a possible decompression bomb"
        )
    return np.asarray(dataset[()])


def _h5_store(h5py, root, path, where):
    """``{key: array}`` of the "vars" group of the object at ``path`` (empty when absent)."""
    group = _h5_group(h5py, root, f"{path}/vars" if path else "vars", where)
    if group is None:
        return {}
    return {key: _h5_array(h5py, group, key, where) for key in group}


# -- state: walking the model -----------------------------------------------------------------
def _write_state(h5, entries, assets=None):
    """Each object's variables (or hook state) into its group; its files into ``assets``."""
    for entry in entries:
        group = h5.create_group(f"{entry.path}/vars" if entry.path else "vars")
        name = getattr(entry.obj, "name", None)
        if isinstance(name, str):
            group.attrs["name"] = name
        if type(entry.obj).__name__ in _KERAS_KEEPS_NO_STATE:
            store = {}
        elif layer_state.has_state_hooks(entry.obj):
            store = layer_state.saved_state(entry.obj, entry.path)
        elif hasattr(entry.obj, "save_own_variables") and not isinstance(entry.obj, Layer):
            store = {}
            entry.obj.save_own_variables(store)  # the optimizer
        else:
            variables = layer_state.keras_variables(entry.obj)
            store = {str(i): variable.data for i, variable in enumerate(variables)}
        for key, value in store.items():
            group.create_dataset(key, data=np.asarray(value))
        if assets is not None and hasattr(entry.obj, "save_assets"):
            for file_name, data in layer_state.saved_assets(entry.obj, entry.path).items():
                prefix = f"assets/{entry.path}/" if entry.path else "assets/"
                assets[prefix + file_name] = data


def _read_state(model, h5, where, assets=None, allow_nonfinite=False):
    """Assign every variable of ``model`` from the groups of ``h5``, all checked before any is
    assigned; then give layers with state hooks their stores and their files."""
    h5py = _h5py()
    entries = layer_state.walk(model)
    pending, hooked = [], []
    for entry in entries:
        store = _h5_store(h5py, h5, entry.path, where)
        if layer_state.has_state_hooks(entry.obj):
            hooked.append((entry, store))
            continue
        variables = layer_state.keras_variables(entry.obj)
        group = f"{entry.path}/vars" if entry.path else "vars"
        label = f"'{entry.obj.name}' ({type(entry.obj).__name__})"
        if len(store) != len(variables):
            if not store:
                raise ModelFileError(
                    f"{where}: the weights file has no group '{group}' for layer {label}"
                )
            raise ModelFileError(
                f"{where}: '{group}' holds {len(store)} arrays, layer {label} has "
                f"{len(variables)} weights"
            )
        for i, variable in enumerate(variables):
            if str(i) not in store:
                raise ModelFileError(f"{where}: '{group}' has no array '{i}' for layer {label}")
            array = store[str(i)]
            if array.shape != variable.shape:
                raise ModelFileError(
                    f"{where}: '{group}/{i}' has shape {array.shape}, '{variable.path}' "
                    f"needs {variable.shape}"
                )
            if not allow_nonfinite and array.dtype.kind == "f" and not np.isfinite(array).all():
                raise ModelFileError(f"{where}: '{group}/{i}' contains NaN or infinite values")
            pending.append((variable, array))
    for variable, array in pending:
        variable.assign(array.astype(variable.dtype))
    for entry, store in hooked:
        try:
            entry.obj.load_own_variables(store)
        except (KeyError, ValueError, TypeError) as error:
            raise ModelFileError(
                f"{where}: the state of '{entry.obj.name}' ({type(entry.obj).__name__}) cannot "
                f"be loaded ({type(error).__name__}: {error})"
            ) from None
    if assets is None:
        return
    for entry in entries:
        if hasattr(entry.obj, "load_assets"):
            layer_state.load_assets(entry.obj, assets(entry.path), f"{where}: '{entry.path}'")


# -- loading ------------------------------------------------------------------------------------
def load_keras(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Build a glassnet model from a Keras 3 ``.keras`` file.

    The architecture, weights and layer state (vocabularies, statistics) are read; the compile
    settings and optimizer state too when ``compile`` is true (a model whose compile settings
    cannot be restored loads uncompiled, with a warning, as in Keras).

    Args:
        filepath: the ``.keras`` file.
        custom_objects: ``{name: class or function}`` for custom objects the file names.
        compile: restore the compile settings and optimizer state.
        safe_mode: True (the default) refuses Lambda layers; False accepts them, their function
            taken from ``custom_objects`` or the registrations (never from the file).

    Returns:
        The model.

    Raises:
        ModelFileError: for a malformed or unsafe file, or one glassnet cannot represent.

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> model.compile(optimizer="adam", loss="mse")
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> save_keras(model, path)
    >>> type(load_keras(path).optimizer).__name__
    'Adam'
    """
    where = os.fspath(filepath)
    archive = SafeArchive(
        filepath,
        _MEMBERS,
        MAX_MEMBER_BYTES,
        limits=[(_ASSET_MEMBER, layer_state.MAX_ASSET_BYTES)],
    )
    try:
        config = archive.read_json("config.json")
        if not isinstance(config, dict):
            raise ModelFileError(f"{where}: config.json is not a Keras model description")
        custom_objects = registry.all_custom_objects(custom_objects)
        with CustomObjectScope(custom_objects), SafeModeScope(effective_safe_mode(safe_mode)):
            return _load_keras(archive, config, custom_objects, compile, where)
    finally:
        archive.close()


def _archive_assets(archive, where):
    """A function path -> ``{file: bytes}`` over the assets of ``archive`` (None: it has none,
    and layers then keep the state their config gives them, as in Keras)."""
    layer_state.check_assets_total(
        archive, [n for n in archive.members if n.startswith("assets/")], where
    )
    folders = {}
    for name in archive.members:
        if name.startswith("assets/"):
            folder, _, file_name = name[len("assets/") :].rpartition("/")
            folders.setdefault(folder, []).append((file_name, name))
    if not folders:
        return None

    def files_of(path):
        return {file_name: archive.read(member) for file_name, member in folders.get(path, [])}

    return files_of


def _load_keras(archive, config, custom_objects, compile, where):
    """The model of a .keras file's config.json, weights and assets, compiled when asked."""
    try:
        model = _model_from_keras(config, custom_objects)
    except ModelFileError as error:
        raise ModelFileError(f"{where}: {error}") from None
    except Exception as error:
        raise ModelFileError(
            f"{where}: cannot rebuild the Keras model ({type(error).__name__}: {error})"
        ) from None
    data = archive.read("model.weights.h5")
    _read_weights_data(model, data, where, assets=_archive_assets(archive, where))
    compile_config = config.get("compile_config")
    if compile and compile_config:
        try:
            compile_from_keras_config(model, compile_config, custom_objects)
        except Exception as error:  # as Keras: the model loads, uncompiled, with a warning
            warnings.warn(
                f"{where}: the compile settings could not be restored ({type(error).__name__}: "
                f"{error}); the model is loaded uncompiled, call compile() before fit/evaluate",
                stacklevel=3,
            )
            return model
        _read_optimizer_state(model, data, where)
    return model


def _read_weights_data(model, data, where, assets=None):
    h5py = _h5py()
    try:
        with h5py.File(io.BytesIO(data), "r") as h5:
            _read_state(model, h5, where, assets)
    except ModelFileError:
        raise
    except Exception as error:  # h5py's own errors for a truncated or corrupt HDF5 file
        raise ModelFileError(
            f"{where}: model.weights.h5 is not a readable HDF5 file "
            f"({type(error).__name__}: {error})"
        ) from None


def _read_optimizer_state(model, data, where):
    """Keras keeps the optimizer's variables under optimizer/vars/0, 1... (iteration, learning
    rate, then each trainable variable's slots); read them when the file has them."""
    h5py = _h5py()
    with h5py.File(io.BytesIO(data), "r") as h5:
        store = _h5_store(h5py, h5, "optimizer", where)
    if not store:
        return
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_weights)
    variables = optimizer.variables
    if len(store) != len(variables):
        warnings.warn(
            f"{where}: the file holds {len(store)} optimizer variables, the model's "
            f"{type(optimizer).__name__} has {len(variables)}; the optimizer starts afresh",
            stacklevel=4,
        )
        return
    for i, variable in enumerate(variables):
        if str(i) not in store or store[str(i)].shape != tuple(variable.shape):
            raise ModelFileError(
                f"{where}: optimizer variable {i} is missing or has the wrong shape in the "
                f"file; '{variable.path}' needs {tuple(variable.shape)}"
            )
    optimizer.load_own_variables(store)


# -- configs: glassnet -> Keras ---------------------------------------------------------------
def _keras_object(module, class_name, config):
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def _object_module(key, class_name):
    for kind, module in (
        ("initializer", "keras.initializers"),
        ("regularizer", "keras.regularizers"),
        ("constraint", "keras.constraints"),
    ):
        if kind in key:
            return module
    if class_name in registry.builtin_classes("layer"):
        return "keras.layers"
    return "keras.constraints" if "constraint" in key else "keras.initializers"


def _keras_value(key, value, sublayers):
    """A value of a glassnet config as Keras writes it: tuples as lists, objects with their
    module, layers held in the config as the layers' full Keras entries."""
    if isinstance(value, (list, tuple)):
        return [_keras_value(key, item, sublayers) for item in value]
    if not isinstance(value, dict):
        return value
    if "class_name" in value and "config" in value:
        inner = value["config"]
        if isinstance(inner, dict) and inner.get("name") in sublayers:
            sublayer = sublayers[inner["name"]]
            if type(sublayer).__name__ == value["class_name"]:
                return _keras_entry(sublayer)
        if "module" in value:
            return value
        return _keras_object(_object_module(key, value["class_name"]), value["class_name"], inner)
    return {k: _keras_value(k, item, sublayers) for k, item in value.items()}


def _dtype_policy(dtype):
    return _keras_object("keras", "DTypePolicy", {"name": dtype})


def _input_entry(shape, dtype, name):
    return _keras_object(
        "keras.layers",
        "InputLayer",
        {
            "batch_shape": list(shape),
            "dtype": dtype,
            "sparse": False,
            "ragged": False,
            "name": name,
            "optional": False,
        },
    )


def _shape_list(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_shape_list(s) for s in shape]
    return None if shape is None else list(shape)


def _keras_build_config(layer, node=None):
    """Keras's build_config: ``{"input_shape"}`` for a layer called on one tensor argument,
    ``{"shapes_dict": {"query_shape", "value_shape"...}}`` for one called on several (as
    MultiHeadAttention is), which Keras passes to ``build`` by name."""
    if layer._build_shape is None:
        return None
    if node is not None:
        try:
            bound = inspect.signature(layer.call).bind(*node.args, **node.kwargs)
        except TypeError:
            bound = None
        if bound is not None:
            shapes = {}
            for name, value in bound.arguments.items():
                if name in ("mask", "training") or name.endswith("_mask"):
                    continue
                if hasattr(value, "shape") and hasattr(value, "node"):
                    shapes[f"{name}_shape"] = list(value.shape)
            if len(shapes) > 1:
                return {"shapes_dict": shapes}
    return {"input_shape": _shape_list(layer._build_shape)}


def _keras_entry(layer, node=None):
    """A layer (or nested model) as an entry of Keras's config.json; ``node``: its first call
    in a functional model, which gives the shapes of its arguments."""
    classes = registry.builtin_classes("layer")
    if isinstance(layer, classes["Sequential"]):
        return _keras_sequential(layer)
    if isinstance(layer, classes["Functional"]):
        return _keras_functional(layer)
    sublayers = {}
    for _, child in layer_state.children(layer):
        for item in child if isinstance(child, (list, tuple)) else [child]:
            if isinstance(item, Layer):
                sublayers.setdefault(item.name, item)
    for item in layer._sublayers:
        sublayers.setdefault(item.name, item)
    config = {
        k: _keras_value(k, v, sublayers)
        for k, v in layer.get_config().items()
        if k not in ("input_shape",)
    }
    if "dtype" in config:  # Pipeline, for one, has none
        config["dtype"] = _dtype_policy(layer.dtype)
    cls = type(layer)
    item = _keras_object("keras.layers", _KERAS_CLASS_NAMES.get(cls.__name__, cls.__name__), config)
    if classes.get(cls.__name__) is not cls:  # a user's layer
        item["module"] = cls.__module__
        item["registered_name"] = registry.registered_name(cls) or cls.__name__
    build_config = _keras_build_config(layer, node)
    if build_config is not None:
        item["build_config"] = build_config
    return item


def _keras_sequential(model):
    shape = model._input_shape
    dtype = model._input_dtype or model.dtype
    layers = [] if shape is None else [_input_entry(shape, dtype, f"{model.name}_input")]
    layers += [_keras_entry(layer) for layer in model.layers]
    config = {
        "name": model.name,
        "trainable": model.trainable,
        "dtype": _dtype_policy(model.dtype),
        "layers": layers,
    }
    item = _keras_object("keras", "Sequential", config)
    if shape is not None:
        config["build_input_shape"] = list(shape)
        item["build_config"] = {"input_shape": list(shape)}
    return item


def _keras_functional(model):
    history = {id(t): [t.node.operation.name, 0, 0] for t in model.inputs}
    items = [
        _input_entry(t.shape, str(t.dtype), t.node.operation.name)
        | {"name": t.node.operation.name, "inbound_nodes": []}
        for t in model.inputs
    ]
    calls = {}

    def encode(value):
        if hasattr(value, "node") and id(value) in history:
            return {
                "class_name": "__keras_tensor__",
                "config": {
                    "shape": list(value.shape),
                    "dtype": str(value.dtype),
                    "keras_history": history[id(value)],
                },
            }
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        if isinstance(value, dict):  # keyword arguments such as initial_state=[h, c]
            return {k: encode(v) for k, v in value.items()}
        return value

    for node in model._nodes:
        operation = node.operation
        if isinstance(operation, FunctionOperation):
            raise ValueError(
                f"save as .keras: '{operation.name}' is a raw ops call, which Keras files "
                "cannot hold; use layers"
            )
        index = calls.get(operation.name, _first_node_index(operation))
        calls[operation.name] = index + 1
        entry = next((i for i in items if i.get("name") == operation.name), None)
        if entry is None:
            entry = _keras_entry(operation, node) | {"name": operation.name, "inbound_nodes": []}
            items.append(entry)
        entry["inbound_nodes"].append(
            {"args": encode(list(node.args)), "kwargs": encode(dict(node.kwargs))}
        )
        for k, t in enumerate(node.outputs):
            history[id(t)] = [operation.name, index, k]

    def ends(tensors):
        return [history[id(t)] for t in tensors] if len(tensors) > 1 else history[id(tensors[0])]

    config = {
        "name": model.name,
        "trainable": model.trainable,
        "layers": items,
        "input_layers": ends(model.inputs),
        "output_layers": ends(model.outputs),
    }
    item = _keras_object("keras.src.models.functional", "Functional", config)
    item["registered_name"] = "Functional"
    item["build_config"] = {"input_shape": None}
    return item


# -- writing ------------------------------------------------------------------------------------
def _weights_file(model, include_optimizer, assets=None):
    """The bytes of model.weights.h5: every object's group of the walk, then the optimizer's."""
    h5py = _h5py()
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    if optimizer is not None and not (include_optimizer and optimizer.built):
        optimizer = None
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        _write_state(h5, layer_state.walk(model, optimizer), assets)
    return buffer.getvalue()


def save_keras(model, filepath, include_optimizer=True):
    """Write ``model`` as a Keras 3 ``.keras`` file that Keras itself loads.

    Sequential and functional models (nested ones included) of layers Keras has are supported;
    layers' state beyond their weights (an adapted vocabulary, tf-idf weights) is written as
    Keras writes it; a compiled model's compile settings are written, and its optimizer state.

    Args:
        model: a Sequential or functional model.
        filepath: where to write the ``.keras`` file (atomically).
        include_optimizer: also write the optimizer's variables.

    Raises:
        ValueError: for a subclassed model, or a functional one that calls raw ops.

    Example:

    >>> import os, tempfile, zipfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.keras")
    >>> save_keras(model, path)
    >>> sorted(zipfile.ZipFile(path).namelist())
    ['config.json', 'metadata.json', 'model.weights.h5']
    """
    classes = registry.builtin_classes("layer")
    if not isinstance(model, (classes["Sequential"], classes["Functional"])):
        raise ValueError("save as .keras: Sequential and functional models only")
    config = _keras_entry(model)
    compile_config = keras_compile_config(model)
    if compile_config is not None:
        config["compile_config"] = compile_config
    assets = {}
    weights = _weights_file(model, include_optimizer and compile_config is not None, assets)
    metadata = {
        "keras_version": _KERAS_VERSION,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "producer": "glassnet",
    }
    write_atomic(
        filepath,
        {
            "metadata.json": json.dumps(metadata).encode(),
            "config.json": json.dumps(config).encode(),
            "model.weights.h5": weights,
            **assets,
        },
    )


def save_keras_weights(model, filepath):
    """Write the weights of ``model`` as Keras 3's ``.weights.h5`` file.

    The layout is that of model.weights.h5 inside a ``.keras`` file (the optimizer's variables
    included once it has them), so Keras's ``load_weights`` reads it.

    Args:
        model: the model.
        filepath: the ``.weights.h5`` file to write.

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
    >>> save_keras_weights(model, path)
    >>> os.path.exists(path)
    True
    """
    data = _weights_file(model, include_optimizer=True)
    with open(os.fspath(filepath), "wb") as handle:
        handle.write(data)


# -- Keras 2's HDF5 weights -------------------------------------------------------------------
def _attribute_list(node, key):
    """A list attribute Keras 2 wrote, whole or in chunks (``key0``, ``key1``...) when it was
    larger than an HDF5 object header holds."""
    if key in node.attrs:
        values = list(node.attrs[key])
    else:
        values, chunk = [], 0
        while f"{key}{chunk}" in node.attrs:
            values += list(node.attrs[f"{key}{chunk}"])
            chunk += 1
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in values]


def _legacy_variables(layer):
    """Keras 2's order of a layer's weights: the trainable ones, then the others (nested layers
    and models included)."""
    return layer.trainable_weights + layer.non_trainable_weights


def _read_legacy_weights(model, h5, where):
    """Keras 2's HDF5 weights: the root lists layer_names, each layer group its weight_names;
    layers with weights are matched in order, as Keras 2's load_weights did."""
    h5py = _h5py()
    group = h5
    if "model_weights" in h5:
        group = _h5_group(h5py, h5, "model_weights", where)
    stored = []
    for name in _attribute_list(group, "layer_names"):
        layer_group = _h5_group(h5py, group, name, where)
        if layer_group is None:
            raise ModelFileError(f"{where}: the legacy weights file has no group '{name}'")
        weight_names = _attribute_list(layer_group, "weight_names")
        if weight_names:
            stored.append((name, layer_group, weight_names))
    layers = [layer for layer in model.layers if _legacy_variables(layer)]
    if len(stored) != len(layers):
        raise ModelFileError(
            f"{where}: the legacy weights file has {len(stored)} layers with weights, the model "
            f"has {len(layers)}"
        )
    pending = []
    for (name, layer_group, weight_names), layer in zip(stored, layers):
        variables = _legacy_variables(layer)
        if len(weight_names) != len(variables):
            raise ModelFileError(
                f"{where}: layer '{name}' in the file has {len(weight_names)} weights, "
                f"'{layer.name}' has {len(variables)}"
            )
        for weight_name, variable in zip(weight_names, variables):
            array = _h5_array(h5py, layer_group, weight_name, where)
            if array.shape != variable.shape:
                raise ModelFileError(
                    f"{where}: '{name}/{weight_name}' has shape {array.shape}, "
                    f"'{variable.path}' needs {variable.shape}"
                )
            pending.append((variable, array))
    for variable, array in pending:
        variable.assign(array.astype(variable.dtype))


def load_keras_weights(model, filepath):
    """Assign the weights of a Keras 3 ``.weights.h5`` or ``.keras`` file (or Keras 2's HDF5
    layout) to ``model``; nested layers and models included.

    Args:
        model: a built model with the same layers as the saved one.
        filepath: the HDF5 weights file, or a ``.keras`` file (its weights are read).

    Raises:
        ModelFileError: when the file is not a weights file or does not fit the model.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import glassnet as keras
    >>> def make():
    ...     return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> source, target = make(), make()
    >>> path = os.path.join(tempfile.mkdtemp(), "model.weights.h5")
    >>> save_keras_weights(source, path)
    >>> load_keras_weights(target, path)
    >>> np.array_equal(source.weights[0].numpy(), target.weights[0].numpy())
    True
    """
    where = os.fspath(filepath)
    if where.endswith(".keras"):
        archive = SafeArchive(filepath, _MEMBERS, MAX_MEMBER_BYTES)
        try:
            return _read_weights_data(model, archive.read("model.weights.h5"), where)
        finally:
            archive.close()
    try:
        with open(filepath, "rb") as handle:
            data = handle.read(MAX_MEMBER_BYTES + 1)
    except FileNotFoundError:
        raise ModelFileError(f"{where}: no such file") from None
    if len(data) > MAX_MEMBER_BYTES:
        raise ModelFileError(f"{where}: larger than the limit of {MAX_MEMBER_BYTES} bytes")
    h5py = _h5py()
    try:
        with h5py.File(io.BytesIO(data), "r") as h5:
            if "layer_names" in h5.attrs or "model_weights" in h5:
                return _read_legacy_weights(model, h5, where)
            _read_state(model, h5, where)
    except ModelFileError:
        raise
    except Exception as error:
        raise ModelFileError(
            f"{where}: not a Keras weights file ({type(error).__name__}: {error})"
        ) from None
