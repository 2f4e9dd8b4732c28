"""Loading the Keras 3.15 fixtures of tests/fixtures/keras_preprocessing and comparing to them."""

import json
import os

import numpy as np

from glassnet import Tensor

HERE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras_preprocessing")


def load(topic):
    """(arrays, metadata) of one fixture topic."""
    arrays = np.load(os.path.join(HERE, f"{topic}.npz"))
    path = os.path.join(HERE, f"{topic}.json")
    meta = json.load(open(path)) if os.path.exists(path) else {}
    return arrays, meta


def assert_matches(ours, theirs, rtol=1e-5, atol=1e-5, exact=False):
    """Same shape and dtype as Keras's output, values within 1e-5 (exactly for integers)."""
    ours = ours.numpy() if isinstance(ours, Tensor) else np.asarray(ours)
    assert ours.shape == theirs.shape, f"shape {ours.shape}, Keras {theirs.shape}"
    assert ours.dtype == theirs.dtype, f"dtype {ours.dtype}, Keras {theirs.dtype}"
    if exact or ours.dtype.kind in "iub":
        np.testing.assert_array_equal(ours, theirs)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)
