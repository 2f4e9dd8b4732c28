import numpy as np
import pytest

from glassnet import Tensor, gradcheck, losses

rng = np.random.default_rng(0)


def test_reduction_is_the_mean_over_the_batch_with_weights():
    y_true, y_pred = rng.standard_normal((6, 3)), rng.standard_normal((6, 3))
    per_sample = ((y_pred - y_true) ** 2).mean(-1)
    mse = losses.MeanSquaredError()
    assert mse(y_true, y_pred).item() == pytest.approx(per_sample.mean())
    weights = np.array([1, 0, 2, 0, 1, 1.0])
    assert mse(y_true, y_pred, sample_weight=weights).item() == pytest.approx(
        (per_sample * weights).mean()
    )
    assert losses.MeanSquaredError(reduction="sum")(y_true, y_pred).item() == pytest.approx(
        per_sample.sum()
    )
    np.testing.assert_allclose(
        losses.MeanSquaredError(reduction="none")(y_true, y_pred).data, per_sample
    )


def test_binary_labels_of_shape_n_against_predictions_n_1():
    y = np.array([0.0, 1.0, 1.0])
    p = np.array([[0.2], [0.7], [0.9]])
    expected = -np.mean([np.log(0.8), np.log(0.7), np.log(0.9)])
    assert losses.BinaryCrossentropy()(y, p).item() == pytest.approx(expected, rel=1e-6)
    assert losses.get("binary_crossentropy")(y[:, None], p).item() == pytest.approx(
        expected, rel=1e-6
    )


def test_label_smoothing():
    y = np.array([[0.0, 1.0]])
    logits = np.array([[0.3, 1.2]])
    smooth = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2)(y, logits).item()
    log_p = logits - np.log(np.exp(logits).sum())
    assert smooth == pytest.approx(-(np.array([[0.1, 0.9]]) * log_p).sum(), rel=1e-6)


def test_categorical_with_integer_labels_points_to_sparse():
    with pytest.raises(ValueError, match="integer labels need sparse_categorical_crossentropy"):
        losses.CategoricalCrossentropy()(np.array([1, 0]), np.full((2, 3), 1 / 3))


def test_custom_function_and_get():
    def scaled_mae(y_true, y_pred):
        from glassnet import ops

        return ops.mean(ops.abs(y_true - y_pred), axis=-1) * 2.0

    loss = losses.get(scaled_mae)
    assert loss(np.zeros((2, 2)), np.ones((2, 2))).item() == pytest.approx(2.0)
    assert isinstance(losses.get("huber"), losses.Huber)
    assert losses.Huber(delta=2.0).fn_kwargs == {"delta": 2.0}
    with pytest.raises(ValueError, match="Unknown loss 'hubber'. Did you mean 'huber'"):
        losses.get("hubber")


def test_losses_are_differentiable_end_to_end():
    p = Tensor(rng.standard_normal((4, 3)), requires_grad=True)
    losses.CategoricalCrossentropy(from_logits=True)(np.eye(3)[[0, 1, 2, 0]], p).backward()
    e = np.exp(p.data - p.data.max(1, keepdims=True))
    np.testing.assert_allclose(
        p.grad, (e / e.sum(1, keepdims=True) - np.eye(3)[[0, 1, 2, 0]]) / 4, rtol=1e-10
    )


# -- the losses added for Keras 3's full set -----------------------------------------------------
def _unit_rows(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


_grad_rng = np.random.default_rng(7)
_labels01 = _grad_rng.integers(0, 2, (4, 3)).astype(np.float64)
_one_hot = np.eye(4)[[0, 2, 1, 3, 2]]
_masks = _grad_rng.integers(0, 2, (2, 3, 3)).astype(np.float64)
# (name, loss object, y_true, y_pred); every loss is differentiated w.r.t. y_pred in float64
GRADCHECK_CASES = [
    (
        "msle",
        losses.MeanSquaredLogarithmicError(),
        _grad_rng.uniform(0.1, 2, (4, 3)),
        _grad_rng.uniform(0.1, 2, (4, 3)),
    ),
    (
        "mape",
        losses.MeanAbsolutePercentageError(),
        _grad_rng.uniform(1, 2, (4, 3)),
        _grad_rng.uniform(-0.5, 0.5, (4, 3)),
    ),
    (
        "poisson",
        losses.Poisson(),
        _grad_rng.integers(0, 4, (4, 3)).astype(float),
        _grad_rng.uniform(0.2, 3, (4, 3)),
    ),
    (
        "binary_focal",
        losses.BinaryFocalCrossentropy(),
        _labels01,
        _grad_rng.uniform(0.05, 0.95, (4, 3)),
    ),
    (
        "binary_focal_balanced_logits",
        losses.BinaryFocalCrossentropy(
            apply_class_balancing=True, from_logits=True, gamma=1.5, label_smoothing=0.1
        ),
        _labels01,
        _grad_rng.standard_normal((4, 3)),
    ),
    (
        "categorical_focal",
        losses.CategoricalFocalCrossentropy(),
        _one_hot,
        _grad_rng.uniform(0.05, 1, (5, 4)),
    ),
    (
        "categorical_focal_logits",
        losses.CategoricalFocalCrossentropy(from_logits=True, gamma=1.0, label_smoothing=0.1),
        _one_hot,
        _grad_rng.standard_normal((5, 4)),
    ),
    (
        "generalized_ce",
        losses.CategoricalGeneralizedCrossEntropy(q=0.7),
        np.array([0, 2, 1, 3]),
        _grad_rng.uniform(0.1, 1, (4, 4)),
    ),
    ("categorical_hinge", losses.CategoricalHinge(), _one_hot, _grad_rng.standard_normal((5, 4))),
    (
        "sparse_ignore_class",
        losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1),
        np.array([0, 1, 2, 1]),
        _grad_rng.standard_normal((4, 3)),
    ),
    ("dice", losses.Dice(), _masks, _grad_rng.uniform(0, 1, (2, 3, 3))),
    ("dice_per_sample", losses.Dice(axis=(1, 2)), _masks, _grad_rng.uniform(0, 1, (2, 3, 3))),
    ("tversky", losses.Tversky(alpha=0.7, beta=0.3), _masks, _grad_rng.uniform(0, 1, (2, 3, 3))),
    ("tversky_per_sample", losses.Tversky(axis=(1, 2)), _masks, _grad_rng.uniform(0, 1, (2, 3, 3))),
    (
        "circle",
        losses.Circle(gamma=4.0),
        np.array([0, 0, 1, 1, 2]),
        _unit_rows(_grad_rng.standard_normal((5, 3))),
    ),
    (
        "circle_keep_diagonal",
        losses.Circle(gamma=2.0, margin=0.25, remove_diagonal=False),
        np.array([0, 1, 0, 1]),
        _unit_rows(_grad_rng.standard_normal((4, 3))),
    ),
    ("ctc", losses.CTC(), np.array([[1, 2, 2], [3, 0, 0]]), _grad_rng.standard_normal((2, 6, 4))),
]


@pytest.mark.parametrize(
    "name, loss, y_true, y_pred", GRADCHECK_CASES, ids=[c[0] for c in GRADCHECK_CASES]
)
def test_new_losses_gradcheck_in_float64(name, loss, y_true, y_pred):
    value = loss(y_true, y_pred)
    assert value.dtype == np.float64 and np.isfinite(value.data)
    result = gradcheck(lambda prediction: loss(y_true, prediction), y_pred)
    assert result, f"{name}: {result}"


def test_circle_mean_leaves_out_embeddings_without_pairs():
    # classes 2 and 3 occur once, so their embeddings have no positive pair and loss 0; as in
    # Keras the mean is over the other embeddings only
    embeddings = _unit_rows(np.random.default_rng(1).standard_normal((6, 4)))
    labels = np.array([0, 0, 1, 1, 2, 3])
    values = losses.circle(labels, embeddings).data
    assert np.all(values[4:] == 0) and np.all(values[:4] > 0)
    assert losses.Circle()(labels, embeddings).item() == pytest.approx(values[:4].mean(), rel=1e-12)


def test_reductions_and_dtype():
    y_true, y_pred = np.array([[1.0], [2.0], [3.0]]), np.array([[2.0], [2.0], [5.0]])
    weight = np.array([1.0, 2.0, 0.5])
    per_sample = np.array([1.0, 0.0, 4.0])
    mse = losses.MeanSquaredError
    assert mse(reduction="mean_with_sample_weight")(y_true, y_pred, weight).item() == (
        pytest.approx((per_sample * weight).sum() / weight.sum())
    )
    assert mse(reduction="mean")(y_true, y_pred, weight).item() == pytest.approx(
        (per_sample * weight).mean()
    )
    assert mse(reduction=None)(y_true, y_pred).shape == (3,)
    with pytest.raises(ValueError, match="reduction must be one of"):
        mse(reduction="average")
    assert mse().dtype == "float32" and mse(dtype="float64").dtype == "float64"
    assert mse()(y_true, y_pred).dtype == np.float64  # float64 inputs stay float64
    assert mse(dtype="float32")(y_true, y_pred).dtype == np.float32


def test_new_names_for_compile_and_config_round_trips():
    for name, cls in [
        ("mape", losses.MeanAbsolutePercentageError),
        ("msle", losses.MeanSquaredLogarithmicError),
        ("poisson", losses.Poisson),
        ("binary_focal_crossentropy", losses.BinaryFocalCrossentropy),
        ("dice", losses.Dice),
        ("Tversky", losses.Tversky),
        ("ctc", losses.CTC),
    ]:
        assert type(losses.get(name)) is cls
    assert type(losses.get(losses.Circle)) is losses.Circle
    assert losses.serialize(losses.poisson) == {
        "module": "keras.losses",
        "class_name": "function",
        "config": "poisson",
        "registered_name": "function",
    }
    assert losses.deserialize(losses.serialize(losses.poisson)) is losses.poisson
    wrapped = losses.LossFunctionWrapper(losses.huber, delta=0.5, reduction="sum")
    rebuilt = losses.deserialize(losses.serialize(wrapped))
    assert rebuilt.fn is losses.huber and rebuilt.fn_kwargs == {"delta": 0.5}
    assert losses.BinaryFocalCrossentropy(gamma=3.0).gamma == 3.0  # Keras's attributes

    def my_loss(y_true, y_pred):
        return (y_true - y_pred) ** 2

    assert losses.deserialize("my_loss", custom_objects={"my_loss": my_loss}) is my_loss
    with pytest.raises(ValueError, match="Unknown loss 'Tverski'"):
        losses.deserialize({"class_name": "Tverski", "config": {}})


def test_new_loss_trains_and_evaluates_through_compile():
    import glassnet as keras

    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential(
        [keras.layers.Input((3,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(keras.optimizers.SGD(0.5), loss="binary_focal_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    expected = losses.BinaryFocalCrossentropy()(y, model.predict(x, verbose=0)).item()
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "mean", "mean_with_sample_weight"])
def test_the_unweighted_mean_is_keras_sum_over_size_to_the_bit(dtype, reduction):
    """Without weights the reduction is one mean op; Keras divides the sum by the size. Both the
    value and the gradient must be the same bits."""
    from glassnet import ops
    from glassnet.losses.loss import reduce_weighted_values

    data = np.random.default_rng(3).standard_normal((37, 5)).astype(dtype) * 1e3
    ours, theirs = Tensor(data, requires_grad=True), Tensor(data, requires_grad=True)
    reduced = reduce_weighted_values(ours, reduction=reduction)
    expected = ops.divide(ops.sum(theirs), float(data.size))
    assert reduced.dtype == expected.dtype and reduced.data.tobytes() == expected.data.tobytes()
    reduced.backward()
    expected.backward()
    assert ours.grad.tobytes() == theirs.grad.tobytes()


def test_an_empty_batch_reduces_to_zero_not_nan():
    from glassnet.losses.loss import reduce_weighted_values

    assert float(reduce_weighted_values(Tensor(np.zeros((0, 3), "float32"))).data) == 0.0
