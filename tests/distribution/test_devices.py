"""keras.distribution's device functions: one CPU per process."""

import pytest

from glassnet import distribution


def test_one_cpu_per_process_and_no_accelerators(monkeypatch):
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "PMIX_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert distribution.list_devices() == ["cpu:0"]
    assert distribution.list_devices("gpu") == [] and distribution.get_device_count("tpu") == 0
    monkeypatch.setenv("PMI_SIZE", "3")
    assert distribution.list_devices("cpu") == ["cpu:0", "cpu:1", "cpu:2"]
    assert distribution.get_device_count() == 3


def test_initialize_without_mpi_refuses_several_processes_and_says_how(monkeypatch):
    for name in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS", "PMIX_SIZE"):
        monkeypatch.delenv(name, raising=False)
    distribution.initialize()  # one process: nothing to start
    with pytest.raises(ValueError, match="mpiexec -n 4"):
        distribution.initialize(num_processes=4)
    with pytest.raises(ValueError, match="list_devices: device_type"):
        distribution.list_devices("fpga")
