"""The steps every application constructor shares: checking its arguments, making the image
input, turning the graph into a model whose layers are in Keras's order, and loading weights.

Layer order matters for weights: Keras 2's HDF5 files (the published ImageNet weights) are matched
to the model's layers by position, and Keras 3's ``.weights.h5`` names each layer's group by its
class and its rank among layers of that class. Keras orders a functional model's layers by depth
(the longest path to the output, deepest first) and, at equal depth, by when a depth-first walk
from the outputs first reaches them; glassnet's functional models list their layers that way.
"""

import os
import warnings

from glassnet.applications._weights import WeightsFile, weights_path
from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.layers import Input, InputLayer
from glassnet.models import Model

__all__ = ["WeightsFile", "check_weights", "image_input", "finish_model", "load_weights"]


def check_weights(where, weights, include_top, classes):
    """Keras's checks of ``weights`` and ``classes``.

    Args:
        where: the constructor's name, for messages.
        weights: None, "imagenet" or the path of an existing weights file.
        include_top: whether the model ends with the classifier.
        classes: the classifier's number of classes (must be 1000 with ImageNet's top).

    Example:

    >>> check_weights("VGG16", "imagenet", include_top=True, classes=10)
    Traceback (most recent call last):
    ...
    ValueError: VGG16: with weights='imagenet' and include_top=True, classes must be 1000, got 10
    """
    if not (weights in ("imagenet", None) or os.path.exists(os.fspath(weights))):
        raise ValueError(
            f"{where}: weights must be None (random initialization), 'imagenet' or the path to a "
            f"weights file that exists, got {weights!r}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            f"{where}: with weights='imagenet' and include_top=True, classes must be 1000, "
            f"got {classes}"
        )


def image_input(where, input_tensor, input_shape, default_size=224):
    """The model's input: ``input_tensor`` if given, else a new Input of ``input_shape``.

    glassnet's functional graphs need known image sizes to infer shapes, so an input shape with
    unknown height or width is given ``default_size`` (with a warning).

    Args:
        where: the constructor's name, for messages.
        input_tensor: a SymbolicTensor to build on, or None.
        input_shape: (height, width, channels), used when ``input_tensor`` is None.
        default_size: the side given to an unknown height or width.

    Example:

    >>> image_input("VGG16", None, (32, 32, 3)).shape
    (None, 32, 32, 3)
    """
    if input_tensor is not None:
        if not isinstance(input_tensor, SymbolicTensor):
            raise TypeError(
                f"{where}: input_tensor must be a symbolic tensor made from glassnet.Input(...), "
                f"got {type(input_tensor).__name__}"
            )
        return input_tensor
    if None in input_shape[:2]:
        input_shape = (default_size, default_size, input_shape[2])
        warnings.warn(
            f"{where}: glassnet cannot yet build models for images of unknown size; building "
            f"for input_shape={input_shape}. Pass input_shape=(height, width, 3) for another "
            "size.",
            stacklevel=3,
        )
    return Input(shape=input_shape)


def source_inputs(tensor):
    """The Input tensors that ``tensor`` is computed from, in the order a walk finds them.

    Args:
        tensor: a SymbolicTensor.

    Example:

    >>> from glassnet import layers
    >>> image = image_input("demo", None, (8, 8, 3))
    >>> [t.shape for t in source_inputs(layers.Conv2D(4, 3)(image))]
    [(None, 8, 8, 3)]
    """
    found, seen, stack = [], set(), [tensor]
    while stack:
        current = stack.pop()
        node = current.node
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node.layer, InputLayer):
            found.append(current)
        else:
            stack.extend(reversed(node.inputs))
    return found


def finish_model(input_tensor, image, outputs, name):
    """A functional model from ``image`` (or ``input_tensor``'s own inputs) to ``outputs``, with
    its layers in Keras's order.

    Args:
        input_tensor: the ``input_tensor`` the caller gave, or None.
        image: the Input made by ``image_input`` (used when ``input_tensor`` is None).
        outputs: the model's output tensor(s).
        name: the model's name.

    Example:

    >>> from glassnet import layers
    >>> image = image_input("demo", None, (8, 8, 3))
    >>> model = finish_model(None, image, layers.Conv2D(4, 3)(image), "tiny")
    >>> model.name, model.outputs[0].shape
    ('tiny', (None, 6, 6, 4))
    """
    inputs = image if input_tensor is None else source_inputs(input_tensor)
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    return Model(inputs, outputs, name=name)


def load_weights(model, weights, imagenet_file):
    """Load ``weights``: 'imagenet' (``imagenet_file``, a WeightsFile), a file path, or None.

    Args:
        model: the model built.
        weights: "imagenet", the path of a weights file, or None (nothing loaded).
        imagenet_file: the ``WeightsFile`` of the published ImageNet weights.

    Returns:
        ``model``.
    """
    if weights == "imagenet":
        model.load_weights(weights_path(imagenet_file))
    elif weights is not None:
        model.load_weights(weights)
    return model


def pooled(x, pooling, layers, avg_name=None, max_name=None):
    """The feature map ``x``, globally average- or max-pooled when ``pooling`` asks for it.

    Args:
        x: a 4-D feature map (a SymbolicTensor).
        pooling: "avg", "max", or anything else (None) for no pooling.
        layers: the ``glassnet.layers`` module (passed in by the caller).
        avg_name: the name of the GlobalAveragePooling2D layer (Keras's, for weight files).
        max_name: the name of the GlobalMaxPooling2D layer.

    Example:

    >>> from glassnet import layers
    >>> features = image_input("demo", None, (8, 8, 3))
    >>> pooled(features, "avg", layers).shape, pooled(features, None, layers).shape
    ((None, 3), (None, 8, 8, 3))
    """
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x
