"""Export to ONNX (``pip install "glassnet[onnx]"``): ``to_onnx(model, "model.onnx")``.

Supported: Dense (with its activation), Conv2D, MaxPooling2D, AveragePooling2D, global pooling,
BatchNormalization (inference: a scale and a shift), LayerNormalization, Dropout (identity),
Flatten, Reshape, activation layers, Add/Subtract/Multiply/Average/Concatenate, and LSTM
(default activations). Images stay channels_last between layers; each convolution or pooling is
wrapped in transposes to ONNX's channels-first layout. 'same' padding maps to ONNX's SAME_UPPER,
which is Keras's rule (the odd pixel after).

Example:

>>> import os, tempfile
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="relu")])
>>> proto = to_onnx(model, os.path.join(tempfile.mkdtemp(), "model.onnx"))
>>> [node.op_type for node in proto.graph.node]
['MatMul', 'Add', 'Relu', 'Identity']
"""

import numpy as np

from glassnet import activations, layers
from glassnet.models import Functional, Sequential

OPSET = 17


def _onnx():
    try:
        import onnx
        from onnx import helper, numpy_helper
    except ImportError:
        raise ImportError(
            'glassnet.export.to_onnx needs the onnx package: pip install "glassnet[onnx]"'
        ) from None
    return onnx, helper, numpy_helper


class _Graph:
    def __init__(self):
        self.onnx, self.helper, self.numpy_helper = _onnx()
        self.nodes, self.initializers, self.count = [], [], 0

    def fresh(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def const(self, array, prefix):
        name = self.fresh(prefix)
        self.initializers.append(self.numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, prefix, outputs=1, **attributes):
        names = [self.fresh(prefix) for _ in range(outputs)]
        self.nodes.append(self.helper.make_node(op_type, list(inputs), names, **attributes))
        return names[0] if outputs == 1 else names


def _activation(graph, name, x, where):
    if name in (None, "linear"):
        return x
    simple = {
        "relu": "Relu",
        "sigmoid": "Sigmoid",
        "tanh": "Tanh",
        "softplus": "Softplus",
        "softsign": "Softsign",
        "exponential": "Exp",
    }
    if name in simple:
        return graph.op(simple[name], [x], name)
    if name == "softmax":
        return graph.op("Softmax", [x], "softmax", axis=-1)
    if name == "log_softmax":
        return graph.op("LogSoftmax", [x], "log_softmax", axis=-1)
    if name == "elu":
        return graph.op("Elu", [x], "elu", alpha=1.0)
    if name == "selu":
        return graph.op("Selu", [x], "selu", alpha=1.6732632423543772, gamma=1.0507009873554805)
    if name == "leaky_relu":
        return graph.op("LeakyRelu", [x], "leaky_relu", alpha=0.2)
    if name == "hard_sigmoid":
        return graph.op("HardSigmoid", [x], "hard_sigmoid", alpha=1 / 6, beta=0.5)
    if name == "relu6":
        return graph.op(
            "Clip",
            [x, graph.const(np.float32(0), "min"), graph.const(np.float32(6), "max")],
            "relu6",
        )
    if name in ("silu", "swish"):
        return graph.op("Mul", [x, graph.op("Sigmoid", [x], "sigmoid")], "silu")
    if name == "gelu":  # exact: x * (1 + erf(x / sqrt 2)) / 2
        erf = graph.op(
            "Erf",
            [graph.op("Mul", [x, graph.const(np.float32(1 / np.sqrt(2)), "c")], "scaled")],
            "erf",
        )
        return graph.op(
            "Mul",
            [
                graph.op(
                    "Mul",
                    [x, graph.op("Add", [erf, graph.const(np.float32(1), "one")], "erf1")],
                    "xerf",
                ),
                graph.const(np.float32(0.5), "half"),
            ],
            "gelu",
        )
    raise ValueError(f"to_onnx: {where} uses activation {name!r}, which has no ONNX export yet")


def _name(activation):
    try:
        return activations.serialize(activation)
    except ValueError:
        return None


def _nchw(graph, x, layer_op):
    """Run ``layer_op`` on x transposed to channels-first and transpose the result back."""
    return graph.op(
        "Transpose",
        [layer_op(graph.op("Transpose", [x], "to_nchw", perm=[0, 3, 1, 2]))],
        "to_nhwc",
        perm=[0, 2, 3, 1],
    )


def _emit(graph, layer, inputs, where):
    """ONNX nodes for one layer: inputs (list of tensor names) -> output tensor name."""
    x = inputs[0]
    kind = type(layer).__name__
    if isinstance(layer, (layers.InputLayer, layers.Dropout)):
        return x
    if isinstance(layer, layers.Dense):
        out = graph.op(
            "MatMul", [x, graph.const(layer.kernel.data, f"{layer.name}_kernel")], layer.name
        )
        if layer.bias is not None:
            out = graph.op(
                "Add", [out, graph.const(layer.bias.data, f"{layer.name}_bias")], layer.name
            )
        return _activation(graph, _name(layer.activation), out, where)
    if kind == "Conv2D":
        if layer.data_format != "channels_last":
            raise ValueError(f"to_onnx: {where}: only channels_last Conv2D is exported")
        weight = graph.const(
            np.ascontiguousarray(layer.kernel.data.transpose(3, 2, 0, 1)), f"{layer.name}_kernel"
        )
        conv_inputs = [weight] + (
            [graph.const(layer.bias.data, f"{layer.name}_bias")] if layer.bias is not None else []
        )
        out = _nchw(
            graph,
            x,
            lambda nchw: graph.op(
                "Conv",
                [nchw, *conv_inputs],
                layer.name,
                kernel_shape=list(layer.kernel_size),
                strides=list(layer.strides),
                dilations=list(layer.dilation_rate),
                group=layer.groups,
                auto_pad="SAME_UPPER" if layer.padding == "same" else "VALID",
            ),
        )
        return _activation(graph, _name(layer.activation), out, where)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        pool = (
            (layer.pool_size, layer.pool_size)
            if isinstance(layer.pool_size, int)
            else tuple(layer.pool_size)
        )
        strides = (
            pool
            if layer.strides is None
            else ((layer.strides,) * 2 if isinstance(layer.strides, int) else tuple(layer.strides))
        )
        extra = {"count_include_pad": 0} if kind == "AveragePooling2D" else {}
        op_type = "MaxPool" if kind == "MaxPooling2D" else "AveragePool"
        return _nchw(
            graph,
            x,
            lambda nchw: graph.op(
                op_type,
                [nchw],
                layer.name,
                kernel_shape=list(pool),
                strides=list(strides),
                auto_pad="SAME_UPPER" if layer.padding == "same" else "VALID",
                **extra,
            ),
        )
    if kind in (
        "GlobalAveragePooling2D",
        "GlobalMaxPooling2D",
        "GlobalAveragePooling1D",
        "GlobalMaxPooling1D",
    ):
        axes = [1, 2] if kind.endswith("2D") else [1]
        return graph.op(
            "ReduceMean" if "Average" in kind else "ReduceMax",
            [x],
            layer.name,
            axes=axes,
            keepdims=int(layer.keepdims),
        )
    if isinstance(layer, layers.BatchNormalization):
        scale = (layer.gamma.data if layer.gamma is not None else 1.0) / np.sqrt(
            layer.moving_variance.data + layer.epsilon
        )
        shift = (
            layer.beta.data if layer.beta is not None else 0.0
        ) - layer.moving_mean.data * scale
        if layer.axis not in (-1, len(layer._build_shape) - 1):
            raise ValueError(
                f"to_onnx: {where}: only BatchNormalization over the last axis is exported"
            )
        scaled = graph.op(
            "Mul", [x, graph.const(scale.astype(np.float32), f"{layer.name}_scale")], layer.name
        )
        return graph.op(
            "Add",
            [scaled, graph.const(shift.astype(np.float32), f"{layer.name}_shift")],
            layer.name,
        )
    if isinstance(layer, layers.LayerNormalization):
        if layer.axis != -1:
            raise ValueError(
                f"to_onnx: {where}: only LayerNormalization over the last axis is exported"
            )
        dim = layer.gamma.shape[0] if layer.gamma is not None else layer.beta.shape[0]
        gamma = layer.gamma.data if layer.gamma is not None else np.ones(dim, np.float32)
        beta = layer.beta.data if layer.beta is not None else np.zeros(dim, np.float32)
        return graph.op(
            "LayerNormalization",
            [x, graph.const(gamma, "gamma"), graph.const(beta, "beta")],
            layer.name,
            axis=-1,
            epsilon=layer.epsilon,
        )
    if isinstance(layer, layers.Flatten):
        return graph.op("Flatten", [x], layer.name, axis=1)
    if isinstance(layer, layers.Reshape):
        return graph.op(
            "Reshape",
            [x, graph.const(np.array([0, *layer.target_shape], dtype=np.int64), "shape")],
            layer.name,
        )
    if isinstance(layer, layers.Activation):
        return _activation(graph, _name(layer.activation), x, where)
    if isinstance(layer, layers.ReLU):
        if layer.negative_slope or layer.threshold:
            raise ValueError(
                f"to_onnx: {where}: ReLU with negative_slope or threshold has no ONNX export yet"
            )
        if layer.max_value is None:
            return graph.op("Relu", [x], layer.name)
        return graph.op(
            "Clip",
            [x, graph.const(np.float32(0), "min"), graph.const(np.float32(layer.max_value), "max")],
            layer.name,
        )
    if isinstance(layer, layers.LeakyReLU):
        return graph.op("LeakyRelu", [x], layer.name, alpha=layer.negative_slope)
    if isinstance(layer, layers.ELU):
        return graph.op("Elu", [x], layer.name, alpha=layer.alpha)
    if isinstance(layer, layers.Softmax):
        return graph.op("Softmax", [x], layer.name, axis=layer.axis)
    if isinstance(layer, (layers.Add, layers.Multiply, layers.Average)):
        out = inputs[0]
        for other in inputs[1:]:
            out = graph.op(
                "Mul" if isinstance(layer, layers.Multiply) else "Add", [out, other], layer.name
            )
        return (
            graph.op("Mul", [out, graph.const(np.float32(1 / len(inputs)), "inv")], layer.name)
            if isinstance(layer, layers.Average)
            else out
        )
    if isinstance(layer, layers.Subtract):
        return graph.op("Sub", inputs, layer.name)
    if isinstance(layer, layers.Concatenate):
        return graph.op("Concat", inputs, layer.name, axis=layer.axis)
    if isinstance(layer, layers.LSTM):
        return _lstm(graph, layer, x, where)
    raise ValueError(f"to_onnx: {where} ({kind}) has no ONNX export yet")


def _lstm(graph, layer, x, where):
    if (
        layer.activation != "tanh"
        or layer.recurrent_activation != "sigmoid"
        or layer.go_backwards
        or layer.return_state
    ):
        raise ValueError(
            f"to_onnx: {where}: only LSTMs with tanh/sigmoid activations, forwards, without "
            "return_state are exported"
        )
    units = layer.units

    def onnx_gates(array):
        # Keras orders the gates input, forget, cell, output; ONNX input, output, forget, cell
        input_gate, forget_gate, cell_gate, output_gate = np.split(array, 4, axis=-1)
        return np.concatenate([input_gate, output_gate, forget_gate, cell_gate], axis=-1)

    input_weights = graph.const(onnx_gates(layer.kernel.data).T[None], "W")
    recurrent_weights = graph.const(onnx_gates(layer.recurrent_kernel.data).T[None], "R")
    bias = layer.bias.data if layer.bias is not None else np.zeros(4 * units, np.float32)
    # ONNX adds an input bias and a recurrent bias; Keras has one, so the second is zero
    biases = graph.const(
        np.concatenate([onnx_gates(bias), np.zeros(4 * units, np.float32)])[None], "B"
    )
    sequence = graph.op("Transpose", [x], "time_major", perm=[1, 0, 2])
    hidden_sequence, last_hidden = graph.op(
        "LSTM",
        [sequence, input_weights, recurrent_weights, biases],
        layer.name,
        outputs=2,
        hidden_size=units,
    )
    if layer.return_sequences:
        # (T, 1, N, units) -> (T, N, units) -> (N, T, units)
        hidden_sequence = graph.op(
            "Squeeze",
            [hidden_sequence, graph.const(np.array([1], dtype=np.int64), "axes")],
            "squeeze",
        )
        return graph.op("Transpose", [hidden_sequence], "batch_major", perm=[1, 0, 2])
    return graph.op(
        "Squeeze", [last_hidden, graph.const(np.array([0], dtype=np.int64), "axes")], "squeeze"
    )


def to_onnx(model, path, opset=OPSET):
    """Write ``model`` as an ONNX file that onnxruntime can run.

    Sequential and functional models of the layers listed in this module's docstring are
    exported; the batch dimension is left free (named ``N``). The file's input is named
    ``input`` for a Sequential model (a functional model's inputs keep their layer names), its
    output ``output`` (``output_0``, ``output_1``... for several).

    Args:
        model: a built Sequential or functional model.
        path: the ``.onnx`` file to write.
        opset: the ONNX operator-set version to declare.

    Returns:
        The ``onnx.ModelProto`` written, already checked with ``onnx.checker``.

    Raises:
        ValueError: for a layer or setting with no ONNX export, or an unbuilt model.
        TypeError: for a subclassed model.

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> proto = to_onnx(model, os.path.join(tempfile.mkdtemp(), "model.onnx"))
    >>> [value.name for value in proto.graph.output]
    ['output']
    """
    graph = _Graph()
    helper, onnx = graph.helper, graph.onnx
    float_type = onnx.TensorProto.FLOAT

    def value_info(name, shape):
        return helper.make_tensor_value_info(
            name,
            float_type,
            ["N" if i == 0 else (d if d is not None else f"d{i}") for i, d in enumerate(shape)],
        )

    if isinstance(model, Sequential):
        if model._input_shape is None:
            raise ValueError(
                "to_onnx: the model has no input shape yet; build it (Input or input_shape=) first"
            )
        graph_inputs = [value_info("input", model._input_shape)]
        x = "input"
        for i, layer in enumerate(model.layers):
            x = _emit(graph, layer, [x], f"layer {i} '{layer.name}'")
        outputs = [x]
        output_shapes = [model.layers[-1].output_shape_]
    elif isinstance(model, Functional):
        names = {}
        graph_inputs = []
        for tensor in model.inputs:
            names[id(tensor)] = tensor.node.layer.name
            graph_inputs.append(value_info(tensor.node.layer.name, tensor.shape))
        for node in model._nodes:
            if type(node.layer).__name__ == "OpLayer":
                raise ValueError(
                    f"to_onnx: '{node.layer.name}' is a raw ops call ({node.layer.function}); "
                    "use layers for export"
                )
            if node.kwargs:
                raise ValueError(
                    f"to_onnx: layer '{node.layer.name}' is called with keyword arguments "
                    f"{sorted(node.kwargs)}, which are not exported"
                )
            out = _emit(
                graph,
                node.layer,
                [names[id(tensor)] for tensor in node.inputs],
                f"layer '{node.layer.name}'",
            )
            names[id(node.outputs[0])] = out
        outputs = [names[id(tensor)] for tensor in model.outputs]
        output_shapes = [tensor.shape for tensor in model.outputs]
    else:
        raise TypeError(
            f"to_onnx: exports Sequential and functional models, got {type(model).__name__}"
        )
    renamed = []
    for k, (name, shape) in enumerate(zip(outputs, output_shapes)):
        final = "output" if len(outputs) == 1 else f"output_{k}"
        graph.nodes.append(helper.make_node("Identity", [name], [final]))
        renamed.append(value_info(final, shape))
    graph_proto = helper.make_graph(
        graph.nodes, model.name, graph_inputs, renamed, graph.initializers
    )
    proto = helper.make_model(
        graph_proto, opset_imports=[helper.make_opsetid("", opset)], producer_name="glassnet"
    )
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    return proto
