"""Export to ONNX (``pip install "glassnet[onnx]"``): ``glassnet.export.to_onnx(model, "model.onnx")``.

Supported: Dense (with its activation), Conv2D, MaxPooling2D, AveragePooling2D, global pooling,
BatchNormalization (inference: a scale and a shift), LayerNormalization, Dropout (identity),
Flatten, Reshape, activation layers, Add/Subtract/Multiply/Average/Concatenate, and LSTM
(default activations). Images stay channels_last between layers; each convolution or pooling is
wrapped in transposes to ONNX's channels-first layout. 'same' padding maps to ONNX's SAME_UPPER,
which is Keras's rule (the odd pixel after).
"""

import numpy as np

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


def _activation(g, name, x, where):
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
        return g.op(simple[name], [x], name)
    if name == "softmax":
        return g.op("Softmax", [x], "softmax", axis=-1)
    if name == "log_softmax":
        return g.op("LogSoftmax", [x], "log_softmax", axis=-1)
    if name == "elu":
        return g.op("Elu", [x], "elu", alpha=1.0)
    if name == "selu":
        return g.op("Selu", [x], "selu", alpha=1.6732632423543772, gamma=1.0507009873554805)
    if name == "leaky_relu":
        return g.op("LeakyRelu", [x], "leaky_relu", alpha=0.2)
    if name == "hard_sigmoid":
        return g.op("HardSigmoid", [x], "hard_sigmoid", alpha=1 / 6, beta=0.5)
    if name == "relu6":
        return g.op(
            "Clip", [x, g.const(np.float32(0), "min"), g.const(np.float32(6), "max")], "relu6"
        )
    if name in ("silu", "swish"):
        return g.op("Mul", [x, g.op("Sigmoid", [x], "sigmoid")], "silu")
    if name == "gelu":  # exact: x * (1 + erf(x / sqrt 2)) / 2
        erf = g.op(
            "Erf", [g.op("Mul", [x, g.const(np.float32(1 / np.sqrt(2)), "c")], "scaled")], "erf"
        )
        return g.op(
            "Mul",
            [
                g.op("Mul", [x, g.op("Add", [erf, g.const(np.float32(1), "one")], "erf1")], "xerf"),
                g.const(np.float32(0.5), "half"),
            ],
            "gelu",
        )
    raise ValueError(f"to_onnx: {where} uses activation {name!r}, which has no ONNX export yet")


def _name(activation):
    from glassnet import activations

    try:
        return activations.serialize(activation)
    except ValueError:
        return None


def _nchw(g, x, layer_op):
    """Run ``layer_op`` on x transposed to channels-first and transpose the result back."""
    return g.op(
        "Transpose",
        [layer_op(g.op("Transpose", [x], "to_nchw", perm=[0, 3, 1, 2]))],
        "to_nhwc",
        perm=[0, 2, 3, 1],
    )


def _emit(g, layer, inputs, where):
    """ONNX nodes for one layer: inputs (list of tensor names) -> output tensor name."""
    from glassnet import layers as L

    x = inputs[0]
    kind = type(layer).__name__
    if isinstance(layer, (L.InputLayer, L.Dropout)):
        return x
    if isinstance(layer, L.Dense):
        out = g.op("MatMul", [x, g.const(layer.kernel.data, f"{layer.name}_kernel")], layer.name)
        if layer.bias is not None:
            out = g.op("Add", [out, g.const(layer.bias.data, f"{layer.name}_bias")], layer.name)
        return _activation(g, _name(layer.activation), out, where)
    if kind == "Conv2D":
        if layer.data_format != "channels_last":
            raise ValueError(f"to_onnx: {where}: only channels_last Conv2D is exported")
        weight = g.const(
            np.ascontiguousarray(layer.kernel.data.transpose(3, 2, 0, 1)), f"{layer.name}_kernel"
        )
        conv_inputs = [weight] + (
            [g.const(layer.bias.data, f"{layer.name}_bias")] if layer.bias is not None else []
        )
        out = _nchw(
            g,
            x,
            lambda t: g.op(
                "Conv",
                [t, *conv_inputs],
                layer.name,
                kernel_shape=list(layer.kernel_size),
                strides=list(layer.strides),
                dilations=list(layer.dilation_rate),
                group=layer.groups,
                auto_pad="SAME_UPPER" if layer.padding == "same" else "VALID",
            ),
        )
        return _activation(g, _name(layer.activation), out, where)
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
            g,
            x,
            lambda t: g.op(
                op_type,
                [t],
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
        return g.op(
            "ReduceMean" if "Average" in kind else "ReduceMax",
            [x],
            layer.name,
            axes=axes,
            keepdims=int(layer.keepdims),
        )
    if isinstance(layer, L.BatchNormalization):
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
        scaled = g.op(
            "Mul", [x, g.const(scale.astype(np.float32), f"{layer.name}_scale")], layer.name
        )
        return g.op(
            "Add", [scaled, g.const(shift.astype(np.float32), f"{layer.name}_shift")], layer.name
        )
    if isinstance(layer, L.LayerNormalization):
        if layer.axis != -1:
            raise ValueError(
                f"to_onnx: {where}: only LayerNormalization over the last axis is exported"
            )
        dim = layer.gamma.shape[0] if layer.gamma is not None else layer.beta.shape[0]
        gamma = layer.gamma.data if layer.gamma is not None else np.ones(dim, np.float32)
        beta = layer.beta.data if layer.beta is not None else np.zeros(dim, np.float32)
        return g.op(
            "LayerNormalization",
            [x, g.const(gamma, "gamma"), g.const(beta, "beta")],
            layer.name,
            axis=-1,
            epsilon=layer.epsilon,
        )
    if isinstance(layer, L.Flatten):
        return g.op("Flatten", [x], layer.name, axis=1)
    if isinstance(layer, L.Reshape):
        return g.op(
            "Reshape",
            [x, g.const(np.array([0, *layer.target_shape], dtype=np.int64), "shape")],
            layer.name,
        )
    if isinstance(layer, L.Activation):
        return _activation(g, _name(layer.activation), x, where)
    if isinstance(layer, L.ReLU):
        if layer.negative_slope or layer.threshold:
            raise ValueError(
                f"to_onnx: {where}: ReLU with negative_slope or threshold has no ONNX export yet"
            )
        if layer.max_value is None:
            return g.op("Relu", [x], layer.name)
        return g.op(
            "Clip",
            [x, g.const(np.float32(0), "min"), g.const(np.float32(layer.max_value), "max")],
            layer.name,
        )
    if isinstance(layer, L.LeakyReLU):
        return g.op("LeakyRelu", [x], layer.name, alpha=layer.negative_slope)
    if isinstance(layer, L.ELU):
        return g.op("Elu", [x], layer.name, alpha=layer.alpha)
    if isinstance(layer, L.Softmax):
        return g.op("Softmax", [x], layer.name, axis=layer.axis)
    if isinstance(layer, (L.Add, L.Multiply, L.Average)):
        out = inputs[0]
        for other in inputs[1:]:
            out = g.op("Mul" if isinstance(layer, L.Multiply) else "Add", [out, other], layer.name)
        return (
            g.op("Mul", [out, g.const(np.float32(1 / len(inputs)), "inv")], layer.name)
            if isinstance(layer, L.Average)
            else out
        )
    if isinstance(layer, L.Subtract):
        return g.op("Sub", inputs, layer.name)
    if isinstance(layer, L.Concatenate):
        return g.op("Concat", inputs, layer.name, axis=layer.axis)
    if isinstance(layer, L.LSTM):
        return _lstm(g, layer, x, where)
    raise ValueError(f"to_onnx: {where} ({kind}) has no ONNX export yet")


def _lstm(g, layer, x, where):
    if (
        layer.activation != "tanh"
        or layer.recurrent_activation != "sigmoid"
        or layer.go_backwards
        or layer.return_state
    ):
        raise ValueError(
            f"to_onnx: {where}: only LSTMs with tanh/sigmoid activations, forwards, without return_state are exported"
        )
    u = layer.units

    def onnx_gates(array):  # Keras orders the gates i, f, c, o; ONNX i, o, f, c
        i, f, c, o = np.split(array, 4, axis=-1)
        return np.concatenate([i, o, f, c], axis=-1)

    w = g.const(onnx_gates(layer.kernel.data).T[None], "W")
    r = g.const(onnx_gates(layer.recurrent_kernel.data).T[None], "R")
    bias = layer.bias.data if layer.bias is not None else np.zeros(4 * u, np.float32)
    b = g.const(np.concatenate([onnx_gates(bias), np.zeros(4 * u, np.float32)])[None], "B")
    sequence = g.op("Transpose", [x], "time_major", perm=[1, 0, 2])
    y, y_h = g.op("LSTM", [sequence, w, r, b], layer.name, outputs=2, hidden_size=u)
    if layer.return_sequences:
        y = g.op(
            "Squeeze", [y, g.const(np.array([1], dtype=np.int64), "axes")], "squeeze"
        )  # (T, N, u)
        return g.op("Transpose", [y], "batch_major", perm=[1, 0, 2])
    return g.op("Squeeze", [y_h, g.const(np.array([0], dtype=np.int64), "axes")], "squeeze")


def to_onnx(model, path, opset=OPSET):
    """Write ``model`` as an ONNX file that onnxruntime can run; returns the onnx ModelProto."""
    from glassnet.models import Functional, Sequential

    g = _Graph()
    helper, onnx = g.helper, g.onnx
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
            x = _emit(g, layer, [x], f"layer {i} '{layer.name}'")
        outputs = [x]
        output_shapes = [model.layers[-1].output_shape_]
    elif isinstance(model, Functional):
        names = {}
        graph_inputs = []
        for t in model.inputs:
            names[id(t)] = t.node.layer.name
            graph_inputs.append(value_info(t.node.layer.name, t.shape))
        for node in model._nodes:
            if type(node.layer).__name__ == "OpLayer":
                raise ValueError(
                    f"to_onnx: '{node.layer.name}' is a raw ops call ({node.layer.function}); use layers for export"
                )
            if node.kwargs:
                raise ValueError(
                    f"to_onnx: layer '{node.layer.name}' is called with keyword arguments {sorted(node.kwargs)}, which are not exported"
                )
            out = _emit(
                g, node.layer, [names[id(t)] for t in node.inputs], f"layer '{node.layer.name}'"
            )
            names[id(node.outputs[0])] = out
        outputs = [names[id(t)] for t in model.outputs]
        output_shapes = [t.shape for t in model.outputs]
    else:
        raise TypeError(
            f"to_onnx: exports Sequential and functional models, got {type(model).__name__}"
        )
    renamed = []
    for k, (name, shape) in enumerate(zip(outputs, output_shapes)):
        final = "output" if len(outputs) == 1 else f"output_{k}"
        g.nodes.append(helper.make_node("Identity", [name], [final]))
        renamed.append(value_info(final, shape))
    graph = helper.make_graph(g.nodes, model.name, graph_inputs, renamed, g.initializers)
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="glassnet"
    )
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    return proto
