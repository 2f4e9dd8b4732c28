"""RemoteMonitor posts each epoch's logs to a server on 127.0.0.1; SwapEMAWeights swaps the
optimizer's moving averages in and out exactly."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

import glassnet as keras


@pytest.fixture
def server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body.decode()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", received
    httpd.shutdown()
    httpd.server_close()


def fit_two_epochs(callback):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    return model.fit(x, y, epochs=2, verbose=0, callbacks=[callback]).history


@pytest.mark.parametrize("as_json", [False, True])
def test_remote_monitor_posts_every_epoch(server, as_json):
    root, received = server
    history = fit_two_epochs(
        keras.callbacks.RemoteMonitor(
            root=root, path="/epochs", send_as_json=as_json, headers={"X-Run": "r1"}
        )
    )
    assert [path for path, _, _ in received] == ["/epochs", "/epochs"]
    for epoch, (_, content_type, body) in enumerate(received):
        if as_json:
            assert content_type == "application/json"
            sent = json.loads(body)
        else:
            assert content_type == "application/x-www-form-urlencoded"
            sent = json.loads(urllib.parse.parse_qs(body)["data"][0])
        assert sent["epoch"] == epoch
        assert sent["loss"] == pytest.approx(history["loss"][epoch])
        assert sent["mae"] == pytest.approx(history["mae"][epoch])


def test_remote_monitor_warns_when_the_server_is_away():
    with pytest.warns(UserWarning, match="could not reach the server"):
        fit_two_epochs(keras.callbacks.RemoteMonitor(root="http://127.0.0.1:9", timeout=2))


def ema_model():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    model.compile(keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5), "mse")
    return model


def test_swap_ema_weights_swaps_in_and_out_for_evaluation():
    model = ema_model()
    x, y = np.ones((2, 1), "float32"), 2 * np.ones((2, 1), "float32")
    model.train_on_batch(x, y)
    model.train_on_batch(x, y)
    weight = model.trainable_weights[0]
    trained = weight.data.copy()
    average = model.optimizer.state_of(weight)["average"].copy()
    assert not np.allclose(trained, average)
    swap = keras.callbacks.SwapEMAWeights()
    swap.set_model(model)
    swap.on_test_begin()
    np.testing.assert_array_equal(weight.data, average)
    np.testing.assert_array_equal(model.optimizer.state_of(weight)["average"], trained)
    swap.on_test_end()
    np.testing.assert_array_equal(weight.data, trained)
    np.testing.assert_array_equal(model.optimizer.state_of(weight)["average"], average)
    swap.on_predict_begin()
    np.testing.assert_array_equal(weight.data, average)
    swap.on_predict_end()
    np.testing.assert_array_equal(weight.data, trained)


def test_swap_on_epoch_leaves_the_averages_in_after_fit():
    model = ema_model()
    averages = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: averages.append(model.trainable_weights[0].data.copy())
    )
    swap = keras.callbacks.SwapEMAWeights(swap_on_epoch=True)
    x, y = np.ones((4, 1), "float32"), 2 * np.ones((4, 1), "float32")
    model.fit(x, y, epochs=2, batch_size=2, verbose=0, callbacks=[swap, record])
    assert swap.swaps == 3
    # the callbacks after it saw the averages, and the model keeps them at the end
    weight = model.trainable_weights[0]
    np.testing.assert_array_equal(weight.data, averages[-1])
    np.testing.assert_array_equal(model.optimizer.state_of(weight)["average"], weight.data)


def test_swap_ema_weights_needs_use_ema():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    swap = keras.callbacks.SwapEMAWeights()
    swap.set_model(model)
    with pytest.raises(ValueError, match="use_ema=True"):
        swap.on_test_begin()


def test_swap_ema_weights_without_swap_on_epoch_leaves_training_alone():
    x, y = np.ones((4, 1), "float32"), 2 * np.ones((4, 1), "float32")
    finals = []
    for extra in ([], [keras.callbacks.SwapEMAWeights(swap_on_epoch=False)]):
        keras.utils.set_random_seed(0)
        model = ema_model()
        model.fit(x, y, epochs=3, batch_size=2, verbose=0, callbacks=extra)
        finals.append(model.trainable_weights[0].data.copy())
    np.testing.assert_array_equal(finals[1], finals[0])
