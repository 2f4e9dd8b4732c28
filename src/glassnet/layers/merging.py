"""Layers that combine several inputs: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate."""

from functools import reduce

from glassnet import ops
from glassnet.layers.layer import Layer


class _Merge(Layer):
    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expected a list of at least 2 inputs, got {type(inputs).__name__}"
            )
        return list(inputs)


class Add(_Merge):
    def call(self, inputs):
        return reduce(ops.add, self._check(inputs))


class Subtract(_Merge):
    def call(self, inputs):
        inputs = self._check(inputs)
        if len(inputs) != 2:
            raise ValueError(
                f"Subtract '{self.name}': expected exactly 2 inputs, got {len(inputs)}"
            )
        return ops.subtract(inputs[0], inputs[1])


class Multiply(_Merge):
    def call(self, inputs):
        return reduce(ops.multiply, self._check(inputs))


class Average(_Merge):
    def call(self, inputs):
        inputs = self._check(inputs)
        return ops.multiply(reduce(ops.add, inputs), 1.0 / len(inputs))


class Maximum(_Merge):
    def call(self, inputs):
        return reduce(ops.maximum, self._check(inputs))


class Minimum(_Merge):
    def call(self, inputs):
        return reduce(ops.minimum, self._check(inputs))


class Concatenate(_Merge):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        return ops.concatenate(self._check(inputs), axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)
