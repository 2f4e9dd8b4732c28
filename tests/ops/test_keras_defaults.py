"""Every public op's argument defaults equal Keras 3's (fixture written by real Keras)."""

from tests.keras_defaults import check_defaults

KNOWN = {
    "ops.normalize": "glassnet's ops.normalize is the batch-norm helper (x, axes, scale, offset), "
    "not Keras's normalize(x, axis=-1, order=2); renaming it is the lead's (ops/__init__, layers)",
}


def test_op_defaults_equal_keras():
    check_defaults("ops", KNOWN)
