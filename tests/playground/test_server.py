"""The playground's HTTP server: routes, caps, bad requests, refusals, reachability, the CLI."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys

import numpy as np
import pytest

from glassnet.playground import server as server_module
from glassnet.playground.server import PlaygroundServer
from glassnet.playground.session import Session
from glassnet.saving import load_model

SMALL = {"data": {"name": "xor", "samples": 100}, "hidden": [3]}


@pytest.fixture
def server():
    playground = PlaygroundServer(port=0, session=Session(SMALL))
    playground.start()
    yield playground
    playground.close()


def request(server, method, path, body=None, headers=None, host=None):
    """One request with exactly the headers given (Host defaults to the server's own)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    all_headers = {"Host": host if host is not None else f"127.0.0.1:{server.port}"}
    if host is False:
        del all_headers["Host"]
    all_headers.update(headers or {})
    if body is not None:
        all_headers.setdefault("Content-Length", str(len(body)))
    for name, value in all_headers.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    return response, payload


def post_json(server, path, value, **kwargs):
    headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
    return request(server, "POST", path, json.dumps(value).encode(), headers=headers, **kwargs)


def test_it_listens_on_127_0_0_1_and_serves_the_page(server):
    assert server.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}"
    response, body = request(server, "GET", "/")
    assert response.status == 200 and b"<title>glassnet playground</title>" in body
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
    for path, kind in (("/static/playground.js", "javascript"), ("/static/playground.css", "css")):
        response, body = request(server, "GET", path)
        assert response.status == 200 and kind in response.getheader("Content-Type")
        assert len(body) > 1000
    response, _ = request(server, "GET", "/", host=f"localhost:{server.port}")
    assert response.status == 200


def test_state_and_a_training_runs_messages(server):
    response, body = request(server, "GET", "/api/state")
    state = json.loads(body)
    assert response.status == 200 and state["config"]["hidden"] == [3]
    assert state["options"]["max_hidden_layers"] == 6 and state["options"]["max_neurons"] == 16
    assert len(state["points"]["train"]) == 50 and len(state["points"]["train"][0]) == 3
    first = state["frame"]
    response, body = post_json(server, "/api/control", {"action": "step"})
    assert json.loads(body) == {"action": "step", "epoch": 0, "playing": False}
    frames = []
    after = first
    while not frames or frames[-1]["busy"]:
        response, body = request(server, "GET", f"/api/frame?after={after}")
        assert response.status == 200
        frames.append(json.loads(body))
        after = frames[-1]["frame"]
    assert frames[-1]["epoch"] == 1 and frames[-1]["step"] == 0
    assert [frame["frame"] for frame in frames] == sorted({frame["frame"] for frame in frames})
    np.testing.assert_array_equal(
        np.array(frames[-1]["weights"][0], dtype=np.float32),
        server.session.model.layers[0].kernel.data,
    )


def test_a_frame_request_waits_then_answers_no_content(server, monkeypatch):
    monkeypatch.setattr(server_module, "POLL_TIMEOUT", 0.2)
    frame = server.session.state()["frame"]
    response, body = request(server, "GET", f"/api/frame?after={frame}")
    assert response.status == 204 and body == b""
    response, body = request(server, "GET", f"/api/frame?after={frame - 1}")
    assert response.status == 200 and json.loads(body)["frame"] == frame


def test_settings_trace_and_export_through_the_api(server):
    response, body = post_json(server, "/api/config", {"hidden": [4, 2], "activation": "relu"})
    assert response.status == 200 and json.loads(body)["layers"] == [
        "hidden_1",
        "hidden_2",
        "output",
    ]
    response, body = post_json(server, "/api/trace", {"split": "train", "index": 2})
    result = json.loads(body)
    assert response.status == 200 and [layer["name"] for layer in result["trace"]["layers"]] == [
        "hidden_1",
        "hidden_2",
        "output",
    ]
    assert result["text"].startswith("Forward pass")
    response, body = request(server, "GET", "/api/export")
    program = json.loads(body)["program"]
    assert "import glassnet as keras" in program
    assert 'activation="relu"' in program and 'name="hidden_2"' in program
    response, body = request(server, "GET", "/download/playground.py")
    assert body.decode() == program
    assert response.getheader("Content-Disposition") == 'attachment; filename="playground.py"'


@pytest.mark.parametrize("suffix", ["glassnet", "keras"])
def test_model_downloads_load_and_predict_the_same(server, tmp_path, suffix):
    if suffix == "keras":
        pytest.importorskip("h5py")
    post_json(server, "/api/control", {"action": "step"})
    server.session.wait_settled(timeout=30)
    response, body = request(server, "GET", f"/download/playground.{suffix}")
    assert response.status == 200
    assert (
        response.getheader("Content-Disposition") == f'attachment; filename="playground.{suffix}"'
    )
    path = tmp_path / f"model.{suffix}"
    path.write_bytes(body)
    model = load_model(str(path))
    x = server.session.data.x_test
    np.testing.assert_array_equal(
        model.predict(x, verbose=0), server.session.model.predict(x, verbose=0)
    )
    assert list(server.download_dir.iterdir()) == []  # nothing stays on disk


@pytest.mark.parametrize(
    "method, path, body, headers, status, message",
    [
        ("GET", "/api/nothing", None, {}, 404, "not found: /api/nothing"),
        ("GET", "/static/../server.py", None, {}, 404, "not found"),
        ("GET", "/static/%2e%2e/server.py", None, {}, 404, "not found"),
        ("GET", "/static/index.html", None, {}, 404, "not found"),
        ("GET", "/api/frame?after=x", None, {}, 400, "after: expected a whole number"),
        ("POST", "/api/elsewhere", b"{}", {"Content-Type": "application/json"}, 404, "not found"),
        ("POST", "/api/config", b"{", {"Content-Type": "application/json"}, 400, "not valid JSON"),
        ("POST", "/api/config", b"[1]", {"Content-Type": "application/json"}, 400, "JSON object"),
        ("POST", "/api/config", b"{}", {"Content-Type": "text/plain"}, 415, "application/json"),
        (
            "POST",
            "/api/config",
            b'{"hidden": [9, 9, 9, 9, 9, 9, 9]}',
            {"Content-Type": "application/json"},
            400,
            "hidden: at most 6 hidden layers, got 7",
        ),
        (
            "POST",
            "/api/config",
            b'{"data": {"samples": 5000}}',
            {"Content-Type": "application/json"},
            400,
            "data.samples: must be between 10 and 2000, got 5000",
        ),
        (
            "POST",
            "/api/control",
            b'{"action": "explode"}',
            {"Content-Type": "application/json"},
            400,
            "action: choose play, pause, step or reset",
        ),
        (
            "POST",
            "/api/trace",
            b'{"split": "train", "index": 999}',
            {"Content-Type": "application/json"},
            400,
            "the train part has 50 points, got index 999",
        ),
        ("POST", "/api/upload", b"1,2,3\n", {"Content-Type": "text/csv"}, 400, "at least 10"),
    ],
)
def test_bad_requests_get_a_clear_message(server, method, path, body, headers, status, message):
    response, payload = request(server, method, path, body, headers=headers)
    assert response.status == status
    assert message in json.loads(payload)["error"]


def test_size_caps(server):
    too_big = server_module.MAX_JSON_BYTES + 1
    response, payload = request(
        server,
        "POST",
        "/api/config",
        headers={"Content-Type": "application/json", "Content-Length": str(too_big)},
        body=b"",
    )
    assert response.status == 413
    limit = server_module.MAX_JSON_BYTES
    assert json.loads(payload)["error"] == (
        f"the request body has {too_big:,} bytes; the limit is {limit:,} bytes"
    )
    response, payload = request(
        server,
        "POST",
        "/api/upload",
        headers={"Content-Type": "text/csv", "Content-Length": "1000001"},
        body=b"",
    )
    assert response.status == 413 and "limit is 1,000,000 bytes" in json.loads(payload)["error"]
    response, payload = request(
        server, "POST", "/api/config", headers={"Content-Type": "application/json"}, body=None
    )
    assert response.status == 411 and "Content-Length" in json.loads(payload)["error"]


@pytest.mark.parametrize(
    "host",
    ["evil.example:{port}", "127.0.0.1", "127.0.0.1:1", "localhost.evil.example:{port}", "", False],
)
def test_a_foreign_host_is_refused(server, host):
    # DNS rebinding: a page on evil.example whose name now points at 127.0.0.1
    given = host.format(port=server.port) if isinstance(host, str) else host
    response, payload = request(server, "GET", "/api/state", host=given)
    assert response.status == 403
    assert "is not this server's address" in json.loads(payload)["error"]
    response, _ = post_json(server, "/api/control", {"action": "play"}, host=given)
    assert response.status == 403
    assert not server.session.wait_settled(timeout=1)["busy"]  # nothing started


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:{port}"]
)
def test_a_foreign_origin_is_refused(server, origin):
    headers = {"Origin": origin.format(port=server.port)}
    response, payload = post_json(server, "/api/control", {"action": "play"}, headers=headers)
    assert response.status == 403
    assert "may not use the playground" in json.loads(payload)["error"]
    response, _ = request(server, "GET", "/download/playground.glassnet", headers=headers)
    assert response.status == 403
    assert not server.session.wait_settled(timeout=1)["busy"]


def test_the_pages_own_origin_and_a_cross_site_fetch(server):
    own = {"Origin": f"http://localhost:{server.port}", "Sec-Fetch-Site": "same-origin"}
    response, _ = post_json(server, "/api/control", {"action": "pause"}, headers=own)
    assert response.status == 200
    response, payload = request(
        server, "GET", "/api/state", headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status == 403 and "another site" in json.loads(payload)["error"]
    response, _ = request(server, "GET", "/", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status == 200  # a link to the page itself is fine


def _other_addresses():
    """Addresses of this machine besides 127.0.0.1 (another loopback one, and its LAN ones)."""
    addresses = {"127.0.0.2"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            addresses.add(info[4][0])
    except OSError:
        pass
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent; this picks the outgoing address
        addresses.add(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    addresses.discard("127.0.0.1")
    addresses.discard("0.0.0.0")
    return sorted(addresses)


def test_unreachable_except_through_127_0_0_1(server):
    socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    tried = 0
    for address in _other_addresses():
        with pytest.raises(OSError):
            socket.create_connection((address, server.port), timeout=2).close()
        tried += 1
    assert tried >= 1
    if socket.has_ipv6:
        with pytest.raises(OSError):
            socket.create_connection(("::1", server.port), timeout=2).close()


def test_port_errors():
    with pytest.raises(ValueError, match="port must be a number from 0 to 65535, got 70000"):
        PlaygroundServer(port=70000, session=object())
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        with pytest.raises(OSError, match="cannot listen on 127.0.0.1:.*choose another --port"):
            PlaygroundServer(port=blocker.getsockname()[1], session=object())
    finally:
        blocker.close()


def test_the_command_prints_its_address_and_stops_on_ctrl_c():
    process = subprocess.Popen(
        [sys.executable, "-m", "glassnet", "playground", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("glassnet playground: http://127.0.0.1:"), line
        address = line.split()[2]
        port = int(address.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/api/state")
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["epoch"] == 0
        connection.close()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "glassnet playground: stopped" in err
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_command_refuses_a_bad_port(capsys):
    from glassnet.cli import main

    assert main(["playground", "--port", "99999", "--no-browser"]) == 2
    assert re.search(r"port .*from 0 to 65535, got 99999", capsys.readouterr().err)
