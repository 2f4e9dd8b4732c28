"""``FeatureSpace``: one object that turns a dict of structured columns (numbers, categories,
strings) into the model's input vector, with the preprocessing layers that each kind of feature
needs, adapted on the training data -- Keras's ``keras.utils.FeatureSpace``.

Example:

>>> import numpy as np
>>> from glassnet.utils import FeatureSpace
>>> space = FeatureSpace(
...     {"age": "float_normalized", "city": "string_categorical"}, output_mode="concat"
... )
>>> data = {"age": np.array([20.0, 40.0, 60.0]), "city": np.array(["a", "b", "a"])}
>>> space.adapt(data)
>>> np.round(np.asarray(space(data), dtype=float), 2).tolist()
[[-1.22, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.22, 0.0, 1.0, 0.0]]
"""

import itertools

import numpy as np

from glassnet import layers
from glassnet.autograd.tensor import Tensor

_names = itertools.count()


def _auto_name(kind):
    return f"{kind}_{next(_names)}"


class Feature:
    """One feature's input dtype, preprocessing layer and encoding ("one_hot", "int", "float").

    Args:
        dtype: the input's dtype ("float32", "int32", "string").
        preprocessor: the layer applied to the column.
        output_mode: "one_hot" (multi-hot of the preprocessor's integer output), "int" or
            "float" (the preprocessor's output as it is).

    Example:

    >>> import numpy as np
    >>> from glassnet import layers
    >>> halved = FeatureSpace.feature("float32", layers.Rescaling(0.5), "float")
    >>> space = FeatureSpace({"x": halved}, output_mode="concat")
    >>> data = {"x": np.array([2.0, 4.0])}
    >>> space.adapt(data)
    >>> np.asarray(space(data)).tolist()
    [[1.0], [2.0]]
    """

    def __init__(self, dtype, preprocessor, output_mode):
        if output_mode not in ("int", "one_hot", "float"):
            raise ValueError(
                f"FeatureSpace: output_mode must be 'int', 'one_hot' or 'float', got "
                f"{output_mode!r}"
            )
        self.dtype, self.preprocessor, self.output_mode = dtype, preprocessor, output_mode


class Cross:
    """A crossing of several categorical features, hashed into ``crossing_dim`` bins.

    Args:
        feature_names: the names of the categorical features crossed.
        crossing_dim: the number of hash bins.
        output_mode: "one_hot" (the default: one-hot of the bin) or "int" (the bin index).

    Example:

    >>> cross = FeatureSpace.cross(("city", "weekday"), crossing_dim=8)
    >>> cross.name, cross.crossing_dim, cross.output_mode
    ('city_X_weekday', 8, 'one_hot')
    """

    def __init__(self, feature_names, crossing_dim, output_mode="one_hot"):
        if output_mode not in ("int", "one_hot"):
            raise ValueError("FeatureSpace.cross: output_mode must be 'int' or 'one_hot'")
        self.feature_names = tuple(feature_names)
        self.crossing_dim, self.output_mode = int(crossing_dim), output_mode

    @property
    def name(self):
        """The crossed feature's name: the feature names joined by '_X_'."""
        return "_X_".join(self.feature_names)


def _array(value):
    if isinstance(value, Tensor):
        return value.data
    return np.asarray(value)


def _column(values):
    """A column as (n, 1): scalars become one row, vectors one value per row."""
    array = _array(values)
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array[:, None]
    return array


class FeatureSpace:
    """Preprocess and encode a dict of structured features into one vector (or a dict).

    Args:
        features: {name: kind}, kind a string ("float", "float_rescaled",
            "float_normalized", "float_discretized", "integer_categorical",
            "string_categorical", "integer_hashed", "string_hashed") or a ``Feature`` from
            the class methods (``FeatureSpace.integer_categorical(num_oov_indices=0)``...).
        output_mode: "concat" (one float32 vector per sample, features in sorted name order,
            then the crosses) or "dict" (one entry per feature and cross).
        crosses: ``FeatureSpace.cross(...)`` objects or tuples of feature names.
        crossing_dim: hash bins of crosses given as tuples.
        hashing_dim: hash bins of "integer_hashed"/"string_hashed" features.
        num_discretization_bins: bins of "float_discretized" features.
        name: accepted for Keras compatibility.

    Example:

    >>> import numpy as np
    >>> space = FeatureSpace(
    ...     {"a": "string_categorical", "b": "string_categorical"},
    ...     crosses=[("a", "b")], crossing_dim=4, output_mode="dict",
    ... )
    >>> data = {"a": np.array(["x", "y"]), "b": np.array(["u", "u"])}
    >>> space.adapt(data)
    >>> encoded = space(data)
    >>> sorted(encoded), np.asarray(encoded["a_X_b"]).shape
    (['a', 'a_X_b', 'b'], (2, 4))
    """

    @classmethod
    def cross(cls, feature_names, crossing_dim, output_mode="one_hot"):
        """A crossing of categorical features (hashed)."""
        return Cross(feature_names, crossing_dim, output_mode)

    @classmethod
    def feature(cls, dtype, preprocessor, output_mode):
        """A feature with a preprocessing layer of your choice."""
        return Feature(dtype, preprocessor, output_mode)

    @classmethod
    def float(cls, name=None):
        """A number used as it is."""
        name = name or _auto_name("float")
        return Feature("float32", layers.Rescaling(1.0, name=f"{name}_preprocessor"), "float")

    @classmethod
    def float_rescaled(cls, scale=1.0, offset=0.0, name=None):
        """A number times ``scale`` plus ``offset``."""
        name = name or _auto_name("float_rescaled")
        layer = layers.Rescaling(scale=scale, offset=offset, name=f"{name}_preprocessor")
        return Feature("float32", layer, "float")

    @classmethod
    def float_normalized(cls, name=None):
        """A number standardised with the mean and variance ``adapt`` finds."""
        name = name or _auto_name("float_normalized")
        return Feature(
            "float32", layers.Normalization(axis=-1, name=f"{name}_preprocessor"), "float"
        )

    @classmethod
    def float_discretized(cls, num_bins, bin_boundaries=None, output_mode="one_hot", name=None):
        """A number put into one of ``num_bins`` bins (quantiles found by ``adapt``)."""
        name = name or _auto_name("float_discretized")
        layer = layers.Discretization(
            num_bins=num_bins, bin_boundaries=bin_boundaries, name=f"{name}_preprocessor"
        )
        return Feature("float32", layer, output_mode)

    @classmethod
    def integer_categorical(
        cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None
    ):
        """An integer category, looked up in the vocabulary ``adapt`` finds."""
        name = name or _auto_name("integer_categorical")
        layer = layers.IntegerLookup(
            max_tokens=max_tokens, num_oov_indices=num_oov_indices, name=f"{name}_preprocessor"
        )
        return Feature("int32", layer, output_mode)

    @classmethod
    def string_categorical(
        cls, max_tokens=None, num_oov_indices=1, output_mode="one_hot", name=None
    ):
        """A string category, looked up in the vocabulary ``adapt`` finds."""
        name = name or _auto_name("string_categorical")
        layer = layers.StringLookup(
            max_tokens=max_tokens, num_oov_indices=num_oov_indices, name=f"{name}_preprocessor"
        )
        return Feature("string", layer, output_mode)

    @classmethod
    def string_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """A string hashed into ``num_bins`` bins."""
        name = name or _auto_name("string_hashed")
        return Feature("string", layers.Hashing(num_bins, name=f"{name}_preprocessor"), output_mode)

    @classmethod
    def integer_hashed(cls, num_bins, output_mode="one_hot", name=None):
        """An integer hashed into ``num_bins`` bins."""
        name = name or _auto_name("integer_hashed")
        return Feature("int32", layers.Hashing(num_bins, name=f"{name}_preprocessor"), output_mode)

    def __init__(
        self,
        features,
        output_mode="concat",
        crosses=None,
        crossing_dim=32,
        hashing_dim=32,
        num_discretization_bins=32,
        name=None,
    ):
        if not features:
            raise ValueError("FeatureSpace: features must be a non-empty dict")
        if output_mode not in ("concat", "dict"):
            raise ValueError(
                f"FeatureSpace: output_mode must be 'concat' or 'dict', got {output_mode!r}"
            )
        self.output_mode, self.name = output_mode, name or "feature_space"
        self.crossing_dim, self.hashing_dim = crossing_dim, hashing_dim
        self.num_discretization_bins = num_discretization_bins
        self.features = {key: self._standardize(key, kind) for key, kind in features.items()}
        self.crosses = []
        for cross in crosses or []:
            if not isinstance(cross, Cross):
                cross = Cross(cross, crossing_dim)
            unknown = [n for n in cross.feature_names if n not in self.features]
            if unknown:
                raise ValueError(f"FeatureSpace: crosses name unknown features {unknown}")
            self.crosses.append(cross)
        self.preprocessors = {key: f.preprocessor for key, f in self.features.items()}
        self.crossers = {
            c.name: layers.HashedCrossing(c.crossing_dim, name=c.name) for c in self.crosses
        }
        self.one_hot_encoders = {}
        self.inputs = None
        self.encoded_features = None
        self._is_adapted = False

    def _standardize(self, key, kind):
        if isinstance(kind, Feature):
            return kind
        makers = {
            "float": lambda: self.float(name=key),
            "float_rescaled": lambda: self.float_rescaled(name=key),
            "float_normalized": lambda: self.float_normalized(name=key),
            "float_discretized": lambda: self.float_discretized(
                self.num_discretization_bins, name=key
            ),
            "integer_categorical": lambda: self.integer_categorical(name=key),
            "string_categorical": lambda: self.string_categorical(name=key),
            "integer_hashed": lambda: self.integer_hashed(self.hashing_dim, name=key),
            "string_hashed": lambda: self.string_hashed(self.hashing_dim, name=key),
        }
        if kind not in makers:
            raise ValueError(
                f"FeatureSpace: feature {key!r} has an unknown kind {kind!r}; use one of "
                f"{sorted(makers)} or a FeatureSpace.<kind>(...) object"
            )
        return makers[kind]()

    def _adaptable(self):
        names = []
        for key, layer in self.preprocessors.items():
            if (
                isinstance(layer, layers.Normalization)
                and getattr(layer, "input_mean", None) is not None
            ):
                continue
            if isinstance(layer, layers.Discretization) and getattr(layer, "bin_boundaries", None):
                continue
            if hasattr(layer, "adapt"):
                names.append(key)
        return names

    def adapt(self, dataset):
        """Fit every preprocessing layer that learns from data (vocabularies, means, bins).

        Args:
            dataset: a dict of arrays, or an iterable (a ``Dataset``) of such dicts.
        """
        if isinstance(dataset, dict):
            columns = {key: _column(value) for key, value in dataset.items()}
        elif hasattr(dataset, "__iter__"):
            parts = {}
            for batch in dataset:
                if not isinstance(batch, dict):
                    raise ValueError(
                        "FeatureSpace.adapt: the dataset must give dicts of features (map away "
                        "the labels first: dataset.map(lambda x, y: x))"
                    )
                for key, value in batch.items():
                    parts.setdefault(key, []).append(_column(value))
            columns = {key: np.concatenate(value) for key, value in parts.items()}
        else:
            raise ValueError(
                f"FeatureSpace.adapt: expected a dict of arrays or a dataset of dicts, got "
                f"{type(dataset).__name__}"
            )
        for key in self._adaptable():
            if key not in columns:
                raise ValueError(f"FeatureSpace.adapt: the data has no feature {key!r}")
            self.preprocessors[key].adapt(columns[key])
        self._is_adapted = True
        self._build_encoders()

    def _check_adapted(self):
        if not self._is_adapted:
            if self._adaptable():
                raise ValueError("FeatureSpace: call adapt(dataset) before using the feature space")
            self._is_adapted = True
            self._build_encoders()

    def _cardinality(self, name, layer):
        if isinstance(layer, (layers.IntegerLookup, layers.StringLookup)):
            return layer.vocabulary_size()
        if isinstance(layer, layers.CategoryEncoding):
            return layer.num_tokens
        if isinstance(layer, (layers.Discretization, layers.Hashing, layers.HashedCrossing)):
            return layer.num_bins
        raise ValueError(
            f"FeatureSpace: feature {name!r} has output_mode='one_hot' but the size of its "
            f"preprocessor's output is unknown; use output_mode='int'"
        )

    def _build_encoders(self):
        specs = {**self.features, **{c.name: c for c in self.crosses}}
        for name, spec in specs.items():
            if spec.output_mode == "one_hot" and name not in self.one_hot_encoders:
                layer = self.preprocessors.get(name) or self.crossers[name]
                self.one_hot_encoders[name] = layers.CategoryEncoding(
                    num_tokens=self._cardinality(name, layer), output_mode="multi_hot"
                )
            if self.output_mode == "concat" and spec.output_mode == "int":
                raise ValueError(
                    f"FeatureSpace: feature {name!r} is not encoded (output_mode='int') and "
                    f"cannot be concatenated; use output_mode='dict'"
                )

    def _encode(self, columns):
        processed = {key: self.preprocessors[key](columns[key]) for key in self.features}
        crossed = {
            c.name: self.crossers[c.name]([processed[n] for n in c.feature_names])
            for c in self.crosses
        }
        names = sorted(processed) + sorted(crossed)
        merged = {**processed, **crossed}
        out = {}
        for name in names:
            value = merged[name]
            encoder = self.one_hot_encoders.get(name)
            out[name] = encoder(value) if encoder is not None else value
        if self.output_mode == "dict":
            return out
        parts = [out[name] for name in names]
        return parts[0] if len(parts) == 1 else layers.Concatenate(axis=-1)(parts)

    def get_inputs(self):
        """{name: keras.Input} for a model that takes the raw features."""
        self._check_adapted()
        if self.inputs is None:
            from glassnet.layers import Input

            self.inputs = {
                key: Input(shape=(1,), dtype=f.dtype, name=key) for key, f in self.features.items()
            }
        return self.inputs

    def get_encoded_features(self):
        """The encoded features of ``get_inputs()`` (symbolic), to build a model on."""
        if self.encoded_features is None:
            self.encoded_features = self._encode(self.get_inputs())
        return self.encoded_features

    def __call__(self, data):
        """Encode a dict of feature values (one sample or a batch)."""
        self._check_adapted()
        if not isinstance(data, dict):
            raise ValueError(
                f"FeatureSpace: call it with a dict of features, got {type(data).__name__}"
            )
        missing = [key for key in self.features if key not in data]
        if missing:
            raise ValueError(f"FeatureSpace: the data has no feature(s) {missing}")
        single = all(_array(data[key]).ndim == 0 for key in self.features)
        columns = {}
        for key, spec in self.features.items():
            column = _column(data[key])
            if spec.dtype == "float32":
                column = column.astype(np.float32)
            columns[key] = column
        out = self._encode(columns)
        if single:
            if self.output_mode == "dict":
                return {key: value[0] for key, value in out.items()}
            return out[0]
        return out
