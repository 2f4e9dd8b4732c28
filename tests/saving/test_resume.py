"""A run killed with SIGKILL mid-epoch and restarted with the same command ends with the same
weights as an uninterrupted run."""

import os
import signal
import subprocess
import sys

import numpy as np

SCRIPT = os.path.join(os.path.dirname(__file__), "resume_script.py")


def run(backup, out, kill_at=None):
    env = {**os.environ, "KILL_AT": str(kill_at) if kill_at else "-1"}
    return subprocess.run(
        [sys.executable, SCRIPT, str(backup), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sigkill_mid_epoch_then_resume_gives_identical_weights(tmp_path):
    reference = run(tmp_path / "backup_a", tmp_path / "reference.npz")
    assert reference.returncode == 0, reference.stderr
    killed = run(
        tmp_path / "backup_b", tmp_path / "resumed.npz", kill_at=23
    )  # epoch 2 of 4, batch 10 of 13
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "backup_b" / "training_state.json").exists() and not (
        tmp_path / "resumed.npz"
    ).exists()
    resumed = run(tmp_path / "backup_b", tmp_path / "resumed.npz")  # the same command again
    assert resumed.returncode == 0, resumed.stderr
    # 4 epochs x 13 batches; backups every 5 batches of an epoch: the last one before the kill
    # was at epoch 2, batch 10 (global batch 23), so a real resume trains 29 batches, a restart
    # would train 52
    assert int(reference.stdout) == 52 and int(resumed.stdout) == 29
    assert not (tmp_path / "backup_b").exists()  # deleted after a finished run
    a, b = np.load(tmp_path / "reference.npz"), np.load(tmp_path / "resumed.npz")
    assert len(a.files) == 4
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])


def test_killed_at_an_epoch_boundary_too(tmp_path):
    reference = run(tmp_path / "a", tmp_path / "reference.npz")
    run(
        tmp_path / "b", tmp_path / "resumed.npz", kill_at=27
    )  # first batch of epoch 3: the last backup is epoch 2's end
    resumed = run(tmp_path / "b", tmp_path / "resumed.npz")
    assert reference.returncode == 0 and resumed.returncode == 0, resumed.stderr
    assert int(resumed.stdout) == 52 - 26
    a, b = np.load(tmp_path / "reference.npz"), np.load(tmp_path / "resumed.npz")
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])
