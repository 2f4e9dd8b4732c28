"""Drawing a model's graph: ``keras.utils.plot_model`` and ``model_to_dot``, through pydot and
Graphviz's ``dot`` program.

One box per layer (a layer called twice, shared, is one box with edges from both calls), one edge
per tensor that flows from a layer into another. glassnet adds what a glass box knows: layers
that the fusion pass runs together are filled in orange and name their fusion rule.

Needs ``pip install pydot``; writing a picture also needs Graphviz (``apt-get install graphviz``,
``brew install graphviz``, or graphviz.org's installer for Windows).

Example:

>>> import glassnet as keras
>>> from glassnet.plot.model import model_to_dot
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])
>>> "out" in model_to_dot(model).to_string()  # doctest: +SKIP
True
"""

import os
import shutil

from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.backend.config import is_fusion_enabled

_FUSED_COLOUR = "#ffcc80"
_PLAIN_COLOUR = "#ffffff"
_INSTALL = (
    "pip install pydot, and install Graphviz's dot program (Debian/Ubuntu: apt-get install "
    "graphviz; macOS: brew install graphviz)"
)


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError(f"plot_model and model_to_dot need pydot: {_INSTALL}") from None
    return pydot


def _graph_of(model):
    """(input tensors, nodes) of a Sequential or functional model; None for a subclassed one."""
    graph = getattr(model, "_functional", None) or model
    if getattr(graph, "_nodes", None) is None or not getattr(graph, "inputs", None):
        return None
    return graph.inputs, graph._nodes


def _shape_text(shapes):
    text = ", ".join(str(tuple(shape)) for shape in shapes)
    return text if len(shapes) == 1 else f"[{text}]"


def _fused_layers(model):
    """{layer name: fusion rule} for the graph fusions that apply to ``model``."""
    if not is_fusion_enabled():
        return {}
    try:
        fusions = model.graph_fusions() if hasattr(model, "graph_fusions") else []
    except Exception:  # a model that cannot plan yet (not built) simply shows no fusion
        fusions = []
    return {name: fusion.rule for fusion in fusions for name in fusion.layers}


def _label(layer, node_outputs, options, fused_rule):
    class_name = type(layer).__name__
    lines = [f"{layer.name} ({class_name})" if options["show_layer_names"] else class_name]
    if options["show_shapes"] and node_outputs:
        lines.append(f"Output shape: {_shape_text([tensor.shape for tensor in node_outputs])}")
    if options["show_dtype"] and node_outputs:
        dtypes = sorted({str(tensor.dtype) for tensor in node_outputs})
        lines.append(f"Output dtype: {', '.join(dtypes)}")
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        name = getattr(activation, "__name__", None) or type(activation).__name__
        lines.append(f"Activation: {name}")
    if options["show_trainable"]:
        lines.append(f"Trainable: {'yes' if getattr(layer, 'trainable', True) else 'no'}")
    if fused_rule:
        lines.append(f"Fused: {fused_rule}")
    return "\\n".join(line.replace('"', "'") for line in lines)


def _node_id(layer, prefix):
    # layer names are unique within a model, so the DOT text names each box by its layer
    return f'"{prefix}{layer.name}"'


def _add_model(pydot, dot, model, options, prefix):
    """Add ``model``'s layers and edges to ``dot``; returns (entry ids, exit ids): the boxes
    its inputs enter and its outputs leave, for edges from an enclosing graph."""
    graph = _graph_of(model)
    fused = _fused_layers(model)
    if graph is None:  # a subclassed model: its layers, in order, without edges
        ids = []
        for layer in model.layers:
            ids.append(_node_id(layer, prefix))
            dot.add_node(
                pydot.Node(ids[-1], label=_label(layer, [], options, None), shape="record")
            )
        return ids[:1], ids[-1:]
    inputs, nodes = graph
    outputs_of = {}  # layer -> output tensors of its first call
    for tensor in inputs:
        outputs_of.setdefault(tensor.node.operation, [tensor])
    for node in nodes:
        outputs_of.setdefault(node.operation, list(node.outputs))
    boxes = {}  # layer -> (entry id, exit id)
    for layer, tensors in outputs_of.items():
        if options["expand_nested"] and _graph_of(layer) is not None and layer is not model:
            cluster = pydot.Cluster(
                f"{prefix}{layer.name}".replace("/", "_"),
                label=f"{layer.name} ({type(layer).__name__})",
            )
            entries, exits = _add_model(pydot, cluster, layer, options, f"{prefix}{layer.name}/")
            dot.add_subgraph(cluster)
            boxes[layer] = (entries, exits)
            continue
        rule = fused.get(layer.name)
        dot.add_node(
            pydot.Node(
                _node_id(layer, prefix),
                label=_label(layer, tensors, options, rule),
                shape="record",
                style="filled",
                fillcolor=_FUSED_COLOUR if rule else _PLAIN_COLOUR,
            )
        )
        boxes[layer] = ([_node_id(layer, prefix)], [_node_id(layer, prefix)])
    drawn = set()
    for node in nodes:
        entries = boxes[node.operation][0]
        for position, tensor in enumerate(node.inputs):
            if not isinstance(tensor, SymbolicTensor) or tensor.node is None:
                continue
            # a nested model's i-th input feeds its i-th entry box
            targets = [entries[position]] if len(entries) == len(node.inputs) > 1 else entries
            for source in boxes[tensor.node.operation][1]:
                for target in targets:
                    if (source, target) not in drawn:
                        drawn.add((source, target))
                        dot.add_edge(pydot.Edge(source, target))
    entries = [entry for tensor in inputs for entry in boxes[tensor.node.operation][0]]
    exits = [
        exit_id for tensor in graph_outputs(model) for exit_id in boxes[tensor.node.operation][1]
    ]
    return entries, exits


def graph_outputs(model):
    """The output tensors of a model's graph (of the Functional a Sequential builds).

    Args:
        model: a model or layer.

    Returns:
        A list of SymbolicTensors; empty for a subclassed model or a plain layer.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> [tuple(tensor.shape) for tensor in graph_outputs(model)]
    [(None, 2)]
    """
    graph = getattr(model, "_functional", None) or model
    return list(getattr(graph, "outputs", None) or [])


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    **kwargs,
):
    """The model's graph as a ``pydot.Dot`` (its ``to_string()`` is the DOT text).

    Args:
        model: a Sequential or functional model (a subclassed one shows its layers unlinked).
        show_shapes: write each layer's output shape.
        show_dtype: write each layer's output dtype.
        show_layer_names: write layer names beside the class names.
        rankdir: "TB" (top to bottom) or "LR" (left to right), Graphviz's direction.
        expand_nested: draw nested models as boxed clusters of their layers.
        dpi: resolution of a rendered picture.
        subgraph: return a ``pydot.Cluster`` instead of a graph (to nest in another).
        show_layer_activations: write the activation of layers that have one.
        show_trainable: write whether each layer is trainable.
        **kwargs: Keras's other arguments are accepted and ignored.

    Returns:
        pydot.Dot (or pydot.Cluster). Boxes of fused layers are filled orange and name the rule.

    Raises:
        ImportError: without pydot, saying what to install.
        ValueError: for an unbuilt model or an unknown ``rankdir``.

    Example (skipped where pydot is not installed):

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])
    >>> '"out"' in model_to_dot(model).to_string()  # doctest: +SKIP
    True
    """
    pydot = _pydot()
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"model_to_dot: rankdir must be 'TB' or 'LR', got {rankdir!r}")
    if not getattr(model, "built", True) or (
        _graph_of(model) is None and not getattr(model, "layers", None)
    ):
        raise ValueError(
            f"model_to_dot: model '{getattr(model, 'name', model)}' has no graph yet; build it "
            "(give it an Input, or call it on data) first"
        )
    options = dict(
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        expand_nested=expand_nested,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=model.name, label=model.name)
    else:
        dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi))
        dot.set("concentrate", "true")
        dot.set_node_defaults(shape="record", fontname="Helvetica")
    _add_model(pydot, dot, model, options, "")
    return dot


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=False,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    **kwargs,
):
    """Draw the model's graph into ``to_file`` (.png, .pdf, .svg or .dot) with Graphviz.

    Args:
        model: a Sequential or functional model.
        to_file: the picture's path; its extension picks the format.
        show_shapes, show_dtype, show_layer_names, rankdir, expand_nested, dpi,
            show_layer_activations, show_trainable: as in ``model_to_dot``.
        **kwargs: Keras's other arguments are accepted and ignored.

    Returns:
        an IPython Image of a PNG when IPython is present, else None.

    Raises:
        ImportError: without pydot or Graphviz's ``dot``, saying what to install.

    Example (skipped where pydot is not installed):

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.dot")
    >>> plot_model(model, to_file=path)  # doctest: +SKIP
    >>> "digraph" in open(path).read()  # doctest: +SKIP
    True
    """
    dot = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    if extension == "dot":
        with open(to_file, "w", encoding="utf-8") as handle:
            handle.write(dot.to_string())
        return None
    if shutil.which("dot") is None:
        raise ImportError(f"plot_model needs Graphviz's dot program to draw: {_INSTALL}")
    dot.write(to_file, format=extension)
    if extension == "png":
        try:
            from IPython import display
        except ImportError:
            return None
        return display.Image(filename=to_file)
    return None
