"""The error every loader raises for a file it refuses.

Example:

>>> issubclass(ModelFileError, ValueError)
True
"""


class ModelFileError(ValueError):
    """A model or weights file that glassnet refuses to load.

    The file is malformed, truncated, too large, unsafe, or does not match the model it is
    loaded into; the message says which and why. A subclass of ``ValueError``, so code that
    catches Keras's errors still catches it.

    Args:
        message: what is wrong with which file.

    Example:

    >>> import os, tempfile
    >>> from glassnet import saving
    >>> path = os.path.join(tempfile.mkdtemp(), "empty.glassnet")
    >>> _ = open(path, "wb").write(b"not a zip")
    >>> try:
    ...     saving.load_model(path)
    ... except saving.ModelFileError as error:
    ...     print("refused:", "truncated/corrupt" in str(error))
    refused: True
    """
