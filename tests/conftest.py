import os

import pytest

from glassnet import backend, utils


def pytest_configure(config):
    """Under pytest-xdist (``-n 2``) each worker keeps BLAS to one thread: two workers with two
    BLAS threads each on two cores spin against each other and run small products many times
    slower."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from threadpoolctl import threadpool_limits

        config._glassnet_blas_limit = threadpool_limits(1)


@pytest.fixture(autouse=True)
def fresh_session():
    """Each test starts with fresh layer names and a fixed seed."""
    utils.clear_session()
    utils.set_random_seed(1234)
    yield
    backend.set_floatx("float32")


@pytest.fixture
def float64():
    """Layers and models built inside the test use float64 (for gradient checks)."""
    backend.set_floatx("float64")
    yield
    backend.set_floatx("float32")
