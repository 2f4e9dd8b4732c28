import numpy as np
import pytest
import scipy.special

from glassnet import Tensor, ops
from tests.ops.harness import OpCase, away_from, integers, normal, standard_tests, uniform

try:
    import torch
except ImportError:
    torch = None


def unary(name, make, numpy_ref, torch_ref, **options):
    return OpCase(name, getattr(ops, name), [make], numpy_ref, torch_ref, **options)


CASES = [
    unary("sin", normal(3, 4), np.sin, lambda x: torch.sin(x)),
    unary("cos", normal(3, 4), np.cos, lambda x: torch.cos(x)),
    unary("tan", uniform(-1.2, 1.2, 3, 4), np.tan, lambda x: torch.tan(x)),
    unary("arcsin", uniform(-0.9, 0.9, 3, 4), np.arcsin, lambda x: torch.asin(x)),
    unary("arccos", uniform(-0.9, 0.9, 3, 4), np.arccos, lambda x: torch.acos(x)),
    unary("arctan", normal(3, 4), np.arctan, lambda x: torch.atan(x)),
    unary("sinh", normal(3, 4), np.sinh, lambda x: torch.sinh(x)),
    unary("cosh", normal(3, 4), np.cosh, lambda x: torch.cosh(x)),
    unary("arcsinh", normal(3, 4), np.arcsinh, lambda x: torch.asinh(x)),
    unary("arccosh", uniform(1.2, 3.0, 3, 4), np.arccosh, lambda x: torch.acosh(x)),
    unary("arctanh", uniform(-0.9, 0.9, 3, 4), np.arctanh, lambda x: torch.atanh(x)),
    unary("exp2", normal(3, 4), np.exp2, lambda x: torch.exp2(x)),
    unary("expm1", normal(3, 4), np.expm1, lambda x: torch.expm1(x)),
    unary("log1p", uniform(-0.5, 3.0, 3, 4), np.log1p, lambda x: torch.log1p(x)),
    unary("log2", uniform(0.2, 3.0, 3, 4), np.log2, lambda x: torch.log2(x)),
    unary("log10", uniform(0.2, 3.0, 3, 4), np.log10, lambda x: torch.log10(x)),
    unary(
        "cbrt",
        away_from(0, 3, 4, gap=0.2),
        np.cbrt,
        lambda x: torch.sign(x) * torch.abs(x) ** (1 / 3),
    ),
    unary("rsqrt", uniform(0.2, 3.0, 3, 4), lambda x: 1 / np.sqrt(x), lambda x: torch.rsqrt(x)),
    unary("sinc", normal(3, 4), np.sinc, lambda x: torch.sinc(x)),
    unary("erf", normal(3, 4), scipy.special.erf, lambda x: torch.erf(x)),
    unary("erfc", normal(3, 4), scipy.special.erfc, lambda x: torch.erfc(x)),
    unary("erfinv", uniform(-0.9, 0.9, 3, 4), scipy.special.erfinv, lambda x: torch.erfinv(x)),
    unary("i0", normal(3, 4), np.i0, lambda x: torch.special.i0(x)),
    unary("fabs", away_from(0, 3, 4), np.fabs, lambda x: torch.abs(x)),
    unary("deg2rad", normal(3, 4, scale=90), np.deg2rad, lambda x: torch.deg2rad(x)),
    unary("rad2deg", normal(3, 4), np.rad2deg, lambda x: torch.rad2deg(x)),
    unary("real", normal(3, 4), np.real, lambda x: torch.real(x)),
    unary("conj", normal(3, 4), np.conj, lambda x: torch.conj(x)),
    OpCase(
        "arctan2",
        ops.arctan2,
        [normal(3, 4), normal(3, 1)],
        np.arctan2,
        lambda a, b: torch.atan2(a, b),
    ),
    OpCase("hypot", ops.hypot, [normal(3, 4), normal(4)], np.hypot, lambda a, b: torch.hypot(a, b)),
    OpCase(
        "logaddexp",
        ops.logaddexp,
        [normal(3, 4, scale=3), normal(3, 4)],
        np.logaddexp,
        lambda a, b: torch.logaddexp(a, b),
    ),
    OpCase(
        "logaddexp2",
        ops.logaddexp2,
        [normal(3, 4, scale=3), normal(1, 4)],
        np.logaddexp2,
        lambda a, b: torch.logaddexp2(a, b),
    ),
    OpCase(
        "ldexp",
        ops.ldexp,
        [normal(3, 4), integers(-3, 4, 3, 4)],
        np.ldexp,
        # torch.ldexp's gradient computes 2**b in integers (0 for b < 0), so compare with a * 2.0**b
        lambda a, b: a * torch.pow(2.0, b.double()),
    ),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


@pytest.mark.parametrize(
    "name", ["sin", "arctan", "exp2", "log1p", "erf", "sinc", "cbrt", "i0", "ceil", "fabs"]
)
def test_integer_and_bool_inputs_give_floatx(name):
    for dtype in ("int8", "int32", "bool"):
        out = getattr(ops, name)(np.array([0, 1, 1], dtype=dtype))
        assert out.dtype == np.float32, (name, dtype, out.dtype)


def test_int64_gives_float64_where_keras_widens():
    for name in ("cbrt", "i0", "deg2rad", "rad2deg"):
        assert getattr(ops, name)(np.array([1, 2])).dtype == np.float64, name
    assert ops.hypot(np.array([3]), np.array([4])).dtype == np.float64
    assert ops.hypot(np.array([3], dtype="int32"), 4).dtype == np.float32


def test_domain_errors_give_nan_without_warnings():
    # the test suite turns RuntimeWarnings into errors, so this would fail if NumPy warned
    out = ops.arccosh(np.array([0.5, 2.0]))
    assert np.isnan(out.data[0]) and np.isfinite(out.data[1])
    assert ops.log2(np.array([0.0])).data[0] == -np.inf


def test_rounding_has_no_gradient_and_keeps_integers():
    x = Tensor(np.array([1.5, -1.5]), requires_grad=True)
    assert not ops.ceil(x).requires_grad and not ops.trunc(x).requires_grad
    np.testing.assert_array_equal(ops.ceil(x).data, [2.0, -1.0])
    np.testing.assert_array_equal(ops.trunc(x).data, [1.0, -1.0])
    assert ops.trunc(np.array([3, -2])).dtype == np.int64


def test_ldexp_refuses_float_exponents():
    with pytest.raises(TypeError, match="ldexp: the exponents x2 must be integers"):
        ops.ldexp(np.ones(2), np.ones(2))


# -- complex numbers -----------------------------------------------------------------------------
def test_complex_parts_match_numpy():
    z = np.array([1 + 2j, -3 - 0.5j, 2j])
    np.testing.assert_array_equal(ops.real(z).data, z.real)
    np.testing.assert_array_equal(ops.imag(z).data, z.imag)
    np.testing.assert_array_equal(ops.conjugate(z).data, np.conj(z))
    np.testing.assert_allclose(ops.angle(z).data, np.angle(z))
    np.testing.assert_array_equal(ops.imag(np.array([1.0, 2.0])).data, [0.0, 0.0])
    pairs = np.array([[1.0, 2.0], [3.0, -4.0]], dtype="float32")
    assert ops.view_as_complex(pairs).dtype == np.complex64
    np.testing.assert_array_equal(ops.view_as_real(ops.view_as_complex(pairs)).data, pairs)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("part", ["real", "imag", "angle", "conj_real", "view_as_real"])
def test_complex_gradients_match_torch(part):
    pairs = np.random.default_rng(0).standard_normal((3, 2))
    factor = np.array([0.5 - 1.5j, 2.0 + 0.3j, -1.0 + 1.0j])
    weights = np.random.default_rng(1).standard_normal((3, 2) if part == "view_as_real" else 3)

    def ours(x):
        z = ops.multiply(ops.view_as_complex(x), factor)
        return {
            "real": lambda: ops.real(z),
            "imag": lambda: ops.imag(z),
            "angle": lambda: ops.angle(z),
            "conj_real": lambda: ops.imag(ops.conj(z)),
            "view_as_real": lambda: ops.view_as_real(z),
        }[part]()

    def theirs(x):
        z = torch.view_as_complex(x) * torch.tensor(factor)
        return {
            "real": lambda: torch.real(z),
            "imag": lambda: torch.imag(z),
            "angle": lambda: torch.angle(z),
            "conj_real": lambda: torch.imag(torch.conj(z)),
            "view_as_real": lambda: torch.view_as_real(z),
        }[part]()

    x = Tensor(pairs, requires_grad=True)
    (ours(x) * Tensor(weights)).sum().backward()
    t = torch.tensor(pairs, requires_grad=True)
    (theirs(t) * torch.tensor(weights)).sum().backward()
    expected = theirs(t).detach().resolve_conj().resolve_neg().numpy()
    np.testing.assert_allclose(ours(Tensor(pairs)).data, expected, rtol=1e-12)
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_view_as_real_puts_the_pairs_on_a_new_last_axis():
    z = np.array([[1 + 2j, 3 - 4j, 5j], [-1j, 2 + 0j, -3 + 1j]])
    pairs = ops.view_as_real(z).data
    assert pairs.shape == (2, 3, 2)
    np.testing.assert_array_equal(pairs, np.stack([z.real, z.imag], axis=-1))


def test_erf_and_erfc_in_both_tails_match_scipy():
    x = np.concatenate([np.linspace(-8.0, -2.0, 25), np.linspace(2.0, 8.0, 25)])
    np.testing.assert_allclose(ops.erfc(x).data, scipy.special.erfc(x), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(ops.erf(x).data, scipy.special.erf(x), rtol=1e-12)
