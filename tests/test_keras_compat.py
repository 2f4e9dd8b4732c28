"""Keras tutorial code, with only its import lines changed, runs on glassnet."""

import numpy as np
import pytest

rng = np.random.default_rng(0)


def test_classic_mlp_tutorial():
    import glassnet as keras
    from glassnet.callbacks import EarlyStopping, ReduceLROnPlateau
    from glassnet.layers import Dense, Dropout
    from glassnet.models import Sequential
    from glassnet.optimizers import Adam
    from glassnet.regularizers import L2
    from glassnet.utils import to_categorical

    x_train = rng.random((256, 20)).astype("float32")
    y_train = to_categorical(
        (x_train[:, :3].sum(axis=1) > 1.5).astype(int) + (x_train[:, 3] > 0.5), num_classes=3
    )

    model = Sequential()
    model.add(Dense(64, activation="relu", input_shape=(20,), kernel_regularizer=L2(1e-4)))
    model.add(Dropout(0.2))
    model.add(Dense(3, activation="softmax"))
    model.compile(
        optimizer=Adam(learning_rate=0.01), loss="categorical_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(
        x_train,
        y_train,
        epochs=15,
        batch_size=32,
        validation_split=0.2,
        verbose=0,
        callbacks=[
            ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3),
            EarlyStopping(patience=10),
        ],
    )
    score = model.evaluate(x_train, y_train, verbose=0)
    assert history.history["accuracy"][-1] > history.history["accuracy"][0]
    assert score[1] > 0.7
    assert keras.layers.Dense is Dense


def test_binary_classification_and_regression_snippets():
    import glassnet as keras

    x = rng.standard_normal((200, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    clf = keras.Sequential(
        [
            keras.layers.Dense(16, activation="relu", input_shape=(8,)),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    clf.compile(
        optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", keras.metrics.AUC()]
    )
    clf.fit(x, y, epochs=60, batch_size=16, verbose=0)
    loss, accuracy, auc = clf.evaluate(x, y, verbose=0)
    assert accuracy > 0.9 and auc > 0.95
    probabilities = clf.predict(x[:5], verbose=0)
    assert probabilities.shape == (5, 1) and ((probabilities > 0) & (probabilities < 1)).all()

    target = x @ rng.standard_normal((8, 1)).astype("float32")
    reg = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    reg.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse", metrics=["mae"])
    history = reg.fit(x, target, epochs=30, verbose=0)
    assert history.history["mae"][-1] < 0.05


def test_functional_api_snippet():
    from glassnet import Input, Model, layers

    inputs = Input(shape=(16,), name="features")
    x = layers.Dense(32, activation="relu")(inputs)
    x = layers.BatchNormalization()(x)
    branch = layers.Dense(32, activation="relu")(x)
    x = layers.add([x, branch])
    outputs = layers.Dense(4, activation="softmax", name="label")(x)
    model = Model(inputs=inputs, outputs=outputs, name="residual_mlp")
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    data = rng.standard_normal((64, 16)).astype("float32")
    model.fit(data, rng.integers(0, 4, 64), epochs=2, verbose=0)
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == 'Model: "residual_mlp"'


# -- custom layers written by subclassing, as in the Keras text-classification tutorial ------------
import glassnet as keras  # noqa: E402
from glassnet import layers, ops  # noqa: E402


class SelfAttention(layers.Layer):
    """Multi-head self-attention written with keras.ops, as tutorials do before
    MultiHeadAttention."""

    def __init__(self, embed_dim, num_heads, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.query, self.key, self.value = (
            layers.Dense(embed_dim),
            layers.Dense(embed_dim),
            layers.Dense(embed_dim),
        )
        self.combine = layers.Dense(embed_dim)

    def split_heads(self, x, batch_size):
        x = ops.reshape(x, (batch_size, -1, self.num_heads, self.head_dim))
        return ops.transpose(x, (0, 2, 1, 3))

    def call(self, inputs):
        batch_size = ops.shape(inputs)[0]
        q = self.split_heads(self.query(inputs), batch_size)
        k = self.split_heads(self.key(inputs), batch_size)
        v = self.split_heads(self.value(inputs), batch_size)
        scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / ops.sqrt(
            ops.cast(self.head_dim, "float32")
        )
        weights = ops.softmax(scores, axis=-1)
        attended = ops.transpose(ops.matmul(weights, v), (0, 2, 1, 3))
        return self.combine(ops.reshape(attended, (batch_size, -1, self.embed_dim)))


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = SelfAttention(embed_dim, num_heads)
        self.ffn = keras.Sequential(
            [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1, self.dropout2 = layers.Dropout(rate), layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.dropout1(self.att(inputs), training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.dropout2(self.ffn(out1), training=training)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = self.pos_emb(ops.arange(start=0, stop=maxlen, step=1))
        return self.token_emb(x) + positions


def test_transformer_classifier_built_from_subclassed_layers():
    keras.utils.set_random_seed(0)
    maxlen, vocab_size, embed_dim = 12, 20, 16
    inputs = layers.Input(shape=(maxlen,), dtype="int32")
    x = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(inputs)
    x = TransformerBlock(embed_dim, num_heads=2, ff_dim=32)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    # the task: does token 1 occur in the sequence?
    tokens = rng.integers(2, vocab_size, (400, maxlen))
    labels = rng.integers(0, 2, 400)
    tokens[labels == 1, rng.integers(0, maxlen, int(labels.sum()))] = 1
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(tokens, labels, batch_size=32, epochs=8, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    # the weights of every sublayer, however deep, are tracked and trained
    names = {w.path.split("/")[0] for w in model.trainable_weights}
    assert (
        len(model.trainable_weights) == 2 + 4 * 2 + 2 * 2 + 2 * 2 + 2
    )  # embeddings, attention, ffn, 2 norms, head
    assert len(names) == len(model.trainable_weights) // 2 + 1


def test_pytorch_one_step_dense_batchnorm_dropout_adam(float64):
    torch = pytest.importorskip("torch", reason="PyTorch not installed: parity check skipped")
    from glassnet.layers import BatchNormalization, Dense, Dropout

    x = rng.standard_normal((16, 5))
    y = rng.integers(0, 3, 16)
    model = keras.Sequential(
        [keras.Input((5,)), Dense(4), BatchNormalization(), Dropout(0.0), Dense(3)]
    )
    model.compile(
        keras.optimizers.Adam(0.01), keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    d1, bn, _, d2 = model.layers
    bn.gamma.assign(rng.uniform(0.5, 1.5, 4))
    bn.beta.assign(rng.standard_normal(4))

    net = torch.nn.Sequential(
        torch.nn.Linear(5, 4),
        torch.nn.BatchNorm1d(4, eps=1e-3, momentum=0.01),
        torch.nn.Dropout(0.0),
        torch.nn.Linear(4, 3),
    ).double()
    with torch.no_grad():
        (
            net[0].weight.copy_(torch.tensor(d1.kernel.data.T)),
            net[0].bias.copy_(torch.tensor(d1.bias.data)),
        )
        (
            net[1].weight.copy_(torch.tensor(bn.gamma.data)),
            net[1].bias.copy_(torch.tensor(bn.beta.data)),
        )
        (
            net[3].weight.copy_(torch.tensor(d2.kernel.data.T)),
            net[3].bias.copy_(torch.tensor(d2.bias.data)),
        )
    # Keras adds epsilon to sqrt(v) before bias correction, PyTorch after: at step 1 this is
    # PyTorch's equivalent
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01, eps=1e-7 / np.sqrt(1 - 0.999))
    net.train()
    loss = torch.nn.functional.cross_entropy(net(torch.tensor(x)), torch.tensor(y))
    loss.backward()
    optimizer.step()

    ours = model.train_on_batch(x, y)
    assert ours == pytest.approx(loss.item(), rel=1e-10)
    pairs = [
        (d1.kernel, net[0].weight.T),
        (d1.bias, net[0].bias),
        (bn.gamma, net[1].weight),
        (bn.beta, net[1].bias),
        (d2.kernel, net[3].weight.T),
        (d2.bias, net[3].bias),
    ]
    for ours_w, theirs_w in pairs:
        # atol: the first bias feeds BatchNorm, which removes the mean, so its exact gradient is 0
        # and both libraries hold rounding noise (~1e-13) there
        np.testing.assert_allclose(
            ours_w.data, theirs_w.detach().numpy(), rtol=1e-6, atol=1e-12, err_msg=ours_w.path
        )
    np.testing.assert_allclose(
        bn.moving_mean.data, net[1].running_mean.numpy(), rtol=1e-10, atol=1e-15
    )
