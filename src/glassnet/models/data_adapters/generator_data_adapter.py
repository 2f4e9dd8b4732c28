"""Python generators and other iterables of batches.

A generator can be read once: an epoch continues where the last one stopped, so with an endless
generator pass ``steps_per_epoch``. An iterable that makes a new iterator on each ``iter()``
(a list of batches, a ``keras.utils`` dataset object, a grain IterDataset) starts over every
epoch. Shuffling is the source's business: ``shuffle=True`` is ignored with a warning, as in
Keras.

Example:

>>> import numpy as np
>>> from glassnet.models.data_adapters.generator_data_adapter import GeneratorDataAdapter
>>> batches = [(np.zeros((2, 3)), np.zeros(2)), (np.ones((1, 3)), np.ones(1))]
>>> adapter = GeneratorDataAdapter(batches)
>>> adapter.num_batches, [len(x) for x, y, w in adapter.stream()]
(2, [2, 1])
"""

import types

from glassnet.models import data as data_utils
from glassnet.models.data_adapters.data_adapter import DataAdapter, standardize_batch


class GeneratorDataAdapter(DataAdapter):
    """Batches from a generator or an iterable.

    Args:
        source: a generator, or any object with ``__iter__`` giving batches x, (x, y) or
            (x, y, sample_weight).
        class_weight: a table from ``data.class_weight_table`` (or None).
        where: the calling method, for messages.

    Example:

    >>> import numpy as np
    >>> adapter = GeneratorDataAdapter([(np.zeros((2, 3)), np.zeros(2))] * 2)
    >>> adapter.num_batches, [x.shape for x, y, weight in adapter.stream()]
    (2, [(2, 3), (2, 3)])
    """

    def __init__(self, source, class_weight=None, where="fit()"):
        self.source, self.class_weight, self.where = source, class_weight, where
        self.one_shot = isinstance(source, types.GeneratorType) or hasattr(source, "__next__")
        self._iterator = None
        try:
            self.num_batches = None if self.one_shot else int(len(source))
        except (TypeError, ValueError, NotImplementedError):
            self.num_batches = None

    def stream(self):
        if self.one_shot:
            if self._iterator is None:
                self._iterator = iter(self.source)
            iterator = self._iterator
        else:
            iterator = iter(self.source)
        name = type(self.source).__name__
        for batch in iterator:
            yield _with_class_weight(
                standardize_batch(batch, self.where, f"the {name}"), self.class_weight, self.where
            )


def _with_class_weight(data, class_weight, where):
    if class_weight is None:
        return data

    x, y, weight = data
    if y is None:
        raise ValueError(f"{where}: class_weight needs targets, but the batches hold only x")
    labels = y if not isinstance(y, (list, dict)) else data_utils.flatten(y)[0]
    class_weights = data_utils.class_weights_to_sample_weights(labels, class_weight, where)
    return x, y, class_weights if weight is None else weight * class_weights
