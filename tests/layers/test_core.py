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
        match=r"Dense 'dense_2' expected input with last dimension 784, got \(32, 28, 28\); "
        r"add a Flatten\(\) layer",
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


# -- Lambda, Identity, ReversibleEmbedding ---------------------------------------------------------
def test_lambda_passes_arguments_mask_and_training():
    seen = {}

    def scaled(x, factor, mask=None, training=None):
        seen.update(mask=mask, training=training)
        return x * factor

    layer = layers.Lambda(scaled, arguments={"factor": 2.0}, mask=lambda x, m: m)
    mask = np.array([[True, False]])
    out = layer(np.ones((1, 2, 3)), mask=mask, training=True)
    assert out.data.sum() == 12.0 and seen["training"] is True and seen["mask"] is mask
    assert layer.compute_mask(np.ones((1, 2, 3)), mask) is mask


def test_lambda_output_shape_and_gradient(float64):
    layer = layers.Lambda(lambda x: keras.ops.concatenate([x, x * x], axis=-1), output_shape=(4,))
    assert layer.compute_output_shape((None, 2)) == (None, 4)
    assert keras.gradcheck(lambda x: layer(x), rng.standard_normal((2, 2)))
    model = keras.Sequential([keras.Input((2,)), layer, layers.Dense(1)])
    assert model.predict(np.ones((3, 2)), verbose=0).shape == (3, 1)


def squares(x):
    return x * x


def test_lambda_config_holds_a_name_and_loading_it_is_refused_in_safe_mode(monkeypatch):
    from glassnet.backend import config

    layer = layers.Lambda(squares, name="sq")
    cfg = layer.get_config()
    assert cfg["function"] == {
        "module": __name__,
        "class_name": "function",
        "config": "squares",
        "registered_name": "squares",
    }
    with pytest.raises(ValueError, match="refusing to load a Lambda layer in safe mode"):
        layers.Lambda.from_config(cfg)
    restored = layers.Lambda.from_config(cfg, {"squares": squares}, safe_mode=False)
    assert restored(np.array([3.0])).data.tolist() == [9.0]
    with pytest.raises(ValueError, match="pass custom_objects=\\{'squares': squares\\}"):
        layers.Lambda.from_config(cfg, safe_mode=False)
    anonymous = layers.Lambda(lambda x: x).get_config()
    with pytest.raises(ValueError, match="holds a Python lambda"):
        layers.Lambda.from_config(anonymous, safe_mode=False)
    monkeypatch.setattr(config, "_SAFE_MODE", False)  # enable_unsafe_deserialization()
    assert layers.Lambda.from_config(cfg, {"squares": squares}).function is squares


def test_identity_passes_values_and_masks():
    layer = layers.Identity()
    x = np.ones((2, 3))
    mask = np.array([True, False])
    np.testing.assert_array_equal(layer(x).data, x)
    assert layer.compute_mask(x, mask) is mask


def test_reversible_embedding_ties_and_unties_weights(float64):
    tied = layers.ReversibleEmbedding(6, 3)
    ids = np.array([[1, 4, 5]])
    vectors = tied(ids)
    logits = tied(vectors, reverse=True)
    np.testing.assert_allclose(logits.data, vectors.data @ tied.embeddings.data.T, rtol=1e-12)
    assert len(tied.weights) == 1
    untied = layers.ReversibleEmbedding(6, 3, tie_weights=False, logit_soft_cap=1.5)
    untied(ids)
    assert [w.name for w in untied.weights] == ["embeddings", "reverse_embeddings"]
    x = rng.standard_normal((2, 3))
    assert keras.gradcheck(lambda v: untied(v, reverse=True), x)
    assert np.abs(untied(x * 100, reverse=True).data).max() <= 1.5


# -- Dot and the functional merges -----------------------------------------------------------------
def test_dot_equals_batched_products(float64):
    a, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 4, 5))
    np.testing.assert_allclose(layers.Dot(axes=(2, 1))([a, b]).data, a @ b, rtol=1e-12)
    u, v = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    cosine = layers.Dot(axes=1, normalize=True)([u, v]).data
    expected = (u * v).sum(1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    np.testing.assert_allclose(cosine[:, 0], expected, rtol=1e-12)
    assert keras.gradcheck(lambda p, q: layers.Dot(axes=(2, 1))([p, q]), a, b)
    with pytest.raises(ValueError, match="axis 0, the batch axis"):
        layers.Dot(axes=0)([u, v])


def test_functional_merge_forms():
    a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
    assert layers.average([a, b]).data.tolist() == [[2.0, 3.5]]
    assert layers.maximum([a, b]).data.tolist() == [[3.0, 5.0]]
    assert layers.minimum([a, b]).data.tolist() == [[1.0, 2.0]]
    assert layers.multiply([a, b]).data.tolist() == [[3.0, 10.0]]
    assert layers.subtract([a, b]).data.tolist() == [[-2.0, 3.0]]
    assert layers.dot([a, b], axes=1).data.tolist() == [[13.0]]
    x, y = keras.Input((2,)), keras.Input((2,))
    model = keras.Model([x, y], layers.dot([x, y], axes=1))
    assert model.predict([a, b], verbose=0).tolist() == [[13.0]]


def test_merge_masks_are_combined():
    merge = layers.Add()
    masks = [np.array([[True, False]]), np.array([[False, False]])]
    assert merge.compute_mask([np.ones((1, 2, 3))] * 2, masks).tolist() == [[True, False]]
    assert merge.compute_mask([np.ones((1, 2, 3))] * 2, [masks[0], None]) is None


def test_layers_serialize_and_deserialize_in_kerass_format():
    layer = layers.Conv3D(4, 3, name="c")
    layer.build_from_config({"input_shape": (None, 5, 5, 5, 2)})
    config = layers.serialize(layer)
    assert config["module"] == "keras.layers" and config["class_name"] == "Conv3D"
    assert config["build_config"] == {"input_shape": (None, 5, 5, 5, 2)}
    clone = layers.deserialize(config)
    assert clone.built and clone.get_config() == layer.get_config()
    with pytest.raises(ValueError, match="Unknown layer class 'Conv4D'.*Did you mean 'Conv3D'"):
        layers.deserialize({"class_name": "Conv4D", "config": {}})
