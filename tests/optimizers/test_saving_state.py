"""The new optimizers' state goes through a .glassnet file: training continues identically."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import optimizers
from glassnet.saving import load_model

OPTIMIZERS = [
    lambda: optimizers.Adafactor(0.01),
    lambda: optimizers.Ftrl(0.05, l1_regularization_strength=0.001),
    lambda: optimizers.Lamb(0.01),
    lambda: optimizers.Lion(0.001),
    lambda: optimizers.Muon(0.01),
    lambda: optimizers.ScheduleFreeAdamW(0.01, warmup_steps=3),
    lambda: optimizers.Adam(0.01, use_ema=True, ema_momentum=0.9),
    lambda: optimizers.SGD(0.05, momentum=0.9, gradient_accumulation_steps=2),
    lambda: optimizers.RMSprop(optimizers.schedules.PolynomialDecay(0.01, 20, power=2.0)),
    lambda: optimizers.MultiOptimizer(
        optimizers.OptimizerMap(optimizers.Adam(0.01), {".*bias": optimizers.SGD(0.1)})
    ),
]


@pytest.mark.parametrize("make", OPTIMIZERS, ids=lambda m: type(m()).__name__)
def test_training_continues_identically_after_save_and_load(tmp_path, make):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(1)]
    )
    model.compile(make(), "mse")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 4)).astype("float32")
    y = rng.standard_normal((32, 1)).astype("float32")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.save(tmp_path / "m.glassnet")
    restored = load_model(tmp_path / "m.glassnet")
    assert type(restored.optimizer) is type(model.optimizer)
    assert restored.optimizer.iterations == model.optimizer.iterations
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    restored.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
