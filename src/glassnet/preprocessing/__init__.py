"""``keras.preprocessing``: the folder loaders and the image and sequence helpers under their
Keras names (the same functions as in ``glassnet.utils``).

Example:

>>> import glassnet as keras
>>> keras.preprocessing.image.smart_resize is keras.utils.smart_resize
True
"""

from glassnet.preprocessing import image, sequence, text
from glassnet.utils.image_dataset_utils import image_dataset_from_directory
from glassnet.utils.text_dataset_utils import text_dataset_from_directory
from glassnet.utils.timeseries_dataset_utils import timeseries_dataset_from_array

__all__ = [
    "image",
    "sequence",
    "text",
    "image_dataset_from_directory",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]
