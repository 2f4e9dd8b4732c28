"""CIFAR-10/100, IMDB, Reuters, Boston and California housing: the publishers' formats on small
files, downloads from a local server with SHA-256 checks, the lookup order, and Keras 3.15's
results on the same files (tests/fixtures/make_keras_datasets_fixtures.py)."""

import gzip
import hashlib
import io
import json
import os
import pickle
import shutil
import tarfile
import zipfile

import numpy as np
import pytest

from glassnet.datasets import (
    DatasetError,
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    download,
    imdb,
    reuters,
)
from glassnet.datasets.safe_npz import load_npz
from tests.datasets.test_download import server  # noqa: F401  (the local HTTP server fixture)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "fixtures", "keras_datasets")
with open(os.path.join(FIXTURES, "expected.json")) as _handle:
    EXPECTED = json.load(_handle)


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test gets its own empty cache and no GLASSNET_DATA."""
    monkeypatch.setattr(download, "CACHE", tmp_path / "cache")
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    return tmp_path / "cache"


def as_lists(result):
    (x_train, y_train), (x_test, y_test) = result
    return {
        "x_train": [list(s) if isinstance(s, list) else s for s in x_train.tolist()],
        "y_train": y_train.tolist(),
        "x_test": [list(s) if isinstance(s, list) else s for s in x_test.tolist()],
        "y_test": y_test.tolist(),
    }


# -- the Keras .npz datasets, against Keras's results on the same files ---------------------------
CASES = {
    "default": {},
    "num_words": dict(num_words=20, skip_top=3, seed=5),
    "maxlen": dict(maxlen=8, start_char=None, index_from=0),
    "no_oov": dict(num_words=25, oov_char=None, index_from=2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_imdb_and_reuters_equal_keras(monkeypatch, case):
    for module, name, extra in ((imdb, "imdb", {}), (reuters, "reuters", {"test_split": 0.3})):
        path = os.path.join(FIXTURES, f"{name}.npz")
        monkeypatch.setattr(module, "SHA256", sha256(path))
        result = module.load_data(path=path, **extra, **CASES[case])
        assert result[0][0].dtype == object and result[0][0].ndim == 1
        assert as_lists(result) == EXPECTED[name][case], name


def test_housing_datasets_equal_keras(monkeypatch):
    path = os.path.join(FIXTURES, "boston_housing.npz")
    monkeypatch.setattr(boston_housing, "SHA256", sha256(path))
    for case, kwargs in (("default", {}), ("split", dict(test_split=0.5, seed=1))):
        got = as_lists(boston_housing.load_data(path=path, **kwargs))
        for key, value in EXPECTED["boston_housing"][case].items():
            np.testing.assert_allclose(got[key], value, rtol=1e-12)
    path = os.path.join(FIXTURES, "california_housing.npz")
    monkeypatch.setattr(california_housing, "SHA256", sha256(path))
    for case, kwargs in (("small", dict(version="small", seed=3)), ("large", {})):
        (x_train, y_train), (x_test, _) = california_housing.load_data(path=path, **kwargs)
        expected = EXPECTED["california_housing"][case]
        np.testing.assert_allclose(x_train, expected["x_train"], rtol=1e-6)
        np.testing.assert_allclose(y_train, expected["y_train"], rtol=1e-6)
        assert len(x_test) == len(expected["x_test"])


def test_a_file_with_the_wrong_hash_is_refused(tmp_path):
    path = os.path.join(FIXTURES, "imdb.npz")
    with pytest.raises(DatasetError, match="SHA256|sha256"):
        imdb.load_data(path=path)  # the small file is not the official one


def test_lookup_order_glassnet_data_first_then_the_cache(tmp_path, monkeypatch, private_cache):
    source = os.path.join(FIXTURES, "boston_housing.npz")
    monkeypatch.setattr(boston_housing, "SHA256", sha256(source))
    data_dir = tmp_path / "data" / "boston_housing"
    data_dir.mkdir(parents=True)
    shutil.copy(source, data_dir / "boston_housing.npz")
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(boston_housing, "MIRRORS", ())
    assert len(boston_housing.load_data()[0][0]) == 24
    (data_dir / "boston_housing.npz").unlink()
    (private_cache / "boston_housing").mkdir(parents=True)
    shutil.copy(source, private_cache / "boston_housing" / "boston_housing.npz")
    assert len(boston_housing.load_data()[0][0]) == 24
    os.remove(private_cache / "boston_housing" / "boston_housing.npz")
    with pytest.raises(DatasetError, match="GLASSNET_DATA"):
        boston_housing.load_data()


def test_word_indexes_and_label_names(tmp_path, monkeypatch):
    index = tmp_path / "imdb_word_index.json"
    index.write_text(json.dumps({"the": 1, "and": 2}))
    monkeypatch.setattr(imdb, "WORD_INDEX_MD5", hashlib.md5(index.read_bytes()).hexdigest())
    assert imdb.get_word_index(path=str(index)) == {"the": 1, "and": 2}
    bad = tmp_path / "reuters_word_index.json"
    bad.write_text(json.dumps(["not", "a", "dict"]))
    monkeypatch.setattr(reuters, "WORD_INDEX_MD5", hashlib.md5(bad.read_bytes()).hexdigest())
    with pytest.raises(ValueError, match="word index"):
        reuters.get_word_index(path=str(bad))
    assert reuters.get_label_names()[45] == "lead"


# -- nothing unpickled without limits ------------------------------------------------------
class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/glassnet_pwned",))


def test_an_npz_whose_object_array_calls_os_system_is_refused(tmp_path, monkeypatch):
    payload = np.empty(1, dtype=object)
    payload[0] = Payload()
    path = tmp_path / "imdb.npz"
    np.savez(path, x_train=payload, y_train=np.zeros(1), x_test=payload, y_test=np.zeros(1))
    monkeypatch.setattr(imdb, "SHA256", sha256(path))
    if os.path.exists("/tmp/glassnet_pwned"):
        os.remove("/tmp/glassnet_pwned")
    with pytest.raises(DatasetError, match="refusing to load posix.system|refusing to load os"):
        imdb.load_data(path=str(path))
    assert not os.path.exists("/tmp/glassnet_pwned")
    raw = io.BytesIO()
    pickle.dump(Payload(), raw)  # a bare pickle stream is not an npz either
    with pytest.raises(DatasetError, match="not an .npz"):
        load_npz(io.BytesIO(raw.getvalue()))


# -- CIFAR from the binary release, downloaded from a local server ---------------------------
def cifar_archive(folder, top, members, label_bytes, count, seed):
    rng = np.random.default_rng(seed)
    contents = {}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for member in members:
            labels = rng.integers(0, 20, (count, label_bytes), dtype=np.uint8)
            pixels = rng.integers(0, 256, (count, 3, 32, 32), dtype=np.uint8)
            raw = np.concatenate([labels, pixels.reshape(count, -1)], axis=1).tobytes()
            contents[member] = (labels, pixels.transpose(0, 2, 3, 1))
            info = tarfile.TarInfo(f"{top}/{member}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    path = folder / f"{top}.tar.gz"
    path.write_bytes(buffer.getvalue())
    return path, contents


def test_cifar10_downloads_verifies_and_reads_the_binary_release(server, monkeypatch):  # noqa: F811
    root, url = server
    archive, contents = cifar_archive(
        root, "cifar-10-batches-bin", [*cifar10.TRAIN, cifar10.TEST], 1, 3, 0
    )
    archive = archive.rename(root / cifar10.ARCHIVE)
    monkeypatch.setattr(cifar10, "URL", url + cifar10.ARCHIVE)
    monkeypatch.setattr(cifar10, "SHA256", sha256(archive))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (15, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (15, 1) and y_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train[3:6], contents["data_batch_2.bin"][1])
    np.testing.assert_array_equal(y_test, contents["test_batch.bin"][0])
    np.testing.assert_array_equal(x_test, contents["test_batch.bin"][1])


def test_cifar100_fine_and_coarse_labels(server, monkeypatch):  # noqa: F811
    root, url = server
    archive, contents = cifar_archive(root, "cifar-100-binary", ["train.bin", "test.bin"], 2, 4, 1)
    archive = archive.rename(root / cifar100.ARCHIVE)
    monkeypatch.setattr(cifar100, "URL", url + cifar100.ARCHIVE)
    monkeypatch.setattr(cifar100, "SHA256", sha256(archive))
    (x_train, fine), _ = cifar100.load_data()
    (_, coarse), (x_test, _) = cifar100.load_data(label_mode="coarse")
    np.testing.assert_array_equal(fine[:, 0], contents["train.bin"][0][:, 1])
    np.testing.assert_array_equal(coarse[:, 0], contents["train.bin"][0][:, 0])
    assert fine.dtype == np.int64 and x_test.shape == (4, 32, 32, 3)


def test_a_download_with_the_wrong_hash_leaves_nothing_in_the_cache(
    server,  # noqa: F811
    monkeypatch,
    private_cache,
):
    root, url = server
    archive, _ = cifar_archive(
        root, "cifar-10-batches-bin", [*cifar10.TRAIN, cifar10.TEST], 1, 2, 2
    )
    archive.rename(root / cifar10.ARCHIVE)
    monkeypatch.setattr(cifar10, "URL", url + cifar10.ARCHIVE)
    with pytest.raises(DatasetError, match="does not match"):
        cifar10.load_data()  # the real SHA-256 is not this small file's
    assert not any(p.is_file() for p in private_cache.rglob("*"))


def test_an_unpacked_cifar_folder_in_glassnet_data_is_used(tmp_path, monkeypatch):
    folder = tmp_path / "data" / "cifar10" / "cifar-10-batches-bin"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(3)
    for member in [*cifar10.TRAIN, cifar10.TEST]:
        (folder / member).write_bytes(rng.integers(0, 256, 2 * 3073, dtype=np.uint8).tobytes())
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "data"))
    (x_train, _), (x_test, _) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (2, 32, 32, 3)
    (folder / "test_batch.bin").write_bytes(b"\x00" * 100)
    with pytest.raises(DatasetError, match="not a whole number"):
        cifar10.load_data()


def test_gzip_module_is_not_needed_for_plain_npz():
    assert gzip  # the archives above are gzip tar files; the .npz files are zip files
    assert zipfile.is_zipfile(os.path.join(FIXTURES, "imdb.npz"))
