"""What ``compile`` resolves once the model's outputs are known: one loss and a list of metrics per output."""

from glassnet import losses as losses_module
from glassnet import metrics as metrics_module
from glassnet.metrics import Mean


def _per_output(spec, names, what):
    """A single spec for every output, a list by position, or a dict by output name."""
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(
                f"compile: {what} given for unknown output(s) {sorted(unknown)}; the model's outputs are {names}"
            )
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ValueError(
                f"compile: {what} has {len(spec)} entries but the model has {len(names)} outputs {names}"
            )
        return list(spec)
    return [spec] * len(names)


class CompiledLossAndMetrics:
    """Losses, loss weights and metrics resolved against the model's outputs (done at the first batch,
    because 'accuracy' depends on the shapes of the labels and predictions, as in Keras)."""

    def __init__(self, loss, loss_weights, metrics, weighted_metrics, output_names, y_true, y_pred):
        self.output_names = output_names
        multi = len(output_names) > 1
        self.losses = [losses_module.get(spec) for spec in _per_output(loss, output_names, "loss")]
        weights = _per_output(
            loss_weights if loss_weights is not None else 1.0, output_names, "loss_weights"
        )
        self.loss_weights = [1.0 if w is None else float(w) for w in weights]
        self.loss_tracker = Mean(name="loss")
        self.output_loss_trackers = [Mean(name=f"{n}_loss") for n in output_names] if multi else []
        self.metrics = []  # (output index, metric, weighted)
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
                    if multi:
                        metric.name = f"{output_names[i]}_{metric.name}"
                    self.metrics.append((i, metric, weighted))

    @staticmethod
    def _metric(spec, y_true, y_pred):
        if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):
            return metrics_module.resolve_accuracy(spec, y_true.shape, y_pred.shape)
        return metrics_module.get(spec)

    def compute_loss(self, y_true, y_pred, sample_weight):
        """The weighted sum of the output losses (a scalar Tensor), and each output's value."""
        total, parts = None, []
        for loss, weight, truth, prediction in zip(self.losses, self.loss_weights, y_true, y_pred):
            if loss is None:
                parts.append(None)
                continue
            value = loss(truth, prediction, sample_weight)
            parts.append(value)
            term = value if weight == 1.0 else value * weight
            total = term if total is None else total + term
        if total is None:
            raise ValueError(
                "compile: no loss was given for any output; pass loss=... to compile()"
            )
        return total, parts

    def update_metrics(self, y_true, y_pred, sample_weight, loss_value, output_values, batch_size):
        self.loss_tracker.add(loss_value, batch_size)  # epoch loss: mean over samples
        for tracker, value in zip(self.output_loss_trackers, output_values):
            if value is not None:
                tracker.add(float(value.data), batch_size)
        for i, metric, weighted in self.metrics:
            metric.update_state(y_true[i], y_pred[i], sample_weight if weighted else None)

    def reset(self):
        self.loss_tracker.reset_state()
        for tracker in self.output_loss_trackers:
            tracker.reset_state()
        for _, metric, _ in self.metrics:
            metric.reset_state()

    def results(self):
        logs = {"loss": float(self.loss_tracker.result())}
        for tracker in self.output_loss_trackers:
            logs[tracker.name] = float(tracker.result())
        for _, metric, _ in self.metrics:
            logs[metric.name] = metric.result()
        return logs

    @property
    def metric_names(self):
        return (
            ["loss"]
            + [t.name for t in self.output_loss_trackers]
            + [m.name for _, m, _ in self.metrics]
        )


def _nested(spec):
    return isinstance(spec, (list, tuple)) and any(isinstance(s, (list, tuple)) for s in spec)
