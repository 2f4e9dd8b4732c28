"""Keras 3's public step methods, overridden as keras.io's guides do with the PyTorch backend:
a GAN with two optimizers, a VAE with an extra loss, compute_loss/compute_metrics overrides, and
add_loss -- all trained by fit with callbacks and the progress bar."""

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers, ops


class GAN(keras.Model):
    """keras.io's GAN, PyTorch-backend style: train_step calls the models, the loss, backward()
    and each optimizer's apply on its own model's weights."""

    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator, self.generator, self.latent_dim = discriminator, generator, latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.rng = np.random.default_rng(0)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, inputs):
        return self.generator(inputs)

    def train_step(self, data):
        real = data[0] if isinstance(data, tuple) else data
        batch = real.shape[0]
        latent = self.rng.standard_normal((batch, self.latent_dim)).astype("float32")
        generated = self.generator(latent).detach()  # no generator gradients in this step
        combined = ops.concatenate([generated, keras.Tensor(real)], axis=0)
        labels = np.concatenate([np.ones((batch, 1)), np.zeros((batch, 1))]).astype("float32")
        self.zero_grad()
        d_loss = self.loss_fn(labels, self.discriminator(combined))
        d_loss.backward()
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply([v.value.grad for v in weights], weights)

        self.zero_grad()
        misleading = np.zeros((batch, 1), dtype="float32")
        g_loss = self.loss_fn(misleading, self.discriminator(self.generator(latent)))
        g_loss.backward()
        weights = self.generator.trainable_weights
        self.g_optimizer.apply([v.value.grad for v in weights], weights)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def test_gan_with_two_optimizers_trains_with_fit_callbacks_and_progress_bar(capsys):
    keras.utils.set_random_seed(0)
    discriminator = keras.Sequential(
        [keras.Input((2,)), layers.Dense(8, activation="relu"), layers.Dense(1)]
    )
    generator = keras.Sequential(
        [keras.Input((3,)), layers.Dense(8, activation="relu"), layers.Dense(2)]
    )
    gan = GAN(discriminator, generator, latent_dim=3)
    gan.compile(
        keras.optimizers.Adam(0.01),
        keras.optimizers.Adam(0.01),
        keras.losses.BinaryCrossentropy(from_logits=True),
    )
    real = np.random.default_rng(1).normal(3.0, 0.5, (64, 2)).astype("float32")
    d_before = [w.copy() for w in discriminator.get_weights()]
    g_before = [w.copy() for w in generator.get_weights()]
    seen = []
    callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs))
    history = gan.fit(real, epochs=3, batch_size=16, callbacks=[callback], verbose=1)
    assert set(history.history) == {"d_loss", "g_loss"} and len(history.history["d_loss"]) == 3
    assert all(np.isfinite(v) for v in history.history["g_loss"])
    assert len(seen) == 3 and set(seen[-1]) == {"d_loss", "g_loss"}
    assert "d_loss" in capsys.readouterr().out  # the progress bar shows the returned logs
    assert all((a != b).any() for a, b in zip(d_before, discriminator.get_weights()))
    assert all((a != b).any() for a, b in zip(g_before, generator.get_weights()))
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 12


class Sampling(layers.Layer):
    """z = mean + exp(log_var / 2) * epsilon, the VAE's reparameterisation."""

    def call(self, inputs):
        mean, log_var = inputs
        epsilon = np.random.default_rng(0).standard_normal(mean.shape).astype("float32")
        return mean + ops.exp(0.5 * log_var) * epsilon


class VAE(keras.Model):
    """keras.io's VAE: the reconstruction loss plus the KL term, computed in train_step."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.kl_loss_tracker]

    def call(self, inputs):
        return self.decoder(self.encoder(inputs)[2])

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        self.zero_grad()
        mean, log_var, z = self.encoder(x)
        reconstruction = self.decoder(z)
        reconstruction_loss = ops.mean(
            ops.sum(keras.losses.binary_crossentropy(x, reconstruction), axis=-1)
        )
        kl = -0.5 * (1 + log_var - ops.square(mean) - ops.exp(log_var))
        kl_loss = ops.mean(ops.sum(kl, axis=1))
        total = reconstruction_loss + kl_loss
        total.backward()
        self.optimizer.apply([v.grad for v in self.trainable_weights], self.trainable_weights)
        self.total_loss_tracker.update_state(total)
        self.kl_loss_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}


def test_vae_with_an_extra_loss_term_trains():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((6,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    mean, log_var = layers.Dense(2)(hidden), layers.Dense(2)(hidden)
    encoder = keras.Model(inputs, [mean, log_var, Sampling()([mean, log_var])])
    decoder = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(6, activation="sigmoid"),
        ]
    )
    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam(0.01))
    x = (np.random.default_rng(2).random((64, 6)) > 0.5).astype("float32")
    history = vae.fit(x, epochs=6, batch_size=16, verbose=0)
    losses = history.history["total_loss"]
    assert set(history.history) == {"total_loss", "kl_loss"}
    assert losses[-1] < losses[0]


class WeightedByInput(keras.Model):
    """compute_loss overridden to add a term that depends on x; compute_metrics extended."""

    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(1)
        self.extra = keras.metrics.Mean(name="extra")

    def call(self, inputs):
        return self.dense(inputs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        base = super().compute_loss(x, y, y_pred, sample_weight, training)
        return base + 0.0 * ops.mean(keras.Tensor(np.asarray(x, dtype="float32")))

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        results = super().compute_metrics(x, y, y_pred, sample_weight)
        self.extra.update_state(1.0)
        return {**results, "extra": self.extra.result()}


def test_compute_loss_and_compute_metrics_overrides_are_used_by_fit_and_evaluate():
    model = WeightedByInput()
    model.compile("sgd", "mse", metrics=["mae"])
    x, y = np.ones((8, 2), dtype="float32"), np.zeros((8, 1), dtype="float32")
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert {"loss", "mae", "extra"} <= set(history.history)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["extra"] == pytest.approx(1.0)


class ActivityPenalty(layers.Layer):
    def call(self, inputs):
        self.add_loss(0.25 * ops.sum(ops.square(inputs)))
        return inputs


def test_add_loss_joins_the_training_loss_for_the_latest_call_only():
    model = keras.Sequential(
        [
            keras.Input((2,)),
            layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros"),
            ActivityPenalty(),
        ]
    )
    model.compile(keras.optimizers.SGD(0.0), "mse")
    x, y = np.ones((1, 2), dtype="float32"), np.zeros((1, 2), dtype="float32")
    mse = 4.0  # outputs [2, 2] against [0, 0]
    penalty = 0.25 * 8.0
    assert model.evaluate(x, y, verbose=0) == pytest.approx(mse + penalty)
    model(x)
    model(x)  # a second call replaces the first call's added loss rather than adding to it
    assert [float(loss.data) for loss in model.losses] == [penalty]
    assert model.train_on_batch(x, y) == pytest.approx(mse + penalty)


def test_train_step_can_be_called_directly_and_leaves_gradients_readable():
    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    logs = model.train_step((np.ones((4, 2)), np.zeros((4, 1))))
    assert set(logs) == {"loss"}
    assert all(v.grad is not None and v.grad.shape == v.shape for v in model.trainable_weights)
    assert model.predict_step((np.ones((3, 2)),)).shape == (3, 1)
    logs = model.test_step((np.ones((4, 2)), np.zeros((4, 1))))
    assert "loss" in logs


def test_validation_evaluate_and_predict_call_the_test_and_predict_hooks():
    events = []

    class Recorder(keras.callbacks.Callback):
        def __getattribute__(self, name):
            if name.startswith("on_") and ("test" in name or "predict" in name):
                return lambda *args, **kwargs: events.append(name)
            return super().__getattribute__(name)

    model = keras.Sequential([keras.Input((2,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((8, 2), dtype="float32"), np.ones((8, 1), dtype="float32")
    model.fit(
        x, y, batch_size=4, epochs=1, validation_data=(x, y), verbose=0, callbacks=[Recorder()]
    )
    assert events == ["on_test_begin"] + ["on_test_batch_begin", "on_test_batch_end"] * 2 + [
        "on_test_end"
    ]
    events.clear()
    model.evaluate(x, y, batch_size=8, verbose=0, callbacks=[Recorder()])
    assert events == ["on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end"]
    events.clear()
    model.predict(x, batch_size=8, verbose=0, callbacks=[Recorder()])
    assert events == [
        "on_predict_begin",
        "on_predict_batch_begin",
        "on_predict_batch_end",
        "on_predict_end",
    ]
