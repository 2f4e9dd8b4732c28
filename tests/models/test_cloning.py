"""clone_model: new layers with fresh weights and the same graph; clone_function, call_function,
input_tensors and recursive as Keras defines them; subclassed models through their config."""

import numpy as np
import pytest

import glassnet as keras
from glassnet.models import clone_model

X = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


def shared_model():
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    shared = keras.layers.Dense(3, activation="relu", name="shared")
    merged = keras.layers.Concatenate(name="merge")([shared(a), shared(b)])
    scaled = keras.ops.multiply(merged, 2.0)  # a raw ops call in the graph
    return keras.Model([a, b], keras.layers.Dense(1, name="head")(scaled), name="siamese")


def test_sequential_clone_has_new_layers_and_fresh_weights():
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1)],
        name="seq",
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    clone = clone_model(model)
    assert isinstance(clone, keras.Sequential) and clone.name == "seq"
    assert [layer.get_config() for layer in clone.layers] == [
        layer.get_config() for layer in model.layers
    ]
    assert all(new is not old for new, old in zip(clone.layers, model.layers))
    assert not np.allclose(clone.layers[0].kernel.data, model.layers[0].kernel.data)
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(X, verbose=0), model.predict(X, verbose=0))
    # compiled like the original, with its own optimizer
    assert clone.compiled and clone.optimizer is not model.optimizer
    assert type(clone.optimizer).__name__ == "Adam" and clone.optimizer.learning_rate == 0.01
    assert clone.evaluate(X, np.zeros((5, 1)), verbose=0) == pytest.approx(
        model.evaluate(X, np.zeros((5, 1)), verbose=0), rel=1e-6
    )


def test_functional_clone_keeps_the_shared_layer_shared():
    model = shared_model()
    clone = clone_model(model)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert len([layer for layer in clone.layers if layer.name == "shared"]) == 1
    assert len(clone.weights) == len(model.weights)
    assert clone.layers[2] is not model.layers[2]
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(
        clone.predict([X, X[::-1]], verbose=0), model.predict([X, X[::-1]], verbose=0), rtol=1e-6
    )


def test_clone_function_returning_the_layer_shares_the_weights():
    model = shared_model()
    clone = clone_model(model, clone_function=lambda layer: layer)
    assert clone.layers[2] is model.layers[2]
    np.testing.assert_array_equal(
        clone.predict([X, X], verbose=0), model.predict([X, X], verbose=0)
    )


def test_clone_function_can_change_layers():
    model = shared_model()

    def to_tanh(layer):
        config = layer.get_config()
        if config.get("activation") == "relu":
            config["activation"] = "tanh"
        return layer.__class__.from_config(config)

    clone = clone_model(model, clone_function=to_tanh)
    assert clone.get_layer("shared").get_config()["activation"] == "tanh"
    assert model.get_layer("shared").get_config()["activation"] == "relu"
    clone.set_weights(model.get_weights())
    kernel, bias = model.get_layer("shared").get_weights()
    np.testing.assert_allclose(
        clone.get_layer("shared")(X).data, np.tanh(X @ kernel + bias), rtol=1e-6
    )


def test_call_function_inserts_layers_around_calls():
    model = shared_model()
    seen = []

    def add_noise_after_dense(layer, *args, **kwargs):
        seen.append(layer.name)
        out = layer(*args, **kwargs)
        if isinstance(layer, keras.layers.Dense):
            out = keras.layers.Dropout(0.5, name=f"drop_{len(seen)}")(out)
        return out

    clone = clone_model(model, call_function=add_noise_after_dense)
    calls = [n.operation.name for n in model.nodes if n.inputs]  # every call but the Inputs'
    assert seen == calls and calls[:3] == ["shared", "shared", "merge"] and calls[-1] == "head"
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in clone.layers) == 3
    clone.set_weights(model.get_weights())  # dropout is off outside training
    np.testing.assert_allclose(
        clone.predict([X, X], verbose=0), model.predict([X, X], verbose=0), rtol=1e-6
    )


def test_input_tensors_build_the_clone_on_given_inputs():
    model = shared_model()
    left, right = keras.Input((4,), name="left"), keras.Input((4,), name="right")
    clone = clone_model(model, input_tensors=[left, right])
    assert clone.inputs[0] is left and clone.inputs[1] is right
    with pytest.raises(ValueError, match="structure of model.input"):
        clone_model(model, input_tensors=[left])
    with pytest.raises(ValueError, match="symbolic tensor"):
        clone_model(model, input_tensors=[left, np.ones((1, 4))])
    sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    clone = clone_model(sequential, input_tensors=keras.Input((4,), batch_size=5))
    assert clone.input_shape == (5, 4)
    with pytest.raises(ValueError, match="one input tensor"):
        clone_model(sequential, input_tensors=[left, right])


def test_recursive_clones_nested_models_layer_by_layer():
    inner = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="inner_dense")])
    x = keras.Input((4,), name="x")
    outer = keras.Model(x, keras.layers.Dense(1, name="outer_dense")(inner(x)))
    cloned = []

    def counting_clone(layer):
        cloned.append(layer.name)
        return layer.__class__.from_config(layer.get_config())

    clone_model(outer, clone_function=counting_clone)
    assert cloned == [inner.name, "outer_dense"]  # the nested model handed over whole
    cloned.clear()
    clone = clone_model(outer, clone_function=counting_clone, recursive=True)
    assert cloned == ["inner_dense", "outer_dense"]
    nested = clone.layers[1]
    assert isinstance(nested, keras.Sequential) and nested is not inner
    assert nested.layers[0] is not inner.layers[0]


def test_subclassed_model_clones_through_its_config():
    class Scaler(keras.Model):
        def __init__(self, units=2, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.dense = keras.layers.Dense(units)

        def call(self, inputs):
            return self.dense(inputs) * 3.0

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    model = Scaler(units=5, name="scaler")
    model(X)
    clone = clone_model(model)
    assert type(clone) is Scaler and clone.units == 5 and clone is not model
    clone(X)
    assert clone.dense.kernel.shape == (4, 5)
    with pytest.raises(ValueError, match="subclassed Scaler"):
        clone_model(model, clone_function=lambda layer: layer)
    with pytest.raises(ValueError, match="call_function needs a functional model"):
        clone_model(model, call_function=lambda layer, *a: layer(*a))
    with pytest.raises(ValueError, match="unexpected keyword"):
        clone_model(model, colour="red")


def test_sequential_refuses_call_function():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="Sequential"):
        clone_model(model, call_function=lambda layer, *args: layer(*args))


def dict_input_model():
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    joined = keras.layers.Concatenate()(
        [keras.layers.Dense(2, name="from_a")(a), keras.layers.Dense(2, name="from_b")(b)]
    )
    return keras.Model({"a": a, "b": b}, keras.layers.Dense(1, name="head")(joined))


def dict_inputs():
    rng = np.random.default_rng(0)
    return {"a": rng.standard_normal((3, 2)), "b": rng.standard_normal((3, 3))}


def test_input_tensors_as_a_dict_build_the_clone_on_them():
    model = dict_input_model()
    a, b = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    clone = clone_model(model, input_tensors={"a": a, "b": b})
    assert clone.inputs[0] is a and clone.inputs[1] is b
    clone.set_weights(model.get_weights())
    x = dict_inputs()
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="structure of model.input"):
        clone_model(model, input_tensors={"a": a, "c": b})


def test_input_tensors_as_a_dict_are_matched_by_key_in_any_order():
    model = dict_input_model()
    b, a = keras.Input((3,), name="b"), keras.Input((2,), name="a")
    clone = clone_model(model, input_tensors={"b": b, "a": a})
    clone.set_weights(model.get_weights())
    x = dict_inputs()
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0))
