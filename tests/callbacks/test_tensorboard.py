"""TensorBoard: the event files read back with tensorboard's own EventAccumulator hold every
scalar, histogram, image and graph node, at the steps Keras writes them; and the real
TensorBoard server shows the run's loss curve in a headless Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

import glassnet as keras
from glassnet.inspect import GradientMonitor

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)


def read_run(folder):
    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0, "histograms": 0})
    accumulator.Reload()
    return accumulator


def scalars(accumulator, tag):
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def data(n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-1.0], [0.5]], "float32")).astype("float32")


def small_model():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="relu", name="hidden"),
            keras.layers.Dense(1, name="out"),
        ],
        name="net",
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def test_epoch_scalars_in_train_and_validation_runs(tmp_path):
    x, y = data()
    model = small_model()
    board = keras.callbacks.TensorBoard(tmp_path)
    history = model.fit(
        x, y, epochs=3, batch_size=4, verbose=0, validation_data=data(8, 1), callbacks=[board]
    ).history
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train, validation = read_run(tmp_path / "train"), read_run(tmp_path / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_mae", "epoch_learning_rate"}
    # fit's validation runs the callbacks' test hooks, so the evaluation-vs-iterations scalars
    # Keras writes at on_test_end are there too
    assert set(validation.Tags()["scalars"]) == {
        "epoch_loss",
        "epoch_mae",
        "evaluation_loss_vs_iterations",
        "evaluation_mae_vs_iterations",
    }
    for name in ("loss", "mae"):
        steps, values = zip(*scalars(train, f"epoch_{name}"))
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, history[name], rtol=1e-6)
        steps, values = zip(*scalars(validation, f"epoch_{name}"))
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, history[f"val_{name}"], rtol=1e-6)
    assert [v for _, v in scalars(train, "epoch_learning_rate")] == pytest.approx([0.05] * 3)
    assert not train.Tags()["histograms"] and not train.Tags()["images"]


@pytest.mark.parametrize("update_freq, expected_steps", [("batch", range(1, 9)), (3, [3, 6])])
def test_batch_scalars_every_update_freq_batches(tmp_path, update_freq, expected_steps):
    x, y = data()
    batch_logs = []
    record = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batch_logs.append(dict(logs))
    )
    board = keras.callbacks.TensorBoard(
        tmp_path, update_freq=update_freq, write_graph=False, write_steps_per_second=True
    )
    model = small_model()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[record, board])
    train = read_run(tmp_path / "train")
    tags = set(train.Tags()["scalars"])
    assert {"batch_loss", "batch_mae", "batch_steps_per_second"} <= tags
    assert {"epoch_loss", "epoch_steps_per_second"} <= tags
    for name in ("loss", "mae"):
        written = scalars(train, f"batch_{name}")
        assert [step for step, _ in written] == list(expected_steps)
        expected = [batch_logs[step - 1][name] for step in expected_steps]
        np.testing.assert_allclose([v for _, v in written], expected, rtol=1e-6)
    assert all(v > 0 for _, v in scalars(train, "batch_steps_per_second"))


def test_weight_histograms_and_images_every_histogram_freq_epochs(tmp_path):
    x, y = data()
    model = small_model()
    snapshots = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append([w.data.copy() for w in model.weights])
    )
    board = keras.callbacks.TensorBoard(tmp_path, histogram_freq=2, write_images=True)
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[record, board])
    train = read_run(tmp_path / "train")
    paths = [w.path for w in model.weights]
    assert set(train.Tags()["histograms"]) == {f"{p}/histogram" for p in paths}
    # a (1,) bias squeezes to a scalar, which Keras does not draw either
    assert set(train.Tags()["images"]) == {f"{p}/image" for p in paths if p != "out/bias"}
    for index, path in enumerate(paths):
        events = train.Histograms(f"{path}/histogram")
        assert [e.step for e in events] == [0, 2]  # epochs 0 and 2
        for event in events:
            weights = snapshots[event.step][index].astype(np.float64)
            histogram = event.histogram_value
            assert histogram.num == weights.size
            assert histogram.sum == pytest.approx(weights.sum(), rel=1e-6, abs=1e-9)
            assert histogram.min == pytest.approx(weights.min())
            assert histogram.max == pytest.approx(weights.max())
            assert sum(histogram.bucket) == weights.size
    kernel = train.Images(f"{paths[0]}/image")  # hidden kernel (3, 4): 3 rows, 4 columns
    assert [(i.step, i.height, i.width) for i in kernel] == [(0, 3, 4), (2, 3, 4)]
    bias = train.Images(f"{paths[1]}/image")  # a bias is one row
    assert (bias[0].height, bias[0].width) == (1, 4)
    assert bias[0].encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_graph_names_every_layer_and_marks_fused_ones(tmp_path):
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    shared = keras.layers.Dense(2, activation="tanh", name="shared")
    joined = keras.layers.Concatenate(name="join")([shared(a), shared(b)])
    model = keras.Model([a, b], keras.layers.Dense(1, name="head")(joined))
    model.compile("sgd", "mse")
    x = np.ones((4, 3), "float32")
    board = keras.callbacks.TensorBoard(tmp_path)
    model.fit([x, x], np.ones((4, 1), "float32"), epochs=1, verbose=0, callbacks=[board])
    graph = read_run(tmp_path / "train").Graph()
    nodes = {node.name: node for node in graph.node}
    assert set(nodes) == {"a", "b", "fused/dense_activation/shared", "join", "head"}
    fused = nodes["fused/dense_activation/shared"]
    assert (fused.op, fused.attr["fused"].s) == ("Dense", b"dense_activation")
    assert list(fused.input) == ["a", "b"]
    assert list(nodes["join"].input) == ["fused/dense_activation/shared"]
    assert list(nodes["head"].input) == ["join"] and "fused" not in nodes["head"].attr
    assert nodes["join"].attr["output_shape"].s == b"(None, 4)"


def test_gradient_figures_of_the_gradient_monitor(tmp_path):
    x, y = data()
    model = small_model()
    monitor = GradientMonitor(every=3, warn=False)
    grads = {}

    def keep_grads(batch, logs):  # keyed by the global batch number, from 1
        grads[len(grads) + 1] = {w.path: np.array(w.grad) for w in model.trainable_weights}

    board = keras.callbacks.TensorBoard(tmp_path, write_graph=False, gradient_monitor=monitor)
    model.fit(
        x,
        y,
        epochs=2,
        batch_size=4,
        verbose=0,
        callbacks=[board, keras.callbacks.LambdaCallback(on_train_batch_end=keep_grads)],
    )
    train = read_run(tmp_path / "train")
    # the monitor records steps 0, 3, 6 of its own count: global batches 1, 4, 7
    for layer in ("hidden", "out"):
        for figure in ("grad_norm", "grad_rms", "weight_norm", "update_ratio"):
            written = scalars(train, f"gradients/{layer}/{figure}")
            expected = [r[figure] for r in monitor.records if r["layer"] == layer]
            assert [step for step, _ in written] == [1, 4, 7]
            np.testing.assert_allclose([v for _, v in written], expected, rtol=1e-6)
    for weight in model.trainable_weights:
        events = train.Histograms(f"{weight.path}/gradient")
        assert [e.step for e in events] == [1, 4, 7]
        for event in events:
            gradient = grads[event.step][weight.path].astype(np.float64)
            assert event.histogram_value.sum == pytest.approx(gradient.sum(), rel=1e-5, abs=1e-9)
            assert event.histogram_value.num == gradient.size


def test_arguments_are_checked_and_missing_tensorboard_is_named(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="update_freq"):
        keras.callbacks.TensorBoard(tmp_path, update_freq="sometimes")
    with pytest.raises(ValueError, match="histogram_freq"):
        keras.callbacks.TensorBoard(tmp_path, histogram_freq=-1)
    with pytest.raises(TypeError, match="GradientMonitor"):
        keras.callbacks.TensorBoard(tmp_path, gradient_monitor=object())
    import builtins

    real_import = builtins.__import__

    def without_tensorboard(name, *args, **kwargs):
        if name.startswith("tensorboard"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_tensorboard)
    with pytest.raises(ImportError, match=r'pip install "glassnet\[tensorboard\]"'):
        keras.callbacks.TensorBoard(tmp_path)


def test_embeddings_projector_config(tmp_path):
    model = keras.Sequential(
        [
            keras.Input((2,), dtype="int32"),
            keras.layers.Embedding(5, 3, name="words"),
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )
    model.compile("sgd", "mse")
    board = keras.callbacks.TensorBoard(
        tmp_path, embeddings_freq=1, embeddings_metadata={"words": "labels.tsv"}
    )
    model.fit(np.zeros((4, 2), "int32"), np.zeros((4, 1)), epochs=1, verbose=0, callbacks=[board])
    config = (tmp_path / "projector_config.pbtxt").read_text()
    assert 'tensor_name: "words/.ATTRIBUTES/VARIABLE_VALUE"' in config
    assert 'metadata_path: "labels.tsv"' in config
    assert (tmp_path / "train" / "keras_embedding.ckpt-0.weights.h5").exists()


# -- the real TensorBoard, looked at in a browser ------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")
def test_tensorboard_server_shows_the_loss_curve_in_chromium(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    tensorboard_program = shutil.which("tensorboard") or os.path.join(
        os.path.dirname(sys.executable), "tensorboard"
    )
    x, y = data(32)
    model = small_model()
    epochs = 6
    model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=8,
        verbose=0,
        callbacks=[keras.callbacks.TensorBoard(tmp_path / "logs")],
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            tensorboard_program,
            "--logdir",
            str(tmp_path / "logs"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--load_fast",
            "false",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with playwright_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            deadline = time.time() + 60
            while True:  # the server needs a moment to start and read the logs
                try:
                    page.goto(f"http://127.0.0.1:{port}/#timeseries", timeout=10_000)
                    page.wait_for_selector("text=epoch_loss", timeout=10_000)
                    break
                except playwright_api.Error:
                    if time.time() > deadline:
                        raise
                    time.sleep(1)
            body = page.inner_text("body")
            # what the page itself asked the server for: the scalars of the train run
            points = page.evaluate(
                """async () => {
                    const response = await fetch(
                        "data/plugin/scalars/scalars?run=train&tag=epoch_loss");
                    return await response.json();
                }"""
            )
            tags = page.evaluate(
                """async () => (await (await fetch("data/plugin/scalars/tags")).json())"""
            )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    for tag in ("epoch_loss", "epoch_mae", "epoch_learning_rate"):
        assert tag in body
    assert sorted(tags) == ["train"]
    assert sorted(tags["train"]) == ["epoch_learning_rate", "epoch_loss", "epoch_mae"]
    assert [step for _, step, _ in points] == list(range(epochs))
    history = model.history.history["loss"]
    np.testing.assert_allclose([value for _, _, value in points], history, rtol=1e-6)
    print(f"TensorBoard page: tags {sorted(tags['train'])}, epoch_loss points {len(points)}")


def test_weight_image_puts_each_filter_side_by_side_with_a_gap():
    from glassnet.callbacks.tensorboard import weight_image

    kernel = np.stack([np.zeros((2, 2)), np.ones((2, 2)), 2 * np.ones((2, 2))], axis=-1)
    picture = weight_image(kernel)  # (2, 2, 3): three 2x2 filters, scaled to 0..255
    assert picture.shape == (2, 3 * 2 + 2)
    np.testing.assert_array_equal(picture[:, :2], 0)
    np.testing.assert_array_equal(picture[:, 3:5], 128)  # 0.5 * 255, rounded
    np.testing.assert_array_equal(picture[:, 6:], 255)
    np.testing.assert_array_equal(picture[:, [2, 5]], 255)  # the gaps are white


def test_the_graph_is_on_disk_as_soon_as_training_begins(tmp_path, monkeypatch):
    import threading

    from tensorboard.summary.writer import record_writer

    # the writer's thread writes each record late (as on a slow disk): only a flush makes the
    # graph be on disk when on_train_begin returns
    released = threading.Event()
    write = record_writer.RecordWriter.write

    def late_write(self, data):
        released.wait(timeout=0.4)
        return write(self, data)

    monkeypatch.setattr(record_writer.RecordWriter, "write", late_write)
    model = small_model()
    board = keras.callbacks.TensorBoard(tmp_path)
    board.set_model(model)
    board.set_params({"epochs": 1, "steps": 1, "verbose": 0})
    assert board.params == {"epochs": 1, "steps": 1, "verbose": 0}
    board.on_train_begin()
    try:
        graph = read_run(tmp_path / "train").Graph()  # read before training ends
    finally:
        released.set()
    names = {node.name for node in graph.node if node.op != "InputLayer"}
    assert names == {"fused/dense_activation/hidden", "out"}
    board.on_train_end()


def test_steps_per_second_is_steps_over_the_epochs_duration(tmp_path):
    x, y = data()
    board = keras.callbacks.TensorBoard(tmp_path, write_steps_per_second=True)
    small_model().fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[board])
    [(step, rate)] = scalars(read_run(tmp_path / "train"), "epoch_steps_per_second")
    assert step == 0 and 0.5 < rate < 1e7  # 4 steps in well under 8 seconds


def test_an_uncompiled_model_logs_without_a_learning_rate(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    board = keras.callbacks.TensorBoard(tmp_path, write_graph=False)
    board.set_model(model)
    board.on_train_begin()
    board.on_epoch_begin(0)
    board.on_epoch_end(0, {"loss": 0.5})
    board.on_train_end()
    train = read_run(tmp_path / "train")
    assert train.Tags()["scalars"] == ["epoch_loss"]
    assert scalars(train, "epoch_loss") == [(0, 0.5)]


def test_a_subclassed_models_graph_chains_its_layers():
    from glassnet.callbacks.tensorboard import model_graph_def

    class Chain(keras.Model):
        def __init__(self):
            super().__init__()
            self.first = keras.layers.Dense(2, name="first")
            self.second = keras.layers.Dense(1, name="second")

        def call(self, inputs):
            return self.second(self.first(inputs))

    model = Chain()
    model(np.ones((1, 3), "float32"))
    nodes = {node.name: list(node.input) for node in model_graph_def(model).node}
    assert nodes == {"first": [], "second": ["first"]}


def test_fit_leaves_no_event_writer_running(tmp_path):
    import threading

    x, y = data()
    before = set(threading.enumerate())
    small_model().fit(
        x,
        y,
        epochs=1,
        batch_size=8,
        verbose=0,
        validation_data=data(8, 1),
        callbacks=[keras.callbacks.TensorBoard(tmp_path)],
    )
    left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not [t.name for t in left if not t.name.startswith("glassnet-")]
