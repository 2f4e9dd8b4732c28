"""Every plot renders to a non-empty PNG of the expected size."""

import struct

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, plot


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    return struct.unpack(">II", data[16:24])


@pytest.fixture
def trained(tmp_path):
    x = np.random.default_rng(0).standard_normal((60, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x,
        y,
        epochs=3,
        validation_split=0.2,
        verbose=0,
        callbacks=[keras.callbacks.LearningRateScheduler(lambda e, lr: 0.05 / (e + 1))],
    )
    return model, history, x, y


def test_history_plot(tmp_path, trained):
    _, history, _, _ = trained
    figure = plot.plot_history(history, tmp_path / "h.png")
    assert len(figure.axes) == 3  # loss, accuracy, learning rate (it changed)
    assert png_size(tmp_path / "h.png") == (1260, 340)


def test_confusion_matrix_plot(tmp_path):
    figure = plot.plot_confusion_matrix(
        np.array([[5, 1], [2, 7]]), ["cat", "dog"], tmp_path / "c.png"
    )
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert texts == ["5", "1", "2", "7"]
    assert png_size(tmp_path / "c.png") == (500, 400)


def test_decision_boundary_plot(tmp_path, trained):
    model, _, x, y = trained
    plot.plot_decision_boundary(model, x, y, tmp_path / "b.png", resolution=50)
    assert png_size(tmp_path / "b.png") == (500, 450)
    with pytest.raises(ValueError, match=r"needs 2-D points \(n, 2\)"):
        plot.plot_decision_boundary(model, np.zeros((3, 3)), np.zeros(3))


def test_activation_plot_uses_autograd_derivatives(tmp_path):
    y, dy = plot.activation_and_derivative("tanh", np.array([0.0, 1.0]))
    np.testing.assert_allclose(dy, 1 - np.tanh([0.0, 1.0]) ** 2)
    plot.plot_activations(("sigmoid", "relu"), tmp_path / "a.png")
    assert png_size(tmp_path / "a.png") == (1280, 280)


def test_image_grid_and_filters(tmp_path):
    images = np.random.default_rng(0).random((10, 8, 8, 1))
    figure = plot.plot_images(
        images,
        np.arange(10),
        np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 0]),
        path=tmp_path / "i.png",
        columns=5,
    )
    titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
    assert (
        titles[-1] == "0 (true 9)" and sum(ax.title.get_color() == "red" for ax in figure.axes) == 1
    )
    assert png_size(tmp_path / "i.png") == (650, 300)
    conv = layers.Conv2D(6, 3)
    conv(np.zeros((1, 8, 8, 1), dtype="float32"))
    plot.plot_conv_filters(conv, tmp_path / "f.png", columns=3)
    assert png_size(tmp_path / "f.png") == (330, 240)


def test_gradient_flow_plot(tmp_path):
    records = [
        {"step": s, "layer": name, "grad_norm": 10.0**-k / (s + 1)}
        for s in range(5)
        for k, name in enumerate(("a", "b"))
    ]
    figure = plot.plot_gradient_flow(records, tmp_path / "g.png")
    assert [line.get_label() for line in figure.axes[0].lines] == ["a", "b"]
    assert png_size(tmp_path / "g.png") == (700, 400)
    with pytest.raises(ValueError, match="no records"):
        plot.plot_gradient_flow([])
