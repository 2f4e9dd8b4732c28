"""Keras layers, built from ops (no gradient code of their own)."""

from glassnet.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from glassnet.layers.attention import AdditiveAttention, Attention, EinsumDense, MultiHeadAttention
from glassnet.layers.convolutional import (
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Convolution1D,
    Convolution2D,
    DepthwiseConv2D,
    SeparableConv2D,
)
from glassnet.layers.core import Activation, Dense, Dropout, Embedding, Masking
from glassnet.layers.layer import (
    InputSpec,
    Layer,
    call_arguments,
    in_training_mode,
    training_mode,
)
from glassnet.layers.merging import (
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    concatenate,
)
from glassnet.layers.normalization import BatchNormalization, LayerNormalization
from glassnet.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool1D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPool1D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
)
from glassnet.layers.recurrent import GRU, LSTM, SimpleRNN
from glassnet.layers.reshaping import (
    Cropping2D,
    Flatten,
    Permute,
    RepeatVector,
    Reshape,
    UpSampling2D,
    ZeroPadding2D,
)
from glassnet.layers.serialization import deserialize_layer, serialize_layer
from glassnet.layers.input_layer import Input, InputLayer
from glassnet.layers.wrappers import Bidirectional, TimeDistributed

# preprocessing and augmentation layers (issue 18)
from glassnet.layers.preprocessing import (  # noqa: E402
    AugMix,
    AutoContrast,
    CategoryEncoding,
    CenterCrop,
    ContrastLimitedAdaptiveHistogramEqualization,
    CutMix,
    Discretization,
    Equalization,
    HashedCrossing,
    Hashing,
    IntegerLookup,
    MaxNumBoundingBoxes,
    MelSpectrogram,
    MixUp,
    Normalization,
    Pipeline,
    RandAugment,
    RandomBrightness,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomContrast,
    RandomCrop,
    RandomElasticTransform,
    RandomErasing,
    RandomFlip,
    RandomGaussianBlur,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomPerspective,
    RandomPosterization,
    RandomRotation,
    RandomSaturation,
    RandomSharpness,
    RandomShear,
    RandomTranslation,
    RandomZoom,
    Rescaling,
    Resizing,
    STFTSpectrogram,
    Solarization,
    StringLookup,
    TextVectorization,
)
