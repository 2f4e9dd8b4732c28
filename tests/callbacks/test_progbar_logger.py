"""fit's progress display: a live bar on a terminal, one finished line per epoch elsewhere
(issue 16 item 15: 41 KB of carriage-return updates for 10 epochs in a log)."""

import io
import sys

import numpy as np

import glassnet as keras


def fit_with_stdout(stream, monkeypatch, verbose=1, epochs=3):
    monkeypatch.setattr(sys, "stdout", stream)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x, y = np.ones((64, 2), "float32"), np.ones((64, 1), "float32")
    model.fit(x, y, epochs=epochs, batch_size=2, verbose=verbose)  # 32 steps an epoch
    return stream.getvalue()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_in_a_pipe_each_epoch_is_one_finished_line(monkeypatch):
    text = fit_with_stdout(io.StringIO(), monkeypatch, epochs=3)
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert len(lines) == 6
    for line in lines[1::2]:
        assert line.startswith("32/32 \u2501") and " - loss: " in line


def test_on_a_terminal_the_bar_is_redrawn_in_place(monkeypatch):
    monkeypatch.setattr("glassnet.callbacks.progbar.time.perf_counter", _clock())
    text = fit_with_stdout(Terminal(), monkeypatch, epochs=1)
    assert text.startswith("Epoch 1/1\n")
    assert text.count("\r") == 33  # 32 steps drawn (the fake clock moves 1 s a call), then done
    assert text.endswith("\n") and text.count("\n") == 2


def test_verbose_two_is_one_summary_line_in_a_pipe_too(monkeypatch):
    text = fit_with_stdout(io.StringIO(), monkeypatch, verbose=2, epochs=2)
    lines = text.splitlines()
    assert len(lines) == 4 and lines[1].startswith("32/32 - ") and "\r" not in text


def _clock():
    now = [0.0]

    def tick():
        now[0] += 1.0
        return now[0]

    return tick
