"""The optimizer base, with Keras 3's public members, and the one ``apply`` every optimizer runs.

An optimizer can be written in two ways, and both go through the same ``apply`` (loss-scale undo,
gradient accumulation, clipping, weight decay, the update, the moving average of the weights,
constraints, the iteration counter):

- **glassnet's built-ins** give ``build_state(variable)`` (the slot arrays: momentum, moments...)
  and ``update(value, grad, lr, state, step)``, which changes the variable's NumPy array in place.
  Nothing is allocated per step beyond what the update itself needs, so references to a weight
  held elsewhere stay live.
- **an optimizer written for Keras 3** overrides ``build(variables)`` (slots made with
  ``add_variable_from_reference``) and ``update_step(gradient, variable, learning_rate)`` (with
  ``self.assign_sub(variable, ...)`` and ``glassnet.ops``), exactly as in Keras.

Either way the slots of a model variable live in ``self._state[id(variable)]`` (slot name -> array),
which is what ``state_of`` shows, saving writes and ``load_state`` restores.
"""

import copy
import math
import re
import warnings

import numpy as np

from glassnet import initializers
from glassnet.autograd import Tensor, Variable, no_grad
from glassnet.backend import registry
from glassnet.backend.naming import snake_case, unique_name
from glassnet.optimizers import schedules
from glassnet.optimizers.schedules import LearningRateSchedule

_SLOT_NAME = re.compile(r"[^a-z_]")


def _as_array(gradient):
    return np.asarray(getattr(gradient, "data", gradient))


def _share(array, name, path):
    """A non-trainable Variable whose data *is* ``array`` (writes through to the optimizer slot)."""
    variable = Variable(np.zeros((), dtype=array.dtype), trainable=False, name=name)
    variable.data = array
    variable.path = path
    return variable


class Optimizer:
    """Base class of all optimizers: learning rate, clipping, weight decay, EMA, accumulation.

    Args:
        learning_rate: a float, a ``schedules.LearningRateSchedule`` (called with the iteration
            count), or a callable without arguments returning the rate.
        weight_decay: if set, each step first does ``w -= w * weight_decay * learning_rate``
            (decoupled weight decay), except for variables named in ``exclude_from_weight_decay``.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the weights (slot ``"average"``);
            ``finalize_variable_values`` copies it into the weights at the end of training.
        ema_momentum: ``average = ema_momentum * average + (1 - ema_momentum) * weight``
            (the first step copies the weight).
        ema_overwrite_frequency: if set, every that many iterations the weights are overwritten
            with their moving average.
        loss_scale_factor: ``scale_loss`` multiplies the loss by it and ``apply`` divides the
            gradients by it.
        gradient_accumulation_steps: if set (>= 2), the gradients of that many calls are averaged
            (slot ``"gradient_accumulator"``) and applied once; ``iterations`` counts those
            updates while schedules see every call.
        name: the optimizer's name (default: its class name in snake case, made unique).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0, 2.0]))
    >>> optimizers.SGD(learning_rate=0.5).apply([np.array([1.0, -1.0])], [w])
    >>> w.data
    array([0.5, 2.5])
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_builtin_subclasses("optimizer", cls)

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        where = type(self).__name__
        if kwargs.pop("decay", None) is not None:
            warnings.warn(f"{where}: the argument `decay` is no longer supported and is ignored")
        if kwargs:
            raise TypeError(f"{where}: unexpected keyword argument(s) {sorted(kwargs)}")
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{where}: use only one of clipnorm, clipvalue and global_clipnorm, got "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        if gradient_accumulation_steps is not None and not (
            isinstance(gradient_accumulation_steps, int) and gradient_accumulation_steps >= 2
        ):
            raise ValueError(
                f"{where}: gradient_accumulation_steps must be an integer >= 2, "
                f"got {gradient_accumulation_steps!r}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"{where}: ema_momentum must be in [0, 1], got {ema_momentum}")
            if ema_overwrite_frequency is not None and not (
                isinstance(ema_overwrite_frequency, int) and ema_overwrite_frequency >= 1
            ):
                raise ValueError(
                    f"{where}: ema_overwrite_frequency must be an integer >= 1 or None, "
                    f"got {ema_overwrite_frequency!r}"
                )
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._state = {}  # id(model variable) -> {slot name: array} (saved with the model)
        self._scratch = {}  # (shape, dtype) -> a work array (not state: never saved)
        self._variables = []  # Variables made by add_variable, in creation order
        self._slot_bindings = {}  # (id(model variable), slot) -> the Variable sharing that slot
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._exclude_from_weight_decay = set()
        self._exclude_from_weight_decay_pattern = None
        self._exclude_from_weight_decay_cache = {}
        self._iterations = Variable(np.zeros((), dtype=np.int64), trainable=False, name="iteration")
        self._iterations.path = f"{self.name}/iteration"
        self._set_learning_rate(learning_rate)

    # -- learning rate ---------------------------------------------------------------------------
    def _set_learning_rate(self, value):
        if isinstance(value, LearningRateSchedule) or (
            callable(value) and not isinstance(value, Tensor)
        ):
            self._learning_rate = value
            return
        try:
            rate = float(getattr(value, "data", value))
        except (TypeError, ValueError):
            rate = math.nan
        if not math.isfinite(rate) or rate < 0:
            raise ValueError(
                f"{type(self).__name__}: learning_rate must be a finite number >= 0, a "
                f"LearningRateSchedule or a callable, got {value!r}"
            )
        current = getattr(self, "_learning_rate", None)
        if isinstance(current, Variable):
            current.data[...] = rate
        else:
            self._learning_rate = Variable(
                np.array(rate, dtype=np.float64), trainable=False, name="learning_rate"
            )
            self._learning_rate.path = f"{self.name}/learning_rate"

    @property
    def learning_rate(self):
        """The rate for the next step, a float (a schedule is evaluated at the call count)."""
        rate = self._learning_rate
        if isinstance(rate, Variable):
            return float(rate.data)
        if isinstance(rate, LearningRateSchedule):
            rate = rate(int(self._iterations.data))
        else:
            rate = rate()
        return float(_as_array(rate))

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, LearningRateSchedule) and not (
            isinstance(value, LearningRateSchedule) or callable(value)
        ):
            raise TypeError(
                f"{type(self).__name__}: the learning rate follows a "
                f"{type(self._learning_rate).__name__} schedule and cannot be set to a number; "
                "create the optimizer with a float learning_rate to change it during training"
            )
        self._set_learning_rate(value)

    lr = learning_rate

    # -- iterations ------------------------------------------------------------------------------
    @property
    def iterations(self):
        """Updates applied so far (with gradient accumulation: accumulated updates), an int."""
        count = int(self._iterations.data)
        steps = self.gradient_accumulation_steps
        return count // steps if steps else count

    @iterations.setter
    def iterations(self, value):
        steps = self.gradient_accumulation_steps or 1
        self._iterations.data[...] = int(value) * steps

    # -- building --------------------------------------------------------------------------------
    def build(self, variables):
        """Create the optimizer's state for ``variables`` (the model's trainable variables).

        Subclasses written for Keras override this, call ``super().build(variables)`` first and
        then create their slots with ``add_variable_from_reference``.

        Args:
            variables: list of Variables the optimizer will update.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.zeros((2, 3)), name="kernel")
        >>> opt = optimizers.Adam()
        >>> opt.build([w])
        >>> sorted(opt.state_of(w))
        ['m', 'v']
        """
        for variable in variables:
            key = self._var_key(variable)
            if key in self._trainable_variables_indices:
                continue
            self._trainable_variables_indices[key] = len(self._trainable_variables)
            self._trainable_variables.append(variable)
            state = self._state.setdefault(key, {})
            if self.use_ema:
                _adopt(state, "average", np.zeros_like(variable.data))
            if self.gradient_accumulation_steps:
                _adopt(state, "gradient_accumulator", np.zeros_like(variable.data))
            for slot, array in self.build_state(variable).items():
                _adopt(state, slot, array)
        self.built = True

    def build_state(self, variable):
        """The slot arrays this optimizer keeps for ``variable`` (built-in optimizers)."""
        return {}

    def _var_key(self, variable):
        return id(variable)

    def _get_variable_index(self, variable):
        """The position of ``variable`` in the list the optimizer was built with."""
        return self._trainable_variables_indices[self._var_key(variable)]

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ):
        """A new non-trainable Variable owned by the optimizer (listed in ``variables``).

        Args:
            shape: its shape.
            initializer: an initializer or its name (default ``"zeros"``).
            dtype: its dtype (default floatx).
            aggregation: accepted for Keras compatibility (no replicas here).
            layout: accepted for Keras compatibility.
            name: its name.

        Returns:
            The Variable.

        Example:

        >>> from glassnet import optimizers
        >>> counter = optimizers.SGD().add_variable((), initializer="ones", name="count")
        >>> float(counter.data)
        1.0
        """
        initializer = initializers.get(initializer)
        variable = Variable(
            initializer, shape=tuple(shape), dtype=dtype, trainable=False, name=name or "variable"
        )
        variable.path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot Variable shaped like ``reference_variable`` (a momentum, a moment...).

        The slot is also kept under ``name`` in ``state_of(reference_variable)``, so it is saved
        with the model and broadcast by data-parallel training.

        Args:
            reference_variable: the model Variable the slot belongs to.
            name: the slot's name (default ``"var"``).
            initializer: an initializer or its name (default ``"zeros"``).

        Returns:
            The slot Variable.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.ones(3), name="bias")
        >>> opt = optimizers.SGD()
        >>> m = opt.add_variable_from_reference(w, "momentum")
        >>> m.shape, opt.state_of(w)["momentum"] is m.data
        ((3,), True)
        """
        slot = name or "var"
        reference_path = str(getattr(reference_variable, "path", None) or reference_variable.name)
        variable = self.add_variable(
            reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=f"{reference_path.replace('/', '_')}_{slot}",
        )
        key = self._var_key(reference_variable)
        slot_key = _SLOT_NAME.sub("_", slot.lower())[:40] or "var"
        while (key, slot_key) in self._slot_bindings:
            slot_key = (slot_key + "_")[-40:]
        state = self._state.setdefault(key, {})
        restored = state.get(slot_key)
        if restored is not None and restored.shape == variable.data.shape:
            variable.data[...] = restored  # loaded before the optimizer was built
        state[slot_key] = variable.data
        self._slot_bindings[(key, slot_key)] = variable
        return variable

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """Slots for every variable: one list per name (a tuple of lists for a list of names).

        Args:
            trainable_variables: the model variables.
            name: a slot name, or a list of names.
            initializer: an initializer (or name), or one per name.

        Returns:
            A list of slot Variables, or a tuple of such lists when ``name`` is a list.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> ws = [Variable(np.ones(2), name="a"), Variable(np.ones(3), name="b")]
        >>> m, v = optimizers.SGD().add_optimizer_variables(ws, ["m", "v"])
        >>> [x.shape for x in m + v]
        [(2,), (3,), (2,), (3,)]
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(initializer, (list, tuple)):
            inits = list(initializer)
        else:
            inits = [initializer] * len(names)
        if len(inits) != len(names):
            raise ValueError(
                f"{type(self).__name__}.add_optimizer_variables: {len(names)} names but "
                f"{len(inits)} initializers"
            )
        lists = tuple([] for _ in names)
        for variable in trainable_variables:
            for slots, slot_name, init in zip(lists, names, inits):
                slots.append(self.add_variable_from_reference(variable, slot_name, init))
        return lists[0] if isinstance(name, str) else lists

    def _check_variables_are_known(self, variables):
        indices = self._trainable_variables_indices
        if all(id(v) in indices for v in variables):
            return
        unknown = [v for v in variables if id(v) not in indices]
        if type(self).update_step is Optimizer.update_step:
            Optimizer.build(self, unknown)  # built-in slots are per variable: add the new ones
            return
        raise ValueError(
            f"{type(self).__name__}: variable '{getattr(unknown[0], 'path', unknown[0])}' is not "
            "among those the optimizer was built with; create a new optimizer for new variables"
        )

    # -- writing to variables --------------------------------------------------------------------
    def assign(self, variable, value):
        """``variable = value`` in place (a model or optimizer Variable, or an array).

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.zeros(2))
        >>> optimizers.SGD().assign(w, np.array([1.0, 2.0]))
        >>> w.data
        array([1., 2.])
        """
        _target(variable)[...] = _as_array(value)

    def assign_add(self, variable, value):
        """``variable += value`` in place."""
        target = _target(variable)
        target += _as_array(value).astype(target.dtype, copy=False)

    def assign_sub(self, variable, value):
        """``variable -= value`` in place.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.array([1.0, 1.0]))
        >>> optimizers.SGD().assign_sub(w, np.array([0.25, 0.5]))
        >>> w.data
        array([0.75, 0.5 ])
        """
        target = _target(variable)
        target -= _as_array(value).astype(target.dtype, copy=False)

    # -- applying gradients ----------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """``apply`` on a list of (gradient, variable) pairs; returns ``iterations``."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])
        return self.iterations

    def apply(self, grads, trainable_variables=None):
        """One update of the variables with ``grads`` (arrays or Tensors; None: no gradient).

        Args:
            grads: one gradient per variable.
            trainable_variables: the variables; may be left out once the optimizer is built.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.array([0.0]))
        >>> opt = optimizers.SGD(0.1, momentum=0.9)
        >>> opt.apply([np.array([1.0])], [w])
        >>> opt.apply([np.array([1.0])])
        >>> w.data, opt.iterations
        (array([-0.29]), 2)
        """
        grads = list(grads)
        if not grads:
            return
        where = type(self).__name__
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    f"{where}.apply: without trainable_variables the optimizer must already be "
                    "built; call optimizer.build(trainable_variables) first"
                )
            variables = self._trainable_variables
        else:
            variables = list(trainable_variables)
            if not self.built:
                self.build(variables)
                self.built = True
            else:
                self._check_variables_are_known(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"{where}.apply: got {len(grads)} gradients for {len(variables)} variables"
            )
        if self._slot_bindings:
            self._sync_slot_variables()
        present = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not present:
            raise ValueError(f"{where}.apply: no gradient was given for any variable")
        grads = [g if type(g) is np.ndarray else _as_array(g) for g, _ in present]
        variables = [v for _, v in present]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        self._backend_apply_gradients(grads, variables)
        for variable in variables:
            if variable.constraint is not None:
                variable.data[...] = _as_array(variable.constraint(variable.data))
        self._iterations.data += 1

    def _backend_apply_gradients(self, grads, variables):
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = [
                self._state[self._var_key(v)]["gradient_accumulator"] for v in variables
            ]
            if (int(self._iterations.data) + 1) % steps == 0:
                grads = [(g + a) / steps for g, a in zip(grads, accumulators)]
                self._update(grads, variables)
                for variable in self._trainable_variables:
                    self._state[self._var_key(variable)]["gradient_accumulator"][...] = 0
            else:
                for grad, accumulator in zip(grads, accumulators):
                    accumulator += grad
        else:
            self._update(grads, variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            frequency = self.ema_overwrite_frequency
            if frequency and (self.iterations + 1) % frequency == 0:
                self._overwrite_model_variables_with_average_value(self._trainable_variables)

    def _update(self, grads, variables):
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables)
        self._backend_update_step(grads, variables, self.learning_rate)

    def _backend_update_step(self, grads, variables, learning_rate):
        if type(self).update_step is Optimizer.update_step:  # the built-in in-place path
            step = self.iterations + 1
            states = self._state
            for grad, variable in zip(grads, variables):
                value = variable.data
                grad = grad.astype(value.dtype, copy=False)
                self.update(value, grad, learning_rate, states[id(variable)], step)
            return
        with no_grad():  # a Keras-style update_step computes with ops; record nothing
            for grad, variable in zip(grads, variables):
                self.update_step(Tensor(grad), variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        """Update one variable; the method a custom optimizer written for Keras overrides.

        Built-in optimizers run their in-place ``update`` here, so ``super().update_step(...)``
        works in their subclasses.

        Args:
            gradient: the variable's gradient (a Tensor or array).
            variable: the model Variable.
            learning_rate: the rate for this step (a float).
        """
        key = self._var_key(variable)
        state = self._state.get(key)
        if state is None:
            state = self._state[key] = self.build_state(variable)
        value = variable.data
        grad = _as_array(gradient).astype(value.dtype, copy=False)
        self.update(value, grad, float(learning_rate), state, self.iterations + 1)

    def update(self, value, grad, lr, state, step):
        """Change ``value`` (the variable's array) in place; ``step`` counts from 1."""
        raise NotImplementedError(
            f"{type(self).__name__}: an optimizer must implement update_step(gradient, variable, "
            "learning_rate) (Keras style) or update(value, grad, lr, state, step)"
        )

    def scratch(self, like):
        """A reusable work array shaped like ``like`` (updates write into it, not new arrays)."""
        key = (like.shape, like.dtype)
        array = self._scratch.get(key)
        if array is None:
            array = self._scratch[key] = np.empty_like(like)
        return array

    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [g * (self.clipnorm / max(_norm(g), self.clipnorm)) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            total = math.sqrt(sum(float(np.vdot(g, g).real) for g in grads))
            if not math.isfinite(total):
                return [g * np.nan for g in grads]
            scale = self.global_clipnorm / max(total, self.global_clipnorm)
            return [g * scale for g in grads]
        if self.clipvalue and self.clipvalue > 0:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # -- weight decay ----------------------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables from weight decay: those in ``var_list`` and those whose name
        contains any of ``var_names`` (regular expressions, e.g. ``["bias"]``).

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> bias = Variable(np.ones(2), name="bias")
        >>> opt = optimizers.AdamW(weight_decay=0.5)
        >>> opt.exclude_from_weight_decay(var_names=["bias"])
        >>> opt._use_weight_decay(bias)
        False
        """
        self._exclude_from_weight_decay = {self._var_key(v) for v in var_list or ()}
        self._exclude_from_weight_decay_pattern = (
            re.compile("|".join(sorted(set(var_names)))) if var_names else None
        )
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable):
        key = self._var_key(variable)
        cached = self._exclude_from_weight_decay_cache.get(key)
        if cached is not None:
            return cached
        pattern = self._exclude_from_weight_decay_pattern
        use = key not in self._exclude_from_weight_decay and not (
            pattern is not None and pattern.search(str(variable.name))
        )
        self._exclude_from_weight_decay_cache[key] = use
        return use

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        factor = self.weight_decay * self.learning_rate
        for variable in variables:
            if self._use_weight_decay(variable):
                variable.data -= variable.data * factor

    # -- moving average of the weights -----------------------------------------------------------
    def _update_model_variables_moving_average(self, variables):
        momentum = self.ema_momentum if self.iterations != 0 else 0.0
        for variable in variables:
            average = self._state[self._var_key(variable)]["average"]
            average *= momentum
            average += (1 - momentum) * variable.data

    def _overwrite_model_variables_with_average_value(self, variables):
        for variable in variables:
            average = self._state.get(self._var_key(variable), {}).get("average")
            if average is None:
                raise ValueError(
                    f"{type(self).__name__}: no moving average for variable "
                    f"'{getattr(variable, 'path', variable)}'; was this optimizer used on the "
                    "model?"
                )
            variable.data[...] = average

    def finalize_variable_values(self, var_list):
        """At the end of training: with ``use_ema``, copy the moving averages into the weights.

        ``fit`` calls it after the last epoch.

        Args:
            var_list: the model's trainable variables.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.array([0.0]))
        >>> opt = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5)
        >>> for _ in range(2):
        ...     opt.apply([np.array([-1.0])], [w])
        >>> opt.finalize_variable_values([w])
        >>> w.data
        array([1.5])
        """
        if self.use_ema and self.built:
            self._overwrite_model_variables_with_average_value(var_list)

    # -- loss scaling ----------------------------------------------------------------------------
    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` (``apply`` divides the gradients back); else ``loss``.

        Example:

        >>> from glassnet import optimizers
        >>> optimizers.SGD(loss_scale_factor=128.0).scale_loss(0.5)
        64.0
        """
        if self.loss_scale_factor is not None:
            return loss * self.loss_scale_factor
        return loss

    # -- state -----------------------------------------------------------------------------------
    def state_of(self, variable):
        """The slots kept for ``variable``: a dict slot name -> array (live, not a copy).

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.zeros(2))
        >>> opt = optimizers.SGD(0.1, momentum=0.9)
        >>> opt.apply([np.ones(2)], [w])
        >>> opt.state_of(w)
        {'momentum': array([-0.1, -0.1])}
        """
        return self._state.get(self._var_key(variable), {})

    def load_state(self, variable, slots):
        """Restore ``variable``'s slots (slot name -> array), in place where a slot exists.

        Works before the optimizer is built: the slots are then taken over when it builds.

        Args:
            variable: the model Variable.
            slots: dict slot name -> array, as ``state_of`` gives.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.zeros(2))
        >>> opt = optimizers.SGD(0.1, momentum=0.5)
        >>> opt.load_state(w, {"momentum": np.array([1.0, 2.0])})
        >>> opt.apply([np.zeros(2)], [w])
        >>> w.data
        array([0.5, 1. ])
        """
        state = self._state.setdefault(self._var_key(variable), {})
        for slot, array in slots.items():
            array = np.asarray(array)
            current = state.get(slot)
            if current is not None and current.shape == array.shape:
                current[...] = array
            else:
                state[slot] = np.array(array, copy=True)

    def _sync_slot_variables(self):
        # something replaced a slot array in _state (a restore): copy it into its Variable
        for (key, slot), variable in self._slot_bindings.items():
            array = self._state.get(key, {}).get(slot)
            if array is not None and array is not variable.data:
                if array.shape == variable.data.shape:
                    variable.data[...] = array
                self._state.setdefault(key, {})[slot] = variable.data

    @property
    def variables(self):
        """The optimizer's Variables: the iteration counter, the learning rate (when a number),
        the Variables it created, then the built-in slots of each model variable in turn.

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.zeros(2), name="w")
        >>> opt = optimizers.SGD(momentum=0.9, name="sgd")
        >>> opt.build([w])
        >>> [v.path for v in opt.variables]
        ['sgd/iteration', 'sgd/learning_rate', 'sgd/w_momentum']
        """
        if self._slot_bindings:
            self._sync_slot_variables()
        out = [self._iterations]
        if isinstance(self._learning_rate, Variable):
            out.append(self._learning_rate)
        out.extend(self._variables)
        for variable in self._trainable_variables:
            key = self._var_key(variable)
            reference = str(getattr(variable, "path", None) or variable.name).replace("/", "_")
            for slot, array in self._state.get(key, {}).items():
                if (key, slot) not in self._slot_bindings:
                    name = f"{reference}_{slot}"
                    out.append(_share(array, name, f"{self.name}/{name}"))
        return out

    def set_weights(self, weights):
        """Set every optimizer variable, in the order of ``variables``.

        Args:
            weights: one array per variable in ``variables`` (the optimizer must be built).
        """
        if not self.built:
            raise ValueError(
                f"{type(self).__name__}.set_weights: the optimizer is not built yet; call "
                "optimizer.build(trainable_variables) first"
            )
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(
                f"{type(self).__name__}.set_weights: expected {len(variables)} arrays, "
                f"got {len(weights)}"
            )
        for variable, weight in zip(variables, weights):
            weight = np.asarray(weight)
            if weight.shape != variable.shape:
                raise ValueError(
                    f"{type(self).__name__}.set_weights: variable '{variable.path}' has shape "
                    f"{variable.shape}, the weight given has shape {weight.shape}"
                )
            variable.data[...] = weight

    def save_own_variables(self, store):
        """Write every optimizer variable into ``store`` under "0", "1", ...

        Example:

        >>> import numpy as np
        >>> from glassnet import Variable, optimizers
        >>> w = Variable(np.zeros(2))
        >>> opt = optimizers.Adam()
        >>> opt.apply([np.ones(2)], [w])
        >>> store = {}
        >>> opt.save_own_variables(store)
        >>> sorted(store), int(store["0"])
        (['0', '1', '2', '3'], 1)
        """
        for i, variable in enumerate(self.variables):
            store[str(i)] = np.array(variable.data, copy=True)

    def load_own_variables(self, store):
        """Read the optimizer variables back from ``store`` (as written by
        ``save_own_variables``); warns and skips when the counts differ (e.g. not built yet)."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}': it has "
                f"{len(variables)} variables, the saved optimizer has {len(store.keys())}"
                + ("; build it first" if not self.built else ""),
                stacklevel=2,
            )
            return
        for i, variable in enumerate(variables):
            variable.data[...] = np.asarray(store[str(i)])

    # -- configuration ---------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments, as Keras writes them (a schedule as its serialized dict)."""
        rate = self._learning_rate
        if isinstance(rate, LearningRateSchedule):
            rate = schedules.serialize(rate)
        else:
            rate = self.learning_rate
        return {
            "name": self.name,
            "learning_rate": rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The optimizer ``get_config`` describes (a schedule dict is rebuilt)."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(
                config["learning_rate"], custom_objects=custom_objects
            )
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, iterations={self.iterations}>"

    def __deepcopy__(self, memo):
        # a copy of the optimizer's state, still for the same model variables (which it does
        # not own): a private optimizer that can step the model without touching this one
        for variable in self._trainable_variables:
            memo[id(variable)] = variable
        copied = type(self).__new__(type(self))
        memo[id(self)] = copied
        for key, value in self.__dict__.items():
            copied.__dict__[key] = copy.deepcopy(value, memo)
        return copied


def _adopt(state, slot, array):
    """Keep a restored slot of the right shape, else start from ``array``."""
    current = state.get(slot)
    if current is None or np.shape(current) != np.shape(array):
        state[slot] = array


def _target(variable):
    return variable if isinstance(variable, np.ndarray) else variable.data


def _norm(array):
    return math.sqrt(float(np.vdot(array, array).real))
