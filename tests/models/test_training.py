import numpy as np
import pytest

import glassnet as keras
from glassnet import layers

rng = np.random.default_rng(0)
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def small_classifier(classes=3, features=4, activation="softmax"):
    return keras.Sequential(
        [
            keras.Input((features,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(classes, activation=activation),
        ]
    )


def blobs(n=120, classes=3, features=4):
    y = rng.integers(0, classes, n)
    x = rng.standard_normal((n, features)).astype(np.float32) + 3 * np.eye(classes, features)[y]
    return x.astype(np.float32), y


def test_2_4_1_network_learns_xor():
    keras.utils.set_random_seed(3)
    model = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(XOR_X, XOR_Y, epochs=300, batch_size=4, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    np.testing.assert_array_equal(model.predict(XOR_X, verbose=0).round().ravel(), XOR_Y)


def test_history_keys_and_validation():
    x, y = blobs()
    model = small_classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 3 for v in history.history.values())
    assert history.epoch == [0, 1, 2] and model.history is history


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x, y = blobs(100)
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, batch_size=10, validation_split=0.2, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[80:], y[80:], verbose=0), rel=1e-6
    )


def test_accuracy_is_resolved_from_shapes_as_keras_does():
    x, y = blobs()
    cases = [
        (small_classifier(), "sparse_categorical_crossentropy", y, "SparseCategoricalAccuracy"),
        (
            small_classifier(),
            "sparse_categorical_crossentropy",
            y[:, None],
            "SparseCategoricalAccuracy",
        ),
        (
            small_classifier(),
            "categorical_crossentropy",
            keras.utils.to_categorical(y, 3),
            "CategoricalAccuracy",
        ),
        (
            small_classifier(1, activation="sigmoid"),
            "binary_crossentropy",
            (y > 0).astype(np.float32),
            "BinaryAccuracy",
        ),
        (
            small_classifier(1, activation="sigmoid"),
            "binary_crossentropy",
            (y > 0).astype(np.float32)[:, None],
            "BinaryAccuracy",
        ),
    ]
    for model, loss, labels, expected in cases:
        model.compile("adam", loss, metrics=["acc"])
        logs = model.fit(x, labels, epochs=1, verbose=0).history
        assert "acc" in logs
        assert type(model._compiled.metrics[0][1]).__name__ == expected


def test_metrics_are_exact_on_known_predictions():
    model = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(
                2, activation="softmax", kernel_initializer="identity", bias_initializer="zeros"
            ),
        ]
    )
    model.compile(
        "sgd",
        "sparse_categorical_crossentropy",
        metrics=["accuracy", "sparse_top_k_categorical_accuracy"],
    )
    x = np.array([[5.0, 0.0], [0.0, 5.0], [5.0, 0.0], [0.0, 5.0]], dtype=np.float32)
    loss, accuracy, top_k = model.evaluate(x, np.array([0, 1, 1, 1]), verbose=0)
    assert accuracy == 0.75 and top_k == 1.0
    p = np.exp(5) / (np.exp(5) + 1)
    assert loss == pytest.approx(-(3 * np.log(p) + np.log(1 - p)) / 4, rel=1e-5)


def test_evaluate_return_forms():
    x, y = blobs()
    model = small_classifier()
    model.compile("adam", "sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert len(model.evaluate(x, y, verbose=0)) == 2
    assert set(model.evaluate(x, y, verbose=0, return_dict=True)) == {"loss", "accuracy"}


def test_predict_in_batches_equals_one_call():
    x, _ = blobs(70)
    model = small_classifier()
    np.testing.assert_allclose(model.predict(x, batch_size=16, verbose=0), model(x).data, rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), model(x).data, rtol=1e-6)


def test_train_and_test_on_batch():
    x, y = blobs(32)
    model = small_classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    before = model.test_on_batch(x, y)[0]
    for _ in range(20):
        model.train_on_batch(x, y)
    assert model.test_on_batch(x, y)[0] < before
    assert set(model.train_on_batch(x, y, return_dict=True)) == {"loss", "accuracy"}


def test_sample_and_class_weights():
    x, y = blobs(40, classes=2)
    model = small_classifier(2)
    model.compile("sgd", "sparse_categorical_crossentropy")
    per_sample = keras.losses.SparseCategoricalCrossentropy(reduction="none")(y, model(x)).data
    weights = (y == 1).astype(np.float32)
    assert model.evaluate(x, y, sample_weight=weights, verbose=0) == pytest.approx(
        float((per_sample * weights).mean()), rel=1e-5
    )
    before = [w.copy() for w in model.get_weights()]
    model.train_on_batch(x, y, class_weight={0: 0.0, 1: 0.0})
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # zero weight for every class: nothing to learn


def test_regularization_is_part_of_the_reported_loss():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(
                2,
                kernel_regularizer=keras.regularizers.l2(0.5),
                kernel_initializer="ones",
                bias_initializer="zeros",
            ),
        ]
    )
    model.compile("sgd", "mse")
    x, y = np.zeros((4, 3), dtype=np.float32), np.zeros((4, 2), dtype=np.float32)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(
        0.5 * 6, rel=1e-6
    )  # mse 0 + 0.5 * sum(ones(3,2)^2)


def test_inputs_as_lists_ints_and_pandas():
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    model.fit([[0, 0], [1, 1], [0, 1], [1, 0]], [0, 1, 1, 0], epochs=1, verbose=0)
    model.fit(np.array([[0, 0], [1, 1]], dtype=np.int64), np.array([[0], [1]]), epochs=1, verbose=0)
    pandas = pytest.importorskip("pandas", reason="pandas is optional")
    frame = pandas.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0]})
    model.fit(frame, pandas.Series([1, 0]), epochs=1, verbose=0)


def test_weights_get_set_and_files(tmp_path):
    model = small_classifier()
    other = small_classifier()
    other.set_weights(model.get_weights())
    x, _ = blobs(5)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    path = tmp_path / "m.weights.npz"
    model.save_weights(path)
    third = small_classifier()
    third.load_weights(path)
    np.testing.assert_array_equal(third.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="set_weights expected a list of 4 arrays, got 1"):
        model.set_weights([np.zeros(1)])


def test_verbose_progress_output(capsys):
    x, y = blobs(64)
    model = small_classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "4/4" in out
    assert "ms/step" in out or "us/step" in out
    assert "loss: " in out and "accuracy: " in out
    model.fit(x, y, epochs=2, batch_size=16, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("4/4 - ")]
    assert len(lines) == 2
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


# -- bad input gets a clear error ------------------------------------------------------------------
def test_fit_before_compile():
    with pytest.raises(RuntimeError, match=r"You must call compile\(\) before fit\(\)"):
        small_classifier().fit(np.ones((2, 4)), np.zeros(2))


def test_length_mismatch():
    model = small_classifier()
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="x has 10 samples but y has 9"):
        model.fit(np.ones((10, 4)), np.zeros(9), verbose=0)


def test_wrong_feature_count_names_the_model_and_shapes():
    model = small_classifier()
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(
        ValueError,
        match=r"Sequential 'sequential' expects input of shape \(None, 4\), "
        r"but fit\(\) .* got data of shape \(10, 5\)",
    ):
        model.fit(np.ones((10, 5)), np.zeros(10), verbose=0)


def test_nan_inputs_are_refused():
    model = small_classifier()
    model.compile("adam", "sparse_categorical_crossentropy")
    x = np.ones((10, 4))
    x[3, 2] = np.nan
    with pytest.raises(ValueError, match="x contains 1 NaN or infinite value"):
        model.fit(x, np.zeros(10), verbose=0)


def test_nan_screen_accepts_huge_finite_values_without_warnings():
    # the NaN screen sums the data; an overflowing sum must not be mistaken for NaN, nor warn
    from glassnet.models.data import check_finite

    check_finite(
        np.full((4, 2), 3e38, dtype=np.float32), "fit()", "x"
    )  # RuntimeWarnings are errors in this suite
    with pytest.raises(ValueError, match="x contains 2 NaN or infinite"):
        check_finite(np.array([3e38, np.inf, np.nan], dtype=np.float32), "fit()", "x")


def test_labels_out_of_range_for_the_output_size():
    model = small_classifier(3)
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(
        ValueError,
        match=r"labels must lie in \[0, 3\) for 3 output classes, got values from 0 to 9",
    ):
        model.fit(np.ones((10, 4)), np.arange(10), verbose=0)


def test_unknown_names_suggest_the_right_one():
    model = small_classifier()
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'. Did you mean 'adam'"):
        model.compile("adamm", "mse")
    with pytest.raises(
        ValueError,
        match="Unknown loss 'sparse_categorical_crossentopy'. "
        "Did you mean 'sparse_categorical_crossentropy'",
    ):
        model.compile("adam", "sparse_categorical_crossentopy")
    with pytest.raises(ValueError, match="Unknown metric 'accuarcy'"):
        model.compile("adam", "mse", metrics=["accuarcy"])


def test_training_does_not_change_the_order_of_weights():
    # internal caches of the trainer hold variables too: they must not be tracked as the model's own
    model = keras.Sequential(
        [keras.Input((4,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(2)]
    )
    before = [v.path for v in model.weights]
    model.compile("adam", "mse")
    model.fit(np.ones((8, 4)), np.ones((8, 2)), verbose=0)
    assert [v.path for v in model.weights] == before


@pytest.mark.parametrize("layout", ["c_order_3d", "fortran_2d", "strided_3d"])
def test_nan_screen_finds_bad_values_in_any_layout(layout):
    from glassnet.models.data import check_finite

    x = np.ones((6, 5, 4), dtype=np.float32)
    x[2, 3, 1], x[5, 0, 0] = np.nan, -np.inf
    if layout == "fortran_2d":
        x = np.asfortranarray(x.reshape(6, 20))
    elif layout == "strided_3d":
        x = np.concatenate([x, x], axis=2)[:, :, :4]  # the same values, not C-contiguous
    check_finite(np.ones_like(x), "predict()", "x")
    with pytest.raises(ValueError, match="x contains 2 NaN or infinite"):
        check_finite(x, "predict()", "x")
