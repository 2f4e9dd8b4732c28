"""The fused recurrent ops: BPTT checked numerically (with masks and recurrent dropout) and against
PyTorch's LSTM/GRU/RNN with Keras's weights copied across layouts."""

import numpy as np
import pytest

from glassnet import Tensor, gradcheck, ops

try:
    import torch
except ImportError:
    torch = None

rng = np.random.default_rng(0)
N, T, U, D = 3, 5, 4, 2
MASK = np.array([[1, 1, 0, 1, 0], [1, 0, 1, 1, 1], [1, 1, 1, 1, 1]], dtype=bool)
RMASK = (rng.random((N, U)) > 0.3) / 0.7


@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
@pytest.mark.parametrize("recurrent_mask", [None, RMASK], ids=["no_dropout", "recurrent_dropout"])
def test_bptt_gradcheck(mask, recurrent_mask):
    r = np.random.default_rng(1)
    assert gradcheck(
        lambda x, k, h: ops.simple_rnn(x, k, h, mask, recurrent_mask),
        r.normal(size=(N, T, U)),
        r.normal(size=(U, U)) * 0.5,
        r.normal(size=(N, U)),
    )
    assert gradcheck(
        lambda x, k, rk, b, h, c: ops.lstm(x, k, rk, b, h, c, mask, recurrent_mask),
        r.normal(size=(N, T, D)),
        r.normal(size=(D, 4 * U)) * 0.5,
        r.normal(size=(U, 4 * U)) * 0.5,
        r.normal(size=4 * U),
        r.normal(size=(N, U)),
        r.normal(size=(N, U)),
    )
    assert gradcheck(
        lambda x, k, b, h: ops.gru(x, k, b, h, mask, recurrent_mask),
        r.normal(size=(N, T, 3 * U)),
        r.normal(size=(U, 3 * U)) * 0.5,
        r.normal(size=3 * U),
        r.normal(size=(N, U)),
    )


def test_lstm_without_bias():
    r = np.random.default_rng(3)
    assert gradcheck(
        lambda x, k, rk, c: ops.lstm(x, k, rk, None, np.zeros((N, U)), c),
        r.normal(size=(N, T, D)),
        r.normal(size=(D, 4 * U)) * 0.5,
        r.normal(size=(U, 4 * U)) * 0.5,
        r.normal(size=(N, U)),
    )


def test_masked_steps_carry_the_state():
    x = rng.normal(size=(N, T, D))
    out = ops.lstm(
        x,
        rng.normal(size=(D, 4 * U)),
        rng.normal(size=(U, 4 * U)),
        None,
        np.zeros((N, U)),
        np.zeros((N, U)),
        MASK,
    ).data
    np.testing.assert_array_equal(out[0, 2], out[0, 1])  # step 2 of sample 0 is masked
    np.testing.assert_array_equal(out[1, 1], out[1, 0])


def test_other_activations_are_differentiated_too():
    r = np.random.default_rng(2)
    assert gradcheck(
        lambda x, k, h, c: ops.lstm(
            x,
            k,
            h,
            None,
            np.zeros((2, U)),
            c,
            activation="linear",
            recurrent_activation="hard_sigmoid",
        ),
        r.normal(size=(2, 3, D)) * 0.5,
        r.normal(size=(D, 4 * U)) * 0.3,
        r.normal(size=(U, 4 * U)) * 0.3,
        r.normal(size=(2, U)),
    )
    assert gradcheck(
        lambda x, k, h, c: ops.lstm(
            x, k, h, None, np.zeros((2, U)), c, activation="relu", recurrent_activation="sigmoid"
        ),
        r.normal(size=(2, 3, D)) * 0.5,
        r.normal(size=(D, 4 * U)) * 0.3,
        r.normal(size=(U, 4 * U)) * 0.3,
        r.normal(size=(2, U)),
    )
    with pytest.raises(
        ValueError, match="activation 'softmax' is not available in the recurrent op"
    ):
        ops.simple_rnn(
            np.zeros((1, 2, U)), np.zeros((U, U)), np.zeros((1, U)), activation="softmax"
        )


def assert_matches_torch(out, theirs, pairs):
    """Outputs equal, then gradients of a random projection: pairs of (our tensor, torch
    gradient -> our layout)."""
    np.testing.assert_allclose(out.data, theirs.detach().numpy(), rtol=1e-6, atol=1e-12)
    weights = np.random.default_rng(5).standard_normal(out.shape)
    (out * Tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    for ours, expected in pairs:
        np.testing.assert_allclose(ours.grad, expected(), rtol=1e-6, atol=1e-12)


def keras_weights(gates):
    return (
        rng.normal(size=(D, gates * U)),
        rng.normal(size=(U, gates * U)) * 0.5,
        rng.normal(size=gates * U),
    )


@pytest.mark.skipif(torch is None, reason="PyTorch not installed: comparison skipped")
def test_lstm_matches_pytorch():
    kernel, recurrent, bias = keras_weights(4)  # gate order i, f, c, o in both libraries
    x = rng.normal(size=(N, T, D))
    tx, tk, tr, tb = (Tensor(a, requires_grad=True) for a in (x, kernel, recurrent, bias))
    out = ops.lstm(tx, tk, tr, tb, np.zeros((N, U)), np.zeros((N, U)))[:, :, :U]
    net = torch.nn.LSTM(D, U, batch_first=True).double()
    with torch.no_grad():
        (
            net.weight_ih_l0.copy_(torch.tensor(kernel.T)),
            net.weight_hh_l0.copy_(torch.tensor(recurrent.T)),
        )
        net.bias_ih_l0.copy_(torch.tensor(bias)), net.bias_hh_l0.zero_()
    px = torch.tensor(x, requires_grad=True)
    theirs, _ = net(px)
    assert_matches_torch(
        out,
        theirs,
        [
            (tx, lambda: px.grad.numpy()),
            (tk, lambda: net.weight_ih_l0.grad.numpy().T),
            (tr, lambda: net.weight_hh_l0.grad.numpy().T),
            (tb, lambda: net.bias_ih_l0.grad.numpy()),
        ],
    )


def _gru_to_torch(a):
    # Keras orders GRU gates z, r, h; PyTorch r, z, n
    z, r, h = np.split(a, 3, axis=-1)
    return np.concatenate([r, z, h], axis=-1)


def _gru_to_keras(a):
    r, z, h = np.split(a, 3, axis=-1)
    return np.concatenate([z, r, h], axis=-1)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed: comparison skipped")
def test_gru_matches_pytorch():
    kernel, recurrent, input_bias = keras_weights(3)
    recurrent_bias = rng.normal(size=3 * U)
    x = rng.normal(size=(N, T, D))
    tx, tk, tr, tb, trb = (
        Tensor(a, requires_grad=True) for a in (x, kernel, recurrent, input_bias, recurrent_bias)
    )
    out = ops.gru(ops.add(ops.matmul(tx, tk), tb), tr, trb, np.zeros((N, U)))
    net = torch.nn.GRU(D, U, batch_first=True).double()
    with torch.no_grad():
        (
            net.weight_ih_l0.copy_(torch.tensor(_gru_to_torch(kernel).T)),
            net.weight_hh_l0.copy_(torch.tensor(_gru_to_torch(recurrent).T)),
        )
        (
            net.bias_ih_l0.copy_(torch.tensor(_gru_to_torch(input_bias))),
            net.bias_hh_l0.copy_(torch.tensor(_gru_to_torch(recurrent_bias))),
        )
    px = torch.tensor(x, requires_grad=True)
    theirs, _ = net(px)
    # Keras's z, r, h gate order put into PyTorch's r, z, n order on the torch side of the
    # comparison
    assert_matches_torch(
        out,
        theirs,
        [
            (tx, lambda: px.grad.numpy()),
            (tk, lambda: _gru_to_keras(net.weight_ih_l0.grad.numpy().T)),
            (tr, lambda: _gru_to_keras(net.weight_hh_l0.grad.numpy().T)),
            (trb, lambda: _gru_to_keras(net.bias_hh_l0.grad.numpy())),
        ],
    )


@pytest.mark.skipif(torch is None, reason="PyTorch not installed: comparison skipped")
def test_simple_rnn_matches_pytorch():
    kernel, recurrent, bias = keras_weights(1)
    x = rng.normal(size=(N, T, D))
    tx, tk, tr = (Tensor(a, requires_grad=True) for a in (x, kernel, recurrent))
    out = ops.simple_rnn(ops.add(ops.matmul(tx, tk), bias), tr, np.zeros((N, U)))
    net = torch.nn.RNN(D, U, batch_first=True).double()
    with torch.no_grad():
        (
            net.weight_ih_l0.copy_(torch.tensor(kernel.T)),
            net.weight_hh_l0.copy_(torch.tensor(recurrent.T)),
        )
        net.bias_ih_l0.copy_(torch.tensor(bias)), net.bias_hh_l0.zero_()
    px = torch.tensor(x, requires_grad=True)
    theirs, _ = net(px)
    assert_matches_torch(
        out, theirs, [(tx, lambda: px.grad.numpy()), (tr, lambda: net.weight_hh_l0.grad.numpy().T)]
    )
