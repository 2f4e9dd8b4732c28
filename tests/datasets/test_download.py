"""Downloads against a local HTTP server on 127.0.0.1 (no outside network), and MNIST from small
IDX files."""

import hashlib
import http.server
import io
import threading

import numpy as np
import pytest

from glassnet.datasets import DatasetError, download, files, mnist
from glassnet.datasets.idx import write_idx


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def small_mnist(folder, n_train=6, n_test=3):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    specs = {}
    for key, (filename, _) in mnist.FILES.items():
        write_idx(folder / filename, arrays[key])
        specs[key] = (filename, hashlib.sha256((folder / filename).read_bytes()).hexdigest())
    return arrays, specs


def test_mnist_loader_on_small_idx_files(tmp_path):
    arrays, specs = small_mnist(tmp_path)
    (x, y), (xt, yt) = mnist.load_data(path=tmp_path, download=False, files=specs)
    np.testing.assert_array_equal(x, arrays["x_train"])
    np.testing.assert_array_equal(yt, arrays["y_test"])
    assert x.dtype == np.uint8 and y.dtype == np.uint8


def test_download_verifies_and_caches(tmp_path, server, monkeypatch):
    root, url = server
    _, specs = small_mnist(root)
    cache = tmp_path / "cache"
    monkeypatch.setattr(download, "CACHE", cache)
    monkeypatch.setenv(
        "GLASSNET_DATA", str(tmp_path / "empty")
    )  # nothing on disk: it must download
    progress = io.StringIO()
    path = download.fetch(
        specs["x_train"][0], specs["x_train"][1], [url], cache / "mnist", stream=progress
    )
    assert path.read_bytes() == (root / specs["x_train"][0]).read_bytes()
    assert "Downloading train-images-idx3-ubyte.gz" in progress.getvalue()
    arrays = files.load_idx_files("mnist", specs, mirrors=[url])
    assert arrays["x_test"].shape == (3, 28, 28)
    assert sorted(p.name for p in (cache / "mnist").iterdir()) == sorted(
        f for f, _ in specs.values()
    )  # no temporary files left


def test_wrong_checksum_never_reaches_the_cache(tmp_path, server):
    root, url = server
    write_idx(root / "x.gz", np.zeros((2, 2), dtype=np.uint8))
    with pytest.raises(DatasetError, match="does not match"):
        download.fetch("x.gz", "0" * 64, [url], tmp_path / "cache", verbose=False)
    assert list((tmp_path / "cache").iterdir()) == []


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(tmp_path, server):
    root, url = server
    (root / "big.bin").write_bytes(b"x" * 1000)
    digest = hashlib.sha256(b"x" * 1000).hexdigest()
    with pytest.raises(DatasetError, match="larger than the limit of 999 bytes"):
        download.fetch("big.bin", digest, [url], tmp_path / "cache", verbose=False, max_bytes=999)
    assert list((tmp_path / "cache").iterdir()) == []
    path = download.fetch(
        "big.bin", digest, [url], tmp_path / "cache", verbose=False, max_bytes=1000
    )
    assert path.stat().st_size == 1000


def test_a_file_without_a_published_hash_is_kept_and_its_sha256_printed(tmp_path, server):
    root, url = server
    (root / "w.h5").write_bytes(b"weights")
    stream = io.StringIO()
    path = download.fetch("w.h5", None, [url], tmp_path / "cache", verbose=False, stream=stream)
    assert path.read_bytes() == b"weights"
    assert hashlib.sha256(b"weights").hexdigest() in stream.getvalue()


def test_unreachable_mirrors_are_all_named(tmp_path, server):
    _, url = server
    with pytest.raises(DatasetError) as error:
        download.fetch(
            "missing.gz",
            "0" * 64,
            [url, "http://127.0.0.1:9/"],
            tmp_path / "c",
            retries=2,
            timeout=2,
            verbose=False,
        )
    message = str(error.value)
    assert message.count("missing.gz") >= 3 and "127.0.0.1:9" in message and "attempt 2" in message


def test_offline_error_names_every_place_and_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(download, "CACHE", tmp_path / "cache")
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "data"))
    with pytest.raises(DatasetError) as error:
        mnist.load_data(download=False)
    message = str(error.value)
    for place in (
        str(tmp_path / "data" / "mnist"),
        str(tmp_path / "cache" / "mnist"),
        "/usr/share/datasets/mnist",
    ):
        assert place in message
    assert "GLASSNET_DATA" in message and "path=" in message
