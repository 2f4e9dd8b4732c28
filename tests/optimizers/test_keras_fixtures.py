"""Every optimizer, schedule and base-class option against trajectories written by real Keras 3
(tests/fixtures/make_keras_optimizers_fixtures.py, float64 throughout)."""

import json
import os

import numpy as np
import pytest

from glassnet import Variable, optimizers
from glassnet.optimizers import schedules

HERE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_optimizers")
with open(os.path.join(HERE, "optimizers.json")) as handle:
    MANIFEST = json.load(handle)
ARRAYS = np.load(os.path.join(HERE, "optimizers.npz"))
with open(os.path.join(HERE, "schedules.json")) as handle:
    SCHEDULES = json.load(handle)
SCHEDULE_VALUES = np.load(os.path.join(HERE, "schedules.npz"))


def make_optimizer(class_name, arguments):
    arguments = dict(arguments)
    if isinstance(arguments.get("learning_rate"), dict):
        arguments["learning_rate"] = schedules.deserialize(arguments["learning_rate"])
    return getattr(optimizers, class_name)(**arguments)


@pytest.mark.parametrize("case", sorted(MANIFEST["cases"]))
def test_optimizer_follows_kerass_trajectory(case):
    spec = MANIFEST["cases"][case]
    options = spec["options"]
    optimizer = make_optimizer(spec["class_name"], spec["arguments"])
    if "exclude_var_names" in options:
        optimizer.exclude_from_weight_decay(var_names=options["exclude_var_names"])
    kernel = Variable(ARRAYS["start_kernel"].copy(), name="kernel")
    bias = Variable(ARRAYS["start_bias"].copy(), name="bias")
    optimizer.build([kernel, bias])
    scale = options.get("grad_scale", 1.0)
    missing = set(options.get("bias_grad_missing_at", ()))
    for step in range(MANIFEST["steps"]):
        bias_grad = None if step in missing else ARRAYS["grads_bias"][step] * scale
        optimizer.apply([ARRAYS["grads_kernel"][step] * scale, bias_grad])
        np.testing.assert_allclose(
            kernel.data,
            ARRAYS[f"{case}__kernel"][step],
            rtol=1e-10,
            atol=1e-13,
            err_msg=f"{case}: kernel after step {step + 1}",
        )
        np.testing.assert_allclose(
            bias.data,
            ARRAYS[f"{case}__bias"][step],
            rtol=1e-10,
            atol=1e-13,
            err_msg=f"{case}: bias after step {step + 1}",
        )
    optimizer.finalize_variable_values([kernel, bias])
    np.testing.assert_allclose(kernel.data, ARRAYS[f"{case}__final_kernel"], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(bias.data, ARRAYS[f"{case}__final_bias"], rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_equals_keras(name):
    rate = schedules.deserialize(SCHEDULES[name])
    got = np.array([rate(step) for step in range(len(SCHEDULE_VALUES[name]))])
    np.testing.assert_allclose(got, SCHEDULE_VALUES[name], rtol=1e-12, atol=1e-15)
