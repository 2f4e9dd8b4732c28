import numpy as np
import pytest

from glassnet import losses, metrics, ops


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


# -- the Metric contract of Keras 3 --------------------------------------------------------------
class CategoricalTruePositives(metrics.Metric):
    """Keras's guide "Writing your own metrics" (training_with_built_in_methods), as written."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


def test_custom_metric_from_keras_guide_through_fit_and_evaluate():
    import glassnet as keras

    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 5)).astype("float32")
    y = rng.integers(0, 3, (40, 1))
    model = keras.Sequential([keras.layers.Input((5,)), keras.layers.Dense(3)])
    # learning rate 0: the weights stay put, so the epoch's count is known in advance
    model.compile(
        keras.optimizers.SGD(0.0),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[CategoricalTruePositives()],
    )
    correct = float(np.sum(np.argmax(model.predict(x, verbose=0), axis=1) == y[:, 0]))
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert history.history["categorical_true_positives"] == [correct, correct]
    results = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert results["categorical_true_positives"] == correct


def test_metric_base_members():
    metric = CategoricalTruePositives(dtype="float64")
    assert metric.dtype == "float64" and CategoricalTruePositives().dtype == "float32"
    assert [v.path for v in metric.variables] == ["categorical_true_positives/ctp"]
    assert not metric.variables[0].trainable and metric.variables[0].dtype == np.float64
    weight = metric.add_weight(shape=(2,), name="extra")
    assert weight.shape == (2,) and len(metric.variables) == 2
    metric.update_state(np.array([[1], [0]]), np.array([[0.2, 0.8], [0.3, 0.7]]))
    assert float(metric.result()) == 1.0
    assert [a.tolist() for a in metric.state()] == [1.0, [0.0, 0.0]]
    clone = CategoricalTruePositives.from_config(metric.get_config())
    assert clone.name == metric.name and clone.dtype == "float64"
    clone.add_weight(shape=(2,), name="extra")
    clone.set_state(metric.state())  # what summing across MPI processes does
    assert float(clone.result()) == 1.0
    Metric = metrics.Metric

    class Forgetful(Metric):
        def __init__(self):
            self.count = self.add_variable((), "zeros")

    with pytest.raises(RuntimeError, match=r"call super\(\).__init__\(\)"):
        Forgetful()


def test_state_variables_are_zeroed_by_the_default_reset_and_contained_metrics_count():
    class TwoMeans(metrics.Metric):
        def __init__(self):
            super().__init__(name="two_means")
            self.first, self.second = metrics.Mean(), metrics.Mean()

        def update_state(self, a, b):
            self.first.update_state(a)
            self.second.update_state(b)

        def result(self):
            return self.first.result() - self.second.result()

    metric = TwoMeans()
    assert metric([1.0, 3.0], [1.0]) == 1.0
    assert len(metric.variables) == 4
    metric.reset_state()
    assert all(float(v.data) == 0 for v in metric.variables) and metric.result() == 0.0


def test_only_sum_variables_combine_across_processes():
    class Latest(metrics.Metric):
        def __init__(self):
            super().__init__()
            self.value = self.add_variable((), "zeros", aggregation="only_first_replica")

    with pytest.raises(NotImplementedError, match="only 'sum' variables combine"):
        Latest().state()


def test_get_serialize_deserialize():
    assert type(metrics.get("f1_score")) is metrics.F1Score
    assert type(metrics.get("AUC")) is metrics.AUC and metrics.get("r2_score").name == "r2_score"
    assert type(metrics.get(metrics.R2Score)) is metrics.R2Score
    config = metrics.serialize(metrics.AUC(num_thresholds=10, curve="pr", multi_label=True))
    rebuilt = metrics.deserialize(config)
    assert (rebuilt.num_thresholds, rebuilt.curve, rebuilt.multi_label) == (10, "PR", True)
    wrapper = metrics.MeanMetricWrapper(metrics.pearson_correlation, name="r", axis=0)
    rebuilt = metrics.deserialize(metrics.serialize(wrapper))
    assert rebuilt.fn is metrics.pearson_correlation and rebuilt.fn_kwargs == {"axis": 0}
    assert metrics.binary_crossentropy is losses.binary_crossentropy  # as in Keras


# -- streaming over batches equals scikit-learn on all the data ---------------------------------
sklearn_metrics = pytest.importorskip("sklearn.metrics")


def _batches(*arrays, sizes=(7, 12, 11)):
    """The arrays cut into consecutive batches of the given sizes (30 rows in all)."""
    bounds = np.cumsum((0,) + sizes)
    return [tuple(a[start:stop] for a in arrays) for start, stop in zip(bounds[:-1], bounds[1:])]


def _stream(metric, *arrays):
    for batch in _batches(*arrays):
        metric.update_state(*batch)
    return metric.result()


_rng = np.random.default_rng(42)
_labels = _rng.integers(0, 2, 30)
# scores on a grid of 1/20, so thresholds between the grid points reproduce every ROC corner
_scores = np.round(np.clip(0.3 * _labels + _rng.uniform(0, 0.7, 30), 0, 1) * 20) / 20
_weights = _rng.uniform(0.1, 2.0, 30)


@pytest.mark.parametrize("weighted", [False, True])
def test_auc_with_thresholds_between_the_scores_equals_roc_auc_score(weighted):
    between = (np.arange(20) + 0.5) / 20
    arrays = (_labels, _scores) + ((_weights,) if weighted else ())
    ours = _stream(metrics.AUC(thresholds=between.tolist()), *arrays)
    expected = sklearn_metrics.roc_auc_score(
        _labels, _scores, sample_weight=_weights if weighted else None
    )
    assert ours == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_confusion_counts_precision_recall_equal_confusion_matrix(weighted):
    thresholds = [0.25, 0.5, 0.775]
    weight = _weights if weighted else None
    arrays = (_labels, _scores) + ((_weights,) if weighted else ())
    counts = {
        name: _stream(getattr(metrics, name)(thresholds=thresholds), *arrays)
        for name in ("TrueNegatives", "FalsePositives", "FalseNegatives", "TruePositives")
    }
    for i, threshold in enumerate(thresholds):
        matrix = sklearn_metrics.confusion_matrix(
            _labels, _scores > threshold, sample_weight=weight
        ).ravel()  # tn, fp, fn, tp
        np.testing.assert_allclose([c[i] for c in counts.values()], matrix, rtol=1e-12)
    precision = _stream(metrics.Precision(thresholds=0.5), *arrays)
    recall = _stream(metrics.Recall(thresholds=0.5), *arrays)
    assert precision == pytest.approx(
        sklearn_metrics.precision_score(_labels, _scores > 0.5, sample_weight=weight), rel=1e-12
    )
    assert recall == pytest.approx(
        sklearn_metrics.recall_score(_labels, _scores > 0.5, sample_weight=weight), rel=1e-12
    )


def test_precision_recall_trade_offs_from_confusion_matrices():
    metric_rates = {}
    grid = [0.0] + [(i + 1) / 10 for i in range(9)] + [1.0]  # the metrics' own thresholds
    for threshold in grid:
        tn, fp, fn, tp = sklearn_metrics.confusion_matrix(_labels, _scores > threshold).ravel()
        metric_rates[threshold] = {
            "sensitivity": tp / (tp + fn),
            "specificity": tn / (tn + fp),
            "precision": tp / (tp + fp) if tp + fp else 0.0,
        }

    def best(constrained, value, dependent):
        return max(
            [r[dependent] for r in metric_rates.values() if r[constrained] >= value], default=0.0
        )

    cases = [
        (
            metrics.SensitivityAtSpecificity(0.6, num_thresholds=11),
            "specificity",
            0.6,
            "sensitivity",
        ),
        (
            metrics.SpecificityAtSensitivity(0.8, num_thresholds=11),
            "sensitivity",
            0.8,
            "specificity",
        ),
        (metrics.PrecisionAtRecall(0.7, num_thresholds=11), "sensitivity", 0.7, "precision"),
        (metrics.RecallAtPrecision(0.75, num_thresholds=11), "precision", 0.75, "sensitivity"),
    ]
    for metric, constrained, value, dependent in cases:
        assert _stream(metric, _labels, _scores) == pytest.approx(
            best(constrained, value, dependent), rel=1e-12
        ), type(metric).__name__


_multi_true = _rng.integers(0, 2, (30, 4))
_multi_scores = np.clip(0.35 * _multi_true + _rng.uniform(0, 0.65, (30, 4)), 0, 1)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("weighted", [False, True])
def test_f_scores_equal_scikit_learn(average, weighted):
    weight = _weights if weighted else None
    arrays = (_multi_true, _multi_scores) + ((_weights,) if weighted else ())
    predicted = _multi_scores > 0.5
    f1 = _stream(metrics.F1Score(average=average, threshold=0.5), *arrays)
    expected = sklearn_metrics.f1_score(
        _multi_true, predicted, average=average, sample_weight=weight
    )
    # Keras's formula adds epsilon = 1e-7 to each denominator
    np.testing.assert_allclose(f1, expected, rtol=1e-6)
    f2 = _stream(metrics.FBetaScore(average=average, beta=2.0, threshold=0.5), *arrays)
    expected = sklearn_metrics.fbeta_score(
        _multi_true, predicted, beta=2.0, average=average, sample_weight=weight
    )
    np.testing.assert_allclose(f2, expected, rtol=1e-6)


def test_iou_family_equals_jaccard_score():
    y_true, y_pred = _rng.integers(0, 3, (30, 6)), _rng.integers(0, 3, (30, 6))
    pixel_weights = _rng.integers(0, 3, (30, 6)).astype(float)
    per_class = sklearn_metrics.jaccard_score(
        y_true.ravel(), y_pred.ravel(), average=None, sample_weight=pixel_weights.ravel()
    )
    mean_iou = _stream(metrics.MeanIoU(num_classes=3), y_true, y_pred, pixel_weights)
    np.testing.assert_allclose(mean_iou, per_class.mean(), rtol=1e-6)
    iou = _stream(metrics.IoU(3, target_class_ids=[0, 2]), y_true, y_pred, pixel_weights)
    np.testing.assert_allclose(iou, per_class[[0, 2]].mean(), rtol=1e-6)
    one_hot = _stream(metrics.OneHotMeanIoU(num_classes=3), np.eye(3)[y_true], np.eye(3)[y_pred])
    np.testing.assert_allclose(
        one_hot,
        sklearn_metrics.jaccard_score(y_true.ravel(), y_pred.ravel(), average="macro"),
        rtol=1e-6,
    )
    binary = _stream(metrics.BinaryIoU(target_class_ids=[1], threshold=0.5), _labels, _scores)
    np.testing.assert_allclose(
        binary, sklearn_metrics.jaccard_score(_labels, _scores >= 0.5), rtol=1e-6
    )


_y = _rng.standard_normal((30, 3)) * [1.0, 2.0, 0.5]
_y_hat = _y + _rng.standard_normal((30, 3)) * 0.7


@pytest.mark.parametrize(
    "aggregation, multioutput",
    [
        ("uniform_average", "uniform_average"),
        ("variance_weighted_average", "variance_weighted"),
        (None, "raw_values"),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_r2_score_equals_scikit_learn(aggregation, multioutput, weighted):
    arrays = (_y, _y_hat) + ((_weights,) if weighted else ())
    ours = _stream(metrics.R2Score(class_aggregation=aggregation), *arrays)
    expected = sklearn_metrics.r2_score(
        _y, _y_hat, multioutput=multioutput, sample_weight=_weights if weighted else None
    )
    np.testing.assert_allclose(ours, expected, rtol=1e-10)


def test_adjusted_r2_formula():
    ours = _stream(metrics.R2Score(num_regressors=2), _y[:, :1], _y_hat[:, :1])
    r2 = sklearn_metrics.r2_score(_y[:, 0], _y_hat[:, 0])
    assert ours == pytest.approx(1 - (1 - r2) * (30 - 1) / (30 - 2 - 1), rel=1e-10)


@pytest.mark.parametrize(
    "metric, reference",
    [
        (metrics.MeanSquaredError, sklearn_metrics.mean_squared_error),
        (metrics.MeanAbsoluteError, sklearn_metrics.mean_absolute_error),
        (metrics.MeanSquaredLogarithmicError, sklearn_metrics.mean_squared_log_error),
        (
            metrics.MeanAbsolutePercentageError,
            lambda *a, **k: 100 * sklearn_metrics.mean_absolute_percentage_error(*a, **k),
        ),
    ],
    ids=["mse", "mae", "msle", "mape"],
)
def test_regression_errors_equal_scikit_learn(metric, reference):
    y, y_hat = np.abs(_y) + 0.5, np.abs(_y_hat)
    np.testing.assert_allclose(
        _stream(metric(), y, y_hat, _weights),
        reference(y, y_hat, sample_weight=_weights),
        rtol=1e-6,
    )


def test_correlations_are_per_sample_means():
    pearson = _stream(metrics.PearsonCorrelation(), _y, _y_hat)
    expected = np.mean([np.corrcoef(a, b)[0, 1] for a, b in zip(_y, _y_hat)])
    assert pearson == pytest.approx(expected, rel=1e-10)
    along_batch = metrics.pearson_correlation(_y, _y_hat, axis=0)
    np.testing.assert_allclose(
        along_batch, [np.corrcoef(_y[:, j], _y_hat[:, j])[0, 1] for j in range(3)], rtol=1e-10
    )
    concordance = metrics.concordance_correlation(_y, _y, axis=0)
    np.testing.assert_allclose(concordance, 1.0, rtol=1e-6)  # agreement with itself
