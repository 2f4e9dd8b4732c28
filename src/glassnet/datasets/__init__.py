"""Datasets with Keras's signatures: ``mnist.load_data()``, ``fashion_mnist.load_data()``; small
embedded ones need no network: ``load_digits()``, ``load_breast_cancer()``, ``load_2d('moons')``."""

from glassnet.datasets import fashion_mnist, mnist
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
    "DatasetError",
    "load_digits",
    "load_breast_cancer",
    "load_2d",
    "make_2d",
    "make_spirals",
    "make_xor",
    "TWO_D",
]
