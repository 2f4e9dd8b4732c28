"""The README's autograd example runs as written and learns XOR."""

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_readme_autograd_example_runs_and_learns_xor():
    text = README.read_text()
    block = re.search(r"<!-- autograd-example -->\n```python\n(.*?)```", text, re.S).group(1)
    printed = io.StringIO()
    namespace = {}
    with contextlib.redirect_stdout(printed):
        exec(compile(block, "README.md", "exec"), namespace)
    assert namespace["loss"].item() < 0.05
    assert (
        namespace["ops"].sigmoid(namespace["logits"]).numpy().ravel().round() == [0, 1, 1, 0]
    ).all()
    assert printed.getvalue().strip() in text  # the output quoted in the README is what it prints


def test_example_file_matches_readme():
    text = README.read_text()
    block = re.search(r"<!-- autograd-example -->\n```python\n(.*?)```", text, re.S).group(1)
    assert (README.parent / "examples" / "autograd_by_hand.py").read_text() == block


def test_readme_keras_example_runs_as_written(monkeypatch):
    import pytest

    shared = README.parent.parent / "shared" / "datasets"
    if not (shared / "fashion-mnist").is_dir():
        pytest.skip("the shared Fashion-MNIST files are not present")
    monkeypatch.setenv("GLASSNET_DATA", str(shared))
    block = re.search(
        r"## Keras code runs with its imports changed\n\n```python\n(.*?)```",
        README.read_text(),
        re.S,
    ).group(1)
    assert "epochs=10" in block
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(
            compile(block.replace("epochs=10", "epochs=1"), "README.md", "exec"), namespace
        )  # one epoch: the code path, not the score
    loss, accuracy = namespace["model"].evaluate(
        namespace["x_test"], namespace["y_test"], verbose=0
    )
    assert accuracy > 0.8


def _block(marker):
    text = README.read_text()
    return re.search(rf"<!-- {marker} -->\n```python\n(.*?)```", text, re.S).group(1)


def _run(block):
    namespace = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, "README.md", "exec"), namespace)
    return namespace, printed.getvalue()


def test_readme_api_example_runs_and_learns():
    namespace, printed = _run(_block("api-example"))
    assert printed.startswith("F1 score after training: ")
    assert namespace["history"].history["f1_score"][-1] > 0.75


def test_readme_text_classifier_trains_on_raw_strings():
    namespace, printed = _run(_block("text-classifier"))
    positive, negative = namespace["model"].predict(
        namespace["np"].array(["a great, moving story", "a dull mess"]), verbose=0
    )[:, 0]
    assert positive > 0.5 > negative


def test_readme_image_classifier_with_augmentation_runs():
    namespace, printed = _run(_block("image-classifier"))
    assert printed.startswith("test accuracy ")
    assert float(printed.split()[-1]) > 0.7


def test_readme_image_folder_example_runs(tmp_path, monkeypatch):
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for label, level in (("cats", 200), ("dogs", 40)):
        folder = tmp_path / "photos" / label
        folder.mkdir(parents=True)
        for i in range(10):
            pixels = np.clip(rng.normal(level, 20, (40, 50, 3)), 0, 255).astype("uint8")
            Image.fromarray(pixels).save(folder / f"{i}.png")
    monkeypatch.chdir(tmp_path)
    block = _block("image-folder")
    assert "epochs=5" in block
    namespace, _ = _run(block.replace("epochs=5", "epochs=2"))
    assert namespace["train"].class_names == ["cats", "dogs"]
    assert len(namespace["model"].history.history["loss"]) == 2
