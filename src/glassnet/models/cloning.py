"""``keras.models.clone_model``: the same architecture with new layers and fresh weights.

A Sequential model is rebuilt from clones of its layers; a functional one by replaying its
recorded calls, in order, with each layer replaced by its clone (a shared layer is cloned once
and stays shared); a subclassed model through its config. ``clone_function`` chooses what
replaces each layer, ``call_function`` how it is called, ``input_tensors`` what the clone is
built on.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
>>> clone = keras.models.clone_model(model)
>>> clone.layers[0].name, clone.layers[0] is model.layers[0]
('d', False)
>>> bool(np.array_equal(clone.layers[0].kernel.data, model.layers[0].kernel.data))  # new weights
False
"""

from glassnet.autograd.symbolic import SymbolicTensor, flatten_symbolic
from glassnet.layers import Input, InputLayer
from glassnet.models.functional import Functional
from glassnet.models.sequential import Sequential
from glassnet.ops.operation import FunctionOperation
from glassnet.saving import deserialize_keras_object, serialize_keras_object


def _default_clone(layer):
    if isinstance(layer, FunctionOperation):  # a raw ops call keeps its op and name
        return FunctionOperation(layer.function, name=layer.name)
    return layer.__class__.from_config(layer.get_config())


def _wrap_clone_function(clone_function, call_function, recursive, cache):
    clone_function = clone_function or _default_clone

    def clone_once(layer):
        if id(layer) in cache:
            return cache[id(layer)]
        if recursive and isinstance(layer, (Sequential, Functional)):
            clone = clone_model(
                layer,
                clone_function=clone_function,
                call_function=None if isinstance(layer, Sequential) else call_function,
                recursive=True,
                cache=cache,
            )
        else:
            clone = clone_function(layer)
        cache[id(layer)] = clone
        return clone

    return clone_once


def _copy_compile(model, clone):
    if getattr(model, "compiled", False):
        clone.compile_from_config(model.get_compile_config())
    return clone


def _clone_sequential(model, clone_function, input_tensors):
    layers = [clone_function(layer) for layer in model.layers]
    if input_tensors is not None:
        if isinstance(input_tensors, (list, tuple)):
            if len(input_tensors) != 1:
                raise ValueError(
                    f"clone_model: a Sequential model takes one input tensor, got "
                    f"{len(input_tensors)}"
                )
            input_tensors = input_tensors[0]
        if not isinstance(input_tensors, SymbolicTensor):
            raise ValueError(
                "clone_model: input_tensors must be a symbolic tensor (keras.Input(...)), got "
                f"{type(input_tensors).__name__}"
            )
        layers = [Input(batch_shape=input_tensors.shape, dtype=input_tensors.dtype)] + layers
    elif model._input_shape is not None:
        layers = [Input(batch_shape=model._input_shape, dtype=model._input_dtype)] + layers
    clone = Sequential(layers, name=model.name, trainable=model.trainable)
    return _copy_compile(model, clone)


def _replace(structure, tensors):
    """``structure`` with every SymbolicTensor swapped for its counterpart in ``tensors``."""
    if isinstance(structure, SymbolicTensor):
        return tensors[id(structure)]
    if isinstance(structure, list):
        return [_replace(item, tensors) for item in structure]
    if isinstance(structure, tuple):
        return tuple(_replace(item, tensors) for item in structure)
    if isinstance(structure, dict):
        return {key: _replace(value, tensors) for key, value in structure.items()}
    return structure


def _same_structure(given, reference):
    if isinstance(reference, (list, tuple)):
        return isinstance(given, (list, tuple)) and len(given) == len(reference)
    if isinstance(reference, dict):
        return isinstance(given, dict) and set(given) == set(reference)
    return isinstance(given, SymbolicTensor)


def _clone_functional(model, clone_function, call_function, input_tensors):
    if input_tensors is not None:
        flat = flatten_symbolic(input_tensors)
        if not all(isinstance(t, SymbolicTensor) for t in _leaves(input_tensors)):
            raise ValueError(
                "clone_model: every entry of input_tensors must be a symbolic tensor "
                "(keras.Input(...))"
            )
        if not _same_structure(input_tensors, model.input):
            raise ValueError(
                f"clone_model: input_tensors must have the structure of model.input "
                f"({len(model.inputs)} tensor(s) as {type(model.input).__name__}), got "
                f"{type(input_tensors).__name__} of {len(flat)}"
            )
    else:
        input_tensors = _replace(
            model.input,
            {
                id(t): Input(batch_shape=t.shape, dtype=t.dtype, name=t.node.operation.name)
                for t in model.inputs
            },
        )
    tensors = {id(old): new for old, new in _pairs(model.input, input_tensors)}
    for node in model._nodes:
        if isinstance(node.operation, InputLayer):
            continue
        layer = clone_function(node.operation)
        args, kwargs = _replace(node.args, tensors), _replace(node.kwargs, tensors)
        outputs = call_function(layer, *args, **kwargs) if call_function else layer(*args, **kwargs)
        for old, new in zip(node.outputs, flatten_symbolic(outputs)):
            tensors[id(old)] = new
    outputs = _replace(model.output, tensors)
    return _copy_compile(model, Functional(input_tensors, outputs, name=model.name))


def _pairs(reference, given):
    """(reference leaf, given leaf) pairs of two structures of one shape: dicts matched by key
    (in any order), lists and tuples by position."""
    if isinstance(reference, dict):
        return [pair for key in reference for pair in _pairs(reference[key], given[key])]
    if isinstance(reference, (list, tuple)):
        return [pair for ref, new in zip(reference, given) for pair in _pairs(ref, new)]
    return [(reference, given)]


def _leaves(structure):
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _leaves(item)]
    if isinstance(structure, dict):
        return [leaf for item in structure.values() for leaf in _leaves(item)]
    return [structure]


def clone_model(
    model,
    input_tensors=None,
    clone_function=None,
    call_function=None,
    recursive=False,
    **kwargs,
):
    """A copy of ``model``'s architecture with new layers (so new, freshly initialised weights).

    Args:
        model: a Sequential, functional or subclassed model.
        input_tensors: symbolic tensors to build the clone on, in the structure of
            ``model.input`` (Sequential and functional models only); new Inputs by default.
        clone_function: ``fn(layer) -> layer`` giving what replaces each layer (Input layers
            excepted); by default ``layer.__class__.from_config(layer.get_config())``. Returning
            the layer itself shares it (and its weights) with the original.
        call_function: ``fn(layer, *args, **kwargs) -> outputs`` calling each replacement in a
            functional model; by default ``layer(*args, **kwargs)``. It can add layers around a
            call.
        recursive: clone nested Sequential and functional models layer by layer with the same
            functions, instead of handing them to ``clone_function`` whole.
        **kwargs: none are accepted (an unexpected name is an error).

    Returns:
        the new model, compiled like the original if the original was compiled.

    Raises:
        ValueError: for ``clone_function``/``input_tensors`` with a subclassed model,
            ``call_function`` with a non-functional model, or an unexpected keyword.

    Example:

    >>> import glassnet as keras
    >>> a = keras.Input((2,), name="a")
    >>> model = keras.Model(a, keras.layers.Dense(1, name="out")(a))
    >>> def add_dropout(layer, *args, **kwargs):
    ...     return keras.layers.Dropout(0.5)(layer(*args, **kwargs))
    >>> clone = keras.models.clone_model(model, call_function=add_dropout)
    >>> [type(layer).__name__ for layer in clone.layers]
    ['InputLayer', 'Dense', 'Dropout']
    """
    cache = kwargs.pop("cache", None)
    if kwargs:
        raise ValueError(f"clone_model: unexpected keyword argument(s) {sorted(kwargs)}")
    cache = {} if cache is None else cache
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError(
                f"clone_model: call_function needs a functional model; Sequential model "
                f"'{model.name}' lists its layers without calls to change"
            )
        clone_function = _wrap_clone_function(clone_function, None, recursive, cache)
        return _clone_sequential(model, clone_function, input_tensors)
    if isinstance(model, Functional) and type(model).get_config is Functional.get_config:
        clone_function = _wrap_clone_function(clone_function, call_function, recursive, cache)
        return _clone_functional(model, clone_function, call_function, input_tensors)
    if clone_function is not None or input_tensors is not None:
        raise ValueError(
            f"clone_model: clone_function and input_tensors work on Sequential and functional "
            f"models; '{model.name}' is a subclassed {type(model).__name__}, cloned through its "
            "config only"
        )
    if call_function is not None:
        raise ValueError(
            f"clone_model: call_function needs a functional model; '{model.name}' is a "
            f"subclassed {type(model).__name__}"
        )
    config = serialize_keras_object(model)
    config.pop("compile_config", None)
    clone = deserialize_keras_object(config, custom_objects={type(model).__name__: type(model)})
    return _copy_compile(model, clone)
