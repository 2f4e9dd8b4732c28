"""The command line end to end: in subprocesses where the process itself matters (exit status,
pipes, Ctrl-C), in-process through ``glassnet.cli.main`` elsewhere (the same code, faster)."""

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest

import glassnet
from glassnet.cli import main


def glassnet_process(*args, cwd=None, env=None):
    env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "glassnet", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )


def run(capsys, *args):
    """main(args) in this process: (exit status, stdout, stderr)."""
    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_paragraph_error(status, out, err, *fragments):
    assert status == 2, (status, out, err)
    assert "Traceback" not in out + err and "internal error" not in err
    assert err.startswith("glassnet") and err.count("\n") == 1 and err.endswith("\n"), err
    for fragment in fragments:
        assert fragment in err


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A fresh working folder; the plots need no display."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def tree(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, dirs, files in os.walk(folder)
        for name in dirs + files
    )


# -- whole runs ------------------------------------------------------------------------------------
def test_demo_quick_writes_a_run_folder(tmp_path):
    result = glassnet_process("demo", "--quick", "--out", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr
    assert "Results" in result.stdout and str(tmp_path / "run") in result.stdout
    run_folder = tmp_path / "run"
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
        assert (run_folder / name).stat().st_size > 0, name
    results = json.loads((run_folder / "metrics.json").read_text())["results"]
    assert {r["model"] for r in results} >= {
        "no_hidden_layer",
        "one_hidden_layer",
        "two_hidden_layers",
        "mlp",
        "cnn",
    }
    assert len(list((run_folder / "models").glob("*.glassnet"))) == 11
    assert "\r" not in result.stdout  # not a terminal: no redrawn lines


def test_demo_refuses_an_earlier_demo_folder(workspace, capsys, monkeypatch):
    (workspace / "run" / "models").mkdir(parents=True)
    (workspace / "run" / "metrics.json").write_text("{}")
    status, out, err = run(capsys, "demo", "--quick", "--out", "run")
    assert_one_paragraph_error(
        status, out, err, "already holds metrics.json, models", "--overwrite"
    )
    assert tree(workspace) == ["run", "run/metrics.json", "run/models"]


def test_train_then_evaluate_predict_summary(tmp_path, capsys):
    out = tmp_path / "digits"
    result = glassnet_process(
        "train", "--dataset", "digits", "--model", "cnn", "--epochs", "2", "--verbose", "1",
        "--seed", "3", "--learning-rate", "0.002", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Test accuracy" in result.stdout and (out / "confusion.png").exists()
    # a pipe gets one finished line per epoch, not 41 KB of redrawn bars
    assert "\r" not in result.stdout
    bars = [line for line in result.stdout.splitlines() if line.startswith("41/41 ")]
    assert len(bars) == 2
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] > 0.5
    assert {k: metrics[k] for k in ("dataset", "model", "epochs", "seed", "learning_rate")} == {
        "dataset": "digits",
        "model": "cnn",
        "epochs": 2,
        "seed": 3,
        "learning_rate": 0.002,
    }
    assert metrics["glassnet_version"] == glassnet.__version__
    assert metrics["epochs_completed"] == 2 and len(metrics["history"]["loss"]) == 2
    assert not (out / "backup").exists()  # BackupAndRestore's state goes once training ends
    train_then_evaluate_predict_summary(capsys, out, metrics, tmp_path)


def train_then_evaluate_predict_summary(capsys, out, metrics, tmp_path):
    (out / "confusion.png").unlink()
    # README's workflow: the evaluation's plot goes into the run folder (only the plot changes)
    status, text, err = run(
        capsys, "evaluate", out / "model.glassnet", "--dataset", "digits", "--out", out
    )
    assert status == 0, err
    assert "macro avg" in text and (out / "confusion.png").exists()
    accuracy = float(text.split("accuracy")[1].split()[0])
    assert accuracy == pytest.approx(metrics["test"]["accuracy"], abs=1e-4)
    from glassnet import datasets

    (_, _), (xt, yt) = datasets.load_digits()
    np.save(tmp_path / "samples.npy", xt[:5].reshape(5, 8, 8))  # 8x8 for an (8, 8, 1) model
    status, text, err = run(capsys, "predict", out / "model.glassnet", tmp_path / "samples.npy")
    assert status == 0, err
    lines = text.splitlines()
    assert len(lines) == 5 and all(line.startswith(f"sample {i}: ") for i, line in enumerate(lines))
    status, text, err = run(capsys, "summary", out / "model.glassnet")
    assert status == 0 and "Total params" in text


def test_ctrl_c_after_an_epoch_keeps_the_model_and_resume_ends_as_an_unbroken_run(tmp_path, capsys):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "glassnet", "train", "--dataset", "digits", "--verbose", "2"]
    process = subprocess.Popen(
        [*command, "--epochs", "1000", "--out", str(tmp_path / "cut")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    for line in process.stdout:
        if line.startswith("Epoch 3/"):  # two epochs finished
            break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "interrupted after 2 of 1000 epochs" in err
    assert f"{tmp_path / 'cut' / 'model.glassnet'}" in err and "--resume" in err
    metrics = json.loads((tmp_path / "cut" / "metrics.json").read_text())
    assert metrics["interrupted"] is True and metrics["epochs_completed"] == 2
    assert (tmp_path / "cut" / "backup" / "training_state.json").exists()

    status, out, err = run(capsys, "train", "--dataset", "digits", "--out", tmp_path / "cut")
    assert_one_paragraph_error(status, out, err, "interrupted; add --resume")
    status, out, err = run(
        capsys, "train", "--dataset", "digits", "--verbose", "2", "--epochs", "3", "--resume",
        "--out", tmp_path / "cut",
    )  # fmt: skip
    assert status == 0, err
    assert "Epoch 1/3" not in out and "Epoch 3/3" in out
    train_in_process(capsys, "--dataset", "digits", "--epochs", "3", "--out", tmp_path / "whole")
    assert (tmp_path / "cut" / "history.csv").read_text() == (
        tmp_path / "whole" / "history.csv"
    ).read_text()


def test_ctrl_c_before_the_first_epoch_saves_nothing(workspace, capsys, monkeypatch):
    from glassnet.models import trainer

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(trainer.Trainer, "_fit_epochs", interrupted)
    status, _, err = run(capsys, "train", "--dataset", "xor", "--out", "new/run")
    assert status == 130 and "before the first epoch finished; nothing was saved" in err
    assert tree(workspace) == []  # the folders it made for the run are gone again


def test_version_and_help_show_what_they_should(capsys):
    status, out, _ = run(capsys, "--version")
    assert status == 0 and out == f"glassnet {glassnet.__version__}\n"
    status, out, _ = run(capsys, "train", "--help")
    assert status == 0
    for default in ("(default: 10)", "(default: 32)", "(default: adam)", "(default: 0.1)"):
        assert default in " ".join(out.split())
    status, out, _ = run(capsys, "demo", "--help")
    assert "about 10 s with --quick, 30 s in full" in " ".join(out.split())


def test_train_records_its_settings_and_keeps_earlier_runs(workspace, capsys):
    status, out, err = run(capsys, "train", "--dataset", "xor", "--epochs", "2", "--verbose", "0")
    assert status == 0, err
    first = tree(workspace / "runs")
    assert len(first) > 1 and first[0].startswith("train-xor-mlp-")
    status, _, err = run(capsys, "train", "--dataset", "xor", "--epochs", "2", "--verbose", "0")
    assert status == 0, err
    folders = sorted(os.listdir(workspace / "runs"))
    assert len(folders) == 2  # a fresh folder for each run, never the same one
    metrics = json.loads((workspace / "runs" / folders[0] / "metrics.json").read_text())
    assert metrics["optimizer"] == "adam" and metrics["learning_rate"] == pytest.approx(1e-3)
    assert metrics["validation_split"] == 0.1 and metrics["batch_size"] == 32


def test_an_earlier_model_is_never_overwritten_silently(workspace, capsys):
    assert run(capsys, "train", "--dataset", "xor", "--epochs", "1", "--verbose", "0",
               "--out", "r")[0] == 0  # fmt: skip
    before = (workspace / "r" / "model.glassnet").read_bytes()
    status, out, err = run(
        capsys, "train", "--dataset", "xor", "--epochs", "1", "--seed", "5", "--out", "r"
    )
    assert_one_paragraph_error(status, out, err, "already holds model.glassnet", "--overwrite")
    assert (workspace / "r" / "model.glassnet").read_bytes() == before
    status, _, err = run(
        capsys, "train", "--dataset", "xor", "--epochs", "1", "--seed", "5", "--verbose", "0",
        "--out", "r", "--overwrite",
    )  # fmt: skip
    assert status == 0, err
    assert (workspace / "r" / "model.glassnet").read_bytes() != before


def test_the_output_folder_is_checked_before_training(workspace, capsys, monkeypatch):
    from glassnet.cli import data

    def no_training(*args, **kwargs):
        raise AssertionError("data loaded for a command that must stop first")

    monkeypatch.setattr(data, "load", no_training)
    (workspace / "a-file").write_text("x")
    status, out, err = run(capsys, "train", "--dataset", "digits", "--out", "a-file")
    assert_one_paragraph_error(status, out, err, f"{workspace / 'a-file'}", "is a file")
    status, out, err = run(capsys, "train", "--dataset", "digits", "--out", "a-file/run")
    assert_one_paragraph_error(status, out, err, "cannot be created", f"{workspace / 'a-file'}")
    status, out, err = run(capsys, "evaluate", "m.glassnet", "--dataset", "xor", "--out", "a-file")
    assert_one_paragraph_error(status, out, err, "is a file")
    assert tree(workspace) == ["a-file"]


def test_an_unwritable_folder_is_named_before_any_data_is_loaded(workspace, capsys, monkeypatch):
    from glassnet.cli import data, output

    def no_data(*args, **kwargs):
        raise AssertionError("data loaded although the output folder cannot be written")

    monkeypatch.setattr(data, "load", no_data)

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.tempfile, "TemporaryFile", refused)
    status, out, err = run(capsys, "train", "--dataset", "xor", "--out", "locked")
    assert_one_paragraph_error(status, out, err, f"{workspace / 'locked'}", "Permission denied")
    assert ".tmp" not in err and tree(workspace) == []  # the folder it made is gone again


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_folder_is_refused_with_its_name(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        try:
            (locked / "probe").write_text("x")
        except PermissionError:
            pass
        else:
            pytest.skip("this user (root) writes into read-only folders")
        result = glassnet_process("train", "--dataset", "digits", "--out", str(locked / "run"))
        assert result.returncode == 2 and str(locked) in result.stderr
        assert "Epoch" not in result.stdout and "Traceback" not in result.stderr
    finally:
        locked.chmod(0o755)


# -- bad values: one paragraph, exit 2 -------------------------------------------------------------
@pytest.mark.parametrize(
    "args,fragments",
    [
        (("train", "--dataset", "imagenet"), ["invalid choice: 'imagenet'"]),
        (("train", "--dataset", "moons", "--batch-size", "0"), ["--batch-size", "got '0'"]),
        (("train", "--dataset", "moons", "--batch-size", "-5"), ["--batch-size", "got '-5'"]),
        (("train", "--dataset", "moons", "--batch-size", "2.5"), ["--batch-size", ">= 1"]),
        (("train", "--dataset", "moons", "--epochs", "0"), ["--epochs", "got '0'"]),
        (("train", "--dataset", "moons", "--epochs", "-3"), ["--epochs", "got '-3'"]),
        (("train", "--dataset", "moons", "--learning-rate", "nan"), ["--learning-rate", "'nan'"]),
        (("train", "--dataset", "moons", "--learning-rate", "-0.1"), ["--learning-rate", "> 0"]),
        (("train", "--dataset", "moons", "--learning-rate", "-1e-3"), ["--learning-rate", "> 0"]),
        (("train", "--dataset", "moons", "--learning-rate", "inf"), ["--learning-rate"]),
        (("train", "--dataset", "moons", "--learning-rate", "0"), ["--learning-rate"]),
        (("train", "--dataset", "moons", "--validation-split", "1"), ["--validation-split"]),
        (("train", "--dataset", "moons", "--validation-split", "-0.2"), ["--validation-split"]),
        (("train", "--dataset", "moons", "--seed", "-1"), ["--seed", "got '-1'"]),
        (("train", "--dataset", "moons", "--seed", str(2**40)), ["--seed"]),
        (("train", "--dataset", "moons", "--verbose", "3"), ["--verbose", "invalid choice"]),
        (("train", "--dataset", "moons", "--out", ""), ["--out", "must be a path"]),
        (("train", "--dataset", "moons", "--optimizer", "adamm"), ["Did you mean 'adam'"]),
        (("train", "--dataset", "moons", "--model", "cnn"), ["--model cnn needs image data"]),
        (("train", "--dataset", "moons", "--model", "big"), ["--model must be 'mlp', 'cnn'"]),
        (("train", "--dataset", "moons", "--model", "no.json"), ["--model", "'no.json'"]),
        (("train", "--dataset", "moons", "--resume"), ["--resume needs --out"]),
        (("train", "--dataset", "moons", "--resume", "--overwrite"), ["not allowed with"]),
        (("train", "--dataset", "moons", "--out", "x", "--resume"), ["no interrupted run"]),
        (("train",), ["--dataset"]),
        (("evaluate", "missing.glassnet", "--dataset", "digits"), ["missing.glassnet: no such"]),
        (("evaluate", ".", "--dataset", "digits"), ["is a folder, not a model file"]),
        (("predict", "nowhere.glassnet", "nothing.npy"), ["'nothing.npy' does not exist"]),
        (("predict", "nowhere.glassnet", "notes.txt"), ["INPUT must be a .png"]),
        (("summary", "missing.glassnet"), ["missing.glassnet: no such file"]),
        (("explain", "--sample", "-1"), ["--sample", "got '-1'"]),
        (("explain", "--dataset", "digits"), ["--dataset needs a MODEL"]),
        (("explain", "m.glassnet"), ["give --dataset"]),
        (("playground", "--port", "70000"), ["--port"]),
        (("playground", "--port", "-1"), ["--port"]),
        (("fly",), ["invalid choice: 'fly'"]),
        ((), ["the following arguments are required: COMMAND"]),
    ],
)
def test_each_bad_value_is_one_paragraph_with_exit_status_two(workspace, capsys, args, fragments):
    status, out, err = run(capsys, *args)
    assert_one_paragraph_error(status, out, err, *fragments)
    assert tree(workspace) == []  # nothing written


def test_errors_in_a_real_process_exit_two_without_traceback(tmp_path):
    from glassnet.cli import data, models

    models.build("mlp", data.load("xor")).save(tmp_path / "m.glassnet")
    for args, fragment in [
        (("train", "--dataset", "moons", "--batch-size", "0"), "--batch-size"),
        (("predict", "m.glassnet", "empty.png"), "'empty.png'"),
    ]:
        (tmp_path / "empty.png").write_bytes(b"")
        result = glassnet_process(*args, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert fragment in result.stderr and "Traceback" not in result.stderr + result.stdout
        assert result.stderr.count("\n") == 1


def test_missing_mnist_says_only_what_exists(workspace, capsys, monkeypatch):
    from glassnet.datasets import download, fashion_mnist, mnist

    monkeypatch.setattr(download, "CACHE", workspace / "cache")
    monkeypatch.setenv("GLASSNET_DATA", str(workspace / "data"))
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    monkeypatch.setattr(fashion_mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    monkeypatch.setattr(download.time, "sleep", lambda seconds: None)
    status, out, err = run(capsys, "train", "--dataset", "mnist", "--out", "r")
    assert_one_paragraph_error(status, out, err, "GLASSNET_DATA", "Downloading failed too")
    assert "apt-get" not in err  # Debian has no MNIST package
    status, out, err = run(capsys, "train", "--dataset", "fashion-mnist", "--out", "r")
    assert_one_paragraph_error(status, out, err, "apt-get install dataset-fashion-mnist")
    assert not (workspace / "r").exists()


# -- predict on raw input ------------------------------------------------------------------------
def train_in_process(capsys, *args):
    status, _, err = run(capsys, "train", *args, "--verbose", "0")
    assert status == 0, err


def test_breast_cancer_model_takes_raw_measurements(workspace, capsys):
    from sklearn.datasets import load_breast_cancer

    train_in_process(capsys, "--dataset", "breast-cancer", "--epochs", "20", "--out", "bc")
    raw = load_breast_cancer()
    benign = raw.data[raw.target == 1][:5]
    malignant = raw.data[raw.target == 0][:5]
    np.savetxt("tumours.csv", np.concatenate([benign, malignant]), delimiter=",")
    status, out, err = run(capsys, "predict", "bc/model.glassnet", "tumours.csv")
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 10
    assert all(": benign (class 1)" in line for line in lines[:5]), out
    assert sum(": malignant (class 0)" in line for line in lines[5:]) >= 4, out
    from glassnet import layers
    from glassnet.saving import load_model

    first = load_model("bc/model.glassnet").layers[0]
    assert isinstance(first, layers.Normalization)  # the preprocessing travels in the file
    np.testing.assert_allclose(
        np.asarray(first.adapt_mean.data).reshape(-1)[:3], raw.data[:, :3].mean(axis=0), rtol=0.1
    )


def fashion_like_model(folder, shape):
    """What train builds for fashion-mnist, fitted briefly on stand-in uint8 images."""
    from glassnet.cli import data, models
    from glassnet.datasets import fashion_mnist

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    x[:20, 14:, :] = 0  # class 9 ("Ankle boot"): dark lower half; class 0: bright lower half
    x[20:, 14:, :] = 255
    y = np.array([9] * 20 + [0] * 20)
    names = list(fashion_mnist.CLASS_NAMES)
    images = x[..., None] if len(shape) == 3 else x
    dataset = data.Dataset("fashion-mnist", images, y, images, y, names, scale=1 / 255)
    model = models.mlp(shape, 10, dataset.preprocessing(), hidden=(16,))
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(images, y, epochs=20, verbose=0)
    os.makedirs(folder, exist_ok=True)
    model.save(os.path.join(folder, "model.glassnet"))
    with open(os.path.join(folder, "metrics.json"), "w") as handle:
        json.dump({"class_names": names}, handle)
    return x


@pytest.mark.parametrize("shape", [(28, 28), (28, 28, 1)])
def test_images_predict_by_name_from_any_layout(workspace, capsys, shape):
    import matplotlib.image

    x = fashion_like_model("fm", shape)
    boot = x[0]
    np.save("boot.npy", boot)  # raw uint8, as the dataset holds it
    matplotlib.image.imsave("boot.png", boot, cmap="gray", vmin=0, vmax=255)
    np.savetxt("boot.csv", boot.reshape(1, 784), delimiter=",", fmt="%d")
    np.save("both.npy", np.stack([x[0], x[30]]).reshape(2, 784))
    outputs = {}
    for name in ("boot.npy", "boot.png", "boot.csv", "both.npy"):
        status, out, err = run(capsys, "predict", "fm/model.glassnet", name)
        assert status == 0, err
        outputs[name] = out
    assert outputs["boot.npy"].startswith("sample 0: Ankle boot (class 9), probability ")
    assert outputs["boot.png"].split(",")[0] == outputs["boot.npy"].split(",")[0]
    assert outputs["boot.csv"] == outputs["boot.npy"]
    lines = outputs["both.npy"].splitlines()
    assert lines[0].startswith("sample 0: Ankle boot") and lines[1].startswith("sample 1: T-shirt")
    np.save("wrong.npy", np.zeros((3, 100)))
    status, out, err = run(capsys, "predict", "fm/model.glassnet", "wrong.npy")
    assert_one_paragraph_error(status, out, err, f"samples of shape {shape}", "(3, 100)")


@pytest.mark.parametrize(
    "content,fragment",
    [
        (b"", "as a PNG image"),
        (b"not an image at all", "as a PNG image"),
    ],
)
def test_unreadable_images_are_errors_not_internal_errors(workspace, capsys, content, fragment):
    fashion_like_model("fm", (28, 28))
    (workspace / "bad.png").write_bytes(content)
    status, out, err = run(capsys, "predict", "fm/model.glassnet", "bad.png")
    assert_one_paragraph_error(status, out, err, fragment, "'bad.png'")


def test_bad_arrays_for_predict(workspace, capsys):
    train_in_process(capsys, "--dataset", "xor", "--epochs", "1", "--out", "x")
    (workspace / "words.csv").write_text("a,b\n1,2\n")
    np.save("nan.npy", np.array([[np.nan, 1.0]]))
    np.save("text.npy", np.array(["a", "b"]))
    np.save("objects.npy", np.array([{}, 1], dtype=object), allow_pickle=True)
    np.save("empty.npy", np.zeros((0, 2)))
    for name, fragment in [
        ("words.csv", "as a CSV file of numbers"),
        ("nan.npy", "NaN or infinite"),
        ("text.npy", "needs numbers"),
        ("objects.npy", "as a NumPy .npy array"),
        ("empty.npy", "holds no values"),
    ]:
        status, out, err = run(capsys, "predict", "x/model.glassnet", name)
        assert_one_paragraph_error(status, out, err, fragment)


def test_evaluate_and_explain_refuse_a_model_for_other_data(workspace, capsys):
    train_in_process(capsys, "--dataset", "xor", "--epochs", "1", "--out", "x")
    status, out, err = run(capsys, "evaluate", "x/model.glassnet", "--dataset", "digits")
    assert_one_paragraph_error(status, out, err, "(2,)", "(64,)", "trained on other data")
    status, out, err = run(capsys, "explain", "x/model.glassnet", "--dataset", "xor",
                           "--sample", "100000")  # fmt: skip
    assert_one_paragraph_error(status, out, err, "--sample must be below 300")
    status, out, err = run(capsys, "explain", "x/model.glassnet", "--dataset", "xor")
    assert status == 0 and "Backward pass" in out, err


def test_explain_prints_the_textbook_example(capsys):
    status, out, err = run(capsys, "explain")
    assert status == 0, err
    assert "z1 = a0 @ W1 + b1 = [[0.3775, 0.3925]]" in out and "Backward pass" in out


def test_train_from_a_json_config_keeps_the_preprocessing(workspace, capsys):
    import glassnet as keras
    from glassnet import layers
    from glassnet.saving import load_model

    model = keras.Sequential(
        [keras.Input((30,)), layers.Dense(6, activation="tanh"), layers.Dense(1, "sigmoid")]
    )
    (workspace / "m.json").write_text(model.to_json())
    train_in_process(capsys, "--dataset", "breast-cancer", "--model", "m.json", "--epochs", "3",
                     "--out", "o")  # fmt: skip
    saved = load_model("o/model.glassnet")
    assert isinstance(saved.layers[0], layers.Normalization) and saved.name == "m"
    (workspace / "bad.json").write_text(model.to_json().replace("Dense", "Dance"))
    status, out, err = run(capsys, "train", "--dataset", "breast-cancer", "--model", "bad.json")
    assert_one_paragraph_error(status, out, err, "--model", "'bad.json'")
    status, out, err = run(capsys, "train", "--dataset", "digits", "--model", "m.json")
    assert_one_paragraph_error(status, out, err, "(30,)", "(64,)")
