"""Transfer learning as Keras users write it: a frozen pretrained base (weights=None here: no
network), a new head, fit; then the top of the base unfrozen and fit again with a low learning
rate. While frozen, the base's weights must not move at all: its BatchNormalization layers run
in inference mode (their moving statistics stay), as in Keras."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.applications import MobileNetV2, MobileNetV3Small

HAS_RESCALING = hasattr(layers, "Rescaling")


def image_folder(n=24, size=32):
    """A small two-class image set: bright-top vs bright-bottom pictures with noise."""
    rng = np.random.default_rng(0)
    labels = np.arange(n) % 2
    images = rng.uniform(0, 80, (n, size, size, 3)).astype("float32")
    half = size // 2
    images[labels == 0, :half] += 150
    images[labels == 1, half:] += 150
    return images, labels


def snapshot(variables):
    return [v.data.copy() for v in variables]


BASES = [
    pytest.param(
        lambda: MobileNetV3Small(weights=None, input_shape=(32, 32, 3), include_top=False),
        id="MobileNetV3Small",
        marks=pytest.mark.skipif(
            not HAS_RESCALING, reason="MobileNetV3 needs layers.Rescaling, not in glassnet yet"
        ),
    ),
    pytest.param(
        lambda: MobileNetV2(weights=None, alpha=0.35, input_shape=(32, 32, 3), include_top=False),
        id="MobileNetV2",
    ),
]


def transfer_model(make_base):
    base = make_base()
    base.trainable = False
    inputs = keras.Input((32, 32, 3))
    features = base(inputs, training=False)
    features = layers.GlobalAveragePooling2D()(features)
    outputs = layers.Dense(2, activation="softmax")(layers.Dropout(0.2)(features))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    return base, model


def is_moving_statistic(variable):
    return variable.path.endswith(("moving_mean", "moving_variance"))


@pytest.mark.parametrize("make_base", BASES)
def test_frozen_base_new_head_then_fine_tune(make_base):
    x, y = image_folder()
    base, model = transfer_model(make_base)
    head = model.layers[-1]
    assert model.trainable_weights == head.trainable_weights
    learned = [v for v in base.weights if not is_moving_statistic(v)]
    frozen_before, head_before = snapshot(learned), snapshot(head.weights)
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0)
    for before, variable in zip(frozen_before, learned):
        np.testing.assert_array_equal(variable.data, before, err_msg=variable.path)
    assert all(not np.array_equal(v.data, b) for v, b in zip(head.weights, head_before))
    assert history.history["loss"][-1] < history.history["loss"][0]

    # unfreeze the last 10 layers of the base (its BatchNormalization layers stay frozen, as the
    # Keras guide advises), recompile with a low learning rate, train again
    base.trainable = True
    for layer in base.layers[:-10]:
        layer.trainable = False
    for layer in base.layers:
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
    tuned = [v for layer in base.layers[-10:] for v in layer.trainable_weights]
    assert tuned
    still = [v for layer in base.layers[:-10] for v in layer.weights if not is_moving_statistic(v)]
    tuned_before, still_before = snapshot(tuned), snapshot(still)
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    # the base runs in inference mode (training=False, as the Keras guide builds it): with
    # random weights and untrained moving statistics some paths through it are zero, so only
    # some of the unfrozen kernels get a gradient -- but those, and only those, move
    assert any(not np.array_equal(v.data, b) for v, b in zip(tuned, tuned_before))
    for before, variable in zip(still_before, still):
        np.testing.assert_array_equal(variable.data, before, err_msg=variable.path)


@pytest.mark.parametrize("make_base", BASES)
def test_frozen_base_keeps_its_batchnorm_statistics(make_base):
    x, y = image_folder()
    base, model = transfer_model(make_base)
    statistics = [v for v in base.weights if is_moving_statistic(v)]
    before = snapshot(statistics)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    for value, variable in zip(before, statistics):
        np.testing.assert_array_equal(variable.data, value, err_msg=variable.path)
