"""The checks on command-line values, as argparse types: a bad value stops the command before any
work with one sentence naming the option, what it accepts and what it got.

Example:

>>> positive_int("32")
32
>>> positive_int("0")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: must be a whole number >= 1, got '0'
"""

import argparse
import math

MAX_SEED = 2**32 - 1


def _integer(text):
    try:
        return int(text, 10)
    except (TypeError, ValueError):
        return None


def positive_int(text):
    """A whole number >= 1 (epochs, batch size).

    Args:
        text: the command-line argument.

    Raises:
        argparse.ArgumentTypeError: argparse shows its message as the usage error.

    Example:

    >>> positive_int("7")
    7
    """
    value = _integer(text)
    if value is None or value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, got {text!r}")
    return value


def non_negative_int(text):
    """A whole number >= 0 (a sample index).

    Args:
        text: the command-line argument.

    Raises:
        argparse.ArgumentTypeError: argparse shows its message as the usage error.

    Example:

    >>> non_negative_int("0")
    0
    """
    value = _integer(text)
    if value is None or value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value


def seed(text):
    """A random seed: a whole number from 0 to 2**32 - 1.

    Args:
        text: the command-line argument.

    Raises:
        argparse.ArgumentTypeError: argparse shows its message as the usage error.

    Example:

    >>> seed("42")
    42
    """
    value = _integer(text)
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 0 to {MAX_SEED}, got {text!r}"
        )
    return value


def _number(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def positive_float(text):
    """A finite number > 0 (a learning rate).

    Args:
        text: the command-line argument.

    Raises:
        argparse.ArgumentTypeError: argparse shows its message as the usage error.

    Example:

    >>> positive_float("1e-3")
    0.001
    """
    value = _number(text)
    if value is None or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return value


def fraction(text):
    """A number from 0 (included) to 1 (excluded): a share of the training data.

    Args:
        text: the command-line argument.

    Raises:
        argparse.ArgumentTypeError: argparse shows its message as the usage error.

    Example:

    >>> fraction("0.1")
    0.1
    """
    value = _number(text)
    if value is None or not 0 <= value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a number from 0 up to (not including) 1, got {text!r}"
        )
    return value


def port(text):
    """A TCP port: 0 (any free one) to 65535.

    Args:
        text: the command-line argument.

    Raises:
        argparse.ArgumentTypeError: argparse shows its message as the usage error.

    Example:

    >>> port("8123")
    8123
    """
    value = _integer(text)
    if value is None or not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, got {text!r}")
    return value


def path_text(text):
    """A path given on the command line: not empty, no NUL character.

    Args:
        text: the command-line argument.

    Raises:
        argparse.ArgumentTypeError: argparse shows its message as the usage error.

    Example:

    >>> path_text("runs/a")
    'runs/a'
    """
    if not text or "\x00" in text:
        raise argparse.ArgumentTypeError(f"must be a path, got {text!r}")
    return text
