import numpy as np
import pytest

from glassnet import Tensor, backend


def test_xp_is_numpy():
    assert backend.xp is np


def test_floatx_is_float32_by_default_and_settable():
    assert backend.floatx() == "float32"
    try:
        backend.set_floatx("float64")
        assert Tensor([1.0]).dtype == np.float64
    finally:
        backend.set_floatx("float32")
    with pytest.raises(ValueError, match="set_floatx: expected one of"):
        backend.set_floatx("int8")


def test_epsilon_is_kerass():
    assert backend.epsilon() == 1e-7


def test_seed_must_be_a_non_negative_integer():
    with pytest.raises(ValueError, match="non-negative integer"):
        backend.set_seed(-1)
