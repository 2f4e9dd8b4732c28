"""Where each object's state sits in a saved model, as Keras 3 lays it out.

Keras walks a model when it writes or reads a ``.keras`` file: the model itself (path ""), its
``layers`` (a list, each item named after its class: ``dense``, ``dense_1``...), then each layer's
sublayers under the attribute that holds them (``cell``, ``forward_layer``, ``query_dense``...),
every object once. Each visited object keeps its own variables in ``<path>/vars`` of the HDF5
file, and its files (a vocabulary) in ``assets/<path>/``. ``walk`` makes that walk over glassnet's
objects; ``keras_variables`` gives the variables Keras keeps in an object's own group. The
``.glassnet`` format reuses the walk to number the layers whose state goes beyond variables.

Example:

>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
>>> [entry.path for entry in walk(model)]
['', 'layers/lstm', 'layers/lstm/cell', 'layers/dense']
>>> [v.name for v in keras_variables(model.layers[0].cell)]
['kernel', 'recurrent_kernel', 'bias']
"""

import os
import re
import tempfile
from contextlib import contextmanager
from typing import NamedTuple

from glassnet.autograd.variable import Variable
from glassnet.backend import registry
from glassnet.backend.naming import snake_case
from glassnet.layers.layer import Layer
from glassnet.saving.errors import ModelFileError

MAX_ASSET_BYTES = 64 * 2**20
MAX_ASSETS_TOTAL_BYTES = 256 * 2**20
ASSET_FILE = r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}"
STATE_KEY = r"[A-Za-z0-9_]{1,64}"


class Saveable(NamedTuple):
    """One object of the walk: where its state goes and the object itself.

    Args:
        path: "" for the model, else e.g. "layers/bidirectional/forward_layer/cell".
        obj: the layer, optimizer or ``Placeholder``.

    Example:

    >>> item = Saveable("layers/dense", "the layer")
    >>> item.path, item.obj
    ('layers/dense', 'the layer')
    """

    path: str
    obj: object


class Placeholder:
    """A sublayer Keras creates and glassnet computes without (MultiHeadAttention's Softmax):
    it holds nothing, and stands in for it so that the written file has Keras's groups.

    Args:
        name: what Keras would call the missing layer.

    Example:

    >>> Placeholder("softmax").name
    'softmax'
    """

    def __init__(self, name):
        self.name = name


def keras_snake_case(name):
    """A class name as Keras names its group: ``snake_case`` of its word characters.

    Args:
        name: a class name.

    Returns:
        The group name.

    Example:

    >>> keras_snake_case("ConvLSTM2D"), keras_snake_case("PReLU")
    ('conv_lstm2d', 'p_re_lu')
    """
    return snake_case(re.sub(r"\W+", "", name))


# -- children: which sublayers Keras reaches, under which names -----------------------------
def _cell(layer):
    return [("cell", getattr(layer, "cell", None))]


def _wrapped(layer):
    return [("layer", getattr(layer, "layer", None))]


def _multi_head_attention(layer):
    # Keras exposes the projections as public properties, so they are saved under those names
    children = [
        ("key_dense", getattr(layer, "key_dense", None)),
        ("output_dense", getattr(layer, "output_dense", None)),
        ("query_dense", getattr(layer, "query_dense", None)),
        ("value_dense", getattr(layer, "value_dense", None)),
        ("_dropout_layer", getattr(layer, "dropout_layer", None)),
    ]
    if getattr(layer, "use_gate", False):
        children.append(("_gate_dense", getattr(layer, "gate_dense", None)))
    return children + [("_softmax", Placeholder("softmax"))]


def _grouped_query_attention(layer):
    children = [("_dropout_layer", getattr(layer, "dropout_layer", None))]
    if getattr(layer, "use_gate", False):
        children.append(("_gate_dense", getattr(layer, "gate_dense", None)))
    return children + [
        ("_key_dense", getattr(layer, "key_dense", None)),
        ("_output_dense", getattr(layer, "output_dense", None)),
        ("_query_dense", getattr(layer, "query_dense", None)),
        ("_softmax", Placeholder("softmax")),
        ("_value_dense", getattr(layer, "value_dense", None)),
    ]


# glassnet class -> its sublayers in Keras's names, where glassnet's attributes differ from
# Keras's or hold helpers Keras does not have (Attention computes its dropout without a layer)
_CHILDREN = {
    "RNN": _cell,
    "StackedRNNCells": lambda layer: [("cells", list(layer.cells))],
    "Bidirectional": lambda layer: [
        ("backward_layer", layer.backward_layer),
        ("forward_layer", layer.forward_layer),
    ],
    "Wrapper": _wrapped,
    "MultiHeadAttention": _multi_head_attention,
    "GroupedQueryAttention": _grouped_query_attention,
    "Attention": lambda layer: [],
    "AdditiveAttention": lambda layer: [],
    "TextVectorization": lambda layer: [("_lookup_layer", layer._lookup_layer)],
    "Pipeline": lambda layer: [("layers", list(layer._pipeline_layers))],
}
_BASE_ATTRIBUTES = None


def _table_entry(obj):
    builtin = registry.builtin_classes("layer")
    for klass in type(obj).__mro__:
        if klass.__name__ in _CHILDREN and builtin.get(klass.__name__) is klass:
            return _CHILDREN[klass.__name__]
    return None


def _name_key(name):
    return "~" + name if name.startswith("_") else name  # private attributes last, as Keras


def _holds_layers(value):
    if isinstance(value, Layer):
        return True
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and any(_holds_layers(item) for item in value)


def _attribute_children(obj):
    """Keras's rule for classes it does not know: every attribute holding layers, by name,
    public ones first, attributes of the base Layer class left out."""
    global _BASE_ATTRIBUTES
    if _BASE_ATTRIBUTES is None:  # the class's, not an instance's: that would take a name
        _BASE_ATTRIBUTES = frozenset(dir(Layer))
    out = []
    for name in sorted(dir(obj), key=_name_key):
        if name.startswith("__") or name in _BASE_ATTRIBUTES:
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # a property that cannot be computed yet holds no state
            continue
        if value is not obj and _holds_layers(value):
            out.append((name, value))
    return out


def children(obj):
    """The sublayers Keras saves under ``obj``, as ``[(attribute, layer or list)]``.

    Args:
        obj: a layer or model (anything else has none).

    Returns:
        The list, in the order Keras visits them.

    Example:

    >>> from glassnet import layers
    >>> [name for name, _ in children(layers.Bidirectional(layers.GRU(2)))]
    ['backward_layer', 'forward_layer']
    """
    if not isinstance(obj, Layer):
        return []
    models = registry.builtin_classes("layer")
    if isinstance(obj, (models["Sequential"], models["Functional"])):
        return [("layers", list(obj.layers))]
    entry = _table_entry(obj)
    if entry is not None:
        return [(name, child) for name, child in entry(obj) if child is not None]
    builtin = registry.builtin_classes("layer").get(type(obj).__name__) is type(obj)
    if builtin and not obj._sublayers:
        return []
    return _attribute_children(obj)


def walk(model, optimizer=None):
    """Every object whose state a saved file keeps, each once, with its path.

    Args:
        model: the model (or any layer).
        optimizer: the model's optimizer, saved under "optimizer", or None.

    Returns:
        A list of ``Saveable``, the model first.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1), keras.layers.Dense(1)])
    >>> [entry.path for entry in walk(model)]
    ['', 'layers/dense', 'layers/dense_1']
    """
    entries, visited = [], set()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        entries.append(Saveable(path, obj))
        for name, child in children(obj):
            child_path = f"{path}/{name}" if path else name
            if isinstance(child, (list, tuple, dict)):
                container(child, child_path)
            else:
                visit(child, child_path)

    def container(items, path):
        used = {}

        def unique(name):  # Keras counts every item, visited before or not
            count = used.get(name)
            used[name] = 0 if count is None else count + 1
            return name if count is None else f"{name}_{count + 1}"

        for item in items.values() if isinstance(items, dict) else items:
            if isinstance(item, (list, tuple, dict)):
                container(item, f"{path}/{unique('container')}")
            elif isinstance(item, (Layer, Placeholder)):
                visit(item, f"{path}/{unique(keras_snake_case(type(item).__name__))}")

    visit(model, "")
    if optimizer is not None:
        visit(optimizer, "optimizer")
    return entries


# -- variables and other state ---------------------------------------------------------------
def _subtree_variables(obj, seen):
    found = []
    for _, child in children(obj):
        for item in child if isinstance(child, (list, tuple)) else [child]:
            if isinstance(item, Layer) and id(item) not in seen:
                seen.add(id(item))
                found += item._all_variables()
    return found


def keras_variables(obj):
    """The variables Keras keeps in ``obj``'s own group, in its order (trainable ones first).

    A layer's own variables, less those its sublayers hold (an LSTM's belong to its cell);
    SpectralNormalization keeps the wrapped kernel as well, as Keras does.

    Args:
        obj: a layer (anything else has none).

    Returns:
        A list of Variables.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> norm = layers.BatchNormalization()
    >>> _ = norm(np.ones((2, 3), "float32"))
    >>> [v.name for v in keras_variables(norm)]
    ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """
    if not isinstance(obj, Layer):
        return []
    nested = {id(v) for v in _subtree_variables(obj, set())}
    own = [v for v in obj._own_variables() if id(v) not in nested]
    kernel = getattr(obj, "kernel", None)
    spectral = registry.builtin_classes("layer").get("SpectralNormalization")
    if spectral is not None and isinstance(obj, spectral) and isinstance(kernel, Variable):
        own = [kernel] + [v for v in own if v is not kernel]
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def has_state_hooks(obj):
    """Whether ``obj`` saves state of its own (``save_own_variables`` redefined, as the lookup
    layers do for tf-idf weights) instead of Keras's plain list of variables.

    Args:
        obj: a layer.

    Returns:
        True or False.

    Example:

    >>> from glassnet import layers
    >>> has_state_hooks(layers.StringLookup()), has_state_hooks(layers.Dense(2))
    (True, False)
    """
    return isinstance(obj, Layer) and type(obj).save_own_variables is not Layer.save_own_variables


def saved_state(obj, where):
    """What ``obj.save_own_variables`` writes, as ``{key: array}``, keys and values checked.

    Args:
        obj: a layer with state hooks.
        where: the object's path, for messages.

    Returns:
        The dict.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> lookup = layers.StringLookup(output_mode="tf_idf")
    >>> lookup.adapt(np.array(["a", "b", "a"]))
    >>> sorted(saved_state(lookup, "layers/string_lookup"))
    ['idf_weights']
    """
    import numpy as np

    store = {}
    obj.save_own_variables(store)
    for key, value in list(store.items()):
        if not isinstance(key, str) or not re.fullmatch(STATE_KEY, key):
            raise ValueError(
                f"{type(obj).__name__} '{obj.name}' ({where}): save_own_variables used the key "
                f"{key!r}; keys must be 1-64 letters, digits or underscores"
            )
        store[key] = np.asarray(getattr(value, "data", value))
    return store


# -- assets ------------------------------------------------------------------------------------
def saved_assets(obj, where):
    """The files ``obj.save_assets(folder)`` writes, as ``{file name: bytes}``.

    Args:
        obj: an object with a ``save_assets`` method.
        where: the object's path, for messages.

    Returns:
        The dict (empty when the layer has nothing to save, e.g. a vocabulary given in code).

    Raises:
        ValueError: for a sub-folder, a file name outside ``ASSET_FILE`` or a file over
            ``MAX_ASSET_BYTES``.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> lookup = layers.StringLookup()
    >>> lookup.adapt(np.array(["x", "y", "x"]))
    >>> files = saved_assets(lookup, "layers/string_lookup")
    >>> list(files), files["vocabulary.txt"].split()
    (['vocabulary.txt'], [b'[UNK]', b'x', b'y'])
    """
    files = {}
    with tempfile.TemporaryDirectory(prefix="glassnet-assets-") as folder:
        obj.save_assets(folder)
        for name in sorted(os.listdir(folder)):
            full = os.path.join(folder, name)
            what = f"{type(obj).__name__} '{getattr(obj, 'name', '?')}' ({where})"
            if not os.path.isfile(full) or os.path.islink(full):
                raise ValueError(f"{what}: save_assets wrote '{name}', which is not a plain file")
            if not re.fullmatch(ASSET_FILE, name):
                raise ValueError(
                    f"{what}: save_assets wrote '{name}'; asset names are letters, digits, "
                    "'_', '.' and '-' (at most 100)"
                )
            if os.path.getsize(full) > MAX_ASSET_BYTES:
                raise ValueError(
                    f"{what}: the asset '{name}' is larger than {MAX_ASSET_BYTES} bytes"
                )
            with open(full, "rb") as handle:
                files[name] = handle.read()
    return files


def check_assets_total(archive, names, where):
    """Refuse a file whose assets together declare more than ``MAX_ASSETS_TOTAL_BYTES``.

    Args:
        archive: the ``SafeArchive``.
        names: its asset members.
        where: the file, for the message.

    Raises:
        ModelFileError: when the sum of their declared sizes is over the limit.

    Example:

    >>> from types import SimpleNamespace
    >>> big = SimpleNamespace(members={"a": SimpleNamespace(file_size=MAX_ASSETS_TOTAL_BYTES + 1)})
    >>> check_assets_total(big, ["a"], "model.keras")
    Traceback (most recent call last):
    ...
    glassnet.saving.errors.ModelFileError: model.keras: the assets declare ... over the limit of ...
    """
    total = sum(archive.members[name].file_size for name in names)
    if total > MAX_ASSETS_TOTAL_BYTES:
        raise ModelFileError(
            f"{where}: the assets declare {total} bytes together, over the limit of "
            f"{MAX_ASSETS_TOTAL_BYTES}"
        )


@contextmanager
def asset_folder(files):
    """A temporary folder holding ``files`` (``{checked name: bytes}``), for ``load_assets``.

    Only names that match ``ASSET_FILE`` are written, so nothing lands outside the folder.

    Args:
        files: the files of one object.

    Yields:
        The folder's path; it is removed afterwards.

    Example:

    >>> import os
    >>> with asset_folder({"vocabulary.txt": b"a"}) as folder:
    ...     sorted(os.listdir(folder))
    ['vocabulary.txt']
    """
    with tempfile.TemporaryDirectory(prefix="glassnet-assets-") as folder:
        for name, data in files.items():
            if not re.fullmatch(ASSET_FILE, name):
                raise ModelFileError(f"asset file name {name!r} is not allowed")
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(data)
        yield folder


def load_assets(obj, files, where):
    """Give ``obj`` its files through ``load_assets``; a missing or unreadable file becomes a
    ModelFileError naming the object.

    Args:
        obj: the object (with a ``load_assets`` method).
        files: ``{name: bytes}`` (may be empty).
        where: the file and the object's path, for messages.

    Example:

    >>> from glassnet import layers
    >>> lookup = layers.StringLookup()
    >>> vocabulary = "[UNK] x y".replace(" ", chr(10)).encode()
    >>> load_assets(lookup, {"vocabulary.txt": vocabulary}, "model.keras: layers/lookup")
    >>> lookup.get_vocabulary()
    ['[UNK]', 'x', 'y']
    """
    with asset_folder(files) as folder:
        try:
            obj.load_assets(folder)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ModelFileError(
                f"{where}: the assets of {type(obj).__name__} '{getattr(obj, 'name', '?')}' "
                f"cannot be loaded ({type(error).__name__}: {error})"
            ) from None
