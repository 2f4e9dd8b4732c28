"""Connectionist temporal classification: the CTC loss and the decoders, as ``keras.ops``.

A CTC model emits, at every time step, scores over the classes plus one "blank" class
(``mask_index``). A label sequence is read from a path of classes by merging repeats and
dropping blanks, so "a a - b" and "a - - b" both read "ab". The loss is -log of the summed
probability of every path that reads the target; the decoders find the most probable reading.

The loss runs Graves's forward-backward recursion in log space over the "extended" target
(blank, l1, blank, l2, ..., blank), vectorised over the batch, with a Python loop over time.

Example:

>>> import numpy as np
>>> from glassnet.ops.ctc import ctc_loss
>>> logits = np.zeros((1, 2, 2))  # two steps, classes {blank, a}, uniform
>>> loss = ctc_loss(np.array([[1]]), logits, np.array([1]), np.array([2]))
>>> round(float(loss.data[0]), 4)  # paths "aa", "a-", "-a": 3/4 of the mass
0.2877
"""

from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import xp
from glassnet.ops.operation import keras_op


def _integer_array(value, name, where):
    array = xp.asarray(value.data if isinstance(value, Tensor) else value)
    if array.dtype.kind == "f":
        if not xp.all(array == xp.round(array)):
            raise ValueError(f"{where}: {name} must hold whole numbers, got non-integer values")
        array = array.astype(xp.int64)
    elif array.dtype.kind not in "iub":
        raise TypeError(f"{where}: {name} must be integers, got dtype {array.dtype}")
    return array.astype(xp.int64)


def _result_dtype(dtype):
    # Keras promotes to at least float32: float16 -> float32, float64 stays float64
    return xp.result_type(dtype, xp.float32) if dtype.kind == "f" else xp.dtype(xp.float32)


def _log_softmax(logits):
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))


def _logsumexp3(a, b, c):
    # log(e^a + e^b + e^c) elementwise; -inf entries (impossible states) stay exact
    return xp.logaddexp(xp.logaddexp(a, b), c)


@keras_op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """The CTC loss of each sequence: -log p(target | output), summed over all alignments.

    Args:
        target: (batch, max_label_length) integer labels; entries past ``target_length`` are
            ignored.
        output: (batch, max_time, num_classes) float logits (not softmaxed).
        target_length: (batch,) integers, the length of each label sequence.
        output_length: (batch,) integers, the number of valid time steps of each output.
        mask_index: the class index of the blank.

    Returns:
        Tensor (batch,) of losses, float32 for float32/float16 logits and float64 for float64;
        differentiable with respect to ``output``. A target that no alignment can produce
        (too long for its ``output_length``) gets an infinite loss and a zero gradient.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.ctc import ctc_loss
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.9, 0.1]]]))  # 'a' then blank
    >>> round(float(ctc_loss(np.array([[1]]), logits, [1], [2]).data[0]), 4)  # -log(.81+.09+.01)
    0.0943
    """
    where = "ctc_loss"
    output = as_tensor(output, where=where)
    if output.ndim != 3:
        raise ValueError(
            f"{where}: output must be (batch, max_time, num_classes) logits, got shape "
            f"{output.shape}"
        )
    labels = _integer_array(target, "target", where)
    batch, max_time, num_classes = output.shape
    if labels.ndim != 2 or labels.shape[0] != batch:
        raise ValueError(
            f"{where}: target must be (batch, max_label_length) = ({batch}, L) integer labels, "
            f"got shape {labels.shape}"
        )
    label_lengths = _integer_array(target_length, "target_length", where).reshape(-1)
    time_lengths = _integer_array(output_length, "output_length", where).reshape(-1)
    if label_lengths.shape != (batch,) or time_lengths.shape != (batch,):
        raise ValueError(
            f"{where}: target_length and output_length must have one entry per sequence "
            f"({batch}), got shapes {label_lengths.shape} and {time_lengths.shape}"
        )
    if xp.any(time_lengths > max_time) or xp.any(label_lengths > labels.shape[1]):
        raise ValueError(
            f"{where}: lengths exceed the arrays: output_length max {time_lengths.max()} for "
            f"{max_time} steps, target_length max {label_lengths.max()} for "
            f"{labels.shape[1]} labels"
        )
    blank = mask_index % num_classes
    out_dtype = _result_dtype(output.dtype)
    log_probs = _log_softmax(output.data.astype(xp.float64))  # (B, T, C)

    # extended target: blank at even states, the labels at odd ones; states past the label
    # length are blanks too (unreachable from the end, so they never count)
    num_states = 2 * labels.shape[1] + 1
    states = xp.arange(num_states)
    padded = xp.concatenate([labels, xp.full((batch, 1), blank)], axis=1)  # L = 0 works too
    label_at_state = padded[:, xp.maximum(states - 1, 0) // 2]
    in_label = (states % 2 == 1)[None, :] & (states[None, :] < 2 * label_lengths[:, None] + 1)
    extended = xp.where(in_label, label_at_state, blank)  # (B, S)
    if xp.any((extended < 0) | (extended >= num_classes)):
        raise ValueError(f"{where}: target labels must lie in [0, {num_classes}), got others")
    # a label state may be reached from two states back unless that state holds the same label
    can_skip = xp.zeros((batch, num_states), dtype=bool)
    can_skip[:, 2:] = (states[2:] % 2 == 1) & (extended[:, 2:] != extended[:, :-2])
    emit = xp.take_along_axis(log_probs, extended[:, None, :], axis=2)  # (B, T, S)

    neg_inf = -xp.inf
    alpha = xp.full((max_time, batch, num_states), neg_inf)
    alpha[0, :, 0] = emit[:, 0, 0]
    if num_states > 1:
        alpha[0, :, 1] = xp.where(label_lengths > 0, emit[:, 0, 1], neg_inf)
    for t in range(1, max_time):
        previous = alpha[t - 1]
        one_back = xp.concatenate([xp.full((batch, 1), neg_inf), previous[:, :-1]], axis=1)
        two_back = xp.concatenate([xp.full((batch, 2), neg_inf), previous[:, :-2]], axis=1)
        two_back = xp.where(can_skip, two_back, neg_inf)
        alpha[t] = _logsumexp3(previous, one_back, two_back) + emit[:, t, :]

    rows = xp.arange(batch)
    last_step = xp.maximum(time_lengths - 1, 0)
    final = alpha[last_step, rows]  # (B, S) at each sequence's own last step
    end_blank, end_label = 2 * label_lengths, xp.maximum(2 * label_lengths - 1, 0)
    log_likelihood = xp.logaddexp(
        final[rows, end_blank],
        xp.where(label_lengths > 0, final[rows, end_label], neg_inf),
    )
    log_likelihood = xp.where(
        time_lengths > 0, log_likelihood, xp.where(label_lengths > 0, neg_inf, 0.0)
    )
    loss = -log_likelihood

    def backward(grad_output):
        # beta[t, s]: log-probability of finishing the target from state s after step t (the
        # emission at t excluded), so exp(alpha + beta - log p) is the share of paths at (t, s).
        # dL/dlogits[t, k] = softmax[t, k] - sum_{s: extended[s] = k} exp(alpha + beta - log p)
        beta = xp.full((max_time, batch, num_states), neg_inf)
        end_states = xp.full((batch, num_states), neg_inf)
        end_states[rows, end_blank] = 0.0
        end_states[rows, end_label] = xp.where(label_lengths > 0, 0.0, end_states[rows, end_label])
        skip_into = xp.concatenate([can_skip[:, 2:], xp.zeros((batch, 2), dtype=bool)], axis=1)
        for t in range(max_time - 1, -1, -1):
            if t < max_time - 1:
                ahead = beta[t + 1] + emit[:, t + 1, :]
                one_on = xp.concatenate([ahead[:, 1:], xp.full((batch, 1), neg_inf)], axis=1)
                two_on = xp.concatenate([ahead[:, 2:], xp.full((batch, 2), neg_inf)], axis=1)
                recursion = _logsumexp3(ahead, one_on, xp.where(skip_into, two_on, neg_inf))
            else:
                recursion = xp.full((batch, num_states), neg_inf)
            is_last = (time_lengths - 1 == t)[:, None]
            beta[t] = xp.where(
                is_last, end_states, xp.where(t < time_lengths[:, None] - 1, recursion, neg_inf)
            )

        feasible = xp.isfinite(log_likelihood)
        safe_log_likelihood = xp.where(feasible, log_likelihood, 0.0)
        log_share = alpha + beta - safe_log_likelihood[None, :, None]  # (T, B, S)
        share = xp.where(xp.isfinite(log_share), xp.exp(xp.minimum(log_share, 0.0)), 0.0)
        share = share.transpose(1, 0, 2)  # (B, T, S)
        for_class = xp.eye(num_classes)[extended]  # (B, S, C)
        occupancy = xp.einsum("bts,bsc->btc", share, for_class)
        valid = (xp.arange(max_time)[None, :] < time_lengths[:, None]) & feasible[:, None]
        grad = (xp.exp(log_probs) - occupancy) * valid[:, :, None]
        grad = grad * xp.asarray(grad_output, dtype=xp.float64)[:, None, None]
        return (grad.astype(output.dtype, copy=False),)

    return from_op(loss.astype(out_dtype), (output,), backward)


def _valid_steps(sequence_lengths, batch, max_time, where):
    lengths = _integer_array(sequence_lengths, "sequence_lengths", where).reshape(-1)
    if lengths.shape != (batch,):
        raise ValueError(
            f"{where}: sequence_lengths must have one entry per sequence ({batch}), got shape "
            f"{lengths.shape}"
        )
    return xp.arange(max_time)[None, :] < xp.minimum(lengths, max_time)[:, None]


def _left_align(labels, keep, max_time):
    """The kept labels of each row moved to its start, the rest of the row -1."""
    decoded = xp.full(labels.shape, -1, dtype=xp.int32)
    rows, cols = xp.nonzero(keep)
    positions = xp.cumsum(keep, axis=1) - 1
    decoded[rows, positions[rows, cols]] = labels[rows, cols]
    return decoded


def _greedy_decode(logits, valid, merge_repeated, blank):
    best = xp.argmax(logits, axis=-1)  # (B, T)
    keep = valid & (best != blank)
    if merge_repeated:
        repeat = xp.zeros_like(keep)
        repeat[:, 1:] = best[:, 1:] == best[:, :-1]
        keep &= ~repeat
    scores = -xp.sum(xp.where(valid, xp.max(logits, axis=-1), 0.0), axis=1, keepdims=True)
    return _left_align(best, keep, logits.shape[1])[None], scores


def _beam_search_one(log_probs, blank, beam_width, top_paths):
    """Prefix beam search over one sequence's (T, C) log-probabilities.

    Each prefix keeps two log-probabilities: of the paths reading it that end in a blank and of
    those ending in its last label (a repeated label needs a blank between to count twice).
    """
    neg_inf = -xp.inf
    beams = {(): (0.0, neg_inf)}  # prefix -> (ends in blank, ends in label)
    for step in log_probs:
        candidates = {}

        def add(prefix, blank_term, label_term):
            old_blank, old_label = candidates.get(prefix, (neg_inf, neg_inf))
            candidates[prefix] = (
                xp.logaddexp(old_blank, blank_term),
                xp.logaddexp(old_label, label_term),
            )

        for prefix, (ends_blank, ends_label) in beams.items():
            total = xp.logaddexp(ends_blank, ends_label)
            add(prefix, total + step[blank], neg_inf)
            if prefix:
                add(prefix, neg_inf, ends_label + step[prefix[-1]])
            for label in range(len(step)):
                if label == blank:
                    continue
                reach = ends_blank if prefix and label == prefix[-1] else total
                add(prefix + (label,), neg_inf, reach + step[label])
        ranked = sorted(candidates.items(), key=lambda item: -xp.logaddexp(*item[1]))
        beams = dict(ranked[:beam_width])
    ranked = sorted(beams.items(), key=lambda item: -xp.logaddexp(*item[1]))[:top_paths]
    return [(prefix, float(xp.logaddexp(*scores))) for prefix, scores in ranked]


@keras_op
def ctc_decode(
    inputs,
    sequence_lengths,
    strategy="greedy",
    beam_width=100,
    top_paths=1,
    merge_repeated=True,
    mask_index=0,
):
    """Read label sequences from CTC outputs, greedily or by prefix beam search.

    Args:
        inputs: (batch, max_time, num_classes) logits (not softmaxed).
        sequence_lengths: (batch,) integers, the valid time steps of each sequence.
        strategy: "greedy" (the best class at each step) or "beam_search" (the most probable
            label sequences, summed over their alignments).
        beam_width: prefixes kept at each step of the beam search.
        top_paths: how many sequences the beam search returns per input.
        merge_repeated: greedy only: merge a class repeated on consecutive steps into one.
        mask_index: the class index of the blank.

    Returns:
        (decoded, scores). decoded: int32 Tensor (paths, batch, max_time), each sequence
        left-aligned and padded with -1 (paths is 1 for greedy, ``top_paths`` for beam search).
        scores: greedy: (batch, 1), minus the sum over steps of the largest logit; beam search:
        (batch, top_paths), the log-probability of each sequence, best first.

    Example:

    >>> import numpy as np
    >>> from glassnet.ops.ctc import ctc_decode
    >>> logits = np.log(np.array([[[0.1, 0.9], [0.2, 0.8], [0.9, 0.1], [0.2, 0.8]]]))
    >>> decoded, scores = ctc_decode(logits, [4])
    >>> decoded.data.tolist()  # "a a - a" reads "aa"
    [[[1, 1, -1, -1]]]
    """
    where = "ctc_decode"
    inputs = as_tensor(inputs, where=where)
    if inputs.ndim != 3:
        raise ValueError(
            f"{where}: inputs must be (batch, max_time, num_classes) logits, got shape "
            f"{inputs.shape}"
        )
    batch, max_time, num_classes = inputs.shape
    valid = _valid_steps(sequence_lengths, batch, max_time, where)
    out_dtype = _result_dtype(inputs.dtype)
    blank = mask_index % num_classes
    logits = inputs.data.astype(out_dtype, copy=False)
    if strategy == "greedy":
        decoded, scores = _greedy_decode(logits, valid, merge_repeated, blank)
        return Tensor(decoded), Tensor(scores.astype(out_dtype))
    if strategy != "beam_search":
        raise ValueError(f"{where}: strategy must be 'greedy' or 'beam_search', got {strategy!r}")
    if beam_width < 1 or top_paths < 1 or top_paths > beam_width:
        raise ValueError(
            f"{where}: need 1 <= top_paths <= beam_width, got top_paths={top_paths}, "
            f"beam_width={beam_width}"
        )
    log_probs = _log_softmax(logits.astype(xp.float64))
    decoded = xp.full((top_paths, batch, max_time), -1, dtype=xp.int32)
    scores = xp.full((batch, top_paths), -xp.inf)
    # prefixes differ from sequence to sequence, so the search runs one sequence at a time
    for row in range(batch):
        steps = int(valid[row].sum())
        found = _beam_search_one(log_probs[row, :steps], blank, beam_width, top_paths)
        for path, (prefix, score) in enumerate(found):
            decoded[path, row, : len(prefix)] = prefix
            scores[row, path] = score
    return Tensor(decoded), Tensor(scores.astype(out_dtype))
