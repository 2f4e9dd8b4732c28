"""The malloc settings: never at import, applied when training starts where glibc is, off when
asked, never an error."""

import os
import platform
import subprocess
import sys

import pytest

from glassnet.backend import memory

glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


TRAIN = (
    "import numpy as np, glassnet as keras; "
    "m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]); "
    "m.compile('sgd', 'mse'); m.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0); "
)


def applied_in_fresh_interpreter(code="import glassnet.backend.memory as m; ", **env):
    code += "import glassnet.backend.memory as m; print(m.applied)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=True,
    )
    return result.stdout.strip() == "True"


@pytest.mark.skipif(not glibc, reason="the tuning applies to glibc's malloc only")
def test_applied_when_training_starts_with_glibc():
    assert applied_in_fresh_interpreter(TRAIN)
    assert memory.tune_malloc() is True  # and idempotent


def test_importing_glassnet_changes_nothing():
    assert not applied_in_fresh_interpreter("import glassnet; ")


def test_opt_out_leaves_malloc_alone():
    assert not applied_in_fresh_interpreter(TRAIN, GLASSNET_MALLOC_TUNING="0")


def test_other_platforms_are_left_alone(monkeypatch):
    monkeypatch.setattr(memory.sys, "platform", "darwin")
    assert memory.tune_malloc() is False


@pytest.mark.skipif(not glibc, reason="the tuning applies to glibc's malloc only")
def test_later_calls_look_nothing_up_again(monkeypatch):
    # train_on_batch calls it on every batch: no reading of the binary, no new ctypes objects
    assert memory.tune_malloc() is True
    monkeypatch.setattr(memory.platform, "libc_ver", lambda: pytest.fail("libc_ver read again"))
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda *args: pytest.fail("CDLL made again"))
    assert memory.tune_malloc() is True
    monkeypatch.setenv("GLASSNET_MALLOC_TUNING", "0")  # asking for it off is still answered
    assert memory.tune_malloc() is False
