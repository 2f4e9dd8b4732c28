"""The command line end to end, in subprocesses."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest


def glassnet(*args, cwd=None):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "glassnet", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )


def test_demo_quick_writes_a_run_folder(tmp_path):
    result = glassnet("demo", "--quick", "--out", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    assert "Results" in result.stdout and str(tmp_path / "run") in result.stdout
    run = tmp_path / "run"
    for name in (
        "metrics.json",
        "history.csv",
        "boundaries_moons.png",
        "boundaries_circles.png",
        "activations.png",
        "activation_study.png",
        "history_digits_cnn.png",
        "confusion_digits_cnn.png",
        "samples_digits.png",
        "filters_digits_cnn.png",
        "gradient_flow_digits_cnn.png",
    ):
        assert (run / name).stat().st_size > 0, name
    results = json.loads((run / "metrics.json").read_text())["results"]
    assert {r["model"] for r in results} >= {
        "no_hidden_layer",
        "one_hidden_layer",
        "two_hidden_layers",
        "mlp",
        "cnn",
    }
    assert len(list((run / "models").glob("*.glassnet"))) == 11


def test_train_then_evaluate_predict_summary(tmp_path):
    out = tmp_path / "digits"
    result = glassnet(
        "train",
        "--dataset",
        "digits",
        "--model",
        "cnn",
        "--epochs",
        "2",
        "--verbose",
        "0",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert (
        "Test accuracy" in result.stdout
        and (out / "model.glassnet").exists()
        and (out / "confusion.png").exists()
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] > 0.5
    evaluation = glassnet(
        "evaluate",
        str(out / "model.glassnet"),
        "--dataset",
        "digits",
        "--out",
        str(tmp_path / "eval"),
    )
    assert evaluation.returncode == 0, evaluation.stderr
    assert "macro avg" in evaluation.stdout and (tmp_path / "eval" / "confusion.png").exists()
    sample = np.zeros((8, 8), dtype=np.float32)
    sample[1:7, 3:5] = 1.0  # something like a "1"
    np.save(tmp_path / "sample.npy", sample)
    prediction = glassnet("predict", str(out / "model.glassnet"), str(tmp_path / "sample.npy"))
    assert prediction.returncode == 0, prediction.stderr
    assert prediction.stdout.startswith("sample 0: class ") and "probabilities" in prediction.stdout
    import matplotlib.image

    matplotlib.image.imsave(tmp_path / "sample.png", sample, cmap="gray")
    assert (
        glassnet("predict", str(out / "model.glassnet"), str(tmp_path / "sample.png")).returncode
        == 0
    )
    summary = glassnet("summary", str(out / "model.glassnet"))
    assert summary.returncode == 0 and "Total params" in summary.stdout


def test_train_from_a_json_config(tmp_path):
    import glassnet as keras
    from glassnet import layers

    model = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(6, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    (tmp_path / "m.json").write_text(model.to_json())
    result = glassnet(
        "train",
        "--dataset",
        "moons",
        "--model",
        str(tmp_path / "m.json"),
        "--epochs",
        "3",
        "--verbose",
        "0",
        "--out",
        str(tmp_path / "o"),
    )
    assert result.returncode == 0, result.stderr


def test_explain_prints_the_textbook_example():
    result = glassnet("explain")
    assert result.returncode == 0, result.stderr
    assert (
        "z1 = a0 @ W1 + b1 = [[0.3775, 0.3925]]" in result.stdout
        and "Backward pass" in result.stdout
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (("train", "--dataset", "imagenet"), "invalid choice: 'imagenet'"),
        (("evaluate", "missing.glassnet", "--dataset", "digits"), "missing.glassnet: no such file"),
        (
            ("train", "--dataset", "moons", "--model", "cnn", "--epochs", "1"),
            "--model cnn needs image data",
        ),
        (
            ("train", "--dataset", "digits", "--optimizer", "adamm", "--epochs", "1"),
            "Did you mean 'adam'",
        ),
        (("predict", "nowhere.glassnet", "nothing.npy"), "input file 'nothing.npy' does not exist"),
    ],
)
def test_errors_are_one_paragraph_and_non_zero(tmp_path, args, message):
    result = glassnet(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_predict_with_the_wrong_shape(tmp_path):
    assert (
        glassnet(
            "train", "--dataset", "moons", "--epochs", "1", "--verbose", "0", "--out", str(tmp_path)
        ).returncode
        == 0
    )
    np.save(tmp_path / "bad.npy", np.zeros((2, 5)))
    result = glassnet("predict", str(tmp_path / "model.glassnet"), str(tmp_path / "bad.npy"))
    assert (
        result.returncode == 2
        and "expects input of shape (None, 2)" in result.stderr
        and "Traceback" not in result.stderr
    )
