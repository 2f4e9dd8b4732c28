import gzip
import hashlib
import pathlib

import numpy as np
import pytest

from glassnet.datasets import DatasetError, fashion_mnist
from glassnet.datasets.files import load_idx_files
from glassnet.datasets.idx import parse_idx, write_idx

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "datasets"


def test_idx_round_trip_raw_and_gzip(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)
    for name in ("a-idx3-ubyte", "a-idx3-ubyte.gz"):
        write_idx(tmp_path / name, images)
        np.testing.assert_array_equal(parse_idx((tmp_path / name).read_bytes()), images)


def test_malformed_files_are_refused():
    good = bytes([0, 0, 8, 1]) + (3).to_bytes(4, "big") + bytes([1, 2, 3])
    assert parse_idx(good).tolist() == [1, 2, 3]
    with pytest.raises(DatasetError, match="bad magic number"):
        parse_idx(b"\x01\x02\x08\x01" + good[4:])
    with pytest.raises(DatasetError, match="truncated or corrupt"):
        parse_idx(good[:-1])
    with pytest.raises(DatasetError, match="ends inside the header"):
        parse_idx(good[:6])
    with pytest.raises(DatasetError, match="unknown IDX type code"):
        parse_idx(bytes([0, 0, 0x42, 1]) + good[4:])
    with pytest.raises(DatasetError, match="gzip stream is truncated"):
        parse_idx(gzip.compress(good)[:-6])


def test_checksum_mismatch_and_missing_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path))
    folder = tmp_path / "toy"
    folder.mkdir()
    write_idx(folder / "x.gz", np.zeros((2, 2), dtype=np.uint8))
    right = hashlib.sha256((folder / "x.gz").read_bytes()).hexdigest()
    assert load_idx_files("toy", {"x": ("x.gz", right)})["x"].shape == (2, 2)
    with pytest.raises(DatasetError, match="has SHA-256 .* expected 0000"):
        load_idx_files("toy", {"x": ("x.gz", "0" * 64)})
    with pytest.raises(DatasetError, match=r"could not find y.gz. Looked in: .*toy.*GLASSNET_DATA"):
        load_idx_files("toy", {"y": ("y.gz", right)})


@pytest.mark.skipif(
    not (SHARED / "fashion-mnist").is_dir(), reason="the shared Fashion-MNIST files are not present"
)
def test_real_fashion_mnist(monkeypatch):
    monkeypatch.setenv("GLASSNET_DATA", str(SHARED))
    (x, y), (xt, yt) = fashion_mnist.load_data()
    assert x.shape == (60000, 28, 28) and x.dtype == np.uint8 and y.dtype == np.uint8
    assert xt.shape == (10000, 28, 28) and np.bincount(y).tolist() == [6000] * 10
