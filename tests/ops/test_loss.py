import numpy as np
import pytest

from glassnet import Tensor, ops
from tests.ops.harness import (
    OpCase,
    integers,
    normal,
    probabilities,
    standard_tests,
    uniform,
)

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

EPS = 1e-7


def binary_labels(*shape):
    return lambda rng: (rng.random(shape) > 0.5).astype(np.float64)


def onehot_labels(n, classes):
    return lambda rng: np.eye(classes)[rng.integers(0, classes, n)]


def np_log_softmax(x):
    s = x - x.max(-1, keepdims=True)
    return s - np.log(np.exp(s).sum(-1, keepdims=True))


def np_cce_probs(t, p):
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(-1)


def torch_cce_probs(t, p):
    # rows that sum to 1 are used as they are (gradient -t/p); others are rescaled first, as Keras
    if not torch.allclose(p.sum(-1), torch.ones(()).double(), atol=1e-5, rtol=0):
        p = p / p.sum(-1, keepdim=True)
    return -(t * torch.log(torch.clamp(p, EPS, 1 - EPS))).sum(-1)


def unnormalized(rows, cols):
    return lambda rng: rng.uniform(0.1, 2.0, (rows, cols))


def np_hinge(t, p, square=False):
    t = 2 * t - 1 if np.all((t == 0) | (t == 1)) else t
    m = np.maximum(1 - t * p, 0)
    return (m**2 if square else m).mean(-1)


def torch_hinge(t, p, square=False):
    t = 2 * t - 1
    m = torch.clamp(1 - t * p, min=0)
    return (m**2 if square else m).mean(-1)


def margins_away_from_kink(rng, shape=(4, 3)):
    # predictions whose margin 1 - y*p stays clear of 0, where hinge has a kink
    p = rng.uniform(-2, 2, shape)
    p[np.abs(np.abs(p) - 1) < 0.1] += 0.25
    return p


CASES = [
    OpCase(
        "mean_squared_error",
        ops.mean_squared_error,
        [normal(4, 3), normal(4, 3)],
        lambda t, p: ((p - t) ** 2).mean(-1),
        lambda t, p: ((p - t) ** 2).mean(-1),
    ),
    OpCase(
        "mean_absolute_error",
        ops.mean_absolute_error,
        [normal(4, 3), normal(4, 3)],
        lambda t, p: np.abs(p - t).mean(-1),
        lambda t, p: (p - t).abs().mean(-1),
    ),
    OpCase(
        "huber",
        ops.huber,
        [normal(4, 3), normal(4, 3, scale=2)],
        lambda t, p: np.where(np.abs(p - t) <= 1, 0.5 * (p - t) ** 2, np.abs(p - t) - 0.5).mean(-1),
        lambda t, p: F.huber_loss(p, t, reduction="none", delta=1.0).mean(-1),
    ),
    OpCase(
        "huber_delta2",
        lambda t, p: ops.huber(t, p, delta=2.0),
        [normal(4, 3), normal(4, 3, scale=3)],
        lambda t, p: np.where(np.abs(p - t) <= 2, 0.5 * (p - t) ** 2, 2 * np.abs(p - t) - 2).mean(
            -1
        ),
        lambda t, p: F.huber_loss(p, t, reduction="none", delta=2.0).mean(-1),
    ),
    OpCase(
        "log_cosh",
        ops.log_cosh,
        [normal(4, 3), normal(4, 3)],
        lambda t, p: np.log(np.cosh(p - t)).mean(-1),
        lambda t, p: torch.log(torch.cosh(p - t)).mean(-1),
    ),
    OpCase(
        "binary_crossentropy_logits",
        lambda t, x: ops.binary_crossentropy(t, x, from_logits=True),
        [binary_labels(4, 3), normal(4, 3, scale=3)],
        lambda t, x: np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))),
        lambda t, x: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
    ),
    OpCase(
        "binary_crossentropy_soft_targets",
        lambda t, x: ops.binary_crossentropy(t, x, from_logits=True),
        [uniform(0, 1, 4, 3), normal(4, 3)],
        None,
        lambda t, x: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
    ),
    OpCase(
        "binary_crossentropy_probs",
        ops.binary_crossentropy,
        [binary_labels(4, 3), uniform(0.05, 0.95, 4, 3)],
        lambda t, p: -(t * np.log(p + EPS) + (1 - t) * np.log(1 - p + EPS)),
        lambda t, p: -(t * torch.log(p + EPS) + (1 - t) * torch.log(1 - p + EPS)),
    ),
    OpCase(
        "categorical_crossentropy_logits",
        lambda t, x: ops.categorical_crossentropy(t, x, from_logits=True),
        [onehot_labels(4, 5), normal(4, 5, scale=2)],
        lambda t, x: -(t * np_log_softmax(x)).sum(-1),
        lambda t, x: F.cross_entropy(x, t, reduction="none"),
    ),
    OpCase(
        "categorical_crossentropy_soft_logits",
        lambda t, x: ops.categorical_crossentropy(t, x, from_logits=True),
        [probabilities(4, 5), normal(4, 5)],
        None,
        lambda t, x: F.cross_entropy(x, t, reduction="none"),
    ),
    OpCase(
        "categorical_crossentropy_probs",
        ops.categorical_crossentropy,
        [onehot_labels(4, 5), probabilities(4, 5)],
        np_cce_probs,
        torch_cce_probs,
    ),
    OpCase(
        "categorical_crossentropy_unnormalized_probs",
        ops.categorical_crossentropy,
        [onehot_labels(4, 5), unnormalized(4, 5)],
        np_cce_probs,
        torch_cce_probs,
    ),
    OpCase(
        "sparse_categorical_crossentropy_logits",
        lambda y, x: ops.sparse_categorical_crossentropy(y, x, from_logits=True),
        [integers(0, 5, 6), normal(6, 5, scale=2)],
        lambda y, x: -np_log_softmax(x)[np.arange(6), y],
        lambda y, x: F.cross_entropy(x, y, reduction="none"),
    ),
    # (batch, time, classes): the general path beside the (batch, classes) one
    OpCase(
        "sparse_categorical_crossentropy_logits_sequence",
        lambda y, x: ops.sparse_categorical_crossentropy(y, x, from_logits=True),
        [integers(0, 5, 3, 4), normal(3, 4, 5, scale=2)],
        lambda y, x: -np.take_along_axis(np_log_softmax(x), y[..., None], axis=-1)[..., 0],
        lambda y, x: F.cross_entropy(x.permute(0, 2, 1), y, reduction="none"),
    ),
    OpCase(
        "sparse_categorical_crossentropy_probs",
        ops.sparse_categorical_crossentropy,
        [integers(0, 5, 6), probabilities(6, 5)],
        lambda y, p: np_cce_probs(np.eye(5)[y], p),
        lambda y, p: torch_cce_probs(F.one_hot(y, 5).double(), p),
    ),
    # hinge labels are class ids mapped from {0, 1} to {-1, 1}: integers, not differentiated
    OpCase(
        "hinge", ops.hinge, [integers(0, 2, 4, 3), margins_away_from_kink], np_hinge, torch_hinge
    ),
    OpCase(
        "squared_hinge",
        ops.squared_hinge,
        [integers(0, 2, 4, 3), margins_away_from_kink],
        lambda t, p: np_hinge(t, p, True),
        lambda t, p: torch_hinge(t, p, True),
    ),
    OpCase(
        "kl_divergence",
        ops.kl_divergence,
        [probabilities(4, 5), probabilities(4, 5)],
        lambda t, p: (t * np.log(t / p)).sum(-1),
        lambda t, p: F.kl_div(torch.log(p), t, reduction="none").sum(-1),
    ),
    OpCase(
        "cosine_similarity",
        ops.cosine_similarity,
        [normal(4, 3), normal(4, 3)],
        lambda t, p: -(t * p).sum(-1) / np.linalg.norm(t, axis=-1) / np.linalg.norm(p, axis=-1),
        lambda t, p: -F.cosine_similarity(t, p, dim=-1),
    ),
]


test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_logits_gradient_is_softmax_minus_one_hot():
    logits = Tensor(np.array([[2.0, -1.0, 0.5]]), requires_grad=True)
    ops.sparse_categorical_crossentropy(np.array([2]), logits, from_logits=True).sum().backward()
    e = np.exp(logits.data - logits.data.max())
    np.testing.assert_allclose(logits.grad, e / e.sum() - np.array([[0, 0, 1]]), rtol=1e-12)


def test_cross_entropies_are_stable_for_huge_logits():
    logits = Tensor(np.array([[1e4, -1e4, 0.0]], dtype=np.float32), requires_grad=True)
    loss = ops.sparse_categorical_crossentropy(np.array([1]), logits, from_logits=True)
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [2e4], rtol=1e-6)
    assert np.all(np.isfinite(logits.grad))
    bce = ops.binary_crossentropy(
        np.array([0.0, 1.0]), np.array([1e4, -1e4], dtype=np.float32), from_logits=True
    )
    np.testing.assert_allclose(bce.data, [1e4, 1e4], rtol=1e-6)


def test_probability_losses_clip_like_keras():
    # p = 0 and p = 1 would give log(0); Keras clips to [1e-7, 1 - 1e-7]
    out = ops.binary_crossentropy(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert np.all(np.isfinite(out.data)) and np.all(out.data > 15)


def test_sparse_labels_out_of_range_are_named():
    with pytest.raises(
        ValueError,
        match=r"labels must lie in \[0, 3\) for 3 output classes, got values from 0 to 7",
    ):
        ops.sparse_categorical_crossentropy(np.array([0, 7]), np.zeros((2, 3)), from_logits=True)


def test_sparse_labels_accept_column_shape():
    logits = np.random.default_rng(0).standard_normal((4, 3))
    labels = np.array([0, 2, 1, 2])
    a = ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    b = ops.sparse_categorical_crossentropy(labels[:, None], logits, from_logits=True)
    np.testing.assert_array_equal(a.data, b.data)


def test_mismatched_shapes_are_named():
    with pytest.raises(
        ValueError,
        match=r"mean_squared_error: y_true has shape \(4, 1\) but y_pred has shape \(4, 3\)",
    ):
        ops.mean_squared_error(np.zeros((4, 1)), np.zeros((4, 3)))
