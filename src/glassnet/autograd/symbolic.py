"""SymbolicTensor: a placeholder with a shape (None for unknown sizes) that records how it was made.

The functional API (``x = Input((784,)); y = Dense(10)(x)``) works on these: calling a layer or
a ``glassnet.ops`` function on one records a Node instead of computing, and ``Model(inputs,
outputs)`` replays the recorded nodes on real data.
"""


class SymbolicTensor:
    __slots__ = ("shape", "dtype", "node", "index", "name")
    __array_priority__ = 2000

    def __init__(self, shape, dtype="float32", node=None, index=0, name=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node  # the Node that produces it (its layer and inputs)
        self.index = index  # which output of that node
        self.name = name

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def _op(self, name, *args, **kwargs):
        import glassnet.ops as ops

        return getattr(ops, name)(*args, **kwargs)

    def __add__(self, other):
        return self._op("add", self, other)

    def __radd__(self, other):
        return self._op("add", other, self)

    def __sub__(self, other):
        return self._op("subtract", self, other)

    def __rsub__(self, other):
        return self._op("subtract", other, self)

    def __mul__(self, other):
        return self._op("multiply", self, other)

    def __rmul__(self, other):
        return self._op("multiply", other, self)

    def __truediv__(self, other):
        return self._op("divide", self, other)

    def __rtruediv__(self, other):
        return self._op("divide", other, self)

    def __matmul__(self, other):
        return self._op("matmul", self, other)

    def __rmatmul__(self, other):
        return self._op("matmul", other, self)

    def __pow__(self, other):
        return self._op("power", self, other)

    def __neg__(self):
        return self._op("negative", self)

    def __abs__(self):
        return self._op("abs", self)

    def __getitem__(self, index):
        return self._op("getitem", self, index)


def contains_symbolic(structure):
    """True if a SymbolicTensor appears anywhere in nested lists, tuples and dicts."""
    if isinstance(structure, SymbolicTensor):
        return True
    if isinstance(structure, (list, tuple)):
        return any(contains_symbolic(s) for s in structure)
    if isinstance(structure, dict):
        return any(contains_symbolic(s) for s in structure.values())
    return False
