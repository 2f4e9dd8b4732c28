"""Muon: momentum whose update matrix is orthogonalised by a Newton-Schulz iteration."""

import math
import re

import numpy as np

from glassnet.optimizers.optimizer import Optimizer


def zeropower_via_newtonschulz5(matrix, steps, a=3.4445, b=-4.7750, c=2.0315):
    """An approximately orthogonal matrix with ``matrix``'s singular vectors (U S' V^T, S' ~ 1).

    The quintic iteration X <- a X + (b A + c A^2) X, A = X X^T, from X = matrix / ||matrix||_F,
    on the wide orientation (the transpose when there are more rows than columns).

    Args:
        matrix: (rows, cols) array.
        steps: number of iterations.
        a: coefficient of X.
        b: coefficient of A X.
        c: coefficient of A^2 X.

    Returns:
        An array shaped like ``matrix``.

    Example:

    >>> import numpy as np
    >>> from glassnet.optimizers.muon import zeropower_via_newtonschulz5
    >>> out = zeropower_via_newtonschulz5(np.diag([3.0, 0.5]), steps=5)
    >>> bool(np.all(np.abs(np.diag(out) - 1) < 0.35)), float(out[0, 1])
    (True, 0.0)
    """
    if matrix.ndim < 2:
        raise ValueError(
            f"zeropower_via_newtonschulz5: expected at least 2 dimensions, got {matrix.shape}"
        )
    tall = matrix.shape[-2] > matrix.shape[-1]
    x = np.swapaxes(matrix, -1, -2) if tall else matrix
    x = x / (np.linalg.norm(x, axis=(-2, -1), keepdims=True) + 1e-7)
    for _ in range(steps):
        gram = x @ np.swapaxes(x, -1, -2)
        x = a * x + (b * gram + c * gram @ gram) @ x
    return np.swapaxes(x, -1, -2) if tall else x


class Muon(Optimizer):
    """MomentUm Orthogonalized by Newton-Schulz (Jordan et al., 2024), with Keras's formulas.

    For 2-D variables not excluded: m = momentum m + g; d = g + momentum m (Nesterov) or m;
    w -= lr * NS5(d) * sqrt(max(rows, cols)) * rms_rate (no scaling when rms_rate is None).
    Every other variable (not 2-D, an embedding when ``exclude_embeddings``, or a path matching
    one of ``exclude_layers``) takes an AdamW step with rate lr * adam_lr_ratio. Weight decay is
    ``weight_decay`` on Muon variables and ``adam_weight_decay`` on the others.

    Args:
        learning_rate: the step size.
        adam_beta_1: AdamW's first-moment decay.
        adam_beta_2: AdamW's second-moment decay.
        adam_weight_decay: AdamW variables' decoupled weight decay.
        epsilon: AdamW's epsilon.
        weight_decay: Muon variables' decoupled weight decay.
        exclude_layers: regular expressions; variables whose path matches use AdamW.
        exclude_embeddings: variables whose path contains "embedding" use AdamW.
        muon_a: Newton-Schulz coefficient a.
        muon_b: Newton-Schulz coefficient b.
        muon_c: Newton-Schulz coefficient c.
        adam_lr_ratio: AdamW's rate as a multiple of learning_rate.
        momentum: Muon's momentum.
        ns_steps: Newton-Schulz iterations.
        nesterov: Nesterov-style momentum.
        rms_rate: scales the orthogonalised update to Adam's RMS (Liu et al., 2025); None: off.
        **kwargs: the base ``Optimizer`` arguments (clipping, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> kernel = Variable(np.zeros((2, 2)), name="kernel")
    >>> opt = optimizers.Muon(0.1, weight_decay=None, rms_rate=None)
    >>> opt.apply([np.diag([2.0, 2.0])], [kernel])
    >>> bool(np.allclose(kernel.data, -0.1 * np.eye(2), atol=0.02))
    True
    """

    def __init__(
        self,
        learning_rate=0.001,
        adam_beta_1=0.9,
        adam_beta_2=0.999,
        adam_weight_decay=0.004,
        epsilon=1e-7,
        weight_decay=0.004,
        exclude_layers=None,
        exclude_embeddings=True,
        muon_a=3.4445,
        muon_b=-4.7750,
        muon_c=2.0315,
        adam_lr_ratio=1,
        momentum=0.95,
        ns_steps=5,
        nesterov=True,
        rms_rate=0.2,
        **kwargs,
    ):
        super().__init__(learning_rate, weight_decay=weight_decay, **kwargs)
        self.adam_beta_1 = adam_beta_1
        self.adam_beta_2 = adam_beta_2
        self.adam_weight_decay = adam_weight_decay
        self.epsilon = epsilon
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = exclude_embeddings
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio = adam_lr_ratio
        self.momentum = momentum
        self.ns_steps = ns_steps
        self.nesterov = nesterov
        self.rms_rate = rms_rate

    def _should_use_adamw(self, variable):
        if len(variable.shape) != 2:
            return True
        path = str(getattr(variable, "path", None) or variable.name)
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(keyword, path) for keyword in self.exclude_layers)

    def build_state(self, variable):
        state = {"momentum": np.zeros_like(variable.data)}
        if self._should_use_adamw(variable):
            state["velocity"] = np.zeros_like(variable.data)
        return state

    def update(self, value, grad, lr, state, step):
        if "velocity" in state:
            self._adamw_update(value, grad, lr * self.adam_lr_ratio, state, step)
            return
        m = state["momentum"]
        m += grad + m * (self.momentum - 1)  # m = momentum m + g
        direction = grad + self.momentum * m if self.nesterov else m
        update = lr * zeropower_via_newtonschulz5(
            direction, self.ns_steps, self.muon_a, self.muon_b, self.muon_c
        )
        if self.rms_rate is not None:
            update = update * math.sqrt(max(value.shape[0], value.shape[1])) * self.rms_rate
        value -= update

    def _adamw_update(self, value, grad, lr, state, step):
        m, v = state["momentum"], state["velocity"]
        alpha = lr * math.sqrt(1 - self.adam_beta_2**step) / (1 - self.adam_beta_1**step)
        m += (grad - m) * (1 - self.adam_beta_1)
        v += (grad * grad - v) * (1 - self.adam_beta_2)
        value -= m * alpha / (np.sqrt(v) + self.epsilon)

    def _apply_weight_decay(self, variables):
        lr = self.learning_rate
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            if self._should_use_adamw(variable):
                decay = self.adam_weight_decay
            else:
                decay = self.weight_decay
            if decay is not None:
                variable.data -= variable.data * (decay * lr)

    def get_config(self):
        return {
            **super().get_config(),
            "adam_beta_1": self.adam_beta_1,
            "adam_beta_2": self.adam_beta_2,
            "epsilon": self.epsilon,
            "exclude_layers": self.exclude_layers,
            "muon_a": self.muon_a,
            "muon_b": self.muon_b,
            "muon_c": self.muon_c,
            "adam_lr_ratio": self.adam_lr_ratio,
            "momentum": self.momentum,
            "ns_steps": self.ns_steps,
            "nesterov": self.nesterov,
            "exclude_embeddings": self.exclude_embeddings,
            "adam_weight_decay": self.adam_weight_decay,
            "rms_rate": self.rms_rate,
        }
