"""ops.ctc: the CTC loss through the op harness (a brute-force sum over every alignment as the
NumPy reference, PyTorch's ctc_loss for values and gradients, float64 gradcheck), and the
decoders against Keras 3.15's outputs (tests/fixtures/keras_losses_metrics)."""

import itertools
import os

import numpy as np
import pytest

from glassnet import Tensor
from glassnet.ops.ctc import ctc_decode, ctc_loss
from tests.ops.harness import OpCase, integers, normal, standard_tests

FIXTURES = np.load(
    os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_losses_metrics", "arrays.npz")
)


def _collapse(path, blank):
    merged = [label for i, label in enumerate(path) if i == 0 or label != path[i - 1]]
    return tuple(label for label in merged if label != blank)


def brute_force_ctc(logits, targets, target_length, output_length, blank):
    """-log of the summed probability of every path that reads the target (tiny sizes only)."""
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    losses = []
    for b in range(len(logits)):
        steps, wanted = output_length[b], tuple(targets[b, : target_length[b]])
        total = 0.0
        for path in itertools.product(range(logits.shape[-1]), repeat=steps):
            if _collapse(path, blank) == wanted:
                total += np.exp(sum(log_probs[b, t, k] for t, k in enumerate(path)))
        losses.append(-np.log(total))
    return np.array(losses)


def torch_ctc(logits, targets, target_length, output_length, blank):
    import torch

    log_probs = torch.log_softmax(logits, -1).transpose(0, 1)
    return torch.nn.functional.ctc_loss(
        log_probs,
        targets,
        torch.tensor(output_length),
        torch.tensor(target_length),
        blank=blank,
        reduction="none",
    )


def case(name, batch, steps, classes, targets, target_length, output_length, blank):
    targets = np.array(targets)
    target_length, output_length = np.array(target_length), np.array(output_length)

    def fixed_targets(rng):
        return targets

    return OpCase(
        name,
        lambda logits, labels: ctc_loss(labels, logits, target_length, output_length, blank),
        [normal(batch, steps, classes), fixed_targets],
        numpy_ref=lambda logits, labels: brute_force_ctc(
            logits, labels, target_length, output_length, blank
        ),
        torch_ref=lambda logits, labels: torch_ctc(
            logits, labels, target_length, output_length, blank
        ),
    )


CASES = [
    # repeated labels (need a blank between), ragged lengths, an empty target
    case("ctc_loss_blank0", 3, 5, 3, [[1, 1], [2, 1], [1, 0]], [2, 2, 0], [5, 4, 3], 0),
    case("ctc_loss_blank_last", 2, 5, 4, [[0, 2, 2], [1, 0, 0]], [3, 1], [5, 5], 3),
    case("ctc_loss_blank_middle", 2, 4, 4, [[0, 3], [3, 3]], [2, 2], [4, 4], 1),
]

test_forward, test_float32, test_gradcheck, test_torch = standard_tests(CASES)


def test_loss_larger_than_brute_force_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((4, 30, 6)) * 3
    targets = integers(1, 6, 4, 10)(rng)
    target_length, output_length = np.array([10, 7, 1, 4]), np.array([30, 25, 12, 8])
    ours = Tensor(logits, requires_grad=True)
    loss = ctc_loss(targets, ours, target_length, output_length, 0)
    theirs = torch.tensor(logits, requires_grad=True)
    expected = torch_ctc(theirs, torch.tensor(targets), target_length, output_length, 0)
    np.testing.assert_allclose(loss.data, expected.detach().numpy(), rtol=1e-10)
    loss.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_impossible_target_is_infinite_with_zero_gradient():
    logits = Tensor(np.zeros((1, 2, 3)), requires_grad=True)
    loss = ctc_loss(np.array([[1, 1]]), logits, [2], [2])  # "aa" needs 3 steps
    assert np.isinf(loss.data[0])
    loss.sum().backward()
    assert np.all(logits.grad == 0)


@pytest.mark.parametrize("blank", [0, 2])
def test_loss_equals_keras(blank):
    loss = ctc_loss(
        FIXTURES[f"ctc/targets/{blank}"],
        FIXTURES["ctc/logits"],
        FIXTURES[f"ctc/target_length/{blank}"],
        FIXTURES["ctc/output_length"],
        mask_index=blank,
    )
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.data, FIXTURES[f"ctc/loss/{blank}"], rtol=1e-5)


@pytest.mark.parametrize("blank", [0, 2])
@pytest.mark.parametrize("merge", [True, False])
def test_greedy_decode_equals_keras(blank, merge):
    decoded, scores = ctc_decode(
        FIXTURES["ctc/logits"],
        FIXTURES["ctc/output_length"],
        merge_repeated=merge,
        mask_index=blank,
    )
    prefix = f"ctc/greedy/{blank}/{merge}"
    np.testing.assert_array_equal(decoded.data, FIXTURES[f"{prefix}/decoded"])
    assert decoded.dtype == np.int32 and scores.dtype == np.float32
    np.testing.assert_allclose(scores.data, FIXTURES[f"{prefix}/scores"], rtol=1e-6)


@pytest.mark.parametrize("blank", [0, 2])
def test_beam_search_equals_keras(blank):
    decoded, scores = ctc_decode(
        FIXTURES["ctc/logits"],
        FIXTURES["ctc/output_length"],
        strategy="beam_search",
        beam_width=4,
        top_paths=3,
        mask_index=blank,
    )
    np.testing.assert_array_equal(decoded.data, FIXTURES[f"ctc/beam/{blank}/decoded"])
    np.testing.assert_allclose(scores.data, FIXTURES[f"ctc/beam/{blank}/scores"], rtol=1e-5)


def test_beam_search_score_is_the_sequence_probability():
    # with a beam wide enough to keep every prefix, the score of a sequence is its exact
    # log-probability, i.e. minus its CTC loss
    logits = normal(1, 4, 3)(np.random.default_rng(5))
    decoded, scores = ctc_decode(logits, [4], strategy="beam_search", beam_width=50, top_paths=3)
    for path in range(3):
        labels = decoded.data[path, 0]
        labels = labels[labels >= 0]
        loss = ctc_loss(labels[None], logits, [len(labels)], [4])
        np.testing.assert_allclose(scores.data[0, path], -loss.data[0], rtol=1e-12)


def test_bad_inputs_name_the_op():
    with pytest.raises(ValueError, match="ctc_loss: output must be"):
        ctc_loss(np.array([[1]]), np.zeros((2, 3)), [1], [2])
    with pytest.raises(ValueError, match="ctc_loss: target labels must lie in"):
        ctc_loss(np.array([[7]]), np.zeros((1, 2, 3)), [1], [2])
    with pytest.raises(ValueError, match="ctc_decode: strategy must be"):
        ctc_decode(np.zeros((1, 2, 3)), [2], strategy="beam")


def test_beam_search_with_one_path_gives_the_best_sequence():
    logits = normal(1, 4, 3)(np.random.default_rng(5))
    best, best_scores = ctc_decode(logits, [4], strategy="beam_search", beam_width=50, top_paths=3)
    one, one_scores = ctc_decode(logits, [4], strategy="beam_search", beam_width=50, top_paths=1)
    assert one.shape == (1, 1, 4) and one_scores.shape == (1, 1)
    np.testing.assert_array_equal(one.data[0], best.data[0])
    np.testing.assert_allclose(one_scores.data[0, 0], best_scores.data[0, 0], rtol=1e-12)
    with pytest.raises(ValueError, match="need 1 <= top_paths <= beam_width"):
        ctc_decode(logits, [4], strategy="beam_search", beam_width=2, top_paths=0)
