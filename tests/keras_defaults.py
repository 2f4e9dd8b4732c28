"""Argument defaults of glassnet's public names against Keras 3's, read from the fixture that
tests/fixtures/make_keras_signatures_fixtures.py writes with real Keras.

A default changed by mistake (``learning_rate=0.001`` becoming ``0.01``, ``shuffle=True``
becoming ``False``) changes what every program that relies on it computes, and nothing else
fails; this module lists every such difference for the tests of each package.
"""

import inspect
import json
import os

import glassnet

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "keras_signatures", "defaults.json")
with open(FIXTURE) as handle:
    KERAS_DEFAULTS = json.load(handle)["defaults"]


def _resolve(dotted):
    """glassnet's object for a Keras name such as "ops.nn.relu" or "models.Model.fit"."""
    found = glassnet
    for part in dotted.split("."):
        found = getattr(found, part, None)
        if found is None:
            return None
    return found


def _signature(found):
    function = found.__init__ if inspect.isclass(found) else found
    return inspect.signature(getattr(function, "eager", function))


def _same(ours, theirs):
    if isinstance(ours, tuple):
        ours = list(ours)
    return ours == theirs and type(ours) is type(theirs)


def default_differences(prefix):
    """{name: [(argument, Keras's default, glassnet's)]} for the Keras names under ``prefix``.

    Only names glassnet has are compared (the API census lists the missing ones). An argument
    glassnet lacks counts as a difference unless the function takes ``**kwargs``.
    """
    differences = {}
    for name, keras_defaults in sorted(KERAS_DEFAULTS.items()):
        if not name.startswith(prefix + "."):
            continue
        found = _resolve(name)
        if found is None:
            continue
        parameters = _signature(found).parameters
        open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
        for argument, theirs in keras_defaults.items():
            parameter = parameters.get(argument)
            if parameter is None:
                if not open_ended:
                    differences.setdefault(name, []).append((argument, theirs, "(missing)"))
                continue
            if parameter.default is inspect.Parameter.empty:
                differences.setdefault(name, []).append((argument, theirs, "(required)"))
            elif not _same(parameter.default, theirs):
                differences.setdefault(name, []).append((argument, theirs, parameter.default))
    return differences


def check_defaults(prefix, known):
    """Assert that glassnet's defaults under ``prefix`` equal Keras's, apart from ``known``.

    ``known`` maps a name to the reason its difference is kept; each must still differ, so the
    list cannot go stale once a difference is fixed.
    """
    differences = default_differences(prefix)
    unexpected = {name: rows for name, rows in differences.items() if name not in known}
    assert not unexpected, (
        "argument defaults that differ from Keras 3 (argument, keras, ours):\n"
        + ("\n".join(f"  {name}: {rows}" for name, rows in unexpected.items()))
    )
    fixed = sorted(set(known) - set(differences))
    assert not fixed, f"now equal to Keras, remove from the known differences: {fixed}"
