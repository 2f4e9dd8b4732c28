"""Discretization: numbers -> the index of the bin they fall in, with bin boundaries given or
estimated as quantiles by ``adapt()``."""

from glassnet.autograd.tensor import Tensor
from glassnet.backend import floatx, xp
from glassnet.layers.layer import Layer
from glassnet.layers.preprocessing.category_encoding import encode_categorical_inputs

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(Layer):
    """Bucket numbers: bin i holds boundaries[i-1] <= x < boundaries[i].

    ``adapt()`` estimates ``num_bins`` equal-frequency bins with Keras's approximate quantile
    summary (accuracy ``epsilon``): the sorted data are kept as weighted points, merged and
    compressed batch by batch, and the boundaries read off their cumulative weights.

    Args:
        bin_boundaries: sorted boundaries; len(bin_boundaries) + 1 bins.
        num_bins: the number of bins ``adapt()`` estimates.
        epsilon: the error tolerance of the quantile estimate (~1/epsilon summary points).
        output_mode: "int" (bin indices, int32), "one_hot", "multi_hot" or "count".
        sparse: must be False.

    Example:

    >>> import numpy as np
    >>> from glassnet.layers import Discretization
    >>> Discretization(bin_boundaries=[0.0, 1.0])(np.array([-1.0, 0.0, 0.5, 2.0])).numpy()
    array([0, 1, 1, 2], dtype=int32)
    """

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
    ):
        super().__init__(name=name, dtype=dtype)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(
                f"Discretization: output_mode must be one of {OUTPUT_MODES}, got {output_mode!r}"
            )
        if sparse:
            raise ValueError("Discretization: sparse=True is not supported by glassnet")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization: num_bins must be >= 0, got {num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                f"Discretization: give num_bins or bin_boundaries, not both, got "
                f"num_bins={num_bins} and bin_boundaries={bin_boundaries}"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: give num_bins (then adapt()) or bin_boundaries")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if bin_boundaries else _empty_summary()

    @property
    def input_dtype(self):
        return floatx()

    @property
    def output_dtype(self):
        return self.dtype if self.output_mode != "int" else "int32"

    def adapt(self, data, steps=None):
        """Estimate ``num_bins`` boundaries from an array or an iterable of batches."""
        if self.num_bins is None:
            raise ValueError(
                f"Discretization '{self.name}' was given bin_boundaries; create it with "
                "num_bins to adapt it"
            )
        self.reset_state()
        if isinstance(data, (xp.ndarray, Tensor)) or not hasattr(data, "__iter__"):
            self.update_state(data)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        values = xp.asarray(getattr(data, "data", data)).astype("float32")
        self.summary = _merge_summaries(
            _summarize(values, self.epsilon), self.summary, self.epsilon
        )

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = _bin_boundaries(self.summary, self.num_bins).tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = _empty_summary()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                f"Discretization '{self.name}': give bin_boundaries or call adapt() first"
            )
        values = getattr(inputs, "data", inputs)
        indices = xp.digitize(values, xp.asarray(self.bin_boundaries, dtype=values.dtype))
        return encode_categorical_inputs(
            indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def save_own_variables(self, store):
        if self.summary is not None:
            store["0"] = self.summary

    def load_own_variables(self, store):
        if len(store) == 1:
            self.summary = xp.asarray(store["0"])

    def get_config(self):
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)


# -- the approximate quantile summary: a (2, n) array of sorted values and their weights --------
def _empty_summary():
    return xp.array([[], []], dtype="float32")


def _summarize(values, epsilon):
    """About 1/epsilon evenly spaced order statistics of ``values``, each weighing ``step``."""
    values = xp.sort(values.reshape(-1))
    step = max(values.size / (1.0 / epsilon), 1)
    boundaries = values[int(step - 1) :: int(step)]
    return xp.stack([boundaries, xp.ones_like(boundaries) * step])


def _merge_summaries(first, second, epsilon):
    merged = xp.concatenate((first, second), axis=1)
    merged = xp.take(merged, xp.argsort(merged[0]), axis=1)
    return _compress(merged, epsilon)


def _compress(summary, epsilon):
    """Re-sample the summary at the 1/epsilon evenly spaced cumulative-weight levels."""
    if summary.shape[1] * epsilon < 1:
        return summary
    levels = epsilon + xp.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    fractions = cumulative / cumulative[-1]
    values = xp.interp(levels, fractions, summary[0])
    cumulative = xp.interp(levels, fractions, cumulative)
    weights = cumulative - xp.concatenate((xp.array([0]), cumulative[:-1]))
    return xp.stack((values, weights)).astype("float32")


def _bin_boundaries(summary, num_bins):
    return _compress(summary, 1.0 / num_bins)[0, :-1]
