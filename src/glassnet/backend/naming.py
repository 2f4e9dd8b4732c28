"""Turning Keras's string identifiers into objects, with a did-you-mean when a name is unknown."""

import difflib
import re

from glassnet.backend import registry


def lookup(kind, identifier, table):
    """``table[identifier]`` (exact, then lower-case), or a ValueError naming the valid choices and the closest one."""
    if identifier in table:
        return table[identifier]
    key = identifier.lower() if isinstance(identifier, str) else identifier
    if key in table:
        return table[key]
    custom = registry.find(identifier)  # registered by the user, or in a custom-object scope
    if custom is not None:
        return custom
    names = sorted(n for n in table if n == n.lower()) or sorted(table)
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ValueError(f"Unknown {kind} '{identifier}'.{hint} Valid names: {', '.join(names)}.")


def snake_case(name):
    """Keras's rule: 'BatchNormalization' -> 'batch_normalization', 'Conv2D' -> 'conv2d', 'LSTM' -> 'lstm'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


_name_counts = {}


def unique_name(prefix):
    """'dense', then 'dense_1', 'dense_2'... within a session (reset by clear_session)."""
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session():
    """Forget the names handed out so far (Keras's ``clear_session``)."""
    _name_counts.clear()
