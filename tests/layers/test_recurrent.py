import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from tests.layers.helpers import layer_gradcheck

rng = np.random.default_rng(0)


def test_keras_weight_layouts_and_counts():
    x = np.zeros((2, 7, 3), dtype=np.float32)
    lstm, gru, rnn = layers.LSTM(5), layers.GRU(5), layers.SimpleRNN(5)
    for layer in (lstm, gru, rnn):
        layer(x)
    assert [w.shape for w in lstm.weights] == [(3, 20), (5, 20), (20,)]
    assert [w.shape for w in gru.weights] == [(3, 15), (5, 15), (2, 15)]
    assert [w.shape for w in rnn.weights] == [(3, 5), (5, 5), (5,)]
    assert lstm.count_params() == 4 * (3 * 5 + 5 * 5 + 5)
    np.testing.assert_array_equal(lstm.bias.data[5:10], 1.0)  # unit_forget_bias
    np.testing.assert_array_equal(np.concatenate([lstm.bias.data[:5], lstm.bias.data[10:]]), 0.0)


def test_outputs_states_and_sequences():
    x = rng.standard_normal((2, 6, 3)).astype(np.float32)
    lstm = layers.LSTM(4, return_sequences=True, return_state=True)
    seq, h, c = lstm(x)
    assert seq.shape == (2, 6, 4) and h.shape == c.shape == (2, 4)
    np.testing.assert_array_equal(seq.data[:, -1], h.data)
    last = layers.LSTM(4)
    last(x)
    last.set_weights(lstm.get_weights())
    np.testing.assert_allclose(last(x).data, h.data, rtol=1e-6)


def test_initial_state_and_go_backwards():
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    gru = layers.GRU(4)
    h0 = rng.standard_normal((2, 4)).astype(np.float32)
    assert not np.allclose(gru(x).data, gru(x, initial_state=[h0]).data)
    backwards = layers.GRU(4, go_backwards=True)
    backwards(x)
    backwards.set_weights(gru.get_weights())
    np.testing.assert_allclose(backwards(x).data, gru(x[:, ::-1]).data, rtol=1e-6)


def test_masked_padding_gives_the_same_result_as_the_unpadded_sequence():
    embed = layers.Embedding(20, 4, mask_zero=True)
    lstm = layers.LSTM(3)
    model = keras.Sequential([keras.Input((None,), dtype="int32"), embed, lstm])
    short = np.array([[5, 7, 9]])
    padded = np.array([[5, 7, 9, 0, 0]])
    np.testing.assert_allclose(
        model.predict(padded, verbose=0), model.predict(short, verbose=0), rtol=1e-6
    )
    inputs = keras.Input((None,), dtype="int32")
    functional = keras.Model(inputs, lstm(embed(inputs)))
    np.testing.assert_allclose(
        functional.predict(padded, verbose=0), model.predict(short, verbose=0), rtol=1e-6
    )


def test_stacked_lstm_accepts_sequences_of_different_lengths():
    model = keras.Sequential(
        [
            layers.LSTM(64, return_sequences=True, input_shape=(None, 1)),
            layers.LSTM(32),
            layers.Dense(1),
        ]
    )
    assert model.layers[0].output_shape_ == (None, None, 64)
    for length in (5, 17):
        assert model.predict(np.zeros((3, length, 1)), verbose=0).shape == (3, 1)


def test_lstm_learns_next_step_of_a_noisy_sine_wave():
    keras.utils.set_random_seed(0)
    n, steps = 600, 20
    phase, freq = rng.uniform(0, 2 * np.pi, n), rng.uniform(0.1, 0.3, n)
    series = np.sin(phase[:, None] + freq[:, None] * np.arange(steps + 1)) + rng.normal(
        0, 0.01, (n, steps + 1)
    )
    x, y = series[:, :steps, None].astype("float32"), series[:, steps:].astype("float32")
    model = keras.Sequential([keras.Input((None, 1)), layers.LSTM(32), layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    history = model.fit(x, y, epochs=30, batch_size=32, validation_split=0.2, verbose=0)
    assert history.history["val_loss"][-1] < 1e-3


@pytest.mark.parametrize("merge_mode,width", [("concat", 8), ("sum", 4), ("ave", 4), ("mul", 4)])
def test_bidirectional(merge_mode, width):
    x = rng.standard_normal((2, 5, 3)).astype(np.float32)
    bi = layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode=merge_mode)
    out = bi(x)
    assert out.shape == (2, 5, width)
    if (
        merge_mode == "concat"
    ):  # the backward half, reversed back into time order, is the copy run on reversed input
        fwd = bi.forward_layer(x).data
        bwd = bi.backward_layer(x).data[:, ::-1]
        np.testing.assert_allclose(out.data, np.concatenate([fwd, bwd], axis=-1), rtol=1e-6)
    assert len(bi.weights) == 6


def test_time_distributed():
    x = rng.standard_normal((2, 4, 3)).astype(np.float32)
    td = layers.TimeDistributed(layers.Dense(5))
    out = td(x).data
    np.testing.assert_allclose(out[:, 2], td.layer(x[:, 2]).data, rtol=1e-6)
    images = np.zeros((2, 3, 8, 8, 1), dtype=np.float32)
    assert layers.TimeDistributed(layers.Conv2D(4, 3))(images).shape == (2, 3, 6, 6, 4)


@pytest.mark.parametrize(
    "layer_class,names",
    [
        (layers.SimpleRNN, ["kernel", "recurrent_kernel", "bias"]),
        (layers.LSTM, ["kernel", "recurrent_kernel", "bias"]),
        (layers.GRU, ["kernel", "recurrent_kernel", "bias"]),
    ],
)
def test_recurrent_layer_gradients(float64, layer_class, names):
    layer = layer_class(3, return_sequences=True)
    x = rng.standard_normal((2, 4, 2))
    layer(x)
    assert layer_gradcheck(layer, x, [f"cell.{name}" for name in names])


def test_dropout_masks_are_applied_only_in_training():
    x = rng.standard_normal((4, 6, 3)).astype(np.float32)
    lstm = layers.LSTM(5, dropout=0.5, recurrent_dropout=0.5)
    inference = lstm(x).data
    np.testing.assert_array_equal(lstm(x).data, inference)
    assert not np.allclose(lstm(x, training=True).data, inference)


def test_bad_input_is_named():
    with pytest.raises(
        ValueError,
        match=r"LSTM 'lstm' expected input \(batch, timesteps, features\), got shape \(2, 3\)",
    ):
        layers.LSTM(3)(np.zeros((2, 3), dtype=np.float32))
