"""Recurrent sequence ops with backpropagation through time written out beside the forward.

Each op runs a whole sequence. simple_rnn and gru take the input projection of every step
(inputs @ kernel + bias), computed before in one GEMM, as ``x_proj``, and their loop adds the
recurrent product and applies the gate math of one step at a time; lstm takes the inputs and all
its weights and does one stacked GEMM per step (see its docstring). Shapes: x_proj
(N, T, gates * u), recurrent_kernel (u, gates * u), states (N, u). Weight layouts and gate orders
are Keras's (LSTM: i, f, c, o; GRU with reset_after=True: z, r, h), so weights move between
libraries unchanged. The recurrent layers (layers/recurrent.py) run these when they compute what
their cell would; the cells' step-by-step loop is the reference they are tested against.

mask (N, T) bool: at masked steps the state is carried over unchanged.
recurrent_mask (N, u): recurrent dropout, applied to the previous state before the recurrent
GEMM.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.simple_rnn(np.ones((1, 2, 1)), np.ones((1, 1)), np.zeros((1, 1)), activation="relu")
Tensor([[[1.],
         [2.]]], dtype=float64)
"""

from glassnet.autograd.tensor import as_tensor, from_op
from glassnet.backend import compiled, xp
from glassnet.ops._helpers import sum_rows
from glassnet.ops.activation import ACTIVATIONS
from glassnet.ops.operation import keras_op


def activation_pair(name, where):
    """(f, f' written from the output) for an activation the recurrent loops can run.

    Both come from the activation table in ``ops/activation.py``.

    Args:
        name: the activation's name.
        where: the op, for the error message.

    Returns:
        ``(forward, derivative)``: ``forward(z)`` on arrays, ``derivative(y)`` from the output.

    Raises:
        ValueError: for an activation whose derivative needs the input (gelu, silu...).

    Example:

    >>> from glassnet.ops.recurrent import activation_pair
    >>> forward, derivative = activation_pair("tanh", "example")
    >>> float(derivative(forward(0.0)))
    1.0
    """
    spec = ACTIVATIONS.get(name)
    if spec is None or not spec.from_output:
        usable = sorted(key for key, entry in ACTIVATIONS.items() if entry.from_output)
        raise ValueError(
            f"{where}: activation {name!r} is not available in the recurrent op; use one of "
            f"{usable}"
        )
    return spec.forward, lambda y: spec.derivative(None, y)


def _prepare(where, x_proj, recurrent_kernel, states, gates):
    xz = as_tensor(x_proj, where=where)
    rk = as_tensor(recurrent_kernel, like=xz, where=where)
    states = [as_tensor(state, like=xz, where=where) for state in states]
    n, t, width = xz.shape
    units = rk.shape[0]
    if width != gates * units or rk.shape != (units, gates * units):
        raise ValueError(
            f"{where}: x_proj (N, T, {gates}*units) and recurrent_kernel (units, {gates}*units) "
            f"do not fit: shapes {xz.shape} and {rk.shape}"
        )
    for state in states:
        if state.shape != (n, units):
            raise ValueError(
                f"{where}: initial state must have shape {(n, units)}, got {state.shape}"
            )
    return xz, rk, states, n, t, units


def _carry(mask, t, new, old):
    return new if mask is None else xp.where(mask[:, t, None], new, old)


def _split_by_mask(mask, t, grad):
    """(gradient to the step's computation, gradient carried straight to the previous state)."""
    if mask is None:
        return grad, 0.0
    kept = mask[:, t, None]
    return grad * kept, grad * ~kept


@keras_op
def simple_rnn(
    x_proj, recurrent_kernel, initial_state, mask=None, recurrent_mask=None, activation="tanh"
):
    """Simple recurrence over a sequence: h_t = act(x_proj_t + h_{t-1} @ U) -> all states
    (N, T, u).

    Args:
        x_proj: (N, T, u), inputs @ kernel + bias for every step.
        recurrent_kernel: (u, u).
        initial_state: (N, u).
        mask: (N, T) bool or None: masked steps carry the state over.
        recurrent_mask: (N, u) or None: recurrent dropout on h_{t-1}.
        activation: a name from the activation table whose derivative needs only the output.

    Returns:
        Every step's state, (N, T, u).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.simple_rnn(np.ones((1, 3, 1)), np.zeros((1, 1)), np.zeros((1, 1)), activation="relu")
    Tensor([[[1.],
             [1.],
             [1.]]], dtype=float64)
    """
    xz, rk, (h0,), n, steps, u = _prepare(
        "simple_rnn", x_proj, recurrent_kernel, [initial_state], 1
    )
    act, d_act = activation_pair(activation, "simple_rnn")
    out = xp.empty((n, steps, u), dtype=xz.dtype)
    # every step's h_{t-1} (after recurrent dropout), (N, T, u) like the gradients of x_proj, so
    # that the recurrent kernel's gradient is one GEMM over all steps
    h_inputs, h = xp.empty((n, steps, u), dtype=xz.dtype), h0.data
    for t in range(steps):
        h_in = h if recurrent_mask is None else h * recurrent_mask
        h_inputs[:, t] = h_in
        h_new = act(xz.data[:, t] + h_in @ rk.data)
        out[:, t] = h = _carry(mask, t, h_new, h)

    def backward(grad_output):
        grad_x = xp.empty_like(xz.data)
        dh = xp.zeros_like(h0.data)
        for t in reversed(range(steps)):
            dh = dh + grad_output[:, t]
            active, carried = _split_by_mask(mask, t, dh)
            # through the activation (at masked steps the update is unused)
            da = active * d_act(out[:, t])
            grad_x[:, t] = da
            dh = da @ rk.data.T
            if recurrent_mask is not None:
                dh *= recurrent_mask
            dh = dh + carried
        # dL/dU = sum_t h_{t-1}^T da_t, all steps in one product
        grad_rk = h_inputs.reshape(-1, u).T @ grad_x.reshape(-1, u)
        return grad_x, grad_rk, dh

    return from_op(out, (xz, rk, h0), backward)


def _lstm_gates(recurrent_activation, activation, u):
    """-> (activate(z) in place, derivative(gates) = d gates / d z) on stacked gate rows
    [i | f | o | g].

    The three sigmoid gates are one contiguous block of rows, so each NumPy call runs over
    contiguous memory. With the default pair, sigma(z) = tanh(z / 2) / 2 + 1/2 lets one tanh
    call cover all four.
    """
    act, d_act = activation_pair(activation, "lstm")
    gate, d_gate = activation_pair(recurrent_activation, "lstm")
    sig = slice(0, 3 * u)
    if (recurrent_activation, activation) == ("sigmoid", "tanh"):

        def activate(z):
            z[sig] *= 0.5
            xp.tanh(z, out=z)
            z[sig] *= 0.5
            z[sig] += 0.5

        def derivative(gates):
            d = gates * gates
            xp.subtract(gates[sig], d[sig], out=d[sig])  # sigma' = y (1 - y)
            xp.subtract(1, d[3 * u :], out=d[3 * u :])  # tanh' = 1 - y^2
            return d
    else:

        def activate(z):
            candidate = act(z[3 * u :])  # before z changes: a linear gate returns z itself
            z[sig] = gate(z[sig])
            z[3 * u :] = candidate

        def derivative(gates):
            d = xp.empty_like(gates)
            d[sig] = d_gate(gates[sig])
            d[3 * u :] = d_act(gates[3 * u :])
            return d

    return activate, derivative


@compiled.register("lstm_step_forward")
def lstm_step_forward(z, c_prev, c_new, half):
    """The gate arithmetic of one LSTM step, in one pass: the compiled sibling of the NumPy lines
    in ``lstm``'s loop (default pair: sigmoid gates, tanh cell).

    NumPy computes the tanh calls (vectorised; numba's scalar tanh is slower): on entry ``z``
    holds tanh(z_i / 2), tanh(z_f / 2), tanh(z_o / 2) and tanh(z_g). The kernel turns the first
    three into sigma(z) = tanh(z / 2) / 2 + 1/2 (in place, as the backward reads them) and writes
    c_t = f c_{t-1} + i g, each with the same operations in the same order as the reference.

    Args:
        z: (4u, N) rows [i | f | o | g] as above; the gate rows become the gates.
        c_prev: (u, N) c_{t-1}.
        c_new: (u, N) output: c_t.
        half: 0.5 in the arrays' dtype (so float32 stays float32).

    Example:

    >>> import numpy as np
    >>> z = np.array([[0.0], [0.0], [0.0], [0.5]])  # i = f = o = 1/2, g = 1/2
    >>> c = np.empty((1, 1))
    >>> lstm_step_forward(z, np.ones((1, 1)), c, 0.5)
    >>> z.ravel(), c.ravel()  # c = 1/2 * 1 + 1/2 * 1/2
    (array([0.5, 0.5, 0.5, 0.5]), array([0.75]))
    """
    units, n = c_prev.shape
    for row in range(units):
        for col in range(n):
            i = z[row, col] * half + half
            f = z[units + row, col] * half + half
            z[row, col] = i
            z[units + row, col] = f
            z[2 * units + row, col] = z[2 * units + row, col] * half + half
            c_new[row, col] = f * c_prev[row, col] + i * z[3 * units + row, col]


@compiled.register("lstm_step_backward")
def lstm_step_backward(z, act_c, c_prev, dh, dc, dz, t, one):
    """One LSTM step's backward through its gates, in one pass (sibling of the loop in ``lstm``).

    The same arithmetic, in the same order, as the NumPy reference in ``lstm``'s backward for
    the default pair: total = (1 - tanh(c)^2) o dh + dc; dz_i = total g i (1 - i) ... and the
    cell gradient passed back, dL/dc_prev = total f, written over ``dc``.

    Args:
        z: (4u, N) the activated gates of the step, rows [i | f | o | g].
        act_c: (u, N) tanh(c_t).
        c_prev: (u, N) c_{t-1}.
        dh, dc: (u, N) dL/dh_t and dL/dc_t; ``dc`` becomes dL/dc_{t-1} (through this step).
        dz: (4u, T, N) output: dL/dz of every step, this step's written into ``dz[:, t]``.
        t: the step.
        one: 1 in the arrays' dtype.

    Example:

    >>> import numpy as np
    >>> z = np.full((4, 1), 0.5); z[3] = 0.0  # i = f = o = 1/2, g = 0
    >>> dz, dc = np.empty((4, 1, 1)), np.zeros((1, 1))
    >>> lstm_step_backward(z, np.zeros((1, 1)), np.ones((1, 1)), np.ones((1, 1)), dc, dz, 0, 1.0)
    >>> dz.ravel(), dc.ravel()  # total = 1/2: dz_f = 1/2 * 1 * 1/4, dz_g = 1/2 * 1/2 * 1
    (array([0.   , 0.125, 0.   , 0.25 ]), array([0.25]))
    """
    units, n = act_c.shape
    for row in range(units):
        for col in range(n):
            i = z[row, col]
            f = z[units + row, col]
            o = z[2 * units + row, col]
            g = z[3 * units + row, col]
            tanh_c = act_c[row, col]
            grad_h = dh[row, col]
            total = (one - tanh_c * tanh_c) * o * grad_h + dc[row, col]
            dz[3 * units + row, t, col] = total * i * (one - g * g)
            dz[units + row, t, col] = total * c_prev[row, col] * (f - f * f)
            dz[row, t, col] = total * g * (i - i * i)
            dz[2 * units + row, t, col] = grad_h * tanh_c * (o - o * o)
            dc[row, col] = total * f


@keras_op
def lstm(
    inputs,
    kernel,
    recurrent_kernel,
    bias,
    initial_h,
    initial_c,
    mask=None,
    recurrent_mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """Long short-term memory over a sequence -> (N, T, 2u): h_t in [..., :u], c_t in [..., u:].

        z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i, f, o = sigma(z_i, z_f, z_o); g = act(z_c)
        c_t = f * c_{t-1} + i * g;  h_t = o * act(c_t)

    Computed as one GEMM per step on stacked operands, as in textbook NumPy LSTMs:
    W = [U; K; b]^T (4u, u + F + 1) times s_t = [h_{t-1}; x_t; 1] (u + F + 1, N). The states are
    kept transposed, (u, N), so every gate is a contiguous block of rows: NumPy's elementwise
    calls run faster on contiguous blocks than on column slices of an (N, 4u) array. The s_t and
    the backward's dL/dz_t are stored with the step as their middle axis, (rows, T, N), so that
    the weight gradient sum_t dL/dz_t s_t^T is one GEMM over all steps after the loop (on views,
    no copy): it runs in about 0.9 ms where 50 small GEMMs, one per step, took 2.2-2.5.

    Args:
        inputs: (N, T, F).
        kernel: (F, 4u), Keras's layout and gate order i, f, c, o.
        recurrent_kernel: (u, 4u).
        bias: (4u,) or None.
        initial_h: (N, u).
        initial_c: (N, u).
        mask: (N, T) bool or None: masked steps carry both states over.
        recurrent_mask: (N, u) or None: recurrent dropout on h_{t-1}.
        activation: the cell and candidate activation (from the activation table).
        recurrent_activation: the gates' activation.

    Returns:
        (N, T, 2u): h_t in [..., :u], c_t in [..., u:].

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> u, f = 2, 3
    >>> out = ops.lstm(np.ones((1, 4, f)), np.zeros((f, 4 * u)), np.zeros((u, 4 * u)), None,
    ...                np.zeros((1, u)), np.zeros((1, u)))
    >>> out.shape  # h in [..., :u], c in [..., u:]
    (1, 4, 4)
    """
    x = as_tensor(inputs, where="lstm")
    k, rk = (
        as_tensor(kernel, like=x, where="lstm"),
        as_tensor(recurrent_kernel, like=x, where="lstm"),
    )
    b = None if bias is None else as_tensor(bias, like=x, where="lstm")
    h0, c0 = as_tensor(initial_h, like=x, where="lstm"), as_tensor(initial_c, like=x, where="lstm")
    if x.ndim != 3:
        raise ValueError(f"lstm: expected inputs (batch, timesteps, features), got shape {x.shape}")
    n, steps, features = x.shape
    u = rk.shape[0]
    if (
        rk.shape != (u, 4 * u)
        or k.shape != (features, 4 * u)
        or (b is not None and b.shape != (4 * u,))
    ):
        raise ValueError(
            f"lstm: inputs with {features} features need kernel ({features}, 4*units), "
            f"recurrent_kernel (units, 4*units) "
            f"and bias (4*units,); got {k.shape}, {rk.shape} and {None if b is None else b.shape}"
        )
    for state in (h0, c0):
        if state.shape != (n, u):
            raise ValueError(f"lstm: initial state must have shape {(n, u)}, got {state.shape}")
    activate, gate_derivative = _lstm_gates(recurrent_activation, activation, u)
    act, d_act = activation_pair(activation, "lstm")
    # Keras's [i | f | c | o] -> [i | f | o | g] here
    order = xp.r_[0 : 2 * u, 3 * u : 4 * u, 2 * u : 3 * u]
    stacked = [rk.data, k.data] + ([] if b is None else [b.data[None]])
    # (4u, width), C-contiguous, rows in the gate order above
    w = xp.take(xp.concatenate(stacked).T, order, axis=0)
    width = w.shape[1]
    # s[:, t] = s_t = [h_{t-1} (after recurrent dropout); x_t; 1]
    s = xp.empty((width, steps, n), dtype=x.dtype)
    s[u : u + features] = x.data.transpose(2, 1, 0)
    if b is not None:
        s[-1] = 1
    keep = None if mask is None else mask.T  # (T, N): keep[t] broadcasts over the rows of a state
    drop = None if recurrent_mask is None else recurrent_mask.T
    gates = xp.empty((steps, 4 * u, n), dtype=x.dtype)
    cell_act = xp.empty((steps, u, n), dtype=x.dtype)  # act(c_t) before masking
    # states[t] = [h_t; c_t], written in place by each step; the output is a transposed view of
    # it, (N, T, 2u), so no copy into another layout is made
    states = xp.empty((steps, 2 * u, n), dtype=x.dtype)
    # (T, N): True where a masked step carries the state over
    carry = None if keep is None else ~keep
    tanh_cell = activation == "tanh"
    # the compiled siblings of the steps' gate arithmetic (None: the NumPy lines run)
    default_pair = (recurrent_activation, activation) == ("sigmoid", "tanh")
    step_forward, step_backward = (
        (compiled.get("lstm_step_forward"), compiled.get("lstm_step_backward"))
        if default_pair and x.dtype in (xp.float32, xp.float64)
        else (None, None)
    )
    half, one = x.dtype.type(0.5), x.dtype.type(1)
    w_forward = w
    if step_forward is not None:
        # sigma(z) = tanh(z / 2) / 2 + 1/2: the sigmoid rows' z / 2 comes from the GEMM with those
        # rows halved, which is exact (halving commutes with every rounding), so one tanh call
        # covers all four gates and the kernel finishes them
        w_forward = w.copy()
        w_forward[: 3 * u] *= half
    h, c = h0.data.T, c0.data.T
    for t in range(steps):
        if drop is None:
            s[:u, t] = h
        else:
            xp.multiply(h, drop, out=s[:u, t])
        z = gates[t]
        xp.matmul(w_forward, s[:, t], out=z)
        h_new, c_new, act_c = states[t, :u], states[t, u:], cell_act[t]
        if step_forward is not None:
            xp.tanh(z, out=z)
            step_forward(z, c, c_new, half)
            o = z[2 * u : 3 * u]
        else:
            activate(z)
            i, f, o, g = z[:u], z[u : 2 * u], z[2 * u : 3 * u], z[3 * u :]
            xp.multiply(f, c, out=c_new)
            xp.multiply(i, g, out=act_c)  # i * g, then act(c_t) in the same buffer
            c_new += act_c
        if tanh_cell:
            xp.tanh(c_new, out=act_c)
        else:
            act_c[...] = act(c_new)
        xp.multiply(o, act_c, out=h_new)
        if carry is not None:  # masked steps carry the previous state over unchanged
            xp.copyto(h_new, h, where=carry[t])
            xp.copyto(c_new, c, where=carry[t])
        h, c = h_new, c_new
    out = states.transpose(2, 0, 1)

    def backward(grad_output):
        # Often only h_T receives a gradient (return_sequences=False), so the steps whose output
        # gradient is all zero skip the addition; the others read it as a (u, N) view of
        # grad_output
        receives = (grad_output != 0).any(axis=0)  # (T, 2u)
        h_receives, c_receives = receives[:, :u].any(axis=1), receives[:, u:].any(axis=1)
        # dL/dh_{t-1} = U^T dz_t per step; dL/dW = sum_t dz_t s_t^T and dL/dx_t = K^T dz_t for
        # all steps at once after the loop (the h rows alone make the per-step GEMM smaller)
        recurrent_t = w[:, :u].T
        grad_h_prev = xp.empty((steps, u, n), dtype=x.dtype)
        dz_all = xp.empty((4 * u, steps, n), dtype=x.dtype)  # dz_all[:, t] = dL/dz_t
        dh, dc = xp.zeros((u, n), dtype=x.dtype), xp.zeros((u, n), dtype=x.dtype)
        for t in reversed(range(steps)):
            dz = dz_all[:, t]
            z, act_c = gates[t], cell_act[t]
            c_prev = states[t - 1, u:] if t else c0.data.T
            if h_receives[t]:
                dh = dh + grad_output[:, t, :u].T
            if c_receives[t]:
                dc = dc + grad_output[:, t, u:].T
            if keep is not None:  # a masked step's gradient goes straight to the previous state
                dh, dh_carried = dh * keep[t], dh * ~keep[t]
                dc, dc_carried = dc * keep[t], dc * ~keep[t]
            if step_backward is not None:  # dc (an array of this loop's own) is written over
                step_backward(z, act_c, c_prev, dh, dc, dz_all, t, one)
            else:
                i, f, o, g = z[:u], z[u : 2 * u], z[2 * u : 3 * u], z[3 * u :]
                dc_total = d_act(act_c)  # h = o * act(c)
                dc_total *= o
                dc_total *= dh
                dc_total += dc
                xp.multiply(dc_total, i, out=dz[3 * u :])  # c = f * c_prev + i * g
                xp.multiply(dc_total, c_prev, out=dz[u : 2 * u])
                xp.multiply(dc_total, g, out=dz[:u])
                xp.multiply(dh, act_c, out=dz[2 * u : 3 * u])
                dz *= gate_derivative(z)  # through each gate's activation
                dc = dc_total * f
            xp.matmul(recurrent_t, dz, out=grad_h_prev[t])
            dh = grad_h_prev[t] if drop is None else grad_h_prev[t] * drop
            if keep is not None:
                dh = dh + dh_carried
                dc += dc_carried
        dz_rows = dz_all.reshape(4 * u, steps * n)  # a view: [dz_0 | dz_1 | ...]
        grad_w = dz_rows @ s.reshape(width, steps * n).T  # z_t = W s_t
        # back to Keras's gate order, (width, 4u)
        grad_stacked = xp.take(grad_w, xp.argsort(order), axis=0).T
        grad_x = (  # (N, T, F)
            (w[:, u : u + features].T @ dz_rows).reshape(features, steps, n).transpose(2, 1, 0)
            if x.requires_grad
            else None
        )
        grads = [grad_x, grad_stacked[u : u + features], grad_stacked[:u]]
        grads += [] if b is None else [grad_stacked[-1]]
        return (*grads, dh.T, dc.T)

    parents = (x, k, rk) + (() if b is None else (b,)) + (h0, c0)
    return from_op(out, parents, backward)


@keras_op
def gru(
    x_proj,
    recurrent_kernel,
    recurrent_bias,
    initial_state,
    mask=None,
    recurrent_mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """Gated recurrent unit, Keras's reset_after=True form -> all states (N, T, u).

    r_all = h_{t-1} @ U + b_rec (one GEMM); z = sigma(x_z + r_z); r = sigma(x_r + r_r)
    hh = act(x_h + r * r_h);  h_t = z * h_{t-1} + (1 - z) * hh

    Args:
        x_proj: (N, T, 3u), inputs @ kernel + input bias for every step (gates z, r, h).
        recurrent_kernel: (u, 3u); recurrent_bias: (3u,).
        initial_state: (N, u).
        mask, recurrent_mask, activation, recurrent_activation: as ``simple_rnn``.

    Returns:
        Every step's state, (N, T, u).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.gru(np.zeros((2, 4, 6)), np.zeros((2, 6)), np.zeros(6), np.ones((2, 2))).shape
    (2, 4, 2)
    """
    xz, rk, (h0,), n, steps, u = _prepare("gru", x_proj, recurrent_kernel, [initial_state], 3)
    rb = as_tensor(recurrent_bias, like=xz, where="gru")
    act, d_act = activation_pair(activation, "gru")
    gate, d_gate = activation_pair(recurrent_activation, "gru")
    out = xp.empty((n, steps, u), dtype=xz.dtype)
    saved = []  # per step: (h_prev, z, r, recurrent part of the candidate, hh)
    # every step's h_{t-1} (after recurrent dropout), (N, T, u), so that the recurrent kernel's
    # gradient is one GEMM over all steps
    h_inputs, h = xp.empty((n, steps, u), dtype=xz.dtype), h0.data
    for t in range(steps):
        h_in = h if recurrent_mask is None else h * recurrent_mask
        h_inputs[:, t] = h_in
        x_t = xz.data[:, t]
        rec = h_in @ rk.data + rb.data
        z = gate(x_t[:, :u] + rec[:, :u])
        r = gate(x_t[:, u : 2 * u] + rec[:, u : 2 * u])
        hh = act(x_t[:, 2 * u :] + r * rec[:, 2 * u :])
        saved.append((h, z, r, rec[:, 2 * u :], hh))
        h = _carry(mask, t, z * h + (1 - z) * hh, h)
        out[:, t] = h

    def backward(grad_output):
        grad_x = xp.empty_like(xz.data)
        grad_rec = xp.empty_like(xz.data)  # dL/d(h_in @ U + b_rec) per step, (N, T, 3u)
        dh = xp.zeros_like(h0.data)
        for t in reversed(range(steps)):
            h_prev, z, r, rec_h, hh = saved[t]
            active, carried = _split_by_mask(mask, t, dh + grad_output[:, t])
            dz = active * (h_prev - hh) * d_gate(z)  # h = z * h_prev + (1 - z) * hh
            dhh = active * (1 - z) * d_act(hh)  # hh = act(x_h + r * rec_h)
            dr = dhh * rec_h * d_gate(r)
            grad_x[:, t, :u], grad_x[:, t, u : 2 * u], grad_x[:, t, 2 * u :] = dz, dr, dhh
            d_rec = grad_rec[:, t]
            d_rec[:, : 2 * u] = grad_x[:, t, : 2 * u]
            xp.multiply(dhh, r, out=d_rec[:, 2 * u :])
            d_in = d_rec @ rk.data.T
            if recurrent_mask is not None:
                d_in *= recurrent_mask
            dh = active * z + d_in + carried
        # dL/dU = sum_t h_in_t^T d_rec_t and dL/db_rec = sum_t (column sums of d_rec_t): all
        # steps in one product each
        rec_rows = grad_rec.reshape(-1, 3 * u)
        grad_rk = h_inputs.reshape(-1, u).T @ rec_rows
        return grad_x, grad_rk, sum_rows(rec_rows), dh

    return from_op(out, (xz, rk, rb, h0), backward)
