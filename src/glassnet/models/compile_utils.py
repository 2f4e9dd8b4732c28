"""What ``compile`` resolves once the model's outputs are known: one loss and a list of metrics
per output. Cross-entropy losses pass through the fusion pass's loss rules here."""

from glassnet import losses as losses_module
from glassnet import metrics as metrics_module
from glassnet.metrics import Mean
from glassnet.models.fusion import Fusion, LogitsCrossEntropy, fuse_loss


def _per_output(spec, names, what):
    """A single spec for every output, a list by position, or a dict by output name."""
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(
                f"compile: {what} given for unknown output(s) {sorted(unknown)}; "
                f"the model's outputs are {names}"
            )
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ValueError(
                f"compile: {what} has {len(spec)} entries but the model has "
                f"{len(names)} outputs {names}"
            )
        return list(spec)
    return [spec] * len(names)


class CompiledLossAndMetrics:
    """Losses, loss weights and metrics resolved against the model's outputs.

    Done at the first batch, because 'accuracy' depends on the shapes of the labels and
    predictions, as in Keras.

    Args:
        loss: what ``compile`` got: a name, Loss or function, or a list/dict per output.
        loss_weights: a scalar per output (list or dict), or None for 1.0 each.
        metrics: names or Metric objects, a list (for every output) or per output.
        weighted_metrics: the same, for metrics that use ``sample_weight``.
        output_names: the model's output names.
        y_true: the first batch's targets, one per output (for the shape-dependent metrics).
        y_pred: the first batch's predictions, one per output.

    Example:

    >>> import numpy as np
    >>> compiled = CompiledLossAndMetrics(
    ...     "sparse_categorical_crossentropy", None, ["accuracy"], None, ["out"],
    ...     [np.zeros((2, 1))], [np.zeros((2, 3))],
    ... )
    >>> [(type(metric).__name__, metric.name) for _, metric, _ in compiled.metrics]
    [('SparseCategoricalAccuracy', 'accuracy')]
    """

    def __init__(self, loss, loss_weights, metrics, weighted_metrics, output_names, y_true, y_pred):
        self.output_names = output_names
        multi = len(output_names) > 1
        self.losses = [
            fuse_loss(losses_module.get(spec)) for spec in _per_output(loss, output_names, "loss")
        ]
        weights = _per_output(
            loss_weights if loss_weights is not None else 1.0, output_names, "loss_weights"
        )
        self.loss_weights = [1.0 if w is None else float(w) for w in weights]
        self.output_loss_trackers = [Mean(name=f"{n}_loss") for n in output_names] if multi else []
        self.metrics = []  # (output index, metric, weighted)
        taken = set()
        for weighted, spec in ((False, metrics), (True, weighted_metrics)):
            if not spec:
                continue
            per_output = (
                _per_output(spec, output_names, "metrics")
                if multi and (isinstance(spec, dict) or _nested(spec))
                else [spec] * len(output_names)
            )
            for i, specs in enumerate(per_output):
                for item in (
                    [] if specs is None else specs if isinstance(specs, (list, tuple)) else [specs]
                ):
                    metric = self._metric(item, y_true[i], y_pred[i])
                    prefix = f"{output_names[i]}_" if multi else ""
                    name = prefix + metric.name
                    if weighted and name in taken:  # the same metric unweighted: Keras's name
                        name = f"{prefix}weighted_{metric.name}"
                    metric.name = name
                    taken.add(name)
                    self.metrics.append((i, metric, weighted))

    @staticmethod
    def _metric(spec, y_true, y_pred):
        if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):
            return metrics_module.resolve_accuracy(spec, y_true.shape, y_pred.shape)
        return metrics_module.get(spec)

    def compute_loss(self, y_true, y_pred, sample_weight):
        """The weighted sum of the output losses (a scalar Tensor); each output's own loss goes
        to its tracker (``dense_1_loss``...) when the model has several outputs."""
        total = None
        batch_size = None
        for k, (loss, weight, truth, prediction) in enumerate(
            zip(self.losses, self.loss_weights, y_true, y_pred)
        ):
            if loss is None:
                continue
            value = loss(truth, prediction, sample_weight)
            if self.output_loss_trackers:
                batch_size = batch_size or (prediction.shape[0] if prediction.ndim else 1)
                self.output_loss_trackers[k].add(float(value.data), batch_size)
            term = value if weight == 1.0 else value * weight
            total = term if total is None else total + term
        if total is None:
            raise ValueError(
                "compile: no loss was given for any output; pass loss=... to compile()"
            )
        return total

    def update_metrics(self, y_true, y_pred, sample_weight):
        """Feed one batch to every compiled metric (weighted metrics get the sample weights)."""
        for i, metric, weighted in self.metrics:
            metric.update_state(y_true[i], y_pred[i], sample_weight if weighted else None)

    def all_metrics(self):
        """Each output's loss tracker, then the compiled metrics."""
        return list(self.output_loss_trackers) + [metric for _, metric, _ in self.metrics]

    def fusions(self):
        """The loss rules applied, as ``Fusion`` records naming the output."""
        return [
            Fusion(loss.rule, [f"loss of {name}"])
            for loss, name in zip(self.losses, self.output_names)
            if isinstance(loss, LogitsCrossEntropy)
        ]


def _nested(spec):
    return isinstance(spec, (list, tuple)) and any(isinstance(s, (list, tuple)) for s in spec)
