"""Recurrent sequence ops with backpropagation through time written out beside the forward.

Each op runs a whole sequence: the input projection of every step (inputs @ kernel + bias) is
computed before, in one GEMM, and passed in as ``x_proj``; the loop here adds the recurrent
product and applies the gate math of one step at a time. Shapes: x_proj (N, T, gates * u),
recurrent_kernel (u, gates * u), states (N, u). Weight layouts and gate orders are Keras's
(LSTM: i, f, c, o; GRU with reset_after=True: z, r, h), so weights move between libraries unchanged.

mask (N, T) bool: at masked steps the state is carried over unchanged.
recurrent_mask (N, u): recurrent dropout, applied to the previous state before the recurrent GEMM.
"""
from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import xp

def _sigmoid(z):
    # 1 / (1 + exp(-z)) = (tanh(z / 2) + 1) / 2: three NumPy calls instead of nine, and no overflow
    y = xp.tanh(z * 0.5)
    y *= 0.5
    y += 0.5
    return y


# activation: (function, derivative expressed through the output y); the loops below run them once
# per time step on small arrays, where the number of NumPy calls, not the arithmetic, is the cost
ACTIVATIONS = {
    "tanh": (xp.tanh, lambda y: 1 - y * y),
    "sigmoid": (_sigmoid, lambda y: y * (1 - y)),
    "relu": (lambda z: xp.maximum(z, 0), lambda y: (y > 0).astype(y.dtype)),
    "linear": (lambda z: z, lambda y: xp.ones_like(y)),
    "hard_sigmoid": (lambda z: xp.clip(z / 6 + 0.5, 0, 1), lambda y: (((y > 0) & (y < 1)) / 6).astype(y.dtype)),
}


def activation_pair(name, where):
    if name not in ACTIVATIONS:
        raise ValueError(f"{where}: activation {name!r} is not available in the fused recurrent op; use one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _prepare(where, x_proj, recurrent_kernel, states, gates):
    xz = as_tensor(x_proj, where=where)
    rk = as_tensor(recurrent_kernel, like=xz, where=where)
    states = [as_tensor(s, like=xz, where=where) for s in states]
    n, t, width = xz.shape
    units = rk.shape[0]
    if width != gates * units or rk.shape != (units, gates * units):
        raise ValueError(f"{where}: x_proj (N, T, {gates}*units) and recurrent_kernel (units, {gates}*units) do not fit: shapes {xz.shape} and {rk.shape}")
    for s in states:
        if s.shape != (n, units):
            raise ValueError(f"{where}: initial state must have shape {(n, units)}, got {s.shape}")
    return xz, rk, states, n, t, units


def _carry(mask, t, new, old):
    return new if mask is None else xp.where(mask[:, t, None], new, old)


def _split_by_mask(mask, t, grad):
    """(gradient to the step's computation, gradient carried straight to the previous state)."""
    if mask is None:
        return grad, 0.0
    m = mask[:, t, None]
    return grad * m, grad * ~m


def simple_rnn(x_proj, recurrent_kernel, initial_state, mask=None, recurrent_mask=None, activation="tanh"):
    """h_t = act(x_proj_t + h_{t-1} @ U) -> all states (N, T, u)."""
    xz, rk, (h0,), n, steps, u = _prepare("simple_rnn", x_proj, recurrent_kernel, [initial_state], 1)
    act, d_act = activation_pair(activation, "simple_rnn")
    out = xp.empty((n, steps, u), dtype=xz.dtype)
    h_inputs, h = [], h0.data
    for t in range(steps):
        h_in = h if recurrent_mask is None else h * recurrent_mask
        h_new = act(xz.data[:, t] + h_in @ rk.data)
        h_inputs.append(h_in)
        out[:, t] = h = _carry(mask, t, h_new, h)

    def backward(grad_output):
        grad_x = xp.empty_like(xz.data)
        grad_rk = xp.zeros_like(rk.data)
        dh = xp.zeros_like(h0.data)
        for t in reversed(range(steps)):
            dh = dh + grad_output[:, t]
            active, carried = _split_by_mask(mask, t, dh)
            da = active * d_act(out[:, t])  # through the activation (at masked steps the update is unused)
            grad_x[:, t] = da
            grad_rk += h_inputs[t].T @ da  # dL/dU = sum_t h_{t-1}^T da_t
            dh = da @ rk.data.T
            if recurrent_mask is not None:
                dh *= recurrent_mask
            dh = dh + carried
        return grad_x, grad_rk, dh

    return from_op(out, (xz, rk, h0), backward)


def lstm(x_proj, recurrent_kernel, initial_h, initial_c, mask=None, recurrent_mask=None, activation="tanh", recurrent_activation="sigmoid"):
    """Long short-term memory over a sequence -> (N, T, 2u): h_t in [..., :u], c_t in [..., u:].

    z = x_proj_t + h_{t-1} @ U (all four gates in one GEMM); i, f, o = sigma(z_i, z_f, z_o); g = act(z_c)
    c_t = f * c_{t-1} + i * g;  h_t = o * act(c_t)
    """
    xz, rk, (h0, c0), n, steps, u = _prepare("lstm", x_proj, recurrent_kernel, [initial_h, initial_c], 4)
    act, d_act = activation_pair(activation, "lstm")
    gate, d_gate = activation_pair(recurrent_activation, "lstm")
    candidate = slice(2 * u, 3 * u)
    out = xp.empty((n, steps, 2 * u), dtype=xz.dtype)
    saved = []  # per step: (h_in, c_prev, gates [i | f | g | o], act(c))
    h, c = h0.data, c0.data
    for t in range(steps):
        h_in = h if recurrent_mask is None else h * recurrent_mask
        z = h_in @ rk.data
        z += xz.data[:, t]
        gates = gate(z)  # sigma on all four at once; the candidate slice is replaced below
        gates[:, candidate] = act(z[:, candidate])
        i, f, g, o = gates[:, :u], gates[:, u:2 * u], gates[:, candidate], gates[:, 3 * u:]
        c_new = f * c
        c_new += i * g
        a = act(c_new)
        saved.append((h_in, c, gates, a))
        h, c = _carry(mask, t, o * a, h), _carry(mask, t, c_new, c)
        out[:, t, :u], out[:, t, u:] = h, c

    def backward(grad_output):
        grad_x = xp.empty_like(xz.data)
        grad_rk = xp.zeros_like(rk.data)
        dh, dc = xp.zeros_like(h0.data), xp.zeros_like(c0.data)
        for t in reversed(range(steps)):
            h_in, c_prev, gates, a = saved[t]
            i, f, g, o = gates[:, :u], gates[:, u:2 * u], gates[:, candidate], gates[:, 3 * u:]
            dh_active, dh_carried = _split_by_mask(mask, t, dh + grad_output[:, t, :u])
            dc_active, dc_carried = _split_by_mask(mask, t, dc + grad_output[:, t, u:])
            dc_total = dh_active * o  # h = o * act(c)
            dc_total *= d_act(a)
            dc_total += dc_active
            dz = xp.empty_like(gates)  # dL/d[i | f | g | o], then through each gate's activation
            xp.multiply(dc_total, g, out=dz[:, :u])  # c = f * c_prev + i * g
            xp.multiply(dc_total, c_prev, out=dz[:, u:2 * u])
            xp.multiply(dc_total, i, out=dz[:, candidate])
            xp.multiply(dh_active, a, out=dz[:, 3 * u:])
            derivative = d_gate(gates)
            derivative[:, candidate] = d_act(g)
            dz *= derivative
            grad_x[:, t] = dz
            grad_rk += h_in.T @ dz
            dh = dz @ rk.data.T
            if recurrent_mask is not None:
                dh *= recurrent_mask
            dc = dc_total * f
            if mask is not None:  # masked steps pass their gradient straight to the previous state
                dh += dh_carried
                dc += dc_carried
        return grad_x, grad_rk, dh, dc

    return from_op(out, (xz, rk, h0, c0), backward)


def gru(x_proj, recurrent_kernel, recurrent_bias, initial_state, mask=None, recurrent_mask=None, activation="tanh", recurrent_activation="sigmoid"):
    """Gated recurrent unit, Keras's reset_after=True form -> all states (N, T, u).

    r_all = h_{t-1} @ U + b_rec (one GEMM); z = sigma(x_z + r_z); r = sigma(x_r + r_r)
    hh = act(x_h + r * r_h);  h_t = z * h_{t-1} + (1 - z) * hh
    """
    xz, rk, (h0,), n, steps, u = _prepare("gru", x_proj, recurrent_kernel, [initial_state], 3)
    rb = as_tensor(recurrent_bias, like=xz, where="gru")
    act, d_act = activation_pair(activation, "gru")
    gate, d_gate = activation_pair(recurrent_activation, "gru")
    out = xp.empty((n, steps, u), dtype=xz.dtype)
    saved = []  # per step: (h_prev, h_in, z, r, recurrent part of the candidate, hh)
    h = h0.data
    for t in range(steps):
        h_in = h if recurrent_mask is None else h * recurrent_mask
        x_t = xz.data[:, t]
        rec = h_in @ rk.data + rb.data
        z = gate(x_t[:, :u] + rec[:, :u])
        r = gate(x_t[:, u:2 * u] + rec[:, u:2 * u])
        hh = act(x_t[:, 2 * u:] + r * rec[:, 2 * u:])
        saved.append((h, h_in, z, r, rec[:, 2 * u:], hh))
        h = _carry(mask, t, z * h + (1 - z) * hh, h)
        out[:, t] = h

    def backward(grad_output):
        grad_x = xp.empty_like(xz.data)
        grad_rk, grad_rb = xp.zeros_like(rk.data), xp.zeros_like(rb.data)
        dh = xp.zeros_like(h0.data)
        for t in reversed(range(steps)):
            h_prev, h_in, z, r, rec_h, hh = saved[t]
            active, carried = _split_by_mask(mask, t, dh + grad_output[:, t])
            dz = active * (h_prev - hh) * d_gate(z)  # h = z * h_prev + (1 - z) * hh
            dhh = active * (1 - z) * d_act(hh)  # hh = act(x_h + r * rec_h)
            dr = dhh * rec_h * d_gate(r)
            grad_x[:, t] = xp.concatenate([dz, dr, dhh], axis=1)
            d_rec = xp.concatenate([dz, dr, dhh * r], axis=1)
            grad_rk += h_in.T @ d_rec
            grad_rb += d_rec.sum(axis=0)
            d_in = d_rec @ rk.data.T
            if recurrent_mask is not None:
                d_in *= recurrent_mask
            dh = active * z + d_in + carried
        return grad_x, grad_rk, grad_rb, dh

    return from_op(out, (xz, rk, rb, h0), backward)
