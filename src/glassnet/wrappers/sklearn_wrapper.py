"""scikit-learn estimators that train a glassnet model: usable in ``Pipeline``,
``GridSearchCV``, ``cross_val_score`` and cloned by ``sklearn.base.clone``.

Each wrapper takes Keras 3's arguments: ``model`` is a compiled model (cloned with
``glassnet.models.clone_model`` before each fit, so every fit starts afresh) or a function
``model(X=..., y=..., **model_kwargs)`` that builds and compiles one for the data it is given;
``fit_kwargs`` go to ``model.fit``. The classifier one-hot encodes the labels (any labels:
numbers or strings) so the model should end in ``n_classes`` softmax units; ``classes_`` lists
the labels and ``predict`` returns them.

Example:

>>> import numpy as np
>>> import glassnet as keras
>>> from glassnet.wrappers import SKLearnRegressor
>>> def build(X, y, units=4):
...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(units),
...                               keras.layers.Dense(1)])
...     model.compile(optimizer="adam", loss="mse")
...     return model
>>> X = np.random.default_rng(0).normal(size=(20, 3)).astype("float32")
>>> regressor = SKLearnRegressor(build, model_kwargs={"units": 8}, fit_kwargs={"verbose": 0})
>>> regressor.fit(X, X.sum(axis=1)).predict(X[:2]).shape
(2,)
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from glassnet.backend import set_seed
from glassnet.models import Model, clone_model

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _validate_data
except ImportError:  # older: the estimator's own method

    def _validate_data(estimator, X="no_validation", y="no_validation", **kwargs):
        return estimator._validate_data(X, y, **kwargs)


def _check_compiled(model, where):
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise RuntimeError(
            f"{where}: the model must be compiled with a loss and an optimizer (call "
            "model.compile(...) in the function that builds it)"
        )


class SKLBase(BaseEstimator):
    """What the three wrappers share: building the model, fitting it, predicting with it.

    Args:
        model: a compiled glassnet Model, or a callable ``model(X=X, y=y, **model_kwargs)``
            returning one.
        warm_start: keep training the model of the previous fit instead of starting afresh.
        model_kwargs: keyword arguments for ``model`` when it is a callable.
        fit_kwargs: keyword arguments for ``model.fit`` (those given to ``fit`` win).
        random_state: glassnet's addition: an int seeds glassnet's generator at the start of
            every fit (weights, dropout, shuffling), so that refits give the same model;
            scikit-learn's checks and searches set it to compare fits.

    Attributes:
        model_: the fitted model.
        history_: ``model.fit``'s History of the last fit (its ``history`` dict).
        n_features_in_: the number of features seen in fit.

    Example (through a subclass):

    >>> import numpy as np
    >>> import glassnet as keras
    >>> def build(X, y):
    ...     model = keras.Sequential([keras.Input((X.shape[1],)), keras.layers.Dense(1)])
    ...     model.compile("sgd", "mse")
    ...     return model
    >>> regressor = SKLearnRegressor(build, fit_kwargs={"epochs": 2, "verbose": 0}, random_state=0)
    >>> isinstance(regressor, SKLBase)
    True
    >>> X, y = np.ones((6, 3), "float32"), np.arange(6.0)
    >>> regressor.fit(X, y).predict(X).shape, regressor.epoch_, regressor.n_features_in_
    ((6,), 2, 3)
    """

    def __init__(
        self, model, warm_start=False, model_kwargs=None, fit_kwargs=None, random_state=None
    ):
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # fresh random weights at every fit, unless random_state seeds them
        tags.non_deterministic = self.random_state is None
        return tags

    @property
    def epoch_(self):
        """The number of epochs the last fit ran."""
        return len(getattr(self, "history_", {}).get("loss", []))

    def _new_model(self, X, y):
        if self.warm_start and hasattr(self, "model_"):
            return self.model_
        if isinstance(self.model, Model):
            _check_compiled(self.model, type(self).__name__)
            return clone_model(self.model)
        if not callable(self.model):
            raise TypeError(
                f"{type(self).__name__}: model must be a compiled Model or a function "
                f"model(X, y, **model_kwargs) returning one, got {type(self.model).__name__}"
            )
        return self.model(X=X, y=y, **(self.model_kwargs or {}))

    def _fit_target(self, y):
        self._target_ndim = np.ndim(y)
        return np.asarray(y, dtype="float32").reshape(len(y), -1)

    def _output(self, raw):
        if getattr(self, "_target_ndim", 2) == 1 and raw.ndim == 2 and raw.shape[1] == 1:
            return raw[:, 0]
        return raw

    def fit(self, X, y, **kwargs):
        """Build (or clone) the model for this data and train it.

        Args:
            X: (n_samples, n_features) array-like.
            y: (n_samples,) or (n_samples, n_outputs) targets.
            **kwargs: for ``model.fit`` (epochs, batch_size, callbacks...).

        Returns:
            self.
        """
        X, y = _validate_data(self, X, y, multi_output=True, dtype="float32")
        if self.random_state is not None:
            set_seed(int(self.random_state))
        target = self._fit_target(y)
        model = self._new_model(X, target)
        _check_compiled(model, type(self).__name__)
        fit_kwargs = {"verbose": 0, **(self.fit_kwargs or {}), **kwargs}
        self.history_ = model.fit(X, target, **fit_kwargs).history
        self.model_ = model
        return self

    def _raw_predict(self, X):
        check_is_fitted(self, "model_")
        X = _validate_data(self, X, reset=False, dtype="float32")
        return np.asarray(self.model_.predict(X, verbose=0))

    def predict(self, X):
        """The model's predictions for ``X``, in the shape of the targets fit saw (float64, as
        scikit-learn expects of regressors)."""
        return self._output(self._raw_predict(X)).astype(np.float64)


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """A scikit-learn classifier that trains a glassnet model on one-hot labels.

    Binary and multiclass targets, labels of any type (ints, strings); the model should end in
    one softmax unit per class (``len(np.unique(y))``), with a categorical cross-entropy loss.

    Args:
        model, warm_start, model_kwargs, fit_kwargs: as in ``SKLBase``.

    Attributes:
        classes_: the labels, sorted.
        model_, history_, n_features_in_: as in ``SKLBase``.

    Example:

    >>> import numpy as np
    >>> import glassnet as keras
    >>> from glassnet.wrappers import SKLearnClassifier
    >>> def build(X, y):
    ...     model = keras.Sequential([keras.Input((X.shape[1],)),
    ...                               keras.layers.Dense(y.shape[1], activation="softmax")])
    ...     model.compile(optimizer="adam", loss="categorical_crossentropy")
    ...     return model
    >>> X = np.array([[0.0], [0.1], [0.9], [1.0]])
    >>> labels = np.array(["cold", "cold", "hot", "hot"])
    >>> classifier = SKLearnClassifier(build, fit_kwargs={"epochs": 1}).fit(X, labels)
    >>> classifier.classes_.tolist(), classifier.predict_proba(X).shape
    (['cold', 'hot'], (4, 2))
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True  # a few epochs of a small net, by default
        return tags

    def _fit_target(self, y):
        kind = type_of_target(y, input_name="y")
        if kind == "unknown":
            raise ValueError(f"{type(self).__name__}: Unknown label type: {y[:5]!r}...")
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)  # a column of labels, flattened with a warning
            kind = type_of_target(y, input_name="y")
        if kind not in ("binary", "multiclass"):
            raise ValueError(
                f"{type(self).__name__}: only binary and multiclass targets are supported, "
                f"got a {kind} target"
            )
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__}: the classifier needs at least 2 classes, got only "
                f"1 class ({self.classes_.tolist()})"
            )
        self._encoder = OneHotEncoder(categories=[self.classes_], sparse_output=False)
        return self._encoder.fit_transform(y.reshape(-1, 1)).astype("float32")

    def decision_function(self, X):
        """Scores for ``X``: the model's raw outputs, (n_samples, n_classes); for two classes,
        as scikit-learn defines it, one score per sample, positive for ``classes_[1]``
        (``predict_proba(X)[:, 1] - 0.5``)."""
        check_is_fitted(self, "model_")
        if len(self.classes_) == 2:
            return self.predict_proba(X)[:, 1] - 0.5
        return self._raw_predict(X)

    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes) in the order of ``classes_``: the
        model's outputs, made non-negative and each row scaled to sum to 1."""
        raw = np.clip(self._raw_predict(X).astype(np.float64), 0, None)
        totals = raw.sum(axis=1, keepdims=True)
        uniform = np.full_like(raw, 1.0 / raw.shape[1])
        return np.where(totals > 0, raw / np.where(totals > 0, totals, 1), uniform)

    def predict(self, X):
        """The most likely label of each sample."""
        raw = self._raw_predict(X)
        return self.classes_[np.argmax(raw, axis=1)]


class SKLearnRegressor(RegressorMixin, SKLBase):
    """A scikit-learn regressor that trains a glassnet model; one or several outputs.

    Args:
        model, warm_start, model_kwargs, fit_kwargs: as in ``SKLBase``.

    Example:

    >>> from glassnet.wrappers import SKLearnRegressor
    >>> SKLearnRegressor(model=None, fit_kwargs={"epochs": 3}).get_params()["fit_kwargs"]
    {'epochs': 3}
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True
        tags.target_tags.multi_output = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """A scikit-learn transformer whose ``transform`` is the model's output (an embedding, a
    projection...). Without ``y``, fit trains the model to reproduce ``X`` (an autoencoder).

    Args:
        model, warm_start, model_kwargs, fit_kwargs: as in ``SKLBase``.

    Example:

    >>> from glassnet.wrappers import SKLearnTransformer
    >>> SKLearnTransformer(model=None).get_params()["warm_start"]
    False
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags

    def fit(self, X, y=None, **kwargs):
        """Train the model on (X, y), or on (X, X) when ``y`` is None."""
        if y is None:
            X = _validate_data(self, X, dtype="float32")
            y = X
        return super().fit(X, y, **kwargs)

    def transform(self, X):
        """The model's output for ``X``: (n_samples, n_outputs)."""
        return self._raw_predict(X)
