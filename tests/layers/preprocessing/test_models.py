"""Preprocessing inside models: a text classifier that starts from raw strings and an image
classifier with Rescaling and augmentation layers inside."""

import numpy as np

import glassnet as keras
from glassnet import layers

TEXTS = np.array(
    ["a good movie", "a bad movie", "great film", "awful film", "good and great", "bad, awful"]
)
LABELS = np.array([1, 0, 1, 0, 1, 0])


def text_model():
    vectorizer = layers.TextVectorization(max_tokens=20, output_sequence_length=5)
    vectorizer.adapt(TEXTS)
    embedding = layers.Embedding(20, 4)
    pooling = layers.GlobalAveragePooling1D()
    dense = layers.Dense(1, activation="sigmoid")
    return vectorizer, [embedding, pooling, dense]


def test_text_model_starting_with_text_vectorization_runs_on_raw_strings():
    vectorizer, rest = text_model()
    model = keras.Sequential([vectorizer, *rest])
    out = model(TEXTS).numpy()
    expected = vectorizer(TEXTS)
    for layer in rest:
        expected = layer(expected)
    assert out.shape == (6, 1)
    np.testing.assert_allclose(out, expected.numpy(), rtol=1e-6)


def test_text_model_predicts_and_fits_from_raw_strings():
    vectorizer, rest = text_model()
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorizer(inputs)
    for layer in rest:
        x = layer(x)
    model = keras.Model(inputs, x)
    predicted = model.predict(TEXTS[:, None], verbose=0)
    np.testing.assert_allclose(predicted, model(TEXTS[:, None]).numpy(), rtol=1e-6)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    history = model.fit(TEXTS[:, None], LABELS, epochs=30, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def image_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (16, 8, 8, 3)).astype("float32")
    y = (x[:, :, :, 0].mean(axis=(1, 2)) > 127.5).astype("int64")
    return x, y


def test_image_model_with_rescaling_and_augmentation_predicts_and_trains():
    x, y = image_data()
    conv = layers.Conv2D(4, 3, activation="relu")
    pool = layers.GlobalAveragePooling2D()
    dense = layers.Dense(2, activation="softmax")
    augmented = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            layers.Rescaling(1 / 255.0),
            layers.RandomFlip("horizontal", seed=0),
            layers.RandomRotation(0.1, seed=0),
            layers.RandomZoom(0.1, seed=0),
            layers.RandomContrast(0.2, value_range=(0, 1), seed=0),
            conv,
            pool,
            dense,
        ]
    )
    plain = keras.Sequential(
        [keras.Input((8, 8, 3)), layers.Rescaling(1 / 255.0), conv, pool, dense]
    )
    # inference: the augmentation layers are the identity, so the twin without them agrees
    np.testing.assert_allclose(
        augmented.predict(x, verbose=0), plain.predict(x, verbose=0), rtol=1e-6
    )
    # training: they change what the convolution sees
    assert not np.allclose(augmented(x, training=True).numpy(), plain(x).numpy())
    augmented.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = augmented.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert len(history.history["loss"]) == 3 and np.isfinite(history.history["loss"]).all()
    np.testing.assert_allclose(
        augmented.predict(x, verbose=0), plain.predict(x, verbose=0), rtol=1e-6
    )


def test_image_layers_in_a_functional_model_have_keras_output_shapes():
    inputs = keras.Input((12, 10, 3))
    x = layers.Resizing(8, 8)(inputs)
    x = layers.RandomFlip(seed=0)(x)
    x = layers.CenterCrop(6, 6)(x)
    x = layers.Normalization(mean=0.5, variance=0.25)(x)
    assert x.shape == (None, 6, 6, 3)
    model = keras.Model(inputs, x)
    out = model.predict(np.ones((2, 12, 10, 3), "float32"), verbose=0)
    np.testing.assert_allclose(out, 1.0, rtol=1e-6)
