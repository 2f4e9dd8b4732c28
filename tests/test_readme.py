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
    assert (namespace["ops"].sigmoid(namespace["logits"]).numpy().ravel().round() == [0, 1, 1, 0]).all()
    assert printed.getvalue().strip() in text  # the output quoted in the README is what it prints


def test_example_file_matches_readme():
    text = README.read_text()
    block = re.search(r"<!-- autograd-example -->\n```python\n(.*?)```", text, re.S).group(1)
    assert (README.parent / "examples" / "autograd_by_hand.py").read_text() == block
