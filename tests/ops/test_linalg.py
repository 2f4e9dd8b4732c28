import numpy as np
import pytest
import scipy.linalg

from glassnet import Tensor, ops
from tests.ops.harness import OpCase, normal, standard_tests

try:
    import torch
except ImportError:
    torch = None

matmul_torch = torch.matmul if torch else None

CASES = [
    OpCase("matmul_2d", ops.matmul, [normal(3, 4), normal(4, 5)], np.matmul, matmul_torch),
    OpCase(
        "matmul_batched", ops.matmul, [normal(2, 3, 4), normal(2, 4, 5)], np.matmul, matmul_torch
    ),
    OpCase(
        "matmul_batch_broadcast",
        ops.matmul,
        [normal(2, 1, 3, 4), normal(3, 4, 2)],
        np.matmul,
        matmul_torch,
    ),
    OpCase(
        "matmul_batched_by_2d", ops.matmul, [normal(2, 3, 4), normal(4, 5)], np.matmul, matmul_torch
    ),
    OpCase("matmul_vector_left", ops.matmul, [normal(4), normal(4, 5)], np.matmul, matmul_torch),
    OpCase("matmul_vector_right", ops.matmul, [normal(3, 4), normal(4)], np.matmul, matmul_torch),
    OpCase("matmul_vector_vector", ops.matmul, [normal(4), normal(4)], np.matmul, matmul_torch),
]


test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_misaligned_shapes_name_both():
    with pytest.raises(
        ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) are not aligned.*3.*4"
    ):
        ops.matmul(np.zeros((2, 3)), np.zeros((4, 5)))


def test_matmul_errors_are_glassnets_after_numpy_refuses():
    # NumPy checks the shapes; matmul words the error in its except clause, without NumPy's
    # error chained to it, and leaves NumPy's own error where the batch axes do not broadcast
    with pytest.raises(ValueError, match=r"shapes \(3,\) and \(2,\) .* the only dimension") as info:
        ops.matmul(np.zeros(3), np.zeros(2))
    assert info.value.__suppress_context__
    with pytest.raises(ValueError, match="at least 1 dimension, got shapes \\(\\) and \\(2,\\)"):
        ops.matmul(np.float32(2.0), np.zeros(2, dtype="float32"))
    with pytest.raises(ValueError, match="broadcast"):
        ops.matmul(np.zeros((5, 2, 3)), np.zeros((4, 3, 2)))
    assert ops.matmul(np.ones((5, 2, 3)), np.ones((3,))).shape == (5, 2)


EINSUM_CASES = [
    OpCase(
        "einsum_matmul",
        lambda a, b: ops.einsum("ij,jk->ik", a, b),
        [normal(3, 4), normal(4, 2)],
        lambda a, b: np.einsum("ij,jk->ik", a, b),
        lambda a, b: torch.einsum("ij,jk->ik", a, b),
    ),
    OpCase(
        "einsum_attention_scores",
        lambda q, k: ops.einsum("bqd,bkd->bqk", q, k),
        [normal(2, 3, 4), normal(2, 5, 4)],
        lambda q, k: np.einsum("bqd,bkd->bqk", q, k),
        lambda q, k: torch.einsum("bqd,bkd->bqk", q, k),
    ),
    OpCase(
        "einsum_sum_only_in_one_operand",
        lambda a, b: ops.einsum("ij,k->jk", a, b),
        [normal(3, 4), normal(2)],
        lambda a, b: np.einsum("ij,k->jk", a, b),
        lambda a, b: torch.einsum("ij,k->jk", a, b),
    ),
    OpCase(
        "einsum_implicit",
        lambda a, b: ops.einsum("ij,jk", a, b),
        [normal(3, 4), normal(4, 2)],
        lambda a, b: np.einsum("ij,jk", a, b),
        lambda a, b: torch.einsum("ij,jk", a, b),
    ),
]


test_einsum_forward, test_einsum_float32, test_einsum_gradcheck, test_einsum_torch = standard_tests(
    EINSUM_CASES
)


def einsum_cases(specs):
    """OpCases for (name, subscripts, operand makers): glassnet's einsum against NumPy's and
    PyTorch's."""
    return [
        OpCase(
            f"einsum_{name}",
            lambda *xs, spec=spec: ops.einsum(spec, *xs),
            makers,
            lambda *xs, spec=spec: np.einsum(spec, *xs),
            lambda *xs, spec=spec: torch.einsum(spec, *xs),
        )
        for name, spec, makers in specs
    ]


ELLIPSIS_CASES = einsum_cases(
    [
        ("batched_matmul", "...ij,...jk->...ik", [normal(2, 3, 4), normal(4, 5)]),
        ("broadcast_batch", "...ij,...jk", [normal(2, 1, 3, 4), normal(3, 4, 2)]),
        ("trace", "ii", [normal(3, 3)]),
        ("diagonal", "bii->bi", [normal(2, 3, 3)]),
        ("repeated_in_two", "iji,jk->k", [normal(3, 2, 3), normal(2, 4)]),
    ]
)

(
    test_einsum_ellipsis_forward,
    test_einsum_ellipsis_float32,
    test_einsum_ellipsis_gradcheck,
    test_einsum_ellipsis_torch,
) = standard_tests(ELLIPSIS_CASES)


# contractions that einsum computes as one matrix product (the contracted letters together, first
# or last in each operand; no batch letters), and their gradients, which are such products too
MATRIX_PRODUCT_SPECS = [
    ("projection", "abc,cde->abde", [normal(2, 3, 4), normal(4, 2, 3)]),
    ("projection_back", "abde,cde->abc", [normal(2, 3, 2, 3), normal(4, 2, 3)]),
    ("kernel_gradient", "abc,abde->cde", [normal(2, 3, 4), normal(2, 3, 2, 3)]),
    ("contracted_first_in_a", "ba,bc->ac", [normal(4, 3), normal(4, 2)]),
    ("contracted_last_in_b", "ab,cb->ac", [normal(3, 4), normal(2, 4)]),
    ("outer", "a,bc->abc", [normal(3), normal(2, 4)]),
    ("full", "ab,ab->", [normal(3, 4), normal(3, 4)]),
    ("output_projection_kernel_gradient", "abe,abcd->cde", [normal(2, 3, 4), normal(2, 3, 2, 3)]),
    ("b_letters_first", "abde,abc->cde", [normal(2, 3, 2, 3), normal(2, 3, 4)]),
    ("attention_scores", "bshd,bthd->bhts", [normal(2, 5, 3, 4), normal(2, 6, 3, 4)]),
    ("attention_values", "bhts,bshd->bthd", [normal(2, 3, 6, 5), normal(2, 5, 3, 4)]),
    ("attention_values_gradient", "bhts,bthd->bshd", [normal(2, 3, 6, 5), normal(2, 6, 3, 4)]),
    ("batch_of_grouped_letters", "xyab,xybcd->xyacd", [normal(2, 3, 4, 5), normal(2, 3, 5, 2, 3)]),
    ("batch_with_one_row", "bij,bjk->bik", [normal(3, 1, 4), normal(3, 4, 2)]),
    ("batch_output_b_first", "bik,bij->bjk", [normal(3, 4, 2), normal(3, 4, 5)]),
    ("batched_outer", "bi,bj->bij", [normal(3, 4), normal(3, 2)]),
    ("batched_dot", "bi,bi->b", [normal(3, 4), normal(3, 4)]),
    ("interleaved_output", "ab,cb->ca", [normal(3, 4), normal(2, 4)]),
    ("contracted_in_the_middle", "abc,bd->acd", [normal(2, 3, 4), normal(3, 5)]),
]
MATRIX_PRODUCT_CASES = einsum_cases(MATRIX_PRODUCT_SPECS)
(
    test_einsum_matrix_product_forward,
    test_einsum_matrix_product_float32,
    test_einsum_matrix_product_gradcheck,
    test_einsum_matrix_product_torch,
) = standard_tests(MATRIX_PRODUCT_CASES)


@pytest.mark.parametrize(
    "name,spec,makers", MATRIX_PRODUCT_SPECS, ids=[s[0] for s in MATRIX_PRODUCT_SPECS]
)
def test_einsum_takes_the_matrix_product_only_where_it_is_one(name, spec, makers):
    from glassnet.ops.linalg import _contract_pair

    rng = np.random.default_rng(0)
    arrays = [make(rng) if callable(make) else make for make in makers]
    inputs, output = spec.split("->")
    product = _contract_pair(*inputs.split(","), output, *arrays)
    transposed = _contract_pair(*inputs.split(","), output, *[a.T.copy().T for a in arrays])
    if name == "contracted_in_the_middle":  # b sits between a and c: a transposing copy
        assert product is None
    else:  # also from operands that are not contiguous (Fortran order): reshape copies them
        for result in (product, transposed):
            np.testing.assert_allclose(result, np.einsum(spec, *arrays), rtol=1e-12, atol=1e-12)


def test_einsum_errors_name_the_operands():
    with pytest.raises(ValueError, match="einsum: operand 'ij' has 2 indices but shape"):
        ops.einsum("ij->i", np.zeros(3))
    with pytest.raises(ValueError, match="names 2 operands, got 1"):
        ops.einsum("ij,jk->ik", np.zeros((2, 2)))


# -- ops.linalg and the matrix functions of ops.numpy ---------------------------------------------
def well_conditioned(*shape):
    n = shape[-1]
    return lambda rng: rng.standard_normal(shape) + 3 * np.eye(n)


def lower_triangular(*shape):
    n = shape[-1]
    return lambda rng: np.tril(rng.standard_normal(shape)) + 3 * np.eye(n)


def symmetric(m):
    """A symmetric positive-definite matrix from any square m (what cholesky and eigh read)."""
    return ops.matmul(m, ops.swapaxes(m, -1, -2)) + 3.0 * np.eye(m.shape[-1], dtype=m.dtype)


def torch_symmetric(m):
    return m @ m.transpose(-1, -2) + 3.0 * torch.eye(m.shape[-1], dtype=m.dtype)


def numpy_symmetric(m):
    return m @ np.swapaxes(m, -1, -2) + 3.0 * np.eye(m.shape[-1])


LINALG_CASES = [
    OpCase("inv", ops.inv, [well_conditioned(2, 3, 3)], np.linalg.inv, lambda a: torch.inverse(a)),
    OpCase("det", ops.det, [normal(2, 3, 3)], np.linalg.det, lambda a: torch.det(a)),
    OpCase(
        "slogdet",
        lambda a: ops.slogdet(a)[1],
        [normal(2, 3, 3)],
        lambda a: np.linalg.slogdet(a)[1],
        lambda a: torch.linalg.slogdet(a)[1],
    ),
    OpCase(
        "logdet",
        lambda m: ops.logdet(symmetric(m)),
        [normal(3, 3)],
        lambda m: np.linalg.slogdet(numpy_symmetric(m))[1],
        lambda m: torch.logdet(torch_symmetric(m)),
    ),
    OpCase(
        "solve_matrix",
        ops.solve,
        [well_conditioned(3, 3), normal(3, 2)],
        np.linalg.solve,
        lambda a, b: torch.linalg.solve(a, b),
    ),
    OpCase(
        "solve_vectors",
        ops.solve,
        [well_conditioned(2, 3, 3), normal(2, 3)],
        lambda a, b: np.linalg.solve(a, b[..., None])[..., 0],
        lambda a, b: torch.linalg.solve(a, b),
    ),
    OpCase(
        "solve_triangular_lower",
        lambda a, b: ops.solve_triangular(a, b, lower=True),
        [lower_triangular(3, 3), normal(3, 2)],
        lambda a, b: np.linalg.solve(np.tril(a), b),
        lambda a, b: torch.linalg.solve_triangular(a, b, upper=False),
    ),
    OpCase(
        "solve_triangular_upper_vector",
        ops.solve_triangular,
        [well_conditioned(3, 3), normal(3)],
        lambda a, b: np.linalg.solve(np.triu(a), b),
        lambda a, b: torch.linalg.solve_triangular(a, b[:, None], upper=True)[:, 0],
    ),
    OpCase(
        "cholesky",
        lambda m: ops.cholesky(symmetric(m)),
        [normal(2, 3, 3)],
        lambda m: np.linalg.cholesky(numpy_symmetric(m)),
        lambda m: torch.linalg.cholesky(torch_symmetric(m)),
    ),
    OpCase(
        "cholesky_upper",
        lambda m: ops.cholesky(symmetric(m), upper=True),
        [normal(3, 3)],
        lambda m: np.linalg.cholesky(numpy_symmetric(m)).T,
        lambda m: torch.linalg.cholesky(torch_symmetric(m), upper=True),
    ),
    OpCase(
        "cholesky_inverse",
        ops.cholesky_inverse,
        [lower_triangular(3, 3)],
        lambda f: np.linalg.inv(f @ f.T),
        lambda f: torch.cholesky_inverse(torch.tril(f)),  # only the factor's triangle is read
    ),
    OpCase(
        "eigh_values",
        lambda m: ops.eigh(symmetric(m))[0],
        [normal(4, 4)],
        lambda m: np.linalg.eigh(numpy_symmetric(m))[0],
        lambda m: torch.linalg.eigh(torch_symmetric(m))[0],
    ),
    OpCase(  # eigenvectors are defined up to sign: compare their squares
        "eigh_vectors",
        lambda m: ops.square(ops.eigh(symmetric(m))[1]),
        [normal(4, 4)],
        lambda m: np.linalg.eigh(numpy_symmetric(m))[1] ** 2,
        lambda m: torch.linalg.eigh(torch_symmetric(m))[1] ** 2,
    ),
    OpCase(
        "svd_values",
        lambda a: ops.svd(a, compute_uv=False),
        [normal(2, 4, 3)],
        lambda a: np.linalg.svd(a, compute_uv=False),
        lambda a: torch.linalg.svdvals(a),
    ),
    OpCase(
        "svd_u",
        lambda a: ops.square(ops.svd(a, full_matrices=False)[0]),
        [normal(4, 3)],
        lambda a: np.linalg.svd(a, full_matrices=False)[0] ** 2,
        lambda a: torch.linalg.svd(a, full_matrices=False)[0] ** 2,
    ),
    OpCase(
        "svd_vh_wide",
        lambda a: ops.square(ops.svd(a, full_matrices=False)[2]),
        [normal(3, 5)],
        lambda a: np.linalg.svd(a, full_matrices=False)[2] ** 2,
        lambda a: torch.linalg.svd(a, full_matrices=False)[2] ** 2,
    ),
    OpCase(
        "qr_q",
        lambda a: ops.qr(a)[0],
        [normal(2, 4, 3)],
        lambda a: np.linalg.qr(a)[0],
        lambda a: torch.linalg.qr(a)[0],
    ),
    OpCase(
        "qr_r",
        lambda a: ops.qr(a)[1],
        [normal(4, 3)],
        lambda a: np.linalg.qr(a)[1],
        lambda a: torch.linalg.qr(a)[1],
    ),
    OpCase("pinv", ops.pinv, [normal(3, 5)], np.linalg.pinv, lambda a: torch.linalg.pinv(a)),
    OpCase(
        "lstsq",
        ops.lstsq,
        [normal(5, 3), normal(5, 2)],
        lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
        lambda a, b: torch.linalg.pinv(a) @ b,
    ),
    OpCase(
        "lstsq_vector",
        ops.lstsq,
        [normal(5, 3), normal(5)],
        lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0],
        lambda a, b: torch.linalg.pinv(a) @ b,
    ),
    OpCase(
        "tensordot",
        lambda a, b: ops.tensordot(a, b, axes=([1, 2], [0, 1])),
        [normal(2, 3, 4), normal(3, 4, 5)],
        lambda a, b: np.tensordot(a, b, axes=([1, 2], [0, 1])),
        lambda a, b: torch.tensordot(a, b, dims=([1, 2], [0, 1])),
    ),
    OpCase(
        "dot_nd",
        ops.dot,
        [normal(2, 3), normal(4, 3, 2)],
        np.dot,
        lambda a, b: torch.tensordot(a, b, dims=([1], [1])),
    ),
    OpCase("dot_vectors", ops.dot, [normal(4), normal(4)], np.dot, lambda a, b: torch.dot(a, b)),
    OpCase(
        "inner", ops.inner, [normal(2, 3), normal(4, 3)], np.inner, lambda a, b: torch.inner(a, b)
    ),
    OpCase(
        "outer",
        ops.outer,
        [normal(3), normal(2, 2)],
        np.outer,
        lambda a, b: torch.outer(a, b.reshape(-1)),
    ),
    OpCase(
        "vdot",
        ops.vdot,
        [normal(2, 3), normal(6)],
        np.vdot,
        lambda a, b: torch.vdot(a.reshape(-1), b),
    ),
    OpCase("kron", ops.kron, [normal(2, 3), normal(3, 2)], np.kron, lambda a, b: torch.kron(a, b)),
    OpCase(
        "cross",
        ops.cross,
        [normal(4, 3), normal(4, 3)],
        np.cross,
        lambda a, b: torch.linalg.cross(a, b),
    ),
    OpCase(
        "cross_axis0_with_2_vectors",
        lambda a, b: ops.cross(a, b, axisa=0, axisb=0),
        [normal(3, 4), normal(2, 4)],
        # a 2-vector has a zero third component
        lambda a, b: np.cross(a, np.concatenate([b, np.zeros((1, 4))]), axisa=0, axisb=0),
    ),
    OpCase(
        "trace_offset",
        lambda a: ops.trace(a, offset=1),
        [normal(3, 4)],
        lambda a: np.trace(a, offset=1),
        lambda a: torch.diagonal(a, 1).sum(),
    ),
    OpCase(
        "cdist", ops.cdist, [normal(2, 4, 3), normal(2, 5, 3)], None, lambda a, b: torch.cdist(a, b)
    ),
    OpCase("corrcoef", ops.corrcoef, [normal(3, 6)], np.corrcoef, lambda a: torch.corrcoef(a)),
]


def norm_case(ord, axis, shape, keepdims=False):
    return OpCase(
        f"norm_{ord}_{axis}",
        lambda x: ops.norm(x, ord=ord, axis=axis, keepdims=keepdims),
        [normal(*shape)],
        lambda x: np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims),
        lambda x: torch.linalg.norm(x, ord=ord, dim=axis, keepdim=keepdims),
    )


NORM_CASES = [
    OpCase(
        "norm_all",
        ops.norm,
        [normal(2, 3, 4)],
        np.linalg.norm,
        lambda x: torch.linalg.vector_norm(x),
    ),
    norm_case(None, -1, (3, 4), keepdims=True),
    norm_case(1, 0, (3, 4)),
    norm_case(3.0, 1, (3, 4)),
    norm_case(np.inf, 1, (3, 4)),
    norm_case(-np.inf, 0, (3, 4)),
    norm_case("fro", (1, 2), (2, 3, 4)),
    norm_case("nuc", (1, 2), (2, 3, 4)),
    norm_case(2, (1, 2), (2, 3, 4), keepdims=True),
    norm_case(-2, (2, 1), (2, 3, 4)),
    norm_case(1, (1, 2), (2, 3, 4)),
    norm_case(-1, (0, 1), (3, 4)),
    norm_case(np.inf, (1, 2), (2, 3, 4), keepdims=True),
    norm_case(-np.inf, (1, 2), (2, 3, 4)),
]

test_linalg_forward, test_linalg_float32, test_linalg_gradcheck, test_linalg_torch = standard_tests(
    LINALG_CASES + NORM_CASES
)


def test_non_differentiable_results():
    rank = ops.matrix_rank(np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 1.0]]))
    assert rank.dtype == np.int32 and rank.item() == 2
    a = np.random.default_rng(0).standard_normal((2, 4, 4))
    lu, pivots = ops.lu_factor(a)
    for i in range(2):
        expected = scipy.linalg.lu_factor(a[i])
        np.testing.assert_allclose(lu.data[i], expected[0])
        np.testing.assert_array_equal(pivots.data[i], expected[1])
    values, vectors = ops.eig(np.array([[2.0, 1.0], [0.0, 3.0]]))
    np.testing.assert_allclose(np.sort(values.data), [2.0, 3.0])
    assert ops.norm(np.array([0.0, 3.0, 0.0]), ord=0).item() == 1.0


def test_singular_matrices_give_nan_where_they_are_and_results_elsewhere():
    batch = np.stack([np.eye(2) * 2.0, np.zeros((2, 2))])
    inverse = ops.inv(batch).data
    np.testing.assert_array_equal(inverse[0], np.eye(2) * 0.5)
    assert np.isnan(inverse[1]).all()
    solved = ops.solve(batch, np.ones((2, 2))).data
    np.testing.assert_array_equal(solved[0], [0.5, 0.5])  # b (batch, n): a batch of vectors
    assert np.isnan(solved[1]).all()
    lu, pivots = ops.lu_factor(np.zeros((2, 2)))  # no LinAlgWarning escapes
    assert pivots.data.tolist() == [0, 1]


def test_zero_vector_norm_has_zero_gradient():
    x = Tensor(np.zeros(3), requires_grad=True)
    ops.norm(x).backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


def test_keras_dtypes_and_errors():
    ints = np.array([[1, 2], [3, 4]], dtype="int32")
    assert ops.norm(ints).dtype == np.float32 and ops.inv(ints).dtype == np.float32
    assert ops.matmul(ints.astype("int8"), ints.astype("int8")).dtype == np.int32
    assert ops.trace(np.ones((2, 2), dtype="int8")).dtype == np.int32
    with pytest.raises(ValueError, match="inv: expected square matrices"):
        ops.inv(np.zeros((2, 3)))
    assert np.isnan(ops.cholesky(-np.eye(2)).data).all()
    with pytest.raises(ValueError, match="qr: mode must be"):
        ops.qr(np.eye(2), mode="r")


# -- the fused dense op: activation(inputs @ kernel + bias), one backward -------------------------
def _numpy_activation(name):
    return {
        "linear": lambda z: z,
        "relu": lambda z: np.maximum(z, 0),
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "tanh": np.tanh,
        "elu": lambda z: np.where(z > 0, z, np.expm1(z)),
        "softplus": lambda z: np.logaddexp(0, z),
    }[name]


def _torch_activation(name):
    return (
        {
            "linear": lambda z: z,
            "relu": torch.relu,
            "sigmoid": torch.sigmoid,
            "tanh": torch.tanh,
            "elu": torch.nn.functional.elu,
            "softplus": torch.nn.functional.softplus,
        }[name]
        if torch
        else None
    )


DENSE_CASES = [
    OpCase(
        f"dense_{activation}_{shape_name}",
        lambda x, k, b, activation=activation: ops.dense(x, k, b, activation),
        [normal(*shape), normal(4, 5), normal(5)],
        lambda x, k, b, activation=activation: _numpy_activation(activation)(x @ k + b),
        lambda x, k, b, activation=activation: _torch_activation(activation)(x @ k + b),
    )
    for activation in ("linear", "relu", "sigmoid", "tanh", "elu", "softplus")
    for shape_name, shape in (("2d", (3, 4)), ("batched", (2, 3, 4)))
] + [
    OpCase(
        "dense_without_bias",
        lambda x, k: ops.dense(x, k, None, "tanh"),
        [normal(3, 4), normal(4, 5)],
        lambda x, k: np.tanh(x @ k),
        lambda x, k: torch.tanh(x @ k),
    )
]

test_dense_forward, test_dense_float32, test_dense_gradcheck, test_dense_torch = standard_tests(
    DENSE_CASES
)


def test_dot_of_a_3d_tensor_sums_over_its_last_axis():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((5, 4, 2))
    np.testing.assert_allclose(ops.dot(a, b).data, np.dot(a, b), rtol=1e-12)
    np.testing.assert_allclose(ops.dot(a, b[0]).data, np.dot(a, b[0]), rtol=1e-12)


def test_lstsq_drops_singular_values_below_numpys_default_cutoff():
    # cutoff eps * max(m, n) * s_max = 6.7e-16: the 3e-16 direction is dropped, as NumPy does
    a = np.array([[1.0, 0.0], [0.0, 3e-16], [0.0, 0.0]])
    b = np.array([1.0, 1.0, 1.0])
    np.testing.assert_array_equal(ops.lstsq(a, b).data, [1.0, 0.0])
    np.testing.assert_array_equal(np.linalg.lstsq(a, b, rcond=None)[0], [1.0, 0.0])
