"""Every kind of input trains the same model to the same weights as in-memory arrays; PyDataset
workers; errors from workers; Keras's steps rules; read-ahead."""

import os
import threading
import time
import types
import warnings

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.models.data_adapters import get_data_adapter
from glassnet.models.data_adapters.prefetch import Prefetcher

N, FEATURES, BATCH = 23, 4, 5  # 23 = 4 full batches and a ragged one of 3
rng = np.random.default_rng(0)
X = rng.standard_normal((N, FEATURES)).astype(np.float32)
Y = rng.integers(0, 3, N)


def model():
    keras.utils.set_random_seed(1)
    net = keras.Sequential([keras.Input((FEATURES,)), layers.Dense(6, "tanh"), layers.Dense(3)])
    net.compile(
        keras.optimizers.SGD(0.1), keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    return net


def batches(x=X, y=Y, size=BATCH):
    return [(x[i : i + size], y[i : i + size]) for i in range(0, len(x), size)]


class Reiterable:
    """An iterable that starts over on every iter(), as a dataset object does."""

    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)


class Batches(keras.utils.PyDataset):
    def __init__(self, x=X, y=Y, size=BATCH, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.size = x, y, size
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.x) // self.size)

    def __getitem__(self, index):
        rows = slice(index * self.size, (index + 1) * self.size)
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1


class Failing(Batches):
    def __getitem__(self, index):
        if index == 2:
            raise RuntimeError(f"batch {index} is broken on purpose")
        return super().__getitem__(index)


def trained(x, epochs=2, **kwargs):
    net = model()
    kwargs.setdefault("shuffle", False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # shuffle=False warnings are not under test here
        history = net.fit(x, epochs=epochs, verbose=0, **kwargs)
    return net.get_weights(), history.history["loss"]


def reference(epochs=2, **kwargs):
    return trained(X, y=Y, epochs=epochs, batch_size=BATCH, **kwargs)


def assert_same(got, expected):
    for a, b in zip(got[0], expected[0]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-6)


def memmap_file(tmp_path, array, name):
    path = tmp_path / f"{name}.npy"
    np.save(path, array)
    return np.load(path, mmap_mode="r")


def grain_or_skip():
    return pytest.importorskip("grain", reason='grain is optional: pip install "glassnet[grain]"')


# -- every kind of input, the same weights ------------------------------------------------------
def test_a_re_iterable_list_of_batches_equals_arrays():
    assert_same(trained(Reiterable(batches())), reference())


def test_a_generator_with_steps_per_epoch_equals_arrays():
    def endless():
        while True:
            yield from batches()

    # 5 steps a pass: with steps_per_epoch=5 each epoch is one pass over the generator
    assert_same(trained(endless(), steps_per_epoch=5), reference())


def test_a_pydataset_equals_arrays_with_one_worker_threads_and_processes():
    expected = reference()
    assert_same(trained(Batches()), expected)
    assert_same(trained(Batches(workers=3, max_queue_size=2)), expected)
    assert_same(trained(Batches(workers=2, use_multiprocessing=True)), expected)


def test_memory_mapped_arrays_equal_arrays(tmp_path):
    x, y = memmap_file(tmp_path, X, "x"), memmap_file(tmp_path, Y, "y")
    adapter = get_data_adapter(x, y, batch_size=BATCH)
    assert type(adapter).__name__ == "MemmapDataAdapter"
    assert_same(trained(x, y=y, batch_size=BATCH), reference())


def test_grain_map_and_iter_datasets_equal_arrays():
    grain = grain_or_skip()
    source = grain.MapDataset.source(list(range(N))).map(lambda i: (X[i], Y[i])).batch(BATCH)
    expected = reference()
    assert_same(trained(source), expected)
    assert_same(trained(source.to_iter_dataset()), expected)


def test_steps_per_epoch_shorter_than_the_data_continues_across_epochs_as_keras():
    # 5 batches a pass, 3 steps an epoch: epoch 1 = batches 0-2, epoch 2 = batches 3-4 and the
    # pass ends early (Keras warns and ends the epoch); epoch 3 starts a new pass
    expected = model()
    for index in (0, 1, 2, 3, 4, 0, 1, 2):
        expected.train_on_batch(*batches()[index])
    net = model()
    with pytest.warns(UserWarning, match="ran out after 2 of steps_per_epoch=3"):
        net.fit(X, Y, batch_size=BATCH, steps_per_epoch=3, epochs=3, shuffle=False, verbose=0)
    for a, b in zip(net.get_weights(), expected.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_steps_per_epoch_shorter_than_the_data_works_for_every_kind(tmp_path):
    expected = trained(X, y=Y, batch_size=BATCH, steps_per_epoch=2, epochs=2)
    assert_same(trained(Batches(), steps_per_epoch=2), expected)
    assert_same(trained(iter(batches()), steps_per_epoch=2), expected)
    x, y = memmap_file(tmp_path, X, "x"), memmap_file(tmp_path, Y, "y")
    assert_same(trained(x, y=y, batch_size=BATCH, steps_per_epoch=2), expected)


def test_sample_weights_in_the_batches_of_a_generator_equal_arrays():
    weights = np.linspace(0.5, 1.5, N).astype(np.float32)
    batched = [(x, y, weights[i * BATCH : (i + 1) * BATCH]) for i, (x, y) in enumerate(batches())]
    assert_same(trained(Reiterable(batched)), reference(sample_weight=weights))


def test_class_weight_applies_to_pydataset_batches_as_to_arrays():
    class_weight = {0: 1.0, 1: 2.0, 2: 0.5}
    assert_same(trained(Batches(), class_weight=class_weight), reference(class_weight=class_weight))


def test_dicts_for_a_model_with_named_inputs():
    inputs = {"a": keras.Input((2,), name="a"), "b": keras.Input((2,), name="b")}
    merged = layers.Concatenate()([inputs["a"], inputs["b"]])
    net = keras.Model(inputs, layers.Dense(1)(merged))
    net.compile("sgd", "mse")
    data = [({"a": X[i : i + 5, :2], "b": X[i : i + 5, 2:]}, Y[i : i + 5, None]) for i in (0, 5)]
    history = net.fit(Reiterable(data), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


# -- PyDataset ----------------------------------------------------------------------------------
def test_pydataset_on_epoch_end_runs_once_per_epoch_and_shuffle_changes_the_order():
    data = Batches()
    net = model()
    net.fit(data, epochs=3, verbose=0)
    assert data.epochs_ended == 3
    seen = []

    class Recording(Batches):
        def __getitem__(self, index):
            seen.append(index)
            return super().__getitem__(index)

    keras.utils.set_random_seed(0)
    model().fit(Recording(), epochs=2, verbose=0, shuffle=True)
    assert sorted(seen[:5]) == [0, 1, 2, 3, 4] and sorted(seen[5:]) == [0, 1, 2, 3, 4]
    assert seen[:5] != [0, 1, 2, 3, 4] or seen[5:] != [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    "kwargs", [{}, {"workers": 2}, {"workers": 2, "use_multiprocessing": True}], ids=str
)
def test_an_error_in_a_worker_surfaces_in_fit_with_its_message_and_no_hang(kwargs):
    start = time.perf_counter()
    threads_before = threading.active_count()
    with pytest.raises(RuntimeError, match="batch 2 is broken on purpose"):
        model().fit(Failing(**kwargs), epochs=1, verbose=0)
    assert time.perf_counter() - start < 30
    time.sleep(0.3)
    assert threading.active_count() <= threads_before + 1  # the loaders stopped
    if kwargs.get("use_multiprocessing"):
        import multiprocessing

        assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_pydataset_without_super_init_warns_and_still_works():
    class NoInit(keras.utils.PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 2

        def __getitem__(self, index):
            return X[:4], Y[:4]

    with pytest.warns(UserWarning, match="should call super"):
        model().fit(NoInit(), verbose=0)
    assert keras.utils.Sequence is keras.utils.PyDataset


# -- read-ahead ---------------------------------------------------------------------------------
def test_prefetcher_gives_items_in_order_raises_errors_and_stops_on_close():
    def failing():
        yield 1
        raise KeyError("from the source")

    got = Prefetcher(failing())
    assert next(got) == 1
    with pytest.raises(KeyError, match="from the source"):
        next(got)
    produced = []

    def endless():
        for i in range(10**9):
            produced.append(i)
            yield i

    endless_reader = Prefetcher(endless(), depth=2)
    assert [next(endless_reader) for _ in range(3)] == [0, 1, 2]
    endless_reader.close()
    time.sleep(0.3)
    count = len(produced)
    time.sleep(0.2)
    assert len(produced) == count and count < 10  # the thread stopped, a few items ahead


def test_a_slow_generator_is_read_while_the_model_computes():
    # each batch takes 20 ms to make and 20 ms to train on: read ahead, 8 steps take about
    # 8 * 20 ms + one batch, not 8 * 40 ms
    def slow():
        for x, y in batches():
            time.sleep(0.02)
            yield x, y

    class Slow(keras.Sequential):
        def train_step(self, data):
            time.sleep(0.02)
            return super().train_step(data)

    net = Slow([keras.Input((FEATURES,)), layers.Dense(3)])
    net.compile("sgd", "mse")
    ys = [(x, np.zeros((len(x), 3))) for x, _ in batches()]
    start = time.perf_counter()
    net.fit((item for _ in range(2) for item in ys), steps_per_epoch=8, verbose=0)
    plain = time.perf_counter() - start
    start = time.perf_counter()

    def slow_y():
        for _ in range(2):
            for x, y in ys:
                time.sleep(0.02)
                yield x, y

    net.fit(slow_y(), steps_per_epoch=8, verbose=0)
    overlapped = time.perf_counter() - start
    assert overlapped < plain + 0.02 * 8 * 0.6  # well under the sum of both


# -- what predict and fit make of the input's dtype (issue 16, item 12) -------------------------
def test_integer_inputs_predict_float32_through_every_adapter(tmp_path):
    net = keras.Sequential([keras.Input((FEATURES,)), layers.Dense(2)])
    ints = (X * 10).astype(np.int32)
    kinds = {
        "arrays": ints,
        "int64": ints.astype(np.int64),
        "uint8": np.abs(ints).astype(np.uint8),
        "bool": ints > 0,
        "list": ints.tolist(),
        "memmap": memmap_file(tmp_path, ints, "ints"),
        "generator": (ints[i : i + 5] for i in range(0, N, 5)),
        "pydataset": Batches(x=ints),
    }
    for name, data in kinds.items():
        out = net.predict(data, verbose=0)
        assert out.dtype == np.float32, name
        assert out.shape == (N, 2), name
    expected = net.predict(ints.astype(np.float32), verbose=0)
    np.testing.assert_allclose(net.predict(ints, verbose=0), expected, rtol=1e-6)


def test_string_arrays_train_a_model_that_starts_with_text_vectorization():
    texts = np.array(["a good film", "a bad film", "good good", "bad bad bad"] * 3)
    labels = np.array([1, 0, 1, 0] * 3)
    vectorize = layers.TextVectorization(max_tokens=10, output_mode="multi_hot")
    vectorize.adapt(texts)
    net = keras.Sequential([keras.Input((), dtype="string"), vectorize, layers.Dense(1)])
    net.compile(keras.optimizers.SGD(0.5), keras.losses.BinaryCrossentropy(from_logits=True))
    history = net.fit(texts, labels, epochs=20, batch_size=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2
    assert net.predict(texts[:2], verbose=0).shape == (2, 1)
    assert net.fit(texts.astype(object), labels, verbose=0).history["loss"]


# -- what is refused up front (issue 16, item 10) -----------------------------------------------
class Forever:
    """__len__ and __getitem__ that never raises IndexError: NumPy would read it forever."""

    def __len__(self):
        return 3

    def __getitem__(self, index):
        return np.ones(FEATURES)


@pytest.mark.parametrize(
    "call,error,words",
    [
        (lambda m: m.fit(X[:0], Y[:0]), ValueError, "x has no samples"),
        (lambda m: m.evaluate(X[:0], Y[:0]), ValueError, "x has no samples"),
        (lambda m: m.fit(X, Y, batch_size=0), ValueError, "batch_size must be"),
        (lambda m: m.fit(X, Y, batch_size=-1), ValueError, "batch_size must be"),
        (lambda m: m.fit(X, Y, batch_size=2.5), TypeError, "batch_size must be"),
        (lambda m: m.evaluate(X, Y, batch_size=-3), ValueError, "batch_size must be"),
        (lambda m: m.predict(X, batch_size=0), ValueError, "batch_size must be"),
        (lambda m: m.fit(X[:20], Y[:20], validation_split=0.99), ValueError, "validation_split"),
        (lambda m: m.fit(X, Y, validation_split=1.5), ValueError, "validation_split"),
        (lambda m: m.fit(X, Y, sample_weight=np.ones(7)), ValueError, "sample_weight has 7"),
        (lambda m: m.evaluate(X, Y, sample_weight=np.ones(7)), ValueError, "sample_weight"),
        (lambda m: m.fit(None, Y), ValueError, "x (the inputs) is required"),
        (lambda m: m.fit(Forever(), Y[:3]), TypeError, "x of type Forever"),
        (lambda m: m.predict(Forever()), TypeError, "x of type Forever"),
        (lambda m: m.fit(X, Y, epochs=-1), ValueError, "epochs must be"),
        (lambda m: m.fit(X, Y, steps_per_epoch=0), ValueError, "steps_per_epoch must be"),
        (lambda m: m.fit(X, Y, shuffle="yes"), ValueError, "shuffle must be"),
        (lambda m: m.fit(X, Y, verbose=7), ValueError, "verbose must be"),
        (lambda m: m.fit(X, Y, class_weight=[1, 2]), TypeError, "class_weight must be"),
        (lambda m: m.fit(X, Y, class_weight={0: 1.0}), ValueError, "no entry for class"),
        (lambda m: m.fit(X, Y, validation_data=(X, Y, Y, Y)), ValueError, "validation_data"),
        (lambda m: m.fit(Batches(), Y), ValueError, "y must not be passed"),
        (lambda m: m.fit(iter(batches()), sample_weight=Y), ValueError, "sample_weight must not"),
        (lambda m: m.fit(iter([]), epochs=1), ValueError, "no batches"),
        (lambda m: m.fit(X, Y[:-1]), ValueError, "x has 23 samples but y has 22"),
        (lambda m: m.train_on_batch(X, Y, sample_weight=np.ones(3)), ValueError, "sample_weight"),
        (lambda m: m.fit(X, Y, validation_data=(X, Y[:3])), ValueError, "validation_data"),
        (lambda m: m.fit(np.array([{"a": 1}] * 3), Y[:3]), TypeError, "object array"),
    ],
)
def test_bad_arguments_are_refused_with_an_error_that_names_them(call, error, words):
    with pytest.raises(error) as caught:
        call(model())
    assert words in str(caught.value)


def test_item_10_inputs_that_must_work():
    net = model()
    weights = np.ones(N, dtype=np.float32)
    history = net.fit(X, list(Y), validation_data=(X, Y, weights), epochs=1, verbose=0)
    assert set(history.history) == {"loss", "val_loss"}
    assert net.fit(X.tolist(), [int(v) for v in Y], epochs=1, verbose=0).history["loss"]
    # validation data given as a generator of batches
    history = net.fit(X, Y, validation_data=Reiterable(batches()), epochs=1, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(net.evaluate(X, Y, verbose=0), 1e-5)


def test_evaluate_from_a_pydataset_equals_arrays_with_a_ragged_last_batch():
    net = model()
    expected = net.evaluate(X, Y, batch_size=BATCH, verbose=0)
    assert net.evaluate(Batches(), verbose=0) == pytest.approx(expected, rel=1e-6)
    assert net.evaluate(iter(batches()), verbose=0) == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(
        net.predict(Batches(workers=2), verbose=0), net.predict(X, verbose=0), rtol=1e-6
    )


def test_a_generator_that_runs_out_stops_training_with_a_warning():
    with pytest.warns(UserWarning, match="ran out before epoch 2"):
        history = model().fit((b for b in batches()), epochs=3, verbose=0)
    assert len(history.history["loss"]) == 1


def test_verbose_fit_on_a_generator_of_unknown_length_prints_one_line_per_epoch(capsys):
    model().fit((b for b in batches()), epochs=1, verbose=1)
    assert "5/" in capsys.readouterr().out


def test_generators_are_recognised_without_reading_them():
    generator = (b for b in batches())
    adapter = get_data_adapter(generator)
    assert isinstance(adapter.source, types.GeneratorType)
    assert next(generator)[0].shape == (BATCH, FEATURES)  # nothing was consumed


def test_memmaps_are_never_read_whole(tmp_path):
    x = memmap_file(tmp_path, X, "x")
    adapter = get_data_adapter(x, Y, batch_size=BATCH, shuffle=True)
    order = adapter.epoch_order()
    assert sorted(order.tolist()) == list(range(5))  # shuffled by batch index
    keys = adapter.epoch_keys(order)
    assert all(isinstance(key, slice) for key in keys)  # each read is one contiguous range
    assert os.path.getsize(tmp_path / "x.npy") > X.nbytes


def test_shuffle_is_refused_politely_for_sources_that_order_themselves():
    grain = grain_or_skip()
    source = grain.MapDataset.source(list(range(N))).map(lambda i: (X[i], Y[i])).batch(BATCH)
    for data in (source.to_iter_dataset(), Reiterable(batches())):
        with pytest.warns(UserWarning, match="shuffle=True is ignored"):
            model().fit(data, epochs=1, verbose=0, shuffle=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model().fit(data, epochs=1, verbose=0, shuffle=False)
