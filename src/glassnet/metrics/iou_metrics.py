"""Intersection-over-union metrics for segmentation, from a streamed confusion matrix.

For class c, IoU = TP / (TP + FP + FN): the overlap of the predicted and the true regions
over their union. The confusion matrix (true class x predicted class) is summed over batches.
"""

import numpy as np

from glassnet.backend import epsilon
from glassnet.metrics.metric import Metric, to_array


class _IoUBase(Metric):
    """The (num_classes, num_classes) confusion matrix, rows the true classes."""

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(name=name, dtype=dtype)
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            shape=(num_classes, num_classes),
            initializer="zeros",
            dtype="float64",
            name="total_confusion_matrix",
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = to_array(y_true), to_array(y_pred)
        if not self.sparse_y_true:
            y_true = np.argmax(y_true, axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = np.argmax(y_pred, axis=self.axis)
        y_true = y_true.astype(np.int64).reshape(-1)
        y_pred = y_pred.astype(np.int64).reshape(-1)
        weight = np.ones(y_true.shape) if sample_weight is None else to_array(sample_weight)
        weight = np.broadcast_to(np.asarray(weight, np.float64).reshape(-1), y_true.shape)
        # entries with a class outside [0, num_classes) or the ignored class do not count
        valid = (y_true >= 0) & (y_true < self.num_classes)
        valid &= (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            valid &= y_true != self.ignore_class
        matrix = np.zeros((self.num_classes, self.num_classes))
        np.add.at(matrix, (y_true[valid], y_pred[valid]), weight[valid])
        self.total_cm.assign_add(matrix)


class IoU(_IoUBase):
    """Mean IoU over the classes ``target_class_ids`` (those that occurred; a class never seen
    nor predicted is left out of the mean).

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoUs are averaged.
        name: the metric's name.
        dtype: the metric's dtype.
        ignore_class: a label value left out (e.g. a "void" class).
        sparse_y_true: labels are class ids (else one-hot along ``axis``).
        sparse_y_pred: predictions are class ids (else scores along ``axis``).
        axis: the class axis of one-hot labels or scores.

    Example:

    >>> from glassnet import metrics
    >>> iou = metrics.IoU(num_classes=2, target_class_ids=[0])
    >>> round(iou([0, 0, 1, 1], [0, 1, 0, 1]), 4)  # class 0: 1 / (2 + 2 - 1)
    0.3333
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"{type(self).__name__}: target class id {max(target_class_ids)} is outside "
                f"[0, {num_classes})"
            )
        self.target_class_ids = list(target_class_ids)

    def result(self):
        matrix = self.total_cm.data
        true_positives = np.diag(matrix)
        union = matrix.sum(axis=0) + matrix.sum(axis=1) - true_positives
        true_positives = true_positives[self.target_class_ids]
        union = union[self.target_class_ids]
        present = union > 1e-9
        iou = np.where(present, true_positives / (union + epsilon()), 0.0)
        return float(np.sum(iou) / (np.sum(present) + epsilon()))

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU of binary masks: predictions >= ``threshold`` are class 1, the rest class 0.

    Args:
        target_class_ids: which of the classes 0 and 1 are averaged.
        threshold: the probability from which a prediction is class 1.
        name: the metric's name.
        dtype: the metric's dtype.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.BinaryIoU(target_class_ids=[1])([0, 1, 1], [0.2, 0.6, 0.4]), 4)
    0.5
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        predicted = (to_array(y_pred) >= self.threshold).astype(np.int64)
        super().update_state(y_true, predicted, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """IoU averaged over all ``num_classes`` classes (those that occurred).

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the metric's dtype.
        ignore_class: a label value left out.
        sparse_y_true: labels are class ids (else one-hot along ``axis``).
        sparse_y_pred: predictions are class ids (else scores along ``axis``).
        axis: the class axis of one-hot labels or scores.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.MeanIoU(num_classes=2)([0, 0, 1, 1], [0, 1, 0, 1]), 4)
    0.3333
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_true=True,
        sparse_y_pred=True,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            list(range(num_classes)),
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=sparse_y_true,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class OneHotIoU(IoU):
    """IoU for one-hot labels and per-class scores (the largest score is the prediction).

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes whose IoUs are averaged.
        name: the metric's name.
        dtype: the metric's dtype.
        ignore_class: a class id left out.
        sparse_y_pred: predictions are class ids rather than scores.
        axis: the class axis.

    Example:

    >>> from glassnet import metrics
    >>> iou = metrics.OneHotIoU(num_classes=2, target_class_ids=[1])
    >>> round(iou([[1, 0], [0, 1]], [[0.8, 0.2], [0.6, 0.4]]), 4)  # class 1: 0 / 1
    0.0
    """

    def __init__(
        self,
        num_classes,
        target_class_ids,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            target_class_ids,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """MeanIoU for one-hot labels and per-class scores.

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the metric's dtype.
        ignore_class: a class id left out.
        sparse_y_pred: predictions are class ids rather than scores.
        axis: the class axis.

    Example:

    >>> from glassnet import metrics
    >>> round(metrics.OneHotMeanIoU(num_classes=2)([[1, 0], [0, 1]], [[0.8, 0.2], [0.6, 0.4]]), 4)
    0.25
    """

    def __init__(
        self,
        num_classes,
        name=None,
        dtype=None,
        ignore_class=None,
        sparse_y_pred=False,
        axis=-1,
    ):
        super().__init__(
            num_classes,
            name=name,
            dtype=dtype,
            ignore_class=ignore_class,
            sparse_y_true=False,
            sparse_y_pred=sparse_y_pred,
            axis=axis,
        )

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
