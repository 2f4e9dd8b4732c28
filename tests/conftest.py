import pytest

from glassnet import backend, utils


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
