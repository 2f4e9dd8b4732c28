"""keras.random: seeding rules, every distribution against scipy.stats (Kolmogorov-Smirnov or
chi-square at fixed seeds), dtypes, the differentiable dropout/shuffle, and a VAE's sampling layer
trained with fit."""

import numpy as np
import pytest
from scipy import stats

import glassnet as keras
from glassnet import ops

N = 20_000
ALPHA = 1e-3  # a correct sampler fails a test at a fixed seed with this probability


def samples(tensor):
    return tensor.data.astype(np.float64).ravel()


# -- seeding ---------------------------------------------------------------------------------------
SAMPLERS = {
    "normal": lambda seed: keras.random.normal((5,), seed=seed),
    "uniform": lambda seed: keras.random.uniform((5,), seed=seed),
    "truncated_normal": lambda seed: keras.random.truncated_normal((5,), seed=seed),
    "randint": lambda seed: keras.random.randint((5,), 0, 100, seed=seed),
    "categorical": lambda seed: keras.random.categorical(np.zeros((2, 9)), 5, seed=seed),
    "gamma": lambda seed: keras.random.gamma((5,), 2.0, seed=seed),
    "beta": lambda seed: keras.random.beta((5,), 2.0, 3.0, seed=seed),
    "binomial": lambda seed: keras.random.binomial((5,), 50, 0.5, seed=seed),
    "dropout": lambda seed: keras.random.dropout(np.ones(20), 0.5, seed=seed),
    "shuffle": lambda seed: keras.random.shuffle(np.arange(20), seed=seed),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_an_int_seed_gives_the_same_numbers_every_call(name):
    draw = SAMPLERS[name]
    np.testing.assert_array_equal(draw(3).data, draw(3).data)
    assert not np.array_equal(draw(3).data, draw(4).data)


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_seed_generators_move_on_and_repeat_from_the_same_seed(name):
    draw = SAMPLERS[name]
    first, second = keras.random.SeedGenerator(11), keras.random.SeedGenerator(11)
    a1, a2 = draw(first).data, draw(first).data
    b1, b2 = draw(second).data, draw(second).data
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)


def test_unseeded_draws_follow_set_random_seed():
    keras.utils.set_random_seed(5)
    a = keras.random.normal((4,)).data
    unseeded_generator_draw = keras.random.uniform((3,), seed=keras.random.SeedGenerator()).data
    keras.utils.set_random_seed(5)
    np.testing.assert_array_equal(keras.random.normal((4,)).data, a)
    np.testing.assert_array_equal(
        keras.random.uniform((3,), seed=keras.random.SeedGenerator()).data,
        unseeded_generator_draw,
    )
    assert not np.array_equal(keras.random.normal((4,)).data, a)


def test_seed_generator_config_next_and_errors():
    generator = keras.random.SeedGenerator(7, name="noise")
    assert generator.get_config() == {"seed": 7, "name": "noise"}
    clone = keras.random.SeedGenerator.from_config(generator.get_config())
    np.testing.assert_array_equal(
        keras.random.normal((3,), seed=clone).data, keras.random.normal((3,), seed=generator).data
    )
    seed = generator.next()
    assert seed.shape == (2,) and seed.dtype == np.uint32
    assert isinstance(generator.generator, np.random.Generator)
    with pytest.raises(ValueError, match="SeedGenerator: seed must be an int"):
        keras.random.SeedGenerator("7")
    with pytest.raises(ValueError, match="random.normal: seed must be None, an int"):
        keras.random.normal((2,), seed=1.5)


def test_initializers_accept_a_seed_generator():
    generator = keras.random.SeedGenerator(3)
    init = keras.initializers.RandomNormal(seed=generator)
    expected = np.random.default_rng(3).normal(size=(2, 2))
    np.testing.assert_allclose(init((2, 2)), expected.astype("float32") * 0.05, rtol=1e-6)


# -- distributions ---------------------------------------------------------------------------------
def test_normal_and_uniform_pass_kolmogorov_smirnov():
    x = samples(keras.random.normal((N,), mean=2.0, stddev=3.0, seed=0))
    assert stats.kstest(x, stats.norm(2.0, 3.0).cdf).pvalue > ALPHA
    u = samples(keras.random.uniform((N,), minval=-1.0, maxval=4.0, seed=1))
    assert stats.kstest(u, stats.uniform(-1.0, 5.0).cdf).pvalue > ALPHA
    assert u.min() >= -1.0 and u.max() < 4.0


def test_truncated_normal_is_the_normal_cut_at_two_standard_deviations():
    x = samples(keras.random.truncated_normal((N,), mean=1.0, stddev=0.5, seed=2))
    assert x.min() >= 0.0 and x.max() <= 2.0
    assert stats.kstest(x, stats.truncnorm(-2, 2, loc=1.0, scale=0.5).cdf).pvalue > ALPHA


@pytest.mark.parametrize("alpha", [0.5, 3.0])
def test_gamma_passes_kolmogorov_smirnov(alpha):
    x = samples(keras.random.gamma((N,), alpha=alpha, seed=3))
    assert stats.kstest(x, stats.gamma(alpha).cdf).pvalue > ALPHA


def test_beta_passes_kolmogorov_smirnov():
    x = samples(keras.random.beta((N,), alpha=2.0, beta=5.0, seed=4))
    assert stats.kstest(x, stats.beta(2.0, 5.0).cdf).pvalue > ALPHA


def chi_square_pvalue(draws, probabilities):
    observed = np.bincount(draws.astype(int), minlength=len(probabilities))
    return stats.chisquare(observed, np.asarray(probabilities) * draws.size).pvalue


def test_randint_is_uniform_over_its_range():
    x = keras.random.randint((N,), 3, 10, seed=5)
    assert x.dtype == np.int32 and x.data.min() == 3 and x.data.max() == 9
    assert chi_square_pvalue(x.data - 3, np.full(7, 1 / 7)) > ALPHA


def test_binomial_passes_chi_square():
    x = keras.random.binomial((N,), counts=6, probabilities=0.3, seed=6)
    assert x.dtype == np.float32
    assert chi_square_pvalue(x.data, stats.binom(6, 0.3).pmf(np.arange(7))) > ALPHA


def test_categorical_follows_the_softmax_of_the_logits():
    probabilities = np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    draws = keras.random.categorical(np.log(probabilities), N, seed=7)
    assert draws.shape == (2, N) and draws.dtype == np.int32
    for row, p in zip(draws.data, probabilities):
        assert chi_square_pvalue(row, p) > ALPHA
    shifted = keras.random.categorical(np.log(probabilities) + 100.0, 5, seed=7)
    np.testing.assert_array_equal(shifted.data, keras.random.categorical(
        np.log(probabilities), 5, seed=7).data)  # fmt: skip


# -- dtypes and arguments --------------------------------------------------------------------------
def test_dtypes():
    assert keras.random.normal((2,)).dtype == np.float32
    assert keras.random.uniform((2,), dtype="float64").dtype == np.float64
    assert keras.random.randint((2,), 0, 5, dtype="uint8").dtype == np.uint8
    assert keras.random.beta((2,), 1.0, 1.0, dtype="float16").dtype == np.float16
    keras.config.set_floatx("float64")
    try:
        assert keras.random.gamma((2,), 1.0).dtype == np.float64
    finally:
        keras.config.set_floatx("float32")
    with pytest.raises(ValueError, match="random.uniform: dtype must be a float dtype"):
        keras.random.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="random.randint: dtype must be an integer dtype"):
        keras.random.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="logits must be"):
        keras.random.categorical(np.zeros(3), 2)


def test_dropout_scales_the_kept_units_and_differentiates():
    x = keras.Tensor(np.ones(N), requires_grad=True)
    out = keras.random.dropout(x, 0.25, seed=8)
    kept = out.data != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(out.data[kept], 1 / 0.75)
    out.sum().backward()
    np.testing.assert_allclose(x.grad, out.data)
    rows = keras.random.dropout(np.ones((4, 6)), 0.5, noise_shape=(4, 1), seed=0).data
    assert all(len(set(row)) == 1 for row in rows)  # whole rows kept or dropped


def test_shuffle_permutes_along_an_axis_and_differentiates():
    x = keras.Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    out = keras.random.shuffle(x, axis=1, seed=9)
    np.testing.assert_array_equal(np.sort(out.data, axis=1), x.data)
    assert sorted(out.data[0].tolist()) == [0.0, 1.0, 2.0, 3.0]
    (out * keras.Tensor(np.arange(12.0).reshape(3, 4))).sum().backward()
    order = out.data[0].astype(int)  # the column each output column came from
    np.testing.assert_array_equal(x.grad[0, order], np.arange(4.0))


# -- inside a layer, during fit --------------------------------------------------------------------
class Sampling(keras.layers.Layer):
    """The keras.io VAE example's layer: z = mean + exp(log_var / 2) * epsilon."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch, dim = ops.shape(z_mean)[0], ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


def test_vae_sampling_layer_trains_with_fit():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    z_mean = keras.layers.Dense(2)(hidden)
    z_log_var = keras.layers.Dense(2)(hidden)
    z = Sampling()([z_mean, z_log_var])
    outputs = keras.layers.Dense(4)(z)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    x = np.random.default_rng(0).standard_normal((64, 4)).astype("float32")
    history = model.fit(x, x, epochs=15, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    sampling = next(layer for layer in model.layers if isinstance(layer, Sampling))
    a, b = model(x[:2]).data, model(x[:2]).data
    assert not np.array_equal(a, b)  # a new epsilon at every call
    assert all(w.grad is not None for w in model.trainable_weights)
    assert sampling.seed_generator.generator is not None
