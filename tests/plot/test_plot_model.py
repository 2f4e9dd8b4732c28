"""plot_model and model_to_dot: every layer and edge of a functional graph in the DOT text,
fused layers marked, and a PNG drawn by Graphviz where it is installed."""

import re
import shutil

import numpy as np
import pytest

import glassnet as keras
from glassnet import utils

pydot = pytest.importorskip("pydot")


def two_input_model():
    a, b = keras.Input((4,), name="left"), keras.Input((4,), name="right")
    shared = keras.layers.Dense(3, activation="relu", name="shared")
    merged = keras.layers.Concatenate(name="merge")([shared(a), shared(b)])
    head = keras.layers.Dense(1, activation="sigmoid", name="head")(merged)
    return keras.Model([a, b], head, name="siamese")


def edges_of(dot_text):
    return set(re.findall(r'"?([\w/]+)"? -> "?([\w/]+)"?;', dot_text))


def boxes_of(dot_text):
    return dict(re.findall(r'^"?([\w/]+)"? \[label="([^"]*)"', dot_text, flags=re.M))


def test_dot_names_every_layer_and_edge_of_a_shared_layer_graph():
    model = two_input_model()
    text = utils.model_to_dot(model, show_shapes=True, show_layer_activations=True).to_string()
    boxes = boxes_of(text)
    assert set(boxes) == {"left", "right", "shared", "merge", "head"}  # the shared layer once
    assert edges_of(text) == {
        ("left", "shared"),
        ("right", "shared"),
        ("shared", "merge"),
        ("merge", "head"),
    }
    assert boxes["shared"].split("\\n") == [
        "shared (Dense)",
        "Output shape: (None, 3)",
        "Activation: relu",
        "Fused: dense_activation",
    ]
    assert boxes["merge"].split("\\n") == ["merge (Concatenate)", "Output shape: (None, 6)"]
    assert boxes["left"] == "left (InputLayer)\\nOutput shape: (None, 4)"
    # the fused layer is filled, the others are not
    assert re.search(r'"?shared"? \[[^]]*fillcolor="#ffcc80"', text)
    assert not re.search(r'"?merge"? \[[^]]*fillcolor="#ffcc80"', text)


def test_fusion_off_leaves_no_layer_marked():
    model = two_input_model()
    with keras.config.fusion_disabled():
        text = utils.model_to_dot(model).to_string()
    assert "Fused" not in text and "#ffcc80" not in text


def test_label_options():
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, name="d"), keras.layers.Dense(1, name="e")]
    )
    model.layers[1].trainable = False
    text = utils.model_to_dot(
        model, show_layer_names=False, show_dtype=True, show_trainable=True, rankdir="LR"
    ).to_string()
    boxes = boxes_of(text)
    assert boxes["e"] == "Dense\\nOutput dtype: float32\\nTrainable: no"
    assert boxes["d"] == "Dense\\nOutput dtype: float32\\nTrainable: yes"
    assert "rankdir=LR" in text
    with pytest.raises(ValueError, match="rankdir"):
        utils.model_to_dot(model, rankdir="sideways")


def test_expand_nested_draws_a_cluster_wired_input_to_input():
    inner = two_input_model()
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    outer = keras.Model([a, b], keras.layers.Dense(2, name="top")(inner([a, b])))
    text = utils.model_to_dot(outer, expand_nested=True).to_string()
    assert "subgraph cluster_siamese" in text
    assert edges_of(text) >= {
        ("a", "siamese/left"),
        ("b", "siamese/right"),
        ("siamese/head", "top"),
    }
    assert ("a", "siamese/right") not in edges_of(text)
    flat = utils.model_to_dot(outer).to_string()
    assert edges_of(flat) == {("a", "siamese"), ("b", "siamese"), ("siamese", "top")}


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_plot_model_writes_a_png(tmp_path):
    path = tmp_path / "model.png"
    utils.plot_model(two_input_model(), to_file=path, show_shapes=True)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = np.frombuffer(data[16:24], dtype=">u4")
    assert width > 100 and height > 200  # five boxes stacked in four ranks


def test_plot_model_dot_file_needs_no_graphviz(tmp_path):
    path = tmp_path / "model.dot"
    utils.plot_model(two_input_model(), to_file=path)
    assert path.read_text().startswith("digraph")


def test_missing_graphviz_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ImportError, match="apt-get install graphviz"):
        utils.plot_model(two_input_model(), to_file=tmp_path / "m.png")


def test_missing_pydot_is_named(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pydot(name, *args, **kwargs):
        if name == "pydot":
            raise ImportError("no pydot")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pydot)
    with pytest.raises(ImportError, match="pip install pydot"):
        utils.model_to_dot(two_input_model())
