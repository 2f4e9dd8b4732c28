"""The playground's web server: the standard library's ``ThreadingHTTPServer`` on 127.0.0.1.

Routes (all answers are JSON unless said otherwise):

- ``GET /`` and ``GET /static/<name>``: the page, from a fixed list of packaged files.
- ``GET /api/state``: settings, options and caps, the points.
- ``GET /api/frame?after=N``: the newest frame once its number is not N (long poll; 204 after
  ``POLL_TIMEOUT`` seconds without one).
- ``POST /api/config`` (JSON settings to change), ``POST /api/upload`` (a CSV file as text/csv),
  ``POST /api/control`` ({"action": "play" | "pause" | "step" | "reset"}),
  ``POST /api/trace`` ({"split": "train" | "test", "index": i}).
- ``GET /api/export``: {"program": the Python program}.
- ``GET /download/playground.py``, ``/download/playground.glassnet``,
  ``/download/playground.keras``: the program and the model as it is now, as attachments.

Safety: the socket is bound to 127.0.0.1 only. A request whose ``Host`` is not this server's
own address (127.0.0.1:PORT or localhost:PORT) is refused, which defeats DNS rebinding; so is a
request with an ``Origin`` other than the page's own, and an API request a browser marks as
cross-site (``Sec-Fetch-Site``). POST bodies must say their type and are capped in size. No
path from a request is ever joined to a folder: the page's files come from a fixed table, and
the only files written are the downloads, in a private temporary folder, removed once sent.

Example:

>>> import json, urllib.request
>>> from glassnet.playground.server import PlaygroundServer
>>> server = PlaygroundServer(port=0)
>>> server.start()
>>> server.url.startswith("http://127.0.0.1:")
True
>>> with urllib.request.urlopen(server.url + "/api/state") as response:
...     json.loads(response.read())["config"]["data"]["name"]
'circles'
>>> server.close()
"""

import json
import shutil
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from glassnet.playground import data as data_module
from glassnet.playground.session import Session, json_bytes

HOST = "127.0.0.1"
MAX_JSON_BYTES = 64 * 1024
POLL_TIMEOUT = 10.0  # seconds a frame request waits before answering 204

STATIC_FILES = {  # URL path -> (packaged file, content type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/playground.js": ("playground.js", "text/javascript; charset=utf-8"),
    "/static/playground.css": ("playground.css", "text/css; charset=utf-8"),
}
DOWNLOADS = {  # URL path -> (file name, content type)
    "/download/playground.py": ("playground.py", "text/x-python; charset=utf-8"),
    "/download/playground.glassnet": ("playground.glassnet", "application/octet-stream"),
    "/download/playground.keras": ("playground.keras", "application/octet-stream"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class RequestError(Exception):
    """A request the server refuses: an HTTP status and a message for the page.

    Args:
        status: the HTTP status code to answer with (400, 403, 404...).
        message: what the page shows.

    Example:

    >>> error = RequestError(404, "not found: /nothing")
    >>> error.status, str(error)
    (404, 'not found: /nothing')
    """

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class PlaygroundServer(ThreadingHTTPServer):
    """The playground's HTTP server, listening on 127.0.0.1 only.

    Args:
        port: the port; 0 takes a free one (``url`` says which).
        session: the ``Session`` to serve (a new one by default).

    Example:

    >>> import urllib.request
    >>> server = PlaygroundServer(port=0)
    >>> server.start()
    >>> with urllib.request.urlopen(server.url + "/") as response:
    ...     response.status, response.headers["Content-Type"]
    (200, 'text/html; charset=utf-8')
    >>> server.close()
    """

    daemon_threads = True

    def __init__(self, port=0, session=None):
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"playground: port must be a number from 0 to 65535, got {port!r}")
        try:
            super().__init__((HOST, port), PlaygroundHandler)
        except OSError as error:
            raise OSError(
                f"playground: cannot listen on {HOST}:{port} ({error.strerror or error}); "
                "choose another --port, or leave it out to take a free one"
            ) from error
        self.port = self.server_address[1]
        self.allowed_hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}
        self.allowed_origins = {f"http://{host}" for host in self.allowed_hosts}
        self.session = session or Session()
        self.download_dir = Path(tempfile.mkdtemp(prefix="glassnet-playground-"))
        self._download_lock = threading.Lock()
        self._thread = None

    @property
    def url(self):
        """The page's address."""
        return f"http://{HOST}:{self.port}"

    def start(self):
        """Serve in a background thread (``close()`` stops it); for tests and notebooks."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, name="playground-http"
        )
        self._thread.daemon = True
        self._thread.start()

    def close(self):
        """Stop serving (when ``start`` was used), stop the session, remove the downloads
        folder and close the socket."""
        self.session.close()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()
        shutil.rmtree(self.download_dir, ignore_errors=True)

    def download(self, path):
        """The bytes of one download, written to the private folder and removed again."""
        name = DOWNLOADS[path][0]
        if name.endswith(".py"):
            return self.session.export_program().encode("utf-8")
        target = self.download_dir / name
        with self._download_lock:
            try:
                self.session.save_model(target)
                return target.read_bytes()
            except ImportError as error:
                raise RequestError(
                    501, f"saving {name} needs a package that is not installed ({error})"
                ) from error
            finally:
                target.unlink(missing_ok=True)


class PlaygroundHandler(BaseHTTPRequestHandler):
    """Answers one request: checks where it comes from, then routes it.

    Example (an unknown path is answered 404):

    >>> import urllib.error, urllib.request
    >>> server = PlaygroundServer(port=0)
    >>> server.start()
    >>> try:
    ...     urllib.request.urlopen(server.url + "/nothing")
    ... except urllib.error.HTTPError as error:
    ...     error.code
    404
    >>> server.close()
    """

    server_version = "glassnet-playground"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # the playground's console stays quiet; the page shows what happens

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method):
        try:
            self._check_origin()
            path, query = self._split_path()
            if method == "GET":
                self._get(path, query)
            else:
                self._post(path)
        except RequestError as error:
            self._send_json({"error": str(error)}, error.status)
        except (ValueError, TypeError) as error:
            self._send_json({"error": str(error)}, 400)
        except Exception as error:  # a bug: the page says so, the server keeps running
            self._send_json({"error": f"internal error: {type(error).__name__}: {error}"}, 500)

    # -- where the request comes from -----------------------------------------------------------
    def _check_origin(self):
        host = self.headers.get("Host")
        if host not in self.server.allowed_hosts:
            self.close_connection = True
            raise RequestError(
                403,
                f"refused: the Host header {host!r} is not this server's address "
                f"({self.server.url}); the playground answers only to its own address",
            )
        origin = self.headers.get("Origin")
        if origin is not None and origin not in self.server.allowed_origins:
            self.close_connection = True
            raise RequestError(403, f"refused: requests from {origin!r} may not use the playground")
        site = self.headers.get("Sec-Fetch-Site")
        if site in ("cross-site", "same-site") and self.path.startswith(("/api/", "/download/")):
            self.close_connection = True
            raise RequestError(403, "refused: a request from another site")

    def _split_path(self):
        if not self.path.startswith("/") or len(self.path) > 2048:
            raise RequestError(400, "bad request path")
        parts = urlsplit(self.path)
        return parts.path, parse_qs(parts.query)

    # -- GET --------------------------------------------------------------------------------------
    def _get(self, path, query):
        session = self.server.session
        if path in STATIC_FILES:
            name, content_type = STATIC_FILES[path]
            body = (
                resources.files("glassnet.playground")
                .joinpath("static")
                .joinpath(name)
                .read_bytes()
            )
            self._send(body, content_type)
        elif path == "/api/state":
            self._send_json(session.state())
        elif path == "/api/frame":
            after = _integer(query, "after")
            frame = session.wait_frame(after, POLL_TIMEOUT)
            if frame is None:
                self._send(b"", None, status=204)
            else:
                self._send(frame, "application/json")
        elif path == "/api/export":
            self._send_json({"program": session.export_program()})
        elif path in DOWNLOADS:
            name, content_type = DOWNLOADS[path]
            body = self.server.download(path)
            headers = {"Content-Disposition": f'attachment; filename="{name}"'}
            self._send(body, content_type, headers=headers)
        else:
            raise RequestError(404, f"not found: {path}")

    # -- POST -------------------------------------------------------------------------------------
    def _post(self, path):
        session = self.server.session
        if path == "/api/upload":
            text = self._body("text/csv", data_module.MAX_UPLOAD_BYTES).decode("utf-8", "replace")
            self._send_json(session.upload_csv(text))
            return
        if path not in ("/api/config", "/api/control", "/api/trace"):
            raise RequestError(404, f"not found: POST {path}")
        try:
            request = json.loads(self._body("application/json", MAX_JSON_BYTES))
        except json.JSONDecodeError as error:
            raise RequestError(400, f"the request body is not valid JSON ({error})") from None
        if not isinstance(request, dict):
            raise RequestError(400, "the request body must be a JSON object")
        if path == "/api/config":
            self._send_json(session.update_config(request))
        elif path == "/api/control":
            self._send_json(session.control(request.get("action")))
        else:
            self._send_json(session.trace_point(request.get("split"), request.get("index")))

    def _body(self, content_type, limit):
        """The request body, after checking its type and size (nothing is read when too big)."""
        given = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if given != content_type:
            self.close_connection = True
            raise RequestError(415, f"expected a {content_type} body, got {given or 'none'}")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise RequestError(411, "send the body with a Content-Length, not chunked")
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            raise RequestError(411, "a Content-Length header is required")
        if int(length) > limit:
            self.close_connection = True
            raise RequestError(
                413, f"the request body has {int(length):,} bytes; the limit is {limit:,} bytes"
            )
        return self.rfile.read(int(length))

    # -- answers ----------------------------------------------------------------------------------
    def _send_json(self, value, status=200):
        self._send(json_bytes(value), "application/json", status=status)

    def _send(self, body, content_type, status=200, headers=None):
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        if status != 204:  # "No Content" has no length
            self.send_header("Content-Length", str(len(body)))
        for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


def _integer(query, name):
    values = query.get(name, ["0"])
    if len(values) != 1 or not values[0].lstrip("-").isdigit():
        raise RequestError(400, f"{name}: expected a whole number, got {values}")
    return int(values[0])
