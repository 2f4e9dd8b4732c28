"""End to end in a real browser: headless Chromium, driven by playwright, against the
``glassnet playground`` command running in its own process.

Spirals, a 2-8-8-1 tanh network, play until the page shows a test loss below 0.2; the
boundary changes from one frame to the next; a clicked point's gradients on the page equal
``inspect.trace`` of the downloaded model; the exported program trains to the page's accuracy.
Screenshots and the measured update rate are written to the test's temporary folder. Skipped
where playwright or Chromium is missing. Set GLASSNET_KERAS_PYTHON to a Python with Keras 3 to
also run the exported program on Keras (not in CI).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import numpy as np
import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from glassnet.inspect import trace  # noqa: E402
from glassnet.playground.data import input_features  # noqa: E402
from glassnet.saving import load_model  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


@pytest.fixture
def playground_url():
    process = subprocess.Popen(
        [sys.executable, "-m", "glassnet", "playground", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if match is None:
        process.kill()
        pytest.fail(f"the playground did not start: {line}{process.stderr.read()}")
    yield match.group(0)
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def page(playground_url):
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        except sync_api.Error as error:
            pytest.skip(f"Chromium does not start here: {error}")
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(playground_url)
        page.wait_for_selector("body[data-ready=true]")
        yield page
        browser.close()


def _units(page, layer):
    return int(page.get_attribute(f".column-head[data-layer='{layer}']", "data-units"))


def _boundary_pixels(page):
    return page.evaluate("() => document.getElementById('boundary').toDataURL()")


def _frame(page):
    return int(page.get_attribute("body", "data-frame"))


def _state(url):
    with urllib.request.urlopen(url + "/api/state") as response:
        return json.loads(response.read())


def _run(python, program, folder):
    path = folder / "exported.py"
    path.write_text(program)
    completed = subprocess.run(
        [python, str(path)], capture_output=True, text=True, timeout=300, env=os.environ
    )
    assert completed.returncode == 0, completed.stderr
    return float(re.search(r"test accuracy ([\d.]+)", completed.stdout).group(1))


def test_spirals_learned_traced_and_exported(page, playground_url, tmp_path):
    # choose spirals and build 2-8-8-1 tanh (inputs x1, x2: the default)
    page.click("button[data-dataset=spirals]")
    page.wait_for_selector("button[data-dataset=spirals].active")
    page.select_option("#activation", "tanh")
    for layer in (0, 1):
        while _units(page, layer) < 8:
            before = _units(page, layer)
            page.click(f"button[data-action=add-neuron][data-layer='{layer}']")
            page.wait_for_function(
                f"() => Number(document.querySelector(\".column-head[data-layer='{layer}']\")"
                f".dataset.units) === {before + 1}"
            )
    config = _state(playground_url)["config"]
    assert config["hidden"] == [8, 8] and config["activation"] == "tanh"
    assert config["features"] == ["x1", "x2"] and config["data"]["name"] == "spirals"
    assert config["data"]["samples"] == 500

    # play; the boundary changes between two frames; wait for a test loss below 0.2
    page.click("#play")
    page.wait_for_function("() => document.getElementById('play').dataset.playing === 'true'")
    frame, before = _frame(page), _boundary_pixels(page)
    page.wait_for_function(f"() => Number(document.body.dataset.frame) > {frame}")
    # the picture follows the training: on a loaded machine two frames can be one step apart,
    # which may round to the same 8-bit picture, so a few frames may pass before it changes
    page.wait_for_function(
        "(before) => document.getElementById('boundary').toDataURL() !== before",
        arg=before,
        timeout=30_000,
    )
    assert _frame(page) > frame
    page.wait_for_function(
        "() => parseFloat(document.getElementById('test-loss').textContent) < 0.2",
        timeout=120_000,
    )
    rate = float(page.get_attribute("#rate", "data-rate"))
    epochs_seen = int(page.text_content("#epoch").replace(",", ""))
    report = f"boundary updates per second (2-8-8-1 tanh, spirals, 500 points): {rate:.1f}\n"
    report += f"epochs until the test loss fell below 0.2: {epochs_seen}\n"
    (tmp_path / "update_rate.txt").write_text(report)
    print(report)
    page.click("#play")  # pause: the epoch in progress finishes
    page.wait_for_function("() => document.getElementById('play').dataset.busy === 'false'")
    shown_accuracy = float(page.text_content("#test-accuracy"))
    page.screenshot(path=str(tmp_path / "spirals-learned.png"), full_page=True)

    # click a training point (one well apart from the others, so the click is not ambiguous):
    # the page shows the step inspect.trace computes
    state = _state(playground_url)
    train = np.array(state["points"]["train"])
    gaps = np.linalg.norm(train[:, None, :2] - train[None, :, :2], axis=-1)
    np.fill_diagonal(gaps, np.inf)
    x1, x2, label = state["points"]["train"][int(np.argmax(gaps.min(axis=1)))]
    box = page.locator("#boundary").bounding_box()
    plane = state["options"]["plane"]
    page.mouse.click(
        box["x"] + (x1 + plane) / (2 * plane) * box["width"],
        box["y"] + (plane - x2) / (2 * plane) * box["height"],
    )
    page.wait_for_selector("#trace-panel:not([hidden])")
    page.wait_for_selector("[data-trace=gradient]")
    assert f"({x1:.3f}, {x2:.3f}), label {label}" in page.text_content("#trace-title")
    cells = page.eval_on_selector_all(
        "[data-trace=gradient]",
        "cells => cells.map(c => [c.dataset.layer, c.dataset.weight, c.dataset.index, "
        "c.textContent])",
    )
    neuron_text = page.text_content("[data-layer=hidden_2][data-unit='3'] .values")
    page.screenshot(path=str(tmp_path / "trace.png"), full_page=True)

    # Export: the program, and the model files through the page's links
    page.click("#export")
    page.wait_for_selector("#export-panel:not([hidden])")
    program = page.text_content("#program")
    assert re.findall(r"^import .*$", program, re.M) == [
        "import numpy as np",
        "import glassnet as keras",
    ]
    files = {}
    for suffix in ("glassnet", "keras"):
        with page.expect_download() as download:
            page.click(f"#download-{suffix}")
        files[suffix] = tmp_path / f"playground.{suffix}"
        download.value.save_as(files[suffix])
    assert page.errors == []

    model = load_model(str(files["glassnet"]))
    x = input_features(np.array([[x1, x2]]), ["x1", "x2"])
    expected = trace(model, x, np.array([[label]], dtype="float32"))
    layers = {layer.name: layer for layer in expected.layers}
    assert len(cells) == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    for layer, weight, index, text in cells:
        value = layers[layer].gradients[weight][tuple(int(i) for i in index.split(","))]
        assert text == f"{value:.4g}", (layer, weight, index)
    a, dl_dz = layers["hidden_2"].a[0, 3], layers["hidden_2"].dL_dz[0, 3]
    assert neuron_text == f"a {a:.4g}\ndL/dz {dl_dz:.4g}"

    accuracy = _run(sys.executable, program, tmp_path)
    assert abs(accuracy - shown_accuracy) <= 0.05
    x_test = np.array([point[:2] for point in state["points"]["test"]])
    y_test = np.array([[point[2]] for point in state["points"]["test"]], dtype="float32")
    _, downloaded_accuracy = model.evaluate(x_test.astype("float32"), y_test, verbose=0)
    assert round(downloaded_accuracy, 4) == shown_accuracy
    keras_file = load_model(str(files["keras"]))
    np.testing.assert_array_equal(
        keras_file.predict(x_test, verbose=0), model.predict(x_test, verbose=0)
    )

    keras_python = os.environ.get("GLASSNET_KERAS_PYTHON")
    if keras_python:
        keras_program = re.sub(r"^import glassnet as keras$", "import keras", program, flags=re.M)
        keras_accuracy = _run(keras_python, keras_program, tmp_path)
        print(f"page accuracy {shown_accuracy}, Keras {keras_accuracy}")
        assert abs(keras_accuracy - shown_accuracy) <= 0.05
