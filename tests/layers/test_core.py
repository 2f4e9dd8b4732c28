import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from tests.layers.helpers import layer_gradcheck

rng = np.random.default_rng(0)


def test_dense_matches_numpy():
    dense = layers.Dense(3, activation="tanh")
    x = rng.standard_normal((4, 5)).astype(np.float32)
    out = dense(x)
    np.testing.assert_allclose(
        out.data, np.tanh(x @ dense.kernel.data + dense.bias.data), rtol=1e-6
    )
    assert out.dtype == np.float32


def test_dense_on_3d_input_applies_to_last_axis():
    assert layers.Dense(3)(np.ones((2, 7, 5), dtype=np.float32)).shape == (2, 7, 3)


def test_dense_gradients(float64):
    dense = layers.Dense(3, activation="sigmoid")
    x = rng.standard_normal((4, 5))
    dense(x)
    result = layer_gradcheck(dense, x, ["kernel", "bias"])
    assert result, result


def test_dense_wrong_feature_count_names_layer_and_suggests_flatten():
    dense = layers.Dense(3, name="dense_2")
    dense(np.ones((2, 784), dtype=np.float32))
    with pytest.raises(
        ValueError,
        match=r"Dense 'dense_2' expected input with last dimension 784, got \(32, 28, 28\); add a Flatten\(\) layer",
    ):
        dense(np.ones((32, 28, 28), dtype=np.float32))
    with pytest.raises(ValueError, match=r"expected input with last dimension 784, got \(2, 10\)$"):
        dense(np.ones((2, 10), dtype=np.float32))


def test_kernel_constraints_are_applied_after_updates():
    model = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(
                2, kernel_constraint=keras.constraints.NonNeg(), kernel_initializer="ones"
            ),
        ]
    )
    model.compile(keras.optimizers.SGD(10.0), "mse")
    model.train_on_batch(
        np.ones((4, 3), dtype=np.float32), np.full((4, 2), -100.0, dtype=np.float32)
    )
    assert (model.layers[0].kernel.data >= 0).all()
    w = keras.constraints.MaxNorm(2.0)(np.full((3, 2), 5.0, dtype=np.float32))
    np.testing.assert_allclose(np.linalg.norm(w, axis=0), 2.0, rtol=1e-5)


def test_dropout_only_in_training():
    drop = layers.Dropout(0.5)
    x = np.ones((100, 100), dtype=np.float32)
    np.testing.assert_array_equal(drop(x).data, x)  # inference: identity
    trained = drop(x, training=True).data
    assert 0.45 < (trained == 0).mean() < 0.55
    np.testing.assert_allclose(trained[trained != 0], 2.0)


def test_flatten_reshape_permute_repeat():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(layers.Flatten()(x).data, x.reshape(2, 12))
    np.testing.assert_array_equal(layers.Reshape((4, 3))(x).data, x.reshape(2, 4, 3))
    np.testing.assert_array_equal(layers.Reshape((-1,))(x).data, x.reshape(2, 12))
    np.testing.assert_array_equal(layers.Permute((2, 1))(x).data, x.transpose(0, 2, 1))
    np.testing.assert_array_equal(
        layers.RepeatVector(3)(x[:, 0]).data, np.repeat(x[:, None, 0], 3, axis=1)
    )
    with pytest.raises(
        ValueError, match=r"Reshape 'reshape_2': cannot reshape inputs of shape \(2, 3, 4\)"
    ):
        layers.Reshape((5,))(x)


def test_activation_layers():
    x = np.array([[-2.0, -0.5, 0.5, 8.0]], dtype=np.float32)
    np.testing.assert_allclose(layers.ReLU()(x).data, [[0, 0, 0.5, 8]])
    np.testing.assert_allclose(layers.ReLU(max_value=6.0)(x).data, [[0, 0, 0.5, 6]])
    np.testing.assert_allclose(layers.LeakyReLU()(x).data, [[-0.6, -0.15, 0.5, 8]], rtol=1e-6)
    np.testing.assert_allclose(
        layers.ELU()(x).data, [[np.expm1(-2), np.expm1(-0.5), 0.5, 8]], rtol=1e-6
    )
    np.testing.assert_allclose(layers.Softmax()(x).data.sum(), 1.0, rtol=1e-6)
    prelu = layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25))
    np.testing.assert_allclose(prelu(x).data, [[-0.5, -0.125, 0.5, 8]])
    assert prelu.count_params() == 4
    with pytest.raises(ValueError, match="Unknown activation 'rleu'. Did you mean 'relu'"):
        layers.Activation("rleu")


def test_prelu_gradients(float64):
    prelu = layers.PReLU(alpha_initializer=keras.initializers.Constant(0.1))
    x = np.array([[-1.5, 0.7, -0.3], [2.0, -2.0, 0.4]])
    prelu(x)
    assert layer_gradcheck(prelu, x, ["alpha"])


def test_embedding_lookup_gradient_and_mask():
    embed = layers.Embedding(10, 3, mask_zero=True)
    ids = np.array([[1, 2, 0], [4, 4, 0]])
    out = embed(ids)
    np.testing.assert_array_equal(out.data, embed.embeddings.data[ids])
    np.testing.assert_array_equal(embed.compute_mask(ids), ids != 0)
    out.sum().backward()
    counts = np.bincount(ids.ravel(), minlength=10)[:, None] * np.ones(3)
    np.testing.assert_array_equal(embed.embeddings.grad, counts)
    with pytest.raises(ValueError, match=r"Embedding 'embedding': ids must lie in \[0, 10\)"):
        embed(np.array([[10]]))


def test_merge_layers():
    a, b = np.full((2, 3), 2.0, dtype=np.float32), np.full((2, 3), 5.0, dtype=np.float32)
    assert layers.Add()([a, b]).data[0, 0] == 7
    assert layers.Subtract()([a, b]).data[0, 0] == -3
    assert layers.Multiply()([a, b]).data[0, 0] == 10
    assert layers.Average()([a, b]).data[0, 0] == 3.5
    assert layers.Maximum()([a, b]).data[0, 0] == 5
    assert layers.Concatenate()([a, b]).shape == (2, 6)
    with pytest.raises(ValueError, match="Add 'add_1': expected a list of at least 2 inputs"):
        layers.Add()(a)
