"""Helpers with Keras's names."""

from glassnet.utils.data_utils import normalize, pad_sequences, to_categorical
from glassnet.backend.naming import clear_session
from glassnet.utils.random import set_random_seed

__all__ = ["set_random_seed", "to_categorical", "normalize", "pad_sequences", "clear_session"]

# -- data utilities (issue 19: datasets, loaders, image helpers) ----------------------------
from glassnet.models.data_adapters import PyDataset, Sequence  # noqa: E402
from glassnet.models.trainer import pack_x_y_sample_weight, unpack_x_y_sample_weight  # noqa: E402

__all__ += ["PyDataset", "Sequence", "pack_x_y_sample_weight", "unpack_x_y_sample_weight"]
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
