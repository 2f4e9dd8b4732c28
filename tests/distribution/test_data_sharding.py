"""Under mpiexec -n 2 every kind of input trains to the weights one process reaches at the same
global batch (skipped without mpi4py): shuffle on and off, validation_split, sample weights, a
last batch smaller than the number of processes (321 rows = 5 x 64 + 1)."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip(
    "mpi4py", reason='mpi4py not installed (pip install "glassnet[mpi]"): MPI tests skipped'
)
SCRIPT = os.path.join(os.path.dirname(__file__), "mpi_data_script.py")
MPIEXEC = shutil.which(
    "mpiexec", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
)
if MPIEXEC is None:
    pytest.skip("no mpiexec found next to this Python or on PATH", allow_module_level=True)


def run(out, *options, processes=None):
    command = [sys.executable, SCRIPT, str(out), *options]
    if processes:
        command = [MPIEXEC, "-n", str(processes), *command]
    environment = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment)
    assert done.returncode == 0, done.stderr[-3000:]
    results = []
    for rank in range(processes or 1):
        with open(f"{out}.rank{rank}.json") as handle:
            results.append(json.load(handle))
    return results


def assert_equal_runs(one, two):
    for a, b in zip(one["weights"], two["weights"]):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-9, atol=1e-12)
    for key in one["history"]:
        np.testing.assert_allclose(two["history"][key], one["history"][key], rtol=1e-9)
    np.testing.assert_allclose(two["predictions"], one["predictions"], rtol=1e-9)
    for key, value in one["evaluation"].items():
        assert two["evaluation"][key] == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    "options",
    [
        ("--input", "arrays"),  # shuffle=False: crashed on every process before (issue 16, 11)
        ("--input", "arrays", "--shuffle", "--validation-split", "0.2", "--sample-weight"),
        ("--input", "arrays", "--shuffle", "--batch", "7", "--samples", "50"),
        ("--input", "memmap", "--shuffle", "--sample-weight"),
    ],
    ids=["arrays", "arrays-shuffled-split-weighted", "arrays-odd-batches", "memmap-shuffled"],
)
def test_row_sharded_inputs_equal_one_process(tmp_path, options):
    [one] = run(tmp_path / "one", *options)
    two = run(tmp_path / "two", *options, processes=2)
    assert two[0] == two[1]  # the same history, weights and predictions everywhere
    assert_equal_runs(one, two[0])


@pytest.mark.parametrize("kind", ["pydataset", "generator", "grain"])
def test_batch_sharded_inputs_equal_one_process_with_batches_twice_as_large(tmp_path, kind):
    if kind == "grain":
        pytest.importorskip("grain", reason="grain is optional")
    # two processes reading batches of 32 in turn make global batches of 64; the last step has
    # one row on the first process and nothing on the second
    [one] = run(tmp_path / "one", "--input", kind, "--batch", "64")
    two = run(tmp_path / "two", "--input", kind, "--batch", "32", processes=2)
    assert two[0] == two[1]
    assert_equal_runs(one, two[0])
