"""Progbar's numbers: value, duration and per-step formats at their thresholds, averaged values,
the finished line at the target and the time per step (with a scripted clock)."""

import io

import pytest

from glassnet.callbacks import progbar
from glassnet.callbacks.progbar import (
    Progbar,
    format_duration,
    format_per_step,
    format_value,
    is_terminal,
)


@pytest.mark.parametrize(
    "value, text",
    [
        (0.0, "0.0000"),
        (0.5, "0.5000"),
        (1e-3, "0.0010"),
        (9.99e-4, "9.9900e-04"),
        (-0.25, "-0.2500"),
        (12345.0, "1.2345e+04"),
        (3, "3"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


@pytest.mark.parametrize(
    "seconds, text",
    [
        (2.0, "2s/step"),
        (1.0, "1s/step"),
        (0.25, "250ms/step"),
        (1e-3, "1ms/step"),
        (5e-4, "500us/step"),
    ],
)
def test_format_per_step(seconds, text):
    assert format_per_step(seconds) == text


@pytest.mark.parametrize(
    "seconds, text",
    [(5.4, "5s"), (60, "1:00"), (61.5, "1:01"), (3600, "1:00:00"), (3725, "1:02:05")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_a_closed_stream_is_not_a_terminal():
    stream = io.StringIO()
    stream.close()
    assert is_terminal(stream) is False


class Clock:
    """Stands in for the time module: perf_counter() returns the scripted times."""

    def __init__(self, *times):
        self.times = list(times)

    def perf_counter(self):
        return self.times.pop(0)


def test_values_are_averaged_over_steps_and_the_target_finishes_the_line(monkeypatch):
    monkeypatch.setattr(progbar, "time", Clock(0.0, 1.0, 4.0))
    stream = io.StringIO()
    bar = Progbar(4, width=4, stream=stream, stateful_metrics=["lr"])
    bar.update(1, [("loss", 1.0), ("lr", 0.5)])  # 1 s for the first step: 3 s left
    bar.update(4, [("loss", 3.0), ("lr", 0.25)])  # 3 more steps at 3.0, reaching the target
    # a live redraw starts with a carriage return; the finished line (not on a terminal here)
    # ends the line. loss: (1 x 1.0 + 3 x 3.0) / 4 steps; lr is stateful: shown as last given
    assert stream.getvalue() == (
        "\r1/4 ━─── 3s left 1s/step - loss: 1.0000 - lr: 0.5000"
        "4/4 ━━━━ 4s 1s/step - loss: 2.5000 - lr: 0.2500\n"
    )


def test_time_per_step_of_the_first_step(monkeypatch):
    monkeypatch.setattr(progbar, "time", Clock(0.0, 0.25))
    stream = io.StringIO()
    Progbar(1, width=2, stream=stream).update(1)
    assert stream.getvalue() == "1/1 ━━ 0s 250ms/step\n"
