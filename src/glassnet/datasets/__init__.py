"""Datasets with Keras's signatures: ``fashion_mnist.load_data()``."""
from glassnet.datasets import fashion_mnist
from glassnet.datasets.idx import DatasetError

__all__ = ["fashion_mnist", "DatasetError"]
