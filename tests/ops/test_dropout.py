import numpy as np
import pytest

from glassnet import Tensor, ops, utils
from glassnet.backend import get_generator


def test_dropout_zeroes_about_rate_and_scales_the_rest():
    x = Tensor(np.ones((200, 500), dtype=np.float32), requires_grad=True)
    out = ops.dropout(x, 0.3, rng=np.random.default_rng(0))
    kept = out.data != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(out.data[kept], 1 / 0.7, rtol=1e-6)
    assert out.dtype == np.float32
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, out.data)  # gradient is the same mask and scale


def test_dropout_keeps_the_expected_value():
    x = np.full((100_000,), 2.0)
    assert abs(ops.dropout(x, 0.5, rng=np.random.default_rng(1)).data.mean() - 2.0) < 0.02


def test_noise_shape_drops_whole_features():
    out = ops.dropout(
        np.ones((4, 3, 5)), 0.5, noise_shape=(None, 1, 5), rng=np.random.default_rng(2)
    ).data
    assert np.all(out == out[:, :1, :])


def test_rate_zero_is_identity_and_bad_rates_refused():
    x = Tensor(np.ones(3))
    assert ops.dropout(x, 0.0) is x
    for rate in (1.0, -0.1):
        with pytest.raises(ValueError, match=r"dropout: rate must be in \[0, 1\)"):
            ops.dropout(x, rate)


def test_set_random_seed_makes_dropout_repeatable():
    utils.set_random_seed(123)
    a = ops.dropout(np.ones(50), 0.5).data
    b = get_generator().random(3)
    utils.set_random_seed(123)
    np.testing.assert_array_equal(ops.dropout(np.ones(50), 0.5).data, a)
    np.testing.assert_array_equal(get_generator().random(3), b)


def test_one_hot():
    out = ops.one_hot(np.array([0, 2, 1]), 3)
    np.testing.assert_array_equal(out.data, np.eye(3)[[0, 2, 1]])
    assert out.dtype == np.float32
    assert ops.one_hot(np.array([[1, 0]]), 2, axis=0).shape == (2, 1, 2)
    with pytest.raises(ValueError, match=r"one_hot: class ids must lie in \[0, 3\)"):
        ops.one_hot(np.array([3]), 3)
