"""Gradient clipping (clipnorm, global_clipnorm, clipvalue) as Keras defines it: a limit only
ever shrinks a gradient, never scales one up, and a gradient exactly at the limit is unchanged
(issue 16: "clipnorm/global_clipnorm scaling up gradients already below the limit")."""

import numpy as np
import pytest

import glassnet as keras


def step(gradients, **clipping):
    """The change SGD(learning_rate=1) makes to zero-valued variables: minus the clipped
    gradients."""
    variables = [keras.Variable(np.zeros_like(g)) for g in gradients]
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clipping)
    optimizer.apply([np.asarray(g, "float32") for g in gradients], variables)
    return [-np.asarray(v.data, dtype=np.float64) for v in variables]


SMALL = np.array([0.375, 0.5], "float32")  # norm 0.625, exactly
LARGE = np.array([3.0, 4.0], "float32")  # norm 5


@pytest.mark.parametrize("argument", ["clipnorm", "global_clipnorm"])
@pytest.mark.parametrize("limit", [0.625, 1.0, 100.0])  # at the norm, above, far above
def test_a_norm_limit_never_scales_a_gradient_up(argument, limit):
    [update] = step([SMALL], **{argument: limit})
    np.testing.assert_array_equal(update, SMALL.astype(np.float64))


@pytest.mark.parametrize("argument", ["clipnorm", "global_clipnorm"])
def test_a_norm_limit_shrinks_a_larger_gradient_to_the_limit(argument):
    [update] = step([LARGE], **{argument: 2.0})
    np.testing.assert_allclose(update, LARGE * 0.4, rtol=1e-6)  # same direction, norm 2


def test_clipnorm_is_per_variable_and_global_clipnorm_is_for_all_together():
    small, large = step([SMALL, LARGE], clipnorm=1.0)
    np.testing.assert_array_equal(small, SMALL.astype(np.float64))  # below its own limit
    np.testing.assert_allclose(large, LARGE / 5.0, rtol=1e-6)
    small, large = step([SMALL, LARGE], global_clipnorm=1.0)
    total = np.sqrt(0.625**2 + 5.0**2)
    np.testing.assert_allclose(small, SMALL / total, rtol=1e-6)  # scaled with the others
    np.testing.assert_allclose(large, LARGE / total, rtol=1e-6)
    small, large = step([SMALL, LARGE], global_clipnorm=10.0)  # all together below: unchanged
    np.testing.assert_array_equal(large, LARGE.astype(np.float64))


def test_clipvalue_keeps_values_inside_and_at_the_bounds():
    gradient = np.array([-3.0, -1.0, -0.5, 0.0, 1.0, 2.5], "float32")
    [update] = step([gradient], clipvalue=1.0)
    np.testing.assert_array_equal(update, [-1.0, -1.0, -0.5, 0.0, 1.0, 1.0])


def test_a_non_finite_global_norm_makes_the_step_nan_as_keras_does():
    small, large = step([SMALL, np.array([np.inf, 0.0], "float32")], global_clipnorm=1.0)
    assert np.isnan(small).all() and np.isnan(large).all()
