"""The training loop behind Model.fit / evaluate / predict and the *_on_batch methods.

One training step: forward (training=True) -> loss (+ regularisation) -> backward() -> optimizer.
"""

import numpy as np

from glassnet import callbacks as callbacks_module
from glassnet.autograd.grad_mode import no_grad
from glassnet.backend import get_generator
from glassnet.distribution.data_parallel import distribution
from glassnet.models import data as data_utils
from glassnet.models.compile_utils import CompiledLossAndMetrics


def _as_list(structure):
    if isinstance(structure, dict):
        return list(structure.values())
    if isinstance(structure, (list, tuple)):
        return list(structure)
    return [structure]


class Trainer:
    """Mixin for Model: compile, fit, evaluate, predict."""

    def _init_trainer(self):
        self._plan = None
        self._broadcast_done = False
        self._local_count = self._global_count = 1
        self.stop_training_by_error = False
        self._keep_gradients = False
        self.last_gradients = {}
        self.optimizer = None
        self.compiled = False
        self._compiled = None
        self.stop_training = False
        self.history = None

    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Choose the optimizer, loss(es) and metrics, by Keras's names or as objects."""
        from glassnet import optimizers

        self.optimizer = optimizers.get(optimizer)
        if loss is not None:
            for spec in _as_list(loss):
                if spec is not None:
                    from glassnet import losses

                    losses.get(spec)  # fail now on an unknown name, not at the first batch
        for spec in _as_list(metrics or []):
            for item in _as_list(spec):
                if isinstance(item, str) and item.lower() not in ("accuracy", "acc"):
                    from glassnet import metrics as metrics_module

                    metrics_module.get(item)
        self._compile_args = dict(
            loss=loss, loss_weights=loss_weights, metrics=metrics, weighted_metrics=weighted_metrics
        )
        self._compiled = None
        self.compiled = True

    # -- helpers ---------------------------------------------------------------------------------------
    def _require_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(f"You must call compile() before {method}() on model '{self.name}'")

    def _output_names(self, n):
        names = getattr(self, "output_names", None)
        return (
            names
            if names and len(names) == n
            else (["output"] if n == 1 else [f"output_{i}" for i in range(n)])
        )

    def _resolve_compiled(self, y_true, y_pred):
        if self._compiled is None:
            names = self._output_names(len(y_pred))
            self._compiled = CompiledLossAndMetrics(
                output_names=names, y_true=y_true, y_pred=y_pred, **self._compile_args
            )
        return self._compiled

    def _targets(self, y, n_outputs):
        if isinstance(y, dict):
            names = self._output_names(n_outputs)
            return [y[name] for name in names]
        return _as_list(y) if n_outputs > 1 else [y]

    def _check_data(self, x, y, where):
        n = data_utils.num_samples(x, where, "x")
        if y is not None:
            ny = data_utils.num_samples(y, where, "y")
            if ny != n:
                raise ValueError(
                    f"{where}: x has {n} samples but y has {ny}; they must have the same length"
                )
        self._check_input_shape(x, where)
        return n

    def _check_input_shape(self, x, where):
        expected = getattr(self, "_expected_input_shape", lambda: None)()
        if expected is None or not isinstance(x, np.ndarray):
            return
        if x.ndim != len(expected) or any(
            e is not None and e != a for e, a in zip(expected[1:], x.shape[1:])
        ):
            hint = ""
            if x.ndim > len(expected) and int(np.prod(x.shape[1:])) == int(
                np.prod([e for e in expected[1:] if e])
            ):
                hint = "; add a Flatten() layer first or reshape the data"
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects input of shape {expected}, but {where} got data of shape {x.shape}{hint}"
            )

    # -- one batch ----------------------------------------------------------------------------------------
    def _step_plan(self):
        """What every step needs and that does not change between steps: the trainable variables, the
        weights with a regularizer, the layers with an activity regularizer. Gathered once per
        fit/evaluate (after the first forward pass has built the model), instead of every step."""
        if self._plan is None:
            layers = [self, *_all_sublayers(self)]
            self._plan = (
                self.trainable_weights,
                [v for v in self.weights if v.regularizer is not None],
                [layer for layer in layers if layer.activity_regularizer is not None],
            )
            dist = distribution()
            if dist is not None and not self._broadcast_done:
                dist.broadcast_model(
                    self
                )  # every process starts from rank 0's weights and optimizer state
                self._broadcast_done = True
        return self._plan

    def _regularization(self, loss):
        _, regularized, activity = self._step_plan()
        for v in regularized:
            loss = loss + v.regularizer(v)
        for layer in activity:
            for penalty in layer._losses:
                loss = loss + penalty
        return loss

    def _train_step(self, x, y, sample_weight):
        outputs = self(x, training=True)
        y_pred = _as_list(outputs)
        y_true = self._targets(y, len(y_pred))
        compiled = self._resolve_compiled(y_true, y_pred)
        loss, parts = compiled.compute_loss(y_true, y_pred, sample_weight)
        loss = self._regularization(loss)
        variables = self._step_plan()[0]
        for v in variables:
            v.grad = None
        loss.backward()
        grads = [v.grad for v in variables]
        dist = distribution()
        if dist is not None:
            grads = dist.average_gradients(grads, self._local_count, self._global_count)
            for v, g in zip(variables, grads):
                v.grad = g
        if self._keep_gradients:  # a GradientMonitor asked to see this step's gradients
            self.last_gradients = {id(v): v.grad for v in variables}
        self.optimizer.apply(grads, variables)
        for v in variables:
            v.grad = None
        self.last_loss = loss
        compiled.update_metrics(
            y_true,
            [p.data for p in y_pred],
            sample_weight,
            float(loss.data),
            parts,
            len(data_utils.flatten(x)[0]),
        )
        return float(loss.data)

    def _test_step(self, x, y, sample_weight):
        with no_grad():
            y_pred = _as_list(self(x, training=False))
            y_true = self._targets(y, len(y_pred))
            compiled = self._resolve_compiled(y_true, y_pred)
            loss, parts = compiled.compute_loss(y_true, y_pred, sample_weight)
            loss = self._regularization(loss)
        compiled.update_metrics(
            y_true,
            [p.data for p in y_pred],
            sample_weight,
            float(loss.data),
            parts,
            len(data_utils.flatten(x)[0]),
        )

    # -- public loops --------------------------------------------------------------------------------------
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Train for ``epochs`` passes over (x, y) in mini-batches; returns a History."""
        self._plan = None
        self._require_compiled("fit")
        where = f"fit() of model '{self.name}'"
        batch_size = 32 if batch_size is None else int(batch_size)
        verbose = 1 if verbose == "auto" else int(verbose)
        x, y = data_utils.to_arrays(x, where), data_utils.to_arrays(y, where)
        if y is None:
            raise ValueError(f"{where}: y (the targets) is required")
        n = self._check_data(x, y, where)
        data_utils.check_finite(x, where, "x")
        data_utils.check_finite(y, where, "y")
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float32)
        if class_weight is not None:
            weights = data_utils.class_weights_to_sample_weights(
                y if not isinstance(y, (list, dict)) else data_utils.flatten(y)[0],
                class_weight,
                where,
            )
            sample_weight = weights if sample_weight is None else sample_weight * weights
        if validation_data is None and validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(
                    f"{where}: validation_split must be in (0, 1), got {validation_split}"
                )
            split = int(
                n * (1 - validation_split)
            )  # the last fraction, taken before shuffling (as Keras)
            validation_data = (
                data_utils.take(x, slice(split, None)),
                data_utils.take(y, slice(split, None)),
            )
            if sample_weight is not None:
                validation_data += (sample_weight[split:],)
                sample_weight = sample_weight[:split]
            x, y, n = (
                data_utils.take(x, slice(0, split)),
                data_utils.take(y, slice(0, split)),
                split,
            )
        steps = steps_per_epoch or -(-n // batch_size)
        history = callbacks_module.History()
        dist = distribution()
        callback_list = list(callbacks or [])
        if dist is not None and dist.rank != 0:
            verbose = 0  # only the chief process prints
        if verbose:
            callback_list.append(callbacks_module.ProgbarLogger())
        callback_list.append(history)
        hooks = callbacks_module.CallbackList(
            callback_list, self, {"epochs": epochs, "steps": steps, "verbose": verbose}
        )
        self.stop_training = False
        self.stop_training_by_error = False
        self._resume = None
        try:
            return self._fit_epochs(
                hooks,
                history,
                x,
                y,
                sample_weight,
                n,
                steps,
                epochs,
                initial_epoch,
                batch_size,
                shuffle,
                validation_data,
                validation_batch_size,
                validation_freq,
                dist,
            )
        except BaseException as error:
            self.stop_training_by_error = True
            if dist is not None and dist.size > 1 and not isinstance(error, KeyboardInterrupt):
                dist.abort(
                    error
                )  # another process would otherwise wait forever in the next Allreduce
            raise

    def _fit_epochs(
        self,
        hooks,
        history,
        x,
        y,
        sample_weight,
        n,
        steps,
        epochs,
        initial_epoch,
        batch_size,
        shuffle,
        validation_data,
        validation_batch_size,
        validation_freq,
        dist,
    ):
        hooks.on_train_begin({})
        resume, self._resume = (
            self._resume,
            None,
        )  # set by BackupAndRestore when it restored a backup
        if resume is not None:
            initial_epoch = max(initial_epoch, resume["epoch"])
        logs = {}
        for epoch in range(initial_epoch, epochs):
            if self._compiled is not None:
                self._compiled.reset()
            hooks.on_epoch_begin(epoch, {})
            first_step = 0
            if resume is not None and resume["batch"] and epoch == resume["epoch"]:
                order, first_step = (
                    resume["order"],
                    resume["batch"],
                )  # the interrupted epoch, where it stopped
            else:
                order = get_generator().permutation(n) if shuffle else None
            self._epoch_order = order
            for step in range(first_step, steps):
                start = (step * batch_size) % max(n, 1)
                index = (
                    order[start : start + batch_size]
                    if order is not None
                    else slice(start, start + batch_size)
                )
                hooks.on_train_batch_begin(step, {})
                if dist is not None:
                    global_index = index
                    index = dist.shard(index)
                    self._local_count, self._global_count = len(index), len(global_index)
                batch_weight = None if sample_weight is None else sample_weight[index]
                try:
                    self._train_step(
                        data_utils.take(x, index), data_utils.take(y, index), batch_weight
                    )
                except BaseException:
                    self.stop_training_by_error = True
                    raise
                logs = self._compiled.results()
                hooks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if dist is not None:
                _reduce_metric_states(dist, self._compiled)
            logs = dict(self._compiled.results())
            if validation_data is not None and (epoch + 1) % validation_freq == 0:
                val = self.evaluate(
                    *validation_data,
                    batch_size=validation_batch_size or batch_size,
                    verbose=0,
                    return_dict=True,
                )
                logs.update({f"val_{k}": v for k, v in val.items()})
            hooks.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        hooks.on_train_end(logs)
        self.history = history
        return history

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
    ):
        """Loss and metrics on (x, y), in inference mode: a scalar, a list [loss, *metrics] or a dict."""
        self._plan = None
        self._require_compiled("evaluate")
        where = f"evaluate() of model '{self.name}'"
        batch_size = 32 if batch_size is None else int(batch_size)
        x, y = data_utils.to_arrays(x, where), data_utils.to_arrays(y, where)
        n = self._check_data(x, y, where)
        data_utils.check_finite(x, where, "x")
        if self._compiled is not None:
            self._compiled.reset()
        dist = distribution()
        first, last = (0, n) if dist is None else dist.share_bounds(n)
        for start in range(first, last, batch_size):
            index = slice(start, min(start + batch_size, last))
            weight = (
                None
                if sample_weight is None
                else np.asarray(sample_weight, dtype=np.float32)[index]
            )
            self._test_step(data_utils.take(x, index), data_utils.take(y, index), weight)
        if dist is not None:
            if (
                self._compiled is None
            ):  # this process had no samples: resolve on one to share the metric layout
                self._test_step(
                    data_utils.take(x, slice(0, 1)), data_utils.take(y, slice(0, 1)), None
                )
                self._compiled.reset()
            _reduce_metric_states(dist, self._compiled)
        if dist is not None and dist.rank != 0:
            verbose = 0
        logs = self._compiled.results()
        if verbose == "auto" or verbose:
            from glassnet.utils.progbar import format_logs

            steps_done = -(-n // batch_size)
            print(f"{steps_done}/{steps_done}{format_logs(logs)}")
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for x in inference mode, batch by batch, as NumPy arrays (a list for several outputs)."""
        where = f"predict() of model '{self.name}'"
        batch_size = 32 if batch_size is None else int(batch_size)
        x = data_utils.to_arrays(x, where)
        n = self._check_data(x, None, where)
        data_utils.check_finite(x, where, "x")
        dist = distribution()
        first, last = (0, n) if dist is None else dist.share_bounds(n)
        if n == 0:
            raise ValueError(f"{where}: got no samples to predict")
        chunks = []
        with no_grad():
            for start in range(first, last, batch_size):
                chunks.append(
                    [
                        t.data
                        for t in _as_list(
                            self(
                                data_utils.take(x, slice(start, min(start + batch_size, last))),
                                training=False,
                            )
                        )
                    ]
                )
            if not chunks:  # this process's share is empty: an empty output of the right shape
                chunks.append(
                    [
                        t.data[:0]
                        for t in _as_list(self(data_utils.take(x, slice(0, 1)), training=False))
                    ]
                )
        outputs = [np.concatenate(parts) for parts in zip(*chunks)]
        if dist is not None:
            outputs = [dist.gather_rows(o) for o in outputs]
        return outputs[0] if len(outputs) == 1 else outputs

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._plan = None
        self._require_compiled("train_on_batch")
        where = f"train_on_batch() of model '{self.name}'"
        x, y = data_utils.to_arrays(x, where), data_utils.to_arrays(y, where)
        self._check_data(x, y, where)
        if class_weight is not None:
            weights = data_utils.class_weights_to_sample_weights(y, class_weight, where)
            sample_weight = (
                weights if sample_weight is None else np.asarray(sample_weight) * weights
            )
        if self._compiled is not None:
            self._compiled.reset()
        self._train_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._plan = None
        self._require_compiled("test_on_batch")
        where = f"test_on_batch() of model '{self.name}'"
        x, y = data_utils.to_arrays(x, where), data_utils.to_arrays(y, where)
        self._check_data(x, y, where)
        if self._compiled is not None:
            self._compiled.reset()
        self._test_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        with no_grad():
            outputs = [
                t.data
                for t in _as_list(
                    self(data_utils.to_arrays(x, "predict_on_batch()"), training=False)
                )
            ]
        return outputs[0] if len(outputs) == 1 else outputs

    def _batch_result(self, return_dict):
        logs = self._compiled.results()
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    @property
    def metrics_names(self):
        return self._compiled.metric_names if self._compiled is not None else ["loss"]


def _all_sublayers(layer):
    out = []
    for sub in layer._sublayers:
        out.append(sub)
        out.extend(_all_sublayers(sub))
    return out


def _reduce_metric_states(dist, compiled):
    """Sum every metric's state over the processes, so results() gives the global values."""
    metrics = [
        compiled.loss_tracker,
        *compiled.output_loss_trackers,
        *[m for _, m, _ in compiled.metrics],
    ]
    states = [metric.state() for metric in metrics]
    summed = dist.sum_arrays([a for state in states for a in state])
    offset = 0
    for metric, state in zip(metrics, states):
        metric.set_state(summed[offset : offset + len(state)])
        offset += len(state)
