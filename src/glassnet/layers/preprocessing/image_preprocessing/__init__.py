"""Image preprocessing and augmentation layers (Keras's ``keras.layers`` image family)."""

from glassnet.layers.preprocessing.image_preprocessing.affine_layers import (
    RandomRotation,
    RandomShear,
    RandomTranslation,
    RandomZoom,
)
from glassnet.layers.preprocessing.image_preprocessing.base import BaseImagePreprocessingLayer
from glassnet.layers.preprocessing.image_preprocessing.clahe import (
    ContrastLimitedAdaptiveHistogramEqualization,
)
from glassnet.layers.preprocessing.image_preprocessing.color import (
    RandomBrightness,
    RandomColorDegeneration,
    RandomColorJitter,
    RandomContrast,
    RandomGrayscale,
    RandomHue,
    RandomInvert,
    RandomSaturation,
)
from glassnet.layers.preprocessing.image_preprocessing.max_num_bounding_boxes import (
    MaxNumBoundingBoxes,
)
from glassnet.layers.preprocessing.image_preprocessing.mixing import CutMix, MixUp
from glassnet.layers.preprocessing.image_preprocessing.pixel_ops import (
    AutoContrast,
    Equalization,
    RandomErasing,
    RandomGaussianBlur,
    RandomPosterization,
    RandomSharpness,
    Solarization,
)
from glassnet.layers.preprocessing.image_preprocessing.policies import AugMix, RandAugment
from glassnet.layers.preprocessing.image_preprocessing.random_crop import RandomCrop
from glassnet.layers.preprocessing.image_preprocessing.random_elastic_transform import (
    RandomElasticTransform,
)
from glassnet.layers.preprocessing.image_preprocessing.random_flip import RandomFlip
from glassnet.layers.preprocessing.image_preprocessing.random_perspective import RandomPerspective
from glassnet.layers.preprocessing.image_preprocessing.resizing import CenterCrop, Resizing

__all__ = [
    "AugMix",
    "AutoContrast",
    "BaseImagePreprocessingLayer",
    "CenterCrop",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "CutMix",
    "Equalization",
    "MaxNumBoundingBoxes",
    "MixUp",
    "RandAugment",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomCrop",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomFlip",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPerspective",
    "RandomPosterization",
    "RandomRotation",
    "RandomSaturation",
    "RandomSharpness",
    "RandomShear",
    "RandomTranslation",
    "RandomZoom",
    "Resizing",
    "Solarization",
]
