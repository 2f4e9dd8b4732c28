"""Reverse-mode differentiation: walk the recorded graph backwards and push gradients to the
inputs.

Every op output remembers its ``_parents`` and a ``_backward(grad_output)`` closure that
returns one gradient per parent (or None). ``backward`` visits each node once, after all of its
consumers, so gradients from several uses of a tensor are summed before they flow further. It
finds that order without sorting the graph first: every tensor carries its creation number
(``_order``), and an op's output is always created after its inputs, so taking the reached
tensors latest-created first (a heap) is a topological order (``topological_order`` computes the
same kind of order by a depth-first walk, for showing a graph).

Example:

>>> from glassnet import Tensor
>>> x = Tensor([3.0], requires_grad=True)
>>> backward(x * x + x)  # d/dx (x^2 + x) = 2x + 1
>>> x.grad.tolist()
[7.0]
"""

import heapq
import itertools

from glassnet.backend import xp

# Tensor creation numbers: a tensor's number is larger than those of the tensors it was made
# from, which is all ``backward`` needs to order the graph.
creation_order = itertools.count()


def _freed_graph(_grad_output):
    raise RuntimeError(
        "backward: this part of the graph was already used by an earlier backward() and its "
        "buffers were freed; call backward(retain_graph=True) the first time to go through it "
        "twice"
    )


def _run_hooks(hooks, grad):
    """Give each hook registered on a tensor its complete gradient; a hook may replace it."""
    for hook in list(hooks):
        replaced = hook(grad)
        if replaced is not None:
            grad = xp.asarray(replaced, dtype=grad.dtype)
    return grad


def topological_order(root):
    """The tensors ``root`` depends on that require grad, each after every tensor it depends on.

    Walked with an explicit stack, so deep graphs (long recurrences) hit no recursion limit.

    Args:
        root: a Tensor.

    Returns:
        A list of tensors, leaves first and ``root`` last.

    Example:

    >>> from glassnet import Tensor
    >>> x = Tensor([1.0], requires_grad=True, name="x")
    >>> y = x * 2.0
    >>> [node is x for node in topological_order(y)], topological_order(y)[-1] is y
    ([True, False], True)
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        for parent in node._parents:
            if parent.requires_grad and id(parent) not in visited:
                stack.append((parent, False))
    return order


def backward(root, grad_output=None, retain_graph=False):
    """Accumulate d(root)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

    Gradients add up in ``.grad`` over several calls, as in PyTorch; ``zero_grad()`` clears
    them. Hooks registered on a tensor see its complete gradient.

    Args:
        root: the Tensor to differentiate.
        grad_output: dL/d(root), an array of root's shape (the "seed"); may be omitted when
            root holds a single element, in which case it is 1.
        retain_graph: keep the graph so that backward can run through it again.

    Raises:
        RuntimeError: when ``root`` does not require grad, or is not a scalar and no
            ``grad_output`` is given.
        ValueError: for a ``grad_output`` of another shape.

    Example:

    >>> import numpy as np
    >>> from glassnet import Tensor
    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> backward(x * 3.0, grad_output=np.array([1.0, 10.0], dtype="float32"))
    >>> x.grad.tolist()
    [3.0, 30.0]
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require grad; create the inputs with "
            "requires_grad=True (and not under no_grad()) to differentiate"
        )
    if grad_output is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward: gradient can be implied only for a scalar output, got shape "
                f"{root.shape}; pass grad_output of that shape, or reduce the output first "
                "(e.g. .sum())"
            )
        # (np.array is made in C; ones_like spends about 1 us in Python)
        grad_output = xp.array(1, dtype=root.data.dtype)
        if root.data.ndim:  # ((1, 1) from keepdims)
            grad_output = grad_output.reshape(root.data.shape)
    else:
        grad_output = xp.asarray(getattr(grad_output, "data", grad_output), dtype=root.data.dtype)
        if grad_output.shape != root.shape:
            raise ValueError(
                f"backward: grad_output has shape {grad_output.shape}, expected the output's "
                f"shape {root.shape}"
            )

    grads = {}  # id -> the gradient gathered so far, for each tensor in ``waiting``
    handed_out = set()  # arrays already stored in some .grad; copy before storing one twice
    # the tensors that have received a gradient and not passed it on yet, latest-created first:
    # each one's consumers were all created after it, so they have all passed theirs to it
    waiting = []
    pop, push = heapq.heappop, heapq.heappush  # (local names: this loop runs once per node)
    node, grad = root, grad_output
    while True:
        if node._hooks:
            grad = _run_hooks(node._hooks, grad)
        node_backward = node._backward
        if node_backward is None or node._retain_grad:
            # broadcast views are read-only
            if id(grad) in handed_out or not grad.flags.writeable:
                grad = grad.copy()
            handed_out.add(id(grad))
            node.grad = grad if node.grad is None else node.grad + grad
        if node_backward is not None:
            parent_grads = node_backward(grad)
            parents = node._parents
            if not retain_graph:
                node._parents = ()
                node._backward = _freed_graph
            # A chain's next link skips the heap and the dictionary. While nothing else waits, a
            # node's only parent can receive no other gradient, and it runs next (an op on one
            # tensor, or on a tensor and a Python number: most ops).
            if len(parents) == 1 and not waiting:
                parent, parent_grad = parents[0], parent_grads[0]
                if parent_grad is None or not parent.requires_grad:
                    break
                dtype = parent.data.dtype
                if parent_grad.dtype is not dtype and parent_grad.dtype != dtype:
                    parent_grad = parent_grad.astype(dtype)
                node, grad = parent, parent_grad
                continue
            # Of several parents, the first handed a gradient while nothing waits is kept aside
            # (``single``); if it stays the only tensor waiting, it runs next in the same way.
            single = single_grad = None
            for parent, parent_grad in zip(parents, parent_grads):
                if parent_grad is None or not parent.requires_grad:
                    continue
                dtype = parent.data.dtype
                if parent_grad.dtype is not dtype and parent_grad.dtype != dtype:
                    parent_grad = parent_grad.astype(dtype)
                if parent is single:  # (x * x: one parent twice)
                    single_grad = single_grad + parent_grad
                    continue
                if single is None and not waiting:  # (then no gradient is gathered in grads)
                    single, single_grad = parent, parent_grad
                    continue
                key = id(parent)
                if key in grads:
                    grads[key] = grads[key] + parent_grad
                else:
                    grads[key] = parent_grad
                    push(waiting, (-parent._order, parent))
            if single is not None:
                if not waiting:
                    node, grad = single, single_grad
                    continue
                grads[id(single)] = single_grad
                push(waiting, (-single._order, single))
        if not waiting:
            break
        node = pop(waiting)[1]
        grad = grads.pop(id(node))
