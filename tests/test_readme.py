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
