"""Control flow and gradient control (keras.ops names): cond, switch, while_loop, fori_loop, scan,
associative_scan, map, vectorized_map, stop_gradient, custom_gradient.

glassnet runs eagerly, so control flow is plain Python: a loop runs its body, and the ops the body
calls are recorded on the tape like any others. Differentiating through a loop is therefore the
same as differentiating the unrolled computation; nothing here needs a backward of its own except
``custom_gradient``, which replaces the recorded gradient with the one the user writes, and
``stop_gradient``, which records nothing.

Example:

>>> from glassnet import ops
>>> ops.fori_loop(0, 4, lambda i, total: total + i, 0)
6
"""

import builtins

from glassnet.autograd.grad_mode import no_grad
from glassnet.autograd.tensor import Tensor, as_tensor, from_op
from glassnet.backend import nest, xp
from glassnet.ops.manipulation import concatenate, getitem, stack
from glassnet.ops.operation import keras_op


def _is_leaf(value):
    return not isinstance(value, (list, tuple, dict))


def _flatten(structure):
    return nest.flatten(structure, _is_leaf)


def _pack_like(structure, flat):
    """``flat``'s values in ``structure``'s nesting (the inverse of ``_flatten``)."""
    values = iter(flat)
    return nest.map_structure(lambda _: next(values), structure, _is_leaf)


def _truth(pred, where):
    value = getattr(pred, "data", pred)
    if xp.size(value) != 1:
        raise ValueError(
            f"{where}: the predicate must be a single value, got shape {xp.shape(value)}"
        )
    return builtins.bool(xp.asarray(value).reshape(()))


@keras_op
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``; only the branch taken runs (and is recorded).

    Args:
        pred: a scalar bool (Python, array or tensor).
        true_fn, false_fn: functions of no arguments.

    Returns:
        what the branch taken returns.

    Example:

    >>> from glassnet import ops
    >>> ops.cond(ops.convert_to_tensor(2.0) > 1.0, lambda: "big", lambda: "small")
    'big'
    """
    return true_fn() if _truth(pred, "cond") else false_fn()


@keras_op
def switch(index, branches, *operands):
    """``branches[index](*operands)``, ``index`` clamped to [0, len(branches) - 1] as in Keras.

    Args:
        index: a scalar integer.
        branches: a list of functions taking ``operands``.
        *operands: the arguments passed to the branch.

    Example:

    >>> from glassnet import ops
    >>> ops.switch(5, [lambda x: x + 1, lambda x: x * 10], 3)
    30
    """
    if not branches:
        raise ValueError("switch: branches must hold at least one function")
    value = getattr(index, "data", index)
    position = int(xp.clip(xp.asarray(value).reshape(()), 0, len(branches) - 1))
    return branches[position](*operands)


@keras_op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Run ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` holds.

    Args:
        cond: function of the loop variables returning a scalar bool.
        body: function of the loop variables returning new ones of the same structure.
        loop_vars: a tuple/list of loop variables, or a single one.
        maximum_iterations: stop after this many iterations even if ``cond`` still holds.

    Returns:
        the final loop variables, a tuple when ``loop_vars`` was a tuple or list.

    Example:

    >>> from glassnet import ops
    >>> ops.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2), (0, 1))
    (3, 8)
    """
    is_sequence = isinstance(loop_vars, (tuple, list))
    loop_vars = tuple(loop_vars) if is_sequence else (loop_vars,)
    iterations = 0
    while _truth(cond(*loop_vars), "while_loop"):
        if maximum_iterations is not None and iterations >= maximum_iterations:
            break
        loop_vars = body(*loop_vars)
        loop_vars = tuple(loop_vars) if isinstance(loop_vars, (tuple, list)) else (loop_vars,)
        iterations += 1
    return loop_vars if is_sequence else loop_vars[0]


@keras_op
def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for i in range(lower, upper); returns the final ``val``.

    Args:
        lower: the first value of i (converted with ``int``).
        upper: the end of the range, excluded (converted with ``int``).
        body_fun: function (i, val) -> new val.
        init_val: the starting value (any structure ``body_fun`` accepts).

    Example:

    >>> from glassnet import ops
    >>> ops.fori_loop(1, 4, lambda i, x: x * i, 1.0)
    6.0
    """
    value = init_val
    for i in range(int(lower), int(upper)):
        value = body_fun(i, value)
    return value


def _leading_size(flat, where):
    sizes = {x.shape[0] for x in flat}
    if len(sizes) != 1:
        raise ValueError(f"{where}: every input needs the same leading size, got {sorted(sizes)}")
    return sizes.pop()


def _stack_outputs(outputs, where):
    """A list of same-structured outputs -> one structure of tensors stacked along axis 0."""
    if not outputs:
        raise ValueError(f"{where}: there are no elements to map over")
    flat = [_flatten(out) for out in outputs]
    stacked = [stack([row[i] for row in flat], axis=0) for i in range(len(flat[0]))]
    return _pack_like(outputs[0], stacked)


@keras_op
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; stack the ys.

    Args:
        f: function (carry, x) -> (new carry, y); carry and y may be nested structures.
        init: the first carry.
        xs: a tensor or nested structure of tensors scanned along axis 0, or None.
        length: the number of steps when ``xs`` is None (f then gets x = None).
        reverse: scan from the last element to the first (the ys keep xs's order).
        unroll: accepted for Keras compatibility; the loop runs eagerly either way.

    Returns:
        (final carry, ys stacked along a new axis 0, or None when f returns None for y).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> total, running = ops.scan(lambda c, x: (c + x, c + x), 0.0, np.array([1.0, 2.0, 3.0]))
    >>> float(total), running.data.tolist()
    (6.0, [1.0, 3.0, 6.0])
    """
    del unroll
    flat_xs = [] if xs is None else [as_tensor(x, where="scan") for x in _flatten(xs)]
    if xs is None:
        if length is None:
            raise ValueError("scan: give xs or length")
        steps = int(length)
    else:
        steps = _leading_size(flat_xs, "scan")
        if length is not None and int(length) != steps:
            raise ValueError(f"scan: length={length} but xs have leading size {steps}")
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    carry, ys = init, []
    for t in order:
        x = None if xs is None else _pack_like(xs, [getitem(x, t) for x in flat_xs])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or all(y is None for y in ys):
        return carry, None
    return carry, _stack_outputs(ys, "scan")


@keras_op
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan with an associative ``f``: out[i] = f(out[i - 1], elems[i]).

    Run left to right; with ``reverse``, right to left: out[i] = f(out[i + 1], elems[i]).
    ``f`` receives slices that keep the scanned axis (size 1), so a function written for
    Keras's parallel scan works unchanged.

    Args:
        f: associative function of two structures like ``elems``.
        elems: a tensor or nested structure of tensors of the same size along ``axis``.
        reverse: scan from the end.
        axis: the scanned axis.

    Returns:
        a structure like ``elems``.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.associative_scan(ops.add, np.array([1.0, 2.0, 3.0])).data.tolist()
    [1.0, 3.0, 6.0]
    """
    flat = [as_tensor(x, where="associative_scan") for x in _flatten(elems)]
    sizes = {x.shape[axis] for x in flat}
    if len(sizes) != 1:
        raise ValueError(
            f"associative_scan: every element needs the same size along axis {axis}, "
            f"got {sorted(sizes)}"
        )
    size = sizes.pop()

    def piece(i):
        return _pack_like(
            elems,
            [getitem(x, (slice(None),) * (axis % x.ndim) + (slice(i, i + 1),)) for x in flat],
        )

    order = range(size - 1, -1, -1) if reverse else range(size)
    results, running = [], None
    for i in order:
        # the accumulated value stays on f's left, in reverse too (a scan of the flipped elems)
        running = piece(i) if running is None else f(running, piece(i))
        results.append(running)
    if reverse:
        results.reverse()
    columns = zip(*[_flatten(r) for r in results])
    return _pack_like(elems, [concatenate(list(column), axis=axis) for column in columns])


@keras_op
def map(f, xs):
    """``f`` applied to each slice of ``xs`` along axis 0, the results stacked.

    Args:
        f: function of one slice (a structure like ``xs`` without its leading axis).
        xs: a tensor or nested structure of tensors.

    Returns:
        ``f``'s outputs stacked along a new axis 0 (nested like ``f``'s output).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.map(lambda row: ops.sum(row), np.array([[1.0, 2.0], [3.0, 4.0]])).data.tolist()
    [3.0, 7.0]
    """
    flat = [as_tensor(x, where="map") for x in _flatten(xs)]
    steps = _leading_size(flat, "map")
    outputs = [f(_pack_like(xs, [getitem(x, t) for x in flat])) for t in range(steps)]
    return _stack_outputs(outputs, "map")


@keras_op
def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` along axis 0, results stacked.

    The same result as ``map``: glassnet runs the slices one after another rather than
    vectorising the function.

    Args:
        function: function of one slice (a structure like ``elements`` without its leading axis).
        elements: a tensor or nested structure of tensors with one leading size.

    Returns:
        ``function``'s outputs stacked along a new axis 0.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> ops.vectorized_map(lambda x: x * 2.0, np.array([1.0, 2.0])).data.tolist()
    [2.0, 4.0]
    """
    return map.eager(function, elements)


@keras_op
def stop_gradient(variable):
    """The same values, cut from the graph: no gradient flows back through the result.

    Args:
        variable: a tensor, Variable, array or number.

    Returns:
        a new Tensor with the same data and no link to the graph.

    Example:

    >>> import glassnet as keras
    >>> x = keras.Tensor([2.0], requires_grad=True)
    >>> (x * keras.ops.stop_gradient(x)).sum().backward()
    >>> x.grad.tolist()
    [2.0]
    """
    tensor = as_tensor(variable, where="stop_gradient")
    return Tensor(tensor.data)


def _as_array(grad, where):
    if isinstance(grad, Tensor):
        return grad.data
    return xp.asarray(grad)


def custom_gradient(f):
    """Decorator: ``f(*args)`` returns ``(output, grad_fn)``; backward uses ``grad_fn``.

    ``f`` runs without recording (its inner ops are not on the tape); the output is one node
    whose parents are the tensor arguments, and whose backward calls ``grad_fn(upstream)`` with
    dL/d(output) as a Tensor. ``grad_fn`` returns one gradient per positional argument (a
    single value when there is one argument; None for an argument that gets none). Keras's
    portable form ``def grad(*args, upstream=None)`` works too. When ``output`` is a tuple or
    list, ``upstream`` is a tuple with one gradient per output (zeros for outputs the loss does
    not use).

    Args:
        f: the function.

    Returns:
        the wrapped function.

    Example:

    >>> import glassnet as keras
    >>> from glassnet import ops
    >>> @ops.custom_gradient
    ... def clipped_identity(x):
    ...     def grad(upstream):
    ...         return ops.clip(upstream, -1.0, 1.0)
    ...     return x * 1.0, grad
    >>> x = keras.Tensor([3.0], requires_grad=True)
    >>> (clipped_identity(x) * 5.0).sum().backward()
    >>> x.grad.tolist()
    [1.0]
    """

    def wrapped(*args, **kwargs):
        with no_grad():
            output, grad_fn = f(*args, **kwargs)
        parents = tuple(a for a in args if isinstance(a, Tensor))
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        outputs = list(output) if isinstance(output, (tuple, list)) else [output]
        outputs = [as_tensor(o, where="custom_gradient") for o in outputs]

        def backward_for(index):
            def backward(grad_output):  # dL/dargs = grad_fn(upstream), upstream = dL/doutput
                if len(outputs) == 1:
                    upstream = Tensor(grad_output)
                else:
                    upstream = tuple(
                        Tensor(grad_output if j == index else xp.zeros_like(o.data))
                        for j, o in enumerate(outputs)
                    )
                with no_grad():
                    grads = grad_fn(upstream)
                if not isinstance(grads, (tuple, list)):
                    grads = (grads,)
                if len(grads) != len(args):
                    raise ValueError(
                        f"custom_gradient: the gradient function of {f.__name__} returned "
                        f"{len(grads)} gradients for {len(args)} arguments"
                    )
                return tuple(
                    None if grads[i] is None else _as_array(grads[i], "custom_gradient")
                    for i in positions
                )

            return backward

        results = [from_op(o.data, parents, backward_for(j)) for j, o in enumerate(outputs)]
        if isinstance(output, (tuple, list)):
            return type(output)(results)
        return results[0]

    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = getattr(f, "__doc__", None)
    wrapped.__wrapped__ = f
    return wrapped
