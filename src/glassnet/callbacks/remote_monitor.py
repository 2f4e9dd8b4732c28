"""RemoteMonitor: send each epoch's logs to a server as an HTTP POST.

Example:

>>> import glassnet as keras
>>> monitor = keras.callbacks.RemoteMonitor(root="http://127.0.0.1:9000", send_as_json=True)
>>> monitor.url
'http://127.0.0.1:9000/publish/epoch/end/'
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from glassnet.callbacks.callback import Callback


def _plain(value):
    if isinstance(value, (np.generic, np.ndarray)):
        return np.asarray(value).tolist()
    if hasattr(value, "data") and isinstance(getattr(value, "data"), np.ndarray):
        return value.data.tolist()
    return value


class RemoteMonitor(Callback):
    """POST ``{"epoch": i, **logs}`` to ``root + path`` at the end of every epoch.

    Uses Python's own ``urllib`` (Keras uses the ``requests`` package); a server that cannot be
    reached gives a warning, not an error, so training goes on.

    Args:
        root: the server's address, e.g. "http://localhost:9000".
        path: the path the data is posted to.
        field: with ``send_as_json=False``, the form field holding the JSON text.
        headers: extra HTTP headers, a dict.
        send_as_json: send the data as a JSON body (``Content-Type: application/json``)
            instead of a form field.
        timeout: seconds to wait for the server.

    Example:

    >>> import warnings
    >>> monitor = RemoteMonitor(root="http://127.0.0.1:9", path="/logs", timeout=1)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     monitor.on_epoch_end(0, {"loss": 0.5})  # no server there: a warning, no error
    >>> "could not reach the server" in str(caught[0].message)
    True
    """

    def __init__(
        self,
        root="http://localhost:9000",
        path="/publish/epoch/end/",
        field="data",
        headers=None,
        send_as_json=False,
        timeout=10,
    ):
        super().__init__()
        self.root, self.path, self.field = root, path, field
        self.headers = dict(headers or {})
        self.send_as_json = send_as_json
        self.timeout = timeout

    @property
    def url(self):
        """Where the data goes."""
        return self.root + self.path

    def on_epoch_end(self, epoch, logs=None):
        """POST the epoch and its logs; warn when the server cannot be reached."""
        send = {"epoch": epoch, **{key: _plain(value) for key, value in (logs or {}).items()}}
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers = {"Content-Type": "application/json", **self.headers}
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("ascii")
            headers = {"Content-Type": "application/x-www-form-urlencoded", **self.headers}
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as error:
            warnings.warn(
                f"RemoteMonitor: could not reach the server at {self.root} ({error})",
                stacklevel=2,
            )
