"""The fusion pass (glassnet/models/fusion.py): every rule computes what the unfused graph computes,
values and every gradient (float64, 1e-10); graphs a rule does not cover are left alone; the switch
turns everything off; hooks and later changes to a layer make a fused step fall back."""

import functools

import numpy as np
import pytest

import glassnet as keras
from glassnet import layers
from glassnet.backend import compiled, config
from glassnet.models import fusion

BIAS = keras.initializers.RandomNormal(0.0, 0.5)


def call_and_gradients(model, x, fused, training=False, input_grad=True):
    """(output tensor, [dL/dx, dL/dw for every weight]) for L = sum(w * model(x)), w fixed
    random weights, with fusion on or off; dL/dx is None without ``input_grad``."""
    inputs = keras.Tensor(x, requires_grad=input_grad)
    config.set_fusion_enabled(fused)
    try:
        out = model(inputs, training=training)
    finally:
        config.set_fusion_enabled(True)
    weights = np.random.default_rng(1).standard_normal(out.shape)
    keras.ops.sum(out * weights).backward()
    grads = [inputs.grad] + [v.grad for v in model.trainable_weights]
    for v in model.trainable_weights:
        v.grad = None
    return out, grads


def loss_and_gradients(model, x, fused):
    """(outputs, [dL/dx, dL/dw for every weight]) of an inference call, fused or not."""
    out, grads = call_and_gradients(model, x, fused)
    return out.data, grads


def assert_same_as_unfused(model, x):
    fused_out, fused_grads = loss_and_gradients(model, x, fused=True)
    plain_out, plain_grads = loss_and_gradients(model, x, fused=False)
    np.testing.assert_allclose(fused_out, plain_out, rtol=1e-10, atol=1e-12)
    assert len(fused_grads) == len(plain_grads)
    for fused, plain in zip(fused_grads, plain_grads):
        np.testing.assert_allclose(fused, plain, rtol=1e-10, atol=1e-12)
    assert np.count_nonzero(fused_grads[0]) > 0


def fired(model):
    return [(f.rule, f.layers) for f in model.graph_fusions()]


def integers(shape, seed=0):
    # small whole numbers make ties inside pooling windows common: the tie rule is exercised too
    return np.random.default_rng(seed).integers(-2, 3, size=shape).astype(np.float64)


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "elu", "softplus", "relu6"])
def test_dense_activation_equals_the_unfused_graph(float64, activation):
    model = keras.Sequential(
        [
            keras.Input((5,)),
            layers.Dense(7, activation=activation, bias_initializer=BIAS, name="hidden"),
            layers.Dense(3, name="out"),
        ]
    )
    assert fired(model) == [("dense_activation", ["hidden"])]
    assert_same_as_unfused(model, np.random.default_rng(0).standard_normal((4, 5)))


def test_dense_then_activation_layer_is_one_op(float64):
    model = keras.Sequential(
        [
            keras.Input((5,)),
            layers.Dense(6, name="affine", bias_initializer=BIAS),
            layers.Activation("tanh", name="act"),
            layers.Dense(4, name="d2"),
            layers.ReLU(name="relu"),
        ]
    )
    assert fired(model) == [
        ("dense_activation_layer", ["affine", "act"]),
        ("dense_activation_layer", ["d2", "relu"]),
    ]
    assert_same_as_unfused(model, np.random.default_rng(0).standard_normal((3, 5)))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_conv2d_activation_equals_the_unfused_graph(float64, activation):
    model = keras.Sequential(
        [
            keras.Input((6, 6, 2)),
            layers.Conv2D(3, 3, activation=activation, bias_initializer=BIAS, name="conv"),
            layers.Flatten(),
        ]
    )
    assert fired(model) == [("conv2d_activation", ["conv"])]
    assert_same_as_unfused(model, np.random.default_rng(0).standard_normal((2, 6, 6, 2)))


@pytest.mark.parametrize("activation", ["relu", "linear", "tanh", "sigmoid", "elu"])
def test_conv2d_maxpool_pools_first_with_the_same_values_and_gradients(float64, activation):
    model = keras.Sequential(
        [
            keras.Input((9, 9, 2)),
            layers.Conv2D(3, 3, activation=activation, bias_initializer=BIAS, name="c1"),
            layers.MaxPooling2D(name="p1"),
            layers.Conv2D(4, 2, padding="same", bias_initializer=BIAS, name="c2"),
            layers.MaxPooling2D(3, strides=1, name="p2"),
            layers.Flatten(),
            layers.Dense(2),
        ]
    )
    assert fired(model) == [("conv2d_maxpool", ["c1", "p1"]), ("conv2d_maxpool", ["c2", "p2"])]
    assert_same_as_unfused(model, integers((3, 9, 9, 2)))
    assert [layer.output_shape_ for layer in model.layers[:4]] == [
        (None, 7, 7, 3),
        (None, 3, 3, 3),
        (None, 3, 3, 4),
        (None, 1, 1, 4),
    ]


def test_conv2d_maxpool_leaves_a_sigmoid_its_logits():
    """A sigmoid after the pooling stays its own op, so a model output made by it keeps its
    logits for the sigmoid_crossentropy rule; relu runs inside the fused op."""
    for activation, inside in (("sigmoid", False), ("relu", True)):
        model = keras.Sequential(
            [
                keras.Input((6, 6, 1)),
                layers.Conv2D(1, 3, activation=activation, name="conv"),
                layers.MaxPooling2D(name="pool"),
            ]
        )
        assert fired(model) == [("conv2d_maxpool", ["conv", "pool"])]
        out = model(np.random.default_rng(0).standard_normal((2, 6, 6, 1)))
        assert out.activation == activation
        if not inside:
            assert out.pre_activation is not None
        elif compiled.get("max_pool2d_forward") is not None:  # else the ops were composed
            assert out.pre_activation is None


def test_conv2d_maxpool_in_a_functional_graph(float64):
    inputs = keras.Input((8, 8, 1))
    pooled = layers.MaxPooling2D(name="pool")(
        layers.Conv2D(2, 3, activation="relu", name="c")(inputs)
    )
    model = keras.Model(inputs, layers.Flatten()(pooled))
    assert fired(model) == [("conv2d_maxpool", ["c", "pool"])]
    assert_same_as_unfused(model, integers((2, 8, 8, 1)))


class _ConvWithOwnCall(layers.Conv2D):
    def call(self, inputs):
        return super().call(inputs) * 1.0


@pytest.mark.parametrize(
    "case",
    [
        "average_pool",
        "channels_first_pool",
        "activity_regularizer",
        "subclass",
        "conv_output_used_twice",
        "gelu",
    ],
)
def test_conv_then_pool_the_rule_does_not_cover_is_left_alone(float64, case):
    conv_kwargs, pool, conv = {"activation": "relu", "bias_initializer": BIAS}, None, layers.Conv2D
    if case == "average_pool":
        pool = layers.AveragePooling2D()  # averaging does not commute with ReLU
    elif case == "channels_first_pool":
        pool = layers.MaxPooling2D(padding="same", data_format="channels_first")
    elif case == "activity_regularizer":
        conv_kwargs["activity_regularizer"] = "l2"  # needs the conv's own output
    elif case == "subclass":
        conv = _ConvWithOwnCall
    elif case == "gelu":
        conv_kwargs["activation"] = "gelu"  # not monotone
    inputs = keras.Input((9, 9, 2))
    convolved = conv(3, 3, name="c", **conv_kwargs)(inputs)
    pooled = (pool or layers.MaxPooling2D())(convolved)
    outputs = layers.Flatten()(pooled)
    if case == "conv_output_used_twice":
        outputs = [outputs, layers.Flatten()(convolved)]
    model = keras.Model(inputs, outputs)
    assert "conv2d_maxpool" not in [rule for rule, _ in fired(model)]
    if case != "conv_output_used_twice":
        assert_same_as_unfused(model, np.random.default_rng(0).standard_normal((2, 9, 9, 2)))


@pytest.mark.parametrize(
    "layer",
    [
        layers.Dense(4, activation="gelu"),  # its derivative needs the input
        layers.Dense(4, activation="softmax"),  # not elementwise
        layers.Dense(4),  # linear: nothing to fuse
        layers.Dense(4, activation="relu", activity_regularizer="l1"),
    ],
    ids=["gelu", "softmax", "linear", "activity_regularizer"],
)
def test_dense_the_rule_does_not_cover_is_left_alone(float64, layer):
    model = keras.Sequential([keras.Input((3,)), layer])
    assert fired(model) == []
    assert_same_as_unfused(model, np.random.default_rng(0).standard_normal((2, 3)))


def test_dense_followed_by_activation_used_elsewhere_is_not_merged():
    inputs = keras.Input((3,))
    affine = layers.Dense(4, name="affine")(inputs)
    model = keras.Model(inputs, [layers.Activation("relu")(affine), affine])
    assert fired(model) == []


def test_the_switch_turns_every_rule_off():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu")])
    with keras.config.fusion_disabled():
        assert model.execution_plan().fusions == []
        assert [type(step).__name__ for step in model.execution_plan().steps] == ["NodeStep"]
    assert [type(step).__name__ for step in model.execution_plan().steps] == ["DenseActivationStep"]
    assert [rule.name for rule in fusion.rules()] == [
        "dense_activation",
        "dense_activation_layer",
        "conv2d_activation",
        "conv2d_maxpool",
        "conv_batchnorm",
        "batchnorm_activation",
        "softmax_crossentropy",
        "sigmoid_crossentropy",
        "inference_chain",
        "training_chain",
    ]


def test_summary_lists_the_rules_that_fired():
    model = keras.Sequential(
        [keras.Input((3,)), layers.Dense(4, activation="relu", name="h"), layers.Dense(2)]
    )
    lines = []
    model.summary(print_fn=lines.append, show_fusion=True)
    assert "   dense_activation: h" in lines


def test_a_hooked_layer_runs_its_own_call_and_the_hook_sees_its_real_output():
    model = keras.Sequential(
        [keras.Input((3,)), layers.Dense(4, activation="relu", name="h"), layers.Dense(2)]
    )
    seen = []
    handle = model.layers[0].register_forward_hook(
        lambda layer, inputs, outputs: seen.append(outputs)
    )
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    model(x)
    assert len(seen) == 1
    assert seen[0].activation == "relu" and seen[0].pre_activation is not None  # the unfused call
    handle.remove()
    model(x)
    assert len(seen) == 1


def test_changing_an_activation_after_the_plan_was_made_is_honoured():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu")])
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    assert (model(x).data >= 0).all()
    model.layers[0].activation = keras.activations.linear  # as Grad-CAM recipes do
    out = model(x).data
    expected = x @ model.layers[0].kernel.data + model.layers[0].bias.data
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert (out < 0).any()


# -- the loss rules --------------------------------------------------------------------------------
def _classifier(spelling, seed=0):
    keras.utils.set_random_seed(seed)
    if spelling == "activation_argument":
        head = [layers.Dense(4, activation="softmax")]
    elif spelling == "activation_layer":
        head = [layers.Dense(4), layers.Activation("softmax")]
    else:
        head = [layers.Dense(4), layers.Softmax()]
    return keras.Sequential([keras.Input((6,)), layers.Dense(8, activation="tanh"), *head])


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy"])
def test_both_spellings_of_a_softmax_output_train_identically(loss):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 6)).astype(np.float32)
    labels = rng.integers(0, 4, 64)
    y = labels if loss.startswith("sparse") else np.eye(4, dtype=np.float32)[labels]
    weights = []
    for spelling in ("activation_argument", "activation_layer", "softmax_layer"):
        model = _classifier(spelling)
        model.compile(keras.optimizers.SGD(0.5), loss)
        model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        assert [f.rule for f in model.loss_fusions()] == ["softmax_crossentropy"]
        weights.append([w for w in model.get_weights()])
    for other in weights[1:]:
        for a, b in zip(weights[0], other):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_cross_entropy_from_logits_equals_the_unfused_loss_and_gradients(float64):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 6))
    labels = rng.integers(0, 4, 8)
    model = _classifier("activation_layer")
    model.compile("sgd", "sparse_categorical_crossentropy")
    results = []
    for fused in (True, False):
        config.set_fusion_enabled(fused)
        try:
            loss = model.compute_loss(y=labels, y_pred=model(x))
            loss.backward()
        finally:
            config.set_fusion_enabled(True)
        results.append((float(loss.data), [v.grad.copy() for v in model.trainable_weights]))
        model.zero_grad()
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-10)
    for fused, plain in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(fused, plain, rtol=1e-8, atol=1e-12)


def test_sigmoid_binary_cross_entropy_rule_and_what_it_leaves_alone():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    model.train_on_batch(np.ones((2, 3)), np.ones((2, 1)))
    assert [f.rule for f in model.loss_fusions()] == ["sigmoid_crossentropy"]
    for loss in ("mse", keras.losses.BinaryCrossentropy(from_logits=True)):
        model.compile("sgd", loss)
        model.train_on_batch(np.ones((2, 3)), np.ones((2, 1)))
        assert model.loss_fusions() == []


def test_loss_rule_falls_back_when_the_output_is_not_a_softmax():
    loss = fusion.fuse_loss(keras.losses.SparseCategoricalCrossentropy())
    probabilities = keras.Tensor(np.array([[0.25, 0.75]]))
    expected = -np.log(0.75)
    assert float(loss(np.array([1]), probabilities).data) == pytest.approx(expected, rel=1e-6)


def _conv_bn(conv, activation_layer=None, frozen=False):
    layers_ = [keras.Input((7, 7, 3)), conv, layers.BatchNormalization(name="bn")]
    if activation_layer is not None:
        layers_.append(activation_layer)
    model = keras.Sequential(layers_ + [layers.Flatten(), layers.Dense(2)])
    bn = model.get_layer("bn")
    rng = np.random.default_rng(5)
    for variable in bn.weights:  # statistics and affine terms away from their initial values
        variable.assign(rng.uniform(0.5, 1.5, variable.shape))
    bn.trainable = not frozen
    return model


@pytest.mark.parametrize(
    "make,fused",
    [
        (lambda: (layers.Conv2D(4, 3, name="c", bias_initializer=BIAS), None), ["c", "bn"]),
        (
            lambda: (layers.Conv2D(4, 3, name="c", use_bias=False), layers.ReLU(name="r")),
            ["c", "bn", "r"],
        ),
        (
            lambda: (
                layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="c"),
                layers.ReLU(6.0, name="r"),
            ),
            ["c", "bn", "r"],
        ),
        (
            lambda: (layers.Conv2D(4, 1, strides=2, name="c"), layers.Activation("tanh", name="r")),
            ["c", "bn", "r"],
        ),
    ],
    ids=["conv", "conv_relu", "depthwise_relu6", "pointwise_tanh"],
)
def test_conv_batchnorm_folds_in_inference_and_equals_the_unfused_graph(float64, make, fused):
    model = _conv_bn(*make())
    # with an activation layer, training runs the normalisation and it as batchnorm_activation
    expected = [("conv_batchnorm", fused)] + [("batchnorm_activation", fused[1:])] * (
        len(fused) == 3
    )
    assert fired(model) == expected
    # in inference (training=False, model(x)) the folded step runs
    assert_same_as_unfused(model, np.random.default_rng(0).standard_normal((2, 7, 7, 3)))


def test_conv_batchnorm_is_not_folded_while_the_normalization_trains(float64):
    model = _conv_bn(layers.Conv2D(4, 3, name="c"))
    x = np.random.default_rng(0).standard_normal((4, 7, 7, 3))
    with keras.layers.training_mode(True):
        plan = model.execution_plan()
        fused_step = plan.steps[0]
        assert fused_step.rule == "conv_batchnorm"
        assert not fused_step.still_valid(keras.Tensor(x), None)  # batch statistics: reference
    fused = model(x, training=True).data
    with keras.config.fusion_disabled():
        plain = model(x, training=True).data
    np.testing.assert_allclose(fused, plain, rtol=1e-10)


def test_conv_batchnorm_folds_while_training_a_frozen_normalization(float64):
    # transfer learning: a frozen BatchNormalization uses its moving statistics even in fit, and
    # the convolution before it still learns through the folded kernel
    model = _conv_bn(layers.Conv2D(4, 3, name="c"), frozen=True)
    x = np.random.default_rng(0).standard_normal((3, 7, 7, 3))
    with keras.layers.training_mode(True):
        assert model.execution_plan().steps[0].still_valid(keras.Tensor(x), None)
    fused_out, fused_grads = loss_and_gradients(model, x, fused=True)
    plain_out, plain_grads = loss_and_gradients(model, x, fused=False)
    np.testing.assert_allclose(fused_out, plain_out, rtol=1e-10, atol=1e-12)
    for a, b in zip(fused_grads, plain_grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _training_call(model, x, fused):
    """(outputs, [dL/dx, dL/dw for every weight], the moving statistics after the call) of one
    training-mode call, L = sum(w * model(x)); the statistics are put back afterwards."""
    before = [v.data.copy() for v in model.non_trainable_weights]
    out, grads = call_and_gradients(model, x, fused, training=True)
    moved = [v.data.copy() for v in model.non_trainable_weights]
    for variable, data in zip(model.non_trainable_weights, before):
        variable.assign(data)
    return out.data, grads, moved


def _bn_then(activation_layer, before, input_shape, **options):
    """``before`` -> BatchNormalization "bn" (scale and offset away from 1 and 0) -> the
    activation layer -> Flatten -> Dense."""
    model = keras.Sequential(
        [
            keras.Input(input_shape),
            before,
            layers.BatchNormalization(name="bn", **options),
            activation_layer,
            layers.Flatten(),
            layers.Dense(2),
        ]
    )
    rng = np.random.default_rng(6)
    for variable in model.get_layer("bn").trainable_weights:
        variable.assign(rng.uniform(-0.5, 1.5, variable.shape))
    return model


@pytest.mark.parametrize(
    "make, input_shape, fused",
    [
        (
            lambda: _bn_then(layers.ReLU(name="act"), layers.Dense(6, name="d"), (5,)),
            (5,),
            [("batchnorm_activation", ["bn", "act"])],
        ),
        (
            lambda: _bn_then(
                layers.Activation("relu", name="act"), layers.Conv2D(4, 3, name="c"), (7, 7, 3)
            ),
            (7, 7, 3),
            [("conv_batchnorm", ["c", "bn", "act"]), ("batchnorm_activation", ["bn", "act"])],
        ),
        (
            lambda: _bn_then(
                layers.ReLU(6.0, name="act"),
                layers.Conv2D(4, 3, activation="tanh", name="c"),
                (7, 7, 3),
                center=False,
                scale=False,
            ),
            (7, 7, 3),
            [("conv2d_activation", ["c"]), ("batchnorm_activation", ["bn", "act"])],
        ),
        (
            lambda: _bn_then(
                layers.Activation("tanh", name="act"), layers.Dense(6, name="d"), (4, 5), axis=1
            ),
            (4, 5),
            [("batchnorm_activation", ["bn", "act"])],
        ),
    ],
    ids=["dense_relu", "conv_relu", "conv_relu6_plain", "other_axis_tanh"],
)
def test_batchnorm_activation_trains_like_the_unfused_graph(float64, make, input_shape, fused):
    """In training (batch statistics) the fused step runs: the same outputs, every gradient and
    the same moving statistics as the layers one by one (1e-10); in inference the reference
    steps run, with the moving statistics."""
    model = make()
    assert fired(model) == fused
    runs = []
    real = fusion.BatchNormActivationStep.compute
    computed = []
    fusion.BatchNormActivationStep.compute = lambda step, x: computed.append(1) or real(step, x)
    try:
        x = np.random.default_rng(2).standard_normal((6, *input_shape))
        for fuse in (True, False):
            runs.append(_training_call(model, x, fuse))
        assert len(computed) == 1  # the fused run, and only that one
        assert_same_as_unfused(model, x)  # inference: the step is not valid
        assert len(computed) == 1
    finally:
        fusion.BatchNormActivationStep.compute = real
    (fused_out, fused_grads, fused_moved), (plain_out, plain_grads, plain_moved) = runs
    np.testing.assert_allclose(fused_out, plain_out, rtol=1e-10, atol=1e-12)
    for a, b in zip(fused_grads + fused_moved, plain_grads + plain_moved, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    # the call moved the statistics (they were put back after it)
    moving = [v.data for v in model.non_trainable_weights]
    assert all(np.abs(a - b).max() > 0 for a, b in zip(fused_moved, moving, strict=True))


def test_batchnorm_activation_leaves_a_frozen_normalization_to_the_reference_steps(float64):
    model = _bn_then(layers.ReLU(name="act"), layers.Dense(6, name="d"), (5,))
    x = keras.Tensor(np.random.default_rng(3).standard_normal((4, 5)))
    step = model.execution_plan().steps[1]
    assert step.rule == "batchnorm_activation"
    with keras.layers.training_mode(True):
        assert step.still_valid(x, None)
        model.get_layer("bn").trainable = False
        assert not step.still_valid(x, None)
    with keras.layers.training_mode(False):
        model.get_layer("bn").trainable = True
        assert not step.still_valid(x, None)


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.Sequential(
            [keras.Input((5,)), layers.BatchNormalization(), layers.Activation("gelu")]
        ),
        lambda: keras.Sequential(
            [keras.Input((5,)), layers.BatchNormalization(), layers.Activation("sigmoid")]
        ),
        lambda: keras.Sequential(
            [keras.Input((5,)), layers.BatchNormalization(), layers.LeakyReLU()]
        ),
    ],
    ids=["derivative_needs_the_input", "sigmoid_output_keeps_its_logits", "not_an_activation"],
)
def test_batchnorm_activation_leaves_what_it_cannot_fuse_alone(float64, make):
    model = make()
    assert fired(model) == []


def test_batchnorm_activation_leaves_a_normalization_used_twice_alone(float64):
    inputs = keras.Input((5,))
    normalized = layers.BatchNormalization()(inputs)
    model = keras.Model(inputs, [layers.ReLU()(normalized), normalized])
    assert fired(model) == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: [layers.Conv2D(4, 3, activation="relu"), layers.BatchNormalization()],
        lambda: [layers.Conv2D(4, 3), layers.BatchNormalization(axis=1)],
        lambda: [layers.Conv2D(4, 3), layers.LayerNormalization()],
    ],
    ids=["activation_before_the_normalization", "other_axis", "layer_normalization"],
)
def test_conv_batchnorm_leaves_what_it_cannot_fold_alone(float64, make):
    model = keras.Sequential([keras.Input((7, 7, 3)), *make(), layers.Flatten()])
    assert "conv_batchnorm" not in [rule for rule, _ in fired(model)]
    assert_same_as_unfused(model, np.random.default_rng(0).standard_normal((2, 7, 7, 3)))


def test_a_binary_cross_entropy_object_on_a_sigmoid_output_is_fused_and_equal(float64):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 3)), (rng.random((8, 1)) > 0.5).astype("float64")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", keras.losses.BinaryCrossentropy(label_smoothing=0.1))
    model.train_on_batch(x[:2], y[:2])  # resolves the compiled loss, and its rule
    assert [f.rule for f in model.loss_fusions()] == ["sigmoid_crossentropy"]
    losses = []
    for fused in (True, False):
        config.set_fusion_enabled(fused)
        try:
            losses.append(float(model.compute_loss(y=y, y_pred=model(x)).data))
        finally:
            config.set_fusion_enabled(True)
    kernel, bias = model.get_weights()
    logits = x @ kernel + bias
    probability = np.clip(1 / (1 + np.exp(-logits)), 1e-7, 1 - 1e-7)
    target = y * 0.9 + 0.05  # label smoothing 0.1
    # fused: from the logits, max(z, 0) - z * y + log(1 + exp(-|z|)), as Keras's TensorFlow
    # backend computes it for a sigmoid's output (it keeps the logits on the tensor)
    from_logits = np.maximum(logits, 0) - logits * target + np.log1p(np.exp(-np.abs(logits)))
    assert losses[0] == pytest.approx(np.mean(from_logits), rel=1e-10)
    # unfused: from the clipped probabilities, log(p + eps) and log(1 - p + eps)
    expected = -np.mean(
        target * np.log(probability + 1e-7) + (1 - target) * np.log(1 - probability + 1e-7)
    )
    assert losses[1] == pytest.approx(expected, rel=1e-10)
    assert losses[0] == pytest.approx(losses[1], rel=1e-5)  # the two differ by about eps / p


@pytest.mark.parametrize("spelling", ["dense", "activation_layer"])
def test_a_sigmoid_output_keeps_its_logits_so_the_loss_rule_takes_effect(spelling):
    """A sigmoid that makes the model's output is not fused into its Dense: the loss rule needs
    the logits, and a saturated output then gets its true loss, not the clipped one."""
    if spelling == "dense":
        tail = [layers.Dense(1, activation="sigmoid", name="out")]
    else:
        tail = [layers.Dense(1, name="out"), layers.Activation("sigmoid", name="act")]
    model = keras.Sequential([keras.Input((2,)), layers.Dense(4, activation="sigmoid"), *tail])
    assert fired(model) == [("dense_activation", ["dense"])]  # the hidden sigmoid is fused
    model.compile("sgd", "binary_crossentropy")
    out = model.get_layer("out")
    out.kernel.assign(np.full((4, 1), 20.0, dtype="float32"))
    y_pred = model(np.ones((1, 2), dtype="float32"), training=True)
    assert y_pred.activation == "sigmoid" and y_pred.pre_activation is not None
    logit = float(y_pred.pre_activation.data[0, 0])
    assert logit > 17  # the sigmoid rounds to 1.0 in float32
    loss = model.compute_loss(y=np.zeros((1, 1), dtype="float32"), y_pred=y_pred)
    assert float(loss.data) == pytest.approx(logit, rel=1e-6)  # -log(1 - sigmoid(z)) ~ z
    with keras.config.fusion_disabled():
        clipped = model.compute_loss(y=np.zeros((1, 1), dtype="float32"), y_pred=y_pred)
    eps = np.float32(1e-7)  # the probability path clips p to 1 - eps and adds eps in the log
    capped = -np.log(np.float32(1) - np.clip(np.float32(1), eps, np.float32(1) - eps) + eps)
    assert float(clipped.data) == pytest.approx(float(capped), rel=1e-5)
    assert float(clipped.data) < 16.2 < logit


# -- the inference chain ---------------------------------------------------------------------------
def _reference_predict(model, x):
    """predict with fusion off: the layers' own calls, and NumPy's lines where the compiled
    kernels would run (they are off with it)."""
    with keras.config.fusion_disabled():
        assert model.inference_chain() is None
        return model.predict(x, verbose=0)


def _layers_predict(model, x):
    """The layers' own calls (the plan before the fusion pass) with the compiled kernels as
    predict has them: the values the inference chain must give bit for bit."""
    graph = model.graph if isinstance(model, keras.Sequential) else model
    with keras.no_grad():
        return graph.execution_plan(fused=False).run(graph._standardize_inputs(x)).data


def _assert_reference_values(actual, model, x):
    """``actual`` is the layers' calls' bits, and the fusion-off values but for the last bits
    of a softmax's row sums: the compiled kernel adds them as vector lanes, NumPy by BLAS
    (test_compiled.py compares the two kernels at that tolerance)."""
    np.testing.assert_array_equal(actual, _layers_predict(model, x))
    np.testing.assert_allclose(actual, _reference_predict(model, x), rtol=1e-12, atol=0)


CHAINS = {
    "mlp": lambda: keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(8, activation="relu", bias_initializer=BIAS),
            layers.Dropout(0.5),
            layers.Dense(8, activation="gelu", bias_initializer=BIAS),
            layers.Dense(5, activation="softmax", bias_initializer=BIAS),
        ]
    ),
    "flatten_and_activation_layers": lambda: keras.Sequential(
        [
            keras.Input((3, 2)),
            layers.Flatten(),
            layers.Dense(7, bias_initializer=BIAS),
            layers.ReLU(max_value=6.0),
            layers.Dense(4, use_bias=False),
            layers.Activation("tanh"),
            layers.Dense(3),
            layers.Activation("softmax"),
        ]
    ),
    "functional_linear_output": lambda: _functional_chain(),
}


def _fake_tanh(x):  # named like a built-in: only the built-in function itself may be fused
    return x * 0.5


def _functional_chain():
    inputs = keras.Input((6,))
    hidden = layers.Dense(8, activation="selu", bias_initializer=BIAS)(inputs)
    return keras.Model(inputs, layers.Dense(2, bias_initializer=BIAS)(hidden))


@pytest.mark.parametrize("name", sorted(CHAINS))
def test_inference_chain_predicts_the_same_bits_as_the_reference_path(float64, name):
    model = CHAINS[name]()
    shape = (6,) if name != "flatten_and_activation_layers" else (3, 2)
    x = np.random.default_rng(0).standard_normal((70,) + shape)
    assert model.inference_chain() is not None
    chain = model.inference_chain()
    assert chain.accepts(x[:32])
    _assert_reference_values(model.predict(x, verbose=0), model, x)  # batches of 32
    _assert_reference_values(model.predict(x[:5], verbose=0), model, x[:5])  # one batch
    np.testing.assert_array_equal(chain.run(x[:5]), model(x[:5]).data)


def test_inference_chain_takes_any_length_of_an_unknown_axis_and_checks_the_rest(float64):
    model = keras.Sequential(
        [
            keras.Input((None, 6)),
            layers.Dense(3, activation="relu", bias_initializer=BIAS),
            layers.Dense(2, activation="softmax"),
        ]
    )
    x = np.random.default_rng(1).standard_normal((2, 5, 6))
    chain = model.inference_chain()
    assert chain.accepts(x) and chain.accepts(x[:, :2]) and not chain.accepts(x[..., :5])
    _assert_reference_values(model.predict(x, verbose=0), model, x)
    _assert_reference_values(model.predict(x[:, :2], verbose=0), model, x[:, :2])
    with pytest.raises(ValueError, match="expects input of shape"):
        model.predict(x[..., :5], verbose=0)
    x[0, 1, 2] = np.nan  # checked before the chain runs
    with pytest.raises(ValueError, match="x contains 1 NaN or infinite"):
        model.predict(x[:1], verbose=0)


def test_inference_chain_casts_like_the_layers_and_refuses_what_it_cannot_run():
    model = CHAINS["mlp"]()
    x32 = np.random.default_rng(0).standard_normal((4, 6)).astype(np.float32)
    x64 = x32.astype(np.float64) + 1e-9  # rounds to x32 in float32, as the layers' cast does
    chain = model.inference_chain() or (model.predict(x32, verbose=0), model.inference_chain())[1]
    assert chain.dtype == np.float32
    np.testing.assert_array_equal(model.predict(x64, verbose=0), model(x64).data)
    np.testing.assert_array_equal(
        model.predict(np.arange(12).reshape(2, 6), verbose=0),
        model(np.arange(12).reshape(2, 6)).data,
    )
    assert not chain.accepts(x32[:, :5])  # the reference path raises the shape error
    assert not chain.accepts(x32[0])
    assert not chain.accepts(x32.tolist())
    assert not chain.accepts(x32.astype(bool))
    with pytest.raises(ValueError, match="shape"):
        model.predict(x32[:, :5], verbose=0)


def test_inference_chain_steps_aside_for_hooks_changed_activations_and_custom_code():
    model = CHAINS["mlp"]()
    x = np.random.default_rng(0).standard_normal((4, 6)).astype(np.float32)
    model.predict(x, verbose=0)
    seen = []
    handle = model.layers[0].register_forward_hook(lambda layer, i, o: seen.append(o.data))
    assert not model.inference_chain().accepts(x)
    model.predict(x, verbose=0)
    assert len(seen) == 1  # the hook saw predict's forward pass
    handle.remove()
    model.layers[2].activation = keras.activations.linear
    out = model.predict(x, verbose=0)
    assert not model.inference_chain().accepts(x)
    _assert_reference_values(out, model, x)

    class Doubled(keras.Sequential):
        def predict_step(self, data):
            return super().predict_step(data) * 2.0

    doubled = Doubled([keras.Input((6,)), layers.Dense(3)])
    np.testing.assert_allclose(doubled.predict(x, verbose=0), 2.0 * doubled(x).data)


@pytest.mark.parametrize(
    "make",
    [
        lambda: keras.Sequential([keras.Input((6,)), layers.Dense(3), layers.BatchNormalization()]),
        lambda: keras.Sequential([keras.Input((6,)), layers.Dense(3, activation=_fake_tanh)]),
        lambda: keras.Sequential([keras.Input((6,)), layers.Dense(3, activity_regularizer="l2")]),
        lambda: keras.Model(
            *(lambda i: (i, [layers.Dense(2)(i), layers.Dense(3)(i)]))(keras.Input((6,)))
        ),
    ],
    ids=["batchnorm", "custom_activation", "activity_regularizer", "two_outputs"],
)
def test_graphs_the_chain_does_not_cover_have_none(make):
    model = make()
    x = np.random.default_rng(0).standard_normal((2, 6)).astype(np.float32)
    out = model.predict(x, verbose=0)
    assert model.inference_chain() is None
    for fused, plain in zip(out if isinstance(out, list) else [out], _as_list(model(x))):
        np.testing.assert_allclose(fused, plain.data, rtol=1e-6)


def _as_list(outputs):
    return outputs if isinstance(outputs, list) else [outputs]


def test_a_custom_activation_named_like_a_built_in_is_not_fused():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation=_fake_tanh)])
    leaky = keras.Sequential(
        [
            keras.Input((3,)),
            layers.Dense(
                2, activation=functools.partial(keras.activations.leaky_relu, negative_slope=0.5)
            ),
        ]
    )
    assert fired(model) == [] and fired(leaky) == []
    x = -np.ones((1, 3), dtype=np.float32)
    kernel = model.layers[0].kernel.data
    np.testing.assert_allclose(model.predict(x, verbose=0), 0.5 * (x @ kernel), rtol=1e-6)


def test_a_model_with_fused_steps_pickles_and_fuses_again():
    import pickle

    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            layers.Conv2D(2, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )
    x = np.random.default_rng(0).standard_normal((2, 8, 8, 1)).astype(np.float32)
    expected = model.predict(x, verbose=0)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(x, verbose=0), expected)
    assert fired(restored) == fired(model) == [("conv2d_maxpool", ["conv2d", "max_pooling2d"])]


# -- training_chain: train_step of a Dense chain on arrays ----------------------------------------
def dense_chain(hidden, output, use_bias=True):
    return keras.Sequential(
        [keras.Input((5,))]
        + [layers.Dense(6, activation=name, bias_initializer=BIAS) for name in hidden]
        + [layers.Dense(3 if output == "softmax" else 1, activation=output, use_bias=use_bias)]
    )


def fit_twice(make_model, loss, metrics, x, y, monkeypatch, **fit_args):
    """(chain model, reference model, their histories, the chain's forward calls): the same
    model trained with the training_chain and with the reference step."""
    calls = []
    real_forward = fusion.TrainingChain.forward
    monkeypatch.setattr(
        fusion.TrainingChain, "forward", lambda self, x: calls.append(1) or real_forward(self, x)
    )
    models, histories = [], []
    for use_chain in (True, False):
        keras.utils.set_random_seed(0)
        model = make_model()
        model.compile(keras.optimizers.Adam(0.01), loss, metrics=metrics)
        if not use_chain:  # neither train_step nor the model's call takes the chain
            monkeypatch.setattr(fusion.TrainingChain, "accepts", lambda self, x: False)
        histories.append(model.fit(x, y, batch_size=8, epochs=2, verbose=0, **fit_args).history)
        models.append(model)
    monkeypatch.undo()
    return models, histories, calls


@pytest.mark.parametrize(
    "hidden, output, loss, metrics",
    [
        (["relu", "relu"], "softmax", "sparse_categorical_crossentropy", ["accuracy"]),
        (["tanh"], "sigmoid", "binary_crossentropy", ["accuracy"]),
        (["elu", "sigmoid"], "linear", "mse", ["mae"]),
        ([], "softmax", "sparse_categorical_crossentropy", []),
    ],
)
def test_training_chain_trains_to_the_reference_bits(hidden, output, loss, metrics, monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 5)).astype(np.float32)
    y = rng.integers(0, 3, 40) if output == "softmax" else (x[:, :1] > 0).astype(np.float32)
    weights = rng.random(40).astype(np.float32)
    models, histories, calls = fit_twice(
        lambda: dense_chain(hidden, output), loss, metrics, x, y, monkeypatch, sample_weight=weights
    )
    assert len(calls) == 10  # 5 batches in each of 2 epochs, all through the chain
    assert histories[0] == histories[1]
    for a, b in zip(models[0].get_weights(), models[1].get_weights(), strict=True):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, b)


def test_training_chain_without_biases_and_in_float64(float64, monkeypatch):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((24, 5)), rng.standard_normal((24, 1))
    models, histories, calls = fit_twice(
        lambda: dense_chain(["tanh"], "linear", use_bias=False), "mae", [], x, y, monkeypatch
    )
    assert calls and histories[0] == histories[1]
    for a, b in zip(models[0].get_weights(), models[1].get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: keras.Sequential(  # a Dropout: not a chain of Dense layers
            [keras.Input((5,)), layers.Dense(6), layers.Dropout(0.5), layers.Dense(1)]
        ),
        lambda: keras.Sequential(  # a penalty: its gradient comes through the tape
            [keras.Input((5,)), layers.Dense(1, kernel_regularizer="l2")]
        ),
        lambda: keras.Sequential(  # a hidden activation that cannot run inside the product
            [keras.Input((5,)), layers.Dense(6, activation="gelu"), layers.Dense(1)]
        ),
        lambda: keras.Sequential(  # the last layer fused by dense_activation: not plain
            [keras.Input((5,)), layers.Dense(6), layers.Dense(1, activation="relu")]
        ),
    ],
    ids=["dropout", "regularizer", "gelu", "fused_last_layer"],
)
def test_training_chain_steps_aside_where_it_does_not_apply(make_model, monkeypatch):
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((16, 5)).astype(np.float32), rng.standard_normal((16, 1))
    _, histories, calls = fit_twice(make_model, "mse", [], x, y, monkeypatch)
    assert calls == [] and histories[0] == histories[1]


def test_training_chain_steps_aside_for_hooks_and_the_switch():
    model = dense_chain(["relu"], "linear")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    x = np.ones((4, 5), dtype=np.float32)
    assert model._training_chain(x) is not None
    handle = model.layers[0].register_forward_hook(lambda layer, inputs, output: None)
    assert model._training_chain(x) is None
    handle.remove()
    assert model._training_chain(x) is not None
    assert model._training_chain(np.ones((4, 6), dtype=np.float32)) is None  # another width
    with keras.config.fusion_disabled():
        assert model._training_chain(x) is None


def test_training_chain_steps_aside_for_a_computed_kernel():
    class ScaledKernel(layers.Dense):  # Dense's call, with a kernel computed from a Variable
        @property
        def kernel(self):
            return keras.ops.multiply(self._kernel, 2.0)

        @kernel.setter
        def kernel(self, value):
            self._kernel = value

    model = keras.Sequential([keras.Input((5,)), ScaledKernel(1)])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    x = np.ones((4, 5), dtype=np.float32)
    model(x)
    assert model.execution_plan().training is not None
    assert model._training_chain(x) is None
    model.fit(x, np.ones((4, 1)), verbose=0)
    assert model.layers[0]._kernel.grad is not None  # reached through the multiply


def test_training_chain_adds_to_a_gradient_the_loss_gave_a_weight(monkeypatch):
    """A loss that reads a kernel: its gradient and the chain's add up, as in the tape."""
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((16, 5)).astype(np.float32), rng.standard_normal((16, 1))
    holder = {}

    def make():
        holder["model"] = dense_chain(["relu"], "linear")
        return holder["model"]

    def penalised_mse(y_true, y_pred):
        kernel = holder["model"].layers[-1].kernel
        return keras.ops.mean(keras.ops.square(y_true - y_pred)) + keras.ops.sum(kernel * kernel)

    models, histories, calls = fit_twice(make, penalised_mse, [], x, y, monkeypatch)
    assert calls and histories[0] == histories[1]
    for a, b in zip(models[0].get_weights(), models[1].get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_training_chain_drops_losses_added_before_the_step(monkeypatch):
    """A loss added outside a call stops counting at the next call, as in Keras; the chain,
    which calls no layer, starts that new call generation too."""
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((16, 5)).astype(np.float32), rng.standard_normal((16, 1))

    def make():
        model = dense_chain(["relu"], "linear")
        model.add_loss(keras.ops.convert_to_tensor(np.float32(5.0)))
        return model

    _, histories, calls = fit_twice(make, "mse", [], x, y, monkeypatch)
    assert calls and histories[0] == histories[1]
    assert histories[0]["loss"][0] < 5.0


def test_training_chain_steps_aside_for_a_weight_hook_or_a_layer_used_twice():
    x = np.ones((4, 5), dtype=np.float32)
    model = dense_chain(["relu"], "linear")
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model(x)
    model.layers[0].kernel.register_hook(lambda grad: grad * 0.0)
    assert model._training_chain(x) is None
    inputs, hidden = keras.Input((5,)), layers.Dense(5, activation="relu")
    twice = keras.Model(inputs, layers.Dense(1)(hidden(hidden(inputs))))
    twice.compile(keras.optimizers.Adam(0.01), "mse")
    twice(x)
    assert twice.execution_plan().training is not None
    assert twice._training_chain(x) is None


def test_training_chain_vets_weights_again_when_a_layer_gets_another():
    """accepts compares weights it has vetted by identity: a kernel shared after the first
    step, a computed one or a penalty added later is still seen."""
    x = np.ones((4, 5), dtype=np.float32)
    model = keras.Sequential(
        [keras.Input((5,)), layers.Dense(5, "relu"), layers.Dense(5, "tanh"), layers.Dense(1)]
    )
    model.compile(keras.optimizers.Adam(0.01), "mse")
    model(x)
    chain = model.execution_plan().training
    assert chain.accepts(x) and chain.accepts(x)  # vetted, then compared
    own = model.layers[1].kernel
    model.layers[1].kernel = model.layers[0].kernel  # one Variable in two layers
    assert not chain.accepts(x) and not chain.accepts(x)
    model.layers[1].kernel = keras.ops.multiply(own, 1.0)  # computed: not a Variable
    assert not chain.accepts(x)
    model.layers[1].kernel = own
    assert chain.accepts(x)
    own.regularizer = keras.regularizers.L2(0.1)
    assert not chain.accepts(x)
    own.regularizer = None
    assert chain.accepts(x)
    # a new weight in the first layer and a hook on the last: the hook is still seen
    model.layers[0].kernel = keras.Variable(model.layers[0].kernel.numpy().copy())
    handle = model.layers[2].register_forward_hook(lambda layer, inputs, output: None)
    assert not chain.accepts(x)
    handle.remove()
    assert chain.accepts(x)


# -- model(x) of a Dense chain: the training chain as one op on the tape ---------------------------
def _eager_call(model, x, fused, input_grad):
    """(output, its pre_activation or None, [dL/dx, dL/dw for every weight]) of ``model(x)``,
    L = sum(w * model(x))."""
    out, grads = call_and_gradients(model, x, fused, input_grad=input_grad)
    logits = getattr(out, "pre_activation", None)
    return out.data, None if logits is None else logits.data, grads


@pytest.mark.parametrize(
    "hidden, output, use_bias",
    [(["relu", "tanh"], "softmax", True), (["sigmoid"], "linear", False), ([], "sigmoid", True)],
)
@pytest.mark.parametrize("input_grad", [True, False], ids=["input_grad", "no_input_grad"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_an_eager_call_of_a_dense_chain_gives_the_reference_bits(
    hidden, output, use_bias, input_grad, dtype, monkeypatch
):
    """model(x) runs the chain as one op: the output, the logits the loss rules read and every
    gradient (x's too, when it has one) are the layer-by-layer path's bits."""
    calls = []
    real = fusion.TrainingChain.call
    monkeypatch.setattr(
        fusion.TrainingChain, "call", lambda self, x: calls.append(1) or real(self, x)
    )
    keras.config.set_floatx(dtype)
    try:
        model = dense_chain(hidden, output, use_bias)
        x = np.random.default_rng(3).standard_normal((7, 5)).astype(dtype)
        fused = _eager_call(model, x, True, input_grad)
        assert calls == [1]
        reference = _eager_call(model, x, False, input_grad)
        assert calls == [1]
    finally:
        keras.config.set_floatx("float32")
    (out, logits, grads), (plain_out, plain_logits, plain_grads) = fused, reference
    np.testing.assert_array_equal(out, plain_out)
    assert out.dtype == dtype
    if output == "linear":
        assert logits is None and plain_logits is None
    else:
        np.testing.assert_array_equal(logits, plain_logits)
    assert (grads[0] is None) == (not input_grad) == (plain_grads[0] is None)
    for a, b in zip(grads, plain_grads, strict=True):
        if b is not None:
            np.testing.assert_array_equal(a, b)


def test_an_eager_call_steps_aside_for_hooks_and_frozen_layers(monkeypatch):
    calls = []
    real = fusion.TrainingChain.call
    monkeypatch.setattr(
        fusion.TrainingChain, "call", lambda self, x: calls.append(1) or real(self, x)
    )
    model = dense_chain(["relu"], "linear")
    x = np.random.default_rng(4).standard_normal((3, 5)).astype(np.float32)
    expected = model(x).data  # the plan is made here, before any hook
    assert calls == [1]
    calls.clear()
    seen = []
    handle = model.layers[0].register_forward_hook(lambda layer, i, output: seen.append(output))
    np.testing.assert_array_equal(model(x).data, expected)
    assert calls == [] and len(seen) == 1  # the hook saw the hidden layer's real output
    handle.remove()
    np.testing.assert_array_equal(model(x).data, expected)
    assert calls == [1]
    model.layers[0].trainable = False  # a frozen layer's weights get no gradient: the layers run
    keras.ops.sum(model(x)).backward()
    assert calls == [1]
    assert model.layers[0].kernel.grad is None and model.layers[1].kernel.grad is not None


def test_an_eager_call_goes_straight_to_the_chain_only_where_the_layer_call_adds_nothing(
    monkeypatch,
):
    """Model.__call__ runs the chain without Layer.__call__ for one array or Tensor of the
    chain's dtype, with or without ``training``: the same values, the output shape recorded and
    losses added before the call dropped, as a layer call does. A mask, another dtype, a
    model hook and fusion turned off take Layer.__call__, with the same values."""
    from glassnet.layers.layer import Layer

    layer_calls = []
    real_call = Layer.__call__

    def spy(self, *args, **kwargs):
        layer_calls.append(self)
        return real_call(self, *args, **kwargs)

    monkeypatch.setattr(Layer, "__call__", spy)
    model = dense_chain(["relu"], "softmax")
    x = np.random.default_rng(6).standard_normal((4, 5)).astype(np.float32)
    with keras.config.fusion_disabled():
        expected = model(x).data
    assert layer_calls  # the reference went through the layer calls
    layer_calls.clear()
    model.output_shape_ = None
    model.add_loss(keras.ops.convert_to_tensor(np.float32(5.0)))
    for args, kwargs in [((x,), {}), ((x,), {"training": True}), ((keras.Tensor(x),), {})]:
        out = model(*args, **kwargs)
        np.testing.assert_allclose(out.data, expected, rtol=1e-6)
        assert out.pre_activation is not None  # the softmax keeps its logits for the loss
    assert layer_calls == [] and model.output_shape_ == (None, 3) and model.losses == []
    others = [
        ((x,), {"mask": np.ones((4, 5), dtype=bool)}),
        ((x.astype(np.float64),), {}),  # Layer.__call__ casts it
    ]
    for args, kwargs in others:
        layer_calls.clear()
        np.testing.assert_allclose(model(*args, **kwargs).data, expected, rtol=1e-6)
        assert layer_calls and layer_calls[0] is model
    layer_calls.clear()
    with pytest.raises(ValueError, match="do not fit a kernel"):  # the layers' own error
        model(x[:, :4])
    assert layer_calls[0] is model
    seen = []
    handle = model.register_forward_hook(lambda layer, inputs, output: seen.append(output))
    layer_calls.clear()
    model(x)
    assert layer_calls[0] is model and len(seen) == 1
    handle.remove()
    layer_calls.clear()
    with keras.config.fusion_disabled():
        model(x)
    assert layer_calls[0] is model
