"""Keras layers, built from ops (no gradient code of their own)."""
from glassnet.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from glassnet.layers.core import Activation, Dense, Dropout, Embedding
from glassnet.layers.layer import InputSpec, Layer
from glassnet.layers.merging import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add, concatenate
from glassnet.layers.normalization import BatchNormalization, LayerNormalization
from glassnet.layers.reshaping import Flatten, Permute, RepeatVector, Reshape
from glassnet.layers.symbolic import Input, InputLayer, OpLayer
from glassnet.layers.serialization import deserialize_layer, serialize_layer
