"""The Adam family: Adam (and AMSGrad), AdamW, Adamax, Nadam, with Keras's formulas."""

import math

import numpy as np

from glassnet.backend import compiled
from glassnet.optimizers.optimizer import Optimizer


@compiled.register("adam_update")
def adam_update_loop(value, grad, m, v, one_minus_beta_1, one_minus_beta_2, epsilon, alpha):
    """Adam's update in one pass over flat arrays: the compiled sibling of ``Adam.update``.

    The same arithmetic, in the same order and the same dtype, as the NumPy reference in
    ``Adam.update`` (which makes nine passes over memory); numba compiles this loop when the
    ``fast`` extra is installed (see ``glassnet.backend.compiled``).

    Args:
        value, grad, m, v: 1-D contiguous arrays of one dtype; value, m and v change in place.
        one_minus_beta_1, one_minus_beta_2, epsilon, alpha: scalars of that dtype.

    Example:

    >>> w, m, v = np.array([1.0]), np.zeros(1), np.zeros(1)
    >>> adam_update_loop(w, np.array([2.0]), m, v, 0.5, 0.25, 0.0, 0.1)
    >>> w, m, v
    (array([0.9]), array([1.]), array([1.]))
    """
    for i in range(value.size):
        g = grad[i]
        m_i = m[i] + (g - m[i]) * one_minus_beta_1
        v_i = v[i] + (g * g - v[i]) * one_minus_beta_2
        m[i] = m_i
        v[i] = v_i
        value[i] -= m_i / (np.sqrt(v_i) + epsilon) * alpha


class Adam(Optimizer):
    """Adaptive moment estimation, in Keras's form.

    m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps).
    As in Keras, epsilon is added to sqrt(v) before the bias correction of v (PyTorch adds it
    after); with ``amsgrad`` the running maximum of v is used.

    Args:
        learning_rate: the step size.
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to sqrt(v).
        amsgrad: use the AMSGrad variant.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0, 1.0]))
    >>> optimizers.Adam(0.1, epsilon=0.0).apply([np.array([3.0, -0.5])], [w])
    >>> w.data
    array([0.9, 1.1])
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs
    ):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad
        self._kernel_views = _KernelViews()  # not state: neither saved nor copied

    def build_state(self, variable):
        state = {"m": np.zeros_like(variable.data), "v": np.zeros_like(variable.data)}
        if self.amsgrad:
            state["v_hat"] = np.zeros_like(variable.data)
        return state

    def _backend_update_step(self, grads, variables, learning_rate):
        """Every variable's update with the compiled kernel where it applies: the same call as
        ``update`` makes, with the flat views of each variable and its moments made once and
        kept (a step of a model with six weights spends less time on Python than on the update).
        Falls back to ``update`` per variable for what the kernel does not take, and to the
        base loop for subclasses that change ``update`` or ``update_step``."""
        kernel = None if self.amsgrad else compiled.get("adam_update")
        if (
            kernel is None
            or type(self).update is not Adam.update
            or type(self).update_step is not Optimizer.update_step
        ):
            super()._backend_update_step(grads, variables, learning_rate)
            return
        step = self.iterations + 1
        alpha = self._step_size(learning_rate, step)
        scalars = {}  # dtype -> the kernel's scalars in that dtype
        for grad, variable in zip(grads, variables):
            value = variable.data
            state = self._state[id(variable)]
            views = self._flat_views_of(variable, value, state)
            if views is None or grad.dtype != value.dtype:
                self.update(value, grad.astype(value.dtype, copy=False), learning_rate, state, step)
                continue
            if value.dtype not in scalars:
                scalars[value.dtype] = self._kernel_scalars(value.dtype, alpha)
            flat_value, flat_m, flat_v = views[3:]
            flat_grad = np.ascontiguousarray(grad).reshape(-1)
            kernel(flat_value, flat_grad, flat_m, flat_v, *scalars[value.dtype])

    def _step_size(self, lr, step):
        """lr sqrt(1 - b2^t) / (1 - b1^t): the learning rate with both bias corrections."""
        return lr * math.sqrt(1 - self.beta_2**step) / (1 - self.beta_1**step)

    def _kernel_scalars(self, dtype, alpha):
        """The compiled kernel's four scalars in the arrays' dtype (rounding as NumPy's)."""
        dtype = np.dtype(dtype).type
        return dtype(1 - self.beta_1), dtype(1 - self.beta_2), dtype(self.epsilon), dtype(alpha)

    def _flat_views_of(self, variable, value, state):
        """(value, m, v, and their flat views) for the kernel, made once per variable and made
        again if the variable's array or a moment is replaced; None if the kernel cannot update
        them in place."""
        cache = self._kernel_views
        views = cache.get(id(variable))
        m, v = state["m"], state["v"]
        if views is not None and views[0] is value and views[1] is m and views[2] is v:
            return views
        if not _flat_views(value, m, v):
            cache.pop(id(variable), None)
            return None
        views = cache[id(variable)] = (value, m, v, value.reshape(-1), m.reshape(-1), v.reshape(-1))
        return views

    def update(self, value, grad, lr, state, step):
        m, v = state["m"], state["v"]
        alpha = self._step_size(lr, step)
        kernel = None if self.amsgrad else compiled.get("adam_update")
        if kernel is not None and _flat_views(value, m, v) and grad.dtype == value.dtype:
            flat_grad = np.ascontiguousarray(grad).reshape(-1)
            scalars = self._kernel_scalars(value.dtype, alpha)
            kernel(value.reshape(-1), flat_grad, m.reshape(-1), v.reshape(-1), *scalars)
            return
        tmp = self.scratch(value)  # in place throughout: no temporaries on the hot path
        np.subtract(grad, m, out=tmp)
        tmp *= 1 - self.beta_1
        m += tmp  # m += (1 - b1) (g - m)
        np.multiply(grad, grad, out=tmp)
        tmp -= v
        tmp *= 1 - self.beta_2
        v += tmp  # v += (1 - b2) (g^2 - v)
        if self.amsgrad:
            np.maximum(state["v_hat"], v, out=state["v_hat"])
            v = state["v_hat"]
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        value -= tmp  # w -= alpha m / (sqrt(v) + eps)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class _KernelViews(dict):
    """id(variable) -> (value, m, v, and their flat views), a cache that ``copy.deepcopy`` of
    the optimizer leaves behind (the copy's views would not share memory with its arrays)."""

    def __deepcopy__(self, memo):
        return _KernelViews()


def _flat_views(*arrays):
    """Whether the compiled kernel can update these arrays in place: float32 or float64, one
    dtype, C-contiguous (so ``reshape(-1)`` is a view, not a copy)."""
    dtype = arrays[0].dtype
    return dtype in (np.float32, np.float64) and all(
        a.dtype == dtype and a.flags.c_contiguous for a in arrays
    )


class AdamW(Adam):
    """Adam with decoupled weight decay: w -= lr * weight_decay * w before each Adam step.

    Args:
        learning_rate: the step size.
        weight_decay: the decay rate (Keras's default 0.004).
        beta_1: decay of the first moment.
        beta_2: decay of the second moment.
        epsilon: added to sqrt(v).
        amsgrad: use the AMSGrad variant.
        **kwargs: the base ``Optimizer`` arguments (clipping, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([2.0]))
    >>> optimizers.AdamW(0.1, weight_decay=0.5, epsilon=0.0).apply([np.array([1.0])], [w])
    >>> w.data
    array([1.8])
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        super().__init__(
            learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay=weight_decay, **kwargs
        )


class Adamax(Optimizer):
    """Adam with the infinity norm.

    m = b1 m + (1-b1) g; u = max(b2 u, |g|); w -= lr / (1-b1^t) * m / (u + eps).

    Args:
        learning_rate: the step size.
        beta_1: decay of the first moment.
        beta_2: decay of the infinity norm.
        epsilon: added to u.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0]))
    >>> optimizers.Adamax(0.1, epsilon=0.0).apply([np.array([-4.0])], [w])
    >>> w.data
    array([1.1])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build_state(self, variable):
        return {"m": np.zeros_like(variable.data), "u": np.zeros_like(variable.data)}

    def update(self, value, grad, lr, state, step):
        m, u = state["m"], state["u"]
        m += (1 - self.beta_1) * (grad - m)
        np.maximum(self.beta_2 * u, np.abs(grad), out=u)
        value -= lr * m / ((1 - self.beta_1**step) * (u + self.epsilon))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Keras 3's momentum schedule mu_t = b1 (1 - 0.5 * 0.96^t).

    m_hat = mu_{t+1} m / (1 - prod_{i<=t+1} mu_i) + (1 - mu_t) g / (1 - prod_{i<=t} mu_i);
    w -= lr m_hat / (sqrt(v / (1 - b2^t)) + eps). (PyTorch's NAdam with momentum_decay=1.)

    Args:
        learning_rate: the step size.
        beta_1: decay of the first moment (the momentum schedule's scale).
        beta_2: decay of the second moment.
        epsilon: added to the square root.
        **kwargs: the base ``Optimizer`` arguments (clipping, weight decay, EMA...).

    Example:

    >>> import numpy as np
    >>> from glassnet import Variable, optimizers
    >>> w = Variable(np.array([1.0]))
    >>> optimizers.Nadam(0.1, epsilon=0.0).apply([np.array([2.0])], [w])
    >>> round(float(w.data[0]), 6)
    0.893721
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build_state(self, variable):
        return {
            "m": np.zeros_like(variable.data),
            "v": np.zeros_like(variable.data),
            "u_product": np.ones(()),
        }

    def update(self, value, grad, lr, state, step):
        u_t = self.beta_1 * (1 - 0.5 * 0.96**step)
        u_next = self.beta_1 * (1 - 0.5 * 0.96 ** (step + 1))
        product = float(state["u_product"]) * u_t
        state["u_product"][...] = product
        m, v = state["m"], state["v"]
        m += (1 - self.beta_1) * (grad - m)
        v += (1 - self.beta_2) * (grad * grad - v)
        m_hat = u_next * m / (1 - product * u_next) + (1 - u_t) * grad / (1 - product)
        v_hat = v / (1 - self.beta_2**step)
        value -= lr * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
