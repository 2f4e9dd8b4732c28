"""The devices glassnet computes on, as ``keras.distribution`` names them: one CPU per process.

glassnet computes with NumPy on the CPU; a program started with ``mpiexec -n P`` has P processes,
and ``DataParallel`` spreads each batch over them. ``list_devices`` reports one CPU per process so
Keras code that sizes its mesh from it (``DataParallel(devices=list_devices())``) works as written.

Example:

>>> from glassnet import distribution
>>> distribution.list_devices("gpu")
[]
>>> distribution.get_device_count("cpu") >= 1
True
"""

import os

from glassnet.distribution.data_parallel import launched_under_mpi

_CPU_NAMES = (None, "cpu", "CPU")


def _process_count():
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "PMIX_SIZE"):
        value = os.environ.get(name)
        if value and value.isdigit() and int(value) > 1:
            return int(value)
    return 1


def list_devices(device_type=None):
    """The devices of ``device_type`` ("cpu", "gpu", "tpu"; None: all) as "cpu:i" strings.

    Args:
        device_type: the kind asked for; glassnet has only CPUs, so "gpu" and "tpu" give [].

    Returns:
        one "cpu:i" per process of the MPI job (one without MPI).

    Example:

    >>> list_devices("tpu")
    []
    >>> list_devices("cpu")[0]
    'cpu:0'
    """
    if device_type not in _CPU_NAMES and str(device_type).lower() not in ("gpu", "tpu", "cpu"):
        raise ValueError(
            f"list_devices: device_type must be 'cpu', 'gpu', 'tpu' or None, got {device_type!r}"
        )
    if device_type not in _CPU_NAMES and str(device_type).lower() != "cpu":
        return []
    return [f"cpu:{i}" for i in range(_process_count())]


def get_device_count(device_type=None):
    """How many devices ``list_devices(device_type)`` lists.

    Args:
        device_type: "cpu", "gpu", "tpu", or None for all kinds.

    Example:

    >>> get_device_count("gpu")
    0
    """
    return len(list_devices(device_type))


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Start the multi-process runtime, as Keras's ``initialize`` does for JAX: here MPI.

    A program launched with ``mpiexec -n P`` has its processes already; this checks that
    ``num_processes`` and ``process_id``, when given, agree with MPI's, and starts MPI (mpi4py)
    so ``DataParallel()`` can be made. Without mpiexec, asking for more than one process is an
    error that says how to launch.

    Args:
        job_addresses: accepted for Keras compatibility (MPI knows the addresses).
        num_processes: the expected number of processes, or None.
        process_id: the expected rank of this process, or None.

    Example (outside mpiexec):

    >>> initialize()
    >>> initialize(num_processes=4)
    Traceback (most recent call last):
    ...
    ValueError: distribution.initialize: num_processes=4, process_id=None needs an MPI job; ...
    """
    if not launched_under_mpi():
        if num_processes not in (None, 1) or process_id not in (None, 0):
            raise ValueError(
                f"distribution.initialize: num_processes={num_processes}, "
                f"process_id={process_id} needs an MPI job; start the script with "
                f"mpiexec -n {num_processes or 2} python script.py"
            )
        return
    from mpi4py import MPI  # the optional extra glassnet[mpi]

    size, rank = MPI.COMM_WORLD.Get_size(), MPI.COMM_WORLD.Get_rank()
    if num_processes is not None and int(num_processes) != size:
        raise ValueError(
            f"distribution.initialize: num_processes={num_processes}, but mpiexec started {size}"
        )
    if process_id is not None and int(process_id) != rank:
        raise ValueError(
            f"distribution.initialize: process_id={process_id}, but this process is rank {rank}"
        )
