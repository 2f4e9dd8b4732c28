"""keras.ops.nn as a namespace, and glassnet against what Keras 3.15 computes for the nn, core and
activation functions (fixtures written by tests/fixtures/make_keras_nn_fixtures.py)."""

import json
import os

import numpy as np
import pytest

import glassnet as keras
from glassnet import activations, ops
from glassnet.ops import nn

HERE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_nn")
with open(os.path.join(HERE, "cases.json")) as f:
    INDEX = json.load(f)
ARRAYS = np.load(os.path.join(HERE, "arrays.npz"))

NAMESPACES = {"ops.nn": nn, "ops": ops, "activations": activations}

# the functions Keras's fixtures were made with that take a function argument
CUSTOM = {
    "associative_scan_add": lambda x: ops.associative_scan(ops.add, x),
    "associative_scan_reverse": lambda x: ops.associative_scan(
        ops.multiply, x, reverse=True, axis=1
    ),
    "scan": lambda xs: ops.scan(lambda c, x: (c * 0.5 + x, c - x), np.zeros(2, "float32"), xs),
}


def glassnet_function(path):
    namespace, _, name = path.rpartition(".")
    return getattr(NAMESPACES[namespace], name)


def as_array(value):
    return value.data if isinstance(value, keras.Tensor) else np.asarray(value)


# Keras 3.15 takes sparsemax's threshold from the sum of the cumulative sums over the support
# instead of the cumulative sum at its end, so rows with more than one non-zero do not sum to 1;
# glassnet computes the projection onto the simplex that sparsemax is defined as.
KERAS_BUGS = {"sparsemax", "sparsemax_axis0"}


@pytest.mark.parametrize("case", sorted(set(INDEX["cases"]) - KERAS_BUGS))
def test_equals_keras(case):
    spec = INDEX["cases"][case]
    inputs = [ARRAYS[f"{case}/in{i}"] for i in range(spec["inputs"])]
    kwargs = dict(spec["kwargs"])
    kwargs.update({name: ARRAYS[f"{case}/kw_{name}"] for name in spec["array_kwargs"]})
    if spec["function"] == "custom":
        outputs = CUSTOM[case](*inputs)
    else:
        outputs = glassnet_function(spec["function"])(*inputs, **kwargs)
    outputs = outputs if isinstance(outputs, (tuple, list)) else [outputs]
    assert len(outputs) == spec["outputs"], case
    for i, out in enumerate(outputs):
        expected = ARRAYS[f"{case}/out{i}"]
        got = as_array(out)
        assert got.shape == expected.shape, f"{case}: shape {got.shape}, Keras {expected.shape}"
        assert got.dtype == expected.dtype, f"{case}: dtype {got.dtype}, Keras {expected.dtype}"
        if expected.dtype.kind in "fc":
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6, err_msg=case)
        else:
            np.testing.assert_array_equal(got, expected, err_msg=case)


KERAS_OPS_NN = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "batch_normalization",
    "binary_crossentropy", "categorical_crossentropy", "celu", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention", "elu",
    "fold", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "layer_normalization", "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "moments",
    "multi_hot", "normalize", "one_hot", "polar", "psnr", "relu", "relu6", "rms_normalization",
    "selu", "separable_conv", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
    "softsign", "space_to_depth", "sparse_categorical_crossentropy", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold", "unfold",
]  # fmt: skip


def test_namespace_holds_every_keras_name():
    missing = [name for name in KERAS_OPS_NN if not hasattr(keras.ops.nn, name)]
    assert missing == []
    assert sorted(nn.__all__) == sorted(KERAS_OPS_NN)


def test_nn_functions_record_graph_nodes():
    inputs = keras.Input((4, 4, 8))
    outputs = keras.ops.nn.depth_to_space(keras.ops.nn.sparsemax(inputs), 2)
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).standard_normal((2, 4, 4, 8)).astype("float32")
    expected = nn.depth_to_space(nn.sparsemax(x), 2)
    np.testing.assert_allclose(model(x).data, expected.data, rtol=1e-6)
    assert outputs.shape == (None, 8, 8, 2)


def test_ctc_ops_are_recorded_ops():
    from glassnet.ops.operation import public_op_names

    assert {"ctc_loss", "ctc_decode"} <= set(public_op_names())
    assert keras.ops.ctc_loss is nn.ctc_loss


def test_soft_cap_squashes_the_logits():
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal((1, 3, 1, 4)) * 3 for _ in range(3))
    logits = np.einsum("bthd,bshd->bhts", q, k) / 2.0
    capped = 1.5 * np.tanh(logits / 1.5)
    weights = np.exp(capped - capped.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    expected = np.einsum("bhts,bshd->bthd", weights, v)
    out = nn.dot_product_attention(q, k, v, attn_logits_soft_cap=1.5)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_flash_attention_is_refused():
    x = np.zeros((1, 2, 1, 2))
    with pytest.raises(ValueError, match="flash_attention"):
        nn.dot_product_attention(x, x, x, flash_attention=True)


def simplex_projection(z):
    """Reference sparsemax of one vector: bisection on the threshold tau of sum(max(z - tau, 0))
    = 1 (slow and obviously right)."""
    low, high = z.max() - 1.0, z.max()
    for _ in range(200):
        tau = (low + high) / 2
        low, high = (tau, high) if np.maximum(z - tau, 0).sum() > 1 else (low, tau)
    return np.maximum(z - (low + high) / 2, 0)


@pytest.mark.parametrize("case", sorted(KERAS_BUGS))
def test_sparsemax_is_the_simplex_projection_keras_misses(case):
    z = ARRAYS[f"{case}/in0"].astype(np.float64)
    axis = INDEX["cases"][case]["kwargs"].get("axis", -1)
    ours = nn.sparsemax(z, axis=axis).data
    expected = np.apply_along_axis(simplex_projection, axis, z)
    np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.sum(axis=axis), 1.0, rtol=1e-12)
    keras_sums = ARRAYS[f"{case}/out0"].sum(axis=axis)
    assert np.any(np.abs(keras_sums - 1) > 0.1)  # the Keras bug the comparison skips
