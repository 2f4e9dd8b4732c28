"""Normalisation layers: BatchNormalization, LayerNormalization and GroupNormalization on the fused
``ops.normalize``; RMSNormalization and UnitNormalization composed from ops; SpectralNormalization,
a wrapper that divides a layer's kernel by its largest singular value while training.

Example:

>>> import numpy as np
>>> from glassnet import layers
>>> x = np.arange(8.0).reshape(1, 2, 4)
>>> out = layers.GroupNormalization(groups=2, epsilon=0.0)(x).data
>>> [round(float(v), 3) for v in out[0, 0]]
[-1.213, -0.728, -1.213, -0.728]
"""

from glassnet import constraints, initializers, ops, regularizers
from glassnet.autograd.grad_mode import no_grad
from glassnet.backend import xp
from glassnet.distribution import distribution
from glassnet.layers.core import weight_options_config
from glassnet.layers.layer import InputSpec, Layer
from glassnet.layers.wrappers import Wrapper
from glassnet.ops.normalization import normalize as normalize_with_statistics


class BatchNormalization(Layer):
    """Normalises each feature over the batch (and spatial axes) while training, with the moving
    averages in inference; then scales by gamma and shifts by beta.

    Four weights per feature, as Keras counts them: gamma and beta (trainable), moving_mean and
    moving_variance (not trainable; moving = moving * momentum + batch * (1 - momentum)). A frozen
    layer (trainable=False) normalises with its moving statistics even while training, as in
    Keras 3. With a padding mask, the batch statistics count only the unmasked positions.
    synchronized=True (or DataParallel(synchronized_batchnorm=True)): under data parallelism the
    statistics are those of the global batch, not of each process's share.

    Args:
        axis: the feature axis.
        momentum: of the moving averages.
        epsilon: added to the variance.
        center, scale: whether beta / gamma exist.
        beta_*, gamma_*, moving_*_initializer: initializers, regularizers and constraints.
        renorm: only False (batch renormalization is not supported).
        synchronized: global statistics under data parallelism.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> bn = layers.BatchNormalization(epsilon=0.0)
    >>> bn(np.array([[1.0], [3.0]]), training=True).data.ravel().tolist()
    [-1.0, 1.0]
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        renorm=False,
        renorm_clipping=None,
        renorm_momentum=0.99,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if renorm:
            raise ValueError(
                "BatchNormalization: renorm=True (batch renormalization) is not supported"
            )
        self.renorm, self.renorm_clipping, self.renorm_momentum = False, None, renorm_momentum
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = (
            initializers.get(beta_initializer),
            initializers.get(gamma_initializer),
        )
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer, self.gamma_regularizer = (
            regularizers.get(beta_regularizer),
            regularizers.get(gamma_regularizer),
        )
        self.beta_constraint, self.gamma_constraint = (
            constraints.get(beta_constraint),
            constraints.get(gamma_constraint),
        )
        self.synchronized = synchronized
        self.supports_masking = True

    def build(self, input_shape):
        features = input_shape[self.axis]
        if features is None:
            raise ValueError(
                f"BatchNormalization '{self.name}': axis {self.axis} of the input must be known, "
                f"got shape {input_shape}"
            )
        self._ndim = len(input_shape)
        shape = (features,)
        self.gamma = (
            self.add_weight(
                shape,
                self.gamma_initializer,
                name="gamma",
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight(
                shape,
                self.beta_initializer,
                name="beta",
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
            if self.center
            else None
        )
        self.moving_mean = self.add_weight(
            shape, self.moving_mean_initializer, name="moving_mean", trainable=False
        )
        self.moving_variance = self.add_weight(
            shape, self.moving_variance_initializer, name="moving_variance", trainable=False
        )

    def _broadcast_shape(self, ndim, features):
        shape = [1] * ndim
        shape[self.axis] = features
        return tuple(shape)

    def call(self, inputs, training=None, mask=None):
        # a frozen layer (trainable=False) normalises with its moving statistics, as in Keras 3,
        # so fine-tuning a pretrained model leaves them alone
        if training and self.trainable and mask is None:
            return self.normalize_batch(inputs)
        axis = self.axis % inputs.ndim
        if training and self.trainable:
            reduce_axes = tuple(a for a in range(inputs.ndim) if a != axis)
            shape = self._broadcast_shape(inputs.ndim, inputs.shape[axis])
            gamma = None if self.gamma is None else ops.reshape(self.gamma, shape)
            beta = None if self.beta is None else ops.reshape(self.beta, shape)
            return self._masked_training_call(inputs, mask, reduce_axes, gamma, beta)
        return ops.batch_normalization(
            inputs,
            self.moving_mean,
            self.moving_variance,
            axis=axis,
            offset=self.beta,
            scale=self.gamma,
            epsilon=self.epsilon,
        )

    def normalize_batch(self, inputs, activation="linear"):
        """The training call without a mask: normalise with the batch's statistics and move the
        moving statistics towards them; ``activation`` is applied inside the op (the fusion
        pass's batchnorm_activation rule runs the ReLU after this layer this way).

        Args:
            inputs: a tensor of the layer's input shape.
            activation: see ``ops.normalization.normalize``.

        Returns:
            the normalised (and activated) tensor.

        Example:

        >>> import numpy as np
        >>> import glassnet as keras
        >>> layer = keras.layers.BatchNormalization(epsilon=0.0)
        >>> layer.build((2, 1))
        >>> layer.normalize_batch(np.array([[1.0], [3.0]]), "relu").numpy().ravel().tolist()
        [0.0, 1.0]
        """
        axis = self.axis % inputs.ndim
        reduce_axes = tuple(a for a in range(inputs.ndim) if a != axis)
        shape = self._broadcast_shape(inputs.ndim, inputs.shape[axis])
        gamma = None if self.gamma is None else ops.reshape(self.gamma, shape)
        beta = None if self.beta is None else ops.reshape(self.beta, shape)
        dist = distribution()
        sync = (
            dist is not None
            and dist.size > 1
            and (self.synchronized or dist.synchronized_batchnorm)
        )
        out, mean, variance = normalize_with_statistics(
            inputs,
            reduce_axes,
            gamma,
            beta,
            self.epsilon,
            cross_replica_sum=dist.sum_arrays if sync else None,
            activation=activation,
        )
        m = self.momentum
        self.moving_mean.assign(self.moving_mean.data * m + mean.reshape(-1) * (1 - m))
        self.moving_variance.assign(self.moving_variance.data * m + variance.reshape(-1) * (1 - m))
        return out

    def _masked_training_call(self, inputs, mask, reduce_axes, gamma, beta):
        """Training with a padding mask: the batch statistics count only the unmasked
        positions (Keras's weighted moments)."""
        weights = xp.asarray(getattr(mask, "data", mask), dtype=bool)
        weights = xp.broadcast_to(weights[..., None], inputs.shape).astype(inputs.dtype)
        count = ops.sum(weights, axis=reduce_axes, keepdims=True)
        mean = ops.divide(
            ops.sum(ops.multiply(inputs, weights), axis=reduce_axes, keepdims=True), count
        )
        centred = ops.multiply(ops.subtract(inputs, mean), weights)
        variance = ops.divide(ops.sum(ops.square(centred), axis=reduce_axes, keepdims=True), count)
        out = ops.divide(ops.subtract(inputs, mean), ops.sqrt(ops.add(variance, self.epsilon)))
        if gamma is not None:
            out = ops.multiply(out, gamma)
        if beta is not None:
            out = ops.add(out, beta)
        m = self.momentum
        self.moving_mean.assign(self.moving_mean.data * m + mean.data.reshape(-1) * (1 - m))
        self.moving_variance.assign(
            self.moving_variance.data * m + variance.data.reshape(-1) * (1 - m)
        )
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **weight_options_config(self, "beta", "gamma"),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "synchronized": self.synchronized,
            "renorm": False,
            "renorm_clipping": None,
            "renorm_momentum": self.renorm_momentum,
        }


class LayerNormalization(Layer):
    """Normalise each sample over its feature axes (``axis``, default -1), then scale by gamma
    and shift by beta.

    Args:
        axis: int or list of ints, the axes normalised (and the shape of gamma and beta).
        epsilon: added to the variance.
        center, scale: whether beta / gamma exist.
        rms_scaling: Keras's deprecated option: x * rsqrt(var + epsilon) * gamma, no centring
            and no beta (RMSNormalization is the RMS norm proper).
        beta_*, gamma_*: initializers, regularizers and constraints.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> out = layers.LayerNormalization(epsilon=0.0)(np.array([[1.0, 3.0]])).data
    >>> out.tolist()
    [[-1.0, 1.0]]
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        rms_scaling=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon, self.center, self.scale = float(epsilon), center, scale
        self.rms_scaling = rms_scaling
        self.beta_initializer, self.gamma_initializer = (
            initializers.get(beta_initializer),
            initializers.get(gamma_initializer),
        )
        self.beta_regularizer, self.gamma_regularizer = (
            regularizers.get(beta_regularizer),
            regularizers.get(gamma_regularizer),
        )
        self.beta_constraint, self.gamma_constraint = (
            constraints.get(beta_constraint),
            constraints.get(gamma_constraint),
        )
        self.supports_masking = True

    def _axes(self, ndim):
        axes = (self.axis,) if isinstance(self.axis, int) else self.axis
        return tuple(sorted(a % ndim for a in axes))

    def build(self, input_shape):
        shape = tuple(input_shape[a] for a in self._axes(len(input_shape)))
        self.gamma = (
            self.add_weight(
                shape,
                self.gamma_initializer,
                name="gamma",
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
            if self.scale or self.rms_scaling
            else None
        )
        self.beta = (
            self.add_weight(
                shape,
                self.beta_initializer,
                name="beta",
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
            if self.center and not self.rms_scaling
            else None
        )

    def call(self, inputs):
        axes = self._axes(inputs.ndim)
        shape = [1] * inputs.ndim
        for a in axes:
            shape[a] = inputs.shape[a]
        gamma = None if self.gamma is None else ops.reshape(self.gamma, shape)
        beta = None if self.beta is None else ops.reshape(self.beta, shape)
        if self.rms_scaling:
            variance = ops.var(inputs, axis=axes, keepdims=True)
            out = ops.divide(inputs, ops.sqrt(ops.add(variance, self.epsilon)))
            return out if gamma is None else ops.multiply(out, gamma)
        return normalize_with_statistics(inputs, axes, gamma, beta, self.epsilon)[0]

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        # once built, Keras writes the axes as a list
        axis = [self.axis] if self.built and isinstance(self.axis, int) else self.axis
        return {
            **super().get_config(),
            "axis": axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **weight_options_config(self, "beta", "gamma"),
        }


class GroupNormalization(Layer):
    """Normalise each sample over groups of channels (Wu & He, 2018): the channels along ``axis``
    are split into ``groups`` groups, each normalised over its channels and every other non-batch
    axis; then scaled by gamma and shifted by beta (one per channel). groups=-1 normalises each
    channel on its own (instance normalisation); groups=1 is a layer norm over all features.

    Args:
        groups: number of groups, dividing the channels (-1: one per channel).
        axis: the channel axis (an int).
        epsilon: added to the variance.
        center, scale: whether beta / gamma exist.
        beta_*, gamma_*: initializers, regularizers and constraints.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> layers.GroupNormalization(groups=2)(np.ones((2, 5, 5, 4))).shape
    (2, 5, 5, 4)
    """

    def __init__(
        self,
        groups=32,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        if (
            isinstance(groups, bool)
            or not isinstance(groups, int)
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                f"GroupNormalization: groups must be a positive integer (or -1 for instance "
                f"normalization), got {groups!r}"
            )
        super().__init__(**kwargs)
        self.groups, self.axis, self.epsilon = groups, axis, float(epsilon)
        self.center, self.scale = center, scale
        for kind, initializer, regularizer, constraint in (
            ("beta", beta_initializer, beta_regularizer, beta_constraint),
            ("gamma", gamma_initializer, gamma_regularizer, gamma_constraint),
        ):
            setattr(self, f"{kind}_initializer", initializers.get(initializer))
            setattr(self, f"{kind}_regularizer", regularizers.get(regularizer))
            setattr(self, f"{kind}_constraint", constraints.get(constraint))
        self.supports_masking = True

    def build(self, input_shape):
        channels = input_shape[self.axis]
        where = f"GroupNormalization '{self.name}'"
        if channels is None:
            raise ValueError(
                f"{where}: axis {self.axis} of the input must be known, got shape "
                f"{tuple(input_shape)}"
            )
        if self.groups == -1:
            self.groups = channels
        if channels < self.groups or channels % self.groups:
            raise ValueError(
                f"{where}: groups ({self.groups}) must divide the {channels} channels of axis "
                f"{self.axis}"
            )
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: channels})
        self.gamma = (
            self.add_weight(
                (channels,),
                self.gamma_initializer,
                name="gamma",
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight(
                (channels,),
                self.beta_initializer,
                name="beta",
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
            if self.center
            else None
        )

    def call(self, inputs):
        axis = self.axis % inputs.ndim
        channels = inputs.shape[axis]
        grouped_shape = (
            *inputs.shape[:axis],
            self.groups,
            channels // self.groups,
            *inputs.shape[axis + 1 :],
        )
        grouped = ops.reshape(inputs, grouped_shape)
        # statistics over every axis but the batch and the group axis
        axes = tuple(a for a in range(1, len(grouped_shape)) if a != axis)
        per_channel = [1] * len(grouped_shape)
        per_channel[axis], per_channel[axis + 1] = self.groups, channels // self.groups
        gamma = None if self.gamma is None else ops.reshape(self.gamma, per_channel)
        beta = None if self.beta is None else ops.reshape(self.beta, per_channel)
        out = normalize_with_statistics(grouped, axes, gamma, beta, self.epsilon)[0]
        return ops.reshape(out, inputs.shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **weight_options_config(self, "beta", "gamma"),
        }


class UnitNormalization(Layer):
    """Scale each sample to unit L2 norm along ``axis``: x / max(||x||, 1e-12) (the norm
    floored so zero vectors stay zero).

    Args:
        axis: int or list of ints.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> out = layers.UnitNormalization()(np.array([[3.0, 4.0]])).data
    >>> [round(float(v), 4) for v in out[0]]
    [0.6, 0.8]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                f"UnitNormalization: axis must be an int or a list of ints, got {axis!r}"
            )
        self.supports_masking = True

    def call(self, inputs):
        axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        norm = ops.sqrt(ops.sum(ops.square(inputs), axis=axis, keepdims=True))
        return ops.divide(inputs, ops.maximum(norm, 1e-12))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class RMSNormalization(Layer):
    """Root-mean-square normalisation (Zhang & Sennrich, 2019): x * rsqrt(mean(x^2) + epsilon) *
    scale, the mean over ``axis``, with a learned ``scale`` over those axes.

    Args:
        axis: int or list of ints (default the last axis).
        epsilon: added to the mean square.

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> out = layers.RMSNormalization(epsilon=0.0)(np.array([[3.0, 4.0]])).data
    >>> [round(float(v), 4) for v in out[0]]
    [0.8485, 1.1314]
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon = axis, epsilon

    def build(self, input_shape):
        # Keras keeps the axes as a list from here on (and its config says so)
        self.axis = sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        self.scale = self.add_weight(tuple(input_shape[a] for a in self.axis), "ones", name="scale")

    def call(self, inputs):
        axes = tuple(sorted(a % inputs.ndim for a in self.axis))
        shape = [1] * inputs.ndim
        for a in axes:
            shape[a] = inputs.shape[a]
        mean_square = ops.mean(ops.square(inputs), axis=axes, keepdims=True)
        out = ops.divide(inputs, ops.sqrt(ops.add(mean_square, self.epsilon)))
        return ops.multiply(out, ops.reshape(self.scale, shape))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}


def _l2_normalize(array):
    """array / ||array|| over all its entries (the norm floored at 1e-7, as Keras)."""
    return array / max(float(xp.sqrt((array * array).sum())), 1e-7)


class SpectralNormalization(Wrapper):
    """Divides the wrapped layer's kernel (or embeddings) by its spectral norm, the largest
    singular value estimated by power iteration (Miyato et al., 2018), at each training call.

    As in Keras, the normalised kernel is written into the layer's own weight, and ``vector_u``
    (1, kernel.shape[-1]), not trainable, carries the power iteration from call to call; in
    inference the layer runs with its current kernel.

    Args:
        layer: a layer with a ``kernel`` or ``embeddings`` weight.
        power_iterations: iterations per training call (at least 1).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> sn = layers.SpectralNormalization(layers.Dense(3, kernel_initializer="ones"))
    >>> _ = sn(np.ones((1, 4), "float32"), training=True)
    >>> round(float(np.linalg.svd(sn.layer.kernel.data, compute_uv=False)[0]), 4)
    1.0
    """

    NOT_TRACKED = Wrapper.NOT_TRACKED | {"kernel"}  # the wrapped layer's weight, owned there

    def _all_variables(self):
        # Keras's order: the kernel, vector_u, then the wrapped layer's other weights
        variables = super()._all_variables()
        kernel = getattr(self, "kernel", None)
        if kernel is None:
            return variables
        rest = [v for v in variables if v is not kernel]
        return [kernel, *rest]

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(
                f"SpectralNormalization: power_iterations must be at least 1, got "
                f"{power_iterations!r}"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(
                f"SpectralNormalization '{self.name}': {type(self.layer).__name__} has neither a "
                f"kernel nor embeddings to normalise"
            )
        self.kernel = kernel
        self.vector_u = self.add_weight(
            (1, kernel.shape[-1]),
            initializers.TruncatedNormal(stddev=0.02),
            name="vector_u",
            trainable=False,
            dtype=str(kernel.dtype),
        )

    def normalized_weights(self):
        """(new vector_u, kernel / sigma) as arrays, from ``power_iterations`` steps."""
        weights = self.kernel.data.reshape(-1, self.kernel.shape[-1])
        vector_u = self.vector_u.data
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(vector_u @ weights.T)
            vector_u = _l2_normalize(vector_v @ weights)
        sigma = (vector_v @ weights @ vector_u.T).item()
        return vector_u, (self.kernel.data / sigma).astype(self.kernel.dtype)

    def call(self, inputs, training=False):
        if training and xp.any(self.kernel.data != 0):
            with no_grad():
                vector_u, kernel = self.normalized_weights()
            self.vector_u.assign(vector_u.astype(self.vector_u.dtype))
            self.kernel.assign(kernel)
        return self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}
