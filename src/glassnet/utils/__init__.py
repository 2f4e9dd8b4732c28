"""Helpers with Keras's names."""

from glassnet.backend.naming import clear_session
from glassnet.utils.data_utils import normalize, pad_sequences, to_categorical
from glassnet.utils.random import set_random_seed

__all__ = ["set_random_seed", "to_categorical", "normalize", "pad_sequences", "clear_session"]

# -- data utilities (issue 19: datasets, loaders, image helpers) ----------------------------
from glassnet.models.data_adapters import PyDataset, Sequence  # noqa: E402
from glassnet.utils.audio_dataset_utils import audio_dataset_from_directory  # noqa: E402
from glassnet.utils.dataset import Dataset  # noqa: E402
from glassnet.utils.dataset_utils import split_dataset  # noqa: E402
from glassnet.utils.feature_space import FeatureSpace  # noqa: E402
from glassnet.utils.file_utils import get_file  # noqa: E402
from glassnet.utils.image_dataset_utils import image_dataset_from_directory  # noqa: E402
from glassnet.utils.image_utils import (  # noqa: E402
    array_to_img,
    img_to_array,
    load_img,
    save_img,
    smart_resize,
)
from glassnet.utils.text_dataset_utils import text_dataset_from_directory  # noqa: E402
from glassnet.utils.timeseries_dataset_utils import timeseries_dataset_from_array  # noqa: E402

__all__ += [
    "PyDataset",
    "Sequence",
    "pack_x_y_sample_weight",  # imported in the block below
    "unpack_x_y_sample_weight",
    "Dataset",
    "FeatureSpace",
    "audio_dataset_from_directory",
    "image_dataset_from_directory",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
    "split_dataset",
    "get_file",
    "load_img",
    "img_to_array",
    "array_to_img",
    "save_img",
    "smart_resize",
]
# -- end of data utilities -----------------------------------------------------------------

# -- model and serialization utilities (issue 20: registry, Progbar, plot_model...) ---------
from glassnet.callbacks.progbar import Progbar  # noqa: E402
from glassnet.config import (  # noqa: E402
    disable_interactive_logging,
    enable_interactive_logging,
    is_interactive_logging_enabled,
)
from glassnet.models.trainer import (  # noqa: E402, F811
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)
from glassnet.plot.model import model_to_dot, plot_model  # noqa: E402
from glassnet.saving import (  # noqa: E402
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from glassnet.utils.config import Config  # noqa: E402
from glassnet.utils.dtype_utils import standardize_dtype  # noqa: E402
from glassnet.utils.graph_utils import get_source_inputs, is_keras_tensor  # noqa: E402

__all__ += [
    "Config",
    "CustomObjectScope",
    "Progbar",
    "custom_object_scope",
    "deserialize_keras_object",
    "disable_interactive_logging",
    "enable_interactive_logging",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "get_source_inputs",
    "is_interactive_logging_enabled",
    "is_keras_tensor",
    "model_to_dot",
    "plot_model",
    "register_keras_serializable",
    "serialize_keras_object",
    "standardize_dtype",
]
__all__ += [n for n in ("pack_x_y_sample_weight", "unpack_x_y_sample_weight") if n not in __all__]
# -- end of model and serialization utilities -----------------------------------------------
