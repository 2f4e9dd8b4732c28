"""Learning-rate schedules: ``schedule(step) -> learning rate``, usable as an optimizer's
learning_rate (the optimizer calls it with its iteration count before each update)."""

import math

from glassnet.backend.naming import lookup


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> class Halving(schedules.LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** (step // 10)
    ...     def get_config(self):
    ...         return {}
    >>> Halving()(25)
    0.025
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must implement __call__(self, step)"
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must implement get_config() to be "
            "saved"
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check_steps(where, name, value):
    if value <= 0:
        raise ValueError(f"{where}: {name} must be > 0, got {value}")


class ExponentialDecay(LearningRateSchedule):
    """initial * decay_rate ** (step / decay_steps), the exponent floored when ``staircase``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: > 0, the steps over which the rate is multiplied by decay_rate.
        decay_rate: the factor per decay_steps.
        staircase: decay in discrete jumps.
        name: the schedule's name.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> schedules.ExponentialDecay(1.0, decay_steps=10, decay_rate=0.5)(20)
    0.25
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        _check_steps("ExponentialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        progress = step / self.decay_steps
        if self.staircase:
            progress = math.floor(progress)
        return self.initial_learning_rate * self.decay_rate**progress

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """initial / (1 + decay_rate * step / decay_steps), the ratio floored when ``staircase``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: > 0, the time unit.
        decay_rate: how fast the rate falls.
        staircase: decay in discrete jumps.
        name: the schedule's name.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> schedules.InverseTimeDecay(1.0, decay_steps=1, decay_rate=0.5)(2)
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        _check_steps("InverseTimeDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        progress = step / self.decay_steps
        if self.staircase:
            progress = math.floor(progress)
        return self.initial_learning_rate / (1 + self.decay_rate * progress)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <=
    boundaries[i], values[-1] after the last boundary.

    Args:
        boundaries: increasing steps.
        values: one more value than boundaries.
        name: the schedule's name.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> rate = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> [rate(step) for step in (10, 11, 21)]
    [1.0, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                "PiecewiseConstantDecay: needs one more value than boundaries, got "
                f"{len(boundaries)} boundaries and {len(values)} values"
            )
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """(initial - end) * (1 - step / decay_steps) ** power + end, held at ``end`` after
    decay_steps; with ``cycle``, decay_steps grows to the first multiple beyond the step.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: > 0, the steps to reach end_learning_rate.
        end_learning_rate: the final rate.
        power: the polynomial's power (1.0: linear).
        cycle: restart the decay after each multiple of decay_steps.
        name: the schedule's name.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> rate = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0)
    >>> [rate(step) for step in (0, 5, 10, 15)]
    [1.0, 0.5, 0.0, 0.0]
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        _check_steps("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        decay_steps = self.decay_steps
        if self.cycle:
            decay_steps = decay_steps * (1 if step == 0 else math.ceil(step / decay_steps))
        else:
            step = min(step, decay_steps)
        fraction = step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * (
            1 - fraction
        ) ** self.power + self.end_learning_rate

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """An optional linear warmup from initial_learning_rate to warmup_target over warmup_steps,
    then a half cosine from the peak down to alpha * peak over decay_steps, held there after.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: > 0, the length of the cosine.
        alpha: the final rate as a fraction of the peak.
        name: the schedule's name.
        warmup_target: the peak after warmup (None: no warmup, the peak is the initial rate).
        warmup_steps: the length of the warmup.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> rate = schedules.CosineDecay(1.0, decay_steps=100, alpha=0.1)
    >>> round(rate(50), 6), rate(100)
    (0.55, 0.1)
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_steps("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, peak):
        cosine = 0.5 * (1 + math.cos(math.pi * step / self.decay_steps))
        return peak * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return rise * step / self.warmup_steps + self.initial_learning_rate
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter, 2017).

    The i-th period lasts first_decay_steps * t_mul**i steps and starts from
    initial_learning_rate * m_mul**i; within it the rate follows a half cosine down to alpha
    times the initial rate.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: > 0, the length of the first period.
        t_mul: each period is this many times longer than the previous.
        m_mul: each period starts this many times lower than the previous.
        alpha: the floor, as a fraction of initial_learning_rate.
        name: the schedule's name.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> rate = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0, m_mul=0.5)
    >>> round(rate(5), 6), rate(10), round(rate(15), 6)
    (0.5, 0.5, 0.25)
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        _check_steps("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        fraction = step / self.first_decay_steps
        if self._t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            # period i starts after (1 - t_mul**i) / (1 - t_mul) first periods
            restart = math.floor(
                math.log(1.0 - fraction * (1.0 - self._t_mul)) / math.log(self._t_mul)
            )
            start = (1.0 - self._t_mul**restart) / (1.0 - self._t_mul)
            fraction = (fraction - start) / self._t_mul**restart
        cosine = 0.5 * self._m_mul**restart * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(learning_rate_schedule):
    """A schedule as Keras's dict: {"module", "class_name", "config", "registered_name"}.

    Args:
        learning_rate_schedule: a LearningRateSchedule (built-in or custom).

    Example:

    >>> from glassnet.optimizers import schedules
    >>> schedules.serialize(schedules.PolynomialDecay(0.1, 10))["class_name"]
    'PolynomialDecay'
    """
    cls = type(learning_rate_schedule)
    builtin = _SCHEDULES.get(cls.__name__) is cls
    return {
        "module": "keras.optimizers.schedules" if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": learning_rate_schedule.get_config(),
        "registered_name": None if builtin else cls.__name__,
    }


def deserialize(config, custom_objects=None):
    """The schedule a ``serialize`` dict describes; classes come from glassnet's schedules or
    ``custom_objects`` (name -> class), never from an import.

    Args:
        config: the dict (Keras's "module" and "registered_name" keys are understood).
        custom_objects: optional dict name -> class for schedules glassnet does not define.

    Example:

    >>> from glassnet.optimizers import schedules
    >>> spec = {"class_name": "CosineDecayRestarts", "config": {"initial_learning_rate": 1.0,
    ...         "first_decay_steps": 4}}
    >>> schedules.deserialize(spec)(0)
    1.0
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"schedules.deserialize: expected a dict with 'class_name' and 'config', got {config!r}"
        )
    known = {**_SCHEDULES, **(custom_objects or {})}
    name = config.get("registered_name") or config["class_name"]
    if name not in known:
        name = config["class_name"]
    cls = lookup("learning-rate schedule", name, known)
    return cls.from_config(dict(config.get("config", {})))
