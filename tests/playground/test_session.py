"""A playground session: training as fit trains, frames, traces, export, taking turns.

The tests touch glassnet themselves only while the session's training thread is idle (glassnet's
training mode and no_grad switch are process-wide)."""

import base64
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from glassnet import inspect as glass_inspect
from glassnet.playground import data as data_module
from glassnet.playground.session import GRID, Session
from glassnet.playground.settings import build_model

SMALL = {"data": {"name": "spirals", "samples": 120}, "hidden": [5, 3]}


@pytest.fixture
def session_factory():
    sessions = []

    def make(config=None):
        session = Session(config if config is not None else SMALL)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


def _reference(session, epochs):
    """The model the exported program makes: build it, then fit for ``epochs`` epochs."""
    model = build_model(session.config, len(session.config["features"]))
    if epochs:
        model.fit(
            session.data.x_train,
            session.data.y_train,
            batch_size=session.config["batch_size"],
            epochs=epochs,
            verbose=0,
        )
    return model


def _assert_same_weights(model, reference):
    for ours, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_each_step_is_one_epoch_of_fit(session_factory):
    session = session_factory()
    for epochs in (1, 2):
        assert session.control("step")["action"] == "step"
        frame = session.wait_settled(timeout=30)
        assert (frame["epoch"], frame["step"], frame["playing"], frame["busy"]) == (
            epochs,
            0,
            False,
            False,
        )
        _assert_same_weights(session.model, _reference(session, epochs))


def test_pause_waits_for_the_end_of_the_epoch(session_factory):
    session = session_factory()
    frame_number = session.state()["frame"]
    session.control("play")
    while True:
        frame = json.loads(session.wait_frame(frame_number, timeout=30))
        frame_number = frame["frame"]
        assert frame["playing"] and frame["busy"]
        if frame["epoch"] >= 3:
            break
    session.control("pause")
    frame = session.wait_settled(timeout=30)
    assert frame["step"] == 0 and not frame["playing"] and not frame["busy"]
    assert session.epoch == frame["epoch"] >= 3
    _assert_same_weights(session.model, _reference(session, frame["epoch"]))


def test_a_frame_shows_the_model_as_it_is(session_factory):
    session = session_factory({**SMALL, "features": ["x1", "x2", "x1*x2"]})
    session.control("step")
    frame = session.wait_settled(timeout=30)
    model = session.model
    dense = [layer for layer in model.layers]
    assert frame["layers"] == ["hidden_1", "hidden_2", "output"]
    for layer, kernel, bias in zip(dense, frame["weights"], frame["biases"]):
        np.testing.assert_array_equal(np.array(kernel, dtype=np.float32), layer.kernel.data)
        np.testing.assert_array_equal(np.array(bias, dtype=np.float32), layer.bias.data)
    loss, accuracy = model.evaluate(session.data.x_test, session.data.y_test, verbose=0)
    assert frame["test"]["loss"] == pytest.approx(loss, rel=1e-6)
    assert frame["test"]["accuracy"] == pytest.approx(accuracy, abs=1e-7)
    assert frame["losses"]["x"] == [0, 1] and len(frame["losses"]["test_loss"]) == 2

    # the boundary: the model's probability on the grid of cell centres, row 0 at the top
    centres = (np.arange(GRID) + 0.5) / GRID * 12 - 6
    x1, x2 = np.meshgrid(centres, centres[::-1])
    grid = np.stack([x1.ravel(), x2.ravel()], axis=1)
    probability = model.predict(
        data_module.input_features(grid, session.config["features"]), verbose=0
    )
    boundary = np.frombuffer(base64.b64decode(frame["boundary"]), dtype=np.uint8)
    assert boundary.shape == (GRID * GRID,)
    np.testing.assert_array_equal(boundary, np.round(probability[:, 0] * 255).astype(np.uint8))

    # thumbnails: 3 inputs, 5 and 3 hidden neurons, every second cell, [-1, 1] -> 0..255
    assert [len(column) for column in frame["neurons"]] == [3, 5, 3]
    hidden = model.layers[0](data_module.input_features(grid, session.config["features"])).data
    expected = np.round((np.clip(hidden.reshape(GRID, GRID, 5)[::2, ::2, 4], -1, 1) + 1) * 127.5)
    picture = np.frombuffer(base64.b64decode(frame["neurons"][1][4]), dtype=np.uint8)
    np.testing.assert_array_equal(picture, expected.astype(np.uint8).ravel())


def test_gradient_norms_and_the_monitors_warnings_reach_the_frame(session_factory):
    session = session_factory(
        {
            "data": {"name": "xor", "samples": 100},
            "hidden": [16] * 6,
            "activation": "sigmoid",
            "optimizer": "sgd",
            "learning_rate": 0.01,
        }
    )
    session.control("step")
    frame = session.wait_settled(timeout=30)
    norms = frame["gradient_norms"]
    assert sorted(norms) == sorted(["x", *frame["layers"]])
    first = [norms[name][0] for name in frame["layers"]]
    assert all(value > 0 for value in first)
    assert first[0] < first[-1] / 100  # six sigmoid layers: the gradient fades towards the input
    kinds = {(problem["kind"], problem["layer"]) for problem in frame["problems"]}
    assert ("vanishing", "hidden_1") in kinds
    assert all(problem["message"].startswith("Layer ") for problem in frame["problems"])


def test_a_trace_is_inspect_trace_and_changes_nothing(session_factory):
    session = session_factory()
    session.control("step")
    session.wait_settled(timeout=30)
    before = [w.copy() for w in session.model.get_weights()]
    result = session.trace_point("test", 7)
    row = session.data.test[7]
    assert result["point"] == session.data.points[row].tolist()
    assert result["label"] == int(session.data.labels[row])
    x = data_module.input_features(session.data.points[row : row + 1], ["x1", "x2"])
    y = session.data.labels[row : row + 1].astype("float32")[:, None]
    expected = glass_inspect.trace(session.model, x, y)
    assert result["text"] == str(expected)
    assert result["trace"] == json.loads(json.dumps(expected.to_dict()))
    kernel_gradient = expected.layers[0].gradients["kernel"]
    assert result["shown"]["layers"][0]["gradients"]["kernel"] == [
        [f"{value:.4g}" for value in row] for row in kernel_gradient.tolist()
    ]
    for weight, old in zip(session.model.get_weights(), before):
        np.testing.assert_array_equal(weight, old)


@pytest.mark.parametrize(
    "split, index, message",
    [
        ("validation", 0, "split: choose train or test"),
        ("train", 60, "the train part has 60 points, got index 60"),
        ("train", -1, "got index -1"),
        ("train", "3", "index: expected a whole number"),
        ("train", True, "index: expected a whole number"),
    ],
)
def test_a_trace_of_a_point_that_is_not_there(session_factory, split, index, message):
    session = session_factory()
    with pytest.raises(ValueError, match=message):
        session.trace_point(split, index)


def test_reset_and_new_settings_start_again(session_factory):
    session = session_factory()
    session.control("step")
    session.wait_settled(timeout=30)
    session.control("reset")
    frame = session.wait_settled(timeout=30)
    assert frame["epoch"] == 0 and frame["losses"]["x"] == [0]
    _assert_same_weights(session.model, _reference(session, 0))

    version = session.state()["config_version"]
    state = session.update_config({"hidden": [2], "data": {"name": "moons"}})
    assert state["config_version"] == version + 1
    assert state["layers"] == ["hidden_1", "output"]
    assert len(state["points"]["train"]) + len(state["points"]["test"]) == 120
    with pytest.raises(ValueError, match="hidden: at most 6 hidden layers"):
        session.update_config({"hidden": [1] * 7})
    with pytest.raises(ValueError, match="upload a CSV file first"):
        session.update_config({"data": {"name": "csv"}})
    assert session.config["hidden"] == [2]
    with pytest.raises(ValueError, match="action: choose play, pause, step or reset"):
        session.control("rewind")


def test_a_reader_gets_the_model_in_the_middle_of_a_long_epoch(session_factory):
    session = session_factory(
        {
            "data": {"name": "circles", "samples": 2000, "test_percent": 10},
            "hidden": [16] * 6,
            "batch_size": 1,
        }
    )
    first = session.state()["frame"]
    session.control("play")
    frame = json.loads(session.wait_frame(first, timeout=30))
    assert frame["epoch"] == 0 and 0 < frame["step"] < frame["steps_per_epoch"] == 1800
    result = session.trace_point("train", 0)
    assert result["epoch"] == 0 and result["step"] > 0  # served between two batches
    session.update_config({"hidden": [3]})  # stops the epoch in progress
    frame = session.wait_settled(timeout=30)
    assert frame["epoch"] == 0 and frame["step"] == 0 and frame["layers"] == ["hidden_1", "output"]


def _run_program(text, tmp_path):
    path = tmp_path / "playground.py"
    path.write_text(text)
    completed = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert completed.returncode == 0, completed.stderr
    match = re.search(r"test loss ([\d.]+), test accuracy ([\d.]+)", completed.stdout)
    return float(match.group(1)), float(match.group(2))


def test_the_exported_program_makes_the_same_model(session_factory, tmp_path):
    config = {
        "data": {"name": "circles", "samples": 150, "noise": 10, "test_percent": 40, "seed": 3},
        "features": ["x1", "x2", "x1^2", "sin(x2)"],
        "hidden": [6, 4],
        "activation": "relu",
        "initializer": "he_uniform",
        "regularization": "l2",
        "regularization_rate": 0.001,
        "dropout": 0.1,
        "optimizer": "sgd",
        "learning_rate": 0.05,
        "batch_size": 7,
        "seed": 11,
    }
    session = session_factory(config)
    for _ in range(3):
        session.control("step")
        frame = session.wait_settled(timeout=30)
    text = session.export_program()
    assert "epochs=3" in text and "keras.regularizers.L2(0.001)" in text
    assert "keras.layers.Dropout(0.1" in text and "keras.optimizers.SGD(learning_rate=0.05)" in text
    loss, accuracy = _run_program(text, tmp_path)
    assert loss == round(frame["test"]["loss"], 4)
    assert accuracy == round(frame["test"]["accuracy"], 4)


def test_an_uploaded_csv_trains_and_exports(session_factory, tmp_path):
    rng = np.random.default_rng(0)
    raw = rng.normal(size=(80, 2)) * [100, 0.01] + [1000, 5]
    kinds = np.where(raw[:, 0] > 1000, "big", "small")
    text = "a,b,kind\n" + "".join(f"{a!r},{b!r},{k}\n" for (a, b), k in zip(raw.tolist(), kinds))
    session = session_factory()
    state = session.upload_csv(text)
    assert state["config"]["data"]["name"] == "csv" and state["csv_classes"] == ["big", "small"]
    points = np.array(state["points"]["train"] + state["points"]["test"])
    assert len(points) == 80 and np.abs(points[:, :2]).max() == pytest.approx(5)
    session.control("step")
    frame = session.wait_settled(timeout=30)
    loss, accuracy = _run_program(session.export_program(), tmp_path)
    assert loss == round(frame["test"]["loss"], 4)
    assert accuracy == round(frame["test"]["accuracy"], 4)
    with pytest.raises(ValueError, match="exactly two distinct values"):
        session.upload_csv("1,2,a\n" * 10)
    assert session.state()["csv_classes"] == ["big", "small"]  # the old table stays
