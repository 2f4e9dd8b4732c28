"""Walking nested lists, tuples and dicts (the structures layers and models take and return)."""


def flatten(structure, is_leaf):
    """The leaves (``is_leaf(value)`` true) of nested lists, tuples and dict values, in order."""
    out = []
    stack = [structure]
    while stack:
        value = stack.pop()
        if is_leaf(value):
            out.append(value)
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            stack.extend(reversed(list(value.values())))
    return out
