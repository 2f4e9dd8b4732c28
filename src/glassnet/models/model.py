"""Model: a Layer that can be trained. ``Model(inputs, outputs)`` builds a functional model;
subclasses define ``call`` (as in Keras); Sequential stacks layers.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> class TwoLayers(keras.Model):
...     def __init__(self):
...         super().__init__()
...         self.hidden = keras.layers.Dense(4, activation="relu")
...         self.out = keras.layers.Dense(1)
...     def call(self, inputs):
...         return self.out(self.hidden(inputs))
>>> model = TwoLayers()
>>> model(np.ones((2, 3))).shape
(2, 1)
"""

import os

from glassnet import saving
from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.backend import registry
from glassnet.layers import Layer
from glassnet.layers.layer import begin_outermost_call
from glassnet.models.summary import print_summary
from glassnet.models.trainer import Trainer


class Model(Trainer, Layer):
    """A trainable stack of layers: ``compile``, ``fit``, ``evaluate``, ``predict``, ``save``.

    ``Model(inputs, outputs)`` makes a functional model; subclass it and define ``call`` for a
    model written as Python code.

    Args:
        inputs, outputs: for the functional form, SymbolicTensors from ``Input`` and layers.
        name: the model's name.
        trainable: whether its weights train.
        *args: (inputs, outputs) given by position, for the functional form.
        **kwargs: the base ``Layer`` arguments (dtype, ...).

    Example (a subclassed model):

    >>> import numpy as np
    >>> import glassnet as keras
    >>> class Doubled(keras.Model):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.dense = keras.layers.Dense(1)
    ...     def call(self, inputs):
    ...         return self.dense(inputs) * 2.0
    >>> Doubled()(np.ones((4, 3))).shape
    (4, 1)
    """

    NOT_TRACKED = Layer.NOT_TRACKED | Trainer.NOT_TRACKED

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            # the functional form: the class registers itself when glassnet.models is imported
            return object.__new__(registry.builtin_classes("layer")["Functional"])
        return object.__new__(cls)

    def __init__(self, *args, trainable=True, name=None, **kwargs):
        Layer.__init__(self, trainable=trainable, name=name, **kwargs)
        self._init_trainer()

    def __call__(self, *args, **kwargs):
        """``Layer.__call__``; an eager call that the fusion pass's training chain takes (a chain
        of Dense layers called on one array or Tensor, see ``Trainer._eager_chain``) runs the
        chain directly, as ``Functional.call`` would, without the layer-call machinery around
        it: the same op on the tape and the same bits. ``config.disable_fusion()`` turns it off.
        """
        taken = self._eager_chain(args, kwargs)
        if taken is None:
            return Layer.__call__(self, *args, **kwargs)
        chain, x = taken
        begin_outermost_call()  # what Layer.__call__ does first
        outputs = chain.call(x)
        self.output_shape_ = (None,) + outputs.shape[1:]
        return outputs

    @property
    def layers(self):
        """The layers the model holds as attributes, in assignment order."""
        return self._sublayers

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or at position ``index`` of ``layers``."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No layer named '{name}' in model '{self.name}'; its layers are "
            f"{[layer.name for layer in self.layers]}"
        )

    def build(self, input_shape):
        """Create the weights by running the model once on a symbolic input of ``input_shape``."""
        if type(self).call is Model.call:
            raise ValueError(f"Model '{self.name}' has no call() method to build from")
        self.built = True
        self.compute_output_spec(SymbolicTensor(tuple(input_shape), self.dtype))

    def call(self, inputs, training=None, mask=None):
        """The model's computation; subclasses define it."""
        raise NotImplementedError(
            f"{type(self).__name__}: subclasses of Model define call(inputs, training=None)"
        )

    # -- fusion ------------------------------------------------------------------------------------
    def graph_fusions(self):
        """Fusion rules that fire on the model's graph (none for a subclassed model: it has no
        recorded graph to rewrite)."""
        return []

    def fusion_report(self):
        """Every fusion rule that applies to this model: on its graph, and on its compiled losses.

        Returns:
            list of ``Fusion(rule, layers)``; for a loss rule, ``layers`` names the output.
        """
        return self.graph_fusions() + self.loss_fusions()

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
        show_fusion=False,
    ):
        """Print the table of layers, output shapes and parameter counts (as Keras 3 does).

        Args:
            print_fn: called with each line (default print).
            show_fusion: also list the fusion rules that apply and on which layers.
        """
        print_summary(self, print_fn=print_fn, line_length=line_length)
        if show_fusion:
            fusions = self.fusion_report()
            emit = print_fn or print
            emit(" Fusion rules applied:" if fusions else " Fusion rules applied: none")
            for fusion in fusions:
                emit(f"   {fusion.rule}: {', '.join(fusion.layers)}")

    # -- files -------------------------------------------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True, zipped=None):
        """Write the whole model (architecture, weights, compile settings, optimizer state).

        Args:
            filepath: a ``.glassnet`` file (glassnet's format) or ``.keras`` (Keras 3's).
            overwrite: False refuses an existing file.
            include_optimizer: keep the optimizer state.
        """
        path = _check_destination(filepath, overwrite, "save")
        if path.endswith(".keras"):
            return saving.save_keras(self, path, include_optimizer=include_optimizer)
        saving.save_model(self, path, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Write only the weights: ``.weights.h5`` (Keras's format) or a .glassnet container."""
        path = _check_destination(filepath, overwrite, "save_weights")
        if path.endswith(".h5"):
            return saving.save_keras_weights(self, path)
        saving.save_weights(self, path)

    def load_weights(self, filepath, allow_nonfinite=False, skip_mismatch=False):
        """Read weights written by save_weights (or a whole-model file): names, shapes and dtypes
        must match. ``.h5`` files may be Keras 3 ``.weights.h5`` or Keras 2 HDF5 weights."""
        if os.fspath(filepath).endswith(".h5"):
            return saving.load_keras_weights(self, filepath)
        saving.load_weights(self, filepath, allow_nonfinite=allow_nonfinite)

    def to_json(self, **kwargs):
        """The architecture as a JSON string (``models.model_from_json`` reads it)."""
        return saving.to_json(self, **kwargs)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}


_SAVE_EXTENSIONS = (".glassnet", ".keras")


def _check_destination(filepath, overwrite, method):
    path = os.fspath(filepath)
    if method == "save":
        if path.endswith((".h5", ".hdf5")):
            raise ValueError(
                f"Model.save: '{path}' asks for the legacy Keras 2 HDF5 format; save a .keras or "
                f".glassnet file (weights only: save_weights('m.weights.h5'))"
            )
        if not path.endswith(_SAVE_EXTENSIONS):
            raise ValueError(
                f"Model.save: the file name must end in .glassnet or .keras, got '{path}'"
            )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Model.{method}: the folder '{folder}' does not exist")
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"Model.{method}: '{path}' exists and overwrite=False")
    return path
