import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, ops


def test_automatic_unique_names():
    a, b, c = layers.Dense(2), layers.Dense(2), layers.BatchNormalization()
    assert (a.name, b.name, c.name) == ("dense", "dense_1", "batch_normalization")
    assert layers.Dense(2, name="head").name == "head"


def test_lazy_build_from_first_input():
    dense = layers.Dense(3)
    assert not dense.built and dense.weights == []
    dense(np.ones((5, 4), dtype=np.float32))
    assert dense.built
    assert [w.shape for w in dense.weights] == [(4, 3), (3,)]
    assert [w.path for w in dense.weights] == ["dense/kernel", "dense/bias"]


def test_count_params_before_build_is_a_clear_error():
    with pytest.raises(ValueError, match="Dense 'dense' has not been built yet"):
        layers.Dense(3).count_params()


def test_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        layers.Dense(3, unit=4)


class Block(keras.layers.Layer):
    """A custom layer as Keras users write it.

    Sublayers in attributes, a list and a dict, plus add_weight.
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.first = layers.Dense(units, activation="relu")
        self.stack = [layers.Dense(units), layers.Dense(units)]
        self.named = {"norm": layers.LayerNormalization()}

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(1,), initializer="ones", name="scale")

    def call(self, inputs, training=None):
        x = self.first(inputs)
        for layer in self.stack:
            x = layer(x)
        return ops.multiply(self.named["norm"](x), self.scale)


def test_sublayers_in_attributes_lists_and_dicts_are_tracked():
    block = Block(4)
    block(np.ones((2, 3), dtype=np.float32))
    paths = [w.path for w in block.weights]
    assert paths[0] == f"{block.name}/scale"
    assert (
        len(block.weights) == 1 + 2 + 2 + 2 + 2
    )  # scale, 3 Dense (kernel, bias), LayerNorm (gamma, beta)
    assert block.count_params() == 1 + (3 * 4 + 4) + 2 * (4 * 4 + 4) + 8


def test_trainable_flag_freezes_weights():
    block = Block(4)
    block(np.ones((2, 3), dtype=np.float32))
    block.trainable = False
    assert block.trainable_weights == [] and len(block.non_trainable_weights) == 9
    assert not any(w.requires_grad for w in block.weights)
    block.trainable = True
    assert len(block.trainable_weights) == 9


def _walked_separately(layer):
    """The three lists as separate recursive walks (the definitions _variable_lists merges)."""

    def weights(layer):
        nested = [v for sub in layer._sublayers for v in weights(sub)]
        return _unique_by_id(layer._own_variables() + nested)

    def trainable(layer):
        if not layer.trainable:
            return []
        own = [v for v in layer._own_variables() if v.trainable]
        return _unique_by_id(own + [v for sub in layer._sublayers for v in trainable(sub)])

    def inside(layer):
        return [each for sub in layer._sublayers for each in [sub, *inside(sub)]]

    return weights(layer), trainable(layer), inside(layer)


def _unique_by_id(items):
    return list({id(item): item for item in items}.values())


def test_one_walk_gives_the_weights_trainable_weights_and_layers_of_separate_walks():
    shared = layers.Dense(4, name="shared")
    outer = Block(4)
    outer.extra = [shared, {"again": shared}]  # one layer reached twice: its weights once
    outer.frozen = Block(4)
    outer.flag, outer.label, outer.count = True, "text", 3  # plain attributes are skipped
    outer(np.ones((2, 3), dtype=np.float32))
    shared(np.ones((2, 4), dtype=np.float32))
    outer.frozen(np.ones((2, 3), dtype=np.float32))
    outer.frozen.trainable = False
    outer.stack[1].kernel.trainable = False  # one frozen variable in a trainable layer
    weights, trainable, inside = outer._variable_lists()
    expected_weights, expected_trainable, expected_inside = _walked_separately(outer)
    assert [id(v) for v in weights] == [id(v) for v in expected_weights]
    assert [id(v) for v in trainable] == [id(v) for v in expected_trainable]
    assert [id(layer) for layer in inside] == [id(layer) for layer in expected_inside]
    assert len(weights) == 9 + 2 + 9 and len(trainable) == 9 - 1 + 2
    assert [id(v) for v in outer.weights] == [id(v) for v in weights]
    assert [id(v) for v in outer.trainable_weights] == [id(v) for v in trainable]


def test_training_flag_reaches_nested_layers():
    seen = []

    class Probe(keras.layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    class Outer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = Probe()

        def call(self, inputs):
            return self.inner(inputs)

    outer = Outer()
    outer(np.ones((1, 1)), training=True)
    outer(np.ones((1, 1)))
    assert seen == [True, False]


def test_get_config_round_trip():
    dense = layers.Dense(
        5,
        activation="relu",
        use_bias=False,
        kernel_regularizer=keras.regularizers.L2(0.01),
        name="d",
    )
    clone = layers.Dense.from_config(dense.get_config())
    assert (clone.units, clone.use_bias, clone.name) == (5, False, "d")
    assert clone.activation is keras.activations.relu
    assert clone.kernel_regularizer.l2 == pytest.approx(0.01)


@pytest.mark.parametrize(
    "make",
    [
        lambda **kw: layers.Conv2D(3, 2, **kw),
        lambda **kw: layers.LSTM(3, **kw),
        lambda **kw: layers.GRU(3, **kw),
        lambda **kw: layers.EinsumDense("ab,bc->ac", 3, **kw),
        lambda **kw: layers.MultiHeadAttention(2, 4, **kw),
    ],
    ids=["Conv2D", "LSTM", "GRU", "EinsumDense", "MultiHeadAttention"],
)
def test_weight_options_survive_get_config(make):
    """Initializers and regularizers (and constraints, where the layer takes them) must come back
    from the config."""
    options = {
        "kernel_initializer": "he_normal",
        "kernel_regularizer": keras.regularizers.L2(0.03),
        "bias_regularizer": keras.regularizers.L1(0.02),
    }
    original = make(**options)
    config = original.get_config()
    clone = type(original).from_config(config)
    assert config["kernel_initializer"]["class_name"] == "HeNormal"
    assert keras.initializers.get(clone.kernel_initializer).get_config() == {"seed": None}
    assert type(keras.initializers.get(clone.kernel_initializer)).__name__ == "HeNormal"
    assert keras.regularizers.get(clone.kernel_regularizer).l2 == pytest.approx(0.03)
    assert keras.regularizers.get(clone.bias_regularizer).l1 == pytest.approx(0.02)


def test_recurrent_weight_options_survive_get_config():
    lstm = layers.LSTM(
        3,
        recurrent_activation="hard_sigmoid",
        recurrent_regularizer=keras.regularizers.L2(0.5),
        recurrent_constraint=keras.constraints.MaxNorm(1.5),
        bias_constraint=keras.constraints.NonNeg(),
    )
    clone = layers.LSTM.from_config(lstm.get_config())
    assert clone.recurrent_activation == "hard_sigmoid"
    assert clone.recurrent_regularizer.l2 == pytest.approx(0.5)
    assert clone.recurrent_constraint.max_value == 1.5
    assert isinstance(clone.bias_constraint, keras.constraints.NonNeg)
    assert clone.kernel_constraint is None


def test_activity_regularizer_adds_a_loss():
    dense = layers.Dense(
        2, kernel_initializer="ones", activity_regularizer=keras.regularizers.L1(0.1)
    )
    dense(np.ones((4, 3), dtype=np.float32))
    # outputs are all 3.0: L1 = 0.1 * sum(|3|) over 4x2 entries, divided by the batch size 4
    assert len(dense.losses) == 1
    np.testing.assert_allclose(dense.losses[0].data, 0.1 * 3 * 8 / 4, rtol=1e-6)
