"""A sampled mutation run over glassnet's ops, optimizers, callbacks and models.

Each mutant is one classic one-line bug written into a copy of the source: a comparison or
arithmetic operator swapped, a constant changed, a ``not`` or unary minus removed, ``and``/``or``
swapped, a ``return`` value replaced by ``None``, an update statement dropped. A seeded random
sample of mutable lines (one mutant per line) is drawn per package and stored, so the same
mutants are run before and after new tests are written.

Every run works on a copy of a committed revision (``git archive``), never on the shared
working tree. For each package, the package's own test folder (``tests/<package>``) is run
once under coverage with one coverage context per test; each mutant then runs only the tests
that executed its line (for lines run only at import time, such as default arguments: every
test of the folder), fastest first, stopping at the first failure.

Outcomes: ``killed`` (a test failed, or the mutant broke collection), ``timeout`` (the tests
ran past the limit: counted as killed), ``survived`` (every selected test passed),
``uncovered`` (no test in the package's folder executes the line: counted as survived),
``stale`` (the line is no longer in the source). Survivors judged equivalent are listed with
a reason in ``tools/mutation_data/equivalent.json`` and left out of the kill rate.

Usage (from the repository root, venv active)::

    python tools/mutation.py sample --seed 16 --per-package 80   # writes the sample
    python tools/mutation.py run --out tools/mutation_data/after.json [--package ops]
    python tools/mutation.py report tools/mutation_data/before.json tools/mutation_data/after.json
"""

import argparse
import ast
import functools
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tools" / "mutation_data"
PACKAGES = ("ops", "optimizers", "callbacks", "models")
SELECT_ENV = "GLASSNET_MUTATION_SELECT"
CONTEXT_ENV = "GLASSNET_MUTATION_CONTEXTS"

BINARY_SWAPS = {
    ast.Add: "-",
    ast.Sub: "+",
    ast.Mult: "/",
    ast.Div: "*",
    ast.FloorDiv: "/",
    ast.Mod: "//",
    ast.Pow: "*",
    ast.BitAnd: "|",
    ast.BitOr: "&",
    ast.BitXor: "|",
    ast.LShift: ">>",
    ast.RShift: "<<",
}
COMPARE_SWAPS = {
    ast.Lt: "<=",
    ast.LtE: "<",
    ast.Gt: ">=",
    ast.GtE: ">",
    ast.Eq: "!=",
    ast.NotEq: "==",
    ast.Is: "is not",
    ast.IsNot: "is",
    ast.In: "not in",
    ast.NotIn: "in",
}
AUGMENTED_SWAPS = {"+=": "-=", "-=": "+=", "*=": "/=", "/=": "*=", "|=": "&=", "&=": "|="}


@dataclass
class Mutant:
    """One mutation: replace ``line[col:end_col]`` (``original``) by ``replacement``."""

    id: str
    package: str
    path: str
    line: int
    col: int
    end_col: int
    original: str
    replacement: str
    operator: str
    source_line: str
    statement_line: int

    def mutated_line(self):
        return self.source_line[: self.col] + self.replacement + self.source_line[self.end_col :]


# ---------------------------------------------------------------------------------------------
# Finding the mutants of one file


def _char_col(line, byte_col):
    """AST columns count UTF-8 bytes; the text is indexed by characters."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


class _MutantFinder(ast.NodeVisitor):
    """Walks one module's AST and lists (line, col, end_col, original, replacement, name)."""

    def __init__(self, source):
        self.lines = source.splitlines(keepends=True)
        self.tokens = [
            tok
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type in (tokenize.OP, tokenize.NAME)
        ]
        self.found = []
        self.statement_line = 0
        self.skipped = set()

    # positions ------------------------------------------------------------------------------
    def _start(self, node):
        return node.lineno, _char_col(self.lines[node.lineno - 1], node.col_offset)

    def _end(self, node):
        return node.end_lineno, _char_col(self.lines[node.end_lineno - 1], node.end_col_offset)

    def _tokens_between(self, start, end, names):
        return [
            tok
            for tok in self.tokens
            if start <= tok.start and tok.end <= end and tok.string in names
        ]

    def _add(self, start, end, replacement, name):
        (line, col), (end_line, end_col) = start, end
        if line != end_line:
            return
        original = self.lines[line - 1][col:end_col]
        self.found.append((line, col, end_col, original, replacement, name, self.statement_line))

    # what is never mutated ------------------------------------------------------------------
    def _skip_subtree(self, node):
        if node is not None:
            self.skipped.update(id(child) for child in ast.walk(node))

    def visit(self, node):
        if id(node) in self.skipped:
            return
        if isinstance(node, ast.stmt):
            self.statement_line = node.lineno
        super().visit(node)

    def visit_JoinedStr(self, node):
        self._skip_subtree(node)

    def visit_Raise(self, node):
        self._skip_subtree(node)

    def visit_Assert(self, node):
        self._skip_subtree(node)

    def visit_If(self, node):
        test = node.test
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            return
        self.generic_visit(node)

    def _visit_function(self, node):
        for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
            self._skip_subtree(arg.annotation)
        for arg in (node.args.vararg, node.args.kwarg):
            if arg is not None:
                self._skip_subtree(arg.annotation)
        self._skip_subtree(node.returns)
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._skip_subtree(body[0])
        self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def visit_ClassDef(self, node):
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._skip_subtree(body[0])
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._skip_subtree(node.annotation)
        self.generic_visit(node)

    # operators ------------------------------------------------------------------------------
    def visit_BinOp(self, node):
        own, swap = _SYMBOL[type(node.op)], BINARY_SWAPS.get(type(node.op))
        is_text = any(
            isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes))
            for side in (node.left, node.right)
        )
        if swap and not is_text:
            found = self._tokens_between(self._end(node.left), self._start(node.right), {own})
            if found:
                self._add(found[0].start, found[0].end, swap, f"binary {own} -> {swap}")
        self.generic_visit(node)

    def visit_Compare(self, node):
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            swap = COMPARE_SWAPS[type(op)]
            names = {"<", "<=", ">", ">=", "==", "!=", "is", "not", "in"}
            found = self._tokens_between(self._end(left), self._start(right), names)
            if found:
                own = " ".join(tok.string for tok in found)
                self._add(found[0].start, found[-1].end, swap, f"compare {own} -> {swap}")
            left = right
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        own = "and" if isinstance(node.op, ast.And) else "or"
        swap = "or" if own == "and" else "and"
        for left, right in zip(node.values, node.values[1:]):
            found = self._tokens_between(self._end(left), self._start(right), {own})
            if found:
                self._add(found[0].start, found[0].end, swap, f"boolean {own} -> {swap}")
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, (ast.Not, ast.USub)):
            name = "not" if isinstance(node.op, ast.Not) else "-"
            self._add(self._start(node), self._start(node.operand), "", f"remove unary {name}")
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        found = self._tokens_between(
            self._end(node.target), self._start(node.value), set(AUGMENTED_SWAPS)
        )
        if found:
            own = found[0].string
            swap = AUGMENTED_SWAPS[own]
            self._add(found[0].start, found[0].end, swap, f"augmented {own} -> {swap}")
        self._drop(node)
        self.generic_visit(node)

    # constants ------------------------------------------------------------------------------
    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            swap = "False" if value else "True"
            self._add(self._start(node), self._end(node), swap, f"constant {value} -> {swap}")
        elif isinstance(value, (int, float)):
            self._add(self._start(node), self._end(node), repr(value + 1), f"number {value!r} + 1")

    # statements -----------------------------------------------------------------------------
    def _drop(self, node):
        start, end = self._start(node), self._end(node)
        if start[0] == end[0] and self.lines[start[0] - 1].strip() == ast.get_source_segment(
            "".join(self.lines), node
        ):
            self._add(start, end, "pass", f"drop {type(node).__name__.lower()} statement")

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Call):
            self._drop(node)
        self.generic_visit(node)

    def visit_Assign(self, node):
        leaves = []
        for target in node.targets:
            leaves.extend(target.elts if isinstance(target, ast.Tuple) else [target])
        if all(isinstance(leaf, (ast.Attribute, ast.Subscript)) for leaf in leaves):
            self._drop(node)
        self.generic_visit(node)

    def visit_Return(self, node):
        value = node.value
        if value is not None and not (isinstance(value, ast.Constant) and value.value is None):
            self._add(self._start(value), self._end(value), "None", "return None")
        self.generic_visit(node)

    def visit_Break(self, node):
        self._add(self._start(node), self._end(node), "continue", "break -> continue")

    def visit_Continue(self, node):
        self._add(self._start(node), self._end(node), "break", "continue -> break")


_SYMBOL = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
}


def file_mutants(source):
    """Every valid mutant of one module: tuples sorted by position, each still parses."""
    finder = _MutantFinder(source)
    finder.visit(ast.parse(source))
    lines = source.splitlines(keepends=True)
    original_dump = ast.dump(ast.parse(source))
    valid = []
    for line, col, end_col, original, replacement, name, statement_line in sorted(
        set(finder.found)
    ):
        text = lines[line - 1]
        mutated = lines[: line - 1] + [text[:col] + replacement + text[end_col:]] + lines[line:]
        try:
            changed = ast.dump(ast.parse("".join(mutated))) != original_dump
        except SyntaxError:
            continue
        if changed:
            valid.append((line, col, end_col, original, replacement, name, statement_line))
    return valid


# ---------------------------------------------------------------------------------------------
# Sampling


def package_files(src_root, package):
    return sorted((src_root / "glassnet" / package).rglob("*.py"))


def draw_sample(src_root, seed, per_package, exclude=()):
    """A seeded sample of mutable lines per package, one mutant per line; lines whose (path,
    text) is in ``exclude`` (an earlier sample's) are left out, for a held-out sample."""
    sample = []
    for package in PACKAGES:
        by_line = {}
        for path in package_files(src_root, package):
            relative = path.relative_to(src_root / "glassnet").as_posix()
            source = path.read_text()
            lines = source.splitlines(keepends=True)
            for found in file_mutants(source):
                if (relative, lines[found[0] - 1]) in exclude:
                    continue
                by_line.setdefault((relative, found[0]), []).append((found, lines[found[0] - 1]))
        rng = random.Random(f"{seed}:{package}")
        chosen = sorted(rng.sample(sorted(by_line), min(per_package, len(by_line))))
        for number, key in enumerate(chosen):
            found, text = rng.choice(by_line[key])
            line, col, end_col, original, replacement, name, statement_line = found
            sample.append(
                Mutant(
                    id=f"{package}/{number:03d}",
                    package=package,
                    path=key[0],
                    line=line,
                    col=col,
                    end_col=end_col,
                    original=original,
                    replacement=replacement,
                    operator=name,
                    source_line=text,
                    statement_line=statement_line,
                )
            )
    return sample


# ---------------------------------------------------------------------------------------------
# Running


def export_revision(revision, destination):
    """Write src/, tests/ and pyproject.toml of ``revision`` into ``destination``."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision, "src", "tests", "pyproject.toml"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    return subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", revision],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _environment(copy, **extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy / "src"), str(REPO / "tools")])
    env["MPLBACKEND"] = "Agg"
    env.update(extra)
    return env


def _pytest(copy, arguments, env, timeout):
    command = [sys.executable, "-m", "pytest", "-p", "mutation", "-p", "no:cacheprovider"]
    process = subprocess.Popen(
        command + arguments,
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output
    return process.returncode, output


def coverage_map(copy, package, workdir):
    """Run tests/<package> once under coverage: line -> tests, test durations, failures."""
    import coverage

    data_file = workdir / f"coverage-{package}"
    report = workdir / f"tests-{package}.json"
    env = _environment(copy, **{CONTEXT_ENV: str(report)})
    command = [
        sys.executable,
        "-m",
        "coverage",
        "run",
        f"--data-file={data_file}",
        f"--source={copy / 'src' / 'glassnet' / package}",
        "-m",
        "pytest",
        "-q",
        "-p",
        "mutation",
        "-p",
        "no:cacheprovider",
        f"tests/{package}",
    ]
    subprocess.run(command, cwd=copy, env=env, stdout=subprocess.DEVNULL, check=False)
    tests = json.loads(report.read_text())
    data = coverage.CoverageData(str(data_file))
    data.read()
    lines = {}
    for measured in data.measured_files():
        relative = Path(measured).relative_to(copy / "src" / "glassnet").as_posix()
        lines[relative] = {
            number: set(contexts) for number, contexts in data.contexts_by_lineno(measured).items()
        }
    return lines, tests


def select_tests(mutant, line, lines, tests):
    """(passing tests that run the mutant's line, fastest first; whether the line runs only at
    import time), or (None, False) when no test runs it. ``line``: where the mutant is now.

    A line run only at import time (a default argument, a module constant, a class attribute)
    can change what any test sees without that test running a line of the file (a signature
    read by ``inspect``, a table another module uses): every test of the package's folder is
    selected for it."""
    file_lines = lines.get(mutant.path, {})
    statement_line = mutant.statement_line + line - mutant.line
    contexts = file_lines.get(line, set()) | file_lines.get(statement_line, set())
    if not contexts:
        return None, False
    chosen = contexts - {""}
    import_time = not chosen
    if import_time:
        chosen = set(tests)
    passing = {name for name, info in tests.items() if info["outcome"] == "passed"}
    return sorted(chosen & passing, key=lambda name: (tests[name]["seconds"], name)), import_time


def enclosing_scope(source, line):
    """(qualified name, first line) of the innermost class or function holding ``line``;
    ("", 0) at the top of the module."""
    found = ("", 0)

    def walk(node, prefix):
        nonlocal found
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if child.lineno <= line <= child.end_lineno:
                    found = (prefix + child.name, child.lineno)
                    walk(child, found[0] + ".")
            else:
                walk(child, prefix)

    walk(ast.parse(source), "")
    return found


def innermost_statement(tree, line):
    """The first line of the innermost statement holding ``line`` (0 if none)."""
    found = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= node.end_lineno:
            found = max(found, node.lineno)
    return found


def sampled_context(mutant, sampled):
    """Where the mutant's line sat in the sampled revision's source ``sampled``: its class or
    function, and the first line of its statement (for telling equal lines apart later)."""
    lines = sampled.splitlines(keepends=True)
    return enclosing_scope(sampled, mutant.line)[0], lines[mutant.statement_line - 1]


def locate(mutant, text_lines, context=None):
    """The line index holding the mutant's original line now, or None (stale).

    ``context``: ``sampled_context`` of the mutant. Among equal lines (``0,`` twice in one
    tuple, one line in two functions), the one in a class or function of the same name, in a
    statement that starts with the same line, at the same offset inside it, wins; then the
    nearest."""
    matches = [i for i, text in enumerate(text_lines) if text == mutant.source_line]
    if not matches:
        return None
    if context is None or len(matches) == 1:
        return min(matches, key=lambda i: abs(i + 1 - mutant.line))
    name, statement_text = context
    source = "".join(text_lines)
    tree = ast.parse(source)
    offset = mutant.line - mutant.statement_line

    def score(i):
        start = innermost_statement(tree, i + 1)
        return (
            enclosing_scope(source, i + 1)[0] != name,
            start == 0 or text_lines[start - 1] != statement_text,
            abs(i + 1 - start - offset),
            abs(i + 1 - mutant.line),
        )

    return min(matches, key=score)


def run_mutant(copy, mutant, lines, tests, workdir, context=None):
    """Apply one mutant to the copy, run its tests, restore the file; returns a result dict.
    ``context``: where the line sat in the sampled revision (``sampled_context``)."""
    result = {"id": mutant.id, "tests": 0, "seconds": 0.0, "killed_by": None}
    path = copy / "src" / "glassnet" / mutant.path
    original_text = path.read_text()
    text_lines = original_text.splitlines(keepends=True)
    index = locate(mutant, text_lines, context)
    if index is None:
        return {**result, "status": "stale"}
    selected, import_time = select_tests(mutant, index + 1, lines, tests)
    if selected is None:
        return {**result, "status": "uncovered"}
    if not selected:
        return {**result, "status": "uncovered", "note": "only failing tests run this line"}
    text_lines[index] = mutant.mutated_line()
    selection = workdir / "selection.json"
    selection.write_text(json.dumps(selected))
    files = sorted({name.split("::")[0] for name in selected})
    limit = 60 + 3 * sum(tests[name]["seconds"] for name in selected)
    env = _environment(copy, **{SELECT_ENV: str(selection), "PYTHONDONTWRITEBYTECODE": "1"})
    cached = path.parent / "__pycache__"
    start = time.perf_counter()
    try:
        path.write_text("".join(text_lines))
        for stale_bytecode in cached.glob(f"{path.stem}.*.pyc"):
            stale_bytecode.unlink()
        code, output = _pytest(copy, ["-x", "-q", *files], env, limit)
    finally:
        path.write_text(original_text)
        for stale_bytecode in cached.glob(f"{path.stem}.*.pyc"):
            stale_bytecode.unlink()
    result.update(
        tests=len(selected),
        seconds=round(time.perf_counter() - start, 1),
        import_time=import_time,
    )
    if code is None:
        return {**result, "status": "timeout"}
    if code == 0:
        return {**result, "status": "survived"}
    broke_import = code == 4 and "while loading conftest" in output
    if code in (1, 2, 3) or broke_import:
        failed = [
            row.split()[1] for row in output.splitlines() if row.startswith(("FAILED", "ERROR"))
        ]
        return {**result, "status": "killed", "killed_by": failed[0] if failed else f"exit {code}"}
    return {**result, "status": "error", "note": output[-2000:]}


@functools.lru_cache(maxsize=None)
def sampled_source(revision, path):
    """A file of the package as it was in ``revision`` (the revision the sample was drawn from)."""
    return subprocess.run(
        ["git", "-C", str(REPO), "show", f"{revision}:src/glassnet/{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def command_run(arguments):
    sampled = json.loads(Path(arguments.sample).read_text())
    sample_revision = sampled["revision"]
    sample = [Mutant(**row) for row in sampled["mutants"]]
    everything = list(sample)  # results already in --out are kept, whatever this run selects
    if arguments.package:
        sample = [mutant for mutant in sample if mutant.package in arguments.package]
    if arguments.only:
        wanted = set(arguments.only)
        sample = [mutant for mutant in sample if mutant.id in wanted]
    if arguments.only_from:
        previous = json.loads(Path(arguments.only_from).read_text())["results"]
        again = {row["id"] for row in previous if row["status"] in ("survived", "uncovered")}
        sample = [mutant for mutant in sample if mutant.id in again]
    out = Path(arguments.out)
    done = json.loads(out.read_text()) if out.exists() and arguments.resume else None
    results = {row["id"]: row for row in done["results"]} if done else {}
    with tempfile.TemporaryDirectory(prefix="glassnet-mutation-") as temporary:
        workdir = Path(temporary)
        copy = workdir / "copy"
        copy.mkdir()
        commit = export_revision(arguments.rev, copy)
        header = {"revision": commit, "sample": arguments.sample, "baseline_failures": {}}
        for package in PACKAGES:
            todo = [
                m
                for m in sample
                if m.package == package and (m.id not in results or m.id in (arguments.only or ()))
            ]
            if not todo:
                continue
            print(f"[{package}] coverage map of tests/{package} ...", flush=True)
            lines, tests = coverage_map(copy, package, workdir)
            failing = sorted(name for name, info in tests.items() if info["outcome"] == "failed")
            skipped = sum(info["outcome"] == "skipped" for info in tests.values())
            header["baseline_failures"][package] = failing
            print(
                f"[{package}] {len(tests)} tests, unmutated: {len(failing)} failing, "
                f"{skipped} skipped (both left out of the selections)",
                flush=True,
            )
            for mutant in todo:
                context = sampled_context(mutant, sampled_source(sample_revision, mutant.path))
                row = run_mutant(copy, mutant, lines, tests, workdir, context)
                row["revision"] = commit[:10]
                results[mutant.id] = row
                print(
                    f"{mutant.id} {row['status']:9s} {row['seconds']:6.1f}s "
                    f"{mutant.path}:{mutant.line} {mutant.operator}",
                    flush=True,
                )
                ordered = [results[m.id] for m in everything if m.id in results]
                out.write_text(json.dumps({**header, "results": ordered}, indent=1) + "\n")


def command_sample(arguments):
    exclude = set()
    if arguments.exclude:
        earlier = json.loads(Path(arguments.exclude).read_text())["mutants"]
        exclude = {(mutant["path"], mutant["source_line"]) for mutant in earlier}
    with tempfile.TemporaryDirectory(prefix="glassnet-mutation-") as temporary:
        commit = export_revision(arguments.rev, Path(temporary))
        sample = draw_sample(
            Path(temporary) / "src", arguments.seed, arguments.per_package, exclude
        )
    document = {
        "revision": commit,
        "seed": arguments.seed,
        "per_package": arguments.per_package,
        "excluded": arguments.exclude,
        "mutants": [asdict(mutant) for mutant in sample],
    }
    Path(arguments.out).write_text(json.dumps(document, indent=1) + "\n")
    print(f"{len(sample)} mutants from {commit[:10]} written to {arguments.out}")


def summarize(results, equivalent, sample):
    """Per package: counts per status and the kill rate over the non-equivalent mutants."""
    package_of = {mutant["id"]: mutant["package"] for mutant in sample}
    table = {}
    for row in results:
        counts = table.setdefault(package_of[row["id"]], {})
        status = "equivalent" if row["id"] in equivalent else row["status"]
        counts[status] = counts.get(status, 0) + 1
    total = {}
    for counts in table.values():
        for status, count in counts.items():
            total[status] = total.get(status, 0) + count
    table["all"] = total
    for counts in table.values():
        caught = counts.get("killed", 0) + counts.get("timeout", 0)
        judged = caught + counts.get("survived", 0) + counts.get("uncovered", 0)
        counts["rate"] = round(100 * caught / judged, 1) if judged else None
    return table


def command_report(arguments):
    equivalent = json.loads(Path(arguments.equivalent).read_text())
    sample = json.loads(Path(arguments.sample).read_text())["mutants"]
    by_id = {mutant["id"]: mutant for mutant in sample}
    documents = [json.loads(Path(name).read_text()) for name in arguments.results]
    stale = {row["id"] for d in documents for row in d["results"] if row["status"] == "stale"}
    for name, document in zip(arguments.results, documents):
        revisions = {}
        for row in document["results"]:
            revision = row.get("revision", document["revision"][:10])
            revisions[revision] = revisions.get(revision, 0) + 1
        print(f"{name} (mutants per revision: {revisions})")
        table = summarize(document["results"], equivalent, sample)
        for package in (*PACKAGES, "all"):
            if package in table:
                counts = dict(table[package])
                rate = counts.pop("rate")
                print(f"  {package:10s} kill rate {rate}%  {counts}")
        if len(documents) > 1 and stale:
            common = [row for row in document["results"] if row["id"] not in stale]
            table = summarize(common, equivalent, sample)
            rates = ", ".join(f"{p} {table[p]['rate']}%" for p in (*PACKAGES, "all") if p in table)
            print(f"  without the {len(stale)} mutants stale in any file: {rates}")
        if arguments.survivors:
            for row in document["results"]:
                if row["status"] in ("survived", "uncovered") and row["id"] not in equivalent:
                    mutant = Mutant(**by_id[row["id"]])
                    print(f"  {mutant.id} {row['status']} {mutant.path}:{mutant.line}")
                    print(f"      - {mutant.source_line.strip()}")
                    print(f"      + {mutant.mutated_line().strip()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="draw the seeded sample of mutants")
    sample.add_argument("--rev", default="HEAD")
    sample.add_argument("--seed", type=int, default=16)
    sample.add_argument("--per-package", type=int, default=80)
    sample.add_argument("--out", default=str(DATA / "sample.json"))
    sample.add_argument("--exclude", help="leave out the lines of this earlier sample")
    run = commands.add_parser("run", help="run the sample's mutants against a revision")
    run.add_argument("--rev", default="HEAD")
    run.add_argument("--sample", default=str(DATA / "sample.json"))
    run.add_argument("--out", required=True)
    run.add_argument("--package", action="append", choices=PACKAGES)
    run.add_argument("--only", nargs="*", help="mutant ids to run")
    run.add_argument("--only-from", help="run only the survivors of this earlier result file")
    run.add_argument("--resume", action="store_true", help="keep results already in --out")
    report = commands.add_parser("report", help="kill rates of result files")
    report.add_argument("results", nargs="+")
    report.add_argument("--sample", default=str(DATA / "sample.json"))
    report.add_argument("--survivors", action="store_true")
    report.add_argument(
        "--equivalent",
        default=str(DATA / "equivalent.json"),
        help="the sample's equivalent mutants: id -> reason",
    )
    arguments = parser.parse_args()
    {"sample": command_sample, "run": command_run, "report": command_report}[arguments.command](
        arguments
    )


# ---------------------------------------------------------------------------------------------
# The pytest plugin (loaded in the test processes with ``-p mutation``)

_test_report = {}


def pytest_collection_modifyitems(config, items):
    """Keep only the selected tests, in the selection's order (fastest first)."""
    selection = os.environ.get(SELECT_ENV)
    if not selection:
        return
    order = {name: i for i, name in enumerate(json.loads(Path(selection).read_text()))}
    kept = sorted((item for item in items if item.nodeid in order), key=lambda i: order[i.nodeid])
    dropped = [item for item in items if item.nodeid not in order]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept


def _coverage():
    if not os.environ.get(CONTEXT_ENV):
        return None
    import coverage

    return coverage.Coverage.current()


def pytest_runtest_protocol(item, nextitem):
    """Under coverage: one context per test, named by its node id."""
    cov = _coverage()
    if cov is not None:
        cov.switch_context(item.nodeid)
        _test_report[item.nodeid] = {"outcome": "passed", "seconds": 0.0}


def pytest_runtest_logreport(report):
    if os.environ.get(CONTEXT_ENV) and report.nodeid in _test_report:
        entry = _test_report[report.nodeid]
        entry["seconds"] = round(entry["seconds"] + report.duration, 3)
        if report.failed or report.skipped:
            entry["outcome"] = "failed" if report.failed else "skipped"


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get(CONTEXT_ENV)
    if path:
        Path(path).write_text(json.dumps(_test_report))


if __name__ == "__main__":
    main()
