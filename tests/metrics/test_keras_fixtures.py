"""glassnet's metrics against results written by real Keras 3.15 (TensorFlow backend).

Each case (tests/fixtures/make_keras_losses_metrics_fixtures.py) feeds a Keras metric three
batches, without and with sample weights, and stores its result; glassnet's metric of the same
class and arguments is fed the same batches. Keras accumulates in float32, glassnet in float64.
"""

import json
import os

import numpy as np
import pytest

from glassnet import metrics

HERE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_losses_metrics")
with open(os.path.join(HERE, "cases.json")) as handle:
    ALL_CASES = json.load(handle)["cases"]
CASES = [case for case in ALL_CASES if case["kind"] == "metric"]
FUNCTION_CASES = [case for case in ALL_CASES if case["kind"] == "metric_function"]
ARRAYS = np.load(os.path.join(HERE, "arrays.npz"))
RTOL, ATOL = 1e-5, 1e-6


def case_id(case):
    return f"{case['class_name']}{case['kwargs'] or ''}"


def feed(metric, case, weighted):
    key = case["key"]
    for i in range(case["batches"]):
        weight = ARRAYS[f"{key}/{i}/sample_weight"] if weighted else None
        metric.update_state(ARRAYS[f"{key}/{i}/y_true"], ARRAYS[f"{key}/{i}/y_pred"], weight)
    return metric.result()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_metric_equals_keras(case):
    for weighted in (False, True):
        metric = getattr(metrics, case["class_name"])(**case["kwargs"])
        expected = ARRAYS[f"{case['key']}/result" + ("/weighted" if weighted else "")]
        np.testing.assert_allclose(
            feed(metric, case, weighted),
            expected,
            rtol=RTOL,
            atol=ATOL,
            err_msg=f"{case_id(case)} weighted={weighted}",
        )


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_reset_config_and_state_round_trip(case):
    metric = getattr(metrics, case["class_name"])(**case["kwargs"])
    first = feed(metric, case, weighted=True)
    metric.reset_state()
    assert all(not np.any(v.data) for v in metric.variables)
    np.testing.assert_allclose(feed(metric, case, weighted=True), first, rtol=1e-12)
    # a copy from the config, given the state, gives the same result (what MPI summation does)
    rebuilt = metrics.deserialize(json.loads(json.dumps(metrics.serialize(metric))))
    assert type(rebuilt) is type(metric) and rebuilt.get_config() == metric.get_config()
    key = case["key"]
    rebuilt.update_state(ARRAYS[f"{key}/0/y_true"], ARRAYS[f"{key}/0/y_pred"])  # builds lazy state
    rebuilt.set_state(metric.state())
    np.testing.assert_allclose(rebuilt.result(), first, rtol=1e-12)


@pytest.mark.parametrize("case", FUNCTION_CASES, ids=lambda case: case["function"])
def test_metric_functions_equal_keras(case):
    key = case["key"]
    values = getattr(metrics, case["function"])(
        ARRAYS[f"{key}/y_true"], ARRAYS[f"{key}/y_pred"], **case["kwargs"]
    )
    np.testing.assert_allclose(values, ARRAYS[f"{key}/values"], rtol=RTOL, atol=ATOL)
