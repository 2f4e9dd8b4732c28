"""Keras 3's .keras files, both ways: a zip of config.json (Keras's serialized layers),
metadata.json and model.weights.h5 (HDF5, read with h5py: ``pip install "glassnet[keras]"``).

Reading follows the native format's rules: classes only from glassnet's registry (or
custom_objects), no Lambda code, member names and sizes checked, weight shapes checked against the
model. In the HDF5 file, Keras names each layer's group after its class (``dense``, ``dense_1``...
counted per container, not the layer's own name), and recurrent layers keep their weights one
level down, under ``cell``.

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

from glassnet.backend import registry
from glassnet.backend.naming import snake_case
from glassnet.ops.operation import FunctionOperation
from glassnet.saving.archive import MAX_MEMBER_BYTES, SafeArchive, write_atomic
from glassnet.saving.compile_config import compile_from_keras_config, keras_compile_config
from glassnet.saving.errors import ModelFileError
from glassnet.saving.object_registration import CustomObjectScope

_MEMBERS = r"config\.json|metadata\.json|model\.weights\.h5"
_RECURRENT = ("LSTM", "GRU", "SimpleRNN")
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


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError(
            'reading and writing .keras files needs h5py: pip install "glassnet[keras]"'
        ) from None
    return h5py


def _snake(name):
    return snake_case(name)


# -- configs: Keras -> glassnet -------------------------------------------------------------
def _plain(value):
    """Keras's nested {'module', 'class_name', 'config'} objects -> what glassnet's get() takes."""
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        if value["class_name"] == "DTypePolicy":
            return value["config"]["name"]
        config = {
            k: v
            for k, v in value["config"].items()
            if not (k in _IGNORED_IF_DEFAULT and v == _IGNORED_IF_DEFAULT[k])
        }
        return {"class_name": value["class_name"], "config": config}
    return value


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


def _layer_from_keras(item, custom_objects):
    class_name = item.get("class_name")
    if class_name == "Lambda":
        raise ModelFileError(
            "the .keras file holds a Lambda layer (Python code); glassnet never loads code from "
            "files"
        )
    registered_name = item.get("registered_name")
    cls = registry.find(registered_name, custom_objects) if registered_name else None
    if cls is None:
        cls = (custom_objects or {}).get(class_name) or registry.builtin_classes("layer").get(
            class_name
        )
    if cls is None:
        name = registered_name or class_name
        package = name.split(">", 1)[0] if ">" in name else "..."
        raise ModelFileError(
            f"the .keras file uses layer class '{name}', which glassnet does not have and this "
            f"program has not registered; define it with "
            f"@keras.saving.register_keras_serializable(package={package!r}) before loading, "
            f"or pass it in custom_objects={{'{class_name}': {class_name}}}"
        )
    config = {k: _plain(v) for k, v in item.get("config", {}).items()}
    accepted = _accepted_arguments(cls)
    for key in list(config):
        if key in accepted:
            continue
        if (
            key in _IGNORED_IF_DEFAULT
            and config[key] == _IGNORED_IF_DEFAULT[key]
            or key in ("shared_object_id",)
        ):
            del config[key]
        elif config[key] is None:
            del config[key]
        else:
            raise ModelFileError(
                f"layer '{config.get('name')}' ({class_name}) sets {key}={config[key]!r}, which "
                "glassnet does not support"
            )
    for key in (
        "kernel_size",
        "strides",
        "dilation_rate",
        "pool_size",
        "batch_shape",
        "target_shape",
        "dims",
        "size",
    ):
        if isinstance(config.get(key), list):
            config[key] = tuple(config[key])
    if class_name == "InputLayer":
        config.pop("input_shape", None)
    return cls.from_config(config)


def _model_from_keras(config, custom_objects):
    classes = registry.builtin_classes("layer")
    class_name, inner = config.get("class_name"), config.get("config", {})
    if class_name == "Sequential":
        model = classes["Sequential"](name=inner.get("name"))
        for item in inner.get("layers", []):
            layer = _layer_from_keras(item, custom_objects)
            model.add(layer)
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
                    k: _plain(v)
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
            for node_index, node in enumerate(item.get("inbound_nodes", [])):
                out = layer(*resolve(node.get("args", [])), **resolve(node.get("kwargs", {})))
                tensors[(layer.name, node_index)] = out if isinstance(out, (list, tuple)) else [out]

        def pick(spec):
            if spec and isinstance(spec[0], list):
                return [pick(s) for s in spec]
            return tensors[(spec[0], spec[1])][spec[2]]

        inputs, outputs = pick(inner["input_layers"]), pick(inner["output_layers"])
        return classes["Functional"](inputs, outputs, name=inner.get("name"))
    raise ModelFileError(
        f"the .keras file holds a '{class_name}' model; glassnet reads Sequential and Functional "
        "models"
    )


# -- weights: the HDF5 layout ---------------------------------------------------------------
def _weight_groups(model):
    """[(h5 group of the layer's variables, layer)] in Keras's naming, for every layer."""
    InputLayer = registry.builtin_classes("layer")["InputLayer"]  # noqa: N806

    counts, out = {}, []
    for layer in model.layers:
        if isinstance(layer, InputLayer):
            continue
        base = _snake(type(layer).__name__)
        index = counts.get(base, 0)
        counts[base] = index + 1
        name = base if index == 0 else f"{base}_{index}"
        if not layer._own_variables() and layer._sublayers:
            raise ModelFileError(
                f".keras weights of nested layers like '{layer.name}' ({type(layer).__name__}) "
                "are not supported yet"
            )
        group = (
            f"layers/{name}/cell/vars"
            if type(layer).__name__ in _RECURRENT
            else f"layers/{name}/vars"
        )
        out.append((group, layer))
    return out


def _read_weights(model, data, where):
    h5py = _h5py()
    with h5py.File(io.BytesIO(data), "r") as h5:
        for group, layer in _weight_groups(model):
            variables = layer._own_variables()
            if not variables:
                continue
            if group not in h5:
                raise ModelFileError(
                    f"{where}: the weights file has no group '{group}' for layer '{layer.name}'"
                )
            stored = h5[group]
            if len(stored) != len(variables):
                raise ModelFileError(
                    f"{where}: '{group}' holds {len(stored)} arrays, layer '{layer.name}' has "
                    f"{len(variables)} weights"
                )
            for i, variable in enumerate(variables):
                array = np.asarray(stored[str(i)])
                if array.shape != variable.shape:
                    raise ModelFileError(
                        f"{where}: '{group}/{i}' has shape {array.shape}, '{variable.path}' "
                        f"needs {variable.shape}"
                    )
                if not np.isfinite(array).all():
                    raise ModelFileError(f"{where}: '{group}/{i}' contains NaN or infinite values")
                variable.assign(array.astype(variable.dtype))


def load_keras(filepath, custom_objects=None, compile=True):
    """Build a glassnet model from a Keras 3 ``.keras`` file.

    The architecture and weights are read; the compile settings and optimizer state too when
    ``compile`` is true (a model whose compile settings cannot be restored loads uncompiled,
    with a warning, as in Keras). Lambda layers are refused: no code is loaded from files.

    Args:
        filepath: the ``.keras`` file.
        custom_objects: ``{name: class or function}`` for custom objects the file names.
        compile: restore the compile settings and optimizer state.

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
    archive = SafeArchive(filepath, _MEMBERS, MAX_MEMBER_BYTES)
    try:
        config = archive.read_json("config.json")
        custom_objects = registry.all_custom_objects(custom_objects)
        with CustomObjectScope(custom_objects):
            return _load_keras(archive, config, custom_objects, compile, where)
    finally:
        archive.close()


def _load_keras(archive, config, custom_objects, compile, where):
    """The model of a .keras file's config.json and weights, compiled when asked."""
    try:
        model = _model_from_keras(config, custom_objects)
    except ModelFileError:
        raise
    except Exception as error:
        raise ModelFileError(
            f"{where}: cannot rebuild the Keras model ({type(error).__name__}: {error})"
        ) from None
    try:
        _read_weights(model, archive.read("model.weights.h5"), where)
    except ModelFileError:
        raise
    except Exception as error:  # h5py's own errors for a truncated or corrupt HDF5 file
        raise ModelFileError(
            f"{where}: model.weights.h5 is not a readable HDF5 file "
            f"({type(error).__name__}: {error})"
        ) from None
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
        _read_optimizer_state(model, archive.read("model.weights.h5"), where)
    return model


def _read_optimizer_state(model, data, where):
    """Keras keeps the optimizer's variables under optimizer/vars/0, 1... (iteration, learning
    rate, then each trainable variable's slots); read them when the file has them."""
    h5py = _h5py()
    with h5py.File(io.BytesIO(data), "r") as h5:
        if "optimizer/vars" not in h5 or not len(h5["optimizer/vars"]):
            return
        stored = h5["optimizer/vars"]
        store = {key: np.asarray(stored[key]) for key in stored}
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
        if store[str(i)].shape != tuple(variable.shape):
            raise ModelFileError(
                f"{where}: optimizer variable {i} has shape {store[str(i)].shape} in the file, "
                f"'{variable.path}' needs {tuple(variable.shape)}"
            )
    optimizer.load_own_variables(store)


# -- writing -------------------------------------------------------------------------------
def _keras_object(module, class_name, config):
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def _keras_value(key, value):
    if isinstance(value, dict) and "class_name" in value and "config" in value:
        module = (
            "keras.initializers"
            if "initializer" in key
            else "keras.regularizers"
            if "regularizer" in key
            else "keras.constraints"
        )
        return _keras_object(module, value["class_name"], value["config"])
    if isinstance(value, tuple):
        return list(value)
    return value


def _keras_layer(layer):
    config = {
        k: _keras_value(k, v) for k, v in layer.get_config().items() if k not in ("input_shape",)
    }
    config["dtype"] = _keras_object("keras", "DTypePolicy", {"name": layer.dtype})
    cls = type(layer)
    item = _keras_object("keras.layers", cls.__name__, config)
    if registry.builtin_classes("layer").get(cls.__name__) is not cls:  # a user's layer
        item["module"] = cls.__module__
        item["registered_name"] = registry.registered_name(cls) or cls.__name__
    if layer._build_shape is not None:
        item["build_config"] = {"input_shape": list(layer._build_shape)}
    return item


def save_keras(model, filepath, include_optimizer=True):
    """Write ``model`` as a Keras 3 ``.keras`` file that Keras itself loads.

    Sequential and functional models of layers Keras has are supported; a compiled model's
    compile settings are written, and its optimizer state too.

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
    Sequential, Functional = classes["Sequential"], classes["Functional"]  # noqa: N806

    h5py = _h5py()
    if isinstance(model, Sequential):
        layers = [
            _keras_object(
                "keras.layers",
                "InputLayer",
                {
                    "batch_shape": list(model._input_shape),
                    "dtype": model.dtype,
                    "name": "input_layer",
                },
            )
        ]
        layers += [_keras_layer(layer) for layer in model.layers]
        config = _keras_object(
            "keras",
            "Sequential",
            {
                "name": model.name,
                "trainable": model.trainable,
                "layers": layers,
                "build_input_shape": list(model._input_shape),
            },
        )
        config["build_config"] = {"input_shape": list(model._input_shape)}
    elif isinstance(model, Functional):
        history = {id(t): [t.node.layer.name, 0, 0] for t in model.inputs}
        items = [
            _keras_object(
                "keras.layers",
                "InputLayer",
                {"batch_shape": list(t.shape), "dtype": str(t.dtype), "name": t.node.layer.name},
            )
            | {"name": t.node.layer.name, "inbound_nodes": []}
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
            if isinstance(node.layer, FunctionOperation):
                raise ValueError(
                    f"save as .keras: '{node.layer.name}' is a raw ops call, which Keras files "
                    "cannot hold; use layers"
                )
            index = calls.get(node.layer.name, 0)
            calls[node.layer.name] = index + 1
            entry = next((i for i in items if i.get("name") == node.layer.name), None)
            if entry is None:
                entry = _keras_layer(node.layer) | {"name": node.layer.name, "inbound_nodes": []}
                items.append(entry)
            entry["inbound_nodes"].append(
                {"args": encode(list(node.args)), "kwargs": encode(dict(node.kwargs))}
            )
            for k, t in enumerate(node.outputs):
                history[id(t)] = [node.layer.name, index, k]
        config = _keras_object(
            "keras.src.models.functional",
            "Functional",
            {
                "name": model.name,
                "trainable": model.trainable,
                "layers": items,
                "input_layers": [history[id(t)] for t in model.inputs]
                if len(model.inputs) > 1
                else history[id(model.inputs[0])],
                "output_layers": [history[id(t)] for t in model.outputs]
                if len(model.outputs) > 1
                else history[id(model.outputs[0])],
            },
        )
        config["registered_name"] = "Functional"
        config["build_config"] = {"input_shape": None}
    else:
        raise ValueError("save as .keras: Sequential and functional models only")
    compile_config = keras_compile_config(model)
    if compile_config is not None:
        config["compile_config"] = compile_config
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        for group, layer in _weight_groups(model):
            layer_group = h5.require_group(group)
            for i, variable in enumerate(layer._own_variables()):
                layer_group.create_dataset(str(i), data=variable.data)
        optimizer = getattr(model, "optimizer", None)
        if include_optimizer and compile_config is not None and optimizer.built:
            store = {}
            optimizer.save_own_variables(store)
            group = h5.require_group("optimizer/vars")
            for key, array in store.items():
                group.create_dataset(key, data=array)
    metadata = {
        "keras_version": "3.15.1",
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
        "producer": "glassnet",
    }
    write_atomic(
        filepath,
        {
            "metadata.json": json.dumps(metadata).encode(),
            "config.json": json.dumps(config).encode(),
            "model.weights.h5": buffer.getvalue(),
        },
    )


def save_keras_weights(model, filepath):
    """Write the weights of ``model`` as Keras 3's ``.weights.h5`` file.

    The layout is that of model.weights.h5 inside a ``.keras`` file, so Keras's
    ``load_weights`` reads it.

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
    h5py = _h5py()
    with h5py.File(os.fspath(filepath), "w") as h5:
        for group, layer in _weight_groups(model):
            layer_group = h5.require_group(group)
            for i, variable in enumerate(layer._own_variables()):
                layer_group.create_dataset(str(i), data=variable.data)


def _read_legacy_weights(model, h5, where):
    """Keras 2's HDF5 weights: the root lists layer_names, each layer group its weight_names;
    layers with weights are matched in order, as Keras 2's load_weights did."""

    def names(node, key):
        return [n.decode() if isinstance(n, bytes) else str(n) for n in node.attrs[key]]

    group = h5["model_weights"] if "model_weights" in h5 else h5
    stored = [(name, names(group[name], "weight_names")) for name in names(group, "layer_names")]
    stored = [(name, weights) for name, weights in stored if weights]
    layers = [layer for layer in model.layers if layer._own_variables()]
    if len(stored) != len(layers):
        raise ModelFileError(
            f"{where}: the legacy weights file has {len(stored)} layers with weights, the model "
            f"has {len(layers)}"
        )
    for (name, weight_names), layer in zip(stored, layers):
        variables = layer._own_variables()
        if len(weight_names) != len(variables):
            raise ModelFileError(
                f"{where}: layer '{name}' in the file has {len(weight_names)} weights, "
                f"'{layer.name}' has {len(variables)}"
            )
        for weight_name, variable in zip(weight_names, variables):
            array = np.asarray(group[name][weight_name])
            if array.shape != variable.shape:
                raise ModelFileError(
                    f"{where}: '{name}/{weight_name}' has shape {array.shape}, "
                    f"'{variable.path}' needs {variable.shape}"
                )
            variable.assign(array.astype(variable.dtype))


def load_keras_weights(model, filepath):
    """Assign the weights of a Keras 3 ``.weights.h5`` file (or Keras 2's HDF5 layout).

    Args:
        model: a built model with the same layers as the saved one.
        filepath: the HDF5 weights file.

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
    with open(filepath, "rb") as handle:
        data = handle.read(MAX_MEMBER_BYTES + 1)
    if len(data) > MAX_MEMBER_BYTES:
        raise ModelFileError(f"{filepath}: larger than the limit of {MAX_MEMBER_BYTES} bytes")
    try:
        h5py = _h5py()
        with h5py.File(io.BytesIO(data), "r") as h5:
            if "layer_names" in h5.attrs or "model_weights" in h5:
                return _read_legacy_weights(model, h5, os.fspath(filepath))
        _read_weights(model, data, os.fspath(filepath))
    except ModelFileError:
        raise
    except Exception as error:
        raise ModelFileError(
            f"{filepath}: not a Keras weights file ({type(error).__name__}: {error})"
        ) from None
