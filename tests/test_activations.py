"""keras.activations: every Keras name, Keras's defaults (exact gelu, relu's options), get /
serialize / deserialize, and the names kept through layer configs."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import activations

KERAS_NAMES = [
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
    "threshold",
]  # fmt: skip
X = np.linspace(-3, 3, 13).reshape(1, 13)


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_name_is_reachable_and_round_trips(name):
    fn = activations.get(name)
    assert fn is getattr(activations, name)
    canonical = {"swish": "silu", "hard_swish": "hard_silu"}.get(name, name)
    assert activations.serialize(fn) == canonical
    assert activations.deserialize(canonical) is fn
    if name == "threshold":
        out = fn(X, 0.0, -1.0)
    elif name == "glu":
        out = fn(X[:, :12])
    else:
        out = fn(X)
    assert out.dtype == np.float64 and np.all(np.isfinite(out.data))


def test_keras_defaults():
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])
    assert activations.relu(x).data.tolist() == [0.0, 0.0, 0.0, 5.0, 10.0]
    assert activations.relu(x, negative_slope=0.5).data.tolist() == [-5.0, -2.5, 0.0, 5.0, 10.0]
    assert activations.relu(x, max_value=5.0).data.tolist() == [0.0, 0.0, 0.0, 5.0, 5.0]
    assert activations.relu(x, threshold=5.0).data.tolist() == [0.0, 0.0, 0.0, 0.0, 10.0]
    mixed = activations.relu(x, negative_slope=0.1, max_value=8.0, threshold=1.0).data
    np.testing.assert_allclose(mixed, [-1.1, -0.6, -0.1, 5.0, 8.0])
    assert round(float(activations.gelu(1.0).data), 4) == 0.8413  # exact, not tanh
    assert activations.leaky_relu(np.array([-1.0])).data.tolist() == [-0.2]
    np.testing.assert_allclose(activations.squareplus(np.array([0.0])).data, [1.0])
    np.testing.assert_allclose(activations.mish(np.array([1.0])).data, [0.8650983882673103])


def test_relu_options_are_differentiable():
    assert keras.gradcheck(
        lambda t: activations.relu(t, negative_slope=0.1, max_value=2.0, threshold=0.5),
        np.array([-1.3, 0.2, 0.9, 1.7, 3.1]),
    )


def test_get_accepts_none_callables_and_configs():
    assert activations.get(None) is activations.linear
    custom = lambda x: x  # noqa: E731
    assert activations.get(custom) is custom
    config = {"module": "keras.activations", "class_name": "function", "config": "celu",
              "registered_name": None}  # fmt: skip
    assert activations.get(config) is activations.celu
    with pytest.raises(ValueError, match="Unknown activation 'rleu'.*Did you mean 'relu'"):
        activations.get("rleu")
    with pytest.raises(ValueError, match="cannot interpret"):
        activations.get(3)


def test_deserialize_consults_custom_objects_and_serialize_refuses_code():
    def scaled(x):
        return x * 2.0

    assert activations.deserialize("scaled", custom_objects={"scaled": scaled}) is scaled
    with pytest.raises(ValueError, match="Cannot serialize the custom activation"):
        activations.serialize(lambda x: x)


@pytest.mark.parametrize("name", ["mish", "celu", "log_sigmoid", "sparse_plus", "hard_tanh"])
def test_new_activations_survive_a_dense_config_and_train(name):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation=name),
                              keras.layers.Dense(1)])  # fmt: skip
    assert model.layers[0].get_config()["activation"] == name
    clone = keras.Sequential.from_config(model.get_config())
    assert clone.layers[0].activation is getattr(activations, name)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")
    before = model.evaluate(x, x[:, :1], verbose=0)
    model.fit(x, x[:, :1], epochs=5, verbose=0)
    assert model.evaluate(x, x[:, :1], verbose=0) < before


def test_activations_record_on_symbolic_inputs():
    inputs = keras.Input((5,))
    outputs = activations.relu(inputs, max_value=1.0)
    model = keras.Model(inputs, activations.mish(outputs))
    x = np.linspace(-2, 2, 10).reshape(2, 5).astype("float32")
    expected = activations.mish(activations.relu(x, max_value=1.0)).data
    np.testing.assert_allclose(model(x).data, expected, rtol=1e-6)


def test_new_activations_survive_saving(tmp_path):
    names = ["mish", "celu", "log_sigmoid", "squareplus", "tanh_shrink", "sparse_sigmoid"]
    model = keras.Sequential(
        [keras.Input((4,))] + [keras.layers.Dense(4, activation=n) for n in names]
    )
    x = np.random.default_rng(1).standard_normal((3, 4)).astype("float32")
    for suffix in ("glassnet", "keras"):
        path = str(tmp_path / f"model.{suffix}")
        model.save(path)
        loaded = keras.models.load_model(path)
        np.testing.assert_array_equal(loaded(x).data, model(x).data)
        assert [layer.get_config()["activation"] for layer in loaded.layers] == names
