"""get_file: downloads from a local server, hash checks, the cache, and archive extraction that
refuses paths leaving the target, links and archives that unpack to too much."""

import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from glassnet.utils import file_utils, get_file
from tests.datasets.test_download import server  # noqa: F401  (the local HTTP server fixture)


def served(root, name, data):
    (root / name).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def test_download_hash_and_cache(server, tmp_path):  # noqa: F811
    root, url = server
    digest = served(root, "data.bin", b"payload")
    cache = tmp_path / "cache"
    path = get_file(origin=url + "data.bin", file_hash=digest, cache_dir=cache)
    assert open(path, "rb").read() == b"payload"
    assert path == str(cache / "datasets" / "data.bin")
    (root / "data.bin").unlink()  # cached: no second download
    assert get_file(origin=url + "data.bin", file_hash=digest, cache_dir=cache) == path
    md5 = hashlib.md5(b"payload").hexdigest()
    assert get_file("data.bin", url + "data.bin", md5_hash=md5, cache_dir=cache) == path


def test_a_wrong_hash_is_refused_and_leaves_nothing(server, tmp_path):  # noqa: F811
    root, url = server
    served(root, "data.bin", b"tampered")
    with pytest.raises(ValueError, match="not kept"):
        get_file(origin=url + "data.bin", file_hash="0" * 64, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache" / "datasets").iterdir())


def test_a_cached_file_with_a_wrong_hash_is_downloaded_again(server, tmp_path):  # noqa: F811
    root, url = server
    digest = served(root, "data.bin", b"good")
    folder = tmp_path / "cache" / "datasets"
    folder.mkdir(parents=True)
    (folder / "data.bin").write_bytes(b"stale")
    path = get_file(origin=url + "data.bin", file_hash=digest, cache_dir=tmp_path / "cache")
    assert open(path, "rb").read() == b"good"


def test_fname_must_be_a_name_and_origin_is_required(tmp_path):
    with pytest.raises(ValueError, match="origin"):
        get_file("x.bin")
    with pytest.raises(ValueError, match="not a path"):
        get_file("../x.bin", origin="http://127.0.0.1:1/x.bin", cache_dir=tmp_path)


def tar_bytes(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data, kind in members:
            info = tarfile.TarInfo(name)
            if kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, data
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_extract_tar_and_zip(server, tmp_path):  # noqa: F811
    root, url = server
    served(root, "pack.tar.gz", tar_bytes([("pack/a.txt", b"A", "file")]))
    served(root, "pack.zip", zip_bytes([("b/c.txt", b"C")]))
    cache = tmp_path / "cache"
    folder = get_file("pack.tar.gz", url + "pack.tar.gz", extract=True, cache_dir=cache)
    assert folder.endswith("pack_extracted")
    assert open(os.path.join(folder, "pack", "a.txt")).read() == "A"
    folder = get_file(origin=url + "pack.zip", extract=True, cache_dir=cache)
    assert open(os.path.join(folder, "b", "c.txt")).read() == "C"


@pytest.mark.parametrize(
    "archive,words",
    [
        (tar_bytes([("../escape.txt", b"x", "file")]), "outside"),
        (tar_bytes([("/etc/escape.txt", b"x", "file")]), "absolute"),
        (tar_bytes([("link", "/etc/passwd", "symlink")]), "links"),
        (zip_bytes([("../../escape.txt", b"x")]), "outside"),
    ],
    ids=["tar-dotdot", "tar-absolute", "tar-symlink", "zip-slip"],
)
def test_archives_that_would_escape_are_refused(server, tmp_path, archive, words):  # noqa: F811
    root, url = server
    name = "bad.zip" if archive[:2] == b"PK" else "bad.tar.gz"
    served(root, name, archive)
    with pytest.raises(ValueError, match=words):
        get_file(name, url + name, extract=True, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "escape.txt").exists()
    assert not (tmp_path / "cache" / "escape.txt").exists()
    leftovers = [p.name for p in (tmp_path / "cache" / "datasets").iterdir()]
    assert all(not n.startswith(".extracting") and not n.endswith("_extracted") for n in leftovers)


def test_an_archive_larger_than_the_limit_is_refused(server, tmp_path, monkeypatch):  # noqa: F811
    root, url = server
    served(root, "big.zip", zip_bytes([("zeros.bin", b"\0" * 100_000)]))
    monkeypatch.setattr(file_utils, "MAX_EXTRACTED_BYTES", 50_000)
    with pytest.raises(ValueError, match="more than 50000 bytes"):
        get_file("big.zip", url + "big.zip", extract=True, cache_dir=tmp_path / "cache")
