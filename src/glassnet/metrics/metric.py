"""The Metric base class: state variables, updated batch by batch, read by ``result()``.

As in Keras 3: ``__init__`` creates the state with ``add_variable`` (non-trainable Variables),
``update_state`` accumulates into it (``variable.assign_add(...)``), ``result`` computes the
value from it and ``reset_state`` sets every variable back to zero. Metrics need no gradients:
the built-in ones compute in NumPy on the arrays and accumulate in float64.

Across processes (``glassnet.distribution``) a metric is combined by summing its ``state()``
arrays elementwise and handing the sums to ``set_state``; by default the state is the list of
its variables, so a custom metric whose variables are sums (Keras's default aggregation) is
combined correctly without extra code.
"""

import numpy as np

from glassnet import initializers
from glassnet.autograd.variable import Variable
from glassnet.backend import floatx, standardize_dtype
from glassnet.backend.naming import snake_case


def to_array(value):
    """A NumPy array from a Tensor, a Variable, a list or a scalar (no copy when possible).

    Args:
        value: a Tensor or Variable (its ``.data`` is taken), an array, a list or a scalar.

    Example:

    >>> to_array([1, 2])
    array([1, 2])
    """
    return np.asarray(getattr(value, "data", value))


class Metric:
    """Base class of metrics: stateful objects fed batch by batch.

    Subclasses create their state in ``__init__`` with ``self.add_variable(...)`` (after
    ``super().__init__``), and define ``update_state(y_true, y_pred, sample_weight=None)`` and
    ``result()``. ``reset_state`` zeroes every variable unless overridden.

    Args:
        dtype: the dtype of the metric's variables by default (floatx when None).
        name: the metric's name (default: the class name in snake_case); the key under which
            ``fit`` reports it.

    Example (Keras's guide, "Writing your own metrics"):

    >>> import numpy as np
    >>> from glassnet import metrics, ops
    >>> class CategoricalTruePositives(metrics.Metric):
    ...     def __init__(self, name="categorical_true_positives", **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.true_positives = self.add_variable(
    ...             shape=(), name="ctp", initializer="zeros"
    ...         )
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
    ...         values = ops.cast(ops.equal(ops.cast(y_true, "int32"), y_pred), "float32")
    ...         self.true_positives.assign_add(ops.sum(values))
    ...     def result(self):
    ...         return self.true_positives
    >>> metric = CategoricalTruePositives()
    >>> float(metric(np.array([[1], [0]]), np.array([[0.2, 0.8], [0.3, 0.7]])))
    1.0
    >>> metric.reset_state(); float(metric.result())
    0.0
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or snake_case(type(self).__name__)
        self._dtype = None if dtype is None else standardize_dtype(dtype).name
        self._variables = []
        self._aggregations = []

    @property
    def dtype(self):
        """The default dtype of the metric's variables (floatx unless one was given)."""
        return self._dtype or floatx()

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Create a state variable (non-trainable), tracked in ``variables`` and reset by
        ``reset_state``.

        Args:
            shape: the variable's shape, e.g. () for a counter.
            initializer: an initializer or its name ("zeros"); None means zeros.
            dtype: the variable's dtype (default: the metric's ``dtype``).
            aggregation: how the variable combines across processes; only "sum" can be
                combined by ``state``/``set_state``.
            name: the variable's name.

        Returns:
            the Variable.
        """
        if not hasattr(self, "_variables"):
            raise RuntimeError(
                f"{type(self).__name__}: call super().__init__() in __init__ before add_variable()"
            )
        initializer = initializers.get("zeros" if initializer is None else initializer)
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else (int(shape),)
        variable = Variable(
            initializer, shape=shape, dtype=dtype or self.dtype, trainable=False, name=name
        )
        variable.path = f"{self.name}/{name}" if name else self.name
        self._variables.append(variable)
        self._aggregations.append(aggregation)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """``add_variable`` with Keras 2's argument order and defaults (zeros)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """The state variables: this metric's, then those of metrics it holds as attributes."""
        found = list(getattr(self, "_variables", []))
        for value in vars(self).values():
            if isinstance(value, Metric) and value is not self:
                found.extend(value.variables)
        return found

    def reset_state(self):
        """Set every state variable back to zero (called at the start of each epoch)."""
        for variable in self.variables:
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

    def update_state(self, *args, **kwargs):
        """Accumulate the statistics of one batch; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define update_state()")

    def result(self):
        """The metric's value from the current state; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define result()")

    def __call__(self, *args, **kwargs):
        """``update_state(...)``, then ``result()``."""
        if not hasattr(self, "_variables"):
            raise RuntimeError(f"{type(self).__name__}: call super().__init__() in __init__")
        self.update_state(*args, **kwargs)
        return self.result()

    def state(self):
        """Arrays whose elementwise sums over data shards give the state of the whole data
        (copies of the variables)."""
        for variable, aggregation in zip(self._variables, self._aggregations):
            if aggregation != "sum":
                raise NotImplementedError(
                    f"{type(self).__name__} '{self.name}': variable '{variable.path}' has "
                    f"aggregation {aggregation!r}; only 'sum' variables combine across processes"
                )
        return [np.array(variable.data, dtype=np.float64) for variable in self.variables]

    def set_state(self, arrays):
        """Overwrite the variables with ``arrays`` (as ``state()`` lists them)."""
        variables = self.variables
        if len(arrays) != len(variables):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': set_state got {len(arrays)} arrays for "
                f"{len(variables)} variables"
            )
        for variable, array in zip(variables, arrays):
            variable.assign(np.asarray(array).astype(variable.dtype))

    def get_config(self):
        """The constructor arguments as a dict (Keras's keys)."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """The metric from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
