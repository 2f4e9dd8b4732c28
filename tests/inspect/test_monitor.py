"""GradientMonitor's calibration suite (issue 16 item 4): known-bad training runs, each of which
must be named with the right kind of problem, and known-good ones, which must flag nothing; then
each threshold is checked where it decides.

The runs are small (512 digits, one to three epochs, a fraction of a second each). What they
measured when the thresholds were set (step 0 unless said):
- 8 sigmoid layers + SGD(0.01): first-layer gradient norm 1.2e-05 against 0.20 at the last
  hidden layer; smallest gradient RMS / largest 4e-06 (threshold 1e-3);
- SGD(10): update/weight ratio 0.75-1.0 at step 0 (threshold 0.5);
- a bias of -10 before ReLU: 100% of the units dead (threshold 90%);
- sigmoid on raw 0-255 pixel values: 94% of the outputs saturated (threshold 90%);
- healthy MLP, CNN, LSTM (Adam 1e-3) and a 4-layer tanh MLP (SGD 0.1): smallest RMS ratio 0.18,
  largest update ratio 0.023, at most 26% dead units, no saturation.
"""

import functools
import warnings

import numpy as np
import pytest

import glassnet as keras
from glassnet import datasets, layers, plot
from glassnet.backend import config
from glassnet.inspect import GradientHealthWarning, GradientMonitor


@functools.cache
def digits(images=False):
    (x, y), _ = datasets.load_digits(images=images)
    return x[:512], y[:512]


def train(model, optimizer, x, y, monitors, epochs=1, loss="sparse_categorical_crossentropy"):
    """Fit with the monitors attached; returns the GradientHealthWarnings raised."""
    model.compile(optimizer, loss)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):  # the bad runs overflow on purpose
            model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=list(monitors))
    return [w for w in caught if issubclass(w.category, GradientHealthWarning)]


def mlp(activation, widths, **dense_arguments):
    return keras.Sequential(
        [
            keras.Input((64,)),
            *[layers.Dense(w, activation=activation, **dense_arguments) for w in widths],
            layers.Dense(10, activation="softmax"),
        ]
    )


# -- the runs: name -> (build the model, optimizer, inputs, labels, epochs) ----------------------
def deep_sigmoid():
    return mlp("sigmoid", [32] * 8), keras.optimizers.SGD(0.01), *digits(), 1


def huge_learning_rate():
    return mlp("relu", [32, 32]), keras.optimizers.SGD(10.0), *digits(), 1


def dead_after_bad_bias():
    model = mlp("relu", [32], bias_initializer=keras.initializers.Constant(-10.0))
    return model, keras.optimizers.SGD(0.01), *digits(), 1


def overflowing_inputs():
    x, y = digits()
    # finite float32 inputs near its largest value: the first layer's sums overflow to inf
    return mlp("relu", [32]), keras.optimizers.SGD(0.01), x * np.float32(3e38), y, 1


def raw_pixels_into_sigmoid():
    x, y = digits()
    return mlp("sigmoid", [32]), keras.optimizers.SGD(0.01), x * np.float32(255.0), y, 1


def softmax_saturated_by_huge_inputs():
    # finite activations, a one-hot softmax, and a loss on the clipped probabilities (a plain
    # function, which the softmax_crossentropy rule does not take over): every gradient is
    # exactly zero. With the compiled cross-entropy the loss comes from the logits, and those
    # overflow it: that run is non-finite, as overflowing_inputs is.
    def loss(y_true, y_pred):
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred)

    x, y = digits()
    return mlp("relu", [32]), keras.optimizers.SGD(0.01), x * np.float32(1e38), y, 1, loss


def healthy_mlp():
    return mlp("relu", [64, 32]), keras.optimizers.Adam(1e-3), *digits(), 3


def healthy_deep_tanh():
    return mlp("tanh", [32] * 4), keras.optimizers.SGD(0.1), *digits(), 3


def healthy_cnn():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            layers.Conv2D(8, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    return model, keras.optimizers.Adam(1e-3), *digits(images=True), 3


def healthy_lstm():
    x, y = digits(images=True)
    model = keras.Sequential(
        [keras.Input((8, 8)), layers.LSTM(16), layers.Dense(10, activation="softmax")]
    )
    return model, keras.optimizers.Adam(1e-3), x[..., 0], y, 3


def run(setup, *monitors):
    keras.utils.set_random_seed(0)
    model, optimizer, x, y, epochs, *loss = setup()
    monitors = monitors or (GradientMonitor(every=1),)
    caught = train(model, optimizer, x, y, monitors, epochs, *loss)
    return model, monitors[0], caught


BAD = [
    (deep_sigmoid, "vanishing"),
    (huge_learning_rate, "exploding"),
    (dead_after_bad_bias, "dead"),
    (overflowing_inputs, "nonfinite"),
    (raw_pixels_into_sigmoid, "saturated"),
    (softmax_saturated_by_huge_inputs, "vanishing"),
]
HEALTHY = [healthy_mlp, healthy_deep_tanh, healthy_cnn, healthy_lstm]


@pytest.mark.parametrize("setup,kind", BAD, ids=[s.__name__ for s, _ in BAD])
def test_every_bad_run_is_named_with_its_kind(setup, kind):
    model, monitor, caught = run(setup)
    kinds = {p["kind"] for p in monitor.problems}
    assert kind in kinds, monitor.problems
    named = next(p for p in monitor.problems if p["kind"] == kind)
    assert named["step"] == 0  # seen on the first recorded step, not epochs later
    assert len(caught) == len(monitor.problems)  # one warning per kind and layer, not per step
    assert all(str(w.message) in [p["message"] for p in monitor.problems] for w in caught)


@pytest.mark.parametrize("setup", HEALTHY, ids=[s.__name__ for s in HEALTHY])
def test_no_healthy_run_is_flagged(setup):
    model, monitor, caught = run(setup)
    assert monitor.problems == [] and caught == []
    watched = {layer.name for layer in model.layers if layer.trainable_weights}
    steps = len(digits()[0]) // 32 * 3
    assert {r["layer"] for r in monitor.records} == watched
    assert len(monitor.records) == len(watched) * steps  # every layer at every step


def test_deep_sigmoid_vanishes_from_the_first_layer_backwards():
    model, monitor, caught = run(deep_sigmoid)
    first = {r["layer"]: r for r in monitor.records if r["step"] == 0}
    names = [layer.name for layer in model.layers]
    assert first[names[0]]["grad_norm"] < 1e-4 < 1e-2 < first[names[7]]["grad_norm"]
    norms = [first[name]["grad_norm"] for name in names]
    assert norms == sorted(norms)  # every layer further from the loss gets less
    vanishing = [p for p in monitor.problems if p["kind"] == "vanishing"]
    assert vanishing[0]["layer"] == names[0]
    assert "ReLU with He initialisation" in vanishing[0]["message"]
    assert "step 0" in vanishing[0]["message"]
    assert {p["kind"] for p in monitor.problems} == {"vanishing"}


def test_huge_learning_rate_advice_names_the_learning_rate():
    _, monitor, _ = run(huge_learning_rate)
    exploding = [p for p in monitor.problems if p["kind"] == "exploding"]
    assert exploding and all("lower the learning rate" in p["message"] for p in exploding)


def test_overflow_names_the_loss_and_the_layers():
    model, monitor, _ = run(overflowing_inputs)
    nonfinite = {p["layer"] for p in monitor.problems if p["kind"] == "nonfinite"}
    assert nonfinite >= {"loss", model.layers[0].name}


def test_fit_refuses_nan_and_infinite_inputs_before_any_step():
    x, y = digits()
    for bad in (np.nan, np.inf):
        keras.utils.set_random_seed(0)
        model = mlp("relu", [8])
        model.compile("sgd", "sparse_categorical_crossentropy")
        before = [w.copy() for w in model.get_weights()]
        with pytest.raises(ValueError, match="x contains .* NaN or infinite"):
            model.fit(np.where(x > 0.5, bad, x), y, epochs=1, verbose=0)
        assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_large_finite_outputs_keep_finite_statistics():
    _, monitor, _ = run(softmax_saturated_by_huge_inputs)
    first_layer = monitor.records[0]
    assert np.isfinite(first_layer["act_mean"]) and first_layer["act_mean"] > 1e36


# -- each threshold decides where it says ----------------------------------------------------------
def flagged(monitor, kind):
    return {p["layer"] for p in monitor.problems if p["kind"] == kind}


def positions(model, names):
    """Layer names -> their positions (names differ between runs, positions do not)."""
    return {[layer.name for layer in model.layers].index(name) for name in names}


def test_vanishing_is_judged_against_the_largest_layer_at_the_same_step():
    ratios = (1e-6, 1e-4, 1e-2)
    monitors = [GradientMonitor(every=1, vanishing_ratio=r, warn=False) for r in ratios]
    run(deep_sigmoid, *monitors)
    records = monitors[0].records
    for ratio, monitor in zip(ratios, monitors):
        expected = set()
        for step in {r["step"] for r in records}:
            rows = [r for r in records if r["step"] == step]
            largest = max(r["grad_rms"] for r in rows)
            expected |= {r["layer"] for r in rows if r["grad_rms"] < ratio * largest}
        assert flagged(monitor, "vanishing") == expected
    sizes = [len(flagged(m, "vanishing")) for m in monitors]
    assert sizes[0] < sizes[1] < sizes[2]  # the ratios fall between measured values


def test_exploding_is_an_update_larger_than_the_threshold():
    probe = GradientMonitor(every=1, warn=False)
    model, _, _ = run(huge_learning_rate, probe)
    largest = {}
    for r in probe.records:
        if np.isfinite(r["update_ratio"]):
            largest[r["layer"]] = max(largest.get(r["layer"], 0.0), r["update_ratio"])
    threshold = sorted(largest.values())[len(largest) // 2]  # one layer's own largest ratio
    expected = positions(model, {n for n, v in largest.items() if v > threshold})
    at = GradientMonitor(every=1, exploding_update_ratio=threshold, warn=False)
    model, _, _ = run(huge_learning_rate, at)
    assert positions(model, flagged(at, "exploding")) == expected
    assert 0 < len(expected) < len(largest)


def half_dead():
    model = mlp("relu", [32], bias_initializer=keras.initializers.Constant(-0.5))
    return model, keras.optimizers.SGD(0.01), *digits(), 1


@pytest.mark.parametrize(
    "setup,kind,argument",
    [
        (half_dead, "dead", "dead_fraction"),
        (raw_pixels_into_sigmoid, "saturated", "saturated_fraction"),
    ],
)
def test_dead_and_saturated_fractions_count_from_the_threshold_up(setup, kind, argument):
    probe = GradientMonitor(every=1, warn=False)
    run(setup, probe)
    fraction = max(r[argument] for r in probe.records if r[argument] is not None)
    assert 0.3 < fraction < 1
    at, above = (
        GradientMonitor(every=1, warn=False, **{argument: value})
        for value in (fraction, np.nextafter(fraction, 1.0))
    )
    model, _, _ = run(setup, at, above)
    assert positions(model, flagged(at, kind)) == {0} and flagged(above, kind) == set()
    assert bool(flagged(probe, kind)) == (fraction >= 0.9)  # the default threshold


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_looking_does_not_change_the_training(output):
    """A monitored fit ends with the same weights, to the bit, as an unmonitored one: the
    monitor's hooks make only the hooked layers run their reference ops, and the loss rules
    (cross-entropy from the logits) stay as they are."""
    x, y = digits()
    loss = "sparse_categorical_crossentropy"
    if output == "sigmoid":
        y, loss = (y % 2).astype("float32")[:, None], "binary_crossentropy"
    results = []
    for monitors in ((), (GradientMonitor(every=2, warn=False),)):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((64,)),
                layers.Dense(16, activation="relu"),
                layers.Dense(8, activation="tanh"),
                layers.Dense(10 if output == "softmax" else 1, activation=output),
            ]
        )
        train(model, keras.optimizers.Adam(1e-2), x, y, monitors, epochs=2, loss=loss)
        results.append(model.get_weights())
    assert monitors[0].records  # it did look
    for unwatched, watched in zip(*results):
        np.testing.assert_array_equal(unwatched, watched)


def test_several_monitors_leave_fusion_as_it_was():
    assert config.is_fusion_enabled()
    run(healthy_mlp, GradientMonitor(every=2), GradientMonitor(every=3))
    assert config.is_fusion_enabled()


def test_records_steps_every_n_and_plots_them(tmp_path):
    monitor = GradientMonitor(every=5)
    run(healthy_mlp, monitor)
    assert {r["step"] for r in monitor.records} == set(range(0, 48, 5))
    first = monitor.records[0]
    assert 0 <= first["dead_fraction"] < 0.5 and 0 < first["update_ratio"] < 0.1
    assert first["grad_rms"] == pytest.approx(
        first["grad_norm"] / np.sqrt(64 * 64 + 64)  # 64 inputs x 64 units + 64 biases
    )
    plot.plot_gradient_flow(monitor.records, tmp_path / "flow.png")
    assert (tmp_path / "flow.png").stat().st_size > 0


def test_every_must_be_a_positive_integer():
    for bad in (0, -1, 1.5, "2"):
        with pytest.raises(ValueError, match="every must be a positive integer"):
            GradientMonitor(every=bad)
