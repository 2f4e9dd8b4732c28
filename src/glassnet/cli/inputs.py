"""Reading the input of ``glassnet predict``: a PNG/JPEG image, a .npy array or a .csv file (one
sample per row), as the raw values a model trained by ``glassnet train`` takes.

Images are read as gray levels; a model that starts with a ``Rescaling`` layer (the uint8 image
datasets) gets them as the pixel values its dataset holds (0-255), any other model as fractions
of full brightness (0-1), the form of the small embedded image sets. Arrays are used as they are.

Example:

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "rows.csv")
>>> with open(path, "w") as handle:
...     _ = handle.write("1,2\\n3,4\\n")
>>> read_input(path, pixel_scale=1.0)
array([[1., 2.],
       [3., 4.]], dtype=float32)
"""

import os
import warnings

import numpy as np

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
KINDS = {
    ".png": "PNG image",
    ".jpg": "JPEG image",
    ".jpeg": "JPEG image",
    ".npy": "NumPy .npy array",
    ".csv": "CSV file of numbers",
}


def pixel_scale_of(model):
    """What a gray level of 1.0 (full brightness) is in the model's raw input: 1 / scale of a
    ``Rescaling`` layer at its input, else 1.

    Args:
        model: a model (or anything; without ``layers`` the scale is 1).

    Example:

    >>> import glassnet as keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Rescaling(1 / 255)])
    >>> round(pixel_scale_of(model), 6)
    255.0
    """
    from glassnet import layers

    for layer in getattr(model, "layers", [])[:1]:
        if isinstance(layer, layers.Rescaling) and np.ndim(layer.scale) == 0 and layer.scale:
            if not getattr(layer, "offset", 0):
                return 1.0 / float(layer.scale)
    return 1.0


def _read_image(path):
    lower = path.lower()
    if lower.endswith(".png"):
        import matplotlib.image

        image = np.asarray(matplotlib.image.imread(path), dtype=np.float32)  # 0-1 for PNG
    else:
        from PIL import Image

        with Image.open(path) as picture:
            image = np.asarray(picture.convert("L"), dtype=np.float32) / 255.0
    if image.ndim == 3:
        image = image[..., :3].mean(axis=-1)  # gray, as the image datasets are
    return image


def read_input(path, pixel_scale):
    """The array in ``path`` as float32.

    Args:
        path: a .png/.jpg/.jpeg image, a .npy array or a .csv file of numbers.
        pixel_scale: the value full brightness has for the model (see ``pixel_scale_of``).

    Raises:
        ValueError: an unknown kind of file, or one that cannot be read as that kind.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "sample.csv")
    >>> with open(path, "w") as handle:
    ...     _ = handle.write("1,2,3")
    >>> read_input(path, pixel_scale=255.0)
    array([[1., 2., 3.]], dtype=float32)
    """
    lower = path.lower()
    if not lower.endswith((*IMAGE_SUFFIXES, ".npy", ".csv")):
        raise ValueError(
            f"INPUT must be a .png, .jpg or .jpeg image, a .npy array or a .csv file, got {path!r}"
        )
    if not os.path.isfile(path):
        what = "is a folder" if os.path.isdir(path) else "does not exist"
        raise FileNotFoundError(f"input file {path!r} {what}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an empty CSV: said below, once
            if lower.endswith(".npy"):
                array = np.load(path, allow_pickle=False)
            elif lower.endswith(".csv"):
                array = np.loadtxt(path, delimiter=",", ndmin=2, dtype=np.float64)
            else:
                array = _read_image(path) * np.float32(pixel_scale)
    except Exception as error:  # a reader's own error for a malformed file
        kind = KINDS[os.path.splitext(lower)[1]]
        detail = " ".join(str(error).split()) or type(error).__name__
        raise ValueError(f"cannot read {path!r} as a {kind} ({detail})") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{path!r} holds {array.dtype} values; predict needs numbers")
    if array.size == 0:
        raise ValueError(f"{path!r} holds no values")
    array = array.astype(np.float32)
    if not np.isfinite(array).all():
        raise ValueError(f"{path!r} holds NaN or infinite values; predict needs finite numbers")
    return array
