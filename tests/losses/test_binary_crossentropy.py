"""BinaryCrossentropy with from_logits=True against PyTorch's binary_cross_entropy_with_logits:
values and gradients in float64, logits far beyond where a sigmoid saturates, label smoothing,
sample weights, and agreement with the probability form where both are exact."""

import numpy as np
import pytest

from glassnet import Tensor, losses

torch = pytest.importorskip("torch")
functional = torch.nn.functional

rng = np.random.default_rng(0)
LABELS = rng.integers(0, 2, (6, 3)).astype(np.float64)
LOGITS = rng.standard_normal((6, 3)) * 3
EXTREME = np.array([[100.0, -100.0, 40.0], [-40.0, 0.0, 1e3], [-1e3, 15.0, -15.0]])


def torch_loss(labels, logits, smoothing=0.0, weights=None):
    y = torch.tensor(labels * (1 - smoothing) + 0.5 * smoothing)
    z = torch.tensor(logits, requires_grad=True)
    per_sample = functional.binary_cross_entropy_with_logits(z, y, reduction="none").mean(-1)
    if weights is not None:
        per_sample = per_sample * torch.tensor(weights)
    value = per_sample.sum() / len(labels)  # Keras: sum over the batch / batch size
    value.backward()
    return value.item(), z.grad.numpy()


def glassnet_loss(labels, logits, smoothing=0.0, weights=None):
    z = Tensor(logits, requires_grad=True)
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=smoothing)
    value = loss(labels, z, sample_weight=weights)
    value.backward()
    return value.item(), z.grad


@pytest.mark.parametrize(
    "labels,logits",
    [(LABELS, LOGITS), (np.array([[1.0, 0.0, 1.0], [0, 1, 0], [1, 1, 0]]), EXTREME)],
    ids=["moderate", "extreme"],
)
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_from_logits_equals_pytorch(labels, logits, smoothing):
    value, grad = glassnet_loss(labels, logits, smoothing)
    expected, expected_grad = torch_loss(labels, logits, smoothing)
    assert np.isfinite(value) and value == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-15)


def test_from_logits_with_sample_weights_equals_pytorch():
    weights = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0])
    value, grad = glassnet_loss(LABELS, LOGITS, weights=weights)
    expected, expected_grad = torch_loss(LABELS, LOGITS, weights=weights)
    assert value == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-15)
    assert not grad[1].any()  # a sample of weight 0 passes no gradient


def test_logits_and_probabilities_agree_where_the_sigmoid_is_exact():
    probabilities = 1 / (1 + np.exp(-LOGITS))
    from_logits = losses.BinaryCrossentropy(from_logits=True)(LABELS, LOGITS).item()
    from_probabilities = losses.BinaryCrossentropy()(LABELS, probabilities).item()
    assert from_logits == pytest.approx(from_probabilities, rel=1e-6)
    # a saturated probability is clipped (to 1e-7), a logit is not: the logit form is exact
    huge = losses.BinaryCrossentropy(from_logits=True)([[0.0]], [[100.0]]).item()
    assert huge == pytest.approx(100.0, rel=1e-12)
