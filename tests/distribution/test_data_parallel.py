"""Data-parallel training under mpiexec -n 2 (skipped without mpi4py)."""

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip(
    "mpi4py", reason='mpi4py not installed (pip install "glassnet[mpi]"): MPI tests skipped'
)
SCRIPT = os.path.join(os.path.dirname(__file__), "mpi_script.py")
MPIEXEC = shutil.which(
    "mpiexec", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
)
if MPIEXEC is None:
    pytest.skip("no mpiexec found next to this Python or on PATH", allow_module_level=True)


def run(out, *extra, processes=None, env=None, timeout=120):
    command = [sys.executable, SCRIPT, *extra[:1], str(out), *extra[1:]]
    if processes:
        command = [MPIEXEC, "-n", str(processes), *command]
    environment = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment)


def result(out, rank=0):
    with open(f"{out}.rank{rank}.json") as handle:
        data = json.load(handle)
    return data["history"], [np.array(w) for w in data["weights"]]


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("dtype,rtol", [("float64", 1e-6), ("float32", 1e-5)])
def test_two_processes_equal_one_process_at_the_same_global_batch(tmp_path, optimizer, dtype, rtol):
    single = run(tmp_path / "single", "train", "--optimizer", optimizer, "--dtype", dtype)
    double = run(
        tmp_path / "double", "train", "--optimizer", optimizer, "--dtype", dtype, processes=2
    )
    assert single.returncode == 0, single.stderr
    assert double.returncode == 0, double.stderr
    _, one = result(tmp_path / "single")
    _, two = result(tmp_path / "double")
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=rtol * 1e-2)


def test_history_is_global_and_equal_on_every_process_and_only_rank_0_writes(tmp_path):
    single = run(tmp_path / "single", "train")
    double = run(tmp_path / "double", "train", processes=2)
    assert single.returncode == 0, single.stderr
    assert double.returncode == 0, double.stderr
    h0, w0 = result(tmp_path / "double", 0)
    h1, w1 = result(tmp_path / "double", 1)
    assert h0 == h1
    for a, b in zip(w0, w1):
        np.testing.assert_array_equal(a, b)  # identical weights in both processes
    reference, _ = result(tmp_path / "single")
    np.testing.assert_allclose(
        h0["loss"], reference["loss"], rtol=1e-5
    )  # the global loss, not one process's share
    np.testing.assert_allclose(h0["accuracy"], reference["accuracy"], rtol=1e-6)
    assert (tmp_path / "double.rank0.csv").exists() and not (tmp_path / "double.rank1.csv").exists()


def test_a_failing_process_stops_the_job_with_its_error(tmp_path):
    start = time.perf_counter()
    failed = run(tmp_path / "fail", "raise", processes=2, timeout=60)
    assert time.perf_counter() - start < 30
    assert failed.returncode != 0
    assert "a deliberate failure in process 1" in failed.stderr + failed.stdout


def test_backup_written_under_two_processes_resumes_under_one(tmp_path):
    reference = run(tmp_path / "reference", "train")
    assert reference.returncode == 0, reference.stderr
    killed = run(tmp_path / "job", "backup", processes=2, env={"KILL_AT": "8"})
    assert killed.returncode != 0
    assert (tmp_path / "job.backup" / "training_state.json").exists()
    resumed = run(tmp_path / "job", "backup")  # the same command, now with one process
    assert resumed.returncode == 0, resumed.stderr
    _, expected = result(tmp_path / "reference")
    _, got = result(tmp_path / "job")
    for a, b in zip(expected, got):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)


def test_mpiexec_glassnet_train_works_as_the_single_process_command(tmp_path):
    command = [
        MPIEXEC,
        "-n",
        "2",
        sys.executable,
        "-m",
        "glassnet",
        "train",
        "--dataset",
        "moons",
        "--epochs",
        "2",
        "--verbose",
        "0",
        "--out",
        str(tmp_path / "run"),
    ]
    out = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("Test accuracy") == 1  # printed once, by rank 0
    assert (tmp_path / "run" / "model.glassnet").exists()


def test_synchronized_batchnorm_equals_one_process_and_local_batchnorm_does_not(tmp_path):
    # with synchronised statistics, two processes normalise over the global batch, as one does
    single = run(tmp_path / "single", "train", "--batchnorm", "synchronized", "--dtype", "float64")
    synced = run(
        tmp_path / "synced",
        "train",
        "--batchnorm",
        "synchronized",
        "--dtype",
        "float64",
        processes=2,
    )
    local = run(
        tmp_path / "local", "train", "--batchnorm", "local", "--dtype", "float64", processes=2
    )
    for out in (single, synced, local):
        assert out.returncode == 0, out.stderr
    _, one = result(tmp_path / "single")
    _, two = result(tmp_path / "synced")
    _, per_rank = result(tmp_path / "local")
    for a, b in zip(one, two):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-8)
    assert any(
        not np.allclose(a, b, rtol=1e-6, atol=1e-8) for a, b in zip(one, per_rank)
    )  # per-rank statistics differ
