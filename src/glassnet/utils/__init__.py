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
