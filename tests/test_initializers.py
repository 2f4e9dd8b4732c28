"""Initializers: shapes and dtypes, the statistics of large draws, seeded reproducibility,
orthogonality, the STFT kernel against Keras, and names/configs as Keras has them."""

import json
import math
import os

import numpy as np
import pytest
from scipy import signal, stats

import glassnet as keras
from glassnet import initializers

HERE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_optimizers")
LARGE = (400, 500)  # 200,000 draws: sample moments within ~0.5% of the true ones


ALL = [
    initializers.Zeros(),
    initializers.Ones(),
    initializers.Constant(0.5),
    initializers.RandomNormal(seed=1),
    initializers.RandomUniform(seed=1),
    initializers.TruncatedNormal(seed=1),
    initializers.VarianceScaling(seed=1),
    initializers.GlorotUniform(seed=1),
    initializers.GlorotNormal(seed=1),
    initializers.HeUniform(seed=1),
    initializers.HeNormal(seed=1),
    initializers.LecunUniform(seed=1),
    initializers.LecunNormal(seed=1),
    initializers.Orthogonal(seed=1),
    initializers.Identity(),
]


@pytest.mark.parametrize("initializer", ALL, ids=lambda i: type(i).__name__)
def test_shape_and_dtype(initializer):
    assert initializer((3, 5)).shape == (3, 5)
    assert initializer((3, 5)).dtype == np.float32
    assert initializer((3, 5), dtype="float64").dtype == np.float64


@pytest.mark.parametrize(
    "initializer,mean,std",
    [
        (initializers.RandomNormal(mean=1.0, stddev=2.0, seed=0), 1.0, 2.0),
        (initializers.RandomUniform(-1.0, 3.0, seed=0), 1.0, 4.0 / math.sqrt(12)),
        # a normal truncated at two standard deviations keeps 0.8796 of the standard deviation
        (initializers.TruncatedNormal(mean=0.5, stddev=2.0, seed=0), 0.5, 2.0 * 0.87962566),
    ],
    ids=["normal", "uniform", "truncated_normal"],
)
def test_random_initializer_moments(initializer, mean, std):
    values = initializer(LARGE, dtype="float64")
    assert abs(values.mean() - mean) < 0.02 * std
    assert values.std() == pytest.approx(std, rel=0.01)


def test_distributions_pass_kolmogorov_smirnov_at_fixed_seeds():
    normal = initializers.RandomNormal(mean=1.0, stddev=2.0, seed=3)((5000,), "float64")
    assert stats.kstest(normal, stats.norm(1.0, 2.0).cdf).pvalue > 0.01
    uniform = initializers.RandomUniform(-1.0, 3.0, seed=3)((5000,), "float64")
    assert stats.kstest(uniform, stats.uniform(-1.0, 4.0).cdf).pvalue > 0.01
    truncated = initializers.TruncatedNormal(stddev=0.5, seed=3)((5000,), "float64")
    assert np.abs(truncated).max() <= 1.0
    assert stats.kstest(truncated, stats.truncnorm(-2, 2, scale=0.5).cdf).pvalue > 0.01


@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
def test_variance_scaling_variance_is_scale_over_fan(mode, distribution):
    shape = (3, 3, 40, 60)  # fan_in 360, fan_out 540
    fan = {"fan_in": 360, "fan_out": 540, "fan_avg": 450}[mode]
    values = initializers.VarianceScaling(2.0, mode, distribution, seed=0)(shape, "float64")
    assert values.var() == pytest.approx(2.0 / fan, rel=0.02)
    assert abs(values.mean()) < 0.02 * math.sqrt(2.0 / fan)
    if distribution == "uniform":
        assert np.abs(values).max() <= math.sqrt(3 * 2.0 / fan)


@pytest.mark.parametrize(
    "cls,scale,mode,limit",
    [
        (initializers.GlorotUniform, 1.0, "fan_avg", True),
        (initializers.GlorotNormal, 1.0, "fan_avg", False),
        (initializers.HeUniform, 2.0, "fan_in", True),
        (initializers.HeNormal, 2.0, "fan_in", False),
        (initializers.LecunUniform, 1.0, "fan_in", True),
        (initializers.LecunNormal, 1.0, "fan_in", False),
    ],
)
def test_named_variance_scalings(cls, scale, mode, limit):
    fan = {"fan_in": 400, "fan_avg": 450}[mode]
    values = cls(seed=0)(LARGE, "float64")
    assert values.var() == pytest.approx(scale / fan, rel=0.02)
    bound = math.sqrt(3 * scale / fan) if limit else 2 * math.sqrt(scale / fan) / 0.87962566
    assert np.abs(values).max() <= bound


def test_normal_means_truncated_normal_as_in_keras():
    init = initializers.VarianceScaling(distribution="normal")
    assert init.distribution == "truncated_normal"
    with pytest.raises(ValueError, match="scale must be > 0"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="mode must be"):
        initializers.VarianceScaling(mode="fan_sum")


def test_compute_fans_with_axes():
    assert initializers.compute_fans(()) == (1, 1)
    assert initializers.compute_fans((7,)) == (7, 7)
    assert initializers.compute_fans((5, 3)) == (5, 3)
    assert initializers.compute_fans((3, 3, 16, 32)) == (144, 288)
    assert initializers.compute_fans((4, 5, 6), input_axes=[0, 1], output_axes=[2]) == (20, 6)
    init = initializers.VarianceScaling(
        1.0, "fan_in", "uniform", input_axes=[0, 1], output_axes=[2]
    )
    assert np.abs(init((4, 5, 6), "float64")).max() <= math.sqrt(3 / 20)


def test_an_integer_seed_gives_the_same_values_every_time():
    for cls in (initializers.RandomNormal, initializers.Orthogonal, initializers.HeUniform):
        first = cls(seed=42)((6, 4))
        np.testing.assert_array_equal(first, cls(seed=42)((6, 4)))
        init = cls(seed=42)
        np.testing.assert_array_equal(init((6, 4)), init((6, 4)))
        assert not np.array_equal(first, cls(seed=43)((6, 4)))


def test_unseeded_initializers_follow_the_shared_generator():
    init = initializers.GlorotNormal()
    keras.utils.set_random_seed(7)
    first, second = init((5, 5)), init((5, 5))
    keras.utils.set_random_seed(7)
    np.testing.assert_array_equal(first, init((5, 5)))
    np.testing.assert_array_equal(second, init((5, 5)))
    assert not np.array_equal(first, second)


def test_a_generator_seed_is_drawn_from_in_turn():
    generator = np.random.default_rng(0)
    init = initializers.RandomUniform(seed=generator)
    first, second = init((3,)), init((3,))
    expected = np.random.default_rng(0).uniform(-0.05, 0.05, (2, 3)).astype("float32")
    np.testing.assert_array_equal(np.stack([first, second]), expected)
    with pytest.raises(ValueError, match="seed must be None"):
        initializers.RandomNormal(seed="three")


@pytest.mark.parametrize("shape", [(6, 6), (8, 3), (3, 8), (2, 3, 4)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    q = initializers.Orthogonal(gain=1.5, seed=0)(shape, "float64")
    flat = q.reshape(-1, shape[-1])
    if flat.shape[0] >= flat.shape[1]:
        np.testing.assert_allclose(flat.T @ flat, 2.25 * np.eye(flat.shape[1]), atol=1e-12)
    else:
        np.testing.assert_allclose(flat @ flat.T, 2.25 * np.eye(flat.shape[0]), atol=1e-12)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        initializers.Orthogonal()((4,))


def test_identity_and_constant():
    np.testing.assert_array_equal(initializers.Identity(gain=3.0)((2, 3)), 3 * np.eye(2, 3))
    with pytest.raises(ValueError, match="2-D shape"):
        initializers.Identity()((2, 2, 2))
    np.testing.assert_array_equal(
        initializers.Constant(np.array([1.0, 2.0]))((3, 2)), [[1, 2], [1, 2], [1, 2]]
    )
    config = initializers.Constant(np.array([1.0, 2.0])).get_config()
    assert json.dumps(config) == '{"value": [1.0, 2.0]}'


with open(os.path.join(HERE, "initializers.json")) as handle:
    STFT_CASES = json.load(handle)
STFT_KERNELS = np.load(os.path.join(HERE, "initializers.npz"))


@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize("case", sorted(STFT_CASES["stft"]))
def test_stft_kernel_equals_keras(case, side):
    initializer = initializers.STFT(side=side, **STFT_CASES["stft"][case])
    kernel = initializer(tuple(STFT_CASES["stft_shape"]), dtype="float64")
    np.testing.assert_allclose(kernel, STFT_KERNELS[f"{case}__{side}"], rtol=1e-12, atol=1e-13)


def test_stft_kernel_is_the_dft_of_each_frame():
    # a frame x convolved with the real and imaginary kernels gives rfft(x * window) / scale
    frame = np.random.default_rng(0).standard_normal(8)
    window = signal.get_window("hann", 8, fftbins=True)
    real = initializers.STFT("real", "hann", "spectrum", periodic=True)((8, 1, 5), "float64")
    imag = initializers.STFT("imag", "hann", "spectrum", periodic=True)((8, 1, 5), "float64")
    expected = np.fft.rfft(frame * window) / window.sum()
    np.testing.assert_allclose(frame @ real[:, 0, :], expected.real, atol=1e-12)
    np.testing.assert_allclose(frame @ imag[:, 0, :], expected.imag, atol=1e-12)
    assert initializers.STFT()((8, 3, 5)).shape == (8, 3, 5)  # one copy per input channel


@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "bartlett", "boxcar"])
@pytest.mark.parametrize("periodic", [False, True])
def test_windows_equal_scipys(name, periodic):
    for length in (1, 2, 7, 16):
        np.testing.assert_allclose(
            initializers.get_window(name, length, periodic),
            signal.get_window(name, length, fftbins=periodic),
            atol=1e-15,
        )
    np.testing.assert_allclose(
        initializers.get_window(("tukey", 0.5), 9), signal.get_window(("tukey", 0.5), 9, False)
    )


def test_stft_errors():
    with pytest.raises(ValueError, match="side must be"):
        initializers.STFT(side="both")
    with pytest.raises(ValueError, match="scaling must be"):
        initializers.STFT(scaling="power")
    with pytest.raises(ValueError, match="unknown window"):
        initializers.STFT(window="no-such-window")
    with pytest.raises(ValueError, match="frame_length=4 values"):
        initializers.STFT(window=np.ones(3))((4, 1, 3))


KERAS_NAMES = [
    "constant",
    "identity",
    "ones",
    "zeros",
    "stft",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "truncated_normal",
    "variance_scaling",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "lecun_uniform",
    "IdentityInitializer",
    "OrthogonalInitializer",
    "STFTInitializer",
]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_keras_names_are_the_classes_and_resolve_by_string(name):
    cls = getattr(initializers, name)
    assert isinstance(cls, type) and issubclass(cls, initializers.Initializer)
    assert type(initializers.get(name)) is cls


@pytest.mark.parametrize(
    "initializer",
    ALL + [initializers.STFT("imag", "hamming", None, True), initializers.RandomNormal()],
    ids=lambda i: type(i).__name__,
)
def test_serialize_deserialize_round_trip(initializer):
    spec = initializers.serialize(initializer)
    assert spec["module"] == "keras.initializers"
    rebuilt = initializers.deserialize(json.loads(json.dumps(spec)))
    assert type(rebuilt) is type(initializer)
    assert rebuilt.get_config() == initializer.get_config()
    assert initializer.clone().get_config() == initializer.get_config()


def test_configs_carry_kerass_keys():
    assert initializers.HeNormal(seed=3).get_config() == {"seed": 3}
    assert initializers.GlorotUniform(input_axes=[0], output_axes=[1]).get_config() == {
        "seed": None,
        "input_axes": [0],
        "output_axes": [1],
    }
    assert initializers.VarianceScaling().get_config() == {
        "seed": None,
        "scale": 1.0,
        "mode": "fan_in",
        "distribution": "truncated_normal",
    }
    assert initializers.STFT().get_config() == {
        "side": "real",
        "window": "hann",
        "periodic": False,
        "scaling": "density",
    }


def test_get_accepts_arrays_functions_classes_and_refuses_the_rest():
    value = np.arange(6.0).reshape(2, 3)
    from_array = initializers.get(value)
    np.testing.assert_array_equal(from_array((2, 3)), value.astype("float32"))
    with pytest.raises(ValueError, match="has shape"):
        from_array((3, 2))

    def function(shape, dtype=None):
        return np.full(shape, 7.0)

    assert initializers.get(function) is function
    assert isinstance(initializers.get(initializers.HeNormal), initializers.HeNormal)
    assert initializers.get(None) is None
    with pytest.raises(ValueError, match="Did you mean 'he_normal'"):
        initializers.get("he_normall")
    with pytest.raises(ValueError, match="Could not interpret"):
        initializers.get(3)


def test_a_layer_built_with_an_orthogonal_kernel():
    layer = keras.layers.Dense(4, kernel_initializer="orthogonal")
    layer.build((None, 4))
    kernel = np.asarray(layer.kernel.data, dtype="float64")
    np.testing.assert_allclose(kernel.T @ kernel, np.eye(4), atol=1e-6)
