"""The textbook networks without autograd, written to be read: a perceptron and a multi-layer
network."""

from glassnet.scratch.network import NeuralNetwork
from glassnet.scratch.perceptron import Perceptron

__all__ = ["Perceptron", "NeuralNetwork"]
