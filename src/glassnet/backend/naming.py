"""Turning Keras's string identifiers into objects, with a did-you-mean when a name is unknown.

Example:

>>> snake_case("Conv2DTranspose")
'conv2d_transpose'
"""

import difflib
import re

from glassnet.backend import registry


def lookup(kind, identifier, table):
    """Find ``identifier`` in ``table`` (exact, then lower-case, then the user registrations).

    Args:
        kind: what is looked up, for the message ("activation", "loss"...).
        identifier: the name.
        table: dict name -> object.

    Returns:
        The object.

    Raises:
        ValueError: naming the valid choices and the closest one.

    Example:

    >>> lookup("activation", "ReLU", {"relu": max})
    <built-in function max>
    >>> lookup("activation", "rleu", {"relu": max})
    Traceback (most recent call last):
    ...
    ValueError: Unknown activation 'rleu'. Did you mean 'relu'? Valid names: relu.
    """
    if identifier in table:
        return table[identifier]
    key = identifier.lower() if isinstance(identifier, str) else identifier
    if key in table:
        return table[key]
    custom = registry.find(identifier)  # registered by the user, or in a custom-object scope
    if custom is not None:
        return custom
    names = sorted(name for name in table if name == name.lower()) or sorted(table)
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ValueError(f"Unknown {kind} '{identifier}'.{hint} Valid names: {', '.join(names)}.")


def snake_case(name):
    """A class name in snake case, by Keras's rule (layer names are made from it).

    Args:
        name: a CamelCase name.

    Returns:
        str.

    Example:

    >>> snake_case("BatchNormalization"), snake_case("Conv2D"), snake_case("LSTM")
    ('batch_normalization', 'conv2d', 'lstm')
    """
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


_name_counts = {}


def unique_name(prefix):
    """'dense', then 'dense_1', 'dense_2'... within a session (reset by ``clear_session``).

    Args:
        prefix: the base name.

    Returns:
        ``prefix`` the first time, then ``prefix_1``, ``prefix_2``...

    Example:

    >>> unique_name("doc_unique"), unique_name("doc_unique")
    ('doc_unique', 'doc_unique_1')
    """
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Forget the names handed out so far (part of Keras's ``clear_session``).

    Example (not run: it would rename the layers of every later example in the session):

    >>> clear_session()  # doctest: +SKIP
    >>> unique_name("dense")  # doctest: +SKIP
    'dense'
    """
    _name_counts.clear()
