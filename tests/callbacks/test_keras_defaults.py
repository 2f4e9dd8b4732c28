"""Every callback's argument defaults equal Keras 3's (fixture written by real Keras)."""

from tests.keras_defaults import check_defaults

KNOWN = {
    "callbacks.BackupAndRestore": "double_checkpoint (a second, older backup) is not implemented",
    "callbacks.CallbackList": "glassnet's CallbackList(callbacks, model, params) is what the "
    "trainer calls; Keras's (callbacks=None, add_history, add_progbar, model, **params) needs a "
    "change in models/trainer.py",
}


def test_callback_defaults_equal_keras():
    check_defaults("callbacks", KNOWN)
