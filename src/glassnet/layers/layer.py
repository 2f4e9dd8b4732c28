"""The Layer contract, as in Keras: ``__init__`` stores the configuration, ``build(input_shape)``
creates the weights once the input shape is known, ``call(inputs, training=None)`` computes with
ops, ``get_config()`` describes it. Layers never hold gradient code: backward comes from the ops.

Two public extension points let tools watch a layer without changing it (in the spirit of
PyTorch's module hooks and Chainer's function hooks): ``register_forward_hook`` and
``register_backward_hook``. ``training_mode(flag)`` is the scope that tells layers called without
an explicit ``training=`` whether they are training.

Example:

>>> import numpy as np
>>> from glassnet.layers import Dense
>>> layer = Dense(2, kernel_initializer="ones")
>>> seen = []
>>> handle = layer.register_forward_hook(lambda layer, inputs, outputs: seen.append(outputs.shape))
>>> layer(np.ones((3, 4))).data.tolist()
[[4.0, 4.0], [4.0, 4.0], [4.0, 4.0]]
>>> seen
[(3, 2)]
"""

import contextlib
import inspect

from glassnet import constraints as constraints_module
from glassnet import initializers as initializers_module
from glassnet import regularizers
from glassnet.autograd.symbolic import SymbolicTensor, contains_symbolic
from glassnet.autograd.tensor import HookHandle, Tensor, constant
from glassnet.autograd.variable import Variable
from glassnet.backend import floatx, nest, registry, xp
from glassnet.backend.naming import snake_case, unique_name
from glassnet.ops.operation import Operation, infer_by_running, record_node, zeros_like_symbolic

_training_stack = [None]  # None: no enclosing call or scope has said
_calls = {"depth": 0, "generation": 0}  # nesting of layer calls; each outermost call is new


@contextlib.contextmanager
def training_mode(training):
    """Scope in which layers called without ``training=`` behave as training (True) or inference.

    Models set it for the layers they call; a subclassed model's ``call`` that calls
    ``self.dropout(x)`` without ``training=`` inherits the flag this way, as in Keras.

    Args:
        training: bool.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Dropout, training_mode
    >>> with training_mode(False):
    ...     Dropout(0.5)(np.ones(4)).data.tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    _training_stack.append(bool(training))
    try:
        yield
    finally:
        _training_stack.pop()


def in_training_mode():
    """The training flag of the innermost ``training_mode`` scope or layer call (False outside
    any).

    Example:

    >>> in_training_mode()
    False
    >>> with training_mode(True):
    ...     in_training_mode()
    True
    """
    return bool(_training_stack[-1])


class InputSpec:
    """What a layer accepts: ndim, min_ndim and fixed sizes of some axes (``{-1: 784}``).

    Args:
        ndim: exact number of axes, batch included.
        min_ndim: least number of axes.
        axes: dict axis -> required size.
        dtype: accepted for Keras compatibility.
        shape: a full shape (None where free) instead of ndim/axes.
        **kwargs: accepted for Keras compatibility (max_ndim, name, allow_last_axis_squeeze...)
            and not used.

    Example:

    >>> spec = InputSpec(shape=(None, 28, 28))
    >>> spec.ndim, spec.axes
    (3, {1: 28, 2: 28})
    """

    def __init__(self, ndim=None, min_ndim=None, axes=None, dtype=None, shape=None, **kwargs):
        if shape is not None:
            ndim = len(shape)
            axes = {i: n for i, n in enumerate(shape) if n is not None and i > 0}
        self.ndim, self.min_ndim, self.axes, self.dtype = ndim, min_ndim, axes or {}, dtype


def begin_outermost_call():
    """What an outermost eager layer call does first: losses added before it (``add_loss``
    outside a call, or during the previous step) stop counting, as in Keras 3. Code that runs a
    model's forward without calling it (the fusion pass's training chain) calls it too.

    Example:

    >>> begin_outermost_call()  # nothing to see: the next ``losses`` starts empty
    """
    if _calls["depth"] == 0:
        _calls["generation"] += 1


class Layer(Operation):
    """Base class of all layers (and of Model).

    Args:
        trainable: whether the layer's weights are updated by training.
        name: unique name (default from the class name: 'dense', 'dense_1'...).
        dtype: the compute and weight dtype (default ``floatx()``).
        input_shape: shape without the batch axis, for the first layer of a Sequential.
        input_dim: the same for 1-D inputs.
        batch_input_shape: shape with the batch axis.
        batch_size: fixed batch size with ``input_shape``.
        activity_regularizer: penalty on the layer's output, added to the training loss.

    Example:

    >>> import numpy as np
    >>> from glassnet import ops
    >>> from glassnet.layers import Layer
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return ops.multiply(inputs, self.w)
    >>> Scale()(np.array([[1.0, 2.0]])).data.tolist()
    [[1.0, 2.0]]
    """

    # attributes that hold layers or variables without owning them; subclasses extend it
    NOT_TRACKED = frozenset({"_inbound_nodes"})
    # False for layers whose inputs are integer ids (Embedding, lookups): others get floats
    casts_integer_inputs = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_builtin_subclasses("layer", cls)

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
        kwargs.pop("autocast", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}"
            )
        super().__init__(name=name or unique_name(snake_case(type(self).__name__)))
        self._trainable = trainable
        self.built = False
        self._variables = []
        self._losses = []  # losses added during the call of generation _losses_generation
        self._losses_generation = -1
        self.dtype = _dtype_name(dtype)
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
        self._forward_hooks = []
        self._backward_hooks = []

    # -- identity ------------------------------------------------------------------------------
    @property
    def declared_batch_input_shape(self):
        """(batch_size, *input_shape) from the constructor's ``input_shape=``, or None."""
        if self._declared_input_shape is None:
            return None
        return (self._declared_batch_size,) + self._declared_input_shape

    @property
    def compute_dtype(self):
        """The dtype the layer computes in (its ``dtype``)."""
        return self.dtype

    @property
    def variable_dtype(self):
        """The dtype of the layer's weights (its ``dtype``)."""
        return self.dtype

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
        overwrite_with_gradient=False,
    ):
        """Create a Variable owned by this layer.

        Args:
            shape: tuple of ints (default scalar).
            initializer: name, Initializer or callable (default glorot_uniform for floats,
                zeros otherwise).
            dtype: default the layer's dtype.
            trainable: whether training updates it.
            regularizer: penalty added to the loss.
            constraint: projection applied after each update.
            name: the variable's name; its ``path`` is ``layer_name/name``.

        Returns:
            the Variable.
        """
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

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        name=None,
    ):
        """Keras 3's other spelling of ``add_weight`` (shape and initializer first)."""
        return self.add_weight(
            shape, initializer, dtype, trainable, regularizer, constraint, name, autocast
        )

    def _tracked_layers_and_variables(self):
        """(sublayers, variables) reached from attributes, lists and dicts, each in assignment
        order: one scan of the attributes for both."""
        skip = type(self).NOT_TRACKED
        layers, variables = [], []
        # depth first through lists, tuples and dict values, in assignment order
        stack = [value for key, value in vars(self).items() if key not in skip]
        stack.reverse()
        while stack:
            value = stack.pop()
            if type(value) in _NEVER_TRACKING:
                continue
            if isinstance(value, Variable):
                variables.append(value)
            elif isinstance(value, Layer):
                if value is not self:
                    layers.append(value)
            elif isinstance(value, (list, tuple)):
                stack.extend(reversed(value))
            elif isinstance(value, dict):
                stack.extend(reversed(list(value.values())))
        return _unique(layers), _unique(variables)

    @property
    def _sublayers(self):
        return self._tracked_layers_and_variables()[0]

    def _own_variables(self):
        return self._tracked_layers_and_variables()[1]

    def _all_variables(self):
        return self._variable_lists()[0]

    def _variable_lists(self):
        """(weights, trainable_weights, every layer inside): what the three walks of the layer
        tree give, found in one walk that scans each layer's attributes once (a training step
        outside ``fit``, such as ``train_on_batch``, gathers them on every call)."""
        sublayers, own = self._tracked_layers_and_variables()
        weights = list(own)
        trainable = [v for v in own if v.trainable] if self.trainable else []
        inside = []
        for layer in sublayers:
            layer_weights, layer_trainable, layer_inside = layer._variable_lists()
            weights += layer_weights
            if self.trainable:
                trainable += layer_trainable
            inside.append(layer)
            inside += layer_inside
        return _unique(weights), _unique(trainable), inside

    @property
    def weights(self):
        """Every variable of this layer and the layers inside it, in creation order."""
        return self._all_variables()

    @property
    def variables(self):
        """The same as ``weights``."""
        return self._all_variables()

    @property
    def trainable_weights(self):
        """The variables training updates (none when the layer is frozen)."""
        if not self.trainable:
            return []
        return self._variable_lists()[1]

    @property
    def trainable_variables(self):
        """The same as ``trainable_weights``."""
        return self.trainable_weights

    @property
    def non_trainable_weights(self):
        """Variables training does not update (moving statistics, frozen weights)."""
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    @property
    def non_trainable_variables(self):
        """The same as ``non_trainable_weights``."""
        return self.non_trainable_weights

    @property
    def trainable(self):
        """Whether training updates this layer's weights (setting it freezes or unfreezes)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._sublayers:
            layer.trainable = value
        for v in self._own_variables():
            v.requires_grad = bool(value) and v.trainable and v.data.dtype.kind == "f"

    def get_weights(self):
        """Copies of the weights' values, as NumPy arrays."""
        return [v.data.copy() for v in self.weights]

    def set_weights(self, weights):
        """Overwrite the weights with arrays of the same shapes, in ``weights`` order."""
        variables = self.weights
        where = f"{type(self).__name__} '{self.name}'"
        if len(weights) != len(variables):
            raise ValueError(
                f"{where}: set_weights expected a list of {len(variables)} arrays, "
                f"got {len(weights)}"
            )
        for v, w in zip(variables, weights):
            w = xp.asarray(w)
            if w.shape != v.shape:
                raise ValueError(
                    f"{where}: weight '{v.path}' has shape {v.shape}, got an array of shape "
                    f"{w.shape}"
                )
            v.assign(w.astype(v.dtype))

    def count_params(self):
        """Number of scalars in the weights; the layer must be built."""
        if not self.built:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' has not been built yet, so its weights do "
                f"not exist; call it on data, give it input_shape=..., or call build(input_shape)"
            )
        return int(sum(v.size for v in self.weights))

    def add_loss(self, loss):
        """Add a loss term (a scalar tensor) computed during ``call``: it joins ``losses`` and
        the training loss of the model that runs this layer, for this call only.

        Args:
            loss: scalar tensor (or number).

        Example:

        >>> import numpy as np
        >>> from glassnet import ops
        >>> from glassnet.layers import Layer
        >>> class Penalised(Layer):
        ...     def call(self, inputs):
        ...         self.add_loss(0.5 * ops.mean(ops.square(inputs)))
        ...         return inputs
        >>> layer = Penalised()
        >>> _ = layer(np.array([[2.0]]))
        >>> [float(loss.data) for loss in layer.losses]
        [2.0]
        """
        generation = _calls["generation"]
        if self._losses_generation != generation:
            self._losses, self._losses_generation = [], generation
        self._losses.append(loss)

    def added_losses(self):
        """The losses ``add_loss`` (and the activity regularizer) added during the latest call."""
        return self._losses if self._losses_generation == _calls["generation"] else []

    def add_metric(self, *args, **kwargs):
        """Not available, as in Keras 3: create Metric objects in ``__init__`` and update them in
        ``call`` or ``train_step``, or pass metrics to ``compile``."""
        raise NotImplementedError(
            f"{type(self).__name__}.add_metric() does not exist in Keras 3: pass metrics to "
            f"compile(metrics=[...]), or create metric objects in __init__ and call their "
            f"update_state()"
        )

    @property
    def losses(self):
        """The latest call's added losses (add_loss, activity regularizers) and the weight
        penalties, of this layer and every layer inside it."""
        out = list(self.added_losses())
        for v in self._own_variables():
            if v.regularizer is not None:
                out.append(v.regularizer(v))
        for layer in self._sublayers:
            out.extend(layer.losses)
        return out

    @property
    def metrics(self):
        """Metric objects held as attributes of this layer and the layers inside it."""
        found = [value for value in vars(self).values() if _is_metric(value)]
        for layer in self._sublayers:
            found.extend(layer.metrics)
        return _unique(found)

    @property
    def metrics_variables(self):
        """The state variables of ``metrics``."""
        return [v for metric in self.metrics for v in getattr(metric, "variables", [])]

    # -- identity in graphs ------------------------------------------------------------------------
    @property
    def path(self):
        """The layer's path, as weights are named under it (``dense``)."""
        return self.name

    @property
    def input(self):
        """The symbolic input of the layer's first call in a functional graph."""
        node = self._first_node("input")
        return node.inputs[0] if len(node.inputs) == 1 else list(node.inputs)

    @property
    def output(self):
        """The symbolic output of the layer's first call in a functional graph."""
        node = self._first_node("output")
        return node.outputs[0] if len(node.outputs) == 1 else list(node.outputs)

    def _first_node(self, what):
        nodes = [node for node in self._inbound_nodes if node is not None]
        if not nodes:
            raise AttributeError(
                f"{type(self).__name__} '{self.name}' has no {what}: it has not been called on a "
                f"symbolic tensor (glassnet.Input) yet"
            )
        return nodes[0]

    @property
    def input_dtype(self):
        """The dtype inputs are converted to (floats and, unless the layer takes ids, integers)."""
        return self.dtype

    # -- state for saving --------------------------------------------------------------------------
    def save_own_variables(self, store):
        """Put this layer's own variables into ``store`` under "0", "1"... (Keras's layout)."""
        for i, variable in enumerate(self._own_variables()):
            store[str(i)] = variable.data

    def load_own_variables(self, store):
        """Assign this layer's own variables from ``store`` (as ``save_own_variables`` wrote it)."""
        variables = self._own_variables()
        if len(store) != len(variables):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' has {len(variables)} variables, the store "
                f"holds {len(store)}"
            )
        for i, variable in enumerate(variables):
            value = xp.asarray(store[str(i)])
            if value.shape != variable.shape:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': variable '{variable.path}' has shape "
                    f"{variable.shape}, the store holds {value.shape}"
                )
            variable.assign(value)

    # -- hooks -------------------------------------------------------------------------------------
    def register_forward_hook(self, hook):
        """Call ``hook(layer, inputs, outputs)`` after every eager call of this layer.

        Graph models run a hooked layer through its own ``call`` (fusion rules skip it), so the
        hook sees the layer's real output.

        Args:
            hook: callable; its return value is ignored.

        Returns:
            a handle whose ``remove()`` unregisters the hook.
        """
        self._forward_hooks.append(hook)
        return HookHandle(self._forward_hooks, hook)

    def register_backward_hook(self, hook):
        """Call ``hook(layer, grad_output)`` when the gradient of the loss with respect to this
        layer's output is complete during ``backward()`` (single-output layers).

        Args:
            hook: callable; may return an array to use instead of ``grad_output``.

        Returns:
            a handle whose ``remove()`` unregisters the hook.
        """
        self._backward_hooks.append(hook)
        return HookHandle(self._backward_hooks, hook)

    @property
    def has_hooks(self):
        """True while a forward or backward hook is registered on this layer."""
        return bool(self._forward_hooks or self._backward_hooks)

    # -- building and calling ----------------------------------------------------------------------
    def build(self, input_shape):
        """Create weights for inputs of ``input_shape`` (batch axis first, None where unknown)."""
        self.built = True

    def _maybe_build(self, input_shape):
        if not self.built:
            self._build_shape = input_shape
            self.build(input_shape)
            self.built = True

    def get_build_config(self):
        """The shape the layer was built for, as Keras saves it (``{"input_shape": ...}``)."""
        if self._build_shape is None:
            return None
        return {"input_shape": self._build_shape}

    def build_from_config(self, config):
        """Build from ``get_build_config()``'s output (creates the weights)."""
        if config and config.get("input_shape") is not None:
            shape = config["input_shape"]
            if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
                shape = [tuple(s) for s in shape]
            else:
                shape = tuple(shape)
            self._maybe_build(shape)

    def call(self, inputs, *args, **kwargs):
        """The layer's computation on Tensors; subclasses define it (default: identity)."""
        return inputs

    def compute_mask(self, inputs, mask=None):
        """The padding mask of the output: passed through by layers that support masking."""
        return mask if self.supports_masking else None

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape`` (found by running the layer on zeros)."""
        out = self.compute_output_spec(SymbolicTensor(input_shape, self.dtype))
        return out.shape if isinstance(out, SymbolicTensor) else [o.shape for o in out]

    def compute_output_spec(self, *args, **kwargs):
        """Symbolic outputs for symbolic inputs: the layer runs on zeros in inference mode, twice,
        with different sizes where sizes are unknown (sizes that differ are unknown), hooks not
        called."""

        def run(size):
            concrete = map_symbolic_args((args, kwargs), size)
            with training_mode(False):
                return self._eager_call(*concrete[0], **concrete[1], run_hooks=False)

        try:
            return infer_by_running(run, self)
        except Exception:
            # a layer that cannot run on zeros (a lookup without an out-of-vocabulary index) but
            # states its output shape
            if type(self).compute_output_shape is Layer.compute_output_shape or len(args) != 1:
                raise
            shape = self.compute_output_shape(tuple(args[0].shape))
            return SymbolicTensor(shape, getattr(self, "output_dtype", None) or self.compute_dtype)

    def symbolic_call(self, *args, **kwargs):
        """Record ``self(*args, **kwargs)`` on symbolic inputs (building the layer first)."""
        kwargs = dict(kwargs)
        if kwargs.get("training", 0) is None:
            del kwargs["training"]  # an explicit training=True/False is recorded and wins later
        if not self.built and args:
            first = args[0]
            shape = (
                tuple(first.shape)
                if isinstance(first, SymbolicTensor)
                else nest.map_structure(
                    lambda t: tuple(t.shape), first, lambda v: isinstance(v, SymbolicTensor)
                )
            )
            self._maybe_build(shape)
        spec_kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        outputs = self.compute_output_spec(*args, **spec_kwargs)
        record_node(self, args, kwargs, outputs)
        self._inbound_nodes.append(outputs.node if isinstance(outputs, SymbolicTensor) else None)
        if isinstance(outputs, SymbolicTensor):
            self.output_shape_ = outputs.shape
        return outputs

    def __call__(self, *args, **kwargs):
        if contains_symbolic(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self._eager_call(*args, **kwargs)

    def _eager_call(self, *args, run_hooks=True, **kwargs):
        begin_outermost_call()
        _calls["depth"] += 1
        try:
            return self._eager_call_body(args, kwargs, run_hooks)
        finally:
            _calls["depth"] -= 1

    def _eager_call_body(self, args, kwargs, run_hooks):
        training = kwargs.pop("training", None)
        if training is None:  # Keras's order: the caller's flag, then the call's own default
            training = _training_stack[-1]
            if training is None:
                training = call_default_training(type(self))
        inputs = _to_tensors(args[0], self.dtype, self.casts_integer_inputs) if args else None
        if not self.built:
            self._maybe_build(_shapes(inputs))
        self._check_input(inputs)
        accepted = call_arguments(type(self))
        if "training" in accepted:
            kwargs["training"] = training
        if "mask" not in accepted:
            kwargs.pop("mask", None)
        _training_stack.append(bool(training))
        try:
            outputs = self.call(inputs, *args[1:], **kwargs)
        finally:
            _training_stack.pop()
        if isinstance(outputs, Tensor) and outputs.ndim:
            self.output_shape_ = (None,) + outputs.shape[1:]
        if self.activity_regularizer is not None:
            batch = outputs.shape[0] if outputs.ndim else 1
            self.add_loss(self.activity_regularizer(outputs) * (1.0 / max(1, batch)))
        if run_hooks and (self._forward_hooks or self._backward_hooks):
            self._run_hooks(inputs, outputs)
        return outputs

    def _run_hooks(self, inputs, outputs):
        for hook in list(self._forward_hooks):
            hook(self, inputs, outputs)
        if self._backward_hooks and isinstance(outputs, Tensor) and outputs.requires_grad:
            hooks = list(self._backward_hooks)

            def on_gradient(grad_output):
                for hook in hooks:
                    replaced = hook(self, grad_output)
                    if replaced is not None:
                        grad_output = replaced
                return grad_output

            outputs.register_hook(on_gradient)

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
                f"{where} expected input with at least {spec.min_ndim} dimensions, got shape "
                f"{shape}"
            )
        for axis, size in spec.axes.items():
            if shape[axis] != size:
                if axis != -1:
                    raise ValueError(
                        f"{where} expected axis {axis} of the input to be {size}, got shape {shape}"
                    )
                flat = len(shape) > 2 and int(xp.prod(shape[1:])) == size
                hint = "; add a Flatten() layer before it" if flat else ""
                raise ValueError(
                    f"{where} expected input with last dimension {size}, got {shape}{hint}"
                )

    # -- configuration -----------------------------------------------------------------------------
    def get_config(self):
        """The constructor arguments as JSON-safe data (Keras's keys)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._declared_input_shape is not None:
            config["input_shape"] = self._declared_input_shape
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        """The layer from ``get_config()``'s output."""
        return cls(**config)


def _is_metric(value):
    return (
        hasattr(value, "update_state")
        and hasattr(value, "result")
        and hasattr(value, "reset_state")
    )


def _dtype_name(dtype):
    """A layer's dtype as a name: floatx() by default; "string" stays "string" (text inputs)."""
    if dtype is None:
        return floatx()
    dtype = getattr(dtype, "name", dtype)
    return "string" if dtype in ("string", "str") else str(xp.dtype(dtype))


# attribute types that can neither be nor hold a layer or variable: skipped before the walk
_NEVER_TRACKING = frozenset({str, int, float, bool, type(None)})


def _unique(items):
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


_CALL_ARGUMENTS = {}


def call_arguments(cls):
    """Names of the keyword arguments a layer class's ``call`` accepts ('training', 'mask'...).

    Args:
        cls: a layer class; a ``call`` with ``**kwargs`` counts as accepting training and mask.

    Returns:
        A set of names (cached per class).

    Example:

    >>> from glassnet import layers
    >>> sorted(call_arguments(layers.Dropout))
    ['inputs', 'self', 'training']
    """
    names = _CALL_ARGUMENTS.get(cls)
    if names is None:
        params = inspect.signature(cls.call).parameters
        names = set(params)
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            names |= {"training", "mask"}
        _CALL_ARGUMENTS[cls] = names
    return names


_DEFAULT_TRAINING = {}


def call_default_training(cls):
    """The default of ``training`` in a layer class's ``call`` signature (False when it has none):
    what a layer called on its own, outside any model or scope, uses -- augmentation layers
    declare ``training=True``, as in Keras.

    Args:
        cls: a layer class.

    Example:

    >>> from glassnet import layers
    >>> call_default_training(layers.RandomFlip), call_default_training(layers.Dropout)
    (True, False)
    """
    default = _DEFAULT_TRAINING.get(cls)
    if default is None:
        parameter = inspect.signature(cls.call).parameters.get("training")
        value = None if parameter is None else parameter.default
        default = _DEFAULT_TRAINING[cls] = (
            bool(value) if value is not inspect.Parameter.empty else False
        )
    return default


def map_symbolic_args(structure, unknown_size):
    """``structure`` with each SymbolicTensor replaced by zeros of its shape.

    Args:
        structure: a nested structure of SymbolicTensors and other values (kept as they are).
        unknown_size: the size given to axes of unknown size (None in the shape).

    Example:

    >>> from glassnet import Input
    >>> map_symbolic_args([Input((3,)), 2], unknown_size=1)
    [Tensor([[0., 0., 0.]], dtype=float32), 2]
    """
    return nest.map_structure(
        lambda t: zeros_like_symbolic(t, unknown_size),
        structure,
        lambda v: isinstance(v, SymbolicTensor),
    )


def _to_tensors(value, dtype, cast_integers):
    """Layer inputs as Tensors: floats take the layer's dtype, integers and booleans too (unless
    the layer takes ids); strings and objects stay NumPy arrays for the text layers."""
    if isinstance(value, Tensor):
        kind = value.data.dtype.kind
        if cast_integers and kind in "biu":
            return Tensor(value.data.astype(dtype))
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_to_tensors(v, dtype, cast_integers) for v in value)
    if isinstance(value, dict):
        return {k: _to_tensors(v, dtype, cast_integers) for k, v in value.items()}
    array = xp.asarray(value)
    kind = array.dtype.kind
    if kind in "OUS":
        return array
    if (kind == "f" or (cast_integers and kind in "biu")) and array.dtype != dtype:
        array = array.astype(dtype)
    # (a numeric array needs none of Tensor()'s conversions; other kinds get its error)
    return constant(array) if kind in "biufc" else Tensor(array)


def _shapes(value):
    if isinstance(value, (Tensor, SymbolicTensor, xp.ndarray)):
        return tuple(value.shape)
    if isinstance(value, (list, tuple)):
        return [_shapes(v) for v in value]
    if isinstance(value, dict):
        return {k: _shapes(v) for k, v in value.items()}
    return None
