"""Gradient checks through a layer: its weights are swapped for the tensors gradcheck perturbs."""

import numpy as np

from glassnet import Tensor, gradcheck


def _owner(layer, name):
    """(object, attribute) for a weight name, dotted for sublayers: "cell.kernel"."""
    *path, attribute = name.split(".")
    owner = layer
    for part in path:
        owner = owner[int(part)] if part.isdigit() else getattr(owner, part)
    return owner, attribute


def layer_gradcheck(layer, x, names, training=False, tolerance=1e-6):
    """gradcheck of ``layer(x)`` with respect to x and the weights called ``names`` (attributes,
    dotted for a sublayer's: "cell.kernel", "cell.cells.0.kernel")."""
    places = [_owner(layer, n) for n in names]
    originals = [getattr(owner, attribute) for owner, attribute in places]

    def fn(x_tensor, *weights):
        for (owner, attribute), w in zip(places, weights):
            setattr(owner, attribute, w)
        try:
            return layer(x_tensor, training=training)
        finally:
            for (owner, attribute), w in zip(places, originals):
                setattr(owner, attribute, w)

    return gradcheck(
        fn, x, *[np.array(w.data, dtype=np.float64) for w in originals], tolerance=tolerance
    )


def as_float64_tensor(array):
    return Tensor(np.asarray(array, dtype=np.float64))
