"""The optimizer base: learning rate (number or schedule), gradient clipping, weight decay, and
per-variable state; subclasses write only ``update(variable, grad, lr, state, step)``.

Updates happen in place on ``variable.data``, so every reference to a weight stays live.
"""

import numpy as np

from glassnet.optimizers.schedules import LearningRateSchedule


class Optimizer:
    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        name=None,
        **kwargs,
    ):
        unknown = set(kwargs) - {
            "use_ema",
            "ema_momentum",
            "ema_overwrite_frequency",
            "loss_scale_factor",
            "gradient_accumulation_steps",
            "decay",
        }
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(unknown)}"
            )
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{type(self).__name__}: use only one of clipnorm, clipvalue and global_clipnorm"
            )
        self._learning_rate = learning_rate
        self.weight_decay, self.clipnorm, self.clipvalue, self.global_clipnorm = (
            weight_decay,
            clipnorm,
            clipvalue,
            global_clipnorm,
        )
        self.name = name or type(self).__name__.lower()
        self.iterations = 0
        self._state = {}  # id(variable) -> dict of arrays (saved with the model)
        self._scratch = {}  # (shape, dtype) -> a work array (not state: never saved)

    # -- learning rate -----------------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The rate for the next step (a schedule is evaluated at ``iterations``)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return float(self._learning_rate(self.iterations))
        return float(self._learning_rate)

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(self._learning_rate, LearningRateSchedule) and not isinstance(
            value, LearningRateSchedule
        ):
            raise TypeError(
                f"{type(self).__name__}: the learning rate follows a {type(self._learning_rate).__name__} schedule and cannot be set to a number"
            )
        self._learning_rate = value

    lr = learning_rate

    # -- applying gradients ----------------------------------------------------------------------------
    def _clip(self, grads):
        if self.clipvalue is not None:
            grads = [
                None if g is None else np.clip(g, -self.clipvalue, self.clipvalue) for g in grads
            ]
        if self.clipnorm is not None:
            grads = [
                None
                if g is None
                else g * min(1.0, self.clipnorm / max(float(np.sqrt(np.sum(g * g))), 1e-12))
                for g in grads
            ]
        if self.global_clipnorm is not None:
            total = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads if g is not None)))
            scale = min(1.0, self.global_clipnorm / max(total, 1e-12))
            grads = [None if g is None else g * scale for g in grads]
        return grads

    def apply(self, grads, variables):
        """One update of ``variables`` with ``grads`` (arrays, or None for a variable without gradient)."""
        grads = self._clip(
            [None if g is None else np.asarray(getattr(g, "data", g)) for g in grads]
        )
        lr = self.learning_rate
        step = self.iterations + 1
        for grad, variable in zip(grads, variables):
            if grad is None:
                continue
            state = self._state.get(id(variable))
            if state is None:
                state = self._state[id(variable)] = self.build_state(variable)
            if self.weight_decay:
                variable.data -= variable.data * (self.weight_decay * lr)
            self.update(
                variable.data, grad.astype(variable.data.dtype, copy=False), lr, state, step
            )
            if variable.constraint is not None:
                variable.data[...] = variable.constraint(variable.data)
        self.iterations += 1

    def apply_gradients(self, grads_and_vars):
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def build_state(self, variable):
        """Arrays this optimizer keeps for ``variable`` (momentum, moments...)."""
        return {}

    def update(self, value, grad, lr, state, step):
        """Change ``value`` (the variable's array) in place."""
        raise NotImplementedError

    def scratch(self, like):
        """A reusable work array shaped like ``like`` (updates write into it instead of allocating)."""
        key = (like.shape, like.dtype)
        array = self._scratch.get(key)
        if array is None:
            array = self._scratch[key] = np.empty_like(like)
        return array

    def state_of(self, variable):
        return self._state.get(id(variable), {})

    def get_config(self):
        lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": lr
            if not isinstance(lr, LearningRateSchedule)
            else {"class_name": type(lr).__name__, "config": lr.get_config()},
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
