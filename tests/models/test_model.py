"""Model as a subclass: build(input_shape) creates the weights by running call once."""

import numpy as np
import pytest

import glassnet as keras


class TwoLayers(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(4, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_build_creates_the_weights_of_every_layer_call_uses():
    model = TwoLayers()
    model.build((None, 3))
    assert model.built
    assert [w.shape for w in model.weights] == [(3, 4), (4,), (4, 1), (1,)]
    assert model(np.ones((2, 3), "float32")).shape == (2, 1)


def test_build_needs_a_call_method():
    class NoCall(keras.Model):
        pass

    with pytest.raises(ValueError, match="has no call\\(\\) method to build from"):
        NoCall().build((None, 3))
