import warnings

import numpy as np

import glassnet as keras
from glassnet import datasets, layers, plot
from glassnet.inspect import GradientHealthWarning, GradientMonitor


def moons():
    return datasets.load_2d("moons", n_samples=256)[0]


def run(model, optimizer, epochs=3, every=2):
    x, y = moons()
    model.compile(optimizer, "binary_crossentropy", metrics=["accuracy"])
    monitor = GradientMonitor(every=every)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):  # the bad setups overflow on purpose
            model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[monitor])
    return monitor, [w for w in caught if issubclass(w.category, GradientHealthWarning)]


def test_healthy_model_triggers_no_warning_and_records_everything(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(16, activation="relu", kernel_initializer="he_normal"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    monitor, caught = run(model, keras.optimizers.Adam(0.01))
    assert caught == [] and monitor.problems == []
    steps = {r["step"] for r in monitor.records}
    assert steps == set(range(0, 18, 2))  # 192 training samples: 6 batches x 3 epochs, every 2nd
    first = monitor.records[0]
    assert {
        "grad_norm",
        "weight_norm",
        "update_ratio",
        "act_mean",
        "act_std",
        "dead_fraction",
    } <= set(first)
    assert 0 <= first["dead_fraction"] < 0.5 and 0 < first["update_ratio"] < 0.1
    plot.plot_gradient_flow(monitor.records, tmp_path / "flow.png")


def test_twenty_sigmoid_layers_vanish():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            *[layers.Dense(8, activation="sigmoid") for _ in range(20)],
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    monitor, caught = run(model, keras.optimizers.SGD(0.1), epochs=1)
    kinds = {p["kind"] for p in monitor.problems}
    assert "vanishing" in kinds
    vanishing = [p for p in monitor.problems if p["kind"] == "vanishing"]
    assert vanishing[0]["layer"] == model.layers[0].name  # the first layer is hit hardest
    assert (
        "ReLU with He initialisation" in vanishing[0]["message"]
        and "step 0" in vanishing[0]["message"]
    )
    assert len(caught) == len(
        monitor.problems
    )  # one warning per problem and layer, not one per step


def test_learning_rate_ten_explodes():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(16, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    monitor, _ = run(model, keras.optimizers.SGD(10.0), epochs=2, every=1)
    kinds = {p["kind"] for p in monitor.problems}
    assert kinds & {"exploding", "nonfinite", "dead"}, monitor.problems
    assert any("lower the learning rate" in p["message"] for p in monitor.problems)
