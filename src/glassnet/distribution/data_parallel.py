"""DataParallel: the communication a training step needs, over MPI (mpi4py)."""

import os
import sys
import time

import numpy as np

_current = None


def set_distribution(value):
    """Make ``value`` (a DataParallel, or None for one process) the distribution that fit,
    evaluate and predict use.

    Args:
        value: a ``DataParallel``, or None to go back to one process.

    Example:

    >>> set_distribution(None)
    >>> distribution() is None
    True
    """
    global _current
    _current = value


def distribution():
    """The distribution set by ``set_distribution``: a ``DataParallel``, or None for one process.

    Example:

    >>> distribution() is None
    True
    """
    return _current


def is_chief():
    """True in the process that prints and writes files (rank 0, or the only process).

    Example:

    >>> is_chief()  # no distribution set: the only process
    True
    """
    return _current is None or _current.rank == 0


def launched_under_mpi():
    """True when this process was started by mpiexec with more than one process.

    It reads the process-count variables that MPI launchers set (PMI_SIZE,
    OMPI_COMM_WORLD_SIZE, MPI_LOCALNRANKS, PMIX_SIZE).

    Example:

    >>> launched_under_mpi()  # a plain ``python`` process
    False
    """
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "PMIX_SIZE"):
        if int(os.environ.get(name, "1") or 1) > 1:
            return True
    return False


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError:
        raise ImportError(
            'glassnet.distribution.DataParallel needs MPI for Python: pip install "glassnet[mpi]" '
            "(mpi4py with an MPI library from pip), then start the script with "
            "mpiexec -n 4 python train.py"
        ) from None
    return MPI


class DataParallel:
    """Data parallelism over all processes of ``MPI.COMM_WORLD`` (or the given communicator).

    BatchNormalization statistics stay per process by default (each normalises its own share
    of the batch, as in Keras); synchronized_batchnorm=True, or
    BatchNormalization(synchronized=True), makes them the statistics of the global batch (two
    small Allreduces per layer and step).

    Args:
        devices: accepted for Keras compatibility and not used: the processes of the
            communicator are the devices.
        communicator: an mpi4py communicator; None means ``MPI.COMM_WORLD``.
        synchronized_batchnorm: whether every BatchNormalization uses the global batch's
            statistics.

    Needs mpi4py (``pip install "glassnet[mpi]"``) and a launch with ``mpiexec -n P``; so no
    runnable example here.
    """

    def __init__(self, devices=None, communicator=None, synchronized_batchnorm=False):
        MPI = _mpi()
        self.MPI = MPI
        self.comm = communicator or MPI.COMM_WORLD
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        self.synchronized_batchnorm = synchronized_batchnorm
        self.allreduce_seconds = 0.0
        self.allreduce_calls = 0
        if self.size > 1:
            self._abort_on_uncaught_errors()

    def _abort_on_uncaught_errors(self):
        """An exception that ends one process must end the job: the others would wait in a
        collective forever."""
        previous = sys.excepthook

        def hook(kind, value, traceback):
            previous(kind, value, traceback)
            sys.stderr.write(
                f"glassnet: process {self.rank} of {self.size} stopped by the error above; "
                "stopping all processes\n"
            )
            sys.stderr.flush()
            self.comm.Abort(1)

        sys.excepthook = hook

    def __repr__(self):
        return f"<DataParallel rank {self.rank} of {self.size}>"

    # -- sharding ---------------------------------------------------------------------------
    def shard(self, index):
        """This process's contiguous share of a global batch's rows (an index array or a slice).

        A slice gives a slice, so a memory-mapped array is read as one contiguous range; the
        shares have the sizes ``np.array_split`` gives (the first ones one row larger), and a
        batch smaller than the number of processes leaves the last processes none.
        """
        if isinstance(index, slice):
            start, stop = index.start or 0, index.stop
            bounds = self._split_bounds(stop - start)
            return slice(start + bounds[0], start + bounds[1])
        first, last = self._split_bounds(len(index))
        return index[first:last]

    def _split_bounds(self, n):
        base, extra = divmod(int(n), self.size)
        first = self.rank * base + min(self.rank, extra)
        return first, first + base + (1 if self.rank < extra else 0)

    def sum_count(self, count):
        """The sum over processes of an integer (the rows of one global batch)."""
        buffer = np.array([count], dtype=np.int64)
        self.comm.Allreduce(self.MPI.IN_PLACE, buffer, op=self.MPI.SUM)
        return int(buffer[0])

    def broadcast_array(self, array):
        """Rank 0's integer array on every process (an epoch's shuffling order; every process
        holds one of the same length)."""
        buffer = np.ascontiguousarray(array, dtype=np.int64)
        self.comm.Bcast(buffer, root=0)
        return buffer

    def gather_objects(self, value):
        """Every process's ``value``, in rank order, on every process."""
        return self.comm.allgather(value)

    def share_bounds(self, n):
        parts = np.array_split(np.arange(n), self.size)
        part = parts[self.rank]
        return (int(part[0]), int(part[-1]) + 1) if len(part) else (0, 0)

    # -- collective operations ------------------------------------------------------------
    def broadcast_model(self, model):
        """Rank 0's weights and optimizer state to every process."""
        for variable in model.weights:
            self.comm.Bcast(variable.data, root=0)
        optimizer = getattr(model, "optimizer", None)
        if optimizer is not None:
            optimizer.iterations = self.comm.bcast(optimizer.iterations, root=0)
            for variable in model.trainable_weights:
                for array in optimizer.state_of(variable).values():
                    self.comm.Bcast(array, root=0)

    def average_gradients(self, grads, local_count, global_count):
        """Sum over processes of grad * (local_count / global_count): the gradient of the global
        batch's mean loss. One Allreduce on one contiguous buffer (float32, or float64 for a
        float64 model)."""
        present = [g for g in grads if g is not None]
        if not present:
            return grads
        weight = local_count / global_count
        dtype = np.result_type(np.float32, *present)  # float64 models keep float64 gradients
        buffer = np.concatenate([np.ravel(g) for g in present]).astype(dtype, copy=False)
        buffer *= weight
        start = time.perf_counter()
        self.comm.Allreduce(self.MPI.IN_PLACE, buffer, op=self.MPI.SUM)
        self.allreduce_seconds += time.perf_counter() - start
        self.allreduce_calls += 1
        out, offset = [], 0
        for g in grads:
            if g is None:
                out.append(None)
                continue
            out.append(
                buffer[offset : offset + g.size].reshape(g.shape).astype(g.dtype, copy=False)
            )
            offset += g.size
        return out

    def sum_arrays(self, arrays):
        """Elementwise sums over processes (float64), for metric states."""
        flat = (
            np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays])
            if arrays
            else np.zeros(0)
        )
        self.comm.Allreduce(self.MPI.IN_PLACE, flat, op=self.MPI.SUM)
        out, offset = [], 0
        for a in arrays:
            size = np.size(a)
            out.append(flat[offset : offset + size].reshape(np.shape(a)))
            offset += size
        return out

    def gather_rows(self, array):
        """Concatenate every process's rows in rank order, on every process."""
        parts = self.comm.allgather(np.ascontiguousarray(array))
        return np.concatenate(parts) if parts else array

    def abort(self, error):
        """Print the error and stop every process (the others would otherwise wait forever)."""
        sys.stderr.write(
            f"glassnet: process {self.rank} of {self.size} failed: "
            f"{type(error).__name__}: {error}\n"
        )
        sys.stderr.flush()
        self.comm.Abort(1)
