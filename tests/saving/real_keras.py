"""Finding an interpreter that runs real Keras 3, for the tests that hand glassnet's files to it.

In order: $GLASSNET_KERAS_PYTHON; /tmp/tfvenv/bin/python (Keras 3.15 on TensorFlow, where the
fixture generators run); this interpreter, when it can import Keras and a backend. Without any,
the tests skip, or fail under GLASSNET_REQUIRE_KERAS=1 (what CI sets to require the check).
"""

import importlib.util
import os
import subprocess
import sys

import pytest

TFVENV_PYTHON = "/tmp/tfvenv/bin/python"


def _backend_here():
    if importlib.util.find_spec("keras") is None:
        return None
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    for backend, module in (("tensorflow", "tensorflow"), ("torch", "torch"), ("jax", "jax")):
        if importlib.util.find_spec(module) is not None:
            return backend
    return None


def keras_interpreter():
    """``(python, environment)`` for a subprocess that imports real Keras 3, or None."""
    chosen = os.environ.get("GLASSNET_KERAS_PYTHON")
    if chosen:
        if not os.path.exists(chosen):
            pytest.fail(f"GLASSNET_KERAS_PYTHON={chosen} does not exist")
        return chosen, dict(os.environ)
    if os.path.exists(TFVENV_PYTHON):
        return TFVENV_PYTHON, {**os.environ, "KERAS_BACKEND": "tensorflow"}
    backend = _backend_here()
    if backend is not None:
        return sys.executable, {**os.environ, "KERAS_BACKEND": backend}
    return None


def require_keras(what):
    """The interpreter of ``keras_interpreter()``, else skip (or fail when required)."""
    found = keras_interpreter()
    if found is None:
        message = f"Keras 3 (and a backend) not installed: the check that {what}"
        if os.environ.get("GLASSNET_REQUIRE_KERAS") == "1":
            pytest.fail(message + " must run (GLASSNET_REQUIRE_KERAS=1)")
        pytest.skip(message + " is skipped")
    return found


def run_keras(arguments, cwd, timeout=600):
    """Run ``python arguments...`` with real Keras; the completed process."""
    python, environment = require_keras("Keras reads glassnet's files")
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return subprocess.run(
        [python, *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        cwd=cwd,  # not the repository root
    )
