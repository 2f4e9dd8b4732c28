"""compile's per-output losses, loss weights and metrics, given as one spec, a list by position
or a dict by output name, checked on exact values."""

import numpy as np
import pytest

import glassnet as keras


def two_output_model():
    inputs = keras.Input((2,))
    first = keras.layers.Dense(1, name="first", kernel_initializer="ones")(inputs)
    second = keras.layers.Dense(1, name="second", kernel_initializer="ones")(inputs)
    return keras.Model(inputs, [first, second])


X = np.array([[1.0, 2.0], [0.0, -1.0]], dtype="float32")  # both outputs: [[3], [-1]]
Y = [np.array([[1.0], [0.0]], "float32"), np.array([[4.0], [1.0]], "float32")]
MSE_FIRST = ((3 - 1) ** 2 + (-1 - 0) ** 2) / 2  # 2.5
MAE_SECOND = (abs(3 - 4) + abs(-1 - 1)) / 2  # 1.5


@pytest.mark.parametrize(
    "loss, loss_weights",
    [
        (["mse", "mae"], [2.0, 0.5]),
        ({"first": "mse", "second": "mae"}, {"first": 2.0, "second": 0.5}),
    ],
    ids=["lists", "dicts"],
)
def test_each_output_gets_its_own_loss_and_weight(loss, loss_weights):
    model = two_output_model()
    model.compile("sgd", loss=loss, loss_weights=loss_weights)
    results = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert results["first_loss"] == pytest.approx(MSE_FIRST)
    assert results["second_loss"] == pytest.approx(MAE_SECOND)
    assert results["loss"] == pytest.approx(2.0 * MSE_FIRST + 0.5 * MAE_SECOND)


def test_one_loss_serves_every_output():
    model = two_output_model()
    model.compile("sgd", loss="mae")
    results = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert results["loss"] == pytest.approx((abs(3 - 1) + abs(-1)) / 2 + MAE_SECOND)


def test_a_list_of_the_wrong_length_names_the_outputs():
    model = two_output_model()
    model.compile("sgd", loss=["mse", "mae", "mse"])
    with pytest.raises(ValueError, match=r"loss has 3 entries but the model has 2 outputs"):
        model.evaluate(X, Y, verbose=0)
