"""The architecture holds: the layers of the system import only downwards (import-linter's
contract in pyproject.toml), no module imports itself back through others, fast paths name
concrete layer classes only in the fusion module, and the code passes ruff."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "glassnet"


def test_every_layer_of_the_system_imports_only_the_layers_below_it():
    pytest.importorskip("importlinter")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "0 broken" in result.stdout, result.stdout[-3000:] + result.stderr[-2000:]


def _cycles(graph):
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, groups, counter = {}, {}, set(), [], [], [0]
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_there_are_no_import_cycles_not_even_through_function_local_imports():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("glassnet")
    assert _cycles(graph) == []


CONCRETE = (
    r"(Dense|Conv1D|Conv2D|Conv2DTranspose|MaxPooling2D|AveragePooling2D|Activation|ReLU|"
    r"BatchNormalization|LSTM|GRU|SimpleRNN|Embedding|Softmax)"
)
SPECIAL_CASE = re.compile(rf"isinstance\([^)]*\b{CONCRETE}\b|type\([^)]*\)\s+is\s+{CONCRETE}\b")
# modules whose job is to map layer classes to something else: the fusion rules, and the
# translators to other formats (ONNX operators, Keras's file layout)
TRANSLATORS = {"models/fusion.py", "export/onnx.py", "saving/keras_format.py"}


def test_no_module_but_the_fusion_pass_special_cases_a_concrete_layer_class():
    offenders = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative in TRANSLATORS or relative.startswith("applications/"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if SPECIAL_CASE.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or pytest.skip("ruff is not installed")
    result = subprocess.run(
        [ruff, "check", "src", "tests", "benchmarks", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_import_glassnet_leaves_the_heavy_optional_libraries_unloaded():
    # scikit-learn, matplotlib and pandas took 2 of `import glassnet`'s 2.5 s (every CLI command
    # and subprocess paid it); they load where they are used
    code = (
        "import sys, glassnet\n"
        "print([m for m in ('sklearn', 'matplotlib', 'pandas') if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
