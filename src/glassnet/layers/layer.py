"""The Layer contract, as in Keras: ``__init__`` stores the configuration, ``build(input_shape)``
creates the weights once the input shape is known, ``call(inputs, training=None)`` computes with
ops, ``get_config()`` describes it. Layers never hold gradient code: backward comes from the ops.
"""

import inspect

from glassnet import constraints as constraints_module
from glassnet import initializers as initializers_module
from glassnet import regularizers
from glassnet.autograd.symbolic import SymbolicTensor, contains_symbolic
from glassnet.autograd.tensor import Tensor
from glassnet.autograd.variable import Variable
from glassnet.backend import floatx, xp
from glassnet.utils.lookup import snake_case, unique_name
from glassnet.utils.nest import flatten

_training_context = [False]  # the training flag outer calls pass down to inner ones
output_observers = []  # callables (layer, inputs, outputs) told of every layer call; used by inspect's monitor


class InputSpec:
    """What a layer accepts: ndim, min_ndim and fixed sizes of some axes ({-1: 784})."""

    def __init__(self, ndim=None, min_ndim=None, axes=None):
        self.ndim, self.min_ndim, self.axes = ndim, min_ndim, axes or {}


class Layer:
    """Base class of all layers (and of Model)."""

    # bookkeeping attributes that hold variables or layers without owning them: never tracked
    _UNTRACKED = frozenset(
        {
            "_inbound_nodes",
            "_plan",
            "last_gradients",
            "_compiled",
            "_compile_args",
            "history",
            "_resume",
            "_epoch_order",
            "optimizer",
            "last_loss",
        }
    )

    def __init__(
        self,
        trainable=True,
        name=None,
        dtype=None,
        input_shape=None,
        input_dim=None,
        batch_input_shape=None,
        batch_size=None,
        activity_regularizer=None,
        **kwargs,
    ):
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}"
            )
        self._name = name or unique_name(snake_case(type(self).__name__))
        self._trainable = trainable
        self.built = False
        self._variables = []
        self._losses = []
        self.dtype = str(xp.dtype(dtype)) if dtype is not None else floatx()
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            input_shape, batch_size = batch_input_shape[1:], batch_input_shape[0]
        self._declared_input_shape = tuple(input_shape) if input_shape is not None else None
        self._declared_batch_size = batch_size
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = None
        self.supports_masking = False
        self._build_shape = None
        self.output_shape_ = None  # filled when the layer is used on a known input shape
        self._inbound_nodes = []

    # -- identity ------------------------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        self._name = value

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    # -- weights ---------------------------------------------------------------------------------
    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        regularizer=None,
        constraint=None,
        name=None,
        autocast=True,
        aggregation="none",
    ):
        """Create a Variable owned by this layer (glorot_uniform for floats unless told otherwise)."""
        dtype = dtype or self.dtype
        if initializer is None:
            initializer = "glorot_uniform" if xp.dtype(dtype).kind == "f" else "zeros"
        initializer = initializers_module.get(initializer)
        shape = () if shape is None else tuple(int(n) for n in shape)
        variable = Variable(
            initializer,
            shape=shape,
            dtype=dtype,
            trainable=trainable and self.trainable,
            name=name or "variable",
            regularizer=regularizers.get(regularizer),
            constraint=constraints_module.get(constraint),
        )
        variable.trainable = trainable
        variable.path = f"{self.name}/{variable.name}"
        self._variables.append(variable)
        return variable

    def _tracked(self, kind):
        """Variables or sublayers reachable from attributes, lists and dicts, in assignment order."""
        attributes = [value for key, value in vars(self).items() if key not in self._UNTRACKED]
        return _unique(
            v for v in flatten(attributes, lambda v: isinstance(v, kind)) if v is not self
        )

    @property
    def _sublayers(self):
        return self._tracked(Layer)

    def _own_variables(self):
        return self._tracked(Variable)

    def _all_variables(self):
        return _unique(
            self._own_variables() + [v for layer in self._sublayers for v in layer._all_variables()]
        )

    @property
    def weights(self):
        return self._all_variables()

    @property
    def variables(self):
        return self._all_variables()

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        own = [v for v in self._own_variables() if v.trainable]
        nested = [v for layer in self._sublayers for v in layer.trainable_weights]
        return _unique(own + nested)

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_weights(self):
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._sublayers:
            layer.trainable = value
        for v in self._own_variables():
            v.requires_grad = bool(value) and v.trainable and v.data.dtype.kind == "f"

    def get_weights(self):
        return [v.data.copy() for v in self.weights]

    def set_weights(self, weights):
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"{type(self).__name__} '{self.name}': set_weights expected a list of {len(variables)} arrays, got {len(weights)}"
            )
        for v, w in zip(variables, weights):
            w = xp.asarray(w)
            if w.shape != v.shape:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': weight '{v.path}' has shape {v.shape}, got an array of shape {w.shape}"
                )
            v.assign(w.astype(v.dtype))

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' has not been built yet, so its weights do not exist; "
                f"call it on data, give it input_shape=..., or call build(input_shape) first"
            )
        return int(sum(v.size for v in self.weights))

    @property
    def losses(self):
        """Activity-regularisation losses of the last call plus the weight penalties, this layer and below."""
        out = list(self._losses)
        for v in self._own_variables():
            if v.regularizer is not None:
                out.append(v.regularizer(v))
        for layer in self._sublayers:
            out.extend(layer.losses)
        return out

    # -- building and calling ----------------------------------------------------------------------
    def build(self, input_shape):
        """Create weights for inputs of ``input_shape`` (batch axis first, None where unknown)."""
        self.built = True

    def _maybe_build(self, input_shape):
        if not self.built:
            self._build_shape = input_shape
            self.build(input_shape)
            self.built = True

    def call(self, inputs, *args, **kwargs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        from glassnet.layers.symbolic import infer_output

        out = infer_output(self, (SymbolicTensor(input_shape, self.dtype),), {})
        return out.shape if isinstance(out, SymbolicTensor) else [o.shape for o in out]

    def __call__(self, *args, **kwargs):
        # the recursive scan only where a SymbolicTensor could hide: eager calls on tensors skip it
        # (measured inside a training step: 4.8 us per layer call for the scan)
        if (
            any(isinstance(a, _MAY_HOLD_SYMBOLIC) for a in args)
            or any(isinstance(v, _MAY_HOLD_SYMBOLIC) for v in kwargs.values())
        ) and (contains_symbolic(args) or contains_symbolic(kwargs)):
            from glassnet.layers.symbolic import symbolic_call

            return symbolic_call(self, args, kwargs)
        training = kwargs.pop("training", None)
        if training is None:
            training = _training_context[-1]
        inputs = _to_tensors(args[0], self.dtype) if args else None
        if not self.built:
            self._maybe_build(_shapes(inputs))
        self._check_input(inputs)
        accepted = _call_arguments(type(self))
        if "training" in accepted:
            kwargs["training"] = training
        if "mask" not in accepted:
            kwargs.pop("mask", None)
        _training_context.append(bool(training))
        try:
            outputs = self.call(inputs, *args[1:], **kwargs)
        finally:
            _training_context.pop()
        if isinstance(outputs, Tensor) and outputs.ndim:
            self.output_shape_ = (None,) + outputs.shape[1:]
        for observe in output_observers:
            observe(self, inputs, outputs)
        if self.activity_regularizer is not None:
            batch = outputs.shape[0] if outputs.ndim else 1
            self._losses = [self.activity_regularizer(outputs) * (1.0 / max(1, batch))]
        return outputs

    def _check_input(self, inputs):
        spec = self.input_spec
        if spec is None or not isinstance(inputs, Tensor):
            return
        shape = inputs.shape
        where = f"{type(self).__name__} '{self.name}'"
        if spec.ndim is not None and len(shape) != spec.ndim:
            raise ValueError(
                f"{where} expected input with {spec.ndim} dimensions, got shape {shape}"
            )
        if spec.min_ndim is not None and len(shape) < spec.min_ndim:
            raise ValueError(
                f"{where} expected input with at least {spec.min_ndim} dimensions, got shape {shape}"
            )
        for axis, size in spec.axes.items():
            if shape[axis] != size:
                if axis != -1:
                    raise ValueError(
                        f"{where} expected axis {axis} of the input to be {size}, got shape {shape}"
                    )
                hint = (
                    "; add a Flatten() layer before it"
                    if len(shape) > 2 and int(xp.prod(shape[1:])) == size
                    else ""
                )
                raise ValueError(
                    f"{where} expected input with last dimension {size}, got {shape}{hint}"
                )

    # -- configuration -------------------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._declared_input_shape is not None:
            config["input_shape"] = self._declared_input_shape
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


_CALL_ARGUMENTS = {}


_MAY_HOLD_SYMBOLIC = (SymbolicTensor, list, tuple, dict)


def _call_arguments(cls):
    if cls not in _CALL_ARGUMENTS:
        params = inspect.signature(cls.call).parameters
        names = set(params)
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            names |= {"training", "mask"}
        _CALL_ARGUMENTS[cls] = names
    return _CALL_ARGUMENTS[cls]


def _to_tensors(value, dtype):
    """Layer inputs as Tensors: arrays and lists convert, float arrays take the layer's dtype."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_to_tensors(v, dtype) for v in value)
    if isinstance(value, dict):
        return {k: _to_tensors(v, dtype) for k, v in value.items()}
    array = xp.asarray(value)
    if array.dtype.kind == "f" and array.dtype != dtype:
        array = array.astype(dtype)
    return Tensor(array)


def _shapes(value):
    if isinstance(value, (Tensor, SymbolicTensor)):
        return tuple(value.shape)
    if isinstance(value, (list, tuple)):
        return [_shapes(v) for v in value]
    if isinstance(value, dict):
        return {k: _shapes(v) for k, v in value.items()}
    return None
