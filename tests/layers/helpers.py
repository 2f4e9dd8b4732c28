"""Gradient checks through a layer: its weights are swapped for the tensors gradcheck perturbs."""

import numpy as np

from glassnet import Tensor, gradcheck


def layer_gradcheck(layer, x, names, training=False, tolerance=1e-6):
    """gradcheck of ``layer(x)`` with respect to x and the weights called ``names`` (attributes)."""
    originals = [getattr(layer, n) for n in names]

    def fn(x_tensor, *weights):
        for name, w in zip(names, weights):
            setattr(layer, name, w)
        try:
            return layer(x_tensor, training=training)
        finally:
            for name, w in zip(names, originals):
                setattr(layer, name, w)

    return gradcheck(
        fn, x, *[np.array(w.data, dtype=np.float64) for w in originals], tolerance=tolerance
    )


def as_float64_tensor(array):
    return Tensor(np.asarray(array, dtype=np.float64))
