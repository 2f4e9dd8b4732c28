"""The TensorBoard callback: Keras's scalars, histograms, weight images and graph, written as
TensorBoard event files with ``tensorboard``'s own writer (``pip install "glassnet[tensorboard]"``,
which installs the ``tensorboard`` package).

Layout as Keras writes it: ``log_dir/train`` and ``log_dir/validation`` each hold an event file;
epoch scalars are ``epoch_<metric>`` at step = epoch (validation ones without the ``val_``
prefix, in the validation run), batch scalars ``batch_<metric>`` at the global batch number
(from 1) every ``update_freq`` batches, weight histograms ``<weight path>/histogram`` every
``histogram_freq`` epochs.

Beyond Keras, since glassnet shows its workings: given a ``glassnet.inspect.GradientMonitor``
(``gradient_monitor=GradientMonitor(every=N)``), every N-th training step writes the figures it
computes per layer -- gradient norm, gradient RMS, weight norm, update-to-weight ratio -- as
``gradients/<layer>/<figure>``, and a histogram of each variable's gradient (``<weight
path>/gradient``, from the ``.grad`` the step left in it). The graph (``write_graph``)
has one node per layer; layers the fusion pass runs together carry a ``fused`` attribute naming
the rule, and are grouped under ``fused/<rule>/`` so TensorBoard draws them as one box.

Example:

>>> import os, tempfile
>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> model.compile("sgd", "mse")
>>> log_dir = tempfile.mkdtemp()
>>> board = keras.callbacks.TensorBoard(log_dir)  # doctest: +SKIP
>>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
...               callbacks=[board])  # doctest: +SKIP
>>> sorted(os.listdir(log_dir))  # doctest: +SKIP
['train']
"""

import os
import struct
import time
import zlib

import numpy as np

from glassnet.backend.config import is_fusion_enabled
from glassnet.callbacks.callback import Callback

_INSTALL = (
    'TensorBoard needs the tensorboard package: pip install "glassnet[tensorboard]" '
    "(or pip install tensorboard)"
)


def _tensorboard():
    """tensorboard's event writer and protocol buffers, imported on first use."""
    try:
        from tensorboard.compat.proto import (
            attr_value_pb2,
            event_pb2,
            graph_pb2,
            node_def_pb2,
            summary_pb2,
        )
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError:
        raise ImportError(_INSTALL) from None
    return {
        "EventFileWriter": EventFileWriter,
        "event": event_pb2,
        "summary": summary_pb2,
        "graph": graph_pb2,
        "node": node_def_pb2,
        "attr": attr_value_pb2,
    }


# -- summaries as protocol buffers ---------------------------------------------------------------
def _histogram_proto(tb, values, bins=30):
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if not values.size:
        values = np.zeros(1)
    counts, edges = np.histogram(values, bins=bins)
    return tb["summary"].HistogramProto(
        min=float(values.min()),
        max=float(values.max()),
        num=float(values.size),
        sum=float(values.sum()),
        sum_squares=float(np.dot(values, values)),
        bucket_limit=[float(edge) for edge in edges[1:]],
        bucket=[float(count) for count in counts],
    )


def encode_png(image):
    """A (height, width) or (height, width, 1|3|4) uint8 array as PNG bytes (zlib, no imaging
    library needed).

    Args:
        image: the pixels; converted to uint8.

    Example:

    >>> import numpy as np
    >>> encode_png(np.zeros((2, 2), np.uint8))[1:4]
    b'PNG'
    """
    image = np.asarray(image, dtype=np.uint8)
    if image.ndim == 2:
        image = image[:, :, None]
    height, width, channels = image.shape
    colour_type = {1: 0, 3: 2, 4: 6}[channels]
    rows = b"".join(b"\x00" + image[row].tobytes() for row in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def weight_image(array):
    """A weight as a greyscale picture, as Keras lays it out: a bias as one row, a Dense kernel
    with its longer side horizontal, each 2-D filter of a conv kernel side by side. None for
    shapes Keras does not draw.

    Args:
        array: a weight's values (size-1 axes are squeezed first).

    Returns:
        A (height, width) uint8 array scaled to [0, 255], filters separated by a white column;
        or None.

    Example:

    >>> import numpy as np
    >>> weight_image(np.arange(6.0).reshape(3, 2))  # the longer side laid horizontally
    array([[  0, 102, 204],
           [ 51, 153, 255]], dtype=uint8)
    """
    array = np.squeeze(np.asarray(array, dtype=np.float64))
    if array.ndim == 1:
        tiles = array[None, None, :]
    elif array.ndim == 2:
        tiles = (array.T if array.shape[0] > array.shape[1] else array)[None]
    elif array.ndim == 3:
        tiles = np.transpose(array, (2, 0, 1))  # channels last -> one tile per filter
    else:
        return None
    low, high = float(np.min(tiles)), float(np.max(tiles))
    scaled = (tiles - low) / (high - low) if high > low else np.zeros_like(tiles)
    gap = np.ones((scaled.shape[1], 1))
    parts = []
    for tile in scaled:
        parts.extend([tile, gap])
    picture = np.concatenate(parts[:-1], axis=1) if len(parts) > 1 else scaled[0]
    return np.round(picture * 255).astype(np.uint8)


class _Run:
    """One event file (a TensorBoard "run": train or validation)."""

    def __init__(self, tb, directory):
        self.tb = tb
        os.makedirs(directory, exist_ok=True)
        self.writer = tb["EventFileWriter"](directory, flush_secs=1)

    def _add(self, step, **summary):
        event = self.tb["event"].Event(
            wall_time=time.time(), step=int(step), summary=self.tb["summary"].Summary(**summary)
        )
        self.writer.add_event(event)

    def scalar(self, tag, value, step):
        value_proto = self.tb["summary"].Summary.Value(tag=tag, simple_value=float(value))
        self._add(step, value=[value_proto])

    def histogram(self, tag, values, step):
        histogram = _histogram_proto(self.tb, values)
        self._add(step, value=[self.tb["summary"].Summary.Value(tag=tag, histo=histogram)])

    def image(self, tag, picture, step):
        height, width = picture.shape[:2]
        channels = 1 if picture.ndim == 2 else picture.shape[2]
        image = self.tb["summary"].Summary.Image(
            height=height,
            width=width,
            colorspace=channels,
            encoded_image_string=encode_png(picture),
        )
        self._add(step, value=[self.tb["summary"].Summary.Value(tag=tag, image=image)])

    def graph(self, graph_def):
        event = self.tb["event"].Event(
            wall_time=time.time(), step=0, graph_def=graph_def.SerializeToString()
        )
        self.writer.add_event(event)

    def flush(self):
        self.writer.flush()

    def close(self):
        self.writer.close()


class TensorBoard(Callback):
    """Write what training does as TensorBoard event files: ``tensorboard --logdir log_dir``.

    Args:
        log_dir: the folder of the runs (``train/`` and ``validation/`` are made inside).
        histogram_freq: every this many epochs, a histogram of every weight (0: none).
        write_graph: write the model's graph (fused layers marked).
        write_images: with ``histogram_freq``, also each weight as a picture.
        write_steps_per_second: also the training speed, as ``epoch_steps_per_second``
            (and ``batch_steps_per_second`` when batches are logged).
        update_freq: "epoch" (scalars per epoch), "batch" or an int N: also the batch scalars
            every N batches.
        profile_batch: accepted for Keras compatibility; glassnet has no profiler trace to write.
        embeddings_freq: every this many epochs, save the model's weights for TensorBoard's
            projector and write its configuration for each Embedding layer (0: never).
        embeddings_metadata: a file of labels for every embedding, or a dict layer name -> file.
        gradient_monitor: glassnet's addition: a ``glassnet.inspect.GradientMonitor``; its
            per-layer figures and the gradient histograms are written on the steps it records.

    Raises:
        ImportError: when the ``tensorboard`` package is missing, saying what to install.
        ValueError: for an ``update_freq`` that is not "epoch", "batch" or a positive int.

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> log_dir = tempfile.mkdtemp()
    >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0,
    ...               callbacks=[TensorBoard(log_dir)])
    >>> os.listdir(log_dir)
    ['train']
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
        gradient_monitor=None,
    ):
        super().__init__()
        self._tb = _tensorboard()
        if update_freq not in ("epoch", "batch") and not (
            isinstance(update_freq, int) and update_freq > 0
        ):
            raise ValueError(
                f"TensorBoard: update_freq must be 'epoch', 'batch' or a positive int, got "
                f"{update_freq!r}"
            )
        for name, value in (
            ("histogram_freq", histogram_freq),
            ("embeddings_freq", embeddings_freq),
        ):
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"TensorBoard: {name} must be an int >= 0, got {value!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        if gradient_monitor is not None and not hasattr(gradient_monitor, "records"):
            raise TypeError(
                "TensorBoard: gradient_monitor must be a glassnet.inspect.GradientMonitor, got "
                f"{type(gradient_monitor).__name__}"
            )
        self._monitor = gradient_monitor
        self._runs = {}
        self._global_train_batch = 0
        self._records_written = 0

    # -- runs ----------------------------------------------------------------------------------
    def _run(self, name):
        if name not in self._runs:
            self._runs[name] = _Run(self._tb, os.path.join(self.log_dir, name))
        return self._runs[name]

    def _close(self):
        for run in self._runs.values():
            run.close()
        self._runs = {}

    def set_model(self, model):
        super().set_model(model)
        self._close()
        if self._monitor is not None:
            self._monitor.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        if self._monitor is not None:
            self._monitor.set_params(params)

    # -- training ------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._records_written = len(self._monitor.records) if self._monitor is not None else 0
        if self._monitor is not None:
            self._monitor.on_train_begin(logs)
        if self.write_graph:
            self._run("train").graph(model_graph_def(self.model, self._tb))
            self._run("train").flush()
        if self.embeddings_freq:
            self._configure_embeddings()

    def on_train_end(self, logs=None):
        if self._monitor is not None:
            self._monitor.on_train_end(logs)
        self._close()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()
        self._epoch_first_batch = self._global_train_batch

    def on_train_batch_begin(self, batch, logs=None):
        self._global_train_batch += 1
        self._batch_start = time.perf_counter()
        if self._monitor is not None:
            self._monitor.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        step = self._global_train_batch
        if self._monitor is not None:
            recorded = len(self._monitor.records)
            self._monitor.on_train_batch_end(batch, logs)
            if len(self._monitor.records) > recorded:
                self._write_gradient_figures(step)
        if self.update_freq == "epoch" or step % self.update_freq:
            return
        run = self._run("train")
        if self.write_steps_per_second:
            elapsed = time.perf_counter() - self._batch_start
            run.scalar("batch_steps_per_second", 1.0 / max(elapsed, 1e-9), step)
        for name, value in (logs or {}).items():
            if np.ndim(value) == 0:
                run.scalar(f"batch_{name}", value, step)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        train_logs.update(self._learning_rates())
        if self.write_steps_per_second:
            steps = self._global_train_batch - self._epoch_first_batch
            elapsed = time.perf_counter() - self._epoch_start
            train_logs["steps_per_second"] = steps / max(elapsed, 1e-9)
        for run_name, run_logs in (("train", train_logs), ("validation", val_logs)):
            if not run_logs:
                continue
            run = self._run(run_name)
            for name, value in run_logs.items():
                if np.ndim(value) == 0:
                    run.scalar(f"epoch_{name}", value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_weights(epoch)
        if self.embeddings_freq and epoch % self.embeddings_freq == 0:
            self.model.save_weights(
                os.path.join(self.log_dir, "train", f"keras_embedding.ckpt-{epoch}.weights.h5")
            )
        for run in self._runs.values():
            run.flush()

    def on_test_end(self, logs=None):
        # evaluate() on its own is not training: Keras logs it against the optimizer's steps
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not logs:
            return
        run = self._run("validation")
        for name, value in logs.items():
            if np.ndim(value) == 0:
                run.scalar(f"evaluation_{name}_vs_iterations", value, int(optimizer.iterations))
        run.flush()

    # -- what is written -----------------------------------------------------------------------
    def _learning_rates(self):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return {}
        optimizers = getattr(optimizer, "optimizers", None)
        if optimizers:
            return {
                f"learning_rate_{opt.name}": float(np.asarray(opt.learning_rate))
                for opt in optimizers
            }
        try:
            return {"learning_rate": float(np.asarray(optimizer.learning_rate))}
        except (TypeError, ValueError):
            return {}

    def _write_weights(self, epoch):
        run = self._run("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                run.histogram(f"{name}/histogram", weight.data, epoch)
                if self.write_images:
                    picture = weight_image(weight.data)
                    if picture is not None:
                        run.image(f"{name}/image", picture, epoch)

    def _write_gradient_figures(self, step):
        records = self._monitor.records[self._records_written :]
        self._records_written = len(self._monitor.records)
        if not records:
            return
        run = self._run("train")
        for record in records:
            for figure in ("grad_norm", "grad_rms", "weight_norm", "update_ratio"):
                value = record.get(figure)
                if value is not None and np.isfinite(value):
                    run.scalar(f"gradients/{record['layer']}/{figure}", value, step)
        for variable in self.model.trainable_weights:
            if getattr(variable, "grad", None) is not None:
                run.histogram(f"{variable.path.replace(':', '_')}/gradient", variable.grad, step)

    def _configure_embeddings(self):
        lines = []
        for layer in self.model.layers:
            if getattr(layer, "embeddings", None) is None:  # Embedding and its kin
                continue
            lines += ["embeddings {", f'  tensor_name: "{layer.name}/.ATTRIBUTES/VARIABLE_VALUE"']
            metadata = self.embeddings_metadata
            if isinstance(metadata, dict):
                metadata = metadata.get(layer.name)
            if metadata is not None:
                lines.append(f'  metadata_path: "{metadata}"')
            lines.append("}")
        os.makedirs(self.log_dir, exist_ok=True)
        with open(os.path.join(self.log_dir, "projector_config.pbtxt"), "w") as handle:
            handle.write("\n".join(lines) + ("\n" if lines else ""))


def _graph_of(model):
    """(input tensors, nodes) of a Sequential or functional model; None for a subclassed one."""
    graph = getattr(model, "_functional", None) or model
    if getattr(graph, "_nodes", None) is None or not getattr(graph, "inputs", None):
        return None
    return graph.inputs, graph._nodes


def fused_layers(model):
    """{layer name: fusion rule} for the fusions the model's graph runs (none when fusion is
    switched off).

    Args:
        model: a model; one without ``graph_fusions`` (or not yet built) gives {}.

    Example:

    >>> import glassnet as keras
    >>> dense = keras.layers.Dense(3, activation="relu", name="hidden")
    >>> fused_layers(keras.Sequential([keras.Input((4,)), dense]))
    {'hidden': 'dense_activation'}
    """
    if not is_fusion_enabled() or not hasattr(model, "graph_fusions"):
        return {}
    try:
        fusions = model.graph_fusions()
    except Exception:  # a model that cannot plan yet (not built) shows no fusion
        return {}
    return {name: fusion.rule for fusion in fusions for name in fusion.layers}


def model_graph_def(model, tb=None):
    """The model's graph as a TensorBoard GraphDef: one node per layer (op = its class), an
    input edge per tensor flowing in; fused layers sit under ``fused/<rule>/`` and carry a
    ``fused`` attribute.

    Args:
        model: a Sequential or functional model (a subclassed one gives its layers in a chain).
        tb: the tensorboard modules (imported when None).

    Returns:
        a ``GraphDef`` protocol buffer.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="relu",
    ...                           name="hidden"), keras.layers.Dense(1, name="out")])
    >>> graph = model_graph_def(model)
    >>> [node.name for node in graph.node][1:], [node.op for node in graph.node][1:]
    (['fused/dense_activation/hidden', 'out'], ['Dense', 'Dense'])
    """
    tb = tb or _tensorboard()
    fused = fused_layers(model)
    graph = _graph_of(model)

    def node_name(layer):
        rule = fused.get(layer.name)
        return f"fused/{rule}/{layer.name}" if rule else layer.name

    def attributes(layer, tensors):
        attrs = {
            "class_name": tb["attr"].AttrValue(s=type(layer).__name__.encode()),
            "trainable": tb["attr"].AttrValue(b=bool(getattr(layer, "trainable", True))),
        }
        if tensors:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            attrs["output_shape"] = tb["attr"].AttrValue(s=shapes.encode())
        if layer.name in fused:
            attrs["fused"] = tb["attr"].AttrValue(s=fused[layer.name].encode())
        return attrs

    graph_def = tb["graph"].GraphDef()
    if graph is None:
        previous = None
        for layer in model.layers:
            node = graph_def.node.add(name=node_name(layer), op=type(layer).__name__)
            if previous is not None:
                node.input.append(previous)
            for key, value in attributes(layer, []).items():
                node.attr[key].CopyFrom(value)
            previous = node.name
        return graph_def
    inputs, nodes = graph
    inbound, outputs_of = {}, {}
    for tensor in inputs:
        outputs_of.setdefault(tensor.node.operation, [tensor])
        inbound.setdefault(tensor.node.operation, [])
    for node in nodes:
        outputs_of.setdefault(node.operation, list(node.outputs))
        sources = inbound.setdefault(node.operation, [])
        for tensor in node.inputs:
            if tensor.node is not None and node_name(tensor.node.operation) not in sources:
                sources.append(node_name(tensor.node.operation))
    for layer, sources in inbound.items():
        node = graph_def.node.add(name=node_name(layer), op=type(layer).__name__)
        node.input.extend(sources)
        for key, value in attributes(layer, outputs_of.get(layer)).items():
            node.attr[key].CopyFrom(value)
    return graph_def
