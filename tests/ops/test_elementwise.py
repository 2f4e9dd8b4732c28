import warnings

import numpy as np
import pytest

from glassnet import Tensor, ops
from tests.ops.harness import (
    OpCase,
    away_from,
    normal,
    standard_tests,
    uniform,
)

try:
    import torch
except ImportError:
    torch = None

CONDITION = np.random.default_rng(7).random((3, 4)) > 0.5

CASES = [
    OpCase("add", ops.add, [normal(3, 4), normal(3, 4)], np.add, lambda a, b: a + b),
    OpCase("add_broadcast_row", ops.add, [normal(3, 4), normal(4)], np.add, lambda a, b: a + b),
    OpCase(
        "add_broadcast_both",
        ops.add,
        [normal(3, 1, 4), normal(1, 5, 1)],
        np.add,
        lambda a, b: a + b,
    ),
    OpCase(
        "subtract_broadcast",
        ops.subtract,
        [normal(2, 3, 4), normal(3, 1)],
        np.subtract,
        lambda a, b: a - b,
    ),
    OpCase(
        "multiply_broadcast",
        ops.multiply,
        [normal(3, 4), normal(1, 4)],
        np.multiply,
        lambda a, b: a * b,
    ),
    OpCase(
        "multiply_scalar_tensor",
        ops.multiply,
        [normal(3, 4), normal()],
        np.multiply,
        lambda a, b: a * b,
    ),
    OpCase(
        "divide_broadcast",
        ops.divide,
        [normal(3, 4), uniform(0.5, 2.0, 4)],
        np.divide,
        lambda a, b: a / b,
    ),
    OpCase(
        "power",
        ops.power,
        [uniform(0.5, 2.0, 3, 4), uniform(-1.5, 2.5, 3, 4)],
        np.power,
        lambda a, b: a**b,
    ),
    OpCase(
        "power_broadcast",
        ops.power,
        [uniform(0.5, 2.0, 2, 3), uniform(0.5, 2.0, 3)],
        np.power,
        lambda a, b: a**b,
    ),
    OpCase("negative", ops.negative, [normal(3, 4)], np.negative, lambda a: -a),
    OpCase("exp", ops.exp, [normal(3, 4)], np.exp, torch.exp if torch else None),
    OpCase("log", ops.log, [uniform(0.2, 3.0, 3, 4)], np.log, torch.log if torch else None),
    OpCase("sqrt", ops.sqrt, [uniform(0.2, 3.0, 3, 4)], np.sqrt, torch.sqrt if torch else None),
    OpCase("square", ops.square, [normal(3, 4)], np.square, torch.square if torch else None),
    OpCase("abs", ops.abs, [away_from(0, 3, 4)], np.abs, torch.abs if torch else None),
    OpCase(
        "maximum",
        ops.maximum,
        [normal(3, 4), normal(3, 4)],
        np.maximum,
        torch.maximum if torch else None,
    ),
    OpCase(
        "maximum_broadcast",
        ops.maximum,
        [normal(3, 4), normal(4)],
        np.maximum,
        torch.maximum if torch else None,
    ),
    OpCase(
        "minimum",
        ops.minimum,
        [normal(3, 4), normal(1, 4)],
        np.minimum,
        torch.minimum if torch else None,
    ),
    OpCase(
        "clip",
        lambda x: ops.clip(x, -0.5, 0.7),
        [away_from([-0.5, 0.7], 4, 5)],
        lambda x: np.clip(x, -0.5, 0.7),
        lambda x: torch.clamp(x, -0.5, 0.7),
    ),
    OpCase(
        "where",
        lambda a, b: ops.where(CONDITION, a, b),
        [normal(3, 4), normal(4)],
        lambda a, b: np.where(CONDITION, a, b),
        lambda a, b: torch.where(torch.tensor(CONDITION), a, b),
    ),
]


test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_python_scalars_do_not_upcast_float32():
    x = Tensor(np.ones((2, 2), dtype=np.float32))
    for result in (x * 2.5, 2.5 * x, x + 1, x / 3.0, 1.0 - x, x**2.0, x * np.float64(2.0)):
        assert result.dtype == np.float32


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("scalar", [2, 2.5, -0.75])
def test_a_python_number_acts_as_a_0d_array_of_the_tensors_dtype(dtype, scalar):
    # the operators turn a Python number into a constant of the tensor's dtype at once; the
    # result, dtype and gradient are those of the number given as such an array
    values = np.array([[0.5, -3.0], [0.25, 7.0]], dtype=dtype)
    as_array = np.asarray(scalar, dtype=dtype)

    def output_and_gradient(operator, operand):
        x = Tensor(values, requires_grad=True)
        out = operator(x, operand)
        ops.sum(out).backward()
        return out, x.grad

    operators = [
        lambda a, s: a + s,
        lambda a, s: s + a,
        lambda a, s: a - s,
        lambda a, s: s - a,
        lambda a, s: a * s,
        lambda a, s: s * a,
        lambda a, s: a / s,
        lambda a, s: s / a,
    ]
    for operator in operators:
        fast, x_grad = output_and_gradient(operator, scalar)
        reference, reference_grad = output_and_gradient(operator, Tensor(as_array))
        assert fast.dtype == reference.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(fast.data, reference.data)
        np.testing.assert_array_equal(x_grad, reference_grad)


@pytest.mark.parametrize("op", [ops.add, ops.subtract, ops.multiply, ops.divide])
def test_a_python_number_beside_a_float_tensor_is_not_recorded_as_a_parent(op):
    # tensor_and_number's route: the graph holds the tensor alone (its backward gives one
    # gradient); every other pair of operands takes promoted's route, with a parent each
    x = Tensor(np.array([0.5, -2.0], dtype="float32"), requires_grad=True)
    assert op(x, 2.0)._parents == (x,)
    assert op(x, 3)._parents == (x,)
    if op is not ops.divide:  # (2.0 / x: the general route, whose gradient needs out / x)
        assert op(2.0, x)._parents == (x,)
    for other in (True, np.float32(2.0), np.array(2.0, dtype="float32"), [2.0, 2.0]):
        assert len(op(x, other)._parents) == 2, other
    integers = Tensor(np.array([1, 2], dtype="int32"))
    weights = Tensor(np.array([1.0, 1.0], dtype="float32"), requires_grad=True)
    assert len(op(integers * weights, 2.0)._parents) == 1  # (float32 by then)
    assert op(integers, 2).dtype == (np.float32 if op is ops.divide else np.int32)
    by_zero = op(x, 0.0)
    if op is ops.divide:  # x / 0.0 takes the general route, which silences NumPy's warning
        assert len(by_zero._parents) == 2
    else:
        assert by_zero._parents == (x,)


@pytest.mark.parametrize("divisor", [3.0, -0.5, 3, 1e30, 0.0, -0.0, 0, np.inf, -np.inf, np.nan])
def test_divide_by_a_number_is_silent_and_is_numpys_division(divisor):
    # dividing by a finite non-zero number skips np.errstate; every other divisor keeps it
    x = np.array([1.0, -2.0, 0.0, np.inf, -np.inf, np.nan], dtype="float32")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ops.divide(Tensor(x), divisor)
    with np.errstate(all="ignore"):
        expected = x / np.float32(divisor)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, expected)


def test_float64_array_follows_numpy_promotion():
    out = Tensor(np.ones(2, dtype=np.float32)) + Tensor(np.ones(2, dtype=np.float64))
    assert out.dtype == np.float64


def test_shape_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(3, 4\) and \(5,\)"):
        ops.add(np.zeros((3, 4)), np.zeros(5))
    with pytest.raises(ValueError, match=r"multiply: .*\(2, 3\) and \(4, 3\)"):
        Tensor(np.zeros((2, 3))) * Tensor(np.zeros((4, 3)))


def test_string_and_object_arrays_are_refused():
    with pytest.raises(TypeError, match="exp: expected a numeric array.*strings"):
        ops.exp(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="Python objects"):
        ops.add(np.array([1, None], dtype=object), 1.0)


def test_maximum_splits_gradient_on_ties():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([1.0, 1.0], requires_grad=True)
    ops.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 0.0])


def test_clip_rejects_inverted_bounds():
    with pytest.raises(ValueError, match="clip: x_min"):
        ops.clip(np.zeros(3), 1.0, 0.0)


# -- Keras's dtype promotion ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "x1, x2, expected",
    [
        (np.array([1, 2], dtype="int64"), np.array([1.0, 2.0], dtype="float32"), "float32"),
        (np.array([1, 2], dtype="int32"), 2.5, "float32"),
        (np.array([1, 2], dtype="int8"), 3, "int8"),
        (np.array([1, 2], dtype="uint8"), np.array([1, 2], dtype="int8"), "int16"),
        (np.array([True, False]), np.array([1, 2], dtype="int32"), "int32"),
        (np.array([1.0], dtype="float16"), 2.0, "float16"),
        (np.array([1.0], dtype="float16"), np.array([1, 2], dtype="int64"), "float16"),
    ],
)
def test_binary_ops_follow_keras_promotion(x1, x2, expected):
    for op in (ops.add, ops.subtract, ops.multiply, ops.maximum):
        assert op(x1, x2).dtype == np.dtype(expected), (op.__name__, x1.dtype, x2)


def test_integer_division_and_means_give_float32():
    ints = np.array([1, 2, 3])
    assert ops.divide(ints, ints).dtype == np.float32
    assert ops.sqrt(ints).dtype == np.float32 and ops.exp(ints).dtype == np.float32
    assert ops.square(np.array([True])).dtype == np.int32


def test_float32_gradient_goes_back_through_promotion():
    x = Tensor(np.ones(3, dtype="float32"), requires_grad=True)
    out = ops.multiply(x, np.array([1.0, 2.0, 3.0]))  # float64 array: the product is float64
    assert out.dtype == np.float64
    out.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [1.0, 2.0, 3.0])


# -- more elementwise functions ------------------------------------------------------------------
CHOICE = np.random.default_rng(5).random((3, 4)) > 0.5

MORE_CASES = [
    OpCase(
        "reciprocal",
        ops.reciprocal,
        [away_from(0, 3, 4, gap=0.3)],
        np.reciprocal,
        lambda x: torch.reciprocal(x),
    ),
    OpCase(
        "divide_no_nan",
        ops.divide_no_nan,
        [normal(3, 4), uniform(0.5, 2.0, 4)],
        np.divide,
        lambda a, b: a / b,
    ),
    OpCase(
        "mod",
        ops.mod,
        [normal(3, 4, scale=3), uniform(0.5, 2.0, 3, 4)],
        np.mod,
        lambda a, b: torch.remainder(a, b),
    ),
    OpCase(
        "fmod",
        ops.fmod,
        [normal(3, 4, scale=3), uniform(0.5, 2.0, 4)],
        np.fmod,
        lambda a, b: torch.fmod(a, b),
    ),
    OpCase("fmax", ops.fmax, [normal(3, 4), normal(3, 4)], np.fmax, lambda a, b: torch.fmax(a, b)),
    OpCase("fmin", ops.fmin, [normal(3, 4), normal(4)], np.fmin, lambda a, b: torch.fmin(a, b)),
    OpCase(
        "nan_to_num_finite",
        ops.nan_to_num,
        [normal(3, 4)],
        np.nan_to_num,
        lambda x: torch.nan_to_num(x),
    ),
    OpCase(
        "select",
        lambda a, b: ops.select([CHOICE, ~CHOICE & (np.arange(4) > 1)], [a, b], 0.5),
        [normal(3, 4), normal(4)],
        lambda a, b: np.select([CHOICE, ~CHOICE & (np.arange(4) > 1)], [a, b], 0.5),
        lambda a, b: torch.where(
            torch.tensor(CHOICE),
            a,
            torch.where(torch.tensor(~CHOICE & (np.arange(4) > 1)), b, torch.tensor(0.5)),
        ),
    ),
]

(
    test_more_forward,
    test_more_float32,
    test_more_gradcheck,
    test_more_torch,
) = standard_tests(MORE_CASES)


def test_divide_no_nan_gives_zero_and_zero_gradient_where_the_divisor_is_zero():
    a = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    b = Tensor(np.array([2.0, 0.0, 0.0]), requires_grad=True)
    out = ops.divide_no_nan(a, b)
    np.testing.assert_array_equal(out.data, [0.5, 0.0, 0.0])
    out.sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 0.0, 0.0])
    np.testing.assert_array_equal(b.grad, [-0.25, 0.0, 0.0])


def test_nan_to_num_replaces_and_blocks_gradient_at_non_finite_values():
    x = Tensor(np.array([np.nan, np.inf, -np.inf, 2.0]), requires_grad=True)
    out = ops.nan_to_num(x, nan=-1.0, posinf=9.0)
    np.testing.assert_array_equal(out.data[:2], [-1.0, 9.0])
    assert out.data[2] == np.finfo(np.float64).min
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0, 1.0])


def test_integer_remainders_floor_division_heaviside_and_nextafter():
    a, b = np.array([7, -7, 5]), np.array([3, 3, -2])
    np.testing.assert_array_equal(ops.mod(a, b).data, np.mod(a, b))
    np.testing.assert_array_equal(ops.fmod(a, b).data, np.fmod(a, b))
    np.testing.assert_array_equal(ops.floor_divide(a, b).data, np.floor_divide(a, b))
    assert ops.mod(np.array([7], dtype="int8"), 3).dtype == np.int32  # Keras converts the 3
    assert ops.floor_divide(np.array([7], dtype="int8"), 3).dtype == np.int8
    np.testing.assert_array_equal(ops.heaviside(np.array([-1.0, 0.0, 3.0]), 0.5).data, [0, 0.5, 1])
    x = np.array([1.0, 2.0], dtype="float32")
    np.testing.assert_array_equal(ops.nextafter(x, 3.0).data, np.nextafter(x, np.float32(3.0)))


def test_fmax_ignores_nan_and_where_without_branches_gives_indices():
    np.testing.assert_array_equal(ops.fmax([np.nan, 1.0], [2.0, np.nan]).data, [2.0, 1.0])
    rows, cols = ops.where(np.array([[True, False], [False, True]]))
    assert rows.dtype == np.int32 and rows.data.tolist() == [0, 1] and cols.data.tolist() == [0, 1]
    with pytest.raises(ValueError, match="where: pass both x1 and x2"):
        ops.where([True], [1.0])
