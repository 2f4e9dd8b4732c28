"""Every public op's argument defaults equal Keras 3's (fixture written by real Keras)."""

from tests.keras_defaults import check_defaults

KNOWN = {}


def test_op_defaults_equal_keras():
    check_defaults("ops", KNOWN)
