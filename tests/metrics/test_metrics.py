import numpy as np
import pytest

from glassnet import metrics


def test_running_mean_over_batches_weighted_by_size():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])  # 1 of 2
    m.update_state([1, 1, 1], [[0.1, 0.9]] * 3)  # 3 of 3
    assert m.result() == pytest.approx(4 / 5)
    m.reset_state()
    assert m.result() == 0.0


def test_mean_add_is_update_state_for_one_number():
    added, updated = metrics.Mean(), metrics.Mean()
    for value, weight in [(0.5, 32), (2.0, 16), (np.float32(1.25), 3)]:
        added.add(value, weight)
        updated.update_state([value], [weight])
    assert added.result() == pytest.approx(updated.result(), rel=1e-15)
    assert added.result() == pytest.approx((0.5 * 32 + 2.0 * 16 + 1.25 * 3) / 51)


def test_binary_categorical_and_top_k():
    assert metrics.BinaryAccuracy()([[1], [0], [1]], [[0.7], [0.6], [0.2]]) == pytest.approx(1 / 3)
    assert metrics.BinaryAccuracy(threshold=0.65)([1, 0], [0.7, 0.6]) == 1.0
    assert (
        metrics.CategoricalAccuracy()([[0, 1, 0], [1, 0, 0]], [[0.1, 0.8, 0.1], [0.2, 0.7, 0.1]])
        == 0.5
    )
    scores = [[0.1, 0.5, 0.4], [0.6, 0.3, 0.1]]
    assert metrics.SparseTopKCategoricalAccuracy(k=2)([2, 2], scores) == 0.5
    assert metrics.TopKCategoricalAccuracy(k=1)([[0, 1, 0], [1, 0, 0]], scores) == 1.0


def test_precision_recall_auc_match_scikit_learn():
    sklearn_metrics = pytest.importorskip(
        "sklearn.metrics", reason="scikit-learn not installed: comparison skipped"
    )
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    scores = np.clip(0.35 * y + rng.uniform(0, 0.65, 500), 0, 1)
    assert metrics.Precision()(y, scores) == pytest.approx(
        sklearn_metrics.precision_score(y, scores > 0.5)
    )
    assert metrics.Recall()(y, scores) == pytest.approx(
        sklearn_metrics.recall_score(y, scores > 0.5)
    )
    assert metrics.AUC(num_thresholds=1000)(y, scores) == pytest.approx(
        sklearn_metrics.roc_auc_score(y, scores), abs=2e-3
    )


def test_precision_recall_by_hand():
    y, p = np.array([1, 1, 0, 0, 1]), np.array([0.9, 0.4, 0.8, 0.1, 0.7])
    assert metrics.Precision()(y, p) == pytest.approx(2 / 3)
    assert metrics.Recall()(y, p) == pytest.approx(2 / 3)
    assert metrics.AUC()(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(
        1.0
    )


def test_regression_metrics_and_names():
    assert metrics.MeanSquaredError()([[1.0], [2.0]], [[2.0], [4.0]]) == pytest.approx(2.5)
    assert metrics.RootMeanSquaredError()([1.0, 2.0], [2.0, 4.0]) == pytest.approx(np.sqrt(2.5))
    assert metrics.get("mae").name == "mae"
    with pytest.raises(ValueError, match="Unknown metric 'presicion'. Did you mean 'precision'"):
        metrics.get("presicion")
