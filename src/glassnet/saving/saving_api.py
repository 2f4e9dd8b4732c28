"""``keras.saving.save_model``: one entry point for both formats, chosen by the file name.

Example:

>>> import os, tempfile
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> path = os.path.join(tempfile.mkdtemp(), "m.glassnet")
>>> keras.saving.save_model(model, path)
>>> keras.saving.load_model(path).count_params()
8
"""

import os

from glassnet.saving import native
from glassnet.saving.keras_format import save_keras


def save_model(model, filepath, overwrite=True, zipped=None, include_optimizer=True, **kwargs):
    """Write the whole model: architecture, weights, compile settings and optimizer state.

    Args:
        model: the model.
        filepath: ends in ``.keras`` (Keras 3's format) or ``.glassnet`` (glassnet's).
        overwrite: False refuses to replace an existing file.
        zipped: accepted for Keras compatibility; both formats are zip files.
        include_optimizer: keep the optimizer's state.
        **kwargs: Keras's other options are accepted and ignored.

    Raises:
        ValueError: for another extension (the legacy ``.h5`` included), or an existing file
            with ``overwrite=False``.

    Example:

    >>> import os, tempfile
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> path = os.path.join(tempfile.mkdtemp(), "m.keras")
    >>> save_model(model, path)
    >>> save_model(model, path, overwrite=False)
    Traceback (most recent call last):
    ...
    ValueError: save_model: '...m.keras' exists and overwrite=False
    """
    path = os.fspath(filepath)
    if path.endswith((".h5", ".hdf5")):
        raise ValueError(
            f"save_model: '{path}' asks for the legacy Keras 2 HDF5 format; save a .keras or "
            ".glassnet file (weights only: model.save_weights('m.weights.h5'))"
        )
    if not path.endswith((".keras", ".glassnet")):
        raise ValueError(f"save_model: the file name must end in .keras or .glassnet, got '{path}'")
    if not overwrite and os.path.exists(path):
        raise ValueError(f"save_model: '{path}' exists and overwrite=False")
    if path.endswith(".keras"):
        save_keras(model, path, include_optimizer=include_optimizer)
    else:
        native.save_model(model, path, include_optimizer=include_optimizer)
