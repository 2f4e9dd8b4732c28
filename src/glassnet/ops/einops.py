"""``rearrange``: einops-style axis patterns ("b h w c -> b (h w) c") as reshape + transpose +
reshape, so the gradient comes from those ops.

Example:

>>> import numpy as np
>>> from glassnet import ops
>>> ops.rearrange(np.zeros((2, 3, 4)), "b h w -> b (h w)").shape
(2, 12)
"""

import math
import re

from glassnet.autograd.tensor import as_tensor
from glassnet.ops.manipulation import reshape, transpose
from glassnet.ops.operation import keras_op

_TERM = re.compile(r"\([^)]*\)|[A-Za-z_]\w*|\S")


def _parse_side(side, where):
    """'b (h w) c' -> [['b'], ['h', 'w'], ['c']]: each input/output axis as its named parts."""
    groups = []
    for term in _TERM.findall(side):
        if term.startswith("("):
            names = term[1:-1].split()
            if not all(re.fullmatch(r"[A-Za-z_]\w*", n) for n in names):
                raise ValueError(f"{where}: cannot read the group {term!r}")
            groups.append(names)
        elif re.fullmatch(r"[A-Za-z_]\w*", term):
            groups.append([term])
        else:
            raise ValueError(
                f"{where}: unexpected {term!r}; patterns hold axis names and (groups) only"
            )
    return groups


@keras_op
def rearrange(tensor, pattern, **axes_lengths):
    """Reorder, merge and split axes by an einops pattern.

    Args:
        tensor: the input.
        pattern: "input axes -> output axes"; names in parentheses form one axis whose size is
            the product of theirs (a split on the left, a merge on the right).
        **axes_lengths: sizes of split axes that cannot be inferred (at most one unknown name
            per group on the left).

    Returns:
        the rearranged tensor (its gradient flows back through reshape and transpose).

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> x = np.arange(8).reshape(1, 4, 2)
    >>> ops.rearrange(x, "b (h h1) c -> b h (h1 c)", h1=2).data.tolist()
    [[[0, 1, 2, 3], [4, 5, 6, 7]]]
    """
    x = as_tensor(tensor, where="rearrange")
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange: the pattern needs one '->', got {pattern!r}")
    left, right = (_parse_side(side, "rearrange") for side in pattern.split("->"))
    if len(left) != x.ndim:
        raise ValueError(
            f"rearrange: the pattern's left side names {len(left)} axes, the input has "
            f"{x.ndim} (shape {x.shape})"
        )
    sizes = {name: int(n) for name, n in axes_lengths.items()}
    for group, size in zip(left, x.shape):
        unknown = [name for name in group if name not in sizes]
        if len(group) == 1 and unknown:
            sizes[group[0]] = size
            continue
        if len(unknown) > 1:
            raise ValueError(f"rearrange: give the sizes of all but one of {group} (axes_lengths)")
        known = math.prod(sizes[name] for name in group if name not in unknown)
        if unknown:
            sizes[unknown[0]] = size // known
        if math.prod(sizes[name] for name in group) != size:
            raise ValueError(
                f"rearrange: axis ({' '.join(group)}) has size {size}, which is not "
                f"{' * '.join(str(sizes[n]) for n in group)}"
            )
    names_in = [name for group in left for name in group]
    names_out = [name for group in right for name in group]
    if sorted(names_in) != sorted(names_out) or len(set(names_in)) != len(names_in):
        raise ValueError(
            f"rearrange: both sides must name the same axes once each, got {names_in} and "
            f"{names_out}"
        )
    split = reshape(x, tuple(sizes[name] for name in names_in))
    moved = transpose(split, tuple(names_in.index(name) for name in names_out))
    return reshape(moved, tuple(math.prod(sizes[name] for name in group) for group in right))
