"""glassnet's losses against values written by real Keras 3.15 (TensorFlow backend, float32).

The fixtures come from tests/fixtures/make_keras_losses_metrics_fixtures.py; each case names a
Keras loss class and its arguments, and holds the inputs and Keras's outputs for every
reduction, with and without sample weights, and for the per-sample function.
"""

import json
import os

import numpy as np
import pytest

from glassnet import losses

HERE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_losses_metrics")
with open(os.path.join(HERE, "cases.json")) as handle:
    CASES = [case for case in json.load(handle)["cases"] if case["kind"] == "loss"]
ARRAYS = np.load(os.path.join(HERE, "arrays.npz"))
REDUCTIONS = ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"]
# Keras computed in float32; glassnet too, so only rounding differs
RTOL, ATOL = 2e-5, 2e-6


def case_id(case):
    return f"{case['class_name']}{case['kwargs'] or ''}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_loss_equals_keras(case):
    key = case["key"]
    y_true, y_pred = ARRAYS[f"{key}/y_true"], ARRAYS[f"{key}/y_pred"]
    sample_weight = ARRAYS[f"{key}/sample_weight"]
    for reduction in REDUCTIONS:
        loss = getattr(losses, case["class_name"])(reduction=reduction, **case["kwargs"])
        for suffix, weight in (("", None), ("/weighted", sample_weight)):
            value = loss(y_true, y_pred, sample_weight=weight)
            assert value.dtype == np.float32, (reduction, suffix)
            np.testing.assert_allclose(
                value.data,
                ARRAYS[f"{key}/{reduction}{suffix}"],
                rtol=RTOL,
                atol=ATOL,
                err_msg=f"{case_id(case)} reduction={reduction}{suffix}",
            )
    if case["function"]:
        values = getattr(losses, case["function"])(y_true, y_pred, **case["function_kwargs"])
        np.testing.assert_allclose(
            values.data, ARRAYS[f"{key}/function"], rtol=RTOL, atol=ATOL, err_msg=case["function"]
        )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_config_round_trip(case):
    loss = getattr(losses, case["class_name"])(reduction="sum", **case["kwargs"])
    config = losses.serialize(loss)
    rebuilt = losses.deserialize(json.loads(json.dumps(config)))
    assert type(rebuilt) is type(loss) and rebuilt.get_config() == loss.get_config()
    key = case["key"]
    y_true, y_pred = ARRAYS[f"{key}/y_true"], ARRAYS[f"{key}/y_pred"]
    np.testing.assert_array_equal(rebuilt(y_true, y_pred).data, loss(y_true, y_pred).data)
