"""Model: a Layer that can be trained. ``Model(inputs, outputs)`` builds a functional model;
subclasses define ``call`` (as in Keras); Sequential stacks layers."""

import os

from glassnet.autograd.symbolic import SymbolicTensor
from glassnet.layers.layer import Layer
from glassnet.models.trainer import Trainer


class Model(Trainer, Layer):
    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs or "outputs" in kwargs):
            from glassnet.models.functional import Functional

            return object.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *args, trainable=True, name=None, **kwargs):
        Layer.__init__(self, trainable=trainable, name=name, **kwargs)
        self._init_trainer()

    @property
    def layers(self):
        return self._sublayers

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No layer named '{name}' in model '{self.name}'; its layers are {[l.name for l in self.layers]}"
        )

    def build(self, input_shape):
        """Create the weights by running the model once on a symbolic input of ``input_shape``."""
        if type(self).call is Model.call:
            raise ValueError(f"Model '{self.name}' has no call() method to build from")
        from glassnet.layers.symbolic import infer_output

        self.built = True
        infer_output(self, (SymbolicTensor(tuple(input_shape), self.dtype),), {})

    def call(self, inputs, training=None, mask=None):
        raise NotImplementedError(
            f"{type(self).__name__}: subclasses of Model define call(inputs, training=None)"
        )

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        from glassnet.models.summary import print_summary

        print_summary(self, print_fn=print_fn, line_length=line_length)

    # -- files ------------------------------------------------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True):
        """Write the whole model (architecture, weights, compile settings, optimizer state) to one
        .glassnet file, atomically."""
        from glassnet.saving import save_model

        _check_destination(filepath, overwrite, "save")
        if os.fspath(filepath).endswith(
            ".keras"
        ):  # Keras 3's own format, for moving models to Keras
            from glassnet.saving.keras_format import save_keras

            return save_keras(self, filepath)
        save_model(self, filepath, include_optimizer=include_optimizer)

    def save_weights(self, filepath, overwrite=True):
        """Write only the weights (a .glassnet container of .npy arrays; no pickle)."""
        from glassnet.saving import save_weights

        _check_destination(filepath, overwrite, "save_weights")
        if os.fspath(filepath).endswith(".h5"):
            from glassnet.saving.keras_format import save_keras_weights

            return save_keras_weights(self, filepath)
        save_weights(self, filepath)

    def load_weights(self, filepath, allow_nonfinite=False):
        """Read weights written by save_weights (or a whole-model file); names, shapes and dtypes must match."""
        from glassnet.saving import load_weights

        if os.fspath(filepath).endswith(".h5"):  # Keras 3's .weights.h5
            from glassnet.saving.keras_format import load_keras_weights

            return load_keras_weights(self, filepath)
        load_weights(self, filepath, allow_nonfinite=allow_nonfinite)

    def to_json(self, **kwargs):
        from glassnet.saving import to_json

        return to_json(self, **kwargs)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}


def _check_destination(filepath, overwrite, method):
    import os

    path = os.fspath(filepath)
    if method == "save" and path.endswith((".h5", ".hdf5")):
        raise ValueError(
            f"Model.save: '{path}' asks for the legacy Keras 2 HDF5 format; save a .keras or .glassnet file (weights: save_weights('m.weights.h5'))"
        )
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"Model.{method}: '{path}' exists and overwrite=False")
