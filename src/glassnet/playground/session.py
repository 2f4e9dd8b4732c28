"""One playground session: the settings, the data, the glassnet model, the thread that trains it
and the frames it publishes for the page.

The training thread trains with ``model.fit(..., epochs=1)``, one epoch per call, with a
``GradientMonitor`` and a callback that publishes a frame about every ``FRAME_INTERVAL``
seconds: the epoch, the losses, the decision boundary and every neuron's output over the plane,
the weights, the gradient norms and the monitor's warnings. Pausing finishes the epoch in
progress, so the page's model is always the one the exported program's
``model.fit(..., epochs=N)`` makes.

Everything that touches glassnet (training, frames, traces, saving) holds the session's model
lock, because glassnet's training mode and fusion switch are process-wide; between two batches
the training thread lets a waiting reader (a trace, a download) have it.

Example:

>>> import json
>>> from glassnet.playground.session import Session
>>> session = Session({"data": {"name": "xor", "samples": 100}, "hidden": [3]})
>>> session.control("step")["action"]
'step'
>>> frame = session.wait_settled(timeout=10)
>>> frame["epoch"], frame["playing"], len(frame["weights"])
(1, False, 2)
>>> session.close()
"""

import base64
import contextlib
import copy
import json
import math
import sys
import threading
import time
import traceback

import numpy as np

from glassnet import metrics
from glassnet.autograd.grad_mode import no_grad
from glassnet.callbacks import Callback
from glassnet.inspect import GradientMonitor, trace
from glassnet.inspect.trace import SIGNIFICANT_DIGITS
from glassnet.playground import data as data_module
from glassnet.playground.export import program
from glassnet.playground.settings import DEFAULT_CONFIG, build_model, merge_config, options

FRAME_INTERVAL = 0.05  # seconds of training between two frames
GRID = 64  # the decision boundary is computed on GRID x GRID cells of the plane
THUMBNAIL_STRIDE = 2  # neuron thumbnails take every second cell: 32 x 32
MAX_CURVE_POINTS = 600  # longer loss and gradient curves are thinned to every second point
MONITOR_EVERY = 5  # GradientMonitor records every this many steps


def json_bytes(value):
    """``value`` as UTF-8 JSON, with NaN and infinities written as null (JSON has neither).

    Args:
        value: JSON-compatible data (dicts, lists, numbers, strings, None).

    Example:

    >>> from glassnet.playground.session import json_bytes
    >>> json_bytes({"loss": float("nan"), "epoch": [1, 2.5]})
    b'{"loss":null,"epoch":[1,2.5]}'
    """
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except ValueError:
        return json.dumps(_finite(value), separators=(",", ":")).encode("utf-8")


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


class Curve:
    """Points (x, values...) that stay at most ``MAX_CURVE_POINTS`` long by dropping every second
    point when full (the curve keeps its shape, with coarser steps in the past).

    Args:
        names: the names of the values each point has besides x.

    Example:

    >>> from glassnet.playground.session import MAX_CURVE_POINTS, Curve
    >>> curve = Curve(["loss"])
    >>> for step in range(MAX_CURVE_POINTS + 1):
    ...     curve.append(step, [1 / (step + 1)])
    >>> columns = curve.to_dict()
    >>> len(columns["x"]), columns["x"][:3], columns["x"][-1]
    (301, [0, 2, 4], 600)
    """

    def __init__(self, names):
        self.names = list(names)
        self.columns = {name: [] for name in ["x", *self.names]}

    def append(self, x, values):
        """Add one point: x and one value per name."""
        self.columns["x"].append(x)
        for name, value in zip(self.names, values):
            self.columns[name].append(value)
        if len(self.columns["x"]) > MAX_CURVE_POINTS:
            for name, column in self.columns.items():
                self.columns[name] = column[-1::-2][::-1]

    def to_dict(self):
        """The columns as lists."""
        return {name: list(column) for name, column in self.columns.items()}


class Session:
    """The state behind one page: settings, data, model, training thread and frames.

    Args:
        config: settings to start from (merged into ``DEFAULT_CONFIG``); they are checked.

    Example:

    >>> session = Session()
    >>> session.state()["config"]["data"]["name"]
    'circles'
    >>> session.export_program().lstrip('"').startswith("A network trained in the glassnet")
    True
    >>> session.close()
    """

    def __init__(self, config=None):
        self._model_lock = threading.RLock()
        self._control = threading.Condition()  # guards the four fields below
        self._target = None  # None: paused; an epoch number to reach; math.inf: playing
        self._closing = False
        self._interrupt = False  # a reset is waiting: stop the epoch in progress
        self._readers = 0  # threads waiting for the model lock to read
        self._frames = threading.Condition()  # guards the frame fields
        self._frame_id = 0
        self._frame_bytes = None
        self._settled = True  # the newest frame shows the model at rest (not training)
        self._config_version = 0
        self._in_epoch = False  # the training thread is inside fit
        self._fitting = None  # the model that fit is training
        self._watcher = _Watcher(self)
        self.table = None
        self.config = merge_config(DEFAULT_CONFIG, config or {})
        with self._model_lock:
            self._rebuild()
            self._publish()
        self._thread = threading.Thread(target=self._run, name="glassnet-playground", daemon=True)
        self._thread.start()

    # -- what the page asks for -------------------------------------------------------------------
    def state(self):
        """Settings, options, points and progress: what the page needs to draw itself."""
        with self._reading():
            points, labels = self.data.points, self.data.labels
            return {
                "config": copy.deepcopy(self.config),
                "config_version": self._config_version,
                "options": options(GRID, GRID // THUMBNAIL_STRIDE),
                "csv_classes": None if self.table is None else self.table.classes,
                "points": {
                    split: [[*points[i].tolist(), int(labels[i])] for i in indices]
                    for split, indices in (("train", self.data.train), ("test", self.data.test))
                },
                "layers": [layer.name for layer in self._dense_layers()],
                "epoch": self.epoch,
                "frame": self._frame_id,
            }

    def update_config(self, changes):
        """Apply changed settings; training stops and starts again from epoch 0.

        Args:
            changes: a dict of settings to change (see ``merge_config``).

        Returns:
            the new ``state()``.
        """
        config = merge_config(self.config, changes)
        if config["data"]["name"] == "csv" and self.table is None:
            raise ValueError("data.name: upload a CSV file first")
        with self._rebuilding():
            previous, self.config = self.config, config
            try:
                self._rebuild()
            except Exception:
                self.config = previous
                self._rebuild()
                raise
            self._config_version += 1
        return self.state()

    def upload_csv(self, text):
        """Use an uploaded CSV as the data (see ``data.parse_csv``); returns the new state."""
        table = data_module.parse_csv(text)
        config = merge_config(self.config, {"data": {"name": "csv"}})
        with self._rebuilding():
            self.table, self.config = table, config
            self._rebuild()
            self._config_version += 1
        return self.state()

    def control(self, action):
        """play; pause (after the epoch in progress); step (train one epoch); reset (new
        weights from the seed, epoch 0).

        Returns:
            {"action", "epoch", "playing"}.
        """
        if action == "play":
            self._set_target(math.inf)
        elif action == "pause":
            self._set_target(None)
        elif action == "step":
            with self._control:
                if self._target is None:
                    self._target = self.epoch + 1
                self._control.notify_all()
            self._unsettle()
        elif action == "reset":
            with self._rebuilding():
                self._rebuild()
        else:
            raise ValueError(f"action: choose play, pause, step or reset, got {action!r}")
        return {"action": action, "epoch": self.epoch, "playing": self._target == math.inf}

    def wait_frame(self, after, timeout):
        """The newest frame as JSON bytes once its number differs from ``after``; None when
        ``timeout`` seconds pass first (or the session closes)."""
        with self._frames:
            self._frames.wait_for(lambda: self._frame_id != after or self._closing, timeout=timeout)
            if self._frame_id == after or self._closing:
                return None
            return self._frame_bytes

    def wait_settled(self, timeout):
        """The newest frame (a dict) once training has stopped (paused, or a step finished).

        Raises:
            TimeoutError: when training is still going after ``timeout`` seconds.
        """
        with self._frames:
            if not self._frames.wait_for(lambda: self._settled or self._closing, timeout=timeout):
                raise TimeoutError(f"the playground was still training after {timeout} s")
            return json.loads(self._frame_bytes)

    def trace_point(self, split, index):
        """One training step for one point, every value recorded (``inspect.trace``), for the
        model as it is now; the model does not change.

        Args:
            split: "train" or "test".
            index: position of the point in that part (as in ``state()["points"][split]``).

        Returns:
            dict: the point, its label and input features, the epoch and step, the trace as data
            and as the text ``print(trace)`` shows.
        """
        if split not in ("train", "test"):
            raise ValueError(f"split: choose train or test, got {split!r}")
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValueError(f"index: expected a whole number, got {index!r}")
        with self._reading():
            indices = self.data.train if split == "train" else self.data.test
            if not 0 <= index < len(indices):
                raise ValueError(
                    f"index: the {split} part has {len(indices)} points, got index {index}"
                )
            row = indices[index]
            point = self.data.points[row : row + 1]
            x = data_module.input_features(point, self.config["features"])
            y = self.data.labels[row : row + 1].astype("float32")[:, None]
            with np.errstate(all="ignore"):
                result = trace(self.model, x, y)
            return {
                "split": split,
                "index": index,
                "point": point[0].tolist(),
                "label": int(self.data.labels[row]),
                "features": list(self.config["features"]),
                "epoch": self.epoch,
                "step": self.step,
                "trace": result.to_dict(),
                "shown": _as_text(result.to_dict()),
                "text": str(result),
            }

    def save_model(self, path):
        """Write the model as it is now to ``path`` (.glassnet or .keras)."""
        with self._reading():
            self.model.save(str(path))

    def export_program(self):
        """The Python program that builds and trains this network (see ``export.program``)."""
        with self._reading():
            return program(self.config, self.epoch, self.table)

    def close(self):
        """Stop the training thread and wake everyone waiting for a frame."""
        with self._control:
            self._closing = True
            self._control.notify_all()
        with self._frames:
            self._frames.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    # -- taking turns with the training thread ---------------------------------------------------
    @contextlib.contextmanager
    def _reading(self):
        """Hold the model lock to read; the training thread lets go of it between two batches."""
        with self._control:
            self._readers += 1
        try:
            self._model_lock.acquire()
        finally:
            with self._control:
                self._readers -= 1
                self._control.notify_all()
        try:
            yield
        finally:
            self._model_lock.release()

    @contextlib.contextmanager
    def _rebuilding(self):
        """Stop training (the epoch in progress too), hold the model lock, publish afterwards."""
        with self._control:
            self._target, self._interrupt = None, True
            self._control.notify_all()
        try:
            with self._model_lock:
                yield
                self._publish()
        finally:
            with self._control:
                self._interrupt = False

    def _set_target(self, target):
        with self._control:
            self._target = target
            self._control.notify_all()
        if target is not None:
            self._unsettle()

    def _unsettle(self):
        with self._frames:
            self._settled = False

    def _has_work(self):
        return (
            self._target is not None
            and self.epoch < self._target
            and not (self._interrupt or self._closing)
        )

    # -- the training thread --------------------------------------------------------------------
    def _run(self):
        while True:
            with self._control:
                self._control.wait_for(
                    lambda: self._closing or (self._has_work() and not self._readers)
                )
                if self._closing:
                    return
            with self._model_lock:
                try:
                    self._train_epoch()
                except Exception as error:  # shown on the page; the server keeps running
                    traceback.print_exc(file=sys.stderr)
                    self._set_target(None)
                    self.message = f"training stopped: {type(error).__name__}: {error}"
                with self._control:
                    if self._target is not None and self.epoch >= self._target:
                        self._target = None
                    done = not self._has_work()
                if done or time.perf_counter() - self._last_frame_time >= FRAME_INTERVAL:
                    self._publish()

    def _train_epoch(self):
        """One epoch with ``fit``; the watcher callback publishes frames during it."""
        model = self._fitting = self.model
        self._in_epoch = True
        try:
            with np.errstate(all="ignore"):
                model.fit(
                    self.data.x_train,
                    self.data.y_train,
                    batch_size=self.config["batch_size"],
                    epochs=1,
                    verbose=0,
                    callbacks=[self._monitor, self._watcher],
                )
        finally:
            self._in_epoch = False
        if model is self.model and self.step == self._steps_per_epoch():
            self.epoch, self.step = self.epoch + 1, 0

    def _after_batch(self, batch, logs):
        """Called by the watcher after each training batch, with the model lock held."""
        model = self._fitting
        if model is not self.model or self._interrupt or self._closing:
            model.stop_training = True  # a reset is waiting, or already replaced the model
            return
        self.step = batch + 1
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            self._set_target(None)
            self.message = "training stopped: the loss is no longer a finite number; reset"
            model.stop_training = True
        if time.perf_counter() - self._last_frame_time >= FRAME_INTERVAL:
            self._publish()
        if self._readers:
            self._model_lock.release()
            try:
                with self._control:
                    self._control.wait_for(lambda: not self._readers or self._closing, timeout=5)
            finally:
                self._model_lock.acquire()
            if model is not self.model:
                model.stop_training = True

    # -- building and frames ----------------------------------------------------------------------
    def _rebuild(self):
        self.data = data_module.make_dataset(
            self.config["data"], self.config["features"], self.table
        )
        self.model = build_model(self.config, len(self.config["features"]))
        self._monitor = _SessionMonitor(every=MONITOR_EVERY, warn=False)
        self.epoch, self.step = 0, 0
        self.message = ""
        self.losses = Curve(["train_loss", "test_loss"])
        self.gradient_norms = Curve([layer.name for layer in self._dense_layers()])
        self._last_frame_time = time.perf_counter()
        grid = (np.arange(GRID) + 0.5) / GRID * 2 * data_module.PLANE - data_module.PLANE
        x1, x2 = np.meshgrid(grid, grid[::-1])  # row 0 is the top of the plane
        self._grid_points = np.stack([x1.ravel(), x2.ravel()], axis=1)
        self._grid_features = data_module.input_features(self._grid_points, self.config["features"])

    def _steps_per_epoch(self):
        return -(-len(self.data.x_train) // self.config["batch_size"])

    def _dense_layers(self):
        """The layers with weights: the hidden layers and the output (Dropout has none)."""
        return [layer for layer in self.model.layers if layer.trainable_weights]

    def _loss_and_accuracy(self, x, y):
        """The compiled loss (with the weight penalties, as ``evaluate`` reports it) and the
        accuracy, computed without touching the metrics ``fit`` is accumulating."""
        with no_grad(), np.errstate(all="ignore"):
            y_pred = self.model(x, training=False)
            loss = self.model.compute_loss(x, y, y_pred, training=False)
            accuracy = metrics.binary_accuracy(y, y_pred.data)
        return float(loss.data), float(np.mean(accuracy))

    def _publish(self):
        """Build the frame for the model as it is now and wake the pages waiting for it."""
        train_loss, train_accuracy = self._loss_and_accuracy(self.data.x_train, self.data.y_train)
        test_loss, test_accuracy = self._loss_and_accuracy(self.data.x_test, self.data.y_test)
        steps_per_epoch = self._steps_per_epoch()
        progress = self.epoch + self.step / steps_per_epoch
        columns = self.losses.columns["x"]
        if not columns or columns[-1] != progress:
            self.losses.append(progress, [train_loss, test_loss])
        self._record_gradients(progress)
        neurons, boundary = self._plane_outputs()
        dense = self._dense_layers()
        frame = {
            "config_version": self._config_version,
            "epoch": self.epoch,
            "step": self.step,
            "steps_per_epoch": steps_per_epoch,
            "playing": self._target == math.inf,
            "busy": self._target is not None or self._in_epoch,
            "train": {"loss": train_loss, "accuracy": train_accuracy},
            "test": {"loss": test_loss, "accuracy": test_accuracy},
            "losses": self.losses.to_dict(),
            "gradient_norms": self.gradient_norms.to_dict(),
            "problems": list(self._monitor.problems),
            "layers": [layer.name for layer in dense],
            "weights": [layer.kernel.data.tolist() for layer in dense],
            "biases": [layer.bias.data.tolist() for layer in dense],
            "boundary": boundary,
            "neurons": neurons,
            "message": self.message,
        }
        with self._frames:
            self._frame_id += 1
            frame["frame"] = self._frame_id
            self._frame_bytes = json_bytes(frame)
            self._settled = not frame["busy"]
            self._frames.notify_all()
        self._last_frame_time = time.perf_counter()

    def _record_gradients(self, progress):
        records, self._monitor.records = self._monitor.records, []
        if not records:
            return
        norms = []
        for name in self.gradient_norms.names:
            values = [r["grad_norm"] for r in records if r["layer"] == name]
            norms.append(float(np.mean(values)) if values else None)
        self.gradient_norms.append(progress, norms)

    def _plane_outputs(self):
        """Each neuron's output over the plane (thumbnails) and the model's output (boundary),
        as base64 bytes: thumbnails map [-1, 1] to 0..255 (inputs are first divided by their
        largest magnitude on the plane), the boundary maps the probability 0..1 to 0..255."""
        thumbnails = []
        values = self._grid_features
        scale = np.abs(values).max(axis=0)
        thumbnails.append(_encode_columns(values / np.where(scale > 0, scale, 1)))
        with no_grad(), np.errstate(all="ignore"):
            for layer in self.model.layers:
                values = layer(values, training=False).data
                if layer.trainable_weights and layer.name != "output":
                    thumbnails.append(_encode_columns(values))
        probability = np.nan_to_num(values[:, 0], nan=0.5)
        boundary = np.round(np.clip(probability, 0, 1) * 255).astype(np.uint8)
        return thumbnails, base64.b64encode(boundary.tobytes()).decode("ascii")


def _as_text(value):
    """Every number in the trace's data as ``print(trace)`` writes it (significant digits)."""
    if isinstance(value, dict):
        return {key: _as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_text(item) for item in value]
    if isinstance(value, float):
        return f"{value:.{SIGNIFICANT_DIGITS}g}"
    return value


class _SessionMonitor(GradientMonitor):
    """A GradientMonitor that counts steps across the session's one-epoch ``fit`` calls."""

    def on_train_begin(self, logs=None):
        pass


class _Watcher(Callback):
    """Hands each finished training batch to the session (frames, stop requests, readers)."""

    def __init__(self, session):
        super().__init__()
        self.session = session

    def on_train_batch_end(self, batch, logs=None):
        self.session._after_batch(batch, logs or {})


def _encode_columns(values):
    """Each column of (GRID * GRID, units) values as base64 bytes of a thumbnail."""
    side = GRID // THUMBNAIL_STRIDE
    cells = values.reshape(GRID, GRID, -1)[::THUMBNAIL_STRIDE, ::THUMBNAIL_STRIDE]
    cells = np.nan_to_num(cells.reshape(side * side, -1), nan=0.0)
    levels = np.round((np.clip(cells, -1, 1) + 1) * 127.5).astype(np.uint8)
    return [
        base64.b64encode(levels[:, unit].tobytes()).decode("ascii")
        for unit in range(levels.shape[1])
    ]
