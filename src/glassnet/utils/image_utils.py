"""Images as files, Pillow images and arrays: ``load_img``, ``img_to_array``, ``array_to_img``,
``save_img``, ``smart_resize`` (Keras's names and arguments; also under
``keras.preprocessing.image``). Pillow reads and writes the files.

Example:

>>> import numpy as np
>>> from glassnet.utils import array_to_img, img_to_array
>>> image = array_to_img(np.arange(12, dtype="float32").reshape(2, 2, 3))
>>> image.size, img_to_array(image).shape
((2, 2), (2, 2, 3))
"""

import io
import os
import pathlib

import numpy as np

from glassnet.backend import config as backend_config

PIL_INTERPOLATION = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("glassnet's image utilities need Pillow: pip install pillow") from None
    return Image


def _data_format(data_format):
    if data_format is None:
        return backend_config.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}"
        )
    return data_format


def load_img(
    path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False
):
    """Read an image file into a Pillow image.

    Args:
        path: a file path (str or pathlib.Path) or a binary file object.
        color_mode: "grayscale", "rgb" or "rgba".
        target_size: (height, width) to resize to, or None to keep the size.
        interpolation: Pillow's resampling, "nearest", "bilinear", "bicubic", "hamming",
            "box" or "lanczos".
        keep_aspect_ratio: crop the centre to the target's aspect ratio before resizing.

    Returns:
        a ``PIL.Image.Image``.

    Example:

    >>> import io, numpy as np
    >>> from glassnet.utils import array_to_img, load_img
    >>> buffer = io.BytesIO()
    >>> array_to_img(np.zeros((4, 6, 3))).save(buffer, format="png")
    >>> load_img(buffer, color_mode="grayscale", target_size=(2, 3)).size
    (3, 2)
    """
    Image = _pil()
    if color_mode not in ("grayscale", "rgb", "rgba"):
        raise ValueError(
            f"load_img: color_mode must be 'grayscale', 'rgb' or 'rgba', got {color_mode!r}"
        )
    if isinstance(path, io.BytesIO):
        path.seek(0)
        image = Image.open(path)
    elif isinstance(path, (str, bytes, pathlib.Path, os.PathLike)):
        with open(path, "rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
    else:
        raise TypeError(
            f"load_img: path must be a file path or a BytesIO, got {type(path).__name__}"
        )
    if color_mode == "grayscale":
        if image.mode not in ("L", "I;16", "I"):
            image = image.convert("L")
    elif color_mode == "rgba":
        if image.mode != "RGBA":
            image = image.convert("RGBA")
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if target_size is not None:
        height, width = int(target_size[0]), int(target_size[1])
        if image.size != (width, height):
            if interpolation not in PIL_INTERPOLATION:
                raise ValueError(
                    f"load_img: interpolation must be one of {PIL_INTERPOLATION}, got "
                    f"{interpolation!r}"
                )
            resample = getattr(Image.Resampling, interpolation.upper())
            if keep_aspect_ratio:
                box = _crop_box(image.size[1], image.size[0], height, width)
                image = image.crop(box)
            image = image.resize((width, height), resample)
    return image


def _crop_box(height, width, target_height, target_width):
    """(left, upper, right, lower) of the centred window with the target's aspect ratio."""
    crop_height = min(height, int(width * target_height / target_width))
    crop_width = min(width, int(height * target_width / target_height))
    top = (height - crop_height) // 2
    left = (width - crop_width) // 2
    return left, top, left + crop_width, top + crop_height


def img_to_array(img, data_format=None, dtype=None):
    """A Pillow image as a 3-D array: (height, width, channels), or channels first.

    Args:
        img: a Pillow image.
        data_format: "channels_last" or "channels_first" (None: the configured default).
        dtype: the array's dtype (default: floatx, float32).

    Returns:
        an array with one axis for channels even for grayscale images.

    Example:

    >>> from PIL import Image
    >>> array = img_to_array(Image.new("L", (3, 2), 7))  # Pillow sizes are (width, height)
    >>> array.shape, array.dtype, array[0, 0]
    ((2, 3, 1), dtype('float32'), array([7.], dtype=float32))
    """
    data_format = _data_format(data_format)
    dtype = dtype or backend_config.floatx()
    array = np.asarray(img, dtype=dtype)
    if array.ndim == 2:
        array = array[:, :, None]
    elif array.ndim != 3:
        raise ValueError(f"img_to_array: unsupported image shape {array.shape}")
    if data_format == "channels_first":
        array = array.transpose(2, 0, 1)
    return array


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A 3-D array as a Pillow image (1, 3 or 4 channels).

    Args:
        x: (height, width, channels) array (or channels first).
        data_format: how x is laid out (None: the configured default).
        scale: stretch the values to 0-255 (min to 0, max to 255) first.
        dtype: accepted for Keras compatibility.

    Returns:
        a ``PIL.Image.Image`` in mode "L", "RGB" or "RGBA".

    Example:

    >>> import numpy as np
    >>> image = array_to_img(np.array([[[0.0], [0.5]]]))  # scaled: 0.5 is the maximum
    >>> image.mode, image.size, image.getpixel((1, 0))
    ('L', (2, 1), 255)
    """
    Image = _pil()
    data_format = _data_format(data_format)
    x = np.asarray(getattr(x, "data", x), dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected a 3-D image array, got shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - x.min()
        peak = x.max()
        if peak != 0:
            x = x / peak
        x = x * 255
    channels = x.shape[2]
    if channels not in (1, 3, 4):
        raise ValueError(f"array_to_img: an image needs 1, 3 or 4 channels, got {channels}")
    pixels = np.clip(np.rint(x), 0, 255).astype(np.uint8)
    mode = {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    return Image.fromarray(pixels[:, :, 0] if channels == 1 else pixels, mode)


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write an image array to a file (the format from the extension unless given).

    Args:
        path: where to write.
        x: (height, width, channels) array.
        data_format: how x is laid out.
        file_format: "png", "jpeg"... (None: from the file name).
        scale: stretch the values to 0-255 first.
        **kwargs: passed to Pillow's ``Image.save`` (quality=95...).

    Example:

    >>> import os, tempfile
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "black.png")
    >>> save_img(path, np.zeros((2, 3, 3)))
    >>> load_img(path).size
    (3, 2)
    """
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and (
        file_format == "jpeg" or str(path).lower().endswith((".jpg", ".jpeg"))
    ):
        image = image.convert("RGB")  # JPEG has no alpha channel
    image.save(path, format=file_format, **kwargs)


def smart_resize(
    x, size, interpolation="bilinear", data_format="channels_last", backend_module=None
):
    """Resize an image (or a batch) to ``size`` without distorting it: the largest centred
    window with the target's aspect ratio is cropped, then resized.

    Args:
        x: (height, width, channels) or (batch, height, width, channels) array (or channels
            first).
        size: (height, width).
        interpolation: as ``keras.ops.image.resize``.
        data_format: "channels_last" or "channels_first".
        backend_module: accepted for Keras compatibility.

    Returns:
        a float array of the new size.

    Example:

    >>> import numpy as np
    >>> from glassnet.utils import smart_resize
    >>> smart_resize(np.ones((40, 20, 3)), (10, 10)).shape
    (10, 10, 3)
    """
    from glassnet.ops import image as image_ops

    if len(size) != 2:
        raise ValueError(f"smart_resize: size must be (height, width), got {size!r}")
    array = np.asarray(getattr(x, "data", x))
    if array.ndim not in (3, 4):
        raise ValueError(
            f"smart_resize: expected a 3-D or 4-D image array, got shape {array.shape}"
        )
    if array.dtype.kind != "f":
        array = array.astype(backend_config.floatx())
    channels_last = data_format != "channels_first"
    height_axis = array.ndim - 3 if channels_last else array.ndim - 2
    height, width = array.shape[height_axis], array.shape[height_axis + 1]
    target_height, target_width = int(size[0]), int(size[1])
    # Keras's box: the largest centred window with the target's aspect ratio, computed in float32
    crop_height = max(min(height, int(np.float32(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(np.float32(height * target_width) / target_height)), 1)
    top = int(np.float32(height - crop_height) / 2)
    left = int(np.float32(width - crop_width) / 2)
    index = [slice(None)] * array.ndim
    index[height_axis] = slice(top, top + crop_height)
    index[height_axis + 1] = slice(left, left + crop_width)
    out = image_ops.resize(
        array[tuple(index)],
        (target_height, target_width),
        interpolation=interpolation,
        data_format="channels_last" if channels_last else "channels_first",
    )
    return np.asarray(getattr(out, "data", out))


def resize_with_pad(image, size, interpolation="bilinear"):
    """Scale a (height, width, channels) image to fit ``size`` keeping its aspect ratio, then
    pad it evenly with zeros (as ``tf.image.resize_with_pad``, which Keras's loaders use).

    Args:
        image: a (height, width, channels) array.
        size: (height, width) of the result.
        interpolation: as ``keras.ops.image.resize`` ("bilinear" by default).

    Returns:
        A float32 array of ``size`` and the image's channels.

    Example:

    >>> import numpy as np
    >>> resize_with_pad(np.ones((2, 4, 1), np.float32), (4, 4))[:, 0, 0]
    array([0., 1., 1., 0.], dtype=float32)
    """
    from glassnet.ops import image as image_ops

    height, width = image.shape[0], image.shape[1]
    target_height, target_width = int(size[0]), int(size[1])
    ratio = max(width / target_width, height / target_height)
    resized_height, resized_width = int(height / ratio), int(width / ratio)
    top = max(0, int(np.floor((target_height - height / ratio) / 2)))
    left = max(0, int(np.floor((target_width - width / ratio) / 2)))
    resized = image_ops.resize(image, (resized_height, resized_width), interpolation=interpolation)
    out = np.zeros((target_height, target_width, image.shape[2]), dtype=np.float32)
    out[top : top + resized_height, left : left + resized_width] = np.asarray(
        getattr(resized, "data", resized)
    )
    return out
