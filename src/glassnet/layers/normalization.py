"""BatchNormalization and LayerNormalization, both on the fused ``ops.normalize``."""

from glassnet import constraints, initializers, ops, regularizers
from glassnet.layers.layer import Layer


class BatchNormalization(Layer):
    """Normalise each feature over the batch (and spatial axes) while training, with the moving
    averages in inference; then scale by gamma and shift by beta.

    Four weights per feature, as Keras counts them: gamma and beta (trainable), moving_mean and
    moving_variance (not trainable; moving = moving * momentum + batch * (1 - momentum)).
    synchronized=True (or DataParallel(synchronized_batchnorm=True)): under data parallelism the
    statistics are those of the global batch, not of each process's share.
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
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
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
                f"BatchNormalization '{self.name}': axis {self.axis} of the input must be known, got shape {input_shape}"
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

    def call(self, inputs, training=None):
        axis = self.axis % inputs.ndim
        reduce_axes = tuple(a for a in range(inputs.ndim) if a != axis)
        shape = self._broadcast_shape(inputs.ndim, inputs.shape[axis])
        gamma = None if self.gamma is None else ops.reshape(self.gamma, shape)
        beta = None if self.beta is None else ops.reshape(self.beta, shape)
        if training:
            from glassnet.distribution import distribution

            dist = distribution()
            sync = (
                dist is not None
                and dist.size > 1
                and (self.synchronized or dist.synchronized_batchnorm)
            )
            out, mean, variance = ops.normalize(
                inputs,
                reduce_axes,
                gamma,
                beta,
                self.epsilon,
                cross_replica_sum=dist.sum_arrays if sync else None,
            )
            m = self.momentum
            self.moving_mean.assign(self.moving_mean.data * m + mean.reshape(-1) * (1 - m))
            self.moving_variance.assign(
                self.moving_variance.data * m + variance.reshape(-1) * (1 - m)
            )
            return out
        return ops.batch_normalization(
            inputs,
            self.moving_mean,
            self.moving_variance,
            axis=axis,
            offset=self.beta,
            scale=self.gamma,
            epsilon=self.epsilon,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "synchronized": self.synchronized,
        }


class LayerNormalization(Layer):
    """Normalise each sample over its feature axes (``axis``, default -1), then scale and shift."""

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
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = axis if isinstance(axis, int) else tuple(axis)
        self.epsilon, self.center, self.scale = float(epsilon), center, scale
        self.beta_initializer, self.gamma_initializer = (
            initializers.get(beta_initializer),
            initializers.get(gamma_initializer),
        )
        self.beta_regularizer, self.gamma_regularizer = (
            regularizers.get(beta_regularizer),
            regularizers.get(gamma_regularizer),
        )
        self.supports_masking = True

    def build(self, input_shape):
        axes = (self.axis,) if isinstance(self.axis, int) else self.axis
        shape = tuple(input_shape[a] for a in axes)
        self.gamma = (
            self.add_weight(
                shape, self.gamma_initializer, name="gamma", regularizer=self.gamma_regularizer
            )
            if self.scale
            else None
        )
        self.beta = (
            self.add_weight(
                shape, self.beta_initializer, name="beta", regularizer=self.beta_regularizer
            )
            if self.center
            else None
        )

    def call(self, inputs):
        axes = tuple(
            sorted(
                a % inputs.ndim for a in ((self.axis,) if isinstance(self.axis, int) else self.axis)
            )
        )
        shape = [1] * inputs.ndim
        for a in axes:
            shape[a] = inputs.shape[a]
        gamma = None if self.gamma is None else ops.reshape(self.gamma, shape)
        beta = None if self.beta is None else ops.reshape(self.beta, shape)
        return ops.normalize(inputs, axes, gamma, beta, self.epsilon)[0]

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
        }
