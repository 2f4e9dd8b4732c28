"""Different optimizers for different variables: OptimizerMap chooses, MultiOptimizer applies."""

import re
from collections.abc import MutableMapping

from glassnet.backend import registry
from glassnet.optimizers.optimizer import Optimizer
from glassnet.optimizers.serialization import deserialize, serialize


class OptimizerMap(MutableMapping):
    """Variable paths (or regular expressions matching whole paths) -> optimizers.

    Args:
        default_optimizer: the optimizer of every variable no key matches.
        optimizer_map: optional dict of path or pattern -> optimizer.

    Example:

    >>> from glassnet import optimizers
    >>> choose = optimizers.OptimizerMap(optimizers.SGD(name="sgd"))
    >>> choose["encoder/.*"] = optimizers.Adam(name="adam")
    >>> choose["encoder/dense/kernel"].name, choose["decoder/dense/kernel"].name
    ('adam', 'sgd')
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(
                f"OptimizerMap: default_optimizer must be an Optimizer, got {default_optimizer!r}"
            )
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"OptimizerMap: optimizer_map must be a dict, got {optimizer_map!r}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self):
        return self._default_optimizer

    def __getitem__(self, key):
        """The optimizer for path ``key``: an exact key first, then the one pattern that
        matches the whole path, else the default; two matching patterns are an error."""
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"OptimizerMap: variable '{key}' matches several patterns {matches}; "
                "make them exclusive"
            )
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: keys are strings (paths or patterns), got {key!r}")
        if key in self._optimizer_map:
            raise ValueError(f"OptimizerMap: '{key}' is already mapped; use each key once")
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"OptimizerMap: '{key}' must map to an Optimizer, got {optimizer!r}")
        if isinstance(optimizer, MultiOptimizer):
            raise ValueError("OptimizerMap: a MultiOptimizer cannot be mapped inside another")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        return {
            "default_optimizer": serialize(self._default_optimizer),
            "optimizer_map": {key: serialize(opt) for key, opt in self._optimizer_map.items()},
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(
            deserialize(config["default_optimizer"], custom_objects),
            {
                key: deserialize(spec, custom_objects)
                for key, spec in config.get("optimizer_map", {}).items()
            },
        )


class MultiOptimizer(Optimizer):
    """Applies each variable's gradient with the optimizer an OptimizerMap (or a function of the
    variable) assigns to it. The learning rate lives on the inner optimizers (``optimizers``).

    Args:
        optimizer_map: an ``OptimizerMap``, or a callable variable -> Optimizer.
        loss_scale_factor: set on every inner optimizer as well.
        name: the optimizer's name.

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> a, b = Variable(np.ones(1), name="a"), Variable(np.ones(1), name="b")
    >>> choose = optimizers.OptimizerMap(optimizers.SGD(0.1), {"b": optimizers.SGD(1.0)})
    >>> optimizers.MultiOptimizer(choose).apply([np.ones(1), np.ones(1)], [a, b])
    >>> a.data, b.data
    (array([0.9]), array([0.]))
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        self._optimizer_map = optimizer_map
        candidates = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        if default is not None:
            candidates.append(default)
        for optimizer in candidates:
            self._add_inner(optimizer)
        self._var_to_optimizer = {}

    def _add_inner(self, optimizer):
        if not isinstance(optimizer, Optimizer) or isinstance(optimizer, MultiOptimizer):
            raise ValueError(
                f"MultiOptimizer: each variable needs a (non-Multi) Optimizer, got {optimizer!r}"
            )
        if all(optimizer is not known for known in self._inner_optimizers):
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(optimizer)

    @property
    def optimizers(self):
        """The inner optimizers, in the order they were first used."""
        return self._inner_optimizers

    @property
    def loss_scale_factor(self):
        return getattr(self, "_loss_scale_factor", None)

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self._loss_scale_factor = value
        for optimizer in getattr(self, "_inner_optimizers", []):
            optimizer.loss_scale_factor = value

    @property
    def learning_rate(self):
        raise AttributeError(
            "MultiOptimizer has no single learning rate: read it on the inner optimizers "
            "(optimizer.optimizers)"
        )

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError(
            "MultiOptimizer has no single learning rate: set it on the inner optimizers "
            "(optimizer.optimizers)"
        )

    @property
    def iterations(self):
        return int(self._iterations.data)

    @iterations.setter
    def iterations(self, value):
        self._iterations.data[...] = int(value)
        for optimizer in getattr(self, "_inner_optimizers", []):
            optimizer.iterations = value

    def build(self, variables):
        if self.built:
            return
        groups = {}
        for variable in variables:
            optimizer = self._optimizer_map(variable)
            self._add_inner(optimizer)
            self._var_to_optimizer[self._var_key(variable)] = optimizer
            groups.setdefault(id(optimizer), []).append(variable)
        for optimizer in self._inner_optimizers:
            if id(optimizer) in groups:
                optimizer.build(groups[id(optimizer)])
        Optimizer.build(self, variables)

    def _owner(self, variable):
        optimizer = self._var_to_optimizer.get(self._var_key(variable))
        if optimizer is None:
            raise ValueError(
                f"MultiOptimizer: variable '{getattr(variable, 'path', variable)}' is not among "
                "those it was built with"
            )
        return optimizer

    def apply(self, grads, trainable_variables=None):
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "MultiOptimizer.apply: without trainable_variables the optimizer must already "
                    "be built; call optimizer.build(trainable_variables) first"
                )
            trainable_variables = self._trainable_variables
        variables = list(trainable_variables)
        if not self.built:
            self.build(variables)
        if len(grads) != len(variables):
            raise ValueError(
                f"MultiOptimizer.apply: got {len(grads)} gradients for {len(variables)} variables"
            )
        self._hand_over_restored_state()
        groups = {}
        for grad, variable in zip(grads, variables):
            groups.setdefault(id(self._owner(variable)), []).append((grad, variable))
        for optimizer in self._inner_optimizers:
            pairs = groups.get(id(optimizer))
            if pairs and any(grad is not None for grad, _ in pairs):
                optimizer.apply([g for g, _ in pairs], [v for _, v in pairs])
        self._iterations.data += 1

    def _hand_over_restored_state(self):
        # a model file restores slots into this optimizer's own _state: give them to their owner
        for variable in self._trainable_variables:
            slots = self._state.pop(self._var_key(variable), None)
            if slots:
                self._owner(variable).load_state(variable, slots)

    def state_of(self, variable):
        optimizer = self._var_to_optimizer.get(self._var_key(variable))
        if optimizer is None:
            return self._state.get(self._var_key(variable), {})
        return optimizer.state_of(variable)

    def load_state(self, variable, slots):
        optimizer = self._var_to_optimizer.get(self._var_key(variable))
        if optimizer is None:
            super().load_state(variable, slots)
        else:
            optimizer.load_state(variable, slots)

    def finalize_variable_values(self, var_list):
        """Each inner optimizer finalizes its own variables (EMA swapped in where used)."""
        if not self.built:
            return
        groups = {}
        for variable in var_list:
            groups.setdefault(id(self._owner(variable)), []).append(variable)
        for optimizer in self._inner_optimizers:
            if id(optimizer) in groups:
                optimizer.finalize_variable_values(groups[id(optimizer)])

    @property
    def variables(self):
        out = [self._iterations]
        for optimizer in self._inner_optimizers:
            out.extend(optimizer.variables)
        return out

    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "MultiOptimizer.set_weights: the optimizer is not built yet; call "
                "optimizer.build(trainable_variables) first"
            )
        expected = len(self.variables)
        if len(weights) != expected:
            raise ValueError(
                f"MultiOptimizer.set_weights: expected {expected} arrays, got {len(weights)}"
            )
        self._iterations.data[...] = weights[0]
        start = 1
        for optimizer in self._inner_optimizers:
            count = len(optimizer.variables)
            optimizer.set_weights(weights[start : start + count])
            start += count

    def get_config(self):
        optimizer_map = self._optimizer_map
        if not isinstance(optimizer_map, OptimizerMap):
            raise ValueError(
                "MultiOptimizer.get_config: only an OptimizerMap can be saved, not a function; "
                "use OptimizerMap(default_optimizer, {pattern: optimizer})"
            )
        return {
            "optimizer_map": {
                "module": "keras.optimizers",
                "class_name": "OptimizerMap",
                "config": optimizer_map.get_config(),
                "registered_name": None,
            },
            "loss_scale_factor": self.loss_scale_factor,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        spec = config["optimizer_map"]
        config["optimizer_map"] = OptimizerMap.from_config(spec.get("config", spec), custom_objects)
        return cls(**config)


registry.register_builtin("optimizer", OptimizerMap)
