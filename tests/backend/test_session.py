"""keras.backend's session functions (backend, clear_session, get_uid, is_keras_tensor, the
image data format) and the top-level scopes (name_scope, device, SymbolicScope)."""

import numpy as np
import pytest

import glassnet as keras
from glassnet.backend import session


def test_backend_name_and_image_data_format():
    assert keras.backend.backend() == "numpy"
    assert keras.backend.image_data_format() == "channels_last"
    keras.backend.set_image_data_format("channels_first")
    try:
        assert keras.config.image_data_format() == "channels_first"
    finally:
        keras.backend.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="channels_last"):
        keras.backend.set_image_data_format("nhwc")


def test_get_uid_counts_per_prefix_until_clear_session():
    keras.backend.clear_session()
    assert [keras.backend.get_uid("x") for _ in range(3)] == [1, 2, 3]
    assert keras.backend.get_uid("y") == 1
    assert keras.backend.get_uid() == 1
    keras.backend.clear_session()
    assert keras.backend.get_uid("x") == 1


def test_clear_session_restarts_layer_names():
    keras.backend.clear_session()
    first = keras.layers.Dense(1).name
    keras.layers.Dense(1)
    keras.backend.clear_session(free_memory=False)
    assert keras.layers.Dense(1).name == first == "dense"


def test_is_keras_tensor():
    assert keras.backend.is_keras_tensor(keras.Input((2,)))
    assert not keras.backend.is_keras_tensor(keras.Tensor(np.ones(2)))
    assert not keras.backend.is_keras_tensor(np.ones(2))


def test_name_scopes_nest_and_deduplicate():
    assert session.current_name_scope() == ""
    with keras.name_scope("encoder") as outer:
        with keras.name_scope("block"):
            assert session.current_name_scope() == "encoder/block"
        with keras.name_scope("encoder") as repeated:  # the same name directly inside
            assert repeated.path == "encoder"
        with keras.name_scope("head", override_parent="decoder"):
            assert session.current_name_scope() == "decoder/head"
        assert outer.path == "encoder"
    assert session.current_name_scope() == ""
    with pytest.raises(ValueError, match="name_scope: expected a name without '/'"):
        keras.name_scope("a/b")


def test_device_and_symbolic_scopes():
    with keras.device("gpu:0"):
        assert session.current_device() == "gpu:0"
        x = keras.ops.add(np.ones(2), 1.0)  # still computed, on the CPU
    assert session.current_device() == "cpu:0" and x.data.tolist() == [2.0, 2.0]
    assert not session.in_symbolic_scope()
    with keras.SymbolicScope():
        assert session.in_symbolic_scope()
    assert not session.in_symbolic_scope()
    with pytest.raises(ValueError, match="device: expected a device name"):
        keras.device(0)
