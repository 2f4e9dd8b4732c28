"""Every optimizer's and learning-rate schedule's argument defaults equal Keras 3's (fixture
written by real Keras)."""

from tests.keras_defaults import check_defaults


def test_optimizer_and_schedule_defaults_equal_keras():
    check_defaults("optimizers", {})
