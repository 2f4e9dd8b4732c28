"""ReduceLROnPlateau against real Keras 3 (fixtures from tests/fixtures/make_keras_callbacks_
fixtures.py): the learning rate after every epoch, for cooldowns that change the schedule with
min_lr out of the way, min_delta, patience, mode "max" and a min_lr that does decide."""

import json
import pathlib

import pytest

import glassnet as keras
from glassnet import callbacks

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures" / "keras_callbacks"
CASES = json.loads((FIXTURES / "reduce_lr_on_plateau.json").read_text())["cases"]


def rates(settings, values, monitor):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(learning_rate=1.0), "mse")
    callback = callbacks.ReduceLROnPlateau(monitor=monitor, **settings)
    callback.set_model(model)
    callback.on_train_begin()
    out = []
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {monitor: value})
        out.append(float(model.optimizer.learning_rate))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_learning_rate_schedule_equals_keras(case):
    got = rates(case["settings"], case["values"], case["monitor"])
    assert got == pytest.approx(case["rates"], rel=1e-6)


def test_cooldown_decides_the_schedule_where_min_lr_cannot():
    flat = [1.0] * 12
    without = rates({"factor": 0.5, "patience": 1}, flat, "loss")
    with_cooldown = rates({"factor": 0.5, "patience": 1, "cooldown": 2}, flat, "loss")
    assert min(with_cooldown) > 0.01 and min(without) > 0  # min_lr (0) plays no part
    assert with_cooldown[-1] == pytest.approx(without[-1] * 2**5)  # 5 of 11 reductions skipped
