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


# -- the generic RNN, Keras's cells, stateful layers -----------------------------------------------
try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


@pytest.mark.parametrize(
    "make_fused,make_cell",
    [
        (lambda **k: layers.LSTM(3, **k), lambda **k: layers.LSTMCell(3, **k)),
        (lambda **k: layers.GRU(3, **k), lambda **k: layers.GRUCell(3, **k)),
        (lambda **k: layers.SimpleRNN(3, **k), lambda **k: layers.SimpleRNNCell(3, **k)),
    ],
    ids=["LSTM", "GRU", "SimpleRNN"],
)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_fused_kernels_equal_the_generic_cell_loop(float64, make_fused, make_cell, go_backwards):
    """Outputs, final states and every gradient of the fused op equal those of RNN(cell) running
    the cell step by step, with a padding mask, with dropout masks drawn the same way."""
    x = rng.standard_normal((3, 5, 4))
    mask = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=bool)
    options = dict(dropout=0.3, recurrent_dropout=0.2, seed=7)
    fused = make_fused(
        return_sequences=True, return_state=True, go_backwards=go_backwards, **options
    )
    generic = layers.RNN(
        make_cell(**options), return_sequences=True, return_state=True, go_backwards=go_backwards
    )
    fused(x)
    generic(x)
    generic.set_weights(fused.get_weights())
    results = []
    for layer in (fused, generic):
        inputs = keras.Tensor(x, requires_grad=True)
        outputs = layer(inputs, mask=mask, training=True)
        weights = np.random.default_rng(1).standard_normal(outputs[0].shape)
        total = (outputs[0] * keras.Tensor(weights)).sum()
        for state in outputs[1:]:
            total = total + state.sum()
        for w in layer.weights:
            w.grad = None
        total.backward()
        results.append(([o.data for o in outputs], inputs.grad, [w.grad for w in layer.weights]))
    (fo, fx, fw), (go, gx, gw) = results
    for a, b in zip(fo, go):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fx, gx, rtol=1e-10, atol=1e-12)
    for a, b in zip(fw, gw):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def torch_lstm_cell(cell):
    u = cell.units
    module = torch.nn.LSTMCell(cell.kernel.shape[0], u).double()
    with torch.no_grad():  # Keras and PyTorch share the gate order i, f, c(g), o
        module.weight_ih.copy_(torch.tensor(cell.kernel.data.T))
        module.weight_hh.copy_(torch.tensor(cell.recurrent_kernel.data.T))
        module.bias_ih.copy_(torch.tensor(cell.bias.data))
        module.bias_hh.zero_()
    return module


def torch_gru_cell(cell):
    u = cell.units

    def reorder(a):  # Keras z, r, h -> PyTorch r, z, n
        return np.concatenate([a[..., u : 2 * u], a[..., :u], a[..., 2 * u :]], axis=-1)

    module = torch.nn.GRUCell(cell.kernel.shape[0], u).double()
    with torch.no_grad():
        module.weight_ih.copy_(torch.tensor(reorder(cell.kernel.data).T))
        module.weight_hh.copy_(torch.tensor(reorder(cell.recurrent_kernel.data).T))
        module.bias_ih.copy_(torch.tensor(reorder(cell.bias.data[0])))
        module.bias_hh.copy_(torch.tensor(reorder(cell.bias.data[1])))
    return module


@needs_torch
@pytest.mark.parametrize("kind", ["LSTMCell", "GRUCell"])
def test_cells_equal_pytorch_forward_and_gradients(float64, kind):
    cell = getattr(layers, kind)(4, bias_initializer="random_normal")
    x = rng.standard_normal((3, 5))
    h = rng.standard_normal((3, 4))
    c = rng.standard_normal((3, 4))
    states = [h, c] if kind == "LSTMCell" else [h]
    cell(x, [keras.Tensor(s) for s in states])
    module = (torch_lstm_cell if kind == "LSTMCell" else torch_gru_cell)(cell)
    ours_in = [keras.Tensor(a, requires_grad=True) for a in (x, *states)]
    theirs_in = [torch.tensor(a, requires_grad=True) for a in (x, *states)]
    out, new_states = cell(ours_in[0], ours_in[1:])
    if kind == "LSTMCell":
        t_h, t_c = module(theirs_in[0], (theirs_in[1], theirs_in[2]))
        ours, theirs = [new_states[0], new_states[1]], [t_h, t_c]
    else:
        ours, theirs = [new_states[0]], [module(theirs_in[0], theirs_in[1])]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = [np.random.default_rng(i).standard_normal(a.shape) for i, a in enumerate(ours)]
    sum(((a * keras.Tensor(w)).sum() for a, w in zip(ours, weights)), keras.Tensor(0.0)).backward()
    sum((b * torch.tensor(w)).sum() for b, w in zip(theirs, weights)).backward()
    for a, b in zip(ours_in, theirs_in):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "make,names",
    [
        (lambda: layers.RNN(layers.LSTMCell(2), return_sequences=True), ["kernel", "bias"]),
        (lambda: layers.GRU(2, reset_after=False, return_sequences=True), ["kernel", "bias"]),
        (
            lambda: layers.RNN([layers.SimpleRNNCell(2), layers.GRUCell(2)]),
            ["cells.0.kernel", "cells.1.recurrent_kernel"],
        ),
        (lambda: layers.LSTM(2, activation="gelu"), ["kernel"]),  # not fusable: the cell loop
    ],
    ids=["RNN-LSTMCell", "GRU-reset-before", "StackedRNNCells", "LSTM-gelu"],
)
def test_generic_path_gradients(float64, make, names):
    layer = make()
    x = rng.standard_normal((2, 3, 2))
    layer(x)
    assert layer_gradcheck(layer, x, [f"cell.{name}" for name in names])


def test_conv_lstm2d_gradients(float64):
    layer = layers.ConvLSTM2D(2, 2, padding="same", return_sequences=True)
    x = rng.standard_normal((1, 2, 3, 3, 2))
    layer(x)
    assert layer_gradcheck(layer, x, ["cell.kernel", "cell.recurrent_kernel", "cell.bias"])


def test_a_user_cell_trains_with_fit():
    class MinimalRNNCell(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def build(self, input_shape):
            self.kernel = self.add_weight((input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(
                (self.units, self.units), "orthogonal", name="recurrent_kernel"
            )

        def call(self, inputs, states):
            h = keras.ops.tanh(
                keras.ops.matmul(inputs, self.kernel)
                + keras.ops.matmul(states[0], self.recurrent_kernel)
            )
            return h, [h]

    keras.utils.set_random_seed(0)
    x = rng.standard_normal((64, 6, 2)).astype("float32")
    y = x[:, :, :1].sum(axis=1)
    model = keras.Sequential([keras.Input((6, 2)), layers.RNN(MinimalRNNCell(8)), layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.02), "mse")
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    assert [w.shape for w in model.layers[0].weights] == [(2, 8), (8, 8)]


def test_stateful_carries_states_between_batches_and_resets():
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    stateful = layers.LSTM(4, stateful=True)
    whole = layers.LSTM(4)
    first = stateful(x[:, :3])
    second = stateful(x[:, 3:])
    whole(x)
    whole.set_weights(stateful.get_weights())
    np.testing.assert_allclose(second.data, whole(x).data, rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(x[:, :3]).data, first.data, rtol=1e-6)
    assert [w.name for w in stateful.weights] == ["kernel", "recurrent_kernel", "bias"]


def test_stateful_batch_size_rules():
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 3)), layers.GRU(2, stateful=True)])
    assert model.predict(np.ones((4, 5, 3)), batch_size=4, verbose=0).shape == (4, 2)
    with pytest.raises(ValueError, match="stateful.*batch size.*4.*got 3"):
        model.layers[0](np.ones((3, 5, 3), "float32"))
    with pytest.raises(ValueError, match="a stateful RNN needs a fixed batch size"):
        keras.Sequential([keras.Input((5, 3)), layers.SimpleRNN(2, stateful=True)])


def test_rnn_arguments_and_shapes():
    x = keras.Input((None, 3))
    output, h, c = layers.RNN(layers.LSTMCell(4), return_state=True, unroll=True)(x)
    assert output.shape == h.shape == c.shape == (None, 4)
    seq = layers.RNN([layers.GRUCell(4), layers.SimpleRNNCell(2)], return_sequences=True)(x)
    assert seq.shape == (None, None, 2)
    assert layers.ConvLSTM1D(3, 2, return_sequences=True)(keras.Input((4, 6, 2))).shape == (
        None,
        4,
        5,
        3,
    )
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3))


def test_builtin_layers_keep_their_weights_in_the_cell():
    lstm = layers.LSTM(3)
    lstm(np.zeros((1, 2, 4), "float32"))
    assert lstm.cell.kernel is lstm.kernel and isinstance(lstm.cell, layers.LSTMCell)
    assert [w.path for w in lstm.weights] == [
        "lstm/lstm_cell/kernel",
        "lstm/lstm_cell/recurrent_kernel",
        "lstm/lstm_cell/bias",
    ]
    lstm.trainable = False
    assert not lstm.cell.trainable and lstm.trainable_weights == []
    reg = layers.LSTM(3, kernel_regularizer="l2")
    reg(np.zeros((1, 2, 4), "float32"))
    assert len(reg.losses) == 1  # the kernel's penalty, counted once


def test_dropout_masks_stay_fixed_within_a_sequence():
    cell = layers.SimpleRNNCell(3, dropout=0.5, seed=1)
    x = np.ones((4, 3), "float32")
    states = [np.zeros((4, 3), "float32")]
    first = cell(x, states, training=True)[0].data
    again = cell(x, states, training=True)[0].data
    np.testing.assert_array_equal(first, again)  # the mask is kept until reset
    cell.reset_dropout_mask()
    assert not np.array_equal(cell(x, states, training=True)[0].data, first)


def test_activations_without_a_fused_form_run_the_cell_loop():
    """gelu's derivative needs its input, so the fused op cannot run it; the layer still works."""
    lstm = layers.LSTM(3, activation="gelu")
    assert lstm._fusable() is None and layers.LSTM(3)._fusable() == ("tanh", "sigmoid")
    generic = layers.RNN(layers.LSTMCell(3, activation="gelu"))
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    lstm(x)
    generic(x)
    generic.set_weights(lstm.get_weights())
    np.testing.assert_allclose(lstm(x).data, generic(x).data, rtol=1e-6)
