"""The training loop behind Model.fit / evaluate / predict, with Keras 3's public step methods.

One training step (``train_step``): forward (training=True) -> ``compute_loss`` (compiled loss +
regularisation) -> ``backward()`` -> ``optimizer.apply`` -> ``compute_metrics``. Every piece is a
public method a subclass may override, as in Keras 3: ``train_step(data)``, ``test_step(data)``,
``predict_step(data)``, ``compute_loss(x, y, y_pred, sample_weight, training)``,
``compute_metrics(x, y, y_pred, sample_weight)``, ``metrics``, ``reset_metrics()``.

After a training step each trainable variable keeps its gradient in ``.grad`` until the next
step starts (as PyTorch does), so callbacks can look at it.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> logs = model.train_step((np.ones((4, 2)), np.zeros((4, 1))))
>>> sorted(logs)
['loss']
"""

import numbers
import warnings

import numpy as np

from glassnet import callbacks as callbacks_module
from glassnet import losses as losses_module
from glassnet import metrics as metrics_module
from glassnet import optimizers as optimizers_module
from glassnet.autograd.grad_mode import no_grad
from glassnet.autograd.tensor import Tensor, constant
from glassnet.backend import memory
from glassnet.callbacks.progbar import emit, format_logs
from glassnet.distribution.data_parallel import distribution
from glassnet.layers.layer import begin_outermost_call
from glassnet.models import data as data_utils
from glassnet.models import data_adapters
from glassnet.models.compile_utils import CompiledLossAndMetrics
from glassnet.ops import add


def _as_list(structure):
    if isinstance(structure, dict):
        return list(structure.values())
    if isinstance(structure, (list, tuple)):
        return list(structure)
    return [structure]


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from a batch given as x, (x,), (x, y) or (x, y, sample_weight).

    Args:
        data: one batch: an array, or a list/tuple of 1 to 3 entries.

    Example:

    >>> from glassnet.models.trainer import unpack_x_y_sample_weight
    >>> unpack_x_y_sample_weight(([1], [2]))
    ([1], [2], None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(
        f"a batch must be x, (x,), (x, y) or (x, y, sample_weight); got a tuple of {len(data)}"
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """A batch as Keras hands it to ``train_step``: (x,), (x, y) or (x, y, sample_weight).

    Args:
        x: the inputs.
        y: the targets, or None.
        sample_weight: the sample weights, or None.

    Example:

    >>> pack_x_y_sample_weight([1]), pack_x_y_sample_weight([1], [2])
    (([1],), ([1], [2]))
    """
    if y is None and sample_weight is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


class Trainer:
    """Mixin for Model: compile, the step methods, fit, evaluate, predict.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> isinstance(model, Trainer)
    True
    >>> model.compile("sgd", "mse")
    >>> history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0)
    >>> len(history.history["loss"]), model.predict(np.ones((3, 2)), verbose=0).shape
    (2, (3, 1))
    """

    run_eagerly = True  # glassnet always runs eagerly; accepted for Keras compatibility
    jit_compile = False

    # attributes holding variables or layers the model does not own (see Layer.NOT_TRACKED)
    NOT_TRACKED = frozenset(
        {
            "_step_cache",
            "_compiled",
            "_compile_args",
            "history",
            "_resume",
            "_epoch_order",
            "optimizer",
            "_loss_tracker",
        }
    )

    def _init_trainer(self):
        self._step_cache = None
        self._broadcast_done = False
        self._local_count = self._global_count = 1
        self.stop_training_by_error = False
        self.optimizer = None
        self.compiled = False
        self._compiled = None
        self._compile_args = None
        self._loss_tracker = None
        self.stop_training = False
        self.history = None

    # -- compile -----------------------------------------------------------------------------------
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
        """Choose the optimizer, loss(es) and metrics, by Keras's names or as objects.

        Args:
            optimizer: name ("adam") or Optimizer.
            loss: name, Loss, function, or a list/dict with one per output.
            loss_weights: scalars weighting each output's loss.
            metrics: names or Metric objects (a list, or per output).
            weighted_metrics: metrics that take ``sample_weight`` into account.
            run_eagerly, steps_per_execution, jit_compile, auto_scale_loss: accepted for Keras
                compatibility (glassnet always runs eagerly).
        """
        self.optimizer = optimizers_module.get(optimizer)
        for spec in _as_list(loss) if loss is not None else []:
            if spec is not None and not isinstance(spec, dict):
                losses_module.get(spec)  # fail now on an unknown name, not at the first batch
        for spec in _as_list(metrics or []):
            for item in _as_list(spec):
                if isinstance(item, str) and item.lower() not in ("accuracy", "acc"):
                    metrics_module.get(item)
        self._compile_args = dict(
            loss=loss, loss_weights=loss_weights, metrics=metrics, weighted_metrics=weighted_metrics
        )
        self._compiled = None
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.run_eagerly, self.jit_compile = True, False  # glassnet always runs eagerly
        self.compiled = True

    @property
    def loss(self):
        """The loss given to ``compile`` (None before)."""
        return None if self._compile_args is None else self._compile_args["loss"]

    @property
    def compiled_loss(self):
        """Keras 2's spelling, kept by Keras 3: ``compiled_loss(y, y_pred, sample_weight=None,
        regularization_losses=None)`` is the compiled loss (plus the given penalties)."""
        return _CompiledLoss(self)

    @property
    def compiled_metrics(self):
        """Keras 2's spelling: an object whose ``update_state(y, y_pred, sample_weight)`` feeds
        the compiled metrics and whose ``result()`` returns their values."""
        return _CompiledMetrics(self)

    @property
    def distribute_strategy(self):
        """TensorFlow's distribution strategy: None (glassnet distributes with MPI, see
        ``glassnet.distribution``)."""
        return None

    @property
    def distribute_reduction_method(self):
        """How per-replica results combine: "auto" (sum over processes, as the MPI trainer
        does for metric states)."""
        return "auto"

    def get_quantization_layer_structure(self, mode=None):
        """Keras's hook for quantization passes; glassnet does not quantize models: None."""
        return None

    def get_compile_config(self):
        """What ``compile`` was given, as JSON-safe data (``compile_from_config`` reads it back)."""
        if not self.compiled:
            return {}
        return {
            "optimizer": {
                "class_name": type(self.optimizer).__name__,
                "config": self.optimizer.get_config(),
            },
            **{
                key: _serialize_spec(self._compile_args[key])
                for key in ("loss", "loss_weights", "metrics", "weighted_metrics")
            },
        }

    def compile_from_config(self, config, custom_objects=None):
        """Compile with the settings ``get_compile_config()`` returned (a saved model's)."""
        self.compile(
            optimizer=optimizers_module.deserialize(config["optimizer"], custom_objects),
            loss=_deserialize_spec(config.get("loss"), "loss", custom_objects),
            loss_weights=_deserialize_spec(config.get("loss_weights"), "loss", custom_objects),
            metrics=_deserialize_spec(config.get("metrics"), "metric", custom_objects),
            weighted_metrics=_deserialize_spec(
                config.get("weighted_metrics"), "metric", custom_objects
            ),
        )

    def _require_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(f"You must call compile() before {method}() on model '{self.name}'")

    def _output_names(self, n):
        names = getattr(self, "output_names", None)
        if names and len(names) == n:
            return names
        return ["output"] if n == 1 else [f"output_{i}" for i in range(n)]

    def _resolve_compiled(self, y_true, y_pred):
        if self._compiled is None:
            names = self._output_names(len(y_pred))
            self._compiled = CompiledLossAndMetrics(
                output_names=names, y_true=y_true, y_pred=y_pred, **self._compile_args
            )
        return self._compiled

    def _targets(self, y, n_outputs):
        if isinstance(y, dict):
            return [y[name] for name in self._output_names(n_outputs)]
        return _as_list(y) if n_outputs > 1 else [y]

    def loss_fusions(self):
        """The cross-entropy fusion rules applied to the compiled losses (after the first batch)."""
        return [] if self._compiled is None else self._compiled.fusions()

    # -- the step methods, public as in Keras 3 ----------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``y_pred`` against ``y`` plus every regularisation loss.

        Args:
            x: the inputs (unused by the default; overrides may use them).
            y: targets (one array, or a list/dict for several outputs).
            y_pred: the model's outputs for x.
            sample_weight: per-sample weights, or None.
            training: whether this is a training step.

        Returns:
            scalar Tensor: the weighted sum of the output losses, the weight penalties and the
            activity regularisation of the last call.
        """
        total = None
        if self._compile_args is not None and self._compile_args.get("loss") is not None:
            y_pred_list = _as_list(y_pred)
            y_true = self._targets(y, len(y_pred_list))
            compiled = self._resolve_compiled(y_true, y_pred_list)
            total = compiled.compute_loss(y_true, y_pred_list, sample_weight)
        for penalty in self._regularization_losses():
            total = penalty if total is None else add(total, penalty)
        if total is None:
            raise ValueError(
                f"Model '{self.name}': no loss to compute; pass loss=... to compile() or add "
                f"losses in the model"
            )
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with this batch; return ``get_metrics_result()``."""
        if self._compiled is not None:
            y_pred_list = _as_list(y_pred)
            self._compiled.update_metrics(
                self._targets(y, len(y_pred_list)), y_pred_list, sample_weight
            )
        return self.get_metrics_result()

    def get_metrics_result(self):
        """Every metric in ``self.metrics`` by name, as plain numbers (or arrays)."""
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update({k: _number(v) for k, v in value.items()})
            else:
                results[metric.name] = _number(value)
        return results

    @property
    def metrics(self):
        """The metrics the model tracks: the loss, each output's loss, the compiled metrics, and
        Metric objects assigned as attributes of the model."""
        tracked = []
        if self.compiled and self._loss_tracker is not None:
            tracked.append(self._loss_tracker)
        if self._compiled is not None:
            tracked.extend(self._compiled.all_metrics())
        for key, value in vars(self).items():
            if isinstance(value, metrics_module.Metric) and key != "_loss_tracker":
                tracked.append(value)
        return tracked

    @property
    def metrics_names(self):
        """Names of ``metrics``, in order."""
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        """Reset the state of every metric in ``metrics``."""
        for metric in self.metrics:
            metric.reset_state()

    def get_state_tree(self, value_format="numpy_array"):
        """Every variable's value by kind and path: trainable, non-trainable, optimizer and metric
        variables (``set_state_tree`` takes the same structure back).

        Returns:
            dict of dicts path -> NumPy array.
        """
        tree = {
            "trainable_variables": {v.path: v.data.copy() for v in self.trainable_weights},
            "non_trainable_variables": {v.path: v.data.copy() for v in self.non_trainable_weights},
            "metrics_variables": {},
        }
        for metric in self.metrics:
            for i, array in enumerate(metric.state()):
                tree["metrics_variables"][f"{metric.name}/{i}"] = np.array(array, copy=True)
        optimizer_variables = getattr(self.optimizer, "variables", None)
        if optimizer_variables:
            tree["optimizer_variables"] = {
                getattr(v, "path", None) or f"optimizer/{i}": np.array(getattr(v, "data", v))
                for i, v in enumerate(optimizer_variables)
            }
        return tree

    def set_state_tree(self, state_tree):
        """Assign variables from a ``get_state_tree`` structure (paths must match)."""
        by_path = {v.path: v for v in self.weights}
        for kind in ("trainable_variables", "non_trainable_variables"):
            for path, value in state_tree.get(kind, {}).items():
                if path not in by_path:
                    raise ValueError(f"set_state_tree: model '{self.name}' has no variable {path}")
                by_path[path].assign(value)
        states = state_tree.get("metrics_variables", {})
        for metric in self.metrics:
            keys = sorted(k for k in states if k.rsplit("/", 1)[0] == metric.name)
            if keys:
                metric.set_state([states[k] for k in keys])

    def stateless_compute_loss(
        self,
        trainable_variables,
        non_trainable_variables,
        metrics_variables,
        x=None,
        y=None,
        y_pred=None,
        sample_weight=None,
        training=True,
    ):
        """``compute_loss`` with the given variable values in place of the model's own, which
        are restored afterwards (Keras's functional form, for JAX-style code).

        Returns:
            (loss, (trainable_variables, non_trainable_variables, metrics_variables)).
        """
        variables = list(self.trainable_weights) + list(self.non_trainable_weights)
        values = list(trainable_variables) + list(non_trainable_variables)
        saved = [v.data.copy() for v in variables]
        try:
            for variable, value in zip(variables, values):
                variable.assign(value)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=training)
            non_trainable = [v.data.copy() for v in self.non_trainable_weights]
        finally:
            for variable, data in zip(variables, saved):
                variable.assign(data)
        return loss, (list(trainable_variables), non_trainable, list(metrics_variables))

    def zero_grad(self):
        """Forget the gradients of the trainable variables (before a custom ``backward()``)."""
        for variable in self.trainable_weights:
            variable.grad = None

    def train_step(self, data):
        """One optimisation step on one batch; returns the metric values.

        Args:
            data: x, (x, y) or (x, y, sample_weight).

        Returns:
            dict of metric name -> value, passed to the callbacks and the progress bar.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        chain = self._training_chain(x)
        if chain is None:
            y_pred, chain_backward = self(x, training=True), None
        else:  # the fusion pass's training_chain: the Dense layers on arrays
            begin_outermost_call()  # what calling the model would do first
            y_pred, chain_backward = chain.forward(x)
            self.output_shape_ = (None,) + y_pred.shape[1:]
        variables = self._step_variables()  # after the forward pass: it builds the model
        for variable in variables:
            variable.grad = None
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=True)
        self._loss_tracker.add(float(loss.data), _batch_size(x))
        if variables:
            self.optimizer.scale_loss(loss).backward()  # the optimizer divides the scale out
            if chain_backward is not None:
                chain_backward()
            grads = [v.grad for v in variables]
            dist = distribution()
            if dist is not None:
                grads = dist.average_gradients(grads, self._local_count, self._global_count)
                for variable, grad in zip(variables, grads):
                    variable.grad = grad
            self.optimizer.apply(grads, variables)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metrics of one batch in inference mode; returns the metric values."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.add(float(loss.data), _batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for one batch in inference mode."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # -- what every step needs, gathered once per fit/evaluate -------------------------------------
    def _step_variables(self):
        return self._step_state()[0]

    def _regularization_losses(self):
        """Weight penalties and the losses layers added during the latest call (``add_loss``,
        activity regularizers): ``self.losses``, from the lists gathered once per loop."""
        _, regularized, layers = self._step_state()
        penalties = [v.regularizer(v) for v in regularized]
        for layer in layers:
            penalties.extend(layer.added_losses())
        return penalties

    def _step_state(self):
        """The trainable variables, the weights with a regularizer and every layer (which may add
        losses): they do not change between steps, so they are gathered once per loop."""
        if self._step_cache is None:
            weights, trainable, inside = self._variable_lists()  # one walk of the layers
            self._step_cache = (
                trainable,
                [v for v in weights if v.regularizer is not None],
                [self, *inside],
            )
            dist = distribution()
            if dist is not None and not self._broadcast_done:
                dist.broadcast_model(self)  # every process starts from rank 0's state
                self._broadcast_done = True
        return self._step_cache

    # -- input checks -------------------------------------------------------------------------
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
        if x.ndim == len(expected) - 1 and expected[-1] == 1:  # (n,) for Input((1,)), as Keras
            x = x[..., None]
        if x.ndim != len(expected) or any(
            e is not None and e != a for e, a in zip(expected[1:], x.shape[1:])
        ):
            hint = ""
            if x.ndim > len(expected) and int(np.prod(x.shape[1:])) == int(
                np.prod([e for e in expected[1:] if e])
            ):
                hint = "; add a Flatten() layer first or reshape the data"
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects input of shape {expected}, but "
                f"{where} got data of shape {x.shape}{hint}"
            )

    def _adapter(self, x, y, sample_weight, batch_size, steps, shuffle, class_weight, where):
        """The data adapter for one loop, with the model's input shape checked up front where
        the data's shape is known without reading it."""
        adapter = data_adapters.get_data_adapter(
            x, y, sample_weight, batch_size, steps, shuffle, class_weight, where
        )
        if isinstance(adapter, data_adapters.ArrayDataAdapter):
            self._check_input_shape(adapter.x, where)
            if adapter.num_samples == 0:
                raise ValueError(
                    f"{where}: x has no samples (shape {getattr(adapter.x, 'shape', '?')}); "
                    f"give at least one"
                )
        return adapter

    # -- public loops -------------------------------------------------------------------------
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
        """Train for ``epochs`` passes over the data in mini-batches.

        Args:
            x: the inputs: arrays (a list or dict of arrays for several inputs; memory-mapped
                arrays are read batch by batch), a ``keras.utils.PyDataset``, a generator or
                iterable of batches ``(x, y)``/``(x, y, sample_weight)``, or a grain dataset.
            y: the targets, when x is arrays.
            batch_size: samples per step for arrays (default 32; the global batch under
                DataParallel).
            epochs: the epoch to stop at.
            verbose: 0 silent, 1 progress bar, 2 one line per epoch, "auto" = 1.
            callbacks: Callback objects.
            validation_split: fraction of the array data (the last samples) held out for
                validation.
            validation_data: (x, y), (x, y, sample_weight), or a dataset of batches, evaluated
                after each epoch.
            shuffle: True (a new order each epoch), False, or "batch" (blocks of batch_size);
                for generators and grain's iterables the source decides.
            class_weight: dict class -> weight of its samples in the loss.
            sample_weight: per-sample weights (arrays).
            initial_epoch: epoch to start from (for resuming).
            steps_per_epoch: steps per epoch (default: one pass over the data); the data then
                continues across epochs.
            validation_steps: steps of each validation.
            validation_batch_size: batch size of the validation (default: batch_size).
            validation_freq: validate every this many epochs.

        Returns:
            a History whose ``history`` dict holds each logged value per epoch.
        """
        self._step_cache = None
        self._require_compiled("fit")
        memory.tune_malloc()
        where = f"fit() of model '{self.name}'"
        batch_size = data_utils.positive_int(batch_size, "batch_size", where)
        epochs = data_utils.positive_int(epochs, "epochs", where, minimum=0, allow_none=False)
        initial_epoch = data_utils.positive_int(
            initial_epoch, "initial_epoch", where, minimum=0, allow_none=False
        )
        steps_per_epoch = data_utils.positive_int(steps_per_epoch, "steps_per_epoch", where)
        validation_steps = data_utils.positive_int(validation_steps, "validation_steps", where)
        validation_batch_size = data_utils.positive_int(
            validation_batch_size, "validation_batch_size", where
        )
        validation_freq = data_utils.positive_int(
            validation_freq, "validation_freq", where, allow_none=False
        )
        verbose = _verbosity(verbose, where)
        if not (isinstance(shuffle, bool) or shuffle == "batch"):
            raise ValueError(f"{where}: shuffle must be True, False or 'batch', got {shuffle!r}")
        if validation_data is None and validation_split:
            x, y, sample_weight, validation_data = _split_off_validation(
                x, y, sample_weight, validation_split, where
            )
        elif validation_split:
            _check_fraction(validation_split, where)
        dist = distribution()
        adapter = self._adapter(
            x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight, where
        )
        iterator = data_adapters.EpochIterator(adapter, steps_per_epoch, dist, where)
        validation = None
        if validation_data is not None:
            validation = self._validation_iterator(
                validation_data,
                validation_batch_size or batch_size or getattr(adapter, "batch_size", None),
                validation_steps,
                dist,
                where,
            )
        history = callbacks_module.History()
        callback_list = list(callbacks or [])
        if dist is not None and dist.rank != 0:
            verbose = 0  # only the chief process prints
        if verbose:
            callback_list.append(callbacks_module.ProgbarLogger())
        callback_list.append(history)
        params = {"epochs": epochs, "steps": iterator.num_batches, "verbose": verbose}
        hooks = callbacks_module.CallbackList(callback_list, self, params)
        self.stop_training = False
        self.stop_training_by_error = False
        self._resume = None
        try:
            return self._fit_epochs(
                hooks, params, history, iterator, epochs, initial_epoch, validation, validation_freq
            )
        except BaseException as error:
            self.stop_training_by_error = True
            if dist is not None and dist.size > 1 and not isinstance(error, KeyboardInterrupt):
                dist.abort(error)  # another process would otherwise wait in the next Allreduce
            raise
        finally:
            iterator.close()
            if validation is not None:
                validation.close()
            adapter.close()

    def _validation_iterator(self, validation_data, batch_size, steps, dist, where):
        if isinstance(validation_data, list):
            validation_data = tuple(validation_data)
        if isinstance(validation_data, tuple):
            if len(validation_data) not in (1, 2, 3):
                raise ValueError(
                    f"{where}: validation_data must be (x, y) or (x, y, sample_weight), got a "
                    f"tuple of {len(validation_data)}"
                )
            x, y, weight = (tuple(validation_data) + (None, None))[:3]
        else:
            x, y, weight = validation_data, None, None
        adapter = self._adapter(
            x, y, weight, batch_size, steps, False, None, f"{where}, in validation_data,"
        )
        return data_adapters.EpochIterator(adapter, steps, dist, where)

    def _fit_epochs(
        self, hooks, params, history, iterator, epochs, initial_epoch, validation, validation_freq
    ):
        hooks.on_train_begin({})
        resume, self._resume = self._resume, None  # set by BackupAndRestore when it restored
        if resume is not None:
            initial_epoch = max(initial_epoch, resume["epoch"])
        logs = {}
        where = iterator.where
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            hooks.on_epoch_begin(epoch, {})
            first_step = 0
            if resume is not None and resume["batch"] and epoch == resume["epoch"]:
                first_step = resume["batch"]  # where it stopped, in the order it had
                batches = iterator.epoch(resume["order"], first_step)
            else:
                batches = iterator.epoch()
            steps_done = 0
            for step, batch in batches:
                if steps_done == 0:
                    self._epoch_order = iterator.order
                    self._check_input_shape(batch.data[0], where)
                hooks.on_train_batch_begin(step, {})
                logs = self._train_on(batch)
                steps_done += 1
                hooks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            batches.close()
            if steps_done == 0 and not first_step:
                if epoch == initial_epoch:
                    raise ValueError(f"{where}: x gave no batches to train on")
                warnings.warn(
                    f"{where}: the data ran out before epoch {epoch + 1}; training stops. A "
                    f"generator is read once: pass steps_per_epoch, or a PyDataset or dataset",
                    stacklevel=3,
                )
                break
            params["steps"] = params["steps"] or iterator.num_batches  # known after one pass
            if iterator.dist is not None:
                _reduce_metric_states(iterator.dist, self.metrics)
            logs = self.get_metrics_result()
            if validation is not None and (epoch + 1) % validation_freq == 0:
                val = self._evaluate_batches(validation, hooks)
                logs.update({f"val_{k}": v for k, v in val.items()})
            hooks.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        hooks.on_train_end(logs)
        finalize = getattr(self.optimizer, "finalize_variable_values", None)
        if finalize is not None:
            finalize(self.trainable_weights)
        self.history = history
        return history

    def _train_on(self, batch):
        """``train_step`` on one Batch. A process without rows in this step (a global batch
        smaller than the number of processes) steps on a stand-in row weighted zero, so that it
        joins the gradient Allreduce, and its metrics forget that row."""
        self._local_count, self._global_count = batch.local_count, batch.global_count
        data = _step_data(batch.data)
        if batch.local_count:
            return self.train_step(data)
        with _metrics_kept(self):
            self.train_step(data)
        return self.get_metrics_result()

    def _evaluate_batches(self, iterator, hooks=None):
        """Loss and metrics over one pass of an EpochIterator, in inference mode; ``hooks`` (a
        CallbackList) hear on_test_begin, each test batch and on_test_end, as in Keras."""
        hooks = hooks or callbacks_module.CallbackList([], self, {})
        self.reset_metrics()
        hooks.on_test_begin({})
        steps, logs = 0, {}
        with no_grad():
            for step, batch in iterator.epoch():
                if steps == 0:
                    self._check_input_shape(batch.data[0], iterator.where)
                steps += 1
                hooks.on_test_batch_begin(step, {})
                if batch.local_count:
                    logs = self.test_step(_step_data(batch.data))
                else:
                    with _metrics_kept(self):
                        logs = self.test_step(_step_data(batch.data))
                hooks.on_test_batch_end(step, logs)
            if steps == 0:
                raise ValueError(f"{iterator.where}: the data gave no batches to evaluate")
            if iterator.dist is not None:
                _reduce_metric_states(iterator.dist, self.metrics)
        self._evaluated_steps = steps
        logs = self.get_metrics_result()
        hooks.on_test_end(logs)
        return logs

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
        """Loss and metrics on the data in inference mode.

        Args:
            x, y, sample_weight: as for ``fit`` (arrays, a PyDataset, a generator...).
            batch_size: samples per step for arrays (default 32).
            verbose: 0 silent, otherwise one summary line.
            steps: evaluate only this many batches.
            callbacks: Callback objects; they hear on_test_begin, each batch and on_test_end.
            return_dict: return {name: value} instead of a list.

        Returns:
            the loss alone, a list [loss, *metrics], or a dict with ``return_dict=True``.
        """
        self._step_cache = None
        self._require_compiled("evaluate")
        where = f"evaluate() of model '{self.name}'"
        batch_size = data_utils.positive_int(batch_size, "batch_size", where)
        steps = data_utils.positive_int(steps, "steps", where)
        verbose = _verbosity(verbose, where)
        dist = distribution()
        adapter = self._adapter(x, y, sample_weight, batch_size, steps, False, None, where)
        iterator = data_adapters.EpochIterator(adapter, steps, dist, where)
        hooks = callbacks_module.CallbackList(
            list(callbacks or []), self, {"steps": steps, "verbose": verbose}
        )
        try:
            logs = self._evaluate_batches(iterator, hooks)
        finally:
            iterator.close()
            adapter.close()
        if dist is not None and dist.rank != 0:
            verbose = 0
        if verbose:
            steps_done = self._evaluated_steps
            emit(f"{steps_done}/{steps_done}{format_logs(logs)}")
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for x in inference mode, batch by batch.

        Args:
            x: arrays, a PyDataset, a generator or iterable of batches (only x is used), or a
                grain dataset.
            batch_size: samples per step for arrays (default 32).
            verbose: accepted for Keras compatibility.
            steps: predict only this many batches.
            callbacks: Callback objects; they hear on_predict_begin, each batch (with its
                outputs) and on_predict_end.

        Returns:
            a NumPy array (a list of arrays for several outputs).
        """
        where = f"predict() of model '{self.name}'"
        batch_size = data_utils.positive_int(batch_size, "batch_size", where)
        steps = data_utils.positive_int(steps, "steps", where)
        _verbosity(verbose, where)
        dist = distribution()
        if _one_batch_of_arrays(x, batch_size, steps, callbacks, dist):
            return self._predict_one_batch(x, where)
        adapter = self._adapter(x, None, None, batch_size, steps, False, None, where)
        iterator = data_adapters.EpochIterator(adapter, steps, dist, where)
        chunks = []
        hooks = callbacks_module.CallbackList(list(callbacks or []), self, {"steps": steps})
        hooks.on_predict_begin({})
        try:
            with no_grad():
                for step, batch in iterator.epoch():
                    if not chunks:
                        self._check_input_shape(batch.data[0], where)
                    hooks.on_predict_batch_begin(step, {})
                    outputs = self._predict_batch(batch.data[0])
                    if not batch.local_count:  # a stand-in row: no output of its own
                        outputs = [o[:0] for o in outputs]
                    chunks.append(outputs)
                    hooks.on_predict_batch_end(step, {"outputs": outputs})
        finally:
            iterator.close()
            adapter.close()
        hooks.on_predict_end({})
        if iterator.dist is not None:
            per_process = iterator.dist.gather_objects(chunks)
            chunks = [
                part[step]
                for step in range(max(len(part) for part in per_process))
                for part in per_process
                if step < len(part)
            ]
        if not chunks:
            raise ValueError(f"{where}: x gave no batches to predict")
        outputs = [np.concatenate(parts) for parts in zip(*chunks)]
        return outputs[0] if len(outputs) == 1 else outputs

    def _batch_arrays(self, x, y, sample_weight, where):
        x = data_utils.to_arrays(x, where, "x")
        y = data_utils.to_arrays(y, where, "y")
        if x is None:
            raise ValueError(f"{where}: x (the inputs) is required, got None")
        n = self._check_data(x, y, where)
        if sample_weight is not None:
            sample_weight = data_adapters.sample_weight_array(sample_weight, n, where)
        return x, y, sample_weight

    def _predict_one_batch(self, x, where):
        """``predict`` of one in-memory array that fits in one batch: the same checks and the
        same forward pass, without building a data pipeline for a single step."""
        if x.shape[0] == 0:
            raise ValueError(f"{where}: x has no samples (shape {x.shape}); give at least one")
        data_utils.check_finite(x, where, "x")
        chain = self._inference_chain()
        if chain is not None and chain.accepts(x):  # x has the input's shape: nothing to check
            return chain.run(x)
        self._check_input_shape(x, where)
        with no_grad():
            outputs = self._predict_batch(x)
        return outputs[0] if len(outputs) == 1 else outputs

    def _predict_batch(self, x):
        """One batch's outputs as a list of arrays: through the fusion pass's tape-free
        inference chain when it takes this batch, else through ``predict_step``."""
        chain = self._inference_chain()
        if chain is not None and chain.accepts(x):
            return [chain.run(x)]
        return [_array(t) for t in _as_list(self.predict_step((x,)))]

    def _training_chain(self, x):
        """The fusion pass's ``TrainingChain`` when it can run this step of the default
        ``train_step`` (this method's caller): the default ``compute_loss``, and the chain
        accepting ``x``."""
        chain = self._chain_of_the_plan("compute_loss", "training_chain")
        return chain if chain is not None and chain.accepts(x) else None

    def _inference_chain(self):
        """The chain (``fusion.InferenceChain``) when nothing of this model's own must run in
        ``predict``: the default predict_step."""
        return self._chain_of_the_plan("predict_step", "inference_chain")

    def _eager_chain(self, args, kwargs):
        """``(chain, x)`` when the eager call ``self(*args, **kwargs)`` can go straight to the
        fusion pass's training chain, as ``Model.__call__`` does: one array or Tensor of the
        chain's dtype that the chain accepts, no keyword but ``training`` (the chain's Dense
        layers compute the same either way), and what ``_chain_of_the_plan`` asks; else None.
        ``x`` is the Tensor that ``Layer.__call__`` would have made of the argument."""
        if len(args) != 1 or (kwargs and (len(kwargs) != 1 or "training" not in kwargs)):
            return None
        x = args[0]
        if type(x) is np.ndarray:
            data = x
        elif isinstance(x, Tensor):
            data = x.data
        else:
            return None
        chain = self._chain_of_the_plan(None, "training_chain")
        if chain is None or data.dtype is not chain.dtype or not chain.accepts(data):
            return None
        return chain, (x if data is not x else constant(x))

    def _chain_of_the_plan(self, method, accessor):
        """``self.<accessor>()`` (a chain of the fusion pass) when the model's ``method`` is
        Trainer's own (any, for None), the model has no hooks or activity regularizer, and its
        dtype is the chain's; else None."""
        if (
            (method is not None and getattr(type(self), method) is not getattr(Trainer, method))
            or self.has_hooks
            or self.activity_regularizer is not None
        ):
            return None
        make_chain = getattr(self, accessor, None)
        chain = None if make_chain is None else make_chain()
        return chain if chain is not None and chain.dtype == self.dtype else None

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on exactly this batch; returns the loss (and metrics)."""
        self._step_cache = None
        self._require_compiled("train_on_batch")
        memory.tune_malloc()
        where = f"train_on_batch() of model '{self.name}'"
        x, y, sample_weight = self._batch_arrays(x, y, sample_weight, where)
        if class_weight is not None:
            weights = data_utils.class_weights_to_sample_weights(y, class_weight, where)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        self.reset_metrics()
        n = data_utils.num_samples(x, where, "x")
        self._local_count = self._global_count = n
        logs = self.train_step(_step_data((x, y, sample_weight)))
        return _batch_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) of exactly this batch, in inference mode."""
        self._step_cache = None
        self._require_compiled("test_on_batch")
        where = f"test_on_batch() of model '{self.name}'"
        x, y, sample_weight = self._batch_arrays(x, y, sample_weight, where)
        self.reset_metrics()
        with no_grad():
            logs = self.test_step(_step_data((x, y, sample_weight)))
        return _batch_result(logs, return_dict)

    def predict_on_batch(self, x):
        """The model's outputs for exactly this batch, as NumPy arrays."""
        where = f"predict_on_batch() of model '{self.name}'"
        batch, _, _ = self._batch_arrays(x, None, None, where)
        with no_grad():
            outputs = [_array(t) for t in _as_list(self.predict_step((batch,)))]
        return outputs[0] if len(outputs) == 1 else outputs


class _CompiledLoss:
    def __init__(self, model):
        self.model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        total = self.model.compute_loss(None, y_true, y_pred, sample_weight)
        for penalty in regularization_losses or []:
            total = add(total, penalty)
        return total


class _CompiledMetrics:
    def __init__(self, model):
        self.model = model

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.model.compute_metrics(None, y_true, y_pred, sample_weight)

    def result(self):
        return self.model.get_metrics_result()

    def reset_state(self):
        self.model.reset_metrics()


def _step_data(data):
    """(x, y, sample_weight) as the step methods take it: (x,) when there is only x, so that a
    list of several inputs is never read as (x, y)."""
    x, y, weight = data
    if y is None and weight is None:
        return (x,)
    if weight is None:
        return (x, y)
    return (x, y, weight)


class _metrics_kept:
    """Within the block, metric updates are undone afterwards (a stand-in step)."""

    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.saved = {id(m): m.state() for m in self.model.metrics}

    def __exit__(self, *exc_info):
        for metric in self.model.metrics:
            if id(metric) in self.saved:
                metric.set_state(self.saved[id(metric)])
            else:
                metric.reset_state()


def _verbosity(verbose, where):
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or verbose in (0, 1, 2):
        return int(verbose)
    raise ValueError(f"{where}: verbose must be 'auto', 0, 1 or 2, got {verbose!r}")


def _check_fraction(validation_split, where):
    if (
        isinstance(validation_split, bool)
        or not isinstance(validation_split, numbers.Real)
        or not 0 <= validation_split < 1
    ):
        raise ValueError(
            f"{where}: validation_split must be a number in [0, 1), got {validation_split!r}"
        )


def _split_off_validation(x, y, sample_weight, validation_split, where):
    """The last ``validation_split`` of the arrays as validation data (before any shuffling)."""
    _check_fraction(validation_split, where)
    if not data_adapters.is_array_input(x) or x is None:
        raise ValueError(
            f"{where}: validation_split works only when x is arrays, got "
            f"{type(x).__name__}; pass validation_data instead"
        )
    x, y = data_utils.to_arrays(x, where, "x"), data_utils.to_arrays(y, where, "y")
    n = data_utils.num_samples(x, where, "x")
    if y is not None and data_utils.num_samples(y, where, "y") != n:
        raise ValueError(
            f"{where}: x has {n} samples but y has {data_utils.num_samples(y, where, 'y')}; "
            f"they must have the same length"
        )
    if sample_weight is not None:
        sample_weight = data_adapters.sample_weight_array(sample_weight, n, where)
    split = int(n * (1 - validation_split))
    if split == 0 or split == n:
        raise ValueError(
            f"{where}: validation_split={validation_split} of {n} samples leaves "
            f"{split} for training and {n - split} for validation; both need at least one"
        )
    train, held_out = slice(0, split), slice(split, None)
    validation = (data_utils.take(x, held_out), data_utils.take(y, held_out))
    if sample_weight is not None:
        validation += (sample_weight[held_out],)
        sample_weight = sample_weight[train]
    return data_utils.take(x, train), data_utils.take(y, train), sample_weight, validation


def _one_batch_of_arrays(x, batch_size, steps, callbacks, dist):
    """Whether ``predict`` can skip the data pipeline: one numeric NumPy array (not a memmap) of
    at most one batch, no step limit, no callbacks, one process."""
    return (
        type(x) is np.ndarray
        and x.ndim >= 1
        and x.dtype.kind in "biuf"
        and len(x) <= (batch_size or 32)
        and steps is None
        and not callbacks
        and dist is None
    )


def _batch_size(x):
    arrays = data_utils.flatten(x) if not isinstance(x, Tensor) else [x]
    first = arrays[0] if arrays else None
    if isinstance(first, Tensor):
        return first.shape[0] if first.ndim else 1
    return len(first) if first is not None and np.ndim(first) else 1


def _array(value):
    return value.data if isinstance(value, Tensor) else np.asarray(value)


def _number(value):
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return float(value)
    if isinstance(value, (np.floating, np.integer)):
        return float(value)
    return value


def _batch_result(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _reduce_metric_states(dist, metrics):
    """Sum every metric's state over the processes, so results() gives the global values."""
    states = [metric.state() for metric in metrics]
    summed = dist.sum_arrays([a for state in states for a in state])
    offset = 0
    for metric, state in zip(metrics, states):
        metric.set_state(summed[offset : offset + len(state)])
        offset += len(state)


# -- compile settings as JSON-safe data ------------------------------------------------------------
def _serialize_spec(spec):
    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if isinstance(spec, (list, tuple)):
        return [_serialize_spec(s) for s in spec]
    if isinstance(spec, dict):
        return {"__dict__": {k: _serialize_spec(v) for k, v in spec.items()}}
    if isinstance(spec, (losses_module.Loss, metrics_module.Metric)):
        return {"class_name": type(spec).__name__, "config": spec.get_config()}
    if callable(spec):
        return {"function": getattr(spec, "__name__", "function")}
    raise ValueError(f"cannot save compile setting {spec!r}")


def _deserialize_spec(spec, kind, custom_objects):
    if spec is None or isinstance(spec, (str, int, float)):
        return spec
    if isinstance(spec, list):
        return [_deserialize_spec(s, kind, custom_objects) for s in spec]
    if "__dict__" in spec:
        return {k: _deserialize_spec(v, kind, custom_objects) for k, v in spec["__dict__"].items()}
    if "function" in spec:
        function = (custom_objects or {}).get(spec["function"])
        if function is None:
            raise LookupError(f"the {kind} function '{spec['function']}' is not in custom_objects")
        return function
    module = losses_module if kind == "loss" else metrics_module
    return module.deserialize(spec, custom_objects)
