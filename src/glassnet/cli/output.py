"""Output folders of the commands: checked (and created) before any training starts, so that a bad
``--out`` costs nothing, and never silently holding two runs.

Example:

>>> import os, tempfile
>>> root = tempfile.mkdtemp()
>>> folder = OutputFolder(os.path.join(root, "run"), option="--out")
>>> folder.prepare()
>>> os.path.isdir(folder.path), folder.created
(True, True)
>>> folder.discard_if_empty()
>>> os.path.exists(folder.path)
False
"""

import os
import tempfile
import time


def fresh_path(prefix):
    """A folder name under ``runs/`` for this run, made unique with -2, -3... if taken.

    Args:
        prefix: the start of the folder name, e.g. "train-digits-mlp".

    Example:

    >>> fresh_path("train-digits-mlp").startswith(os.path.join("runs", "train-digits-mlp-"))
    True
    """
    base = os.path.join("runs", f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}")
    path, number = base, 2
    while os.path.exists(path):
        path, number = f"{base}-{number}", number + 1
    return path


class OutputFolder:
    """The folder a command writes into.

    Args:
        path: the folder.
        option: the option that named it, for messages (``--out``).
        guarded: file names that mark an earlier run's results there; a folder holding one is
            refused unless ``overwrite`` is set.
        overwrite: allow replacing the earlier results.

    Example:

    >>> import os, tempfile
    >>> folder = OutputFolder(os.path.join(tempfile.mkdtemp(), "run"), guarded=("metrics.json",))
    >>> folder.prepare()
    >>> folder.created, os.path.isdir(folder.path)
    (True, True)
    >>> open(folder.file("metrics.json"), "w").close()
    >>> OutputFolder(folder.path, guarded=("metrics.json",)).check()
    Traceback (most recent call last):
    ...
    ValueError: --out '...' already holds metrics.json from an earlier run; ...
    """

    def __init__(self, path, option="--out", guarded=(), overwrite=False):
        self.path = os.path.abspath(os.path.expanduser(os.fspath(path)))
        self.option, self.guarded, self.overwrite = option, tuple(guarded), overwrite
        self.created = False
        self._created_top = None

    def file(self, name):
        """The path of ``name`` inside the folder."""
        return os.path.join(self.path, name)

    def earlier_results(self):
        """The guarded files already in the folder."""
        return [name for name in self.guarded if os.path.lexists(self.file(name))]

    def check(self):
        """Raise ValueError/OSError unless the folder can be used: not a file, no earlier results
        (without overwrite), and writable, or creatable where it does not exist yet."""
        if os.path.lexists(self.path) and not os.path.isdir(self.path):
            raise ValueError(
                f"{self.option} {self.path!r} is a file, not a folder; choose a folder "
                f"(it is created if it does not exist)"
            )
        earlier = self.earlier_results()
        if earlier and not self.overwrite:
            raise ValueError(
                f"{self.option} {self.path!r} already holds {', '.join(earlier)} from an "
                f"earlier run; choose another {self.option}, or add --overwrite to replace them"
            )
        if not os.path.isdir(self.path):
            parent = self._existing_ancestor()
            if not os.path.isdir(parent):
                raise ValueError(
                    f"{self.option} {self.path!r} cannot be created: {parent!r} is a file"
                )
            if not os.access(parent, os.W_OK | os.X_OK):
                raise PermissionError(
                    f"{self.option} {self.path!r} cannot be created: no permission to write "
                    f"in the folder {parent!r}"
                )

    def prepare(self):
        """Check the folder, create it if needed and prove that a file can be written there."""
        self.check()
        if not os.path.isdir(self.path):
            self._created_top = self._first_missing()
            try:
                os.makedirs(self.path)
            except OSError as error:
                raise OSError(
                    f"{self.option}: cannot create the folder {self.path!r} ({error.strerror})"
                ) from None
            self.created = True
        try:
            with tempfile.TemporaryFile(dir=self.path):
                pass
        except OSError as error:
            self.discard_if_empty()
            raise OSError(
                f"{self.option}: cannot write files in the folder {self.path!r} ({error.strerror})"
            ) from None

    def discard_if_empty(self):
        """Remove the folders ``prepare`` created, if nothing was written into them."""
        if not self.created:
            return
        folder = self.path
        while True:
            try:
                os.rmdir(folder)
            except OSError:
                return
            if folder == self._created_top:
                break
            folder = os.path.dirname(folder)
        self.created = False

    def _existing_ancestor(self):
        folder = self.path
        while not os.path.lexists(folder):
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        return folder

    def _first_missing(self):
        folder = self.path
        while not os.path.lexists(os.path.dirname(folder)):
            folder = os.path.dirname(folder)
        return folder
