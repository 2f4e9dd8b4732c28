import numpy as np
import pytest

from glassnet import datasets


@pytest.mark.parametrize("name", datasets.TWO_D)
def test_2d_problems(name):
    (x, y), (xt, yt) = datasets.load_2d(name, n_samples=200, seed=1)
    assert (
        x.shape == (150, 2)
        and xt.shape == (50, 2)
        and x.dtype == np.float32
        and y.dtype == np.int64
    )
    assert set(np.unique(y)) <= {0, 1, 2}
    (x2, _), _ = datasets.load_2d(name, n_samples=200, seed=1)
    np.testing.assert_array_equal(x, x2)  # same seed, same data


def test_xor_labels_follow_the_quadrants():
    x, y = datasets.make_xor(400, noise=0.05)
    np.testing.assert_array_equal(y, ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(int))


def test_digits_and_breast_cancer():
    (x, y), (xt, yt) = datasets.load_digits()
    assert x.shape[1] == 64 and x.max() <= 1.0 and len(x) + len(xt) == 1797
    (xi, _), _ = datasets.load_digits(images=True)
    assert xi.shape[1:] == (8, 8, 1)
    (xb, yb), (xbt, _) = datasets.load_breast_cancer()
    assert xb.shape[1] == 30 and abs(xb.mean()) < 1e-5 and len(xb) + len(xbt) == 569
    with pytest.raises(ValueError, match="Unknown 2-D dataset 'moon'. Did you mean 'moons'"):
        datasets.make_2d("moon")
