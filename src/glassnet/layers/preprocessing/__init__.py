"""Preprocessing layers: numbers (Normalization, Discretization, Rescaling, CategoryEncoding),
strings and vocabularies (Hashing, HashedCrossing, StringLookup, IntegerLookup,
TextVectorization), audio (MelSpectrogram, STFTSpectrogram), Pipeline, and the image layers of
``image_preprocessing``."""

from glassnet.layers.preprocessing.category_encoding import CategoryEncoding
from glassnet.layers.preprocessing.discretization import Discretization
from glassnet.layers.preprocessing.hashed_crossing import HashedCrossing
from glassnet.layers.preprocessing.hashing import Hashing
from glassnet.layers.preprocessing.image_preprocessing import *  # noqa: F403
from glassnet.layers.preprocessing.image_preprocessing import __all__ as _image_layers
from glassnet.layers.preprocessing.integer_lookup import IntegerLookup
from glassnet.layers.preprocessing.mel_spectrogram import MelSpectrogram
from glassnet.layers.preprocessing.normalization import Normalization
from glassnet.layers.preprocessing.pipeline import Pipeline
from glassnet.layers.preprocessing.rescaling import Rescaling
from glassnet.layers.preprocessing.stft_spectrogram import STFTSpectrogram
from glassnet.layers.preprocessing.string_lookup import StringLookup
from glassnet.layers.preprocessing.text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "Discretization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "MelSpectrogram",
    "Normalization",
    "Pipeline",
    "Rescaling",
    "STFTSpectrogram",
    "StringLookup",
    "TextVectorization",
    *_image_layers,
]
