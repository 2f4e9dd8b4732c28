import numpy as np
import pytest

from glassnet import Tensor, losses

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
