"""The fusion pass: every fast path of glassnet's models, as named rules in one place.

A model's graph runs through ``GraphPlan`` (graph.py): one step per recorded layer call, each layer
computing with its own ``call`` -- the reference path. This pass rewrites that plan, replacing
some steps with fused siblings that compute the same values with fewer passes over memory:

========================  ===================================================================
rule                      what it does
========================  ===================================================================
dense_activation          Dense with an activation whose derivative needs only the output
                          (relu, sigmoid, tanh, elu...): the activation runs inside ``ops.dense``
                          on the product's own buffer, one op and one backward. A sigmoid that
                          makes a model output stays its own op, so its logits stay on the output
                          for sigmoid_crossentropy.
dense_activation_layer    Dense (linear) followed by an Activation/ReLU layer that is its only
                          user: the same single op.
conv2d_activation         The same for Conv2D (channels_last) and ``ops.conv2d``.
conv2d_maxpool            Conv2D (relu or any non-decreasing activation) followed by the
                          MaxPooling2D that is its only user: convolve, pool, then add the bias
                          and apply the activation on the pooled quarter of the data. Max pooling
                          commutes with a per-channel bias and a non-decreasing function, so the
                          values are equal and every gradient too (same winner per window). With
                          the compiled pooling kernels it convolves and pools a chunk of images at
                          a time (``ops.pooling.conv2d_max_pool2d``).
conv_batchnorm            Conv2D or DepthwiseConv2D (linear), then the BatchNormalization that is
                          its only user, and optionally a ReLU/Activation after it, while the
                          BatchNormalization uses its moving statistics (inference, or frozen):
                          the normalisation folded into the kernel and bias (W * g / sqrt(v + e),
                          (b - m) * g / sqrt(v + e) + beta) and the activation run inside the
                          convolution: one op where there were three. While the normalisation
                          uses batch statistics (training), the convolution runs on its own and
                          the normalisation and activation as batchnorm_activation.
batchnorm_activation      BatchNormalization using batch statistics (training, not frozen), then
                          the Activation/ReLU layer that is its only user: one ``normalize`` op
                          with the activation inside. With the compiled batch-norm kernels a
                          ReLU runs inside their passes (its backward's mask from the normalised
                          values they make again): two passes over the data fewer each way.
softmax_crossentropy      Cross-entropy on probabilities that a softmax made: computed from the
                          softmax's logits (``y_pred.pre_activation``), stable and with the
                          gradient p - y.
sigmoid_crossentropy      The same for binary cross-entropy after a sigmoid.
inference_chain           ``predict`` of a model that is a chain of Dense (any activation of the
                          table, or softmax), Flatten, Dropout and Activation/ReLU layers: the
                          fused plan run on NumPy arrays, with no Tensors, no tape and no
                          per-layer call machinery; the same arithmetic functions as the ops
                          (``dense_rows``, ``softmax_array``), so the same bits.
training_chain            ``train_step`` of a model that is a chain of Dense layers (hidden ones
                          fused by dense_activation, the last one plain): their forward and
                          backward on arrays with the ``dense`` op's arithmetic, the last product
                          a leaf tensor that the last activation, ``compute_loss``, the metrics
                          and the optimizer use as in the reference step; the same bits, with
                          no tape nodes or layer calls for the Dense layers. An eager call
                          (``model(x)``) of such a model runs the same forward as one op on the
                          tape, whose backward is the same arithmetic; on one array or Tensor of
                          the chain's dtype ``Model.__call__`` runs it directly, without the
                          layer-call machinery around it.
========================  ===================================================================

Rules apply when a model's plan is made (at its first call, after it is built) and to the losses
when ``compile`` resolves them. A rule never fires on a layer with forward or backward hooks or
an activity regularizer, and a fused step checks at every call that its layers still look as
they did (activation unchanged, no hooks since) and otherwise runs the reference steps.

``glassnet.config.disable_fusion()``, the ``glassnet.config.fusion_disabled()`` context manager,
or ``set_fusion_enabled(False)`` turn every rule off; ``model.fusion_report()`` and
``model.summary(show_fusion=True)`` list which rules fired on which layers.

Example:

>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu")])
>>> [(f.rule, f.layers) for f in model.fusion_report()]
[('dense_activation', ['dense'])]
"""

from dataclasses import dataclass

from glassnet import activations, losses
from glassnet.autograd.tensor import Tensor, from_op
from glassnet.autograd.variable import Variable
from glassnet.backend import config, xp
from glassnet.layers import (
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    DepthwiseConv2D,
    Dropout,
    Flatten,
    MaxPooling2D,
    ReLU,
    in_training_mode,
)
from glassnet.ops._helpers import sum_rows
from glassnet.ops.activation import ACTIVATIONS, apply_activation, get_spec, softmax_array
from glassnet.ops.conv import conv2d, depthwise_conv2d
from glassnet.ops.elementwise import add, multiply
from glassnet.ops.linalg import dense, dense_rows
from glassnet.ops.manipulation import reshape
from glassnet.ops.pooling import conv2d_max_pool2d


@dataclass(frozen=True)
class Rule:
    """A fusion rule: its name and what it does (the table in this module's docstring).

    Args:
        name: the rule's name, as ``Fusion.rule`` and ``model.fusion_report()`` show it.
        description: one line saying what the rule fuses.

    Example:

    >>> rules()[0]
    Rule(name='dense_activation', description='Dense + its activation as one op (ops.dense)')
    """

    name: str
    description: str


RULES = (
    Rule("dense_activation", "Dense + its activation as one op (ops.dense)"),
    Rule("dense_activation_layer", "Dense + the Activation/ReLU layer after it as one op"),
    Rule("conv2d_activation", "Conv2D + its activation as one op (ops.conv2d)"),
    Rule("conv2d_maxpool", "Conv2D + MaxPooling2D: pool before the bias and activation"),
    Rule(
        "conv_batchnorm",
        "Conv2D/DepthwiseConv2D + BatchNormalization (+ activation) folded into one convolution "
        "while the normalisation uses its moving statistics",
    ),
    Rule(
        "batchnorm_activation",
        "BatchNormalization with batch statistics + the Activation/ReLU layer after it as one op",
    ),
    Rule("softmax_crossentropy", "softmax + cross-entropy computed from the logits"),
    Rule("sigmoid_crossentropy", "sigmoid + binary cross-entropy computed from the logits"),
    Rule(
        "inference_chain",
        "predict of a chain of Dense/Flatten/Dropout/Activation layers on NumPy arrays, no tape",
    ),
    Rule(
        "training_chain",
        "train_step of a chain of Dense layers: their forward and backward on arrays, the loss "
        "and the optimizer as in the reference step; model(x) of it as one op on the tape",
    ),
)


@dataclass
class Fusion:
    """One application of a rule: which rule, on which layers (or which output's loss).

    Args:
        rule: the rule's name.
        layers: the names of the layers the fused step stands for.

    Example:

    >>> import glassnet as keras
    >>> dense = keras.layers.Dense(3, activation="tanh", name="hidden")
    >>> keras.Sequential([keras.Input((4,)), dense]).fusion_report()
    [Fusion(rule='dense_activation', layers=['hidden'])]
    """

    rule: str
    layers: list


def activation_name(layer):
    """Keras's name of a layer's activation when it is that built-in function itself; None for
    anything else (a custom callable, even one named like a built-in, or a partial of one).

    Args:
        layer: any layer; one without an ``activation`` attribute gives None.

    Example:

    >>> import glassnet as keras
    >>> activation_name(keras.layers.Dense(2, activation="relu"))
    'relu'
    >>> activation_name(keras.layers.Dense(2, activation=lambda x: x)) is None
    True
    """
    activation = getattr(layer, "activation", None)
    try:
        name = activations.serialize(activation)
        return name if activations.get(name) is activation else None
    except (ValueError, TypeError, AttributeError):
        return None


def _plain(layer, cls):
    """``layer`` is exactly what the rule knows: ``cls`` or a subclass with ``cls``'s call, built,
    without hooks or activity regularizer (those need the layer's own output)."""
    return (
        isinstance(layer, cls)
        and type(layer).call is cls.call
        and layer.built
        and not layer.has_hooks
        and layer.activity_regularizer is None
    )


def _fusable_activation(layer, writes_output=False):
    """The layer's activation when one of the fused ops can apply it (linear: nothing to do).

    A sigmoid whose result is a model output is left to its own op: that op keeps the logits on
    its output (``pre_activation``), which the sigmoid_crossentropy rule computes the loss from.
    """
    spec = ACTIVATIONS.get(activation_name(layer))
    if spec is None or spec.name == "linear" or not spec.from_output:
        return None
    return None if writes_output and spec.name == "sigmoid" else spec.name


# -- fused steps -----------------------------------------------------------------------------------
class FusedStep:
    """A step standing for ``reference`` steps; runs them instead when ``still_valid`` fails.

    Subclasses implement ``compute(x)``; a step is valid while its layers have no hooks and
    the activations they had when it was made, the input has no mask, and it is a Tensor of
    the first layer's dtype.

    Args:
        rule: the rule's name.
        reference: the NodeSteps it replaces, in order.
        in_slot, out_slot: where its input is read and its output written.

    Example:

    >>> import glassnet as keras
    >>> dense = keras.layers.Dense(3, activation="relu", name="hidden")
    >>> step = keras.Sequential([keras.Input((4,)), dense]).execution_plan().steps[0]
    >>> isinstance(step, FusedStep), step.rule, [layer.name for layer in step.layers]
    (True, 'dense_activation', ['hidden'])
    """

    def __init__(self, rule, reference, in_slot, out_slot):
        self.rule, self.reference = rule, reference
        self.in_slot, self.out_slot = in_slot, out_slot
        self.layers = [layer for step in reference for layer in step.layers]
        self.activations = [getattr(layer, "activation", None) for layer in self.layers]
        self.dtypes = [xp.dtype(layer.dtype) for layer in self.layers]

    def still_valid(self, x, mask):
        for layer, activation in zip(self.layers, self.activations):
            if layer.has_hooks or getattr(layer, "activation", None) is not activation:
                return False
        return mask is None and type(x) is Tensor and x.data.dtype == self.dtypes[0]

    def run(self, values, masks):
        x = values[self.in_slot]
        if not self.still_valid(x, masks[self.in_slot]):
            for step in self.reference:
                step.run(values, masks)
            return
        values[self.out_slot] = self.compute(x)

    def compute(self, x):
        raise NotImplementedError

    def fusions(self):
        """The report's entries for this step: its rule on its layers."""
        return [Fusion(self.rule, [layer.name for layer in self.layers])]


class DenseActivationStep(FusedStep):
    """The dense_activation and dense_activation_layer rules: Dense (and an activation layer)
    as one ``ops.dense`` call with the activation inside.

    Args:
        rule: "dense_activation" or "dense_activation_layer".
        reference: the Dense step, and the activation layer's step for the second rule.
        in_slot: where the Dense layer's input is read.
        out_slot: where the last reference step's output is written.
        activation: the name of the activation ``ops.dense`` applies.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential(
    ...     [keras.Input((4,)), keras.layers.Dense(3), keras.layers.ReLU()]
    ... )
    >>> step = model.execution_plan().steps[0]
    >>> type(step).__name__, step.rule, step.activation_name
    ('DenseActivationStep', 'dense_activation_layer', 'relu')
    """

    def __init__(self, rule, reference, in_slot, out_slot, activation):
        super().__init__(rule, reference, in_slot, out_slot)
        self.activation_name = activation

    def compute(self, x):
        layer = self.layers[0]
        return dense(x, layer.kernel, layer.bias, self.activation_name)


class Conv2DActivationStep(FusedStep):
    """The conv2d_activation rule: a channels-last Conv2D and its activation as one
    ``ops.conv2d`` call.

    Args:
        rule: "conv2d_activation".
        reference: the Conv2D layer's step.
        in_slot: where the convolution's input is read.
        out_slot: where its output is written.
        activation: the name of the activation ``ops.conv2d`` applies.

    Example:

    >>> import glassnet as keras
    >>> conv = keras.layers.Conv2D(2, 3, activation="tanh")
    >>> model = keras.Sequential([keras.Input((5, 5, 1)), conv])
    >>> type(model.execution_plan().steps[0]).__name__
    'Conv2DActivationStep'
    """

    def __init__(self, rule, reference, in_slot, out_slot, activation):
        super().__init__(rule, reference, in_slot, out_slot)
        self.activation_name = activation

    def compute(self, x):
        layer = self.layers[0]
        return conv2d(
            x,
            layer.kernel,
            layer.bias,
            layer.strides,
            layer.padding,
            layer.dilation_rate,
            layer.groups,
            self.activation_name,
        )


class Conv2DMaxPoolStep(FusedStep):
    """The conv2d_maxpool rule: convolve, max-pool, then add the bias and apply the (non-decreasing)
    activation on the pooled values.

    Args:
        rule: "conv2d_maxpool".
        reference: the Conv2D step and the MaxPooling2D step that reads it.
        in_slot: where the convolution's input is read.
        out_slot: where the pooling's output is written.
        activation: the name of the Conv2D layer's activation.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential(
    ...     [keras.Input((6, 6, 1)), keras.layers.Conv2D(2, 3, activation="relu", name="conv"),
    ...      keras.layers.MaxPooling2D(name="pool")]
    ... )
    >>> model.fusion_report()
    [Fusion(rule='conv2d_maxpool', layers=['conv', 'pool'])]
    """

    def __init__(self, rule, reference, in_slot, out_slot, activation):
        super().__init__(rule, reference, in_slot, out_slot)
        self.spec = get_spec(activation)

    def compute(self, x):
        conv, pool = self.layers
        # an activation runs inside the op when its derivative needs only the output, except a
        # sigmoid, which keeps its logits on the output for the sigmoid_crossentropy rule
        inside = self.spec.from_output and self.spec.name != "sigmoid"
        z = conv2d_max_pool2d(
            x,
            conv.kernel,
            conv.bias,
            conv.strides,
            conv.padding,
            conv.dilation_rate,
            conv.groups,
            pool.pool_size,
            pool.strides,
            pool.padding,
            self.spec.name if inside else "linear",
        )
        return z if inside or self.spec.name == "linear" else apply_activation(self.spec, z)


class ConvBatchNormStep(FusedStep):
    """conv (no activation) -> BatchNormalization with moving statistics [-> activation layer],
    as one convolution with a scaled kernel and a shifted bias.

    While the BatchNormalization is trainable and training mode is on it uses batch
    statistics, so the step is not valid: the convolution's reference step runs, then the
    normalisation and the activation layer as one batchnorm_activation step (or the
    normalisation's reference step when there is no activation layer).

    Args:
        rule: "conv_batchnorm".
        reference: the Conv2D or DepthwiseConv2D step, the BatchNormalization step, and
            optionally the activation layer's step.
        in_slot: where the convolution's input is read.
        out_slot: where the last reference step's output is written.
        activation: the name of the activation the convolution applies ("linear" for none).

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential(
    ...     [keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3, use_bias=False, name="conv"),
    ...      keras.layers.BatchNormalization(name="bn"), keras.layers.ReLU(name="relu")]
    ... )
    >>> for fusion in model.fusion_report():
    ...     print(fusion)
    Fusion(rule='conv_batchnorm', layers=['conv', 'bn', 'relu'])
    Fusion(rule='batchnorm_activation', layers=['bn', 'relu'])
    """

    def __init__(self, rule, reference, in_slot, out_slot, activation):
        super().__init__(rule, reference, in_slot, out_slot)
        self.activation_name = activation
        self.unfolded = list(reference)  # what runs when the step is not valid
        normalization, after = reference[1], reference[2] if len(reference) == 3 else None
        if after is not None and after.operation.dtype == normalization.operation.dtype:
            self.unfolded[1:] = [
                BatchNormActivationStep(
                    "batchnorm_activation",
                    [normalization, after],
                    normalization.in_slot,
                    after.out_slots[0],
                    activation,
                )
            ]

    def still_valid(self, x, mask):
        normalization = self.layers[1]
        if in_training_mode() and normalization.trainable:  # batch statistics: no folding
            return False
        return super().still_valid(x, mask)

    def run(self, values, masks):
        if not self.still_valid(values[self.in_slot], masks[self.in_slot]):
            for step in self.unfolded:  # a fused step among them checks itself
                step.run(values, masks)
            return
        values[self.out_slot] = self.compute(values[self.in_slot])

    def fusions(self):
        inner = [step for step in self.unfolded if isinstance(step, FusedStep)]
        return super().fusions() + [fusion for step in inner for fusion in step.fusions()]

    def compute(self, x):
        conv, normalization = self.layers[0], self.layers[1]
        inv = 1.0 / xp.sqrt(normalization.moving_variance.data + normalization.epsilon)
        # scale = gamma / sqrt(v + e); shift = beta - mean * scale (the moving statistics are
        # constants here; gamma and beta, when trainable, get their gradients through the ops)
        scale = inv if normalization.gamma is None else multiply(normalization.gamma, inv)
        shift = multiply(scale, -normalization.moving_mean.data)
        if normalization.beta is not None:
            shift = add(shift, normalization.beta)
        if conv.bias is not None:
            shift = add(shift, multiply(conv.bias, scale))
        if isinstance(conv, DepthwiseConv2D):
            channels, multiplier = conv.kernel.shape[2:]
            kernel = multiply(conv.kernel, reshape(scale, (channels, multiplier)))
            return depthwise_conv2d(
                x,
                kernel,
                shift,
                conv.strides,
                conv.padding,
                conv.dilation_rate,
                self.activation_name,
            )
        kernel = multiply(conv.kernel, scale)
        return conv2d(
            x,
            kernel,
            shift,
            conv.strides,
            conv.padding,
            conv.dilation_rate,
            conv.groups,
            self.activation_name,
        )


class BatchNormActivationStep(FusedStep):
    """The batchnorm_activation rule: a BatchNormalization normalising with its batch's
    statistics and the activation layer after it, as one ``normalize`` op with the activation
    inside (``BatchNormalization.normalize_batch``).

    With moving statistics (inference, or a frozen layer) the step is not valid and the
    reference steps run.

    Args:
        rule: "batchnorm_activation".
        reference: the BatchNormalization step and the activation layer's step.
        in_slot: where the normalisation's input is read.
        out_slot: where the activation layer's output is written.
        activation: the name of the activation the op applies.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential(
    ...     [keras.Input((3,)), keras.layers.Dense(4, name="dense"),
    ...      keras.layers.BatchNormalization(name="bn"), keras.layers.ReLU(name="relu")]
    ... )
    >>> model.fusion_report()
    [Fusion(rule='batchnorm_activation', layers=['bn', 'relu'])]
    """

    def __init__(self, rule, reference, in_slot, out_slot, activation):
        super().__init__(rule, reference, in_slot, out_slot)
        self.activation_name = activation

    def still_valid(self, x, mask):
        if not (in_training_mode() and self.layers[0].trainable):  # moving statistics
            return False
        return super().still_valid(x, mask)

    def compute(self, x):
        return self.layers[0].normalize_batch(x, self.activation_name)


# -- the graph rules -------------------------------------------------------------------------------
def _single_in_out(step):
    return step.single_input and step.single_output and not step.static_kwargs


def fuse_plan(plan):
    """Apply the graph rules to ``plan`` in place; record what fired in ``plan.fusions``.

    Also sets ``plan.inference`` to the plan's ``InferenceChain`` (or None).

    Args:
        plan: a ``GraphPlan`` of reference steps.

    Returns:
        ``plan`` itself.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu",
    ...                                                              name="hidden")])
    >>> plan = model.execution_plan(fused=False)
    >>> plan.fusions
    []
    >>> fuse_plan(plan).fusions
    [Fusion(rule='dense_activation', layers=['hidden'])]
    """
    readers = plan.consumers()
    outputs = plan.output_slot_set()
    steps, replaced = [], set()

    def only_reader(step):
        """The single step that reads ``step``'s output, when the model does not return it."""
        users = readers.get(step.out_slots[0], [])
        if len(users) == 1 and step.out_slots[0] not in outputs and _single_in_out(users[0]):
            return users[0]
        return None

    fused_at = {}  # id(later step) -> the fused step that stands for it and an earlier one
    for step in plan.steps:
        if id(step) in replaced or not _single_in_out(step):
            continue
        layer = step.operation
        nxt = only_reader(step)
        folded = _conv_batchnorm(step, nxt, only_reader, outputs)
        if folded is not None:
            replaced.update(id(s) for s in folded.reference)
            fused_at[id(folded.reference[-1])] = folded
            continue
        fused = _batchnorm_activation(step, nxt, outputs)
        if fused is not None:
            replaced.update(id(s) for s in fused.reference)
            fused_at[id(nxt)] = fused
            continue
        if _plain(layer, Conv2D) and layer.data_format == "channels_last":
            name = activation_name(layer)
            pool = nxt.operation if nxt is not None else None
            if (
                name in ACTIVATIONS
                and ACTIVATIONS[name].monotone
                and _plain(pool, MaxPooling2D)
                and pool.data_format == "channels_last"
                and pool.dtype == layer.dtype
            ):
                fused = Conv2DMaxPoolStep(
                    "conv2d_maxpool", [step, nxt], step.in_slot, nxt.out_slots[0], name
                )
                replaced.update((id(step), id(nxt)))
                fused_at[id(nxt)] = fused
                continue
            name = _fusable_activation(layer, step.out_slots[0] in outputs)
            if name is not None:
                fused_at[id(step)] = Conv2DActivationStep(
                    "conv2d_activation", [step], step.in_slot, step.out_slots[0], name
                )
                replaced.add(id(step))
        elif _plain(layer, Dense):
            name = _fusable_activation(layer, step.out_slots[0] in outputs)
            if name is not None:
                fused_at[id(step)] = DenseActivationStep(
                    "dense_activation", [step], step.in_slot, step.out_slots[0], name
                )
                replaced.add(id(step))
            elif activation_name(layer) == "linear" and nxt is not None:
                name = _activation_layer_name(nxt.operation, nxt.out_slots[0] in outputs)
                if name is not None:
                    fused = DenseActivationStep(
                        "dense_activation_layer", [step, nxt], step.in_slot, nxt.out_slots[0], name
                    )
                    replaced.update((id(step), id(nxt)))
                    fused_at[id(nxt)] = fused
    for step in plan.steps:
        if id(step) in fused_at:
            fused = fused_at[id(step)]
            steps.append(fused)
            plan.fusions.extend(fused.fusions())
        elif id(step) not in replaced:
            steps.append(step)
    plan.steps = steps
    plan.inference = inference_chain(plan)
    plan.training = training_chain(plan)
    return plan


def _conv_batchnorm(step, nxt, only_reader, outputs):
    """The conv_batchnorm rule's fused step for ``step`` (a plain linear Conv2D or DepthwiseConv2D
    whose only user is a plain channels-last BatchNormalization), or None. ``outputs``: the
    plan's output slots."""
    conv = step.operation
    is_conv = _plain(conv, Conv2D) or _plain(conv, DepthwiseConv2D)
    if not is_conv or conv.data_format != "channels_last" or activation_name(conv) != "linear":
        return None
    normalization = nxt.operation if nxt is not None else None
    if not _plain(normalization, BatchNormalization) or normalization.axis not in (-1, 3):
        return None
    if normalization.dtype != conv.dtype:
        return None
    reference, name = [step, nxt], "linear"
    after = only_reader(nxt)
    if after is not None:
        fused_name = _activation_layer_name(after.operation, after.out_slots[0] in outputs)
        if fused_name is not None:
            reference.append(after)
            name = fused_name
    return ConvBatchNormStep(
        "conv_batchnorm", reference, step.in_slot, reference[-1].out_slots[0], name
    )


def _batchnorm_activation(step, nxt, outputs):
    """The batchnorm_activation rule's fused step for ``step`` (a plain BatchNormalization whose
    only user is an activation layer of its dtype that the op can apply), or None."""
    normalization = step.operation
    if nxt is None or not _plain(normalization, BatchNormalization):
        return None
    name = _activation_layer_name(nxt.operation, nxt.out_slots[0] in outputs)
    if name is None or nxt.operation.dtype != normalization.dtype:
        return None
    return BatchNormActivationStep(
        "batchnorm_activation", [step, nxt], step.in_slot, nxt.out_slots[0], name
    )


def _activation_layer_name(layer, writes_output=False):
    """The fusable activation an Activation or plain ReLU layer applies, else None."""
    if _plain(layer, Activation):
        return _fusable_activation(layer, writes_output)
    if _plain(layer, ReLU) and layer.negative_slope == 0 and layer.threshold == 0:
        if layer.max_value is None:
            return "relu"
        if float(layer.max_value) == 6.0:
            return "relu6"
    return None


# -- inference without the tape -------------------------------------------------------------------
class InferenceChain:
    """The inference_chain rule: a fused plan that is one chain of steps, run on arrays.

    ``predict`` uses it for a batch that ``accepts`` takes (a NumPy array of the input's shape
    and a number dtype) while every layer still looks as it did when the chain was made (no
    hooks since, activation unchanged); otherwise it runs the reference ``predict_step``.

    Args:
        input_shape: the model input's shape (batch axis None).
        dtype: the dtype every layer of the chain computes in.
        links: ``(layer, fn)`` pairs; ``fn`` maps the previous array to the next.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> hidden = keras.layers.Dense(3, activation="relu", name="hidden")
    >>> model = keras.Sequential([keras.Input((2,)), hidden])
    >>> chain = model.execution_plan().inference
    >>> [layer.name for layer in chain.layers]
    ['hidden']
    >>> x = np.ones((4, 2), dtype="float32")
    >>> bool(np.array_equal(chain.run(x), model(x).numpy()))
    True
    """

    def __init__(self, input_shape, dtype, links):
        self.input_shape, self.dtype = tuple(input_shape), dtype
        self.layers = [layer for layer, _ in links]
        self.functions = [fn for _, fn in links]
        self.activations = [getattr(layer, "activation", None) for layer in self.layers]
        features = self.input_shape[1:]
        self._features = None if None in features else features  # all known: one comparison

    def accepts(self, x):
        """True when ``run(x)`` gives what the reference path gives for ``x``."""
        if (
            type(x) is not xp.ndarray
            or x.dtype.kind not in "fiu"
            or x.ndim != len(self.input_shape)
        ):
            return False
        if self._features is not None:
            if x.shape[1:] != self._features:
                return False
        else:
            for expected, actual in zip(self.input_shape[1:], x.shape[1:]):
                if expected is not None and expected != actual:
                    return False
        for layer, activation in zip(self.layers, self.activations):
            if layer.has_hooks or getattr(layer, "activation", None) is not activation:
                return False
        return True

    def run(self, x):
        """The model's output for ``x`` as an array (call ``accepts`` first)."""
        if x.dtype is not self.dtype:
            x = x.astype(self.dtype)  # the cast the layers' calls make
        for fn in self.functions:
            x = fn(x)
        return x


class TrainingChain:
    """The training_chain rule: ``train_step`` of a model that is one chain of Dense layers, with
    the layers' forward and backward on arrays and no tape for them.

    The forward is the fused plan's arithmetic (``dense_rows``, each hidden activation inside its
    product); the last layer's product becomes a leaf tensor, and the last layer's own activation
    function (softmax, sigmoid...) makes the output from it as ``Dense.call`` does. So the
    model's ``compute_loss``, the loss rules, the metrics and the optimizer run as in the
    reference step; after ``loss.backward()`` has put dL/d(last product) on the leaf, ``backward``
    goes back through the layers with the ``dense`` op's own backward arithmetic and adds the
    kernels' and biases' gradients. The values are the reference step's bits. It steps aside
    (``accepts``) for hooks, penalties, computed or shared weights and frozen layers.

    Args:
        input_shape: the model input's shape (None for any size).
        dtype: the layers' dtype.
        layers: the Dense layers, first to last.
        inside: for each layer, the name of the activation its product applies in place
            ("linear" for the last one, whose activation runs as its own op).

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="relu",
    ...                           name="hidden"), keras.layers.Dense(1, name="out")])
    >>> chain = model.execution_plan().training
    >>> [layer.name for layer in chain.layers], chain.inside
    (['hidden', 'out'], ['relu', 'linear'])
    """

    def __init__(self, input_shape, dtype, layers, inside):
        self.input_shape, self.dtype = tuple(input_shape), dtype
        self.layers, self.inside = list(layers), list(inside)
        self.specs = [get_spec(name) for name in inside]
        self.activations = [layer.activation for layer in self.layers]
        never = object()  # nothing is vetted yet (see _vet_weights)
        self._vetted = [(never, never)] * len(self.layers)

    def accepts(self, x):
        """True when ``forward(x)`` gives what the reference step computes for ``x``."""
        if (
            type(x) is not xp.ndarray
            or x.dtype.kind not in "fiu"
            or x.ndim != 2
            or len(self.input_shape) != 2
            or (self.input_shape[1] is not None and self.input_shape[1] != x.shape[1])
        ):
            return False
        vetted = True
        for layer, activation, (kernel, bias) in zip(self.layers, self.activations, self._vetted):
            if layer.has_hooks or layer.activation is not activation:
                return False
            if layer.activity_regularizer is not None or not layer.trainable:
                return False
            if layer.kernel is not kernel or layer.bias is not bias:
                vetted = False  # every weight is vetted again below, after every layer's checks
                continue
            # a penalty passes its gradient on through the tape; a gradient hook must see the
            # weight's whole gradient (both can come to a weight already vetted)
            if kernel.regularizer is not None or kernel._hooks:
                return False
            if bias is not None and (bias.regularizer is not None or bias._hooks):
                return False
        return vetted or self._vet_weights()

    def _vet_weights(self):
        """Whether every kernel and bias is a Variable of its own, without penalty or gradient
        hook; if so, they are kept (``_vetted``), so that the next ``accepts`` only compares them
        by identity and looks at their penalty and hooks again."""
        weights = set()
        for layer in self.layers:
            for weight in (layer.kernel, layer.bias):
                if weight is None:
                    continue
                # a computed kernel (not a Variable) passes its gradient on through the tape, and
                # so does a penalty; a gradient hook must see the weight's whole gradient; a
                # weight used twice (a layer called twice, or shared) gets two contributions
                if not isinstance(weight, Variable) or weight.regularizer is not None:
                    return False
                if weight._hooks or id(weight) in weights:
                    return False
                weights.add(id(weight))
        self._vetted = [(layer.kernel, layer.bias) for layer in self.layers]
        return True

    def forward(self, x):
        """(y_pred, backward): the output tensor, and a function that, after ``backward()`` of a
        loss of it, sets the gradients of the layers' kernels and biases."""
        rows = self._rows(x)
        # the last layer's product, before its activation: a leaf the loss's backward reaches
        product = Tensor(rows.pop(), requires_grad=True)
        y_pred = self.layers[-1].activation(product)

        def backward():
            grad = product.grad  # dL/d(last product), put there by the loss's backward
            if grad is None:
                return
            for layer, grad_kernel, grad_bias in self._gradients(rows, grad):
                _add_gradient(layer.kernel, grad_kernel)
                if grad_bias is not None:
                    _add_gradient(layer.bias, grad_bias)

        return y_pred, backward

    def call(self, x):
        """The model's output for the Tensor ``x`` (call ``accepts(x.data)`` first): the chain as
        one op on the tape, its parents x and every kernel and bias, its backward the ``dense``
        op's arithmetic layer by layer; the last layer's activation after it as its own op, as
        ``Dense.call`` applies it (so a softmax keeps its logits for the loss rules). An eager
        ``model(x)`` of a Functional or Sequential model runs this.

        Args:
            x: a Tensor of the input's shape.

        Returns:
            the output Tensor.

        Example:

        >>> import numpy as np
        >>> import glassnet as keras
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, name="out")])
        >>> chain = model.execution_plan().training
        >>> x = keras.Tensor(np.ones((3, 2), dtype="float32"))
        >>> bool(np.array_equal(chain.call(x).numpy(), model(x).numpy()))
        True
        """
        weights = []
        rows = self._rows(x.data, weights)

        def backward(grad_output):
            grads = []  # last layer first, reversed below
            for _, grad_kernel, grad_bias in self._gradients(rows, grad_output, x.requires_grad):
                grads += [grad_bias, grad_kernel] if grad_bias is not None else [grad_kernel]
            if not x.requires_grad:
                grads.append(None)
            return tuple(reversed(grads))

        product = from_op(rows.pop(), (x, *weights), backward)
        return self.layers[-1].activation(product)

    def _rows(self, x, weights=None):
        """[x in the layers' dtype, each layer's output]: the forward on arrays, each hidden
        activation inside its product; the last entry is the last layer's product. The kernels
        and biases it reads are appended to ``weights`` when given."""
        rows = [x if x.dtype is self.dtype else x.astype(self.dtype)]  # the layers' cast
        for layer, spec in zip(self.layers, self.specs):
            kernel, bias = layer.kernel, layer.bias
            if weights is not None:
                weights.append(kernel)
                if bias is not None:
                    weights.append(bias)
            bias_data = None if bias is None else bias.data
            rows.append(dense_rows(rows[-1], kernel.data, bias_data, spec))
        return rows

    def _gradients(self, rows, grad, input_gradient=False):
        """(layer, dL/dkernel, dL/dbias or None) for every layer, last first, from ``grad`` =
        dL/d(last product) and the forward's ``rows`` (the last product popped), with the
        ``dense`` op's backward arithmetic; then (None, dL/dx, None) when ``input_gradient``."""
        outputs = rows[1:] + [None]
        for index in reversed(range(len(self.layers))):
            layer, spec = self.layers[index], self.specs[index]
            if spec.name != "linear":  # as the dense op's backward: f' from the output
                grad = spec.chain(grad, None, outputs[index])
            passes_on = index > 0 or input_gradient
            if passes_on:
                grad_input = grad @ layer.kernel.data.T
            grad_bias = None if layer.bias is None else sum_rows(grad)
            yield layer, rows[index].T @ grad, grad_bias
            if passes_on:
                grad = grad_input
        if input_gradient:
            yield None, grad, None


def _add_gradient(weight, grad):
    """Add ``grad`` to ``weight.grad``, as the engine does for a leaf: the loss's own backward may
    already have put a gradient there (a loss that reads the weight)."""
    weight.grad = grad if weight.grad is None else weight.grad + grad


def training_chain(plan):
    """The TrainingChain of a fused plan, or None: the plan must be one chain of Dense layers
    whose hidden activations run inside their products (dense_activation) and whose last one is
    plain (its activation, any built-in, runs as its own op).

    Args:
        plan: a ``GraphPlan`` after ``fuse_plan``.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    >>> training_chain(model.execution_plan()).inside
    ['linear']
    """
    if len(plan.inputs) != 1 or not plan.steps:
        return None
    slot, layers, inside = plan.input_slots[0], [], []
    for index, step in enumerate(plan.steps):
        last = index == len(plan.steps) - 1
        if isinstance(step, DenseActivationStep) and len(step.layers) == 1 and not last:
            layers.append(step.layers[0])
            inside.append(step.activation_name)
        elif (
            last
            and not isinstance(step, FusedStep)
            and _single_in_out(step)
            and _plain(step.operation, Dense)
            and activation_name(step.operation) is not None
        ):
            layers.append(step.operation)
            inside.append("linear")
        else:
            return None
        if step.in_slot != slot:
            return None
        slot = step.out_slot if isinstance(step, FusedStep) else step.out_slots[0]
    if plan.single_output_slot() != slot:
        return None
    dtypes = {xp.dtype(layer.dtype) for layer in layers}
    dtypes |= {xp.dtype(getattr(layer, "compute_dtype", layer.dtype)) for layer in layers}
    input_dtype = xp.dtype(plan.inputs[0].dtype) if plan.inputs[0].dtype else None
    if len(dtypes) != 1 or next(iter(dtypes)).kind != "f" or input_dtype not in dtypes:
        return None
    return TrainingChain(plan.inputs[0].shape, next(iter(dtypes)), layers, inside)


def _dense_link(layer, spec, then_softmax=False):
    def run(x):
        kernel = layer.kernel.data
        bias = None if layer.bias is None else layer.bias.data
        if x.ndim == 2:
            out = dense_rows(x, kernel, bias, spec)
        else:
            out = dense_rows(x.reshape(-1, x.shape[-1]), kernel, bias, spec)
            out = out.reshape(*x.shape[:-1], kernel.shape[1])
        return softmax_array(out, -1) if then_softmax else out

    return run


def _activation_link(name):
    if name == "softmax":
        return lambda x: softmax_array(x, -1)
    spec = ACTIVATIONS[name]
    return lambda x: spec.forward(x)


def _flatten(x):
    return x.reshape(x.shape[0], -1)


def _identity(x):
    return x


def _step_link(step):
    """``(layer, fn)`` pairs for one step of a fused plan, or None when the chain cannot run it."""
    if isinstance(step, DenseActivationStep):
        dense_layer = step.layers[0]
        links = [(dense_layer, _dense_link(dense_layer, get_spec(step.activation_name)))]
        return links + [(layer, _identity) for layer in step.layers[1:]]
    if isinstance(step, FusedStep) or not _single_in_out(step):
        return None
    layer = step.operation
    if _plain(layer, Dense):
        name = activation_name(layer)
        if name == "softmax":
            return [(layer, _dense_link(layer, ACTIVATIONS["linear"], then_softmax=True))]
        if name in ACTIVATIONS:
            return [(layer, _dense_link(layer, ACTIVATIONS[name]))]
        return None
    if _plain(layer, Flatten) and layer.data_format == "channels_last":
        return [(layer, _flatten)]
    if _plain(layer, Dropout):
        return [(layer, _identity)]
    if _plain(layer, Activation):
        name = activation_name(layer)
        known = name in ACTIVATIONS or name == "softmax"
        return [(layer, _activation_link(name))] if known else None
    name = _activation_layer_name(layer)  # ReLU layers with relu or relu6 behaviour
    return None if name is None else [(layer, _activation_link(name))]


def inference_chain(plan):
    """The InferenceChain of a fused plan, or None when the plan is not one chain of steps the
    chain can run (one input, one output, each step reading the previous step's output).

    Args:
        plan: a ``GraphPlan`` after ``fuse_plan``.

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="out")])
    >>> [layer.name for layer in inference_chain(model.execution_plan()).layers]
    ['out']
    """
    if len(plan.inputs) != 1 or len(plan.steps) == 0:
        return None
    slot, links = plan.input_slots[0], []
    for step in plan.steps:
        link = _step_link(step)
        if link is None or step.in_slot != slot:
            return None
        links += link
        slot = step.out_slot if isinstance(step, FusedStep) else step.out_slots[0]
    if plan.single_output_slot() != slot:
        return None
    dtypes = {xp.dtype(layer.dtype) for layer, _ in links}
    input_dtype = xp.dtype(plan.inputs[0].dtype) if plan.inputs[0].dtype else None
    if len(dtypes) != 1 or next(iter(dtypes)).kind != "f" or input_dtype not in dtypes:
        return None
    return InferenceChain(plan.inputs[0].shape, next(iter(dtypes)), links)


# -- the loss rules --------------------------------------------------------------------------------
_SOFTMAX_LOSSES = (losses.CategoricalCrossentropy, losses.SparseCategoricalCrossentropy)
_SOFTMAX_FUNCTIONS = (losses.categorical_crossentropy, losses.sparse_categorical_crossentropy)


def _from_logits_twin(loss):
    """The same loss configured with from_logits=True, or None if it is not a cross-entropy on
    probabilities; and the activation whose logits it can take."""
    if isinstance(loss, losses.LossFunctionWrapper):
        if loss.fn_kwargs.get("from_logits"):
            return None, None
        if loss.fn in _SOFTMAX_FUNCTIONS:
            kind = "softmax"
        elif loss.fn is losses.binary_crossentropy:
            kind = "sigmoid"
        else:
            return None, None
        kwargs = {**loss.fn_kwargs, "from_logits": True}
        twin = losses.LossFunctionWrapper(
            loss.fn, name=loss.name, reduction=loss.reduction, **kwargs
        )
        return twin, kind
    if type(loss) in _SOFTMAX_LOSSES:
        kind = "softmax"
    elif type(loss) is losses.BinaryCrossentropy:
        kind = "sigmoid"
    else:
        return None, None
    config = loss.get_config()
    if config.get("from_logits"):
        return None, None
    return type(loss).from_config({**config, "from_logits": True}), kind


class LogitsCrossEntropy:
    """A compiled cross-entropy that, when ``y_pred`` came straight from a softmax (or sigmoid)
    and fusion is on, computes the loss from that activation's input instead.

    Args:
        loss: the loss as compiled (from probabilities).
        twin: the same loss with from_logits=True.
        activation: "softmax" or "sigmoid".

    Example:

    >>> import numpy as np
    >>> from glassnet import losses, ops
    >>> loss = fuse_loss(losses.CategoricalCrossentropy())
    >>> type(loss).__name__, loss.rule
    ('LogitsCrossEntropy', 'softmax_crossentropy')
    >>> probabilities = ops.softmax(np.array([[2.0, 0.0]]))
    >>> round(float(loss(np.array([[1.0, 0.0]]), probabilities)), 4)
    0.1269
    """

    def __init__(self, loss, twin, activation):
        self.loss, self.twin, self.activation = loss, twin, activation
        self.name = loss.name
        self.rule = f"{activation}_crossentropy"

    def __call__(self, y_true, y_pred, sample_weight=None):
        if (
            config.is_fusion_enabled()
            and isinstance(y_pred, Tensor)
            and y_pred.activation == self.activation
            and y_pred.pre_activation is not None
        ):
            return self.twin(y_true, y_pred.pre_activation, sample_weight)
        return self.loss(y_true, y_pred, sample_weight)


def fuse_loss(loss):
    """``loss`` wrapped by the cross-entropy rule when it applies, else ``loss`` itself.

    Args:
        loss: a compiled loss object, or None (returned as it is).

    Example:

    >>> from glassnet import losses
    >>> mse = losses.MeanSquaredError()
    >>> fuse_loss(mse) is mse
    True
    >>> fuse_loss(losses.BinaryCrossentropy()).rule
    'sigmoid_crossentropy'
    """
    if loss is None:
        return None
    twin, kind = _from_logits_twin(loss)
    return loss if twin is None else LogitsCrossEntropy(loss, twin, kind)


def rules():
    """Every rule, in the order the pass tries them.

    Example:

    >>> [rule.name for rule in rules()][:3]
    ['dense_activation', 'dense_activation_layer', 'conv2d_activation']
    """
    return list(RULES)
