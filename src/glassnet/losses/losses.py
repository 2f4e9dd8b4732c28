"""Loss objects: a per-sample loss function (from ``glassnet.ops.loss``) plus Keras's reduction.

Reduction 'sum_over_batch_size' (the default) is the mean of the (weighted) per-sample losses.
"""

from glassnet import ops
from glassnet.autograd.tensor import Tensor, as_tensor
from glassnet.backend import xp
from glassnet.utils.lookup import lookup

_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight", None)


def _same_rank(y_true, y_pred):
    """Keras's squeeze_or_expand_to_same_rank: (n,) labels against (n, 1) predictions, and back."""
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = ops.expand_dims(y_true, -1)
    elif y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    return y_true


def reduce_loss(values, sample_weight, reduction, where):
    if sample_weight is not None:
        weight = xp.asarray(getattr(sample_weight, "data", sample_weight), dtype=values.dtype)
        if weight.shape[0] != values.shape[0]:
            raise ValueError(
                f"{where}: sample_weight has {weight.shape[0]} entries for a batch of {values.shape[0]}"
            )
        weight = (
            weight.reshape(weight.shape + (1,) * (values.ndim - weight.ndim))
            if weight.ndim < values.ndim
            else weight
        )
        values = ops.multiply(values, weight)
    if reduction == "none" or reduction is None:
        return values
    if reduction == "sum":
        return ops.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return ops.divide(ops.sum(values), max(float(xp.sum(weight)), 1e-12))
    return ops.mean(values)


class Loss:
    """Base class: ``loss(y_true, y_pred, sample_weight=None)`` -> reduced scalar Tensor."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"{type(self).__name__}: reduction must be one of {[r for r in _REDUCTIONS if r]}, got {reduction!r}"
            )
        self.name = name or _snake(type(self).__name__)
        self.reduction = reduction

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = as_tensor(y_pred, where=self.name)
        y_true = as_tensor(y_true, like=y_pred, where=self.name)
        return reduce_loss(self.call(y_true, y_pred), sample_weight, self.reduction, self.name)

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _snake(name):
    from glassnet.utils.lookup import snake_case

    return snake_case(name)


class LossFunctionWrapper(Loss):
    """A loss from a function ``fn(y_true, y_pred, **kwargs)`` giving per-sample values."""

    def __init__(self, fn, name=None, reduction="sum_over_batch_size", **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "loss"), reduction=reduction)
        self.fn, self.fn_kwargs = fn, kwargs

    def call(self, y_true, y_pred):
        return self.fn(_same_rank(y_true, y_pred), y_pred, **self.fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self.fn_kwargs}


# -- the per-sample functions, as keras.losses exposes them ------------------------------------------
def mean_squared_error(y_true, y_pred):
    return ops.mean_squared_error(y_true, y_pred)


def mean_absolute_error(y_true, y_pred):
    return ops.mean_absolute_error(y_true, y_pred)


def huber(y_true, y_pred, delta=1.0):
    return ops.huber(y_true, y_pred, delta=delta)


def log_cosh(y_true, y_pred):
    return ops.log_cosh(y_true, y_pred)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, like=y_pred)
    if label_smoothing:
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, like=y_pred)
    if y_true.shape != y_pred.shape:
        hint = (
            " (integer labels need sparse_categorical_crossentropy)"
            if y_true.ndim < y_pred.ndim or y_true.shape[-1] == 1
            else ""
        )
        raise ValueError(
            f"categorical_crossentropy: one-hot labels of shape {y_true.shape} do not match predictions of shape {y_pred.shape}{hint}"
        )
    if label_smoothing:
        classes = y_pred.shape[axis]
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), label_smoothing / classes)
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    return ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def hinge(y_true, y_pred):
    return ops.hinge(y_true, y_pred)


def squared_hinge(y_true, y_pred):
    return ops.squared_hinge(y_true, y_pred)


def categorical_hinge(y_true, y_pred):
    y_pred = as_tensor(y_pred)
    y_true = as_tensor(y_true, like=y_pred)
    positive = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    negative = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.relu(ops.add(ops.subtract(negative, positive), 1.0))


def kl_divergence(y_true, y_pred):
    return ops.kl_divergence(y_true, y_pred)


def cosine_similarity(y_true, y_pred, axis=-1):
    return ops.cosine_similarity(y_true, y_pred, axis=axis)


# -- classes -----------------------------------------------------------------------------------------
def _loss_class(class_name, fn, default_name, **defaults):
    def __init__(
        self, *args, reduction="sum_over_batch_size", name=default_name, dtype=None, **kwargs
    ):
        options = dict(defaults)
        options.update(zip(defaults, args))
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(
                f"{class_name}: unexpected keyword argument(s) {sorted(unknown)}; accepted: {sorted(defaults)}"
            )
        options.update(kwargs)
        LossFunctionWrapper.__init__(self, fn, name=name, reduction=reduction, **options)

    cls = type(
        class_name,
        (LossFunctionWrapper,),
        {
            "__init__": __init__,
            "__doc__": f"Keras's {class_name}: {fn.__name__} averaged over the batch.",
        },
    )
    cls.__module__ = __name__
    return cls


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
Huber = _loss_class("Huber", huber, "huber_loss", delta=1.0)
LogCosh = _loss_class("LogCosh", log_cosh, "log_cosh")
BinaryCrossentropy = _loss_class(
    "BinaryCrossentropy",
    binary_crossentropy,
    "binary_crossentropy",
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
)
CategoricalCrossentropy = _loss_class(
    "CategoricalCrossentropy",
    categorical_crossentropy,
    "categorical_crossentropy",
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
)
SparseCategoricalCrossentropy = _loss_class(
    "SparseCategoricalCrossentropy",
    sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy",
    from_logits=False,
    axis=-1,
)
Hinge = _loss_class("Hinge", hinge, "hinge")
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge")
KLDivergence = _loss_class("KLDivergence", kl_divergence, "kl_divergence")
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity", axis=-1)


def _sparse_without_rank_fix(self, y_true, y_pred):
    return self.fn(y_true, y_pred, **self.fn_kwargs)


SparseCategoricalCrossentropy.call = _sparse_without_rank_fix  # labels keep their own rank

_BY_NAME = {
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "huber": Huber,
    "huber_loss": Huber,
    "log_cosh": LogCosh,
    "logcosh": LogCosh,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "kl_divergence": KLDivergence,
    "kld": KLDivergence,
    "kullback_leibler_divergence": KLDivergence,
    "cosine_similarity": CosineSimilarity,
}
_BY_CLASS = {cls.__name__.lower(): cls for cls in set(_BY_NAME.values())}


def get(identifier):
    """A Loss from a string ('mse', 'sparse_categorical_crossentropy', 'Huber'), a Loss or a function."""
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return lookup("loss", identifier["class_name"], _BY_CLASS).from_config(
            identifier.get("config", {})
        )
    if isinstance(identifier, str):
        return lookup("loss", identifier, {**_BY_NAME, **_BY_CLASS})()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        f"Could not interpret loss {identifier!r}: give a name, a Loss or a function (y_true, y_pred) -> per-sample loss"
    )


def is_tensor(x):
    return isinstance(x, Tensor)


def deserialize(config):
    """A Loss from {'class_name': ..., 'config': ...}, with the class taken from glassnet's losses only."""
    return lookup(
        "loss", config["class_name"], {cls.__name__: cls for cls in set(_BY_NAME.values())}
    ).from_config(config.get("config", {}))
