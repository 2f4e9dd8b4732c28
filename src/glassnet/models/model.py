"""Model: a Layer that can be trained. ``Model(inputs, outputs)`` builds a functional model;
subclasses define ``call`` (as in Keras); Sequential stacks layers."""
import numpy as np

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
        raise ValueError(f"No layer named '{name}' in model '{self.name}'; its layers are {[l.name for l in self.layers]}")

    def build(self, input_shape):
        """Create the weights by running the model once on a symbolic input of ``input_shape``."""
        if type(self).call is Model.call:
            raise ValueError(f"Model '{self.name}' has no call() method to build from")
        from glassnet.layers.symbolic import infer_output

        self.built = True
        infer_output(self, (SymbolicTensor(tuple(input_shape), self.dtype),), {})

    def call(self, inputs, training=None, mask=None):
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Model define call(inputs, training=None)")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False, layer_range=None):
        from glassnet.models.summary import print_summary

        print_summary(self, print_fn=print_fn, line_length=line_length)

    # -- weights files (the full .glassnet format comes with the saving issue) ------------------------------
    def save_weights(self, filepath):
        """Write every weight to a NumPy .npz archive, keyed by position and path (no pickle)."""
        arrays = {f"{i:04d}:{v.path}": v.data for i, v in enumerate(self.weights)}
        with open(filepath, "wb") as handle:
            np.savez(handle, **arrays)

    def load_weights(self, filepath):
        """Read weights written by save_weights; names and shapes must match this model's."""
        with np.load(filepath, allow_pickle=False) as archive:
            keys = sorted(archive.files)
            variables = self.weights
            if len(keys) != len(variables):
                raise ValueError(f"load_weights: '{filepath}' holds {len(keys)} weights, model '{self.name}' has {len(variables)}")
            for key, variable in zip(keys, variables):
                value = archive[key]
                if value.shape != variable.shape:
                    raise ValueError(f"load_weights: '{key}' in '{filepath}' has shape {value.shape}, but '{variable.path}' has shape {variable.shape}")
                variable.assign(value.astype(variable.dtype))

    def save(self, filepath, overwrite=True, **kwargs):
        raise NotImplementedError(
            "Model.save (the single-file .glassnet format) is not available yet; use save_weights(path) "
            "and ModelCheckpoint(..., save_weights_only=True) meanwhile"
        )

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}
