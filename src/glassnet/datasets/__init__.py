"""Datasets with Keras's signatures: ``mnist``, ``fashion_mnist``, ``cifar10``, ``cifar100``,
``imdb``, ``reuters``, ``boston_housing``, ``california_housing`` (``load_data()``); small
embedded ones need no network: ``load_digits()``, ``load_breast_cancer()``, ``load_2d('moons')``."""

from glassnet.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
from glassnet.datasets.idx import DatasetError
from glassnet.datasets.toy import (
    TWO_D,
    load_2d,
    load_breast_cancer,
    load_digits,
    make_2d,
    make_spirals,
    make_xor,
)

__all__ = [
    "mnist",
    "fashion_mnist",
    "cifar10",
    "cifar100",
    "imdb",
    "reuters",
    "boston_housing",
    "california_housing",
    "DatasetError",
    "load_digits",
    "load_breast_cancer",
    "load_2d",
    "make_2d",
    "make_spirals",
    "make_xor",
    "TWO_D",
]
