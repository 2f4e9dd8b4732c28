"""Data-parallel training over MPI processes, in the shape of ``keras.distribution``.

    import glassnet as keras
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    model.fit(x, y, batch_size=256)        # run with: mpiexec -n 4 python train.py

Every process holds the whole model. ``batch_size`` stays the global batch: each process takes its
share of every batch, the gradients are averaged with one Allreduce on a contiguous float32 buffer,
and every process applies the same update, so the weights stay identical everywhere. Needs
``pip install "glassnet[mpi]"`` (mpi4py and an MPI from pip).
"""

from glassnet.distribution.data_parallel import (
    DataParallel,
    distribution,
    is_chief,
    set_distribution,
)
from glassnet.distribution.devices import get_device_count, initialize, list_devices

__all__ = [
    "DataParallel",
    "set_distribution",
    "distribution",
    "is_chief",
    "list_devices",
    "get_device_count",
    "initialize",
]
