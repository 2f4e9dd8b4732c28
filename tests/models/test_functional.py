import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, ops


def test_residual_model():
    inputs = keras.Input((8,))
    h = layers.Dense(8, activation="relu")(inputs)
    h = layers.Add()([inputs, layers.Dense(8)(h)])
    outputs = layers.Dense(2, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    assert isinstance(model, keras.models.Functional)
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer",
        "Dense",
        "Dense",
        "Add",
        "Dense",
    ]
    x = np.random.default_rng(0).standard_normal((4, 8)).astype(np.float32)
    d1, d2, _, d3 = model.layers[1], model.layers[2], model.layers[3], model.layers[4]
    expected = np.maximum(x @ d1.kernel.data + d1.bias.data, 0) @ d2.kernel.data + d2.bias.data + x
    logits = expected @ d3.kernel.data + d3.bias.data
    probs = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(
        model.predict(x, verbose=0), probs / probs.sum(1, keepdims=True), rtol=1e-5
    )


def test_symbolic_arithmetic_slicing_and_ops():
    inputs = keras.Input((6,))
    h = layers.Dense(6)(inputs)
    out = ops.concatenate([h * 2.0 + inputs, ops.relu(h)[:, :2], -h[:, 3:]], axis=-1)
    assert out.shape == (None, 6 + 2 + 3)
    model = keras.Model(inputs=inputs, outputs=out)
    x = np.random.default_rng(1).standard_normal((3, 6)).astype(np.float32)
    hv = x @ model.layers[1].kernel.data + model.layers[1].bias.data
    np.testing.assert_allclose(
        model.predict(x, verbose=0),
        np.concatenate([hv * 2 + x, np.maximum(hv, 0)[:, :2], -hv[:, 3:]], axis=1),
        rtol=1e-5,
    )


def test_multiple_inputs_and_outputs_train_with_loss_dicts():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    merged = layers.Concatenate()([layers.Dense(4, activation="relu")(a), b])
    score = layers.Dense(1, name="score")(merged)
    kind = layers.Dense(3, activation="softmax", name="kind")(merged)
    model = keras.Model([a, b], [score, kind])
    model.compile(
        "adam",
        loss={"score": "mse", "kind": "sparse_categorical_crossentropy"},
        loss_weights={"score": 0.5, "kind": 1.0},
        metrics={"kind": ["accuracy"]},
    )
    rng = np.random.default_rng(0)
    xa, xb = rng.standard_normal((32, 3)), rng.standard_normal((32, 2))
    ys, yk = rng.standard_normal((32, 1)), rng.integers(0, 3, 32)
    history = model.fit([xa, xb], [ys, yk], epochs=2, batch_size=8, verbose=0)
    assert set(history.history) == {"loss", "score_loss", "kind_loss", "kind_accuracy"}
    # the total loss is the weighted sum of the output losses
    logs = model.evaluate(
        {"a": xa, "b": xb}, {"score": ys, "kind": yk}, verbose=0, return_dict=True
    )
    assert logs["loss"] == pytest.approx(0.5 * logs["score_loss"] + logs["kind_loss"], rel=1e-5)
    outputs = model.predict([xa, xb], verbose=0)
    assert [o.shape for o in outputs] == [(32, 1), (32, 3)]


def test_disconnected_graph_is_a_clear_error():
    a, b = keras.Input((3,)), keras.Input((3,))
    out = layers.Add()([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Model(a, out)


def test_shared_layer_is_counted_once():
    shared = layers.Dense(4)
    a, b = keras.Input((3,)), keras.Input((3,))
    model = keras.Model([a, b], layers.Add()([shared(a), shared(b)]))
    assert model.count_params() == 16


class TwoLayerNet(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(16, activation="relu")
        self.out = layers.Dense(1)

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))


def test_subclassed_model_trains_and_tracks_weights():
    model = TwoLayerNet()
    model.compile(keras.optimizers.Adam(0.01), "mse")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]])).astype(np.float32)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]
    assert len(model.weights) == 4 and model.count_params() == 3 * 16 + 16 + 17
    model.summary(print_fn=lambda line: None)


def test_subclassed_model_inside_sequential_and_functional():
    net = TwoLayerNet()
    seq = keras.Sequential([keras.Input((3,)), net, layers.Activation("sigmoid")])
    assert seq.count_params() == 81
    inputs = keras.Input((3,))
    model = keras.Model(inputs, net(inputs))
    np.testing.assert_allclose(
        model.predict(np.ones((2, 3)), verbose=0), net.predict(np.ones((2, 3)), verbose=0)
    )


def test_sequence_to_sequence_lstm_with_initial_state_saves_and_loads(tmp_path):
    # keras.io's character-level seq2seq: an encoder LSTM's states start the decoder LSTM
    encoder_inputs = keras.Input((None, 5))
    _, state_h, state_c = layers.LSTM(4, return_state=True)(encoder_inputs)
    decoder_inputs = keras.Input((None, 6))
    decoder_outputs, _, _ = layers.LSTM(4, return_sequences=True, return_state=True)(
        decoder_inputs, initial_state=[state_h, state_c]
    )
    outputs = layers.Dense(6, activation="softmax")(decoder_outputs)
    model = keras.Model([encoder_inputs, decoder_inputs], outputs)
    model.compile("rmsprop", "categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = [rng.random((3, 7, 5)).astype("float32"), rng.random((3, 4, 6)).astype("float32")]
    y = np.eye(6, dtype="float32")[rng.integers(0, 6, (3, 4))]
    model.fit(x, y, epochs=1, verbose=0)
    expected = model.predict(x, verbose=0)
    for name in ("seq2seq.glassnet", "seq2seq.keras"):
        model.save(tmp_path / name)
        loaded = keras.models.load_model(tmp_path / name)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6, atol=1e-7)


def test_a_training_flag_given_when_the_graph_was_built_wins_over_fit():
    # the transfer-learning recipe: base(inputs, training=False) keeps the base in inference mode
    base = keras.Sequential([keras.Input((4,)), layers.Dropout(0.9, seed=1)])
    inputs = keras.Input((4,))
    model = keras.Model(inputs, base(inputs, training=False))
    x = np.ones((3, 4), dtype="float32")
    np.testing.assert_array_equal(model(x, training=True).data, x)  # dropout stayed off
    free = keras.Model(inputs, base(inputs))
    assert (free(x, training=True).data != x).any()


def test_unknown_image_sizes_are_inferred_through_convolutions_and_pooling():
    inputs = keras.Input((None, None, 3))
    x = layers.Conv2D(4, 3)(inputs)
    x = layers.MaxPooling2D()(x)
    outputs = layers.Conv2D(5, 3, padding="same")(x)
    assert outputs.shape == (None, None, None, 5)
    model = keras.Model(inputs, layers.GlobalAveragePooling2D()(outputs))
    assert model.predict(np.ones((2, 40, 24, 3)), verbose=0).shape == (2, 5)


def test_functional_layers_are_listed_in_keras_order():
    # Keras lists layers deepest first, ties by the walk from the outputs (weight files rely on it)
    inputs = keras.Input((3,), name="x")
    left = layers.Dense(2, name="left")(inputs)
    right = layers.Dense(2, name="right")(layers.Dense(2, name="pre")(inputs))
    model = keras.Model(inputs, layers.Add(name="add")([left, right]))
    assert [layer.name for layer in model.layers] == ["x", "pre", "left", "right", "add"]


def test_intermediate_tensors_as_inputs_get_fresh_inputs_as_in_keras():
    # Model(encoded_features, outputs), as keras.io's FeatureSpace recipe builds its training model
    raw = keras.Input((3,))
    encoded = layers.Dense(4, name="encoder")(raw)
    head = layers.Dense(1, name="head")
    outputs = head(encoded)
    model = keras.Model(encoded, outputs)
    assert [layer.name for layer in model.layers][1:] == ["head"]
    assert model.inputs[0].shape == (None, 4)
    features = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    expected = features @ head.kernel.data + head.bias.data
    np.testing.assert_allclose(model.predict(features, verbose=0), expected, rtol=1e-6)


def test_one_dimensional_data_feeds_an_input_of_one_feature():
    inputs = keras.Input((1,))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    x = np.arange(5, dtype="float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), model.predict(x[:, None], verbose=0), rtol=1e-7
    )


def test_calling_on_tensors_adjusts_rank_and_dtype_as_on_arrays():
    # a Tensor of the Input's dtype and rank goes straight in; any other takes the conversions
    inputs = keras.Input((1,))
    model = keras.Model(inputs, layers.Dense(2, kernel_initializer="ones")(inputs))
    column = np.arange(5, dtype="float32")[:, None]
    expected = model(column).numpy()
    for data in (column, column[:, 0], column.astype("float64"), column.astype("int32")):
        out = model(keras.Tensor(data))
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out.numpy(), expected)


def test_a_layer_refuses_a_non_numeric_array_naming_the_dtype():
    with pytest.raises(TypeError, match="expected a numeric array.*datetime64"):
        layers.Dense(2)(np.array([["2026-12-01"]], dtype="datetime64[D]"))


def test_calling_on_arrays_casts_them_to_the_inputs_dtype():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(2, kernel_initializer="ones")(inputs))
    for array in (np.array([[1, 2, 3]], "int64"), np.array([[1.0, 2.0, 3.0]], "float64")):
        out = model(array)
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out.data, [[6.0, 6.0]])


def test_data_two_axes_off_is_refused_by_the_first_layer_with_both_shapes():
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(2, name="first")(inputs))
    with pytest.raises(ValueError, match=r"Dense 'first' expected input with last dimension 3"):
        model(np.ones((4, 3, 2), "float32"))


def test_dict_data_is_matched_with_the_keys_of_the_models_inputs():
    a, b = keras.Input((2,), name="first_input"), keras.Input((3,), name="second_input")
    joined = layers.Concatenate()([a, b])
    model = keras.Model({"a": a, "b": b}, layers.Dense(1, kernel_initializer="ones")(joined))
    out = model.predict({"a": np.ones((1, 2)), "b": np.ones((1, 3))}, verbose=0)
    np.testing.assert_allclose(out, [[5.0]])
    # the Input layers' names still work, and fit takes the dict's keys too
    by_name = {"first_input": np.ones((1, 2)), "second_input": 2 * np.ones((1, 3))}
    np.testing.assert_allclose(model(by_name), [[8.0]])
    model.compile("sgd", "mse")
    x = {"b": np.zeros((4, 3), "float32"), "a": np.ones((4, 2), "float32")}
    model.fit(x, np.zeros((4, 1), "float32"), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="missing input"):
        model.predict({"a": np.ones((1, 2))}, verbose=0)
