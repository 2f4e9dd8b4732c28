"""Finding and downloading published files, against a local HTTP server on 127.0.0.1: the
lookup order, hash checks (MD5 and SHA-256, as Keras publishes them), nothing left behind when a
download is refused, and weights="imagenet" / decode_predictions end to end."""

import hashlib
import http.server
import json
import threading

import h5py
import numpy as np
import pytest

from glassnet.applications import _weights, imagenet_utils, mobilenet
from glassnet.applications._weights import WeightsFile, weights_path
from glassnet.datasets import DatasetError, download


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
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache and an empty $GLASSNET_DATA; returns the applications cache folder."""
    monkeypatch.setattr(download, "CACHE", tmp_path / "cache" / "datasets")
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "data"))
    return tmp_path / "cache" / "applications"


def serve(root, name, content):
    (root / name).write_bytes(content)
    return hashlib.md5(content).hexdigest(), hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
def test_download_is_verified_and_cached(server, cache, algorithm):
    root, url = server
    md5, sha256 = serve(root, "w.h5", b"weights" * 100)
    spec = WeightsFile(f"{url}/w.h5", md5 if algorithm == "md5" else sha256)
    path = weights_path(spec)
    assert path == cache / "w.h5" and path.read_bytes() == b"weights" * 100
    (root / "w.h5").unlink()  # the second call must not need the server
    assert weights_path(spec) == path
    assert [p.name for p in cache.iterdir()] == ["w.h5"]


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
def test_hash_mismatch_is_refused_and_nothing_is_cached(server, cache, algorithm):
    root, url = server
    serve(root, "w.h5", b"tampered")
    spec = WeightsFile(f"{url}/w.h5", "0" * (32 if algorithm == "md5" else 64))
    with pytest.raises(DatasetError, match="does not match"):
        weights_path(spec)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_file_without_published_hash_reports_its_sha256(server, cache, capsys):
    root, url = server
    _, sha256 = serve(root, "m.h5", b"mobilenet")
    path = weights_path(WeightsFile(f"{url}/m.h5"))
    assert path.read_bytes() == b"mobilenet"
    assert sha256 in capsys.readouterr().err


def test_glassnet_data_comes_first_and_is_checked(tmp_path, cache):
    data = tmp_path / "data" / "applications"
    data.mkdir(parents=True)
    (data / "w.h5").write_bytes(b"local copy")
    good = WeightsFile("http://127.0.0.1:9/w.h5", hashlib.md5(b"local copy").hexdigest())
    assert weights_path(good) == data / "w.h5"
    bad = WeightsFile("http://127.0.0.1:9/w.h5", "f" * 32)
    with pytest.raises(DatasetError, match="delete it"):
        weights_path(bad)


def test_unreachable_server_names_the_address(cache):
    with pytest.raises(DatasetError, match="127.0.0.1:9"):
        weights_path(WeightsFile("http://127.0.0.1:9/w.h5", "0" * 32))
    assert not cache.exists() or list(cache.iterdir()) == []


def write_keras2_weights(model, path):
    """A Keras 2 HDF5 weights file (the published files' layout) from ``model``'s weights."""
    with h5py.File(path, "w") as h5:
        weighted = [layer for layer in model.layers if layer.weights]
        h5.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        for layer in model.layers:
            group = h5.create_group(layer.name)
            names = [f"{layer.name}/{v.name}:0".encode() for v in layer.weights]
            group.attrs["weight_names"] = names
            for name, variable in zip(names, layer.weights):
                group.create_dataset(name.decode(), data=variable.data)
        return weighted


def test_imagenet_weights_end_to_end(server, cache, monkeypatch):
    """MobileNet(weights='imagenet') fetches mobilenet_2_5_128_tf_no_top.h5 from the (local)
    published address into the cache and loads it."""
    root, url = server
    source = mobilenet.MobileNet(
        weights=None, alpha=0.25, include_top=False, input_shape=(128, 128, 3)
    )
    write_keras2_weights(source, root / "mobilenet_2_5_128_tf_no_top.h5")
    monkeypatch.setattr(mobilenet, "BASE_WEIGHT_PATH", url + "/")
    model = mobilenet.MobileNet(
        weights="imagenet", alpha=0.25, include_top=False, input_shape=(128, 128, 3)
    )
    for ours, theirs in zip(model.weights, source.weights):
        np.testing.assert_array_equal(ours.data, theirs.data)
    assert (cache / "mobilenet_2_5_128_tf_no_top.h5").is_file()


def test_decode_predictions_fetches_and_verifies_the_class_index(server, cache, monkeypatch):
    root, url = server
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    md5, _ = serve(root, "imagenet_class_index.json", json.dumps(index).encode())
    monkeypatch.setattr(
        imagenet_utils, "CLASS_INDEX_FILE", WeightsFile(f"{url}/imagenet_class_index.json", md5)
    )
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    preds = np.zeros((2, 1000), "float32")
    preds[0, 7], preds[0, 3], preds[1, 999] = 0.9, 0.1, 1.0
    decoded = imagenet_utils.decode_predictions(preds, top=2)
    assert decoded[0] == [("n00000007", "class_7", np.float32(0.9)), ("n00000003", "class_3", 0.1)]
    assert decoded[1][0][:2] == ("n00000999", "class_999")
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    (cache / "imagenet_class_index.json").write_text("{}")
    with pytest.raises(DatasetError, match="not the published one"):
        imagenet_utils.decode_predictions(preds)


def test_cache_sits_beside_the_datasets_cache(cache):
    assert _weights.cache_dir() == cache
